"""Reads, always scoped to the user: another partner's record is a 404, the
same answer as a missing one."""

from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from agreements.models import Agreement, Outcome
from hubportal.core.roles import is_hub_staff, is_partner_user
from surveys.models import (
    Answer,
    CaseStudy,
    CaseStudyImage,
    Consent,
    IncomeRecord,
    ProjectEvaluation,
    Question,
    QuestionSet,
    SurveyRequest,
    SurveyRound,
)


def get_question_set(pk: int) -> QuestionSet:
    """Question sets are the Hub's own (not a partner's), so staff see them all."""
    return get_object_or_404(QuestionSet, pk=pk)


def get_question(pk: int) -> Question:
    return get_object_or_404(Question.objects.select_related("question_set"), pk=pk)


def get_round(pk: int) -> SurveyRound:
    return get_object_or_404(SurveyRound.objects.select_related("term", "question_set", "opened_by"), pk=pk)


def get_request_for(user, pk: int) -> SurveyRequest:
    return get_object_or_404(
        SurveyRequest.objects.visible_to(user).select_related(
            "round__term", "round__question_set", "partner", "agreement", "submitted_by", "reviewed_by"
        ),
        pk=pk,
    )


def questions_of(question_set: QuestionSet) -> list[Question]:
    return list(question_set.questions.all().order_by("order", "pk"))


def response_parts(request: SurveyRequest) -> dict:
    """What the response form needs: the round's questions, the agreement's outcomes, the stored answers."""
    return {
        "questions": questions_of(request.round.question_set),
        "outcomes": list(Outcome.objects.filter(agreement_id=request.agreement_id).order_by("order", "pk")),
        "answers": list(Answer.objects.filter(request=request).prefetch_related("cells")),
    }


def projects_owing_evaluation():
    """Project agreements that are complete and owe an evaluation."""
    return Agreement.objects.filter(
        kind=Agreement.Kind.PROJECT, status=Agreement.Status.COMPLETED, requires_evaluation=True
    )


def get_project_for(user, agreement_pk: int) -> Agreement:
    """A completed project agreement of the user's partner that owes an evaluation."""
    return get_object_or_404(
        projects_owing_evaluation()
        .filter(pk__in=Agreement.objects.visible_to(user).values("pk"))
        .select_related("partner", "evaluation"),
        pk=agreement_pk,
    )


def evaluation_of(agreement: Agreement) -> ProjectEvaluation | None:
    try:
        return agreement.evaluation
    except ProjectEvaluation.DoesNotExist:
        return None


def get_evaluation_for(user, pk: int) -> ProjectEvaluation:
    return get_object_or_404(
        ProjectEvaluation.objects.visible_to(user).select_related("agreement__partner", "submitted_by"), pk=pk
    )


def case_studies_for(user):
    return CaseStudy.objects.visible_to(user).select_related("partner", "evaluation__agreement", "survey_request")


def with_consent_parts(queryset):
    """Prefetch what the consent rule reads, so a list costs the same few queries."""
    return queryset.prefetch_related(
        Prefetch("consents", queryset=Consent.objects.order_by("given_on", "pk")),
        Prefetch("images", queryset=CaseStudyImage.objects.order_by("uploaded_at", "pk")),
    )


def get_case_study_for(user, pk: int) -> CaseStudy:
    return get_object_or_404(with_consent_parts(case_studies_for(user)), pk=pk)


def get_image_for(user, pk: int) -> CaseStudyImage:
    return get_object_or_404(
        CaseStudyImage.objects.filter(case_study__in=CaseStudy.objects.visible_to(user)).select_related("case_study"),
        pk=pk,
    )


def get_consent_for(user, pk: int) -> Consent:
    return get_object_or_404(
        Consent.objects.filter(case_study__in=CaseStudy.objects.visible_to(user)).select_related("case_study"), pk=pk
    )


def income_for(user):
    if is_hub_staff(user):
        return IncomeRecord.objects.all()
    if is_partner_user(user):
        return IncomeRecord.objects.filter(partner_id=user.partner_id)
    return IncomeRecord.objects.none()


def get_income_for(user, pk: int) -> IncomeRecord:
    return get_object_or_404(income_for(user), pk=pk)


def rounds_with_counts():
    """Rounds with how many requests are in each state, counted in the database."""
    OPEN = SurveyRequest.OPEN
    Status = SurveyRequest.Status
    return SurveyRound.objects.select_related("term", "question_set").annotate(
        n_requests=Count("requests"),
        n_submitted=Count("requests", filter=Q(requests__status=Status.SUBMITTED)),
        n_accepted=Count("requests", filter=Q(requests__status=Status.ACCEPTED)),
        n_open=Count("requests", filter=Q(requests__status__in=OPEN)),
    )


def return_timing(*, status: str, deadline, submitted_at, today) -> str | None:
    """The one rule for whether a termly return kept to the timetable: "on_time" or
    "late" once it is with the Hub (submitted or accepted), judged on the day it was
    sent in the Hub's own time zone, not UTC; "overdue" while it is still owed (not
    started, in progress, or returned and not yet resubmitted) after its deadline;
    None while it is owed and not yet due. A returned survey's earlier submission does
    not count: the partner still owes it."""
    if status in SurveyRequest.OPEN:
        return "overdue" if deadline < today else None
    if submitted_at is None:
        return None
    return "on_time" if timezone.localdate(submitted_at) <= deadline else "late"


def survey_timeliness(partner_id: int, academic_year: int, today, *, agreement_id: int | None = None) -> dict:
    """How the partner's termly returns for the year kept to the timetable, for the
    annual review ("failure to provide data in accordance with timetable set").
    Narrowed to one agreement's requests when given. One query. Returns the rows,
    the counts and a sentence summing them up."""
    requests = SurveyRequest.objects.filter(partner_id=partner_id, round__term__academic_year=academic_year)
    if agreement_id is not None:
        requests = requests.filter(agreement_id=agreement_id)
    rows = []
    for r in requests.select_related("round__term").order_by("round__term__starts_on"):
        timing = return_timing(status=r.status, deadline=r.deadline, submitted_at=r.submitted_at, today=today)
        rows.append(
            {
                "term": str(r.round.term),
                "deadline": r.deadline,
                "submitted_on": timezone.localdate(r.submitted_at) if timing in ("on_time", "late") else None,
                "on_time": timing == "on_time",
                "late": timing == "late",
                "overdue": timing == "overdue",
            }
        )
    on_time = sum(1 for row in rows if row["on_time"])
    late = sum(1 for row in rows if row["late"])
    overdue = sum(1 for row in rows if row["overdue"])
    summary = (
        f"{on_time} of {len(rows)} termly survey{'s' if len(rows) != 1 else ''} returned on time"
        + (f", {late} late" if late else "")
        + (f", {overdue} overdue" if overdue else "")
        + "."
        if rows
        else "No termly surveys were asked for this year."
    )
    return {
        "rows": rows,
        "asked": len(rows),
        "on_time": on_time,
        "late": late,
        "overdue": overdue,
        "summary": summary,
    }
