"""Monitoring: termly surveys defined as data, rounds and requests, answers
stored so the database can add them up, project evaluations and case studies
(with consent), and the income partners secure."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from hubportal.core import text_limits
from hubportal.core.attachments import Attachment
from hubportal.core.money import MoneyField
from hubportal.core.uploads import PrivateUploadTo


class QuestionSet(models.Model):
    """A versioned set of questions. A round keeps the version it opened with;
    editing a set a round has used makes a new version."""

    class Term(models.TextChoices):
        ANY = "any", "Any term"
        AUTUMN = "autumn", "Autumn"
        SPRING = "spring", "Spring"
        SUMMER = "summer", "Summer"

    family = models.SlugField(max_length=60, help_text="The same for every version of one set.")
    version = models.PositiveSmallIntegerField(default=1)
    name = models.CharField(max_length=200)
    term = models.CharField(max_length=10, choices=Term.choices, default=Term.ANY)
    description = models.TextField(blank=True, max_length=text_limits.DESCRIPTION)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    retired_at = models.DateTimeField(null=True, blank=True, help_text="Set when a newer version replaces it.")

    class Meta:
        ordering = ["family", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["family", "version"], name="one_row_per_question_set_version"),
            *text_limits.each("surveys_question_set", description=text_limits.DESCRIPTION),
        ]

    def __str__(self):
        return f"{self.name} (v{self.version})"


class Question(models.Model):
    class Type(models.TextChoices):
        INTEGER = "integer", "Whole number"
        MONEY = "money", "Money"
        SHORT_TEXT = "short_text", "Short text"
        LONG_TEXT = "long_text", "Long text"
        SINGLE_CHOICE = "single_choice", "Single choice"
        MULTIPLE_CHOICE = "multiple_choice", "Multiple choice"
        RATING = "rating", "Rating from 1 to 5"
        GRID = "grid", "Breakdown grid (counts by category)"

    question_set = models.ForeignKey(QuestionSet, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField(default=0)
    code = models.SlugField(max_length=60, help_text="A stable name for reports, e.g. 'reach_total'.")
    section = models.CharField(max_length=120, blank=True)
    text = models.CharField(max_length=500)
    help_text = models.TextField(blank=True, max_length=text_limits.DESCRIPTION)
    type = models.CharField(max_length=20, choices=Type.choices)
    required = models.BooleanField(default=True)
    choices = models.JSONField(default=list, blank=True, help_text="Options, for choice questions.")
    rows = models.JSONField(default=list, blank=True, help_text="Categories, for a grid (include 'Not known').")
    total_question = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="breakdowns",
        help_text="For a grid: the whole-number question whose total its rows must add up to.",
    )
    per_outcome = models.BooleanField(default=False, help_text="Asked once for each agreed outcome.")
    follow_up_of = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="follow_ups",
        help_text="Asked when that question's answer is follow_up_when.",
    )
    follow_up_when = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["question_set", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["question_set", "code"], name="one_code_per_question_set"),
            *text_limits.each("surveys_question", help_text=text_limits.DESCRIPTION),
        ]

    def __str__(self):
        return self.text


class SurveyRound(models.Model):
    """The termly survey for one term: every partner whose live agreement
    requires it gets a request."""

    term = models.OneToOneField("hubportal.Term", on_delete=models.PROTECT, related_name="survey_round")
    question_set = models.ForeignKey(QuestionSet, on_delete=models.PROTECT, related_name="rounds")
    deadline = models.DateField()
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-deadline"]

    def __str__(self):
        return f"{self.term} survey"


class SurveyRequestQuerySet(models.QuerySet):
    def visible_to(self, user):
        from hubportal.core.roles import is_hub_staff, is_partner_user

        if is_hub_staff(user):
            return self
        if is_partner_user(user):
            return self.filter(partner_id=user.partner_id)
        return self.none()

    def overdue(self, today):
        return self.filter(deadline__lt=today, status__in=SurveyRequest.OPEN)


class SurveyRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        SUBMITTED = "submitted", "Submitted"
        ACCEPTED = "accepted", "Accepted"
        RETURNED = "returned", "Returned for changes"

    TRANSITIONS = {
        Status.PENDING: {Status.IN_PROGRESS, Status.SUBMITTED},
        Status.IN_PROGRESS: {Status.SUBMITTED},
        Status.SUBMITTED: {Status.ACCEPTED, Status.RETURNED},
        Status.RETURNED: {Status.IN_PROGRESS, Status.SUBMITTED},
        Status.ACCEPTED: set(),
    }
    # Still owed by the partner: overdue once the deadline passes in one of these.
    OPEN = [Status.PENDING, Status.IN_PROGRESS, Status.RETURNED]

    round = models.ForeignKey(SurveyRound, on_delete=models.PROTECT, related_name="requests")
    partner = models.ForeignKey("partners.Partner", on_delete=models.PROTECT, related_name="survey_requests")
    agreement = models.ForeignKey("agreements.Agreement", on_delete=models.PROTECT, related_name="survey_requests")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True)
    deadline = models.DateField(db_index=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    return_comment = models.TextField(blank=True, max_length=text_limits.NOTE)
    returned_at = models.DateTimeField(
        null=True, blank=True, help_text="When staff last returned it; while it is open again, it awaits resubmission."
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = SurveyRequestQuerySet.as_manager()

    class Meta:
        ordering = ["deadline", "partner__name"]
        constraints = [
            models.UniqueConstraint(fields=["round", "partner"], name="one_request_per_partner_per_round"),
            *text_limits.each("surveys_survey_request", return_comment=text_limits.NOTE),
        ]
        indexes = [
            # A partner's open requests (status in OPEN): the to-do list on its portal home, its health.
            models.Index(fields=["partner", "status"]),
            # Overdue returns (state open, deadline past): dashboard counts, reminders, the returns filter.
            models.Index(fields=["status", "deadline"], name="request_status_deadline"),
            # The returns list sorted by when each was submitted.
            models.Index(fields=["submitted_at"], name="request_submitted"),
        ]

    def __str__(self):
        return f"{self.round} for {self.partner}"

    def is_overdue(self, today) -> bool:
        return self.status in self.OPEN and self.deadline < today

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    @property
    def awaits_resubmission(self) -> bool:
        """Returned by staff and not yet sent back (it may be in progress again)."""
        return self.returned_at is not None and self.status in self.OPEN


class Answer(models.Model):
    """One answer. Numbers are stored as numbers and grid cells as rows of
    their own, so reach adds up in SQL."""

    request = models.ForeignKey(SurveyRequest, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    outcome = models.ForeignKey(
        "agreements.Outcome", on_delete=models.PROTECT, null=True, blank=True, related_name="survey_answers"
    )
    number = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    text = models.TextField(blank=True, max_length=text_limits.SURVEY_ANSWER)
    selected = models.JSONField(default=list, blank=True, help_text="The options chosen, for choice questions.")

    class Meta:
        ordering = ["question__order", "pk"]
        indexes = [
            # Reach adds up one question's answers (reach_total, schools, sessions) over many
            # requests: read from the index alone on PostgreSQL, never the 500,000-row table.
            models.Index(fields=["question"], include=["request", "number"], name="answer_question_covering"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "question", "outcome"], name="one_answer_per_question_and_outcome"
            ),
            models.UniqueConstraint(
                fields=["request", "question"], condition=models.Q(outcome=None), name="one_answer_per_question"
            ),
            *text_limits.each("surveys_answer", text=text_limits.SURVEY_ANSWER),
        ]

    def __str__(self):
        return f"Answer to {self.question}"


class GridCell(models.Model):
    """One row of a breakdown grid answer: a category and its count."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="cells")
    row = models.CharField(max_length=150)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["answer", "row"], name="one_cell_per_row")]

    def __str__(self):
        return f"{self.row}: {self.count}"


class ProjectEvaluationQuerySet(models.QuerySet):
    def visible_to(self, user):
        from hubportal.core.roles import is_hub_staff, is_partner_user

        if is_hub_staff(user):
            return self
        if is_partner_user(user):
            return self.filter(agreement__partner_id=user.partner_id)
        return self.none()


class ProjectEvaluation(models.Model):
    """What a completed project achieved: outcomes against targets, reach,
    spend and match funding against the budget, learning and legacy."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        ACCEPTED = "accepted", "Accepted"
        RETURNED = "returned", "Returned for changes"

    TRANSITIONS = {
        Status.DRAFT: {Status.SUBMITTED},
        Status.SUBMITTED: {Status.ACCEPTED, Status.RETURNED},
        Status.RETURNED: {Status.SUBMITTED},
        Status.ACCEPTED: set(),
    }

    agreement = models.OneToOneField("agreements.Agreement", on_delete=models.PROTECT, related_name="evaluation")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True)
    actual_reach = models.PositiveIntegerField(null=True, blank=True)
    actual_spend = MoneyField(null=True, blank=True)
    actual_match_funding = MoneyField(null=True, blank=True)
    learning = models.TextField("what was learned", blank=True, max_length=text_limits.ANSWER)
    legacy = models.TextField(blank=True, max_length=text_limits.ANSWER)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    return_comment = models.TextField(blank=True, max_length=text_limits.NOTE)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProjectEvaluationQuerySet.as_manager()

    class Meta:
        constraints = text_limits.each(
            "surveys_project_evaluation",
            learning=text_limits.ANSWER,
            legacy=text_limits.ANSWER,
            return_comment=text_limits.NOTE,
        )

    def __str__(self):
        return f"Evaluation of {self.agreement}"

    # The partner may still change it.
    EDITABLE = [Status.DRAFT, Status.RETURNED]

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE


class OutcomeResult(models.Model):
    """An agreed outcome of the project, achieved or not, against its target."""

    evaluation = models.ForeignKey(ProjectEvaluation, on_delete=models.CASCADE, related_name="outcome_results")
    outcome = models.ForeignKey("agreements.Outcome", on_delete=models.PROTECT, related_name="results")
    achieved = models.CharField(max_length=300, help_text="What was achieved, against the target.")
    met_target = models.BooleanField(default=False)
    commentary = models.TextField(blank=True, max_length=text_limits.ANSWER)

    class Meta:
        ordering = ["outcome__order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "outcome"], name="one_result_per_outcome"),
            *text_limits.each("surveys_outcome_result", commentary=text_limits.ANSWER),
        ]

    def __str__(self):
        return f"{self.outcome}: {self.achieved}"


class CaseStudyQuerySet(models.QuerySet):
    def visible_to(self, user):
        from hubportal.core.roles import is_hub_staff, is_partner_user

        if is_hub_staff(user):
            return self
        if is_partner_user(user):
            return self.filter(partner_id=user.partner_id)
        return self.none()


class CaseStudy(models.Model):
    """A story of impact. One about a young person, or with an image of one,
    needs consent recorded before it can be published or exported."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    TRANSITIONS = {
        Status.DRAFT: {Status.PUBLISHED},
        Status.PUBLISHED: {Status.DRAFT},
    }

    partner = models.ForeignKey("partners.Partner", on_delete=models.PROTECT, related_name="case_studies")
    evaluation = models.ForeignKey(
        ProjectEvaluation, on_delete=models.PROTECT, null=True, blank=True, related_name="case_studies"
    )
    survey_request = models.ForeignKey(
        SurveyRequest, on_delete=models.PROTECT, null=True, blank=True, related_name="case_studies"
    )
    title = models.CharField(max_length=200)
    story = models.TextField(max_length=text_limits.ACCOUNT)
    quotes = models.TextField(blank=True, max_length=text_limits.ANSWER)
    about_young_person = models.BooleanField(
        "tells a young person's story", default=True, help_text="Consent is needed before it is published."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True)
    published_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CaseStudyQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "case studies"
        constraints = text_limits.each("surveys_case_study", story=text_limits.ACCOUNT, quotes=text_limits.ANSWER)

    def __str__(self):
        return self.title


class Consent(models.Model):
    """Consent for a young person's story or image: who gave it, when, for what use."""

    class Use(models.TextChoices):
        HUB_REPORTS = "hub_reports", "Hub and board reports"
        FUNDER_REPORTS = "funder_reports", "Reports to Arts Council England and funders"
        PUBLICITY = "publicity", "Website and publicity"
        SOCIAL_MEDIA = "social_media", "Social media"

    case_study = models.ForeignKey(CaseStudy, on_delete=models.PROTECT, related_name="consents")
    given_by = models.CharField(max_length=200, help_text="Name of the person who consented.")
    relationship = models.CharField(max_length=100, help_text="E.g. parent or carer, the young person (16+).")
    given_on = models.DateField()
    uses = models.JSONField(default=list, help_text="Codes from Consent.Use.")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    withdrawn_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["given_on", "pk"]

    def __str__(self):
        return f"Consent from {self.given_by} on {self.given_on:%d %b %Y}"

    def covers(self, use: str, today) -> bool:
        """In force on ``today`` (not withdrawn) and given for ``use``."""
        withdrawn = self.withdrawn_on is not None and self.withdrawn_on <= today
        return not withdrawn and use in self.uses

    def uses_display(self) -> list[str]:
        labels = dict(self.Use.choices)
        return [str(labels.get(u, u)) for u in self.uses]


class CaseStudyImage(Attachment):
    case_study = models.ForeignKey(CaseStudy, on_delete=models.CASCADE, related_name="images")
    file = models.FileField(upload_to=PrivateUploadTo("case-studies"))
    alt_text = models.CharField("description of the image", max_length=300)
    shows_young_person = models.BooleanField(default=True)


class IncomeRecord(models.Model):
    """Income a partner secured from sources other than the Hub Grant, by year."""

    class Source(models.TextChoices):
        FUNDRAISING = "fundraising", "Fundraising"
        TRADING = "trading", "Trading"
        GRANTS = "grants", "Grants"
        OTHER = "other", "Other"

    partner = models.ForeignKey("partners.Partner", on_delete=models.PROTECT, related_name="income")
    academic_year = models.PositiveSmallIntegerField(db_index=True)
    source = models.CharField(max_length=20, choices=Source.choices)
    description = models.CharField(max_length=200, blank=True)
    amount = MoneyField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-academic_year", "partner__name"]
        indexes = [models.Index(fields=["academic_year", "partner"])]

    def __str__(self):
        return f"{self.partner}: {self.get_source_display()} {self.amount}"
