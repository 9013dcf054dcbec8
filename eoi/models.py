"""Commissioning: the needs analysis and its gaps in provision, calls for
expressions of interest that answer them, the expressions of interest
themselves, their assessment, and the award that becomes a project agreement."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property

from hubportal.core import text_limits
from hubportal.core.academic_years import AcademicYear
from hubportal.core.attachments import Attachment
from hubportal.core.money import MoneyField
from hubportal.core.uploads import PrivateUploadTo
from partners.models import ReferenceData

# The policy ("Financial Arrangements"): at least 50% of the cost from sources
# other than the Hub Grant. A call may ask for more, never less.
POLICY_MATCH_FLOOR = Decimal("50.00")
# A call's terms: partners answer on them, so they are frozen once it opens.
CALL_TERMS = ("match_threshold_percent", "in_kind_counts", "max_hub_grant", "min_assessor_scores")


class TargetGroup(ReferenceData):
    """Who a gap is for: SEND, free school meals, early years, a genre or instrument..."""


class ProcurementBand(models.Model):
    """A value band of the County Council's Contract Procedure Rules (values
    before VAT), and the route an award in it must follow."""

    name = models.CharField(max_length=150)
    minimum = MoneyField(help_text="From this value (inclusive).")
    maximum = MoneyField(null=True, blank=True, help_text="Up to this value (exclusive). Empty: no upper limit.")
    route = models.TextField(
        help_text="What the Contract Procedure Rules require in this band.", max_length=text_limits.DESCRIPTION
    )

    class Meta:
        ordering = ["minimum"]
        constraints = text_limits.each("eoi_procurement_band", route=text_limits.DESCRIPTION)

    def __str__(self):
        return self.name


class NeedsAnalysis(models.Model):
    """The Hub's needs analysis for an academic year."""

    academic_year = models.PositiveSmallIntegerField(unique=True)
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True, max_length=text_limits.ACCOUNT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-academic_year"]
        verbose_name_plural = "needs analyses"
        constraints = text_limits.each("eoi_needs_analysis", summary=text_limits.ACCOUNT)

    def __str__(self):
        return self.title

    @property
    def year(self) -> AcademicYear:
        return AcademicYear(self.academic_year)


class Gap(models.Model):
    """A gap in provision the needs analysis found."""

    class Priority(models.TextChoices):
        HIGH = "high", "High"
        MEDIUM = "medium", "Medium"
        LOW = "low", "Low"

    needs_analysis = models.ForeignKey(NeedsAnalysis, on_delete=models.CASCADE, related_name="gaps")
    title = models.CharField(max_length=200)
    description = models.TextField("what is missing", max_length=text_limits.ANSWER)
    target_groups = models.ManyToManyField(TargetGroup, blank=True, related_name="gaps")
    genre_or_instrument = models.CharField(max_length=150, blank=True)
    districts = models.ManyToManyField("partners.District", blank=True, related_name="gaps")
    strand = models.ForeignKey("partners.NationalPlanStrand", on_delete=models.PROTECT, related_name="gaps")
    evidence = models.TextField(blank=True, max_length=text_limits.ANSWER)
    priority = models.CharField(max_length=10, choices=Priority.choices, default=Priority.MEDIUM)
    indicative_budget = MoneyField(null=True, blank=True)

    class Meta:
        ordering = ["needs_analysis", "priority", "title"]
        constraints = text_limits.each("eoi_gap", description=text_limits.ANSWER, evidence=text_limits.ANSWER)

    def __str__(self):
        return self.title


class CallQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Staff see every call; an assessor the calls of the EOIs assigned to
        them (their terms and criteria); a partner user calls that are or were
        open to their partner's type."""
        from hubportal.core.roles import is_assessor, is_hub_staff, is_partner_user

        if is_hub_staff(user):
            return self
        if is_assessor(user):
            return self.filter(pk__in=AssessorAssignment.objects.filter(assessor=user).values("eoi__call_id"))
        if is_partner_user(user):
            partner_type_id = user.partner.partner_type_id
            return (
                self.exclude(status=Call.Status.DRAFT)
                .filter(models.Q(eligible_types=None) | models.Q(eligible_types=partner_type_id))
                .distinct()
            )
        return self.none()

    def with_counts(self):
        """Each call with how many EOIs were submitted and how many drafts are in progress."""
        sent = ["submitted", "under_assessment", "successful", "unsuccessful"]
        return self.annotate(
            submitted_count=models.Count("eois", filter=models.Q(eois__status__in=sent), distinct=True),
            draft_count=models.Count("eois", filter=models.Q(eois__status="draft"), distinct=True),
        )


class Call(models.Model):
    """A call for expressions of interest answering one or more gaps."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"
        ASSESSED = "assessed", "Assessed"
        AWARDED = "awarded", "Awarded"

    TRANSITIONS = {
        Status.DRAFT: {Status.OPEN},
        Status.OPEN: {Status.CLOSED},
        Status.CLOSED: {Status.ASSESSED},
        Status.ASSESSED: {Status.AWARDED},
        Status.AWARDED: set(),
    }

    title = models.CharField(max_length=200)
    brief = models.TextField(max_length=text_limits.TERMS)
    gaps = models.ManyToManyField(Gap, related_name="calls")
    eligible_types = models.ManyToManyField(
        "partners.PartnerType", blank=True, related_name="+", help_text="Empty: open to every partner."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True)
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField(db_index=True)
    max_hub_grant = MoneyField("largest Hub Grant per expression of interest")
    match_threshold_percent = models.DecimalField(
        "share of the cost that must come from other sources (%)",
        max_digits=5,
        decimal_places=2,
        default=POLICY_MATCH_FLOOR,
        validators=[
            MinValueValidator(
                POLICY_MATCH_FLOOR,
                "The policy asks for at least 50%% of the cost from other sources: a call may raise the "
                "share above 50%%, never set it below.",
            ),
            MaxValueValidator(Decimal("100")),
        ],
        help_text="At least 50% (the policy's floor); a call may ask for more.",
    )
    in_kind_counts = models.BooleanField("in-kind contributions count towards the match", default=True)
    min_assessor_scores = models.PositiveSmallIntegerField(
        "minimum assessor scores",
        default=2,
        validators=[MinValueValidator(1, "Every expression of interest needs at least one assessor's scores.")],
        help_text="A decision needs at least this many complete scores from assessors with no conflict of "
        "interest, or a moderated score with its note.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CallQuerySet.as_manager()

    class Meta:
        ordering = ["-closes_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(match_threshold_percent__gte=POLICY_MATCH_FLOOR, match_threshold_percent__lte=100),
                name="call_match_threshold_from_policy_floor",
                violation_error_message="A call's match threshold is from 50%% (the policy's floor) to 100%%.",
            ),
            models.CheckConstraint(
                condition=models.Q(min_assessor_scores__gte=1),
                name="call_needs_at_least_one_assessor_score",
                violation_error_message="A call needs at least one assessor's scores before a decision.",
            ),
            *text_limits.each("eoi_call", brief=text_limits.TERMS),
        ]

    def __str__(self):
        return self.title

    @cached_property
    def eligible_type_ids(self) -> set[int]:
        """The partner types invited (empty: every partner); uses a prefetch of eligible_types."""
        return {t.pk for t in self.eligible_types.all()}

    def is_open_to(self, partner) -> bool:
        return not self.eligible_type_ids or partner.partner_type_id in self.eligible_type_ids


class Criterion(models.Model):
    """An assessment criterion of a call and its weight."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=text_limits.DESCRIPTION)
    weight = models.PositiveSmallIntegerField(default=1, validators=[MinValueValidator(1)])
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name_plural = "criteria"
        constraints = text_limits.each("eoi_criterion", description=text_limits.DESCRIPTION)

    def __str__(self):
        return f"{self.name} (×{self.weight})"


# The written answers of an expression of interest, each limited to text_limits.ANSWER.
LONG_ANSWERS = (
    "what",
    "how",
    "who_benefits",
    "timeline",
    "quality_alignment",
    "inclusive",
    "collaborative",
    "high_quality",
    "evaluative",
    "legacy",
)


class ExpressionOfInterestQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Staff see every EOI; assessors the ones assigned to them, once they
        have declared no conflict of interest (before that, the declaration
        page shows them the title and the partner's summary); a partner user
        their own partner's."""
        from hubportal.core.roles import is_assessor, is_hub_staff, is_partner_user

        if is_hub_staff(user):
            return self
        if is_assessor(user):
            return self.filter(assignments__assessor=user, assignments__has_conflict=False).exclude(
                status=ExpressionOfInterest.Status.DRAFT
            )
        if is_partner_user(user):
            return self.filter(partner_id=user.partner_id)
        return self.none()


class ExpressionOfInterest(models.Model):
    """A partner's outline of a delivery offer answering a call."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        UNDER_ASSESSMENT = "under_assessment", "Under assessment"
        SUCCESSFUL = "successful", "Successful"
        UNSUCCESSFUL = "unsuccessful", "Unsuccessful"
        WITHDRAWN = "withdrawn", "Withdrawn"

    TRANSITIONS = {
        Status.DRAFT: {Status.SUBMITTED, Status.WITHDRAWN},
        Status.SUBMITTED: {Status.UNDER_ASSESSMENT, Status.WITHDRAWN},
        Status.UNDER_ASSESSMENT: {Status.SUCCESSFUL, Status.UNSUCCESSFUL, Status.WITHDRAWN},
        Status.SUCCESSFUL: set(),
        Status.UNSUCCESSFUL: set(),
        Status.WITHDRAWN: set(),
    }

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="eois")
    partner = models.ForeignKey("partners.Partner", on_delete=models.PROTECT, related_name="eois")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True)
    title = models.CharField(max_length=200)
    what = models.TextField("what you will deliver", blank=True, max_length=text_limits.ANSWER)
    how = models.TextField("how you will deliver it", blank=True, max_length=text_limits.ANSWER)
    who_benefits = models.TextField("who benefits", blank=True, max_length=text_limits.ANSWER)
    expected_reach = models.PositiveIntegerField("children and young people you expect to reach", null=True, blank=True)
    timeline = models.TextField(blank=True, max_length=text_limits.ANSWER)
    # Alignment with the Hub's frameworks and the five partnership principles.
    quality_alignment = models.TextField(
        "alignment with the Hub's quality and performance frameworks and policies",
        blank=True,
        max_length=text_limits.ANSWER,
    )
    inclusive = models.TextField(blank=True, max_length=text_limits.ANSWER)
    collaborative = models.TextField(blank=True, max_length=text_limits.ANSWER)
    high_quality = models.TextField(blank=True, max_length=text_limits.ANSWER)
    evaluative = models.TextField(blank=True, max_length=text_limits.ANSWER)
    legacy = models.TextField(blank=True, max_length=text_limits.ANSWER)
    safeguarding_confirmed = models.BooleanField(
        default=False, help_text="The partner confirms its safeguarding policy and checks cover this work."
    )
    # Totals, kept in step with the budget lines and funding sources by the services.
    total_cost = MoneyField(default=Decimal("0.00"))
    hub_grant_requested = MoneyField(default=Decimal("0.00"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Moderation and decision.
    moderated_score = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    moderation_note = models.TextField(blank=True, max_length=text_limits.NOTE)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    decision_reasons = models.TextField(blank=True, max_length=text_limits.REASONS)
    feedback = models.TextField(
        blank=True, help_text="Sent to the partner with the decision.", max_length=text_limits.REASONS
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = ExpressionOfInterestQuerySet.as_manager()

    class Meta:
        ordering = ["call", "partner__name"]
        verbose_name = "expression of interest"
        verbose_name_plural = "expressions of interest"
        constraints = [
            models.UniqueConstraint(fields=["call", "partner"], name="one_eoi_per_partner_per_call"),
            *(text_limits.within(field, text_limits.ANSWER, name=f"eoi_{field}_length") for field in LONG_ANSWERS),
            *text_limits.each(
                "eoi",
                moderation_note=text_limits.NOTE,
                decision_reasons=text_limits.REASONS,
                feedback=text_limits.REASONS,
            ),
        ]
        indexes = [
            # A call's EOIs by state: the EOI list's State filter, the assessment matrix (all but
            # drafts and withdrawn ones) and the call page's counts by state.
            models.Index(fields=["call", "status"]),
            # A call's EOI list sorted by Submitted, Hub Grant or Total cost (the list is always
            # one call's, so each sort's index leads with the call).
            models.Index(fields=["call", "submitted_at"], name="eoi_call_submitted"),
            models.Index(fields=["call", "hub_grant_requested"], name="eoi_call_hub_grant"),
            models.Index(fields=["call", "total_cost"], name="eoi_call_total_cost"),
        ]

    def __str__(self):
        return f"{self.title} ({self.partner})"

    @property
    def has_award(self) -> bool:
        try:
            return self.award is not None
        except Award.DoesNotExist:
            return False

    @property
    def is_decided(self) -> bool:
        return self.status in {self.Status.SUCCESSFUL, self.Status.UNSUCCESSFUL}


class BudgetLine(models.Model):
    """A line of the EOI's outline budget. A draft may keep a line half typed
    (no item or no amount yet); submitting needs both."""

    eoi = models.ForeignKey(ExpressionOfInterest, on_delete=models.CASCADE, related_name="budget_lines")
    item = models.CharField(max_length=200, blank=True)
    amount = MoneyField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return f"{self.item}: {self.amount}"


class FundingSource(models.Model):
    """Where the money for the work comes from. The Hub Grant requested is one
    source; the rest must bring at least the call's threshold of the cost."""

    class Kind(models.TextChoices):
        HUB_GRANT = "hub_grant", "Hub Grant requested"
        OWN_FUNDS = "own_funds", "Own funds"
        FUNDRAISING = "fundraising", "Fundraising"
        TRADING = "trading", "Trading income"
        OTHER_GRANTS = "other_grants", "Other grants"
        IN_KIND = "in_kind", "In-kind contribution"

    eoi = models.ForeignKey(ExpressionOfInterest, on_delete=models.CASCADE, related_name="funding_sources")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    description = models.CharField(max_length=200, blank=True)
    amount = MoneyField(null=True, blank=True, help_text="Empty while a draft is being written; needed to submit.")
    confirmed = models.BooleanField(default=False, help_text="Confirmed, rather than pending.")

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["eoi"], condition=models.Q(kind="hub_grant"), name="one_hub_grant_line_per_eoi"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.amount}"


class EoiAttachment(Attachment):
    eoi = models.ForeignKey(ExpressionOfInterest, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=PrivateUploadTo("eoi"))


class AssessorAssignment(models.Model):
    """An assessor assigned to an EOI. They declare any conflict of interest
    before they may score; a conflicted assessor cannot score it."""

    eoi = models.ForeignKey(ExpressionOfInterest, on_delete=models.CASCADE, related_name="assignments")
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assignments")
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(default=timezone.now)
    has_conflict = models.BooleanField(null=True, help_text="Empty until the assessor declares.")
    conflict_details = models.TextField(blank=True, max_length=text_limits.NOTE)
    declared_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True, help_text="When every criterion was scored.")

    class Meta:
        ordering = ["eoi", "assessor__username"]
        constraints = [
            models.UniqueConstraint(fields=["eoi", "assessor"], name="one_assignment_per_assessor"),
            *text_limits.each("eoi_assessor_assignment", conflict_details=text_limits.NOTE),
        ]

    def __str__(self):
        return f"{self.assessor} on {self.eoi}"


class Score(models.Model):
    assignment = models.ForeignKey(AssessorAssignment, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="scores")
    score = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])
    comment = models.TextField(max_length=text_limits.NOTE)

    class Meta:
        ordering = ["criterion__order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "criterion"], name="one_score_per_criterion"),
            models.CheckConstraint(condition=models.Q(score__gte=1, score__lte=5), name="score_from_1_to_5"),
            *text_limits.each("eoi_score", comment=text_limits.NOTE),
        ]

    def __str__(self):
        return f"{self.criterion.name}: {self.score}"


class Award(models.Model):
    """The award to a successful EOI, with the procurement route its value puts it on."""

    eoi = models.OneToOneField(ExpressionOfInterest, on_delete=models.PROTECT, related_name="award")
    amount = MoneyField("Hub Grant awarded")
    procurement_band = models.ForeignKey(ProcurementBand, on_delete=models.PROTECT, related_name="awards")
    procurement_route = models.TextField(
        help_text="The route as it stood when the award was made.", max_length=text_limits.DESCRIPTION
    )
    procurement_notes = models.TextField(
        blank=True, help_text="How the route was followed (quotes, advert, tender).", max_length=text_limits.ANSWER
    )
    awarded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    awarded_at = models.DateTimeField(default=timezone.now)
    # The EOI's submitted figures and the call's terms the match-funding rule was
    # checked against when the award was made (empty for awards made before they
    # were recorded).
    total_cost = MoneyField("total cost as submitted", null=True, blank=True)
    other_funding = MoneyField("other sources counted towards the match", null=True, blank=True)
    in_kind = MoneyField("in-kind contributions", null=True, blank=True)
    match_threshold_percent = models.DecimalField(
        "match threshold applied (%)", max_digits=5, decimal_places=2, null=True, blank=True
    )
    in_kind_counted = models.BooleanField("in-kind counted towards the match", null=True, blank=True)

    class Meta:
        ordering = ["-awarded_at"]
        constraints = text_limits.each(
            "eoi_award", procurement_route=text_limits.DESCRIPTION, procurement_notes=text_limits.ANSWER
        )

    def __str__(self):
        return f"Award to {self.eoi}"
