"""Reads, scoped to the user: another partner's agreement is a 404, the same
answer as one that does not exist."""

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from agreements.models import (
    Agreement,
    AgreementTemplate,
    AnnualReview,
    OutcomeReview,
    PaymentInstalment,
    RecommendationDocument,
    Signature,
    TerminationRecommendation,
)
from agreements.permissions import can_see_recommendation
from hubportal.core import roles
from hubportal.core.academic_years import AcademicYear
from hubportal.core.lists import listed_day
from hubportal.core.registry import Registry
from hubportal.core.shared_reads import read_once
from hubportal.models import User
from partners.models import PartnerType


def agreements_for(user) -> QuerySet[Agreement]:
    """The agreements the user may see, ready for a list (one query for the page)."""
    open_recommendation = TerminationRecommendation.objects.filter(agreement=OuterRef("pk"), decided_at__isnull=True)
    return (
        Agreement.objects.visible_to(user)
        .select_related("partner", "partner__partner_type")
        .annotate(has_open_recommendation=Exists(open_recommendation))
    )


LIST_ROW_FIELDS = (
    "pk",
    "title",
    "academic_year",
    "kind",
    "status",
    "updated_at",
    "partner__name",
    "partner__partner_type__name",
    "has_open_recommendation",
)


def agreement_list_values(queryset: QuerySet[Agreement]) -> QuerySet:
    """The agreement list's filtered queryset as plain values: what a row shows, no model instances."""
    return queryset.values(*LIST_ROW_FIELDS)


def agreement_list_rows(values) -> list[dict]:
    """A page of agreement_list_values shaped for the list's template: every label, link and date
    worked out here, once, so the template only places them (issue 24: the template's work per row
    was most of the page's time)."""
    kinds, statuses = dict(Agreement.Kind.choices), dict(Agreement.Status.choices)
    detail = reverse("agreements:detail", args=[0]).removesuffix("0/")  # one reverse, not one a row
    return [
        {
            "partner": v["partner__name"],
            "partner_type": v["partner__partner_type__name"] or "",
            "url": f"{detail}{v['pk']}/",
            "title": v["title"],
            "with_chair": v["has_open_recommendation"],
            "year": AcademicYear(v["academic_year"]).label,
            "kind": kinds.get(v["kind"], v["kind"]),
            "status": v["status"],
            "status_label": statuses.get(v["status"], v["status"]),
            "changed": listed_day(v["updated_at"]),
        }
        for v in values
    ]


def get_agreement_for(user, pk: int) -> Agreement:
    return get_object_or_404(agreements_for(user), pk=pk)


def get_agreement_detail_for(user, pk: int) -> Agreement:
    """One agreement with everything its page shows, in a fixed number of queries."""
    queryset = agreements_for(user).select_related("template", "renewal_of", "eoi", "created_by")
    queryset = queryset.prefetch_related(
        "outcomes",
        "instalments",
        "versions",
        Prefetch("signatures", queryset=Signature.objects.select_related("user")),
        Prefetch(
            "reviews",
            queryset=AnnualReview.objects.select_related("reviewed_by").prefetch_related(
                Prefetch("outcome_reviews", queryset=OutcomeReview.objects.select_related("outcome"))
            ),
        ),
        Prefetch(
            "recommendations",
            queryset=TerminationRecommendation.objects.select_related("raised_by", "decided_by", "complaint"),
        ),
    )
    return get_object_or_404(queryset, pk=pk)


def issued_to_sign(partner_ids) -> list[Agreement]:
    """The agreements of these partners issued and waiting for the partner's signature,
    oldest issue first: one query, read once for a page that asks twice (the portal
    home's to-do list and health, hubportal.core.shared_reads)."""
    ids = tuple(partner_ids)
    return read_once(
        ("agreements.issued_to_sign", ids),
        lambda: list(
            Agreement.objects.filter(partner_id__in=ids, status=Agreement.Status.ISSUED)
            .only("partner_id", "kind", "academic_year", "title", "status", "issued_at")
            .order_by("issued_at", "pk")
        ),
    )


def renewal_of_agreement(agreement: Agreement) -> Agreement | None:
    return Agreement.objects.filter(renewal_of=agreement).first()


def current_agreement_for_partner(partner) -> Agreement | None:
    """The partner's partnership agreement in force (live or under review), if any.
    For other apps: a complaint that leads to a recommendation names this one."""
    return (
        Agreement.objects.filter(partner=partner, kind=Agreement.Kind.PARTNERSHIP, status__in=Agreement.IN_FORCE)
        .order_by("-academic_year")
        .first()
    )


def recommendations_for(user) -> QuerySet[TerminationRecommendation]:
    if not can_see_recommendation(user):
        return TerminationRecommendation.objects.none()
    return TerminationRecommendation.objects.select_related(
        "agreement", "agreement__partner", "raised_by", "decided_by", "complaint", "review"
    )


def get_recommendation_for(user, pk: int) -> TerminationRecommendation:
    return get_object_or_404(recommendations_for(user).prefetch_related("documents"), pk=pk)


def get_recommendation_document_for(user, pk: int) -> RecommendationDocument:
    if not can_see_recommendation(user):
        return get_object_or_404(RecommendationDocument.objects.none(), pk=pk)
    return get_object_or_404(RecommendationDocument.objects.select_related("recommendation"), pk=pk)


def get_instalment_for(user, pk: int) -> PaymentInstalment:
    return get_object_or_404(
        PaymentInstalment.objects.filter(agreement__in=Agreement.objects.visible_to(user)).select_related("agreement"),
        pk=pk,
    )


def get_review_for(user, agreement: Agreement, pk: int) -> AnnualReview:
    return get_object_or_404(AnnualReview.objects.filter(agreement=agreement), pk=pk)


def templates_for(user) -> QuerySet[AgreementTemplate]:
    if not roles.is_hub_staff(user):
        return AgreementTemplate.objects.none()
    return AgreementTemplate.objects.select_related("partner_type", "updated_by")


def partner_types_without_template():
    return PartnerType.objects.filter(agreement_template__isnull=True, is_active=True)


# Who hears about what.


def _active(queryset) -> list[User]:
    return list(queryset.filter(is_active=True).distinct())


def service_managers() -> list[User]:
    return _active(User.objects.filter(groups__name=roles.MANAGER))


def chairs() -> list[User]:
    return _active(User.objects.filter(groups__name=roles.CHAIR))


def agreements_for_roll_forward(start_year: int) -> QuerySet[Agreement]:
    """The partnership agreements in force in a year, with what roll forward checks."""
    open_recommendation = TerminationRecommendation.objects.filter(agreement=OuterRef("pk"), decided_at__isnull=True)
    return (
        Agreement.objects.filter(
            kind=Agreement.Kind.PARTNERSHIP, academic_year=start_year, status__in=Agreement.IN_FORCE
        )
        .select_related("partner", "partner__partner_type")
        .prefetch_related("outcomes")
        .annotate(has_open_recommendation=Exists(open_recommendation))
        .order_by("partner__name")
    )


def chair_decisions_on(partner_ids: list[int]) -> tuple[set[int], dict[int, int]]:
    """The Chair's upheld decisions on these partners' partnership agreements, for
    their standing (partners.standing reads them through this, set in
    AgreementsConfig.ready): the partners terminated, and for each partner not
    renewed the earliest academic year (its start) after which it is not. One query."""
    terminated, not_renewed = set(), {}
    upheld = TerminationRecommendation.objects.filter(
        agreement__partner_id__in=partner_ids,
        agreement__kind=Agreement.Kind.PARTNERSHIP,
        decision=TerminationRecommendation.Decision.UPHELD,
    ).values_list("agreement__partner_id", "kind", "agreement__academic_year")
    for partner_id, kind, year in upheld:
        if kind == TerminationRecommendation.Kind.TERMINATE:
            terminated.add(partner_id)
        else:
            not_renewed[partner_id] = min(year, not_renewed.get(partner_id, year))
    return terminated, not_renewed


def latest_completed_reviews(agreement_ids) -> dict[int, AnnualReview]:
    """Each agreement's latest completed review, in one query."""
    latest = {}
    reviews = AnnualReview.objects.filter(agreement_id__in=list(agreement_ids), completed_at__isnull=False)
    for review in reviews.order_by("agreement_id", "-held_on", "-pk"):
        latest.setdefault(review.agreement_id, review)
    return latest


# What other apps know for an annual review (monitoring: the survey returns;
# complaints: those about the partner this year). Each says it in its own
# <app>/annual_review.py with @review_fact, so agreements imports neither.
review_facts = Registry("annual_review")
review_fact = review_facts.register


def review_prefill(agreement: Agreement) -> dict:
    """What the portal already knows for an annual review: the day it is held
    and each app's facts (``@review_fact``: the agreement's survey returns
    against their deadlines, the complaints about the partner this year)."""
    today = timezone.localdate()
    prefill = {"held_on": today}
    for facts in review_facts.functions():
        prefill.update(facts(agreement, today))
    return prefill


def awarded_projects() -> QuerySet[Agreement]:
    """The project agreements whose Hub Grant counts as awarded: the one rule for
    every Hub Grant figure. Every project agreement counts, whatever its state: staff
    award the grant when they award the expression of interest, and its project
    agreement is drafted from the award in the same step, so a draft already holds an
    awarded grant; a completed or terminated project still had its grant awarded.
    Partnership agreements carry no grant."""
    return Agreement.objects.filter(kind=Agreement.Kind.PROJECT, hub_contribution__isnull=False)
