"""Insights: the home pages, dashboards, reports and their task, leverage, impact, the reminder log.
Cross-app reads: may import any app's selectors; no app imports insights."""
