"""Survey and evaluation reminders (offsets in settings.REMINDER_OFFSETS). Each
finder is a few queries whatever the number of requests.

A stage name carries the date it is about ("3d-before 2027-03-10"), so a new
deadline (a survey returned with a date to resubmit by, a round's deadline
moved) gets reminders of its own."""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta

from django.db.models import Q
from django.urls import reverse

from agreements.reminders import sample_partnership_agreement, sample_project_agreement
from hubportal.core.academic_years import AUTUMN, academic_year_for
from hubportal.core.users import hub_staff_users, partner_users
from hubportal.messaging.kinds import Due, dates_due, reminder_kind
from hubportal.messaging.wording_samples import SAMPLE_PK, reminder_sample
from hubportal.models import Term
from surveys.models import ProjectEvaluation, SurveyRequest, SurveyRound
from surveys.selectors import projects_owing_evaluation


def _stage(stages: dict[date, str], day: date) -> str:
    return f"{stages[day]} {day.isoformat()}"


def _users_by_partner(partner_ids) -> dict[int, list]:
    found = defaultdict(list)
    for user in partner_users(set(partner_ids)):
        found[user.partner_id].append(user)
    return found


@reminder_kind("surveys_deadline")
def survey_deadlines(today: date) -> Iterable[Due]:
    """To the partner's users: 14 and 3 days before the deadline, on the day, and a day after, while it is open."""
    stages = dates_due(today, "surveys_deadline")
    requests = list(
        SurveyRequest.objects.filter(deadline__in=list(stages), status__in=SurveyRequest.OPEN).select_related(
            "round__term", "partner"
        )
    )
    users = _users_by_partner(r.partner_id for r in requests)
    return [
        Due(
            "surveys_deadline",
            r,
            _stage(stages, r.deadline),
            r.deadline,
            users[r.partner_id],
            url=reverse("surveys:portal_request", args=[r.pk]),
        )
        for r in requests
    ]


@reminder_kind("surveys_overdue_staff")
def surveys_long_overdue(today: date) -> Iterable[Due]:
    """To Hub staff: a survey a week past its deadline and still not submitted."""
    stages = dates_due(today, "surveys_overdue_staff")
    requests = list(
        SurveyRequest.objects.filter(deadline__in=list(stages), status__in=SurveyRequest.OPEN).select_related(
            "round__term", "partner"
        )
    )
    if not requests:
        return []
    staff = hub_staff_users()
    return [
        Due(
            "surveys_overdue_staff",
            r,
            _stage(stages, r.deadline),
            r.deadline,
            staff,
            url=reverse("surveys:request_detail", args=[r.pk]),
        )
        for r in requests
    ]


@reminder_kind("surveys_evaluation_due")
def evaluations_due(today: date) -> Iterable[Due]:
    """To the partner's users: 14 days before a completed project's evaluation is due,
    on the day and a week after, while it is not submitted."""
    stages = dates_due(today, "surveys_evaluation_due")
    projects = list(
        projects_owing_evaluation()
        .filter(evaluation_due_on__in=list(stages))
        .filter(Q(evaluation__isnull=True) | Q(evaluation__status__in=ProjectEvaluation.EDITABLE))
        .select_related("partner")
    )
    users = _users_by_partner(a.partner_id for a in projects)
    return [
        Due(
            "surveys_evaluation_due",
            a,
            _stage(stages, a.evaluation_due_on),
            a.evaluation_due_on,
            users[a.partner_id],
            url=reverse("surveys:portal_evaluation", args=[a.pk]),
        )
        for a in projects
    ]


# --- The object each kind is about, for the wording editor (hubportal.messaging.wording_samples) ---


@reminder_sample("surveys_deadline", "surveys_overdue_staff")
def sample_survey_request(today: date):
    year = academic_year_for(today)
    term = Term(academic_year=year.start_year, name=AUTUMN, starts_on=year.starts_on, ends_on=year.starts_on)
    deadline = today + timedelta(days=14)
    agreement = sample_partnership_agreement(today)
    return SurveyRequest(
        pk=SAMPLE_PK,
        round=SurveyRound(pk=SAMPLE_PK, term=term, deadline=deadline),
        agreement=agreement,
        partner=agreement.partner,
        deadline=deadline,
    )


@reminder_sample("surveys_evaluation_due")
def sample_evaluated_project(today: date):
    return sample_project_agreement(today)
