"""Seed the target groups and the procurement bands (DESIGN.md). Admins edit them afterwards."""

from decimal import Decimal

from django.db import migrations

# Who a gap in provision is for. A genre or instrument is free text on the gap itself.
TARGET_GROUPS = [
    "SEND (special educational needs and disabilities)",
    "Free school meals / pupil premium",
    "Early years",
    "Looked-after children",
    "Young carers",
    "Rural isolation",
    "English as an additional language",
]

# The public procurement threshold for services contracts let by sub-central
# authorities such as the County Council: £214,904 including VAT, the figure in
# force from 1 January 2024 (set under the Public Contracts Regulations 2015 and
# carried into the Procurement Act 2023). Thresholds are revised every two
# years; an admin then edits the two bands below. The other boundaries are
# the Contract Procedure Rules' values before VAT. A Hub Grant is outside the
# scope of VAT, so the grant's value is compared with the threshold as it is.
PUBLIC_THRESHOLD = Decimal("214904.00")

# name, from (inclusive), up to (exclusive; None: no limit), route
BANDS = [
    (
        "Under £5,000",
        Decimal("0.00"),
        Decimal("5000.00"),
        "One quote. Keep the quote (or the partner's costed proposal) with the award.",
    ),
    (
        "£5,000 to £25,000",
        Decimal("5000.00"),
        Decimal("25000.00"),
        "Three written quotes. Record the three quotes and why this one was chosen.",
    ),
    (
        "£25,000 to the public procurement threshold",
        Decimal("25000.00"),
        PUBLIC_THRESHOLD,
        "Written quotes, advertised: the opportunity is advertised openly (e.g. on Contracts Finder) "
        "and written quotes are invited and compared.",
    ),
    (
        "Above the public procurement threshold",
        PUBLIC_THRESHOLD,
        None,
        "Formal tender under the Procurement Act 2023 and Part 4G of the County Council's constitution, "
        "run with the County Council's procurement team.",
    ),
]


def seed(apps, schema_editor):
    TargetGroup = apps.get_model("eoi", "TargetGroup")
    for order, name in enumerate(TARGET_GROUPS):
        TargetGroup.objects.get_or_create(name=name, defaults={"sort_order": order})
    ProcurementBand = apps.get_model("eoi", "ProcurementBand")
    for name, minimum, maximum, route in BANDS:
        ProcurementBand.objects.get_or_create(name=name, defaults={"minimum": minimum, "maximum": maximum, "route": route})


class Migration(migrations.Migration):
    dependencies = [("eoi", "0002_draft_amounts_and_moderator")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
