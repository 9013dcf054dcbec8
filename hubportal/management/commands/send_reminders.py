from datetime import date

from django.core.management.base import BaseCommand
from django.utils import timezone

from hubportal.messaging.reminders import collect, sweep
from hubportal.models import Reminder


class Command(BaseCommand):
    help = "Run the daily reminders sweep now; with --dry-run, list what it would send without sending."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="List today's reminders; send nothing.")
        parser.add_argument("--date", type=date.fromisoformat, help="Sweep as if today were this date (YYYY-MM-DD).")

    def handle(self, *args, dry_run=False, date=None, **options):
        today = date or timezone.localdate()
        if not dry_run:
            claimed = sweep(today)
            self.stdout.write(f"Claimed and queued {claimed} reminder(s) for {today:%d %B %Y}.")
            return
        rows = collect(today)
        already = set(
            Reminder.objects.filter(kind__in={r.kind for r in rows}).values_list(
                "kind", "content_type_id", "object_id", "recipient_id", "stage"
            )
        )
        fresh = [r for r in rows if (r.kind, r.content_type_id, r.object_id, r.recipient_id, r.stage) not in already]
        self.stdout.write(f"{len(fresh)} reminder(s) would be sent for {today:%d %B %Y}:")
        for r in fresh:
            self.stdout.write(f"  {r.kind:<28} {r.stage:<12} due {r.due_on:%d %b %Y}  to {r.recipient}  ({r.subject})")
