"""Complaints: in writing to the Service Manager first, escalated to the Chair
of the Hub Executive Board if not resolved, whose decision is final."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from hubportal.core import text_limits
from hubportal.core.attachments import Attachment
from hubportal.core.uploads import PrivateUploadTo


class ComplaintQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The complaints a user may open.

        - Safeguarding leads (and the Service Manager): every complaint.
        - Other Hub staff: every complaint but safeguarding concerns.
        - The Chair: those escalated to the Chair, under review or decided.
        - A partner user: those their partner raised, and those about their
          partner on which staff have shared something with them or the
          Chair has decided (they see only that, never who complained).
        - Anyone else: none (the public use their private link instead).
        """
        from hubportal.core.roles import is_chair, is_hub_staff, is_partner_user, is_safeguarding_lead

        if not user.is_authenticated:
            return self.none()
        scope = models.Q(pk__in=[])
        if is_safeguarding_lead(user):
            return self
        if is_hub_staff(user):
            scope |= ~models.Q(category=Complaint.Category.SAFEGUARDING)
        if is_chair(user):
            scope |= models.Q(status__in=Complaint.CHAIR_STAGES)
        if is_partner_user(user):
            shared = ComplaintNote.objects.filter(
                complaint=models.OuterRef("pk"), kind=ComplaintNote.Kind.SHARED_WITH_PARTNER
            )
            scope |= models.Q(complainant_partner_id=user.partner_id)
            # About them: once staff share something, or the Chair has decided.
            scope |= models.Q(partner_id=user.partner_id) & (
                models.Exists(shared) | models.Q(status=Complaint.Status.DECIDED)
            )
        return self.filter(scope)

    def safeguarding(self):
        return self.filter(category=Complaint.Category.SAFEGUARDING)

    def not_safeguarding(self):
        return self.exclude(category=Complaint.Category.SAFEGUARDING)

    def open(self):
        return self.exclude(status__in=Complaint.FINAL)

    def overdue(self, today):
        """Stage one past a deadline: not acknowledged in time, or not answered in time."""
        return self.filter(
            models.Q(status=Complaint.Status.RECEIVED, acknowledge_by__lt=today)
            | models.Q(status__in=Complaint.STAGE_ONE, respond_by__lt=today)
        )

    def due(self, today, until):
        """Stage one with a deadline from today to ``until``, not yet breached."""
        return self.exclude(pk__in=self.overdue(today).values("pk")).filter(
            models.Q(status=Complaint.Status.RECEIVED, acknowledge_by__range=(today, until))
            | models.Q(status__in=Complaint.STAGE_ONE, respond_by__range=(today, until))
        )


class Complaint(models.Model):
    class Status(models.TextChoices):
        RECEIVED = "received", "Received"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        INVESTIGATING = "investigating", "Investigating"
        RESOLVED = "resolved", "Resolved (awaiting the complainant)"
        CLOSED = "closed", "Closed"
        ESCALATED = "escalated", "Escalated to the Chair"
        CHAIR_REVIEW = "chair_review", "Under the Chair's review"
        DECIDED = "decided", "Decided by the Chair"

    TRANSITIONS = {
        Status.RECEIVED: {Status.ACKNOWLEDGED},
        Status.ACKNOWLEDGED: {Status.INVESTIGATING},
        Status.INVESTIGATING: {Status.RESOLVED},
        Status.RESOLVED: {Status.CLOSED, Status.ESCALATED},
        Status.ESCALATED: {Status.CHAIR_REVIEW},
        Status.CHAIR_REVIEW: {Status.DECIDED},
        Status.CLOSED: set(),
        Status.DECIDED: set(),
    }
    # Waiting for the Chair: on the escalation review screen.
    WITH_CHAIR = [Status.ESCALATED, Status.CHAIR_REVIEW]
    # What the Chair may open: waiting for them, or decided by them.
    CHAIR_STAGES = [Status.ESCALATED, Status.CHAIR_REVIEW, Status.DECIDED]
    # The Service Manager's stage, before the written resolution.
    STAGE_ONE = [Status.RECEIVED, Status.ACKNOWLEDGED, Status.INVESTIGATING]
    # Nothing more happens: accepted, the window ran out, or the Chair decided.
    FINAL = [Status.CLOSED, Status.DECIDED]

    class Category(models.TextChoices):
        QUALITY = "quality", "Quality of delivery"
        CONDUCT = "conduct", "Conduct"
        SAFEGUARDING = "safeguarding", "Safeguarding concern"
        COMMUNICATION = "communication", "Communication"
        FINANCIAL = "financial", "Financial"
        DATA_PROTECTION = "data_protection", "Data protection"
        EQUALITY = "equality", "Equality and access"
        BRANDING = "branding", "Branding"
        OTHER = "other", "Other"

    class RaisedVia(models.TextChoices):
        PORTAL = "portal", "A partner user, in the portal"
        STAFF = "staff", "Hub staff, on someone's behalf"
        PUBLIC = "public", "A member of the public, through the public form"

    class About(models.TextChoices):
        PARTNER = "partner", "A partner or partnership"
        HUB = "hub", "The Hub itself"

    class ChairDecision(models.TextChoices):
        UPHELD = "upheld", "Upheld"
        PARTLY_UPHELD = "partly_upheld", "Partly upheld"
        NOT_UPHELD = "not_upheld", "Not upheld"

    reference = models.CharField(max_length=20, unique=True, help_text="E.g. C-2026-0042, quoted in every message.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RECEIVED, db_index=True)
    category = models.CharField(max_length=20, choices=Category.choices, db_index=True)
    raised_via = models.CharField(max_length=10, choices=RaisedVia.choices)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="complaints_raised"
    )
    # The complainant, whoever raised it: the person the Hub writes to.
    complainant_name = models.CharField(max_length=200)
    complainant_email = models.EmailField()
    complainant_phone = models.CharField(max_length=30, blank=True)
    complainant_partner = models.ForeignKey(
        "partners.Partner",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints_made",
        help_text="The partner the complainant raised it for, when raised from the portal.",
    )
    about = models.CharField(max_length=10, choices=About.choices, default=About.PARTNER)
    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.PROTECT, null=True, blank=True, related_name="complaints_about"
    )
    agreement = models.ForeignKey(
        "agreements.Agreement", on_delete=models.PROTECT, null=True, blank=True, related_name="complaints"
    )
    account = models.TextField("what happened", max_length=text_limits.ACCOUNT)
    desired_outcome = models.TextField(
        "what the complainant would like to happen", blank=True, max_length=text_limits.OUTCOME
    )
    received_at = models.DateTimeField(default=timezone.now)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints_owned",
        help_text="The Service Manager who owns stage one.",
    )
    # Deadlines in working days from receipt (the Hub record's complaint_*_working_days).
    acknowledge_by = models.DateField()
    respond_by = models.DateField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    # Stage one's outcome, sent to the complainant.
    resolution = models.TextField(blank=True, max_length=text_limits.ACCOUNT)
    resolved_at = models.DateTimeField(null=True, blank=True)
    escalate_by = models.DateField(null=True, blank=True, help_text="The last day the complainant may escalate.")
    escalation_reasons = models.TextField(blank=True, max_length=text_limits.REASONS)
    escalated_at = models.DateTimeField(null=True, blank=True)
    chair_review_at = models.DateTimeField(null=True, blank=True, help_text="When the Chair took it into review.")
    closed_at = models.DateTimeField(null=True, blank=True)
    # Stage two: the Chair's findings and decision, final once decided_at is set.
    chair_findings = models.TextField(blank=True, max_length=text_limits.ACCOUNT)
    chair_decision = models.CharField(max_length=20, choices=ChairDecision.choices, blank=True)
    chair_reasons = models.TextField(blank=True, max_length=text_limits.REASONS)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    # The public complainant's private link: only a hash of the token is stored.
    tracking_token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    tracking_expires_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ComplaintQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-pk"]
        constraints = [
            text_limits.within("account", text_limits.ACCOUNT, name="complaint_account_length"),
            text_limits.within("desired_outcome", text_limits.OUTCOME, name="complaint_outcome_length"),
            *text_limits.each(
                "complaint",
                resolution=text_limits.ACCOUNT,
                escalation_reasons=text_limits.REASONS,
                chair_findings=text_limits.ACCOUNT,
                chair_reasons=text_limits.REASONS,
            ),
        ]
        indexes = [
            # Stage one past or near its response deadline (status in STAGE_ONE, respond_by before
            # a day): the staff list's Deadline filter, the dashboard's counts, the response-due reminders.
            models.Index(fields=["status", "respond_by"]),
            # A partner's complaints by stage: its health (open ones) and the complaints tab of its page.
            models.Index(fields=["partner", "status"]),
            # The complaints lists' default order, newest first.
            models.Index(fields=["received_at"], name="complaint_received"),
            # The staff list sorted by "Response due soonest" / "latest", whatever the stage.
            models.Index(fields=["respond_by"], name="complaint_respond_by"),
            # The Chair's queue: its default order, oldest escalated first (and newest first).
            models.Index(fields=["escalated_at"], name="complaint_escalated"),
            # The Chair's queue sorted by "Most recently decided".
            models.Index(fields=["decided_at"], name="complaint_decided"),
        ]

    def __str__(self):
        return f"{self.reference}: {self.get_category_display()}"

    @property
    def is_safeguarding(self) -> bool:
        return self.category == self.Category.SAFEGUARDING

    @property
    def is_decided(self) -> bool:
        return self.decided_at is not None

    @property
    def is_open(self) -> bool:
        return self.status not in self.FINAL

    @property
    def about_label(self) -> str:
        if self.about == self.About.HUB:
            return "The Hub"
        return self.partner.name if self.partner_id else "A partner (not yet identified)"

    def deadline(self):
        """The deadline the Hub is working to now: (what, date), or None once
        stage one is over. Acknowledging comes first, then the response."""
        if self.status == self.Status.RECEIVED:
            return ("Acknowledge", self.acknowledge_by)
        if self.status in self.STAGE_ONE:
            return ("Respond", self.respond_by)
        return None


class ReferenceCounter(models.Model):
    """The last complaint number given out each year (C-2026-0001, C-2026-0002...).
    Locked while a number is taken, so two complaints never share one."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.year}: {self.last_number}"


class ComplaintAttachment(Attachment):
    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(upload_to=PrivateUploadTo("complaints"))
    # The public form's attachments have no uploader.
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )


class ComplaintNote(models.Model):
    """A note or message on the case file. Notes are never edited: a correction
    to a decided case is a new note that points at what it corrects."""

    class Kind(models.TextChoices):
        INTERNAL = "internal", "Internal note"
        TO_COMPLAINANT = "to_complainant", "Message to the complainant"
        FROM_COMPLAINANT = "from_complainant", "Message from the complainant"
        SHARED_WITH_PARTNER = "shared_with_partner", "Shared with the partner complained about"
        CORRECTION = "correction", "Correction"

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="notes")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.INTERNAL)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    author_name = models.CharField(max_length=200)
    body = models.TextField(max_length=text_limits.ACCOUNT)
    corrects = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrections")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [text_limits.within("body", text_limits.ACCOUNT, name="complaint_note_body_length")]

    def __str__(self):
        return f"{self.get_kind_display()} on {self.complaint.reference}"
