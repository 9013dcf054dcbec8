"""Start a Hub from an empty database: `python manage.py setup_hub`.

Asks for the Hub's name, lead organisation, area, districts and the first
admin (or takes them as options, with --no-input), migrates the database and
makes the portal that Hub. No demo records: the admin then adds the team, and
the Hub's records come in through "Import records" or the screens.
"""

import getpass
import os

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from hubportal.devtools.hub_setup import first_admin, hub_setup
from hubportal.models import Hub


class Command(BaseCommand):
    help = "Set up a new Hub on an empty database: its name, lead organisation, districts and first admin."

    def add_arguments(self, parser):
        parser.add_argument("--name", help='The Hub\'s name, e.g. "Rutland Music Hub".')
        parser.add_argument("--lead-organisation", help="The Hub Lead Organisation.")
        parser.add_argument("--area", help='The area it serves, as in "children and young people in ...".')
        parser.add_argument("--local-authority", default="", help="The council whose procurement rules apply.")
        parser.add_argument("--district", action="append", dest="districts", help="A district (repeat for each).")
        parser.add_argument(
            "--holiday-region", choices=[c for c, _ in Hub.HolidayRegion.choices], help="Whose bank holidays count."
        )
        parser.add_argument("--admin-username")
        parser.add_argument("--admin-email")
        parser.add_argument(
            "--no-input",
            action="store_true",
            help="Ask nothing: take every answer from the options, and the admin's password "
            "from the HUB_ADMIN_PASSWORD environment variable.",
        )
        parser.add_argument("--force", action="store_true", help="Run even though the database already holds partners.")

    def handle(self, *args, **options):
        call_command("migrate", interactive=False, verbosity=0)
        from partners.models import Partner

        if Partner.objects.exists() and not options["force"]:
            raise CommandError(
                "This database already holds partners, so it is not a new Hub. Change the Hub's name and terms "
                "in the admin (Hub), or run setup_hub --force to rename it anyway."
            )
        interactive = not options["no_input"]
        answers = {
            "name": self._ask(options, "name", "The Hub's name (e.g. Rutland Music Hub)", interactive),
            "lead_organisation": self._ask(options, "lead_organisation", "The Hub Lead Organisation", interactive),
            "area": self._ask(options, "area", "The area it serves (e.g. Rutland)", interactive),
        }
        districts = options["districts"] or []
        if not districts and interactive:
            raw = input("Its districts, separated by commas: ")
            districts = [d.strip() for d in raw.split(",") if d.strip()]
        if not districts:
            raise CommandError("Give at least one district (--district NAME, once for each).")
        username = self._ask(options, "admin_username", "The first admin's username", interactive)
        email = self._ask(options, "admin_email", "The first admin's email address", interactive)
        password = os.environ.get("HUB_ADMIN_PASSWORD", "")
        if not password and interactive:
            password = getpass.getpass("The first admin's password: ")
        if not password:
            raise CommandError("Set the first admin's password in HUB_ADMIN_PASSWORD (with --no-input).")
        try:
            validate_password(password)
        except ValidationError as error:
            raise CommandError("The admin's password is not strong enough: " + " ".join(error.messages)) from error
        terms = {}
        if options["local_authority"]:
            terms["local_authority"] = options["local_authority"]
        if options["holiday_region"]:
            terms["holiday_region"] = options["holiday_region"]
        with transaction.atomic():
            admin = first_admin(username=username, email=email, password=password)
            hub = hub_setup(actor=admin, districts=districts, **answers, **terms)
        self.stdout.write(self.style.SUCCESS(f"{hub.name} is set up, with {len(districts)} districts."))
        self.stdout.write(
            f"Sign in to /admin/ as {username} to add your team and check the Hub's terms (Hub, in the admin); "
            'then bring in your records with "Import records".'
        )

    def _ask(self, options, key: str, question: str, interactive: bool) -> str:
        value = (options.get(key) or "").strip()
        while not value and interactive:
            value = input(f"{question}: ").strip()
        if not value:
            raise CommandError(f"Give --{key.replace('_', '-')} (with --no-input nothing is asked).")
        return value
