"""Seed the reference data DESIGN.md lists. Admins edit it afterwards."""

from django.db import migrations

DISTRICTS = [
    "Leicester City",
    "Blaby",
    "Charnwood",
    "Harborough",
    "Hinckley & Bosworth",
    "Melton",
    "North West Leicestershire",
    "Oadby & Wigston",
]

STRANDS = ["Partnerships", "Schools", "Progression and musical development", "Inclusion", "Sustainability"]

ACTIVITY_TYPES = [
    "Whole class ensemble teaching (first access)",
    "Small group or individual instrumental or vocal tuition",
    "Ensembles (choir, band, orchestra, other)",
    "Singing",
    "Music technology and songwriting",
    "Early years",
    "CPD for school staff",
    "Curriculum support",
    "Performances and events",
    "Instrument loan",
    "Targeted inclusion projects",
]

# name, kind, agreement required, termly surveys required
PARTNER_TYPES = [
    ("Music service", "strategic", True, True),
    ("Community music organisation", "delivery", True, True),
    ("Arts or cultural organisation", "delivery", True, True),
    ("Charity or CIC", "delivery", True, True),
    ("School", "network", False, False),
    ("Academy trust", "strategic", True, True),
    ("Early years setting", "network", False, False),
    ("Further or higher education", "strategic", True, True),
    ("Local authority", "strategic", True, False),
    ("Industry or commercial", "delivery", True, True),
    ("Individual practitioner", "delivery", True, True),
    ("Lead school", "strategic", True, True),
]


def seed(apps, schema_editor):
    for model_name, names in [("District", DISTRICTS), ("NationalPlanStrand", STRANDS), ("ActivityType", ACTIVITY_TYPES)]:
        model = apps.get_model("partners", model_name)
        for order, name in enumerate(names):
            model.objects.get_or_create(name=name, defaults={"sort_order": order})
    PartnerType = apps.get_model("partners", "PartnerType")
    for order, (name, kind, agreement, surveys) in enumerate(PARTNER_TYPES):
        PartnerType.objects.get_or_create(
            name=name,
            defaults={
                "sort_order": order,
                "kind": kind,
                "agreement_required": agreement,
                "termly_surveys_required": surveys,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("partners", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
