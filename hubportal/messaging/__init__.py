"""Messaging: notifications, their wording, reminders and their kinds. Imports core and security, never an app:
apps register their reminder kinds and wording samples here."""
