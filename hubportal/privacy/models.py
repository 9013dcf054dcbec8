"""Personal data: how long each kind of record is kept (the retention
schedule, as data), what stops removal (legal holds), what was removed, and
the requests people make about their own data (subject access, erasure)."""

import calendar
from datetime import date

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from hubportal.core import text_limits


class RetentionRule(models.Model):
    """One line of the retention schedule: a kind of record, how long it is
    kept after what, and what happens then. The kind decides which records the
    rule reaches (hubportal.privacy.kinds); the period is the Hub's to set."""

    class Kind(models.TextChoices):
        DBS_CERTIFICATE = "dbs_certificate", "DBS certificate copies (evidence files)"
        EVIDENCE_FILE = "evidence_file", "Other minimum-standards evidence files"
        COMPLAINT = "complaint", "Complaints, their notes and attachments"
        SAFEGUARDING = "safeguarding", "Safeguarding concerns"
        CONTACT = "contact", "Partner contacts"
        USER = "user", "Partner users' accounts"
        MEETING_NOTES = "meeting_notes", "Introductory meeting notes"
        EOI_ATTACHMENT = "eoi_attachment", "Expression of interest attachments"
        AGREEMENT = "agreement", "Agreements (signatures, termination documents)"
        OUTBOUND_EMAIL = "outbound_email", "Emails sent"
        HISTORY = "history", "History and audit rows"

    class Trigger(models.TextChoices):
        EVIDENCE_VERIFIED = "evidence_verified", "the evidence was verified"
        PARTNERSHIP_ENDED = "partnership_ended", "the partnership ended (declined, lapsed or terminated)"
        COMPLAINT_CLOSED = "complaint_closed", "the complaint was closed or decided"
        EOI_DECIDED = "eoi_decided", "the expression of interest was decided or withdrawn"
        AGREEMENT_YEAR_ENDED = "agreement_year_ended", "the agreement's year ended"
        EMAIL_SENT = "email_sent", "the email was sent"
        RECORDED = "recorded", "the row was written"

    class Action(models.TextChoices):
        DELETE_FILE = "delete_file", "Delete the file"
        ANONYMISE = "anonymise", "Anonymise the personal fields"
        DELETE_RECORD = "delete_record", "Delete the record"
        REVIEW = "review", "List for review (never removed automatically)"

    key = models.SlugField(max_length=40, unique=True, help_text="Quoted in the history of every removal.")
    kind = models.CharField(max_length=20, choices=Kind.choices, unique=True)
    period_months = models.PositiveSmallIntegerField(help_text="Months the record is kept after its start.")
    trigger = models.CharField("kept from", max_length=30, choices=Trigger.choices)
    action = models.CharField(max_length=20, choices=Action.choices)
    automatic = models.BooleanField(
        default=True, help_text="Applied by the nightly job. Off: due records are listed for someone to review."
    )
    keeps = models.TextField("what is kept after", blank=True, max_length=text_limits.DESCRIPTION)
    source = models.TextField(
        "source of the period", help_text="The law or guidance the period follows.", max_length=text_limits.DESCRIPTION
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind"]
        constraints = text_limits.each(
            "privacy_retention_rule", keeps=text_limits.DESCRIPTION, source=text_limits.DESCRIPTION
        )

    def __str__(self):
        return f"{self.key}: {self.get_kind_display()}"

    @property
    def period_label(self) -> str:
        years, months = divmod(self.period_months, 12)
        parts = []
        if years:
            parts.append(f"{years} year{'s' if years != 1 else ''}")
        if months:
            parts.append(f"{months} month{'s' if months != 1 else ''}")
        return " ".join(parts) or "no time"


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later; the month's last day where it has no such day
    (31 August + 6 months is 28 or 29 February)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class LegalHold(models.Model):
    """Stops removal under the schedule (and erasure) of everything about a
    partner, a complaint or a person (by email) until it is lifted."""

    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.PROTECT, null=True, blank=True, related_name="legal_holds"
    )
    complaint = models.ForeignKey(
        "complaints.Complaint", on_delete=models.PROTECT, null=True, blank=True, related_name="legal_holds"
    )
    person_email = models.EmailField("person (email)", blank=True)
    reason = models.TextField(max_length=text_limits.REASONS)
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    placed_at = models.DateTimeField(default=timezone.now)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)
    lift_reason = models.TextField(blank=True, max_length=text_limits.REASONS)

    class Meta:
        ordering = ["-placed_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="legal_hold_has_one_subject",
                condition=(
                    models.Q(partner__isnull=False, complaint__isnull=True, person_email="")
                    | models.Q(partner__isnull=True, complaint__isnull=False, person_email="")
                    | (models.Q(partner__isnull=True, complaint__isnull=True) & ~models.Q(person_email=""))
                ),
            ),
            *text_limits.each("privacy_legal_hold", reason=text_limits.REASONS, lift_reason=text_limits.REASONS),
        ]

    def __str__(self):
        return f"Legal hold on {self.subject_label}"

    @property
    def is_active(self) -> bool:
        return self.lifted_at is None

    @property
    def subject_label(self) -> str:
        if self.partner_id:
            return f"partner {self.partner}"
        if self.complaint_id:
            return f"complaint {self.complaint.reference}"
        return f"person {self.person_email}"


class RetentionRun(models.Model):
    """One run of the nightly job: a dry run lists what is due soon (the "Due
    for removal" page shows the latest); a real run removes what is due today."""

    ran_at = models.DateTimeField(default=timezone.now)
    today = models.DateField()
    dry_run = models.BooleanField()
    # [{rule, kind, label, due_on, held, automatic, content_type, object_id}]: never personal data.
    items = models.JSONField(default=list, blank=True)
    removed = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-ran_at", "-pk"]

    def __str__(self):
        return f"{'Dry run' if self.dry_run else 'Run'} of {self.today:%Y-%m-%d}"


class DataRequest(models.Model):
    """A person's request about their own data: a copy of it (subject access)
    or its erasure. The statutory deadline is one calendar month from receipt."""

    class Kind(models.TextChoices):
        ACCESS = "access", "Subject access (a copy of their data)"
        ERASURE = "erasure", "Erasure"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        FULFILLED = "fulfilled", "Fulfilled"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True)
    person_name = models.CharField(max_length=200, blank=True)
    person_email = models.EmailField(blank=True)
    received_on = models.DateField(default=timezone.localdate)
    due_on = models.DateField()
    details = models.TextField(
        blank=True, help_text="What they asked for, in their words.", max_length=text_limits.ACCOUNT
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    fulfilled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    fulfilled_at = models.DateTimeField(null=True, blank=True)
    outcome = models.TextField(
        blank=True, help_text="What was sent, erased or refused, and why.", max_length=text_limits.ACCOUNT
    )

    class Meta:
        ordering = ["status", "due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                name="data_request_names_someone", condition=~models.Q(person_name="", person_email="")
            ),
            *text_limits.each("privacy_data_request", details=text_limits.ACCOUNT, outcome=text_limits.ACCOUNT),
        ]

    def __str__(self):
        return f"R-{self.pk}: {self.get_kind_display()}"

    @property
    def reference(self) -> str:
        return f"R-{self.pk:04d}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @staticmethod
    def deadline_for(received_on: date) -> date:
        """One calendar month from receipt (the ICO's reading of UK GDPR Art. 12(3))."""
        return add_months(received_on, 1)


class Removal(models.Model):
    """A record removed (its file deleted, anonymised, or deleted) under a
    rule of the schedule or an erasure request. The unique key is the claim:
    a second run, or two at once, removes nothing twice. It names the record
    by type and id only, never by its personal data."""

    rule = models.ForeignKey(RetentionRule, on_delete=models.PROTECT, null=True, blank=True, related_name="removals")
    data_request = models.ForeignKey(
        DataRequest, on_delete=models.PROTECT, null=True, blank=True, related_name="removals"
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    label = models.CharField(max_length=200)
    action = models.CharField(max_length=20, choices=RetentionRule.Action.choices)
    removed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-removed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "content_type", "object_id"],
                condition=models.Q(rule__isnull=False),
                name="one_removal_per_rule_and_record",
            )
        ]

    def __str__(self):
        return f"{self.label}: {self.get_action_display()}"
