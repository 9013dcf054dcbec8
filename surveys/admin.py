"""The admin for monitoring: question sets and income are edited here; a
survey round opens, and asks each partner whose agreement needs it, in the
staff area; requests, answers, evaluations and consent move only through the
services, and what was submitted or published is read-only."""

from django.contrib import admin

from hubportal.core.admin import LockableAdmin, LockableInline, ReadOnlyAdmin
from surveys.models import (
    Answer,
    CaseStudy,
    CaseStudyImage,
    Consent,
    GridCell,
    IncomeRecord,
    OutcomeResult,
    ProjectEvaluation,
    Question,
    QuestionSet,
    SurveyRequest,
    SurveyRound,
)


def _asked(question_set: QuestionSet) -> bool:
    """A round has used the set: partners answered these questions, as worded."""
    return question_set.rounds.exists()


class QuestionInline(LockableInline):
    model = Question
    fk_name = "question_set"
    fields = ["order", "code", "section", "text", "type", "required", "per_outcome"]
    show_change_link = True

    def parent_locked(self, parent) -> bool:
        return _asked(parent)


@admin.register(QuestionSet)
class QuestionSetAdmin(LockableAdmin):
    """Staff build sets in the staff area, which makes a new version of a set a
    round has used; here too a used set, and its questions, stay as asked."""

    list_display = ["name", "family", "version", "term", "retired_at"]
    list_filter = ["term", "retired_at"]
    search_fields = ["name", "family"]
    inlines = [QuestionInline]
    always_read_only = ["family", "version", "retired_at", "created_by", "created_at"]

    def is_locked(self, obj) -> bool:
        return _asked(obj)


@admin.register(Question)
class QuestionAdmin(LockableAdmin):
    list_display = ["text", "code", "type", "question_set", "order"]
    list_filter = ["type", "question_set"]
    search_fields = ["text", "code"]
    raw_id_fields = ["total_question", "follow_up_of"]
    list_select_related = ["question_set"]
    always_read_only = ["question_set"]

    def is_locked(self, obj) -> bool:
        return _asked(obj.question_set)


@admin.register(SurveyRound)
class SurveyRoundAdmin(admin.ModelAdmin):
    list_display = ["term", "question_set", "deadline", "opened_by", "opened_at"]
    list_select_related = ["term", "question_set", "opened_by"]
    # Opened in the staff area, which asks each partner whose standing and agreement
    # need it; the questions asked are those the partners answered.
    readonly_fields = ["term", "question_set", "opened_by", "opened_at"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AnswerInline(admin.TabularInline):
    model = Answer
    extra = 0
    fields = ["question", "outcome", "number", "text", "selected"]
    readonly_fields = fields
    can_delete = False


@admin.register(SurveyRequest)
class SurveyRequestAdmin(admin.ModelAdmin):
    list_display = ["partner", "round", "status", "deadline", "submitted_at"]
    list_filter = ["status", "round"]
    search_fields = ["partner__name"]
    list_select_related = ["partner", "round__term"]
    # The state moves only through the services, which write history; who is
    # asked, in which round, is decided when the round opens.
    readonly_fields = [
        "partner",
        "agreement",
        "round",
        "status",
        "submitted_at",
        "submitted_by",
        "reviewed_at",
        "reviewed_by",
        "returned_at",
    ]
    inlines = [AnswerInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Answer)
class AnswerAdmin(ReadOnlyAdmin):
    """The partner's own answers, given in the portal and accepted or returned by staff."""

    list_display = ["question", "request", "outcome", "number"]
    list_select_related = ["question", "request__partner", "request__round__term", "outcome"]


@admin.register(GridCell)
class GridCellAdmin(ReadOnlyAdmin):
    list_display = ["answer", "row", "count"]


def _evaluation_submitted(evaluation: ProjectEvaluation) -> bool:
    return evaluation.status in (ProjectEvaluation.Status.SUBMITTED, ProjectEvaluation.Status.ACCEPTED)


class OutcomeResultInline(LockableInline):
    model = OutcomeResult

    def parent_locked(self, parent) -> bool:
        return _evaluation_submitted(parent)


@admin.register(ProjectEvaluation)
class ProjectEvaluationAdmin(LockableAdmin):
    """The partner's evaluation: read-only once submitted (staff accept or return it)."""

    list_display = ["agreement", "status", "submitted_at", "reviewed_at"]
    list_filter = ["status"]
    list_select_related = ["agreement__partner"]
    always_read_only = ["agreement", "status", "submitted_at", "submitted_by", "reviewed_at", "reviewed_by"]
    inlines = [OutcomeResultInline]

    def is_locked(self, obj) -> bool:
        return _evaluation_submitted(obj)

    def has_add_permission(self, request):
        return False  # the partner writes it in the portal when the project completes


class ConsentInline(LockableInline):
    """Publishing checks the consent recorded: a published story's consent stays as it was."""

    model = Consent
    readonly_fields = ["recorded_by", "recorded_at"]

    def parent_locked(self, parent) -> bool:
        return parent.status == CaseStudy.Status.PUBLISHED


class CaseStudyImageInline(admin.TabularInline):
    model = CaseStudyImage
    extra = 0
    fields = ["original_filename", "alt_text", "shows_young_person", "uploaded_by", "uploaded_at"]
    readonly_fields = fields


@admin.register(CaseStudy)
class CaseStudyAdmin(LockableAdmin):
    """Publishing goes through the service, which checks the consent a story
    about a young person needs; a published story stays as it was checked."""

    list_display = ["title", "partner", "status", "about_young_person", "published_at"]
    list_filter = ["status", "about_young_person"]
    search_fields = ["title", "partner__name"]
    list_select_related = ["partner"]
    always_read_only = ["status", "published_at", "created_by", "created_at"]
    inlines = [ConsentInline, CaseStudyImageInline]

    def is_locked(self, obj) -> bool:
        return obj.status == CaseStudy.Status.PUBLISHED


@admin.register(IncomeRecord)
class IncomeRecordAdmin(admin.ModelAdmin):
    list_display = ["partner", "academic_year", "source", "amount", "recorded_at"]
    list_filter = ["academic_year", "source"]
    search_fields = ["partner__name", "description"]
    list_select_related = ["partner"]
