from django.contrib import admin

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


class QuestionInline(admin.TabularInline):
    model = Question
    fk_name = "question_set"
    extra = 0
    fields = ["order", "code", "section", "text", "type", "required", "per_outcome"]
    show_change_link = True


@admin.register(QuestionSet)
class QuestionSetAdmin(admin.ModelAdmin):
    list_display = ["name", "family", "version", "term", "retired_at"]
    list_filter = ["term", "retired_at"]
    search_fields = ["name", "family"]
    inlines = [QuestionInline]
    # Staff build sets in the staff area, which versions a set a round has used.
    readonly_fields = ["family", "version", "retired_at", "created_by", "created_at"]


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["text", "code", "type", "question_set", "order"]
    list_filter = ["type", "question_set"]
    search_fields = ["text", "code"]
    raw_id_fields = ["total_question", "follow_up_of"]
    list_select_related = ["question_set"]


@admin.register(SurveyRound)
class SurveyRoundAdmin(admin.ModelAdmin):
    list_display = ["term", "question_set", "deadline", "opened_by", "opened_at"]
    list_select_related = ["term", "question_set", "opened_by"]
    readonly_fields = ["opened_by", "opened_at"]


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
    # The state moves only through the services, which write history.
    readonly_fields = ["status", "submitted_at", "submitted_by", "reviewed_at", "reviewed_by", "returned_at"]
    inlines = [AnswerInline]


@admin.register(Answer)
class AnswerAdmin(admin.ModelAdmin):
    list_display = ["question", "request", "outcome", "number"]
    list_select_related = ["question", "request__partner", "request__round__term", "outcome"]
    raw_id_fields = ["request", "question", "outcome"]


@admin.register(GridCell)
class GridCellAdmin(admin.ModelAdmin):
    list_display = ["answer", "row", "count"]
    raw_id_fields = ["answer"]


class OutcomeResultInline(admin.TabularInline):
    model = OutcomeResult
    extra = 0


@admin.register(ProjectEvaluation)
class ProjectEvaluationAdmin(admin.ModelAdmin):
    list_display = ["agreement", "status", "submitted_at", "reviewed_at"]
    list_filter = ["status"]
    list_select_related = ["agreement__partner"]
    readonly_fields = ["status", "submitted_at", "submitted_by", "reviewed_at", "reviewed_by"]
    inlines = [OutcomeResultInline]


class ConsentInline(admin.TabularInline):
    model = Consent
    extra = 0
    readonly_fields = ["recorded_by", "recorded_at"]


class CaseStudyImageInline(admin.TabularInline):
    model = CaseStudyImage
    extra = 0
    fields = ["original_filename", "alt_text", "shows_young_person", "uploaded_by", "uploaded_at"]
    readonly_fields = fields


@admin.register(CaseStudy)
class CaseStudyAdmin(admin.ModelAdmin):
    list_display = ["title", "partner", "status", "about_young_person", "published_at"]
    list_filter = ["status", "about_young_person"]
    search_fields = ["title", "partner__name"]
    list_select_related = ["partner"]
    # Publishing goes through the service, which checks consent.
    readonly_fields = ["status", "published_at", "created_by", "created_at"]
    inlines = [ConsentInline, CaseStudyImageInline]


@admin.register(IncomeRecord)
class IncomeRecordAdmin(admin.ModelAdmin):
    list_display = ["partner", "academic_year", "source", "amount", "recorded_at"]
    list_filter = ["academic_year", "source"]
    search_fields = ["partner__name", "description"]
    list_select_related = ["partner"]
