from django.db import models
from django.utils import timezone


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
    description = models.TextField(blank=True)


class PartnerQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Every partner for the Hub team and the Chair; a partner user's own only."""
        from hubportal.roles import is_chair, is_hub_team, is_partner_user

        if is_hub_team(user) or is_chair(user):
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

    name = models.CharField("display name", max_length=200)
    legal_name = models.CharField(max_length=200, blank=True)
    form = models.CharField(max_length=20, choices=Form.choices, default=Form.ORGANISATION)
    partner_type = models.ForeignKey(
        PartnerType, on_delete=models.PROTECT, null=True, blank=True, related_name="partners"
    )
    status = models.CharField("stage", max_length=20, choices=Stage.choices, default=Stage.ENQUIRY, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PartnerQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name
