"""Monitoring tabs on the staff partner page: surveys, evaluations, income."""

from django.db.models import Count, Q

from hubportal.core.partner_tabs import PartnerTab, partner_tab
from hubportal.core.roles import is_hub_staff
from surveys import aggregates
from surveys.models import CaseStudy, IncomeRecord, SurveyRequest
from surveys.selectors import projects_owing_evaluation


@partner_tab
def surveys_tab(partner, user) -> PartnerTab | None:
    if not is_hub_staff(user):
        return None
    requests = list(
        SurveyRequest.objects.filter(partner=partner)
        .select_related("round__term")
        .order_by("-round__term__academic_year", "-round__term__starts_on")
    )
    open_count = sum(1 for r in requests if r.status in SurveyRequest.OPEN)
    return PartnerTab(
        slug="surveys",
        label="Surveys",
        template="surveys/_partner_tab_surveys.html",
        context={"survey_requests": requests},
        order=40,
        count=open_count or None,
    )


@partner_tab
def evaluations_tab(partner, user) -> PartnerTab | None:
    if not is_hub_staff(user):
        return None
    projects = list(projects_owing_evaluation().filter(partner=partner).select_related("evaluation"))
    case_studies = CaseStudy.objects.filter(partner=partner).annotate(
        n_consents=Count("consents", filter=Q(consents__withdrawn_on__isnull=True))
    )
    return PartnerTab(
        slug="evaluations",
        label="Evaluations",
        template="surveys/_partner_tab_evaluations.html",
        context={"projects": projects, "case_studies": case_studies},
        order=41,
    )


@partner_tab
def income_tab(partner, user) -> PartnerTab | None:
    if not is_hub_staff(user):
        return None
    return PartnerTab(
        slug="income",
        label="Income",
        template="surveys/_partner_tab_income.html",
        context={
            "income_years": aggregates.partner_income(partner.pk),
            "income_records": IncomeRecord.objects.filter(partner=partner).order_by("-academic_year", "-recorded_at")[
                :20
            ],
        },
        order=42,
    )
