"""Demo data for `make run`: one user per role and partners A and B.

Each app adds its own believable records in its `demo.py`; the seed_demo
command runs them in order. Everything is get-or-create, so seeding twice
changes nothing.
"""

from django.contrib.auth.models import Group

from hubportal.core import roles
from hubportal.models import User
from partners.models import Partner, PartnerType

DEMO_PASSWORD = "hubportal-demo"  # noqa: S105 - demo logins, printed by `make run`

PARTNER_A = "Charnwood Music Collective"
PARTNER_B = "Harborough Youth Strings"

DEMO_USERS = [
    # username, first, last, role, partner name
    ("admin", "Alex", "Admin", None, None),
    ("staff", "Sam", "Patel", roles.STAFF, None),
    ("manager", "Morgan", "Hughes", roles.MANAGER, None),
    ("assessor", "Asha", "Begum", roles.ASSESSOR, None),
    ("chair", "Christine", "Ward", roles.CHAIR, None),
    ("partner-a", "Priya", "Shah", roles.PARTNER, PARTNER_A),
    ("partner-b", "Ben", "Okafor", roles.PARTNER, PARTNER_B),
]


def seed_core() -> dict[str, User]:
    community = PartnerType.objects.filter(name="Community music organisation").first()
    charity = PartnerType.objects.filter(name="Charity or CIC").first()
    partners = {
        PARTNER_A: Partner.objects.get_or_create(
            name=PARTNER_A,
            defaults={
                "legal_name": "Charnwood Music Collective Ltd",
                "partner_type": community,
                "status": Partner.Stage.ACTIVE,
            },
        )[0],
        PARTNER_B: Partner.objects.get_or_create(
            name=PARTNER_B,
            defaults={
                "legal_name": "Harborough Youth Strings CIC",
                "partner_type": charity,
                "status": Partner.Stage.ACTIVE,
            },
        )[0],
    }
    users = {}
    for username, first, last, role, partner_name in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@demo.hubportal.example",
                "partner": partners.get(partner_name),
                "is_staff": username == "admin",
                "is_superuser": username == "admin",
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        if role:
            user.groups.add(Group.objects.get(name=role))
        users[username] = user
    users["manager"].groups.add(Group.objects.get(name=roles.SAFEGUARDING))
    return users
