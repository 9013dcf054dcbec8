"""The Hub's default retention schedule. Periods are editable in the admin;
the source of each is stated here and in the README ("Personal data")."""

from django.db import migrations

LIMITATION = (
    "Limitation Act 1980, s.5: a claim on a simple contract may be brought for six years, so records that "
    "would show what was agreed and done are kept that long after the relationship ends."
)

DEFAULT_RULES = [
    {
        "key": "dbs-certificates",
        "kind": "dbs_certificate",
        "period_months": 6,
        "trigger": "evidence_verified",
        "action": "delete_file",
        "keeps": (
            "The check's date (issued on), its level (the evidence type), its outcome (verified, rejected or "
            "expired) and the certificate number's last four digits; the copy of the certificate is deleted."
        ),
        "source": (
            "DBS, Handling of DBS certificate information (guidance for registered bodies and organisations "
            "that see certificates): certificate information is kept no longer than necessary, generally no "
            "longer than six months after the decision it served."
        ),
    },
    {
        "key": "evidence-files",
        "kind": "evidence_file",
        "period_months": 72,
        "trigger": "partnership_ended",
        "action": "delete_file",
        "keeps": "The evidence item's type, status and dates; the file is deleted.",
        "source": LIMITATION,
    },
    {
        "key": "complaints",
        "kind": "complaint",
        "period_months": 72,
        "trigger": "complaint_closed",
        "action": "anonymise",
        "keeps": (
            "The reference, category, partner, stages, dates, resolution and the Chair's decision. The "
            "complainant's name, email and phone, and every mention of them in the case file, are removed; "
            "their documents are deleted."
        ),
        "source": (
            "Limitation Act 1980, ss.2 and 5: six years for claims in tort and in simple contract, the period "
            "complaint files are commonly kept after closure."
        ),
    },
    {
        "key": "safeguarding-concerns",
        "kind": "safeguarding",
        "period_months": 72,
        "trigger": "complaint_closed",
        "action": "review",
        "automatic": False,
        "keeps": "Everything, until the safeguarding lead has reviewed it.",
        "source": (
            "Working Together to Safeguard Children (2023) and the Hub's safeguarding policy: safeguarding "
            "records are reviewed by the designated safeguarding lead and never destroyed automatically "
            "(records of allegations about people who work with children are commonly kept until their "
            "normal retirement age or for ten years, whichever is longer)."
        ),
    },
    {
        "key": "partner-contacts",
        "kind": "contact",
        "period_months": 72,
        "trigger": "partnership_ended",
        "action": "delete_record",
        "keeps": "The partner's own record; the named contact is deleted.",
        "source": LIMITATION,
    },
    {
        "key": "partner-users",
        "kind": "user",
        "period_months": 72,
        "trigger": "partnership_ended",
        "action": "anonymise",
        "keeps": "The account without name, email or a way to sign in, so history and signatures still point at it.",
        "source": LIMITATION,
    },
    {
        "key": "meeting-notes",
        "kind": "meeting_notes",
        "period_months": 72,
        "trigger": "partnership_ended",
        "action": "anonymise",
        "keeps": "The meeting's date, outcome and the answers about the organisation; free notes are removed.",
        "source": LIMITATION,
    },
    {
        "key": "eoi-attachments",
        "kind": "eoi_attachment",
        "period_months": 72,
        "trigger": "eoi_decided",
        "action": "delete_file",
        "keeps": "The expression of interest itself (budget, funding, scores and decision); attachments are deleted.",
        "source": (
            "The County Council's Contract Procedure Rules (procurement records) and the Limitation Act 1980, "
            "s.5: six years after the award or decision."
        ),
    },
    {
        "key": "agreements",
        "kind": "agreement",
        "period_months": 72,
        "trigger": "agreement_year_ended",
        "action": "review",
        "automatic": False,
        "keeps": "Signed agreements are locked records: listed for staff to review, never changed by the job.",
        "source": LIMITATION + " (Twelve years for an agreement signed as a deed, s.8.)",
    },
    {
        "key": "outbound-emails",
        "kind": "outbound_email",
        "period_months": 24,
        "trigger": "email_sent",
        "action": "delete_record",
        "keeps": "Nothing: the record each email was about keeps its own history.",
        "source": (
            "No statutory period; the Hub's choice under UK GDPR Art. 5(1)(e) (storage limitation): long "
            "enough to answer a question about what was sent."
        ),
    },
    {
        "key": "history-and-audit",
        "kind": "history",
        "period_months": 72,
        "trigger": "recorded",
        "action": "review",
        "automatic": False,
        "keeps": (
            "Everything: the record of who did what is append-only (on PostgreSQL the database refuses "
            "changes). The rows the retention job and erasures write name no one."
        ),
        "source": "UK GDPR Art. 5(2) (accountability) and Art. 30 (records of processing).",
    },
]


def seed(apps, schema_editor):
    RetentionRule = apps.get_model("privacy", "RetentionRule")
    for rule in DEFAULT_RULES:
        RetentionRule.objects.update_or_create(kind=rule["kind"], defaults=rule)


def unseed(apps, schema_editor):
    apps.get_model("privacy", "RetentionRule").objects.filter(key__in=[r["key"] for r in DEFAULT_RULES]).delete()


class Migration(migrations.Migration):
    dependencies = [("privacy", "0001_retention_and_requests")]
    operations = [migrations.RunPython(seed, unseed)]
