"""Partnership agreements (one per partner per academic year) and project
agreements (awarded through an expression of interest), signed by both
parties, reviewed, renewed, and ended by the Chair's decision where it comes to
termination or non-renewal."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from hubportal.core import text_limits
from hubportal.core.academic_years import AcademicYear, current_academic_year
from hubportal.core.attachments import Attachment
from hubportal.core.money import MoneyField
from hubportal.core.uploads import PrivateUploadTo


class AgreementTemplate(models.Model):
    """The starting text of an agreement: one per partner type for partnership
    agreements, and one for project agreements. Staff edit these."""

    class Kind(models.TextChoices):
        PARTNERSHIP = "partnership", "Partnership agreement"
        PROJECT = "project", "Project agreement"

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.PARTNERSHIP)
    partner_type = models.OneToOneField(
        "partners.PartnerType",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agreement_template",
        help_text="The partner type this template is for (partnership agreements only).",
    )
    basis = models.TextField("basis of the partnership", blank=True, max_length=text_limits.TERMS)
    hub_expectations = models.TextField("what the Hub will do", blank=True, max_length=text_limits.TERMS)
    partner_expectations = models.TextField("what the partner will do", blank=True, max_length=text_limits.TERMS)
    monitoring = models.TextField("quality and performance monitoring", blank=True, max_length=text_limits.TERMS)
    conditions = models.TextField(
        blank=True,
        help_text="Safeguarding, the branding guidelines of the Hub and Arts Council England, the data timetable.",
        max_length=text_limits.TERMS,
    )
    requires_termly_surveys = models.BooleanField(default=True)
    requires_evaluation = models.BooleanField(
        default=False, help_text="Project evaluation data and case studies are owed on completion."
    )
    review_meetings_per_year = models.PositiveSmallIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind", "name"]
        constraints = text_limits.each(
            "agreements_agreement_template",
            basis=text_limits.TERMS,
            hub_expectations=text_limits.TERMS,
            partner_expectations=text_limits.TERMS,
            monitoring=text_limits.TERMS,
            conditions=text_limits.TERMS,
        )

    def __str__(self):
        return self.name


class AgreementQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Every agreement for the Hub team and the Chair; a partner user's own partner's only."""
        from hubportal.core.roles import is_chair, is_hub_staff, is_partner_user

        if is_hub_staff(user) or is_chair(user):
            return self
        if is_partner_user(user):
            return self.filter(partner_id=user.partner_id)
        return self.none()


class Agreement(models.Model):
    """A partnership agreement for an academic year, or a project agreement.

    The text (the sections below, the outcomes and, for a project, the money
    and payment schedule) is what both parties sign; once anyone has signed,
    a change makes a new version and voids the signatures.
    """

    Kind = AgreementTemplate.Kind

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        ISSUED = "issued", "Issued for signature"
        PARTNER_SIGNED = "partner_signed", "Signed by the partner"
        # Signed by both for an academic year that has not begun: live on 1 September.
        SIGNED = "signed", "Signed, starts on 1 September"
        LIVE = "live", "Live"
        UNDER_REVIEW = "under_review", "Under review"
        RENEWED = "renewed", "Renewed"
        EXPIRED = "expired", "Expired"
        NOT_RENEWED = "not_renewed", "Not renewed"
        TERMINATED = "terminated", "Terminated"
        COMPLETED = "completed", "Completed"
        # Never in force: the partnership ended (the Chair's decision) before it began.
        WITHDRAWN = "withdrawn", "Withdrawn"

    PARTNERSHIP_TRANSITIONS = {
        Status.DRAFT: {Status.ISSUED, Status.WITHDRAWN},
        Status.ISSUED: {Status.PARTNER_SIGNED, Status.DRAFT, Status.WITHDRAWN},
        Status.PARTNER_SIGNED: {Status.LIVE, Status.SIGNED, Status.DRAFT, Status.WITHDRAWN},
        Status.SIGNED: {Status.LIVE, Status.WITHDRAWN},
        Status.LIVE: {Status.UNDER_REVIEW, Status.RENEWED, Status.EXPIRED, Status.TERMINATED, Status.NOT_RENEWED},
        Status.UNDER_REVIEW: {Status.LIVE, Status.RENEWED, Status.EXPIRED, Status.NOT_RENEWED, Status.TERMINATED},
        Status.RENEWED: set(),
        Status.EXPIRED: set(),
        Status.NOT_RENEWED: set(),
        Status.TERMINATED: set(),
        Status.WITHDRAWN: set(),
    }
    PROJECT_TRANSITIONS = {
        Status.DRAFT: {Status.ISSUED, Status.WITHDRAWN},
        Status.ISSUED: {Status.PARTNER_SIGNED, Status.DRAFT, Status.WITHDRAWN},
        Status.PARTNER_SIGNED: {Status.LIVE, Status.DRAFT, Status.WITHDRAWN},
        Status.LIVE: {Status.COMPLETED, Status.TERMINATED},
        Status.COMPLETED: set(),
        Status.TERMINATED: set(),
        Status.WITHDRAWN: set(),
    }
    # States in which the agreement binds both parties.
    IN_FORCE = {Status.LIVE, Status.UNDER_REVIEW}
    ENDED = {
        Status.RENEWED,
        Status.EXPIRED,
        Status.NOT_RENEWED,
        Status.TERMINATED,
        Status.COMPLETED,
        Status.WITHDRAWN,
    }
    # Not yet in force and not ended: what the Chair's termination withdraws.
    OPEN = {Status.DRAFT, Status.ISSUED, Status.PARTNER_SIGNED, Status.SIGNED}
    # What the partner reads on its own pages where the Hub's label speaks of "the partner".
    PORTAL_LABELS = {Status.PARTNER_SIGNED: "Signed by you, waiting for the Hub"}

    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.PARTNERSHIP)
    partner = models.ForeignKey("partners.Partner", on_delete=models.PROTECT, related_name="agreements")
    academic_year = models.PositiveSmallIntegerField(
        db_index=True, help_text="The calendar year the academic year starts in (2025 is 2025/26)."
    )
    title = models.CharField(max_length=200)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True)
    version = models.PositiveSmallIntegerField(default=1)
    template = models.ForeignKey(
        AgreementTemplate, on_delete=models.SET_NULL, null=True, blank=True, related_name="agreements"
    )
    # The text both parties sign.
    basis = models.TextField("basis of the partnership", blank=True, max_length=text_limits.TERMS)
    hub_expectations = models.TextField("what the Hub will do", blank=True, max_length=text_limits.TERMS)
    partner_expectations = models.TextField("what the partner will do", blank=True, max_length=text_limits.TERMS)
    monitoring = models.TextField("quality and performance monitoring", blank=True, max_length=text_limits.TERMS)
    conditions = models.TextField(blank=True, max_length=text_limits.TERMS)
    # The monitoring it carries, as data the surveys and reviews act on.
    requires_termly_surveys = models.BooleanField(default=True)
    requires_evaluation = models.BooleanField(default=False)
    review_meetings_per_year = models.PositiveSmallIntegerField(default=1)
    # Project agreements only.
    eoi = models.OneToOneField(
        "eoi.ExpressionOfInterest",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="project_agreement",
    )
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    hub_contribution = MoneyField("the Hub's financial contribution", null=True, blank=True)
    match_funding_commitment = MoneyField("match funding the partner commits", null=True, blank=True)
    evaluation_due_on = models.DateField(null=True, blank=True)
    # Renewal: next year's draft points back at this year's agreement.
    renewal_of = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True, related_name="renewal")
    renewal_conditions = models.TextField(
        blank=True, help_text="Conditions the annual review set for renewal.", max_length=text_limits.ANSWER
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    issued_at = models.DateTimeField(null=True, blank=True)
    live_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    # Roll-forward needs the year's annual review completed; the Service Manager
    # may record why a partnership goes forward without one.
    review_exception = models.TextField(
        blank=True,
        help_text="Why this agreement may be rolled forward without a completed annual review.",
        max_length=text_limits.REASONS,
    )
    review_exception_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    review_exception_at = models.DateTimeField(null=True, blank=True)

    objects = AgreementQuerySet.as_manager()

    class Meta:
        ordering = ["-academic_year", "partner__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "academic_year"],
                condition=models.Q(kind="partnership"),
                name="one_partnership_agreement_per_partner_per_year",
            ),
            models.UniqueConstraint(
                fields=["partner"],
                condition=models.Q(kind="partnership", status="live"),
                name="one_live_partnership_agreement_per_partner",
            ),
            *text_limits.each(
                "agreements_agreement",
                basis=text_limits.TERMS,
                hub_expectations=text_limits.TERMS,
                partner_expectations=text_limits.TERMS,
                monitoring=text_limits.TERMS,
                conditions=text_limits.TERMS,
                renewal_conditions=text_limits.ANSWER,
                review_exception=text_limits.REASONS,
            ),
        ]
        indexes = [
            # The staff list filters by year and state, and by kind.
            models.Index(fields=["academic_year", "status"]),
            models.Index(fields=["kind", "status"]),
            # The staff list sorted by "recently changed".
            models.Index(fields=["updated_at"], name="agreement_updated"),
        ]

    def __str__(self):
        return f"{self.title} ({self.year.label})"

    @property
    def TRANSITIONS(self):  # noqa: N802 - read by hubportal.core.history like the class attribute of other models
        return self.PROJECT_TRANSITIONS if self.kind == self.Kind.PROJECT else self.PARTNERSHIP_TRANSITIONS

    @property
    def year(self) -> AcademicYear:
        return AcademicYear(self.academic_year)

    @property
    def is_project(self) -> bool:
        return self.kind == self.Kind.PROJECT

    @property
    def portal_status_label(self) -> str:
        return self.PORTAL_LABELS.get(self.status, self.get_status_display())

    @classmethod
    def portal_status_choices(cls) -> list[tuple[str, str]]:
        return [(value, cls.PORTAL_LABELS.get(value, label)) for value, label in cls.Status.choices]

    @property
    def starts_later(self) -> bool:
        """A partnership agreement for a year not yet begun: countersigned, it waits as
        signed until 1 September instead of going live at once."""
        return self.kind == self.Kind.PARTNERSHIP and self.academic_year > current_academic_year().start_year


class Outcome(models.Model):
    """An agreed outcome: what will change, how it is measured, the target."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="outcomes")
    description = models.TextField(max_length=text_limits.DESCRIPTION)
    measure = models.CharField(max_length=300)
    target = models.CharField(max_length=200)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]
        constraints = text_limits.each("agreements_outcome", description=text_limits.DESCRIPTION)

    def __str__(self):
        return self.description[:80]


class PaymentInstalment(models.Model):
    """A project agreement's payment, tied to a milestone. They sum to the contribution."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="instalments")
    milestone = models.CharField(max_length=300)
    due_on = models.DateField()
    amount = MoneyField()
    paid_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self):
        return f"{self.milestone} ({self.amount})"


class AgreementVersion(models.Model):
    """The exact text of a version, kept when it was signed or replaced."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveSmallIntegerField()
    text = models.TextField()
    text_sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(blank=True, help_text="Why a new version was made.", max_length=text_limits.REASONS)

    class Meta:
        ordering = ["agreement", "version"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "version"], name="one_row_per_agreement_version"),
            *text_limits.each("agreements_agreement_version", reason=text_limits.REASONS),
        ]

    def __str__(self):
        return f"{self.agreement} v{self.version}"


class Signature(models.Model):
    """A party's signature on one version: who, as what, when, and the SHA-256
    of the exact text they signed."""

    class Party(models.TextChoices):
        PARTNER = "partner", "Partner"
        HUB = "hub", "Hub"

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="signatures")
    version = models.PositiveSmallIntegerField()
    party = models.CharField(max_length=10, choices=Party.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    typed_name = models.CharField(max_length=200)
    role_title = models.CharField("role", max_length=150)
    signed_at = models.DateTimeField(default=timezone.now)
    text_sha256 = models.CharField(max_length=64)
    voided_at = models.DateTimeField(null=True, blank=True)
    void_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["signed_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "party"],
                condition=models.Q(voided_at__isnull=True),
                name="one_current_signature_per_party",
            )
        ]

    def __str__(self):
        return f"{self.typed_name} for the {self.get_party_display().lower()}"


class AnnualReview(models.Model):
    """The review the policy requires at least once a year: performance against
    each outcome, data returns, complaints, safeguarding, branding, and a
    recommendation."""

    class Compliance(models.TextChoices):
        MET = "met", "Met"
        PARTLY_MET = "partly_met", "Partly met"
        NOT_MET = "not_met", "Not met"

    class Recommendation(models.TextChoices):
        RENEW = "renew", "Renew"
        RENEW_WITH_CONDITIONS = "renew_with_conditions", "Renew with conditions"
        NOT_RENEW = "not_renew", "Do not renew"
        TERMINATE = "terminate", "Terminate"

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="reviews")
    held_on = models.DateField()
    surveys_on_time = models.TextField("survey returns on time", blank=True, max_length=text_limits.ANSWER)
    complaints = models.TextField(blank=True, max_length=text_limits.ANSWER)
    safeguarding = models.TextField(blank=True, max_length=text_limits.ANSWER)
    branding = models.CharField("branding guidelines", max_length=20, choices=Compliance.choices, blank=True)
    summary = models.TextField(blank=True, max_length=text_limits.ANSWER)
    recommendation = models.CharField(max_length=30, choices=Recommendation.choices, blank=True)
    conditions = models.TextField(
        blank=True, help_text="The conditions of renewal, if any.", max_length=text_limits.ANSWER
    )
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-held_on", "-pk"]
        constraints = text_limits.each(
            "agreements_annual_review",
            surveys_on_time=text_limits.ANSWER,
            complaints=text_limits.ANSWER,
            safeguarding=text_limits.ANSWER,
            summary=text_limits.ANSWER,
            conditions=text_limits.ANSWER,
        )

    def __str__(self):
        return f"Review of {self.agreement} on {self.held_on:%d %b %Y}"


class OutcomeReview(models.Model):
    class Rating(models.TextChoices):
        ACHIEVED = "achieved", "Achieved"
        ON_TRACK = "on_track", "On track"
        OFF_TRACK = "off_track", "Off track"
        NOT_ACHIEVED = "not_achieved", "Not achieved"

    review = models.ForeignKey(AnnualReview, on_delete=models.CASCADE, related_name="outcome_reviews")
    outcome = models.ForeignKey(Outcome, on_delete=models.PROTECT, related_name="reviews")
    rating = models.CharField(max_length=20, choices=Rating.choices)
    commentary = models.TextField(blank=True, max_length=text_limits.ANSWER)

    class Meta:
        ordering = ["outcome__order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["review", "outcome"], name="one_rating_per_outcome_per_review"),
            *text_limits.each("agreements_outcome_review", commentary=text_limits.ANSWER),
        ]

    def __str__(self):
        return f"{self.outcome}: {self.get_rating_display()}"


class Reason(models.TextChoices):
    """The policy's reasons to terminate or not renew an agreement."""

    SAFEGUARDING = "safeguarding", "Safeguarding breach or concern"
    OUTCOMES = "outcomes", "Not delivering against agreed outcomes"
    REPUTATION = (
        "reputation",
        (
            "Reputational damage to the Hub, its Lead Organisation, the local authority, "
            "Arts Council England or the Department for Education"
        ),
    )
    CONDITIONS = "conditions", "Agreement conditions not met"
    BRANDING = "branding", "Repeated failure to meet branding guidelines"
    DATA = "data", "Failure to provide data in accordance with the timetable set"
    QUALITY = "quality", "Quality or performance below expectations"
    OTHER = "other", "Other (stated)"


class RecommendationQuerySet(models.QuerySet):
    def awaiting_chair(self):
        return self.filter(decided_at__isnull=True)


class TerminationRecommendation(models.Model):
    """Staff recommend ending an agreement (terminate, or not renew); the Chair
    of the Hub Executive Board decides. The decision is final and locked."""

    class Kind(models.TextChoices):
        TERMINATE = "terminate", "Terminate"
        NOT_RENEW = "not_renew", "Do not renew"

    class Decision(models.TextChoices):
        UPHELD = "upheld", "End the agreement"
        REJECTED = "rejected", "Do not end the agreement"

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="recommendations")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    reasons = models.JSONField(default=list, help_text="Codes from Reason.")
    other_reason = models.TextField(blank=True, max_length=text_limits.REASONS)
    evidence = models.TextField(
        help_text="What happened, and what supports the recommendation.", max_length=text_limits.ACCOUNT
    )
    complaint = models.ForeignKey(
        "complaints.Complaint", on_delete=models.PROTECT, null=True, blank=True, related_name="recommendations"
    )
    review = models.ForeignKey(
        AnnualReview, on_delete=models.PROTECT, null=True, blank=True, related_name="recommendations"
    )
    partnership_suspended = models.BooleanField(
        default=False, help_text="The partnership was suspended at once, pending the Chair's decision."
    )
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField(default=timezone.now)
    decision = models.CharField(max_length=20, choices=Decision.choices, blank=True)
    decision_reasons = models.TextField(blank=True, max_length=text_limits.REASONS)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = RecommendationQuerySet.as_manager()

    class Meta:
        ordering = ["raised_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement"],
                condition=models.Q(decided_at__isnull=True),
                name="one_open_recommendation_per_agreement",
            ),
            *text_limits.each(
                "agreements_termination_recommendation",
                other_reason=text_limits.REASONS,
                evidence=text_limits.ACCOUNT,
                decision_reasons=text_limits.REASONS,
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.agreement}"

    @property
    def is_decided(self) -> bool:
        return self.decided_at is not None


class RecommendationDocument(Attachment):
    """Evidence attached to a recommendation, for the Chair to read."""

    recommendation = models.ForeignKey(TerminationRecommendation, on_delete=models.PROTECT, related_name="documents")
    file = models.FileField(upload_to=PrivateUploadTo("recommendations"))
