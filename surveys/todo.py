"""The partner's monitoring to-dos: complete a survey by its deadline, respond to
a returned survey, submit a project evaluation."""

from datetime import date

from django.db.models import Q
from django.urls import reverse

from hubportal.core.todo import Todo, todo_source
from surveys.models import ProjectEvaluation, SurveyRequest
from surveys.selectors import projects_owing_evaluation


@todo_source
def monitoring_todos(partner, today: date) -> list[Todo]:
    items = []
    requests = SurveyRequest.objects.filter(partner=partner, status__in=SurveyRequest.OPEN).select_related(
        "round__term"
    )
    for r in requests:
        url = reverse("surveys:portal_request", args=[r.pk])
        if r.awaits_resubmission:
            items.append(
                Todo(f"Respond to the Hub's comments on your {r.round.term} survey", url, r.deadline, "surveys")
            )
        else:
            items.append(Todo(f"Complete the {r.round.term} survey", url, r.deadline, "surveys"))
    projects = (
        projects_owing_evaluation()
        .filter(partner=partner)
        .filter(Q(evaluation__isnull=True) | Q(evaluation__status__in=ProjectEvaluation.EDITABLE))
    )
    for agreement in projects:
        items.append(
            Todo(
                f"Submit the evaluation of “{agreement.title}”",
                reverse("surveys:portal_evaluation", args=[agreement.pk]),
                agreement.evaluation_due_on,
                "surveys",
            )
        )
    return items
