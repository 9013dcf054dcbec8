"""Demo commissioning: this year's needs analysis with its gaps, an open call
(partner A has a draft started), a closed call in assessment (partner A's EOI
just passing the match-funding rule at exactly 50%, partner B's refused at
submission and still a draft, a third partner's scored lower when its
standing allows it to answer), and an awarded call whose project agreement
with partner A is live. A decision follows enough assessment: the demo's one
assessor's scores are moderated by the panel, with a note, before it; a second
assessor (Dev Mistry, no login) declared a conflict there, and in the closed
call has scored partner A's EOI while the demo's assessor has yet to declare
and score it.

Everything goes through the services, so the history reads as it would, and
a refusal the demo does not expect stops it loading. Idempotent: each call is
built once, when it is first created."""

import datetime
from decimal import Decimal

from django.contrib.auth.models import Group
from django.utils import timezone

from agreements.demo import project_to_live
from eoi import services
from eoi.models import Call, ExpressionOfInterest, Gap, NeedsAnalysis, ProcurementBand, TargetGroup
from hubportal.core import roles
from hubportal.core.academic_years import current_academic_year
from hubportal.core.errors import ActionRefused
from hubportal.models import User
from partners.models import District, NationalPlanStrand, Partner
from partners.standing import Action, may

D = Decimal
EOI = ExpressionOfInterest.Status
THIRD_PARTNER = "Little Notes Early Years Music"  # an active partner of the partners demo


class DemoBroken(RuntimeError):
    """The services accepted what the demo is there to show being refused."""


CRITERIA = [
    services.CriterionData("Meets the gap in provision", 3, "How directly the work answers the gap and its evidence."),
    services.CriterionData("Reach and inclusion", 2, "Who takes part, and how barriers to taking part are removed."),
    services.CriterionData("Value for money and match funding", 2, "The budget, and how secure the other funding is."),
    services.CriterionData(
        "Quality, safeguarding and evaluation", 1, "The Quality Principles, safeguarding, evaluation."
    ),
]

GAPS = [
    # title, what is missing, target groups, genre or instrument, districts, strand, evidence, priority, budget
    (
        "Inclusive ensembles for young people with SEND in Charnwood",
        "No regular ensemble in Charnwood is adapted for young people with SEND; special schools report "
        "pupils leaving whole-class tuition with nowhere to go next.",
        ["SEND (special educational needs and disabilities)"],
        "",
        ["Charnwood"],
        "Inclusion",
        "Three special schools' survey (2025); 41 young people on informal waiting lists.",
        Gap.Priority.HIGH,
        D("15000.00"),
    ),
    (
        "Instrumental progression in rural Melton and Harborough",
        "Young players in rural villages stop after first-access lessons: no band or orchestra within a "
        "bus ride, and no instruments to borrow.",
        ["Rural isolation", "Free school meals / pupil premium"],
        "Brass, wind and strings",
        ["Melton", "Harborough"],
        "Progression and musical development",
        "Continuation after whole-class teaching is 9% in rural schools against 23% county-wide.",
        Gap.Priority.HIGH,
        D("10000.00"),
    ),
    (
        "Early years music in Leicester City",
        "Few early years settings in the city offer regular music; many families speak English as an "
        "additional language and are not reached by existing groups.",
        ["Early years", "English as an additional language"],
        "",
        ["Leicester City"],
        "Inclusion",
        "Early years survey: 12 of 58 settings offer weekly music.",
        Gap.Priority.MEDIUM,
        D("9000.00"),
    ),
    (
        "Songwriting with young carers and looked-after children",
        "Young carers and looked-after children rarely join after-school music; they need short, flexible "
        "projects with trusted adults.",
        ["Young carers", "Looked-after children"],
        "Songwriting and music technology",
        [],
        "Inclusion",
        "Virtual School and young carers' service consultation, spring term.",
        Gap.Priority.MEDIUM,
        D("6000.00"),
    ),
]

ANSWERS = {
    "quality_alignment": "Sessions are planned and reviewed against the Hub's Inclusion and Quality Principles "
    "and its Evaluation and Impact Framework; the project lead attends the Hub's quality network.",
    "inclusive": "Free places, adapted instruments and a quiet space; no audition; transport help for families.",
    "collaborative": "Co-designed with young people and their teachers; a young people's panel chooses repertoire.",
    "high_quality": "Experienced tutors trained in inclusive practice, using the ACE Quality Principles.",
    "evaluative": "Termly reflection with young people, progress records and a final evaluation with case studies.",
    "legacy": "A trained tutor team, a lending bank of instruments and an ensemble that continues after the project.",
    "safeguarding_confirmed": True,
}


def _at(days: float) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=days)


def _partner_user(partner: Partner) -> User | None:
    user = User.objects.filter(partner=partner, groups__name=roles.PARTNER, is_active=True).order_by("pk").first()
    if user is None and partner.name == THIRD_PARTNER:
        # The partners demo gives this partner no login; its EOI needs one of its users.
        user, created = User.objects.get_or_create(
            username="little-notes",
            defaults={
                "first_name": "Grace",
                "last_name": "Adeyemi",
                "email": "little-notes@demo.hubportal.example",
                "partner": partner,
            },
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        user.groups.add(Group.objects.get(name=roles.PARTNER))
    return user


def _reference_data() -> None:
    """The target groups and procurement bands the data migration seeds, and
    the strands and districts the gaps name (a flushed test database has none)."""
    from importlib import import_module

    seeded = import_module("eoi.migrations.0003_reference_data")
    for order, name in enumerate(seeded.TARGET_GROUPS):
        TargetGroup.objects.get_or_create(name=name, defaults={"sort_order": order})
    for name, minimum, maximum, route in seeded.BANDS:
        ProcurementBand.objects.get_or_create(
            name=name, defaults={"minimum": minimum, "maximum": maximum, "route": route}
        )
    for *_, districts, strand, _evidence, _priority, _budget in GAPS:
        NationalPlanStrand.objects.get_or_create(name=strand)
        for district in districts:
            District.objects.get_or_create(name=district)


def _needs_analysis(staff) -> list[Gap]:
    year = current_academic_year()
    analysis = NeedsAnalysis.objects.filter(academic_year=year.start_year).first()
    if analysis is None:
        analysis = services.needs_analysis_save(
            actor=staff,
            academic_year=year.start_year,
            title=f"Leicestershire Music Hub needs analysis {year.label}",
            summary=(
                "Drawn from school music surveys, the termly partner returns, district data on free school meals "
                "and SEND, and consultation with young people. It sets where the Hub Grant goes this year."
            ),
        )
    gaps = []
    for title, description, groups, genre, districts, strand, evidence, priority, budget in GAPS:
        gap = analysis.gaps.filter(title=title).first() or services.gap_save(
            actor=staff,
            needs_analysis=analysis,
            target_groups=TargetGroup.objects.filter(name__in=groups),
            districts=District.objects.filter(name__in=districts),
            title=title,
            description=description,
            genre_or_instrument=genre,
            strand=NationalPlanStrand.objects.get(name=strand),
            evidence=evidence,
            priority=priority,
            indicative_budget=budget,
        )
        gaps.append(gap)
    return gaps


def _open_call(staff, *, title, brief, gap, max_grant, opened_days_ago, closes_in_days) -> Call:
    call = services.call_save(
        actor=staff,
        gaps=[gap],
        criteria=CRITERIA,
        title=title,
        brief=brief,
        opens_at=_at(-opened_days_ago),
        closes_at=_at(closes_in_days),
        max_hub_grant=max_grant,
    )
    return services.call_open(call=call, actor=staff)


def _draft(call, user, *, title, what, budget, funding, hub_grant, complete=True) -> ExpressionOfInterest:
    eoi = services.eoi_start(call=call, actor=user)
    fields = {
        "title": title,
        "what": what,
        "how": "Weekly after-school sessions led by two tutors, with termly sharing events for families.",
        "who_benefits": "Children and young people aged 8 to 16 who face barriers to taking part.",
        "expected_reach": 45,
        "timeline": "January to July: recruitment in January, weekly sessions from February, a summer sharing.",
    }
    if complete:
        fields.update(ANSWERS)
    return services.eoi_save_draft(
        eoi=eoi,
        actor=user,
        fields=fields,
        budget=budget,
        funding=[services.FundingData(kind=k, amount=a, description=d, confirmed=c) for k, a, d, c in funding],
        hub_grant=hub_grant,
    )


def _close(call: Call, closed_days_ago: float) -> Call:
    """Close a call the demo opened: its dates move into the past, as if its time had come."""
    Call.objects.filter(pk=call.pk).update(closes_at=_at(-closed_days_ago))
    ExpressionOfInterest.objects.filter(call=call, submitted_at__isnull=False).update(
        submitted_at=_at(-closed_days_ago - 2)
    )
    return services.call_close(call=call)


def _colleague() -> User:
    """A second assessor (no demo login: the demo's `assessor` is the one who
    signs in), so the matrix has two assessors to compare and the demo
    assessor has an assignment left to declare and score."""
    user, created = User.objects.get_or_create(
        username="assessor-dev",
        defaults={"first_name": "Dev", "last_name": "Mistry", "email": "dev.mistry@demo.hubportal.example"},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    user.groups.add(Group.objects.get(name=roles.ASSESSOR))
    return user


def _assess(eoi, *, staff, assessor, scores: list[tuple[int, str]]) -> None:
    assignment = services.assessor_assign(eoi=eoi, assessor=assessor, actor=staff)
    services.conflict_declare(assignment=assignment, actor=assessor, has_conflict=False)
    criteria = list(eoi.call.criteria.all())
    services.scores_save(
        assignment=assignment,
        actor=assessor,
        scores={c.pk: score for c, score in zip(criteria, scores, strict=True)},
    )


def _awarded_call(users, gap) -> None:
    staff, assessor = users["staff"], users["assessor"]
    title = "Instrumental progression in rural Melton and Harborough"
    if Call.objects.filter(title=title).exists():
        return
    call = _open_call(
        staff,
        title=title,
        brief="We invite partners to run progression ensembles for young players in rural Melton and Harborough, "
        "with instruments to borrow and help with travel, so that first-access players can carry on.",
        gap=gap,
        max_grant=D("10000.00"),
        opened_days_ago=110,
        closes_in_days=1,
    )
    winner = _draft(
        call,
        users["partner-a"],
        title="Village Bands: brass and wind in the Vale of Belvoir",
        what="Two village progression bands (Bottesford and Long Clawson) with a lending bank of 30 instruments.",
        budget=[
            ("Tutors: 2 × 30 sessions", D("7200.00")),
            ("Instrument lending bank and repairs", D("4800.00")),
            ("Minibus and travel help", D("2100.00")),
            ("Venue hire", D("1500.00")),
        ],
        funding=[
            ("fundraising", D("3600.00"), "Village hall concerts and crowdfunding", True),
            ("other_grants", D("3000.00"), "Rural Community Trust", True),
            ("in_kind", D("1500.00"), "Village halls given free", True),
        ],
        hub_grant=D("7500.00"),
    )
    services.eoi_submit(eoi=winner, actor=users["partner-a"])
    other = _draft(
        call,
        users["partner-b"],
        title="Strings on the road: Harborough villages",
        what="A travelling strings programme visiting six village schools, ending in a joint concert.",
        budget=[("Tutors", D("8000.00")), ("Instruments", D("3000.00")), ("Travel", D("1000.00"))],
        funding=[("own_funds", D("2500.00"), "Reserves", True), ("trading", D("3500.00"), "Holiday courses", False)],
        hub_grant=D("6000.00"),
    )
    services.eoi_submit(eoi=other, actor=users["partner-b"])
    _close(call, closed_days_ago=75)
    winner.refresh_from_db()
    other.refresh_from_db()
    _assess(
        winner,
        staff=staff,
        assessor=assessor,
        scores=[
            (5, "Exactly the gap: two villages with no band."),
            (4, "Free places and travel help."),
            (4, "Half the cost from secured sources."),
            (4, "Strong safeguarding; clear evaluation plan."),
        ],
    )
    _assess(
        other,
        staff=staff,
        assessor=assessor,
        scores=[
            (3, "Schools-based; less progression outside school."),
            (3, "Reach good, barriers less addressed."),
            (3, "Trading income still pending."),
            (4, "Experienced tutors."),
        ],
    )
    # The second assessor was assigned too, and declared a conflict on partner B's
    # bid: the matrix shows it, and the panel's moderation carries the decision.
    conflicted = services.assessor_assign(eoi=other, assessor=_colleague(), actor=staff)
    services.conflict_declare(
        assignment=conflicted,
        actor=_colleague(),
        has_conflict=True,
        details="My daughter plays in Harborough Youth Strings' senior orchestra.",
    )
    # One assessor scored each; the call needs two, so the commissioning panel
    # moderates each score with its note before the decision (issue 18: every
    # EOI is assessed before it is decided).
    services.eoi_moderate(
        eoi=winner,
        actor=staff,
        score=D("4.38"),
        note="Commissioning panel: read the assessor's scores and the bid; the weighted score stands.",
    )
    services.eoi_moderate(
        eoi=other,
        actor=staff,
        score=D("3.13"),
        note="Commissioning panel: read the assessor's scores and the bid; the weighted score stands.",
    )
    services.eoi_decide(
        eoi=winner,
        actor=staff,
        successful=True,
        reasons="Ranked first (4.38): meets the gap directly, with secured match funding and a lending bank.",
        feedback="A strong, well-evidenced plan. We look forward to working with you on it.",
    )
    services.eoi_decide(
        eoi=other,
        actor=staff,
        successful=False,
        reasons="Ranked second (3.13): school-day delivery does not give players a band to progress into.",
        feedback="Thank you: the tutor team is strong. The call asked for progression outside the school day; "
        "half the match funding was still pending. A joint bid with a village band would be welcome next time.",
    )
    # A refusal here (or in taking the project agreement live) stops the demo
    # loading: a rule that changed must show, not leave the promised live
    # project agreement quietly missing.
    award = services.eoi_award(
        eoi=winner,
        actor=staff,
        procurement_notes="Band £5,000 to £25,000: three written quotes. The two other responses to the open "
        "call and a quote from a county music service were compared; this offered the best value.",
    )
    _project_live(award, users)


def _project_live(award, users) -> None:
    """Take the drafted project agreement live the way the agreements demo
    does (agreements.demo.project_to_live: dates, an outcome, the payment
    schedule, issue, the partner's signature and the Hub's). Awarded today,
    it starts in a fortnight."""
    starts = timezone.localdate() + datetime.timedelta(days=14)
    project_to_live(
        award.eoi.project_agreement,
        users=users,
        instalments=[
            ("Agreement signed; tutors, venues and instruments booked", starts, D("3000.00")),
            ("Both village bands running; interim report", starts + datetime.timedelta(days=100), D("3000.00")),
            ("Final sharing concert and project report", starts + datetime.timedelta(days=200), D("1500.00")),
        ],
    )


def _closed_call(users, gap) -> None:
    staff, assessor = users["staff"], users["assessor"]
    title = "Inclusive ensembles for young people with SEND in Charnwood"
    if Call.objects.filter(title=title).exists():
        return
    call = _open_call(
        staff,
        title=title,
        brief="We invite partners to run a weekly inclusive ensemble in Charnwood for young people with SEND, "
        "with adapted instruments, trained tutors and a route on into the Hub's other ensembles.",
        gap=gap,
        max_grant=D("8000.00"),
        opened_days_ago=35,
        closes_in_days=1,
    )
    passing = _draft(
        call,
        users["partner-a"],
        title="Open Orchestra Charnwood",
        what="A weekly inclusive ensemble in Loughborough using adapted and digital instruments (Open Orchestras "
        "model), with a summer performance.",
        budget=[
            ("Lead tutor and two assistants, 33 sessions", D("7425.00")),
            ("Adapted and digital instruments", D("2900.00")),
            ("Accessible venue", D("1275.00")),
            ("Inclusive practice training", D("800.00")),
        ],
        funding=[
            ("own_funds", D("2000.00"), "Collective reserves", True),
            ("other_grants", D("3000.00"), "Youth Music Trust", True),
            ("in_kind", D("1200.00"), "Special school hall and staff time", True),
        ],
        hub_grant=D("6200.00"),  # exactly 50.00% of £12,400.00: the rule's edge, and it passes
    )
    services.eoi_submit(eoi=passing, actor=users["partner-a"])
    refused = _draft(
        call,
        users["partner-b"],
        title="Strings for All Charnwood",
        what="An inclusive string group for young people with SEND, on Saturday mornings.",
        budget=[("Tutors", D("8400.00")), ("Adapted instruments", D("2400.00")), ("Venue", D("1200.00"))],
        funding=[("own_funds", D("3000.00"), "Reserves", True), ("fundraising", D("2700.00"), "Appeal", False)],
        hub_grant=D("6300.00"),  # 52.50% of £12,000.00: refused at submission
    )
    # Refused with the figures: the draft is kept and the refusal is in its history.
    # Accepted would mean the rule changed, and the demo would no longer show it.
    try:
        services.eoi_submit(eoi=refused, actor=users["partner-b"])
    except ActionRefused:
        pass
    else:
        raise DemoBroken(
            "Partner B's draft at a 52.50% Hub Grant share was accepted: the demo expects the "
            "match-funding rule to refuse it. Change the demo's figures to match the rule."
        )
    third = Partner.objects.filter(name=THIRD_PARTNER, status=Partner.Stage.ACTIVE).first()
    third_eoi = None
    # Only while its standing lets it answer a call: the partners demo shows
    # Little Notes with its minimum standards lapsed, and then its portal says
    # why it cannot start one (partners.standing) instead.
    if third is not None and may(third, Action.EOI_START)[0] and (third_user := _partner_user(third)):
        third_eoi = _draft(
            call,
            third_user,
            title="Little Notes Sensory Music",
            what="Sensory music sessions for children with SEND aged 4 to 7, in two Charnwood special schools.",
            budget=[("Practitioners", D("5400.00")), ("Sensory instruments", D("1600.00")), ("Training", D("600.00"))],
            funding=[
                ("own_funds", D("2180.00"), "Reserves", True),
                ("other_grants", D("2000.00"), "Local trust", False),
            ],
            hub_grant=D("3420.00"),
        )
        services.eoi_submit(eoi=third_eoi, actor=third_user)
    _close(call, closed_days_ago=5)
    passing.refresh_from_db()
    # The second assessor has scored it; the demo's assessor is assigned and has
    # still to declare and score (on their list when they sign in).
    _assess(
        passing,
        staff=staff,
        assessor=_colleague(),
        scores=[
            (5, "Answers the Charnwood gap directly."),
            (4, "Adapted instruments and a quiet space."),
            (4, "Exactly half from secured sources."),
            (4, "Open Orchestras training; clear evaluation."),
        ],
    )
    services.assessor_assign(eoi=passing, assessor=assessor, actor=staff)
    if third_eoi is not None:
        third_eoi.refresh_from_db()
        _assess(
            third_eoi,
            staff=staff,
            assessor=assessor,
            scores=[
                (3, "Early years only; the gap is 8 to 18."),
                (4, "Very inclusive practice."),
                (3, "Grant still pending."),
                (4, "Good safeguarding."),
            ],
        )


def _open_call_now(users, gap) -> None:
    title = "Early years music in Leicester City"
    if Call.objects.filter(title=title).exists():
        return
    call = _open_call(
        users["staff"],
        title=title,
        brief="We invite partners to bring weekly music to early years settings in Leicester City, especially "
        "where families speak English as an additional language, and to train setting staff to carry it on.",
        gap=gap,
        max_grant=D("9000.00"),
        opened_days_ago=7,
        closes_in_days=21,
    )
    _draft(
        call,
        users["partner-a"],
        title="Sing and Play City Nurseries",
        what="Weekly music sessions in eight city nurseries, with songs in families' home languages.",
        budget=[("Practitioners", D("6000.00")), ("Staff training", None)],
        funding=[("fundraising", None, "Spring appeal", False)],
        hub_grant=D("4500.00"),
        complete=False,
    )


def seed(users: dict[str, User]) -> None:
    _reference_data()
    gaps = _needs_analysis(users["staff"])
    _awarded_call(users, gaps[1])
    _closed_call(users, gaps[0])
    _open_call_now(users, gaps[2])
