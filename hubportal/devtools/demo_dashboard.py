"""Demo data for the dashboards, after every app's own demo (seed_demo runs it last).

The apps' demos already fill most of the dashboard. What "from need to
impact" also needs is a past year to trace: last year's needs analysis, with

- a gap answered by a call whose award became the completed project
  "Loughborough East Young Voices" (partner A; its evaluation is accepted, so
  reach and outcomes show),
- a gap answered by a call whose award became "Summer strings for young
  carers" (partner B; its evaluation is still owed),
- and a gap no call has answered, which the page marks "No provision".

The two project agreements are the ones the surveys and agreements demos
made; here they are linked to the EOI they came from (only when not linked
yet). No money is added, so leverage and the other figures stay as the apps'
demos made them. Everything is get-or-create: seeding twice changes nothing.
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from agreements.models import Agreement
from eoi.models import (
    Award,
    BudgetLine,
    Call,
    ExpressionOfInterest,
    FundingSource,
    Gap,
    NeedsAnalysis,
    ProcurementBand,
    TargetGroup,
)
from hubportal.core.academic_years import current_academic_year
from hubportal.devtools.demo import PARTNER_A, PARTNER_B
from hubportal.models import User
from partners.models import District, NationalPlanStrand, Partner

D = Decimal

PAST_GAPS = [
    # title, what is missing, target groups, districts, strand, priority, budget, answered by (project title or None)
    (
        "Singing for young people on Loughborough's east side",
        "No regular singing group for 8 to 16 year olds in the east Loughborough wards, where school choirs "
        "stopped after the pandemic.",
        ["Free school meals / pupil premium"],
        ["Charnwood"],
        "Inclusion",
        Gap.Priority.HIGH,
        D("8000.00"),
        ("Loughborough East Young Voices", PARTNER_A, D("6000.00"), D("6500.00"), 60),
    ),
    (
        "Music for young carers in Harborough",
        "Young carers cannot reach after-school ensembles; nothing is offered in the holidays when they could come.",
        ["Young carers"],
        ["Harborough"],
        "Inclusion",
        Gap.Priority.MEDIUM,
        D("6000.00"),
        ("Summer strings for young carers", PARTNER_B, D("4800.00"), D("5200.00"), 24),
    ),
    (
        "Music technology for 14 to 18 year olds in Melton",
        "No music technology or production provision outside school for older teenagers in Melton borough.",
        [],
        ["Melton"],
        "Progression and musical development",
        Gap.Priority.MEDIUM,
        D("5000.00"),
        None,
    ),
]


def _at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0)))


def _project(title: str, partner: Partner) -> Agreement | None:
    return (
        Agreement.objects.filter(kind=Agreement.Kind.PROJECT, partner=partner, title__icontains=title)
        .order_by("academic_year")
        .first()
    )


def _trace(analysis, staff: User, row) -> None:
    title, description, groups, districts, strand, priority, budget, answered = row
    strand_obj, _ = NationalPlanStrand.objects.get_or_create(name=strand)
    gap, created = Gap.objects.get_or_create(
        needs_analysis=analysis,
        title=title,
        defaults={"description": description, "strand": strand_obj, "priority": priority, "indicative_budget": budget},
    )
    if created:
        gap.target_groups.set(TargetGroup.objects.filter(name__in=groups))
        gap.districts.set(District.objects.filter(name__in=districts))
    if answered is None:
        return
    project_title, partner_name, grant, match, reach = answered
    partner = Partner.objects.filter(name=partner_name).first()
    agreement = _project(project_title, partner) if partner else None
    if agreement is None:
        return  # the apps' demos did not make the project: nothing to trace
    year = analysis.year
    opens = year.starts_on + datetime.timedelta(days=30)
    call, created = Call.objects.get_or_create(
        title=f"{title} ({year.label})",
        defaults={
            "brief": f"We invite partners to answer this gap in provision: {description}",
            "status": Call.Status.AWARDED,
            "opens_at": _at(opens),
            "closes_at": _at(opens + datetime.timedelta(days=35)),
            "max_hub_grant": budget,
            "created_by": staff,
        },
    )
    if created:
        call.gaps.add(gap)
    eoi, created = ExpressionOfInterest.objects.get_or_create(
        call=call,
        partner=partner,
        defaults={
            "title": project_title,
            "status": ExpressionOfInterest.Status.SUCCESSFUL,
            "what": description,
            "who_benefits": "Children and young people named in the gap.",
            "expected_reach": reach,
            "safeguarding_confirmed": True,
            "total_cost": grant + match,
            "hub_grant_requested": grant,
            "decided_at": _at(opens + datetime.timedelta(days=50)),
            "decided_by": staff,
            "decision_reasons": "Ranked first: answers the gap directly, with half the cost from secured sources.",
            "feedback": "A clear, well-costed plan.",
        },
    )
    if created:
        BudgetLine.objects.bulk_create(
            [
                BudgetLine(eoi=eoi, item="Tutors and session leaders", amount=(grant + match) * D("0.7")),
                BudgetLine(eoi=eoi, item="Venues, travel and resources", amount=(grant + match) * D("0.3")),
            ]
        )
        FundingSource.objects.bulk_create(
            [
                FundingSource(eoi=eoi, kind=FundingSource.Kind.HUB_GRANT, amount=grant, confirmed=True),
                FundingSource(eoi=eoi, kind=FundingSource.Kind.FUNDRAISING, amount=match, confirmed=True),
            ]
        )
        # Submitted once its money is in: from then on, on PostgreSQL, nothing changes it.
        ExpressionOfInterest.objects.filter(pk=eoi.pk).update(submitted_at=_at(opens + datetime.timedelta(days=20)))
        band = ProcurementBand.objects.filter(minimum__lte=grant).order_by("-minimum").first()
        if band is not None:
            Award.objects.create(
                eoi=eoi,
                amount=grant,
                procurement_band=band,
                procurement_route=band.route,
                awarded_by=staff,
                awarded_at=_at(opens + datetime.timedelta(days=55)),
                total_cost=grant + match,
                other_funding=match,
                in_kind=D("0.00"),
                match_threshold_percent=call.match_threshold_percent,
                in_kind_counted=call.in_kind_counts,
            )
    # Link the project agreement to the EOI it came from, once (an UPDATE of
    # one column: the agreement's signed text and history are untouched).
    Agreement.objects.filter(pk=agreement.pk, eoi__isnull=True).exclude(
        pk__in=Agreement.objects.filter(eoi=eoi).values("pk")
    ).update(eoi=eoi)


def seed(users: dict[str, User]) -> None:
    staff = users["staff"]
    year = current_academic_year().previous()
    analysis, _ = NeedsAnalysis.objects.get_or_create(
        academic_year=year.start_year,
        defaults={
            "title": f"Leicestershire Music Hub needs analysis {year.label}",
            "summary": "Last year's analysis: where the Hub Grant went, and what is still missing.",
            "created_by": staff,
        },
    )
    for row in PAST_GAPS:
        _trace(analysis, staff, row)
