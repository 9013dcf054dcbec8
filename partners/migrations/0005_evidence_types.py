"""Seed the minimum standards (safeguarding and quality) every partner
evidences, with the default renewal periods the issue and DESIGN.md list.
Admins edit them afterwards."""

from django.db import migrations

# name, months, months for a registered charity, renew on change, description
EVIDENCE_TYPES = [
    (
        "Safeguarding policy",
        36,
        # Charities review theirs every year (Charity Commission guidance to trustees).
        12,
        False,
        "Your safeguarding policy for work with children and young people, signed off by your board or owner.",
    ),
    (
        "Named designated safeguarding lead",
        None,
        None,
        # No date: renewed when the person changes.
        True,
        "The name, role and contact details of your designated safeguarding lead. Tell us again when it changes.",
    ),
    (
        "Designated safeguarding lead training",
        24,
        None,
        False,
        "The certificate of your designated safeguarding lead's training (renewed every two years).",
    ),
    (
        "Staff safeguarding training",
        12,
        None,
        False,
        "A record that everyone working with children and young people completed safeguarding training this year.",
    ),
    (
        "Enhanced DBS check with barred list",
        36,
        None,
        False,
        "Evidence of enhanced DBS checks with the children's barred list for everyone in regulated activity "
        "(re-checked every three years).",
    ),
    (
        "DBS Update Service subscription",
        12,
        None,
        False,
        "Evidence of the DBS Update Service subscription for checked staff (renewed yearly).",
    ),
    (
        "Public liability insurance",
        12,
        None,
        False,
        "Your current public liability insurance certificate.",
    ),
    (
        "Data protection policy",
        # Two years: UK GDPR expects policies kept under review; two years is
        # the common cycle between the yearly training and the three-yearly
        # safeguarding policy, and a change in the law prompts an earlier one.
        24,
        None,
        False,
        "Your data protection (UK GDPR) policy, including how you handle data about children and young people.",
    ),
    (
        "Commitment to the Quality Principles",
        # Yearly: partnerships run by academic year, so the commitment is
        # renewed with each year's agreement.
        12,
        None,
        False,
        "Your signed commitment to Arts Council England's Quality Principles and the Hub's Inclusion and Quality "
        "Principles.",
    ),
    (
        "Branding guidelines accepted",
        # Yearly, like the Quality Principles: the guidelines of the Hub and
        # Arts Council England are updated, and repeated failure to meet them
        # is a reason to end a partnership, so partners re-accept each year.
        12,
        None,
        False,
        "Your signed acceptance of the branding guidelines of the Leicestershire Music Hub and Arts Council England.",
    ),
]


def seed(apps, schema_editor):
    EvidenceType = apps.get_model("partners", "EvidenceType")
    for order, (name, months, charity_months, on_change, description) in enumerate(EVIDENCE_TYPES):
        EvidenceType.objects.get_or_create(
            name=name,
            defaults={
                "sort_order": order,
                "renewal_months": months,
                "renewal_months_for_charities": charity_months,
                "renew_on_change": on_change,
                "required": True,
                "description": description,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("partners", "0004_meeting_confirmation")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
