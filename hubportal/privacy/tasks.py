"""The nightly retention job (beat entry "retention-nightly" in settings)."""

from celery import shared_task

from hubportal.privacy import services


# Within settings.LONGEST_TASK_TIME_LIMIT, so a lost message comes back within
# minutes (the broker's visibility timeout). A run stopped at its limit loses
# nothing: each removal is claimed and committed on its own, and the next
# night's run carries on where it stopped.
@shared_task(time_limit=360, soft_time_limit=300)
def retention_nightly() -> dict:
    """First the dry run (the "Due for removal" page's report of the next 30
    days), then the removal of what is due today. Safe to run twice: each
    removal claims its row first, so a second run removes nothing more."""
    dry = services.retention_run(dry_run=True)
    run = services.retention_run(dry_run=False)
    return {"dry_run_items": len(dry.items), "removed": run.removed}
