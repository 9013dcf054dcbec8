from django.conf import settings
from django.db import models
from django.utils import timezone

from hubportal.core import text_limits
from hubportal.core.attachments import Attachment
from hubportal.core.uploads import PrivateUploadTo


class ReferenceData(models.Model):
    """A short, admin-editable list (districts, strands, activity types...)."""

    name = models.CharField(max_length=150, unique=True)
    is_active = models.BooleanField(default=True, help_text="Inactive entries stay on old records but are not offered.")
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name


class District(ReferenceData):
    """A local-government district served by the Hub (a table, not an enum:
    local government may be reorganised)."""


class NationalPlanStrand(ReferenceData):
    """A strand of the National Plan for Music Education."""


class ActivityType(ReferenceData):
    """A kind of music-education activity a partner delivers."""


class PartnerType(ReferenceData):
    """What kind of partner this is; decides the agreement and its monitoring."""

    class Kind(models.TextChoices):
        DELIVERY = "delivery", "Delivery partnership"
        STRATEGIC = "strategic", "Strategic partnership"
        NETWORK = "network", "Network member"

    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.DELIVERY)
    agreement_required = models.BooleanField(
        default=True, help_text="Partners of this type need a signed partnership agreement before they are active."
    )
    termly_surveys_required = models.BooleanField(
        default=True, help_text="Agreements of this type require the termly survey."
    )
    annual_review_meetings = models.PositiveSmallIntegerField(
        default=1, help_text="Review meetings a year that agreements of this type carry."
    )
    description = models.TextField(blank=True, max_length=text_limits.DESCRIPTION)

    class Meta(ReferenceData.Meta):
        constraints = text_limits.each("partners_partner_type", description=text_limits.DESCRIPTION)


class EvidenceType(ReferenceData):
    """A minimum standard a partner evidences (safeguarding and quality), with
    how long a verified item lasts before it must be renewed."""

    description = models.TextField(blank=True, max_length=text_limits.DESCRIPTION)
    required = models.BooleanField(default=True, help_text="Every partner must hold this, verified and in date.")
    renewal_months = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Months a verified item lasts. Empty: it lasts until it changes."
    )
    renewal_months_for_charities = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Months for a registered charity, where that differs (e.g. 12)."
    )
    renew_on_change = models.BooleanField(
        default=False, help_text="Renewed when it changes (e.g. a new designated safeguarding lead), not by date."
    )

    class Meta(ReferenceData.Meta):
        constraints = text_limits.each("partners_evidence_type", description=text_limits.DESCRIPTION)


class PartnerQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Every partner for Hub staff and the Chair; a partner user's own only.
        Assessors none: what they need of a partner is on the assessment page."""
        from hubportal.core.roles import is_chair, is_hub_staff, is_partner_user

        if is_hub_staff(user) or is_chair(user):
            return self
        if is_partner_user(user):
            return self.filter(pk=user.partner_id)
        return self.none()


class Partner(models.Model):
    """An individual or organisation in (or asking to join) the Hub partnership."""

    class Stage(models.TextChoices):
        ENQUIRY = "enquiry", "Enquiry"
        MEETING_SCHEDULED = "meeting_scheduled", "Meeting scheduled"
        MEETING_HELD = "meeting_held", "Meeting held"
        STANDARDS_REVIEW = "standards_review", "Standards review"
        AGREEMENT_PENDING = "agreement_pending", "Agreement pending"
        ACTIVE = "active", "Active"
        DECLINED = "declined", "Declined"
        SUSPENDED = "suspended", "Suspended"
        LAPSED = "lapsed", "Lapsed"
        TERMINATED = "terminated", "Terminated"

    BEFORE_ACTIVE = {
        Stage.ENQUIRY,
        Stage.MEETING_SCHEDULED,
        Stage.MEETING_HELD,
        Stage.STANDARDS_REVIEW,
        Stage.AGREEMENT_PENDING,
    }
    TRANSITIONS = {
        Stage.ENQUIRY: {Stage.MEETING_SCHEDULED, Stage.DECLINED},
        Stage.MEETING_SCHEDULED: {Stage.MEETING_HELD, Stage.DECLINED},
        Stage.MEETING_HELD: {Stage.STANDARDS_REVIEW, Stage.MEETING_SCHEDULED, Stage.DECLINED},
        Stage.STANDARDS_REVIEW: {Stage.AGREEMENT_PENDING, Stage.ACTIVE, Stage.DECLINED},
        Stage.AGREEMENT_PENDING: {Stage.ACTIVE, Stage.DECLINED},
        Stage.ACTIVE: {Stage.SUSPENDED, Stage.LAPSED, Stage.TERMINATED},
        Stage.SUSPENDED: {Stage.ACTIVE, Stage.TERMINATED},
        Stage.LAPSED: {Stage.AGREEMENT_PENDING, Stage.TERMINATED},
        Stage.DECLINED: set(),
        Stage.TERMINATED: set(),
    }

    class Form(models.TextChoices):
        ORGANISATION = "organisation", "Organisation"
        INDIVIDUAL = "individual", "Individual practitioner"

    class Source(models.TextChoices):
        PUBLIC_ENQUIRY = "public_enquiry", "Public enquiry"
        STAFF = "staff", "Added by staff"

    name = models.CharField("display name", max_length=200)
    legal_name = models.CharField(max_length=200, blank=True)
    form = models.CharField(max_length=20, choices=Form.choices, default=Form.ORGANISATION)
    partner_type = models.ForeignKey(
        PartnerType, on_delete=models.PROTECT, null=True, blank=True, related_name="partners"
    )
    status = models.CharField("stage", max_length=20, choices=Stage.choices, default=Stage.ENQUIRY, db_index=True)
    charity_number = models.CharField(max_length=20, blank=True)
    company_number = models.CharField(max_length=20, blank=True)
    address_line_1 = models.CharField(max_length=200, blank=True)
    address_line_2 = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    website = models.URLField(blank=True)
    description = models.TextField(
        blank=True, help_text="What the partner does, for whom, and where.", max_length=text_limits.DESCRIPTION
    )
    districts = models.ManyToManyField(District, blank=True, related_name="partners")
    strands = models.ManyToManyField(NationalPlanStrand, blank=True, related_name="partners")
    activity_types = models.ManyToManyField(ActivityType, blank=True, related_name="partners")
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.STAFF)
    enquiry_message = models.TextField(
        blank=True,
        max_length=text_limits.ANSWER,
        help_text="What they told us when they asked to become a partner.",
    )
    status_reason = models.TextField(
        blank=True,
        help_text="Why it was declined, suspended, lapsed or terminated (the latest such move).",
        max_length=text_limits.STATUS_REASON,
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PartnerQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            text_limits.within("enquiry_message", text_limits.ANSWER, name="partner_enquiry_message_length"),
            *text_limits.each(
                "partners_partner", description=text_limits.DESCRIPTION, status_reason=text_limits.STATUS_REASON
            ),
        ]
        indexes = [
            # The staff partner list filtered by type (and stage), and the active partners of a
            # call's eligible types (eoi.services.eligible_partner_ids).
            models.Index(fields=["partner_type", "status"]),
            # The staff partner list: sorted by name (its default), by stage then name
            # (a stage filter keeps the name order), and by the date added.
            models.Index(fields=["name"], name="partner_name"),
            models.Index(fields=["status", "name"], name="partner_stage_name"),
            models.Index(fields=["created_at"], name="partner_created"),
        ]

    def __str__(self):
        return self.name

    @property
    def is_charity(self) -> bool:
        return bool(self.charity_number)


class Contact(models.Model):
    """A named person at the partner: one primary contact, one safeguarding lead."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=200)
    role = models.CharField("role or job title", max_length=150, blank=True)
    email = models.EmailField()
    phone = models.CharField(max_length=30, blank=True)
    is_primary = models.BooleanField("primary contact", default=False)
    is_safeguarding_lead = models.BooleanField("designated safeguarding lead", default=False)

    class Meta:
        ordering = ["-is_primary", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner"], condition=models.Q(is_primary=True), name="one_primary_contact_per_partner"
            ),
            models.UniqueConstraint(
                fields=["partner"],
                condition=models.Q(is_safeguarding_lead=True),
                name="one_safeguarding_lead_per_partner",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.partner})"


class Meeting(models.Model):
    """The introductory meeting the policy requires before a partnership, and
    its record: the policy's five questions and an outcome."""

    class Outcome(models.TextChoices):
        PROCEED = "proceed", "Proceed"
        NOT_PROCEED = "not_proceed", "Do not proceed"
        MORE_INFORMATION = "more_information", "More information needed"

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="meetings")
    starts_at = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField(default=60)
    location = models.CharField(max_length=300, blank=True, help_text="Where, if in person.")
    online_link = models.URLField(blank=True, help_text="The video-call link, if online.")
    hlo_representatives = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="meetings_attended")
    scheduled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    scheduled_at = models.DateTimeField(default=timezone.now)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # The partner's "we will be there", from the portal.
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The record of the meeting: the policy's five questions.
    who_they_are = models.TextField(blank=True, max_length=text_limits.ANSWER)
    national_plan_support = models.TextField(
        "how they support the National Plan for Music Education locally",
        blank=True,
        max_length=text_limits.ANSWER,
    )
    needs_analysis_support = models.TextField(
        "how the partnership supports the Needs Analysis", blank=True, max_length=text_limits.ANSWER
    )
    proposed_partner_type = models.ForeignKey(
        PartnerType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    benefit_to_young_people = models.TextField(
        "how it benefits children and young people", blank=True, max_length=text_limits.ANSWER
    )
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    notes = models.TextField(blank=True, max_length=text_limits.ANSWER)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-starts_at"]
        constraints = text_limits.each(
            "partners_meeting",
            who_they_are=text_limits.ANSWER,
            national_plan_support=text_limits.ANSWER,
            needs_analysis_support=text_limits.ANSWER,
            benefit_to_young_people=text_limits.ANSWER,
            notes=text_limits.ANSWER,
        )

    def __str__(self):
        return f"Introductory meeting with {self.partner} on {self.starts_at:%d %b %Y}"

    @property
    def recording_opens(self) -> str:
        """Until the meeting starts, when it can be recorded: "You can record this
        meeting from 10:00 on Tuesday 8 December." (the year when not this year);
        "" once it has started."""
        starts = timezone.localtime(self.starts_at)
        if self.starts_at <= timezone.now():
            return ""
        day = f"{starts:%A} {starts.day} {starts:%B}"
        if starts.year != timezone.localdate().year:
            day = f"{day} {starts.year}"
        return f"You can record this meeting from {starts:%H:%M} on {day}."


class EvidenceItem(Attachment):
    """One minimum standard of one partner: its current file, dates and status.

    An uploaded document like the others, but the item stands in the register
    (Missing) before anything is uploaded: its file, the name it was sent under,
    who sent it and when are empty until then."""

    class Status(models.TextChoices):
        MISSING = "missing", "Missing"
        SUBMITTED = "submitted", "Submitted"
        VERIFIED = "verified", "Verified"
        REJECTED = "rejected", "Rejected"
        EXPIRED = "expired", "Expired"

    TRANSITIONS = {
        Status.MISSING: {Status.SUBMITTED},
        Status.SUBMITTED: {Status.VERIFIED, Status.REJECTED, Status.SUBMITTED},
        Status.VERIFIED: {Status.EXPIRED, Status.SUBMITTED},
        Status.REJECTED: {Status.SUBMITTED},
        Status.EXPIRED: {Status.SUBMITTED},
    }

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="evidence")
    evidence_type = models.ForeignKey(EvidenceType, on_delete=models.PROTECT, related_name="items")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.MISSING, db_index=True)
    file = models.FileField(upload_to=PrivateUploadTo("evidence"), blank=True)
    original_filename = models.CharField(max_length=255, blank=True)
    issued_on = models.DateField(null=True, blank=True, help_text="When the document or check was issued.")
    expires_on = models.DateField(null=True, blank=True, db_index=True)
    note = models.TextField(
        blank=True, help_text="The partner's note, e.g. the DBS certificate number.", max_length=text_limits.NOTE
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.TextField(blank=True, max_length=text_limits.REASONS)
    # While a renewal waits to be checked: the day the verified copy it replaced
    # holds until (the standard stays met until then). Empty otherwise.
    previous_in_force_until = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["evidence_type__sort_order", "evidence_type__name"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "evidence_type"], name="one_evidence_item_per_type"),
            *text_limits.each("partners_evidence_item", note=text_limits.NOTE, rejection_reason=text_limits.REASONS),
        ]

    def __str__(self):
        return f"{self.evidence_type} for {self.partner}"
