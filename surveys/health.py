"""What monitoring says about a partner's health: a survey past its deadline
(red), a survey returned and not resubmitted (amber), a project evaluation past
its due date (red). Two queries for any number of partners."""

from collections import defaultdict
from datetime import date

from django.db.models import Q

from hubportal.core.health import AMBER, RED, Reason, health_signal
from surveys.models import ProjectEvaluation, SurveyRequest
from surveys.selectors import projects_owing_evaluation


@health_signal
def monitoring_health(partner_ids: list[int], today: date) -> dict[int, list[Reason]]:
    found: dict[int, list[Reason]] = defaultdict(list)
    requests = (
        SurveyRequest.objects.filter(partner_id__in=partner_ids, status__in=SurveyRequest.OPEN)
        .filter(Q(deadline__lt=today) | Q(returned_at__isnull=False))
        .select_related("round__term")
    )
    for r in requests:
        if r.deadline < today:
            found[r.partner_id].append(
                Reason(
                    RED,
                    f"The {r.round.term} survey was due on {r.deadline:%-d %B %Y} and has not been submitted.",
                )
            )
        else:
            found[r.partner_id].append(
                Reason(
                    AMBER,
                    f"The Hub returned the {r.round.term} survey for changes and it has not been resubmitted "
                    f"(due by {r.deadline:%-d %B %Y}).",
                )
            )
    overdue_evaluations = (
        projects_owing_evaluation()
        .filter(partner_id__in=partner_ids, evaluation_due_on__lt=today)
        .filter(Q(evaluation__isnull=True) | Q(evaluation__status__in=ProjectEvaluation.EDITABLE))
    )
    for agreement in overdue_evaluations:
        found[agreement.partner_id].append(
            Reason(
                RED,
                f"The evaluation of “{agreement.title}” was due on {agreement.evaluation_due_on:%-d %B %Y} "
                "and has not been submitted.",
            )
        )
    return found
