from importlib import import_module
from importlib.util import find_spec

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.urls import reverse

from hubportal.devtools.demo import DEMO_PASSWORD, DEMO_USERS, seed_core
from hubportal.devtools.demo_dashboard import seed as seed_dashboards

# Each app's demo data builds on the ones before it.
APP_DEMOS = ["partners", "agreements", "eoi", "surveys", "complaints", "hubportal.privacy"]


class Command(BaseCommand):
    help = "Create demo users, partners and records (idempotent: running it twice changes nothing)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Seed even with DEBUG off (never on a real site: the passwords are public).",
        )

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates users with a published password; it runs only with DEBUG on, or with --force."
            )
        with transaction.atomic():
            users = seed_core()
            for app in APP_DEMOS:
                if find_spec(f"{app}.demo"):
                    import_module(f"{app}.demo").seed(users=users)
            # The dashboards' own additions build on every app's records.
            seed_dashboards(users=users)
        # The address served: `make run` sets SITE_URL from HOST and PORT.
        sign_in = f"{settings.SITE_URL}{reverse('login')}"
        self.stdout.write(self.style.SUCCESS(f"Demo data ready. Sign in at {sign_in} with:"))
        for username, *_ in DEMO_USERS:
            self.stdout.write(f"  {username:<10} / {DEMO_PASSWORD}")
