import re
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from hubportal.core import text_limits
from hubportal.core.academic_years import TERM_CHOICES, AcademicYear, default_term_dates
from hubportal.core.uploads import PrivateUploadTo


class User(AbstractUser):
    """A person who signs in. Partner users belong to exactly one partner."""

    partner = models.ForeignKey(
        "partners.Partner",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        help_text="Set for partner users only: the partner whose records they may see.",
    )
    job_title = models.CharField(max_length=150, blank=True)
    prefers_daily_digest = models.BooleanField(
        default=False,
        help_text="Send one email a day with everything new instead of an email per notification.",
    )

    class Meta:
        ordering = ["first_name", "last_name", "username"]

    def __str__(self):
        return self.get_full_name() or self.username


class HistoryEntry(models.Model):
    """One row per transition or notable change of any record. Never edited."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    action = models.CharField(max_length=60)
    from_state = models.CharField(max_length=40, blank=True)
    to_state = models.CharField(max_length=40, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Kept as text too, so the record reads the same if the user is renamed.
    actor_name = models.CharField(max_length=200, blank=True)
    note = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [
            # A record's timeline.
            models.Index(fields=["content_type", "object_id", "at"]),
            # The dashboard's recent activity: the newest rows of the whole table.
            models.Index(fields=["-at", "-id"], name="history_newest_first"),
        ]
        verbose_name_plural = "history entries"

    def __str__(self):
        return f"{self.action} {self.from_state}→{self.to_state} by {self.actor_name or 'system'}"

    @property
    def from_label(self) -> str:
        return self._state_label(self.from_state)

    @property
    def to_label(self) -> str:
        return self._state_label(self.to_state)

    def _state_label(self, value: str) -> str:
        """A stored state as the record's own pages name it ("partner_signed": "Signed
        by the partner"), from its model's status choices; else in plain words. The
        content type is the one read with the row (select_related) or else from Django's
        cache, so a timeline costs no query per row."""
        field = self._meta.get_field("content_type")
        if field.is_cached(self):
            content_type = field.get_cached_value(self)
        else:
            content_type = ContentType.objects.get_for_id(self.content_type_id)
        model = content_type.model_class()
        try:
            labels = dict(model._meta.get_field("status").flatchoices)
        except (AttributeError, FieldDoesNotExist):
            labels = {}
        return str(labels.get(value) or value.replace("_", " ").capitalize())


class OutboundEmail(models.Model):
    """The email outbox: every email is a row first, so a broker outage or a
    failed SMTP send delays an email but never loses it."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    to = models.EmailField()
    subject = models.CharField(max_length=255)
    body = models.TextField()
    kind = models.CharField(max_length=60, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    # After a failed try: not sent again before this (the retry's back-off),
    # however the email is queued again (its retry, or the periodic drain).
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Attachments (e.g. a meeting's .ics) as (filename, content, mimetype) triples.
    attachments = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self):
        return f"{self.subject} → {self.to} ({self.status})"


class Notification(models.Model):
    """An in-app notification; its email, if any, goes through the outbox
    (or, for people who chose it, the daily digest)."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=60)
    subject = models.CharField(max_length=255)
    body = models.TextField()
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    email = models.ForeignKey(OutboundEmail, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # Set when a digest user's notification has gone out in their daily digest.
    digested_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self):
        return self.subject

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class Term(models.Model):
    """A term of an academic year, with the dates the Hub sets for it."""

    academic_year = models.PositiveSmallIntegerField(help_text="The calendar year the academic year starts in.")
    name = models.CharField(max_length=10, choices=TERM_CHOICES)
    starts_on = models.DateField()
    ends_on = models.DateField()

    class Meta:
        ordering = ["academic_year", "starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["academic_year", "name"], name="one_term_of_each_name_a_year"),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="term_ends_after_start"
            ),
        ]

    def __str__(self):
        return f"{self.get_name_display()} {self.year.label}"

    @property
    def year(self) -> AcademicYear:
        return AcademicYear(self.academic_year)

    @classmethod
    def for_year(cls, academic_year: AcademicYear) -> list["Term"]:
        """The year's three terms, created with the usual dates if missing."""
        terms = []
        for name, (starts_on, ends_on) in default_term_dates(academic_year).items():
            term, _ = cls.objects.get_or_create(
                academic_year=academic_year.start_year, name=name, defaults={"starts_on": starts_on, "ends_on": ends_on}
            )
            terms.append(term)
        return terms


class AuditEvent(models.Model):
    """A security event (sign-in, failed sign-in, refused access). Never edited."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    action = models.CharField(max_length=30, db_index=True)
    # PROTECT: the table is append-only, so a user with audit rows is deactivated, never deleted.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    username = models.CharField(max_length=150, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    method = models.CharField(max_length=10, blank=True)
    path = models.CharField(max_length=500, blank=True)
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    detail = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.action} {self.username}"


class Reminder(models.Model):
    """One reminder to one person about one thing at one stage.

    The unique key (kind, object, recipient, stage) is the claim: the sweep
    inserts rows with ON CONFLICT DO NOTHING, so whichever sweep inserts a row
    owns it, and a second sweep, a second beat or a retry sends nothing twice.
    """

    kind = models.CharField(max_length=60)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders")
    stage = models.CharField(max_length=30, help_text="Which reminder of the series, e.g. '14 days before'.")
    due_on = models.DateField(help_text="The date the reminder is about (a deadline, an expiry).")
    url = models.CharField(max_length=500, blank=True)
    claimed_at = models.DateTimeField(default=timezone.now)
    sweep_id = models.UUIDField(db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    notification = models.ForeignKey(Notification, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # Set when sending raised (e.g. a broken template): the reminder is not
    # retried, and the reminder log shows the error to staff.
    failed_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-claimed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "content_type", "object_id", "recipient", "stage"], name="one_reminder_per_key"
            )
        ]
        indexes = [models.Index(fields=["sent_at", "claimed_at"])]

    def __str__(self):
        return f"{self.kind} ({self.stage}) to {self.recipient}"

    @property
    def email_failed(self) -> bool:
        """Its email was given up on: only the in-app notice reached the person."""
        email = self.notification.email if self.notification else None
        return email is not None and email.status == OutboundEmail.Status.FAILED


class MessageTemplate(models.Model):
    """Staff's own wording for a notification or reminder kind, used instead of
    the default file `templates/notifications/<kind>.txt`."""

    kind = models.CharField(max_length=60, unique=True)
    subject = models.CharField(max_length=255)
    body = models.TextField(max_length=text_limits.MESSAGE)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind"]
        constraints = text_limits.each("hubportal_message_template", body=text_limits.MESSAGE)

    def __str__(self):
        return self.kind


class BoardReport(models.Model):
    """The termly report for the Hub Executive Board: built in the background
    (hubportal.insights.reports.generate_board_report) as a PDF and an XLSX workbook."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Being prepared"
        DONE = "done", "Ready"
        FAILED = "failed", "Failed"

    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="board_reports")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Per cent done, for the page's progress bar.")
    step = models.CharField(max_length=200, blank=True, help_text="What the task is doing now.")
    pdf = models.FileField(upload_to=PrivateUploadTo("board-reports"), blank=True)
    xlsx = models.FileField(upload_to=PrivateUploadTo("board-reports"), blank=True)
    # The headline figures as the report states them, kept so the page can
    # show them and a test can compare them with the files.
    headlines = models.JSONField(default=dict, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    # Who is building it (hubportal.insights.reports): the Celery delivery (task id)
    # that claimed it, and when that run last said it was alive. A run whose
    # heartbeat stopped belongs to a worker that died; a delivery of the same
    # task id again means the run that had it is gone.
    claimed_by = models.CharField(max_length=255, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]

    def __str__(self):
        return f"Board report, {self.term}"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def filename_stem(self) -> str:
        return f"board-report-{self.term.name}-{self.term.year.label.replace('/', '-')}"


def _default_reminder_offsets() -> dict:
    return {}


_HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
# WCAG 2.2 AA for normal text (1.4.3). The theme's colours carry white text (the
# navigation bar, buttons, badges) and are the links' colour on the pale tint of
# panels and card headers (static/css/design-system.css mixes 8% into white).
MIN_CONTRAST = 4.5
_TINT = 0.08


def _luminance(rgb: tuple[float, float, float]) -> float:
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def colour_contrast(colour: str) -> float:
    """The contrast of a #rrggbb colour with white text on it, or as text on its own
    tint (the lower of the two, which is the one on the tint)."""
    rgb = tuple(int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    tint = tuple(_TINT * c + (1 - _TINT) for c in rgb)
    dark = _luminance(rgb) + 0.05
    return min(1.05 / dark, (_luminance(tint) + 0.05) / dark)


def check_reminder_offsets(value) -> str:
    """'' when ``value`` is a valid set of reminder-offset changes, else what is wrong."""
    if not isinstance(value, dict):
        return 'Give the changes as {"kind": [days, ...]}, e.g. {"surveys_deadline": [21, 7, 0, -2]}.'
    known = settings.DEFAULT_REMINDER_OFFSETS.keys() | settings.REMINDER_OFFSETS.keys()
    for kind, days in value.items():
        if kind not in known:
            return f"{kind} is not a kind of reminder. The kinds are: {', '.join(sorted(known))}."
        if not isinstance(days, list) or not all(isinstance(d, int) and not isinstance(d, bool) for d in days):
            return f"{kind}: give whole numbers of days in a list, e.g. [14, 3, 0, -1]; [] for none."
        if len(set(days)) != len(days):
            return f"{kind}: each day may appear once."
    return ""


class Hub(models.Model):
    """The Hub this portal runs for: its identity and its terms, as data.

    One row (pk 1), edited in the admin by an admin, every change written to
    the history (hubportal.core.hub.hub_update). Read it through
    hubportal.core.hub.current_hub(), which caches it. Secrets and infrastructure
    (database, Redis, email server, site URL) stay in the environment;
    reference data (districts, partner types, evidence types, procurement
    bands) keeps its own tables.
    """

    class HolidayRegion(models.TextChoices):
        # Subdivisions of the `holidays` package's GB calendar.
        ENGLAND = "ENG", "England"
        WALES = "WLS", "Wales"
        SCOTLAND = "SCT", "Scotland"
        NORTHERN_IRELAND = "NIR", "Northern Ireland"

    name = models.CharField("Hub's name", max_length=150, default="Music Hub", help_text='e.g. "Rutland Music Hub".')
    lead_organisation = models.CharField("Hub Lead Organisation", max_length=150, default="the Hub Lead Organisation")
    area = models.CharField(
        "area served", max_length=200, default="the Hub's area", help_text='As in "children and young people in …".'
    )
    local_authority = models.CharField(
        max_length=150, blank=True, help_text="The council whose Contract Procedure Rules the Hub follows."
    )
    logo = models.FileField(
        upload_to=PrivateUploadTo("hub"),
        blank=True,
        help_text="A PNG or JPEG shown on pages and documents. Empty: the Hub Portal mark.",
    )
    primary_colour = models.CharField(
        max_length=7, default="#4a1f6f", help_text="The navigation bar and headings, as #rrggbb."
    )
    accent_colour = models.CharField(max_length=7, default="#33154d", help_text="Hover and borders, as #rrggbb.")
    commissioning_policy_url = models.URLField("commissioning policy (link)", blank=True)
    partnership_principles_url = models.URLField("partnership principles (link)", blank=True)
    safeguarding_policy_url = models.URLField("safeguarding policy (link)", blank=True)
    privacy_notice_url = models.URLField("privacy notice (link)", blank=True)
    service_manager_title = models.CharField(
        max_length=100,
        default="Service Manager",
        help_text="The title of the person who takes complaints first and signs for the Hub.",
    )
    match_funding_floor_percent = models.DecimalField(
        "match-funding floor (%)",
        max_digits=5,
        decimal_places=2,
        default=Decimal("50.00"),
        validators=[MinValueValidator(Decimal("50")), MaxValueValidator(Decimal("100"))],
        help_text="The share of a project's cost that must come from sources other than the Hub Grant: "
        "the default for new calls. Never below the policy's 50%.",
    )
    complaint_acknowledge_working_days = models.PositiveSmallIntegerField(default=5, validators=[MinValueValidator(1)])
    complaint_respond_working_days = models.PositiveSmallIntegerField(default=20, validators=[MinValueValidator(1)])
    complaint_escalation_working_days = models.PositiveSmallIntegerField(
        "working days to escalate a complaint after its resolution", default=20, validators=[MinValueValidator(1)]
    )
    reminder_offsets = models.JSONField(
        default=_default_reminder_offsets,
        blank=True,
        help_text='Changes to the reminder days by kind, e.g. {"surveys_deadline": [21, 7, 0, -2]} '
        "(positive: days before the date; negative: after; [] for none). Kinds not named keep their defaults.",
    )
    holiday_region = models.CharField(
        "bank holidays of",
        max_length=3,
        choices=HolidayRegion.choices,
        default=HolidayRegion.ENGLAND,
        help_text="Working-day deadlines skip this region's bank holidays.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "Hub"
        verbose_name_plural = "Hub"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(match_funding_floor_percent__gte=Decimal("50"))
                & models.Q(match_funding_floor_percent__lte=Decimal("100")),
                name="hub_match_floor_at_least_half",
                violation_error_message="The match-funding floor must be between 50% (the policy's) and 100%.",
            ),
            models.CheckConstraint(condition=models.Q(pk=1), name="hub_is_one_row"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        from django.core.exceptions import ValidationError

        errors = {}
        for field in ("primary_colour", "accent_colour"):
            colour = getattr(self, field) or ""
            if not _HEX_COLOUR.fullmatch(colour):
                errors[field] = "Give the colour as # and six hexadecimal digits, e.g. #4a1f6f."
            elif colour_contrast(colour) < MIN_CONTRAST:
                errors[field] = (
                    f"{colour} is too light: white text on it and links in it must contrast {MIN_CONTRAST}:1 "
                    f"with their background (this one gives {colour_contrast(colour):.1f}:1). Choose a darker shade."
                )
        problem = check_reminder_offsets(self.reminder_offsets)
        if problem:
            errors["reminder_offsets"] = problem
        if errors:
            raise ValidationError(errors)
