"""What the three home pages show: reads for the staff dashboard, the assessor's
dashboard, the partner portal's home and the Chair's summary.

Every number on the staff dashboard is a ``Stat``: a count and the URL of the
filtered list that shows the same rows. Where a count is one of an app's list
filters, it is counted through that app's own FilterSet with the very
parameters the link carries, so the number and the list cannot drift apart.

All of it is a fixed number of queries, whatever the number of partners,
agreements, surveys or complaints (grouped counts in the database; health in
bulk through ``hubportal.core.health.health_for``).
"""

from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode

from django.contrib.contenttypes.models import ContentType
from django.db.models import Case, Count, Q, Value, When
from django.urls import reverse
from django.utils import timezone

from agreements.filters import expiring as ending_soon
from agreements.filters import this_term_ends_on
from agreements.models import Agreement
from complaints.filters import ComplaintFilter
from complaints.models import Complaint
from complaints.selectors import complaints_for
from eoi.filters import AssessmentFilter
from eoi.models import Call, ExpressionOfInterest
from eoi.selectors import assessments_for
from hubportal.core import roles
from hubportal.core.academic_years import AcademicYear, current_academic_year
from hubportal.core.exports import rows_by_chunk
from hubportal.core.health import AMBER, GREEN, LABELS, RED, Health, health_for
from hubportal.insights.leverage import leverage_totals
from hubportal.models import HistoryEntry
from partners.evidence_status import EVIDENCE_STAGES
from partners.filters import EvidenceFilter
from partners.models import EvidenceItem, Partner
from partners.selectors import evidence_visible_to
from surveys import aggregates, codes
from surveys.models import SurveyRequest, SurveyRound

HEALTH_LEVELS = [RED, AMBER, GREEN]
# Partners whose health is watched: from the standards review (when evidence is
# first asked for) while the partnership lasts.
WATCHED_STAGES = EVIDENCE_STAGES
# The stages of the onboarding funnel, in order, ending with the partnership.
FUNNEL = [
    Partner.Stage.ENQUIRY,
    Partner.Stage.MEETING_SCHEDULED,
    Partner.Stage.MEETING_HELD,
    Partner.Stage.STANDARDS_REVIEW,
    Partner.Stage.AGREEMENT_PENDING,
    Partner.Stage.ACTIVE,
]
ROUNDS_CHARTED = 6
# Partners named under each state of the current round; the rest are behind "and N more"
# (a round at scale asks some 2,000 partners), as on the round's own page.
NAMES_SHOWN = 20
REQUEST_STATES = [
    SurveyRequest.Status.ACCEPTED,
    SurveyRequest.Status.SUBMITTED,
    SurveyRequest.Status.RETURNED,
    SurveyRequest.Status.IN_PROGRESS,
    SurveyRequest.Status.PENDING,
]


@dataclass
class Stat:
    """A number on a dashboard and the list behind it."""

    label: str
    count: int
    url: str
    names: list[str] = field(default_factory=list)  # the partners behind the number, where it helps
    key: str = ""

    @property
    def more(self) -> int:
        """How many partners behind the number are not named (the list at ``url`` has them all)."""
        return self.count - len(self.names) if self.names else 0


def link(name: str, **params) -> str:
    url = reverse(name)
    params = {k: v for k, v in params.items() if v not in (None, "")}
    return f"{url}?{urlencode(params)}" if params else url


def chart(labels, *datasets) -> dict:
    """Chart.js data for json_script: labels and (label, values) datasets."""
    return {"labels": [str(x) for x in labels], "datasets": [{"label": lb, "data": list(d)} for lb, d in datasets]}


# --- Health, as the viewer may see it -------------------------------------------------------------


def health_as_seen_by(user, partner_ids, today: date, stages: dict[int, str] | None = None) -> dict[int, Health]:
    """Each partner's health as this Hub user may see it: a safeguarding concern
    reads in full only for safeguarding leads (hubportal.core.health decides)."""
    return health_for(partner_ids, today, viewer=user, stages=stages)


def watched_partners():
    return Partner.objects.filter(status__in=WATCHED_STAGES)


# Partners by stage as the health page sorts them: by the stage's name, A to Z.
_STAGES_BY_LABEL = sorted(Partner.Stage.choices, key=lambda choice: str(choice[1]))
STAGE_RANK = Case(
    *[When(status=value, then=Value(rank)) for rank, (value, _) in enumerate(_STAGES_BY_LABEL)],
    default=Value(len(_STAGES_BY_LABEL)),
)
HEALTH_EXPORT_ORDERS = {"name": ["name", "pk"], "-name": ["-name", "-pk"], "stage": ["stage_rank", "name", "pk"]}


def health_rows(user, partners, *, level: str, sort: str, today: date) -> Iterator[tuple[Partner, Health]]:
    """(partner, health) for the partner health export, in the page's order (red
    first unless sorted otherwise), rated a chunk of partners at a time so memory
    stays flat however many partners there are. Red first reads the partners once
    for each level, keeping only that level's each time."""
    ordered = partners.annotate(stage_rank=STAGE_RANK).order_by(*HEALTH_EXPORT_ORDERS.get(sort, ["name", "pk"]))
    levels = [level] if level else ([None] if sort in HEALTH_EXPORT_ORDERS else HEALTH_LEVELS)

    def rated(chunk: list[Partner], wanted: str | None):
        health = health_as_seen_by(user, [p.pk for p in chunk], today)
        return ((p, health[p.pk]) for p in chunk if wanted is None or health[p.pk].level == wanted)

    for wanted in levels:
        yield from rows_by_chunk(ordered, lambda chunk, wanted=wanted: rated(chunk, wanted))


def health_levels(user, watched: dict[int, str], today: date) -> Counter:
    """How many of the watched partners (id: stage) are red, amber and green."""
    return Counter(h.level for h in health_as_seen_by(user, list(watched), today, stages=watched).values())


def health_stats(user, today: date, watched: dict[int, str]) -> list[Stat]:
    levels = health_levels(user, watched, today)
    return [
        Stat(LABELS[level], levels.get(level, 0), link("partner_health", level=level), key=level)
        for level in HEALTH_LEVELS
    ]


# --- Onboarding -----------------------------------------------------------------------------------


def partners_by_stage() -> dict[str, int]:
    return dict(Partner.objects.values_list("status").annotate(n=Count("id")).values_list("status", "n"))


def partner_census(**counts: Count) -> tuple[dict[str, int], dict[int, str], Counter]:
    """Partners by stage, those whose health is watched (id: stage), and the sums of
    ``counts`` (aggregates over each partner's rows, e.g. evidence_counts), in one
    query: a few small columns per partner, some 2,000 rows for a large Hub."""
    by_stage: Counter = Counter()
    watched: dict[int, str] = {}
    totals: Counter = Counter()
    for row in Partner.objects.order_by().annotate(**counts).values("pk", "status", *counts):
        by_stage[row["status"]] += 1
        if row["status"] in WATCHED_STAGES:
            watched[row["pk"]] = row["status"]
        totals.update({name: row[name] for name in counts})
    return dict(by_stage), watched, totals


def pipeline(by_stage: dict[str, int]) -> list[Stat]:
    return [
        Stat(label, by_stage.get(value, 0), link("partners:list", stage=value), key=value)
        for value, label in Partner.Stage.choices
    ]


def funnel_chart(by_stage: dict[str, int]) -> dict:
    labels = [Partner.Stage(s).label for s in FUNNEL]
    return chart(labels, ("Partners", [by_stage.get(s, 0) for s in FUNNEL]))


# --- Agreements -------------------------------------------------------------------------------------


def agreement_stats(user, today: date) -> dict:
    """Agreements by state and those ending soon (the list filter's own rule), in one
    query, and one for the end of this term."""
    base = Agreement.objects.visible_to(user)
    term_ends_on = this_term_ends_on(today)
    ending = base.filter(ending_soon(today, term_ends_on=term_ends_on))
    found = base.aggregate(
        **{f"n_{value}": Count("pk", filter=Q(status=value)) for value in Agreement.Status.values},
        expiring=Count("pk", filter=Q(pk__in=ending.values("pk"))),
    )
    counts = {value: found[f"n_{value}"] for value in Agreement.Status.values}
    expiring = found["expiring"]
    by_state = [
        Stat(label, counts.get(value, 0), link("agreements:list", status=value), key=value)
        for value, label in Agreement.Status.choices
        if counts.get(value, 0)
    ]
    status = Agreement.Status
    return {
        "by_state": by_state,
        "awaiting_partner": Stat(
            "Issued, waiting for the partner's signature",
            counts.get(status.ISSUED, 0),
            link("agreements:list", status=status.ISSUED),
        ),
        "awaiting_hub": Stat(
            "Signed by the partner, waiting for the Hub's countersignature",
            counts.get(status.PARTNER_SIGNED, 0),
            link("agreements:list", status=status.PARTNER_SIGNED),
        ),
        "expiring": Stat(
            f"Ending soon: partnership agreements on 31 August {current_academic_year().ends_on.year} "
            f"with no renewal drafted, and projects ending by {term_ends_on:%-d %B %Y}",
            expiring,
            link("agreements:list", expiring="true"),
        ),
        "total": sum(counts.values()),
    }


# --- Monitoring ---------------------------------------------------------------------------------------


def rounds_counted(today: date) -> list[SurveyRound]:
    """Every round, oldest first, with its requests counted by state and overdue (one
    query; a Hub has three rounds a year): the completion table, the current round,
    the overdue count across rounds and the year of the latest accepted return all
    come from it."""
    counts = {f"n_{s}": Count("requests", filter=Q(requests__status=s)) for s in REQUEST_STATES}
    counts["n_overdue"] = Count(
        "requests", filter=Q(requests__status__in=SurveyRequest.OPEN, requests__deadline__lt=today)
    )
    counts["n_asked"] = Count("requests")
    return list(SurveyRound.objects.select_related("term").annotate(**counts).order_by("term__starts_on", "pk"))


def current_round(rounds: list[SurveyRound], today: date) -> SurveyRound | None:
    """The round of the term under way (or the latest that has begun; else the next)."""
    started = [r for r in rounds if r.term.starts_on <= today]
    return started[-1] if started else (rounds[0] if rounds else None)


def survey_stats(today: date, rounds: list[SurveyRound]) -> dict:
    """The current round by state, with the partners behind each number."""
    survey_round = current_round(rounds, today)
    overdue_anywhere = sum(r.n_overdue for r in rounds)  # SurveyRequest.objects.overdue(today), by round
    result = {
        "round": survey_round,
        "states": [],
        "overdue": None,
        "asked": 0,
        "overdue_anywhere": Stat(
            "Overdue in any round", overdue_anywhere, link("surveys:request_list", overdue="true")
        ),
    }
    if survey_round is None:
        return result
    names: dict[str, list[str]] = defaultdict(list)
    counts: Counter = Counter()
    overdue_names = []
    overdue = 0
    for status, deadline, name in (
        SurveyRequest.objects.filter(round=survey_round)
        .order_by("partner__name")
        .values_list("status", "deadline", "partner__name")
    ):
        counts[status] += 1
        if len(names[status]) < NAMES_SHOWN:
            names[status].append(name)
        if status in SurveyRequest.OPEN and deadline < today:
            overdue += 1
            if len(overdue_names) < NAMES_SHOWN:
                overdue_names.append(name)
    result["states"] = [
        Stat(
            SurveyRequest.Status(status).label,
            counts[status],
            link("surveys:request_list", round=survey_round.pk, status=status),
            names[status],
            key=status,
        )
        for status in REQUEST_STATES
    ]
    result["overdue"] = Stat(
        "Overdue (past the deadline, not submitted)",
        overdue,
        link("surveys:request_list", round=survey_round.pk, overdue="true"),
        overdue_names,
        key="overdue",
    )
    result["asked"] = sum(counts.values())
    result["asked_url"] = link("surveys:request_list", round=survey_round.pk)
    return result


def completion_by_round(rounds: list[SurveyRound]) -> tuple[list[dict], dict]:
    """The latest rounds (of rounds_counted), oldest first, with requests counted by state."""
    rounds = rounds[-ROUNDS_CHARTED:]
    rows = []
    for r in rounds:
        cells = [
            Stat(
                SurveyRequest.Status(s).label,
                getattr(r, f"n_{s}"),
                link("surveys:request_list", round=r.pk, status=s),
                key=s,
            )
            for s in REQUEST_STATES
        ]
        rows.append(
            {
                "round": r,
                "asked": Stat("Asked", r.n_asked, link("surveys:request_list", round=r.pk)),
                "states": cells,
                "overdue": Stat("Overdue", r.n_overdue, link("surveys:request_list", round=r.pk, overdue="true")),
            }
        )
    data = chart(
        [str(r.term) for r in rounds],
        *[(SurveyRequest.Status(s).label, [getattr(r, f"n_{s}") for r in rounds]) for s in REQUEST_STATES],
    )
    return rows, data


def reach_year_of(rounds: list[SurveyRound], today: date) -> AcademicYear:
    """reach_year, from rounds_counted's rounds."""
    years = [r.term.academic_year for r in rounds if r.term.starts_on <= today and r.n_accepted]
    return AcademicYear(max(years)) if years else current_academic_year()


def reach_year(today: date) -> AcademicYear:
    """The latest academic year with accepted returns (this year until then)."""
    latest = (
        SurveyRequest.objects.filter(status__in=aggregates.COUNTED, round__term__starts_on__lte=today)
        .order_by("-round__term__academic_year")
        .values_list("round__term__academic_year", flat=True)
        .first()
    )
    return AcademicYear(latest) if latest is not None else current_academic_year()


def reach_figures(year: AcademicYear) -> dict:
    """Reach for the year: by term, by term and activity type, and by district
    (one query, plus one for the grids' row order)."""
    scope = aggregates.Scope(year=year.start_year)
    terms, grids = aggregates.by_term_and_grids(scope, [codes.REACH_BY_ACTIVITY, codes.REACH_BY_DISTRICT])
    by_activity = grids[codes.REACH_BY_ACTIVITY]
    # The year's count in each district: its terms added up, in the grid's row order.
    districts = [(district, sum(per_term.values())) for district, per_term in grids[codes.REACH_BY_DISTRICT]]
    term_keys = aggregates.TERMS
    term_labels = [aggregates.TERM_LABELS[t] for t in term_keys]
    return {
        "year": year,
        "url": link("surveys:reach", year=year.start_year),
        "total": sum(t["reach"] for t in terms),
        "terms": terms,
        "term_labels": term_labels,
        "activity_rows": [(activity, [per_term.get(t, 0) for t in term_keys]) for activity, per_term in by_activity],
        "districts": districts,
        "activity_chart": chart(
            term_labels, *[(activity, [per_term.get(t, 0) for t in term_keys]) for activity, per_term in by_activity]
        ),
        "district_chart": chart([d for d, _ in districts], ("Children and young people", [n for _, n in districts])),
    }


# --- Commissioning ------------------------------------------------------------------------------------

AWAITING_ASSESSMENT = [ExpressionOfInterest.Status.SUBMITTED, ExpressionOfInterest.Status.UNDER_ASSESSMENT]


def commissioning_stats() -> dict:
    """Open calls, and the calls with EOIs awaiting assessment counted by state (one query)."""
    waiting = {f"n_{s}": Count("eois", filter=Q(eois__status=s)) for s in AWAITING_ASSESSMENT}
    wanted = Q(status=Call.Status.OPEN)
    for name in waiting:
        wanted |= Q(**{f"{name}__gt": 0})
    rows = (
        Call.objects.annotate(**waiting)
        .filter(wanted)
        .order_by("closes_at", "pk")
        .values("pk", "title", "status", *waiting)
    )
    open_calls = 0
    calls: dict[int, dict] = {}
    for row in rows:
        open_calls += row["status"] == Call.Status.OPEN
        stats = {s: row[f"n_{s}"] for s in AWAITING_ASSESSMENT if row[f"n_{s}"]}
        if stats:
            calls[row["pk"]] = {"title": row["title"], "stats": stats}
    awaiting = [
        {
            "title": entry["title"],
            "url": reverse("eoi:call_detail", args=[call_id]),
            "stats": [
                Stat(
                    ExpressionOfInterest.Status(s).label,
                    entry["stats"].get(s, 0),
                    link_for_call(call_id, status=s),
                    key=s,
                )
                for s in AWAITING_ASSESSMENT
            ],
        }
        for call_id, entry in calls.items()
    ]
    return {
        "open_calls": Stat("Open calls", open_calls, link("eoi:call_list", status=Call.Status.OPEN)),
        "awaiting": awaiting,
        "awaiting_total": sum(s.count for c in awaiting for s in c["stats"]),
    }


def link_for_call(call_id: int, **params) -> str:
    return f"{reverse('eoi:call_eois', args=[call_id])}?{urlencode(params)}"


def assessor_stats(user) -> dict:
    """An assessor's own assignments (assessors see no other figures)."""
    mine = assessments_for(user)
    outstanding = AssessmentFilter({"outstanding": "true"}, queryset=mine).qs
    done = AssessmentFilter({"outstanding": "false"}, queryset=mine).qs.count()
    waiting = list(outstanding[:10])
    return {
        "to_score": Stat("Not yet scored", outstanding.count(), link("eoi:assessments", outstanding="true")),
        "done": Stat("Scored", done, link("eoi:assessments", outstanding="false")),
        "waiting": waiting,
    }


# --- Complaints -----------------------------------------------------------------------------------------


def _complaint_counts(user, kinds: list[bool]) -> dict[bool, dict]:
    """For each kind (safeguarding or not), complaints by stage and by deadline, the
    deadlines through the complaints list's own filter: one query for both kinds."""
    every = complaints_for(user)
    counts = {}
    for safeguarding in kinds:
        base = every.safeguarding() if safeguarding else every.not_safeguarding()
        kind = Q(pk__in=base.values("pk"))
        counts.update(
            {(safeguarding, value): Count("pk", filter=kind & Q(status=value)) for value in Complaint.Status.values}
        )
        for deadline in ("due", "overdue"):
            late = ComplaintFilter({"deadline": deadline}, queryset=base, safeguarding=safeguarding).qs
            counts[(safeguarding, deadline)] = Count("pk", filter=Q(pk__in=late.values("pk")))
    names = {key: f"n{i}" for i, key in enumerate(counts)}
    found = every.aggregate(**{names[key]: count for key, count in counts.items()})
    result: dict[bool, dict] = {kind: {} for kind in kinds}
    for (safeguarding, what), name in names.items():
        result[safeguarding][what] = found[name]
    return result


def _complaint_block(counts: dict, *, safeguarding: bool) -> dict:
    """One kind's counts: the open stages apart from the closed and decided ones, so
    a heading that says how many are open sits over the stages it counts."""
    name = "complaints:safeguarding" if safeguarding else "complaints:list"
    stages = [
        Stat(label, counts[value], link(name, status=value), key=value) for value, label in Complaint.Status.choices
    ]
    return {
        "title": "Safeguarding concerns" if safeguarding else "Complaints",
        "url": reverse(name),
        "stages": stages,
        "open_stages": [s for s in stages if s.key not in Complaint.FINAL],
        "finished_stages": [s for s in stages if s.key in Complaint.FINAL],
        "finished": sum(counts[value] for value in Complaint.FINAL),
        "due": Stat("Deadline due within 3 working days", counts["due"], link(name, deadline="due")),
        "breached": Stat("Deadline breached", counts["overdue"], link(name, deadline="overdue")),
        "open": sum(counts[value] for value in Complaint.Status.values if value not in Complaint.FINAL),
    }


def complaint_stats(user) -> list[dict]:
    """Complaints by stage and deadline. Safeguarding concerns are counted only
    for safeguarding leads, and apart (as the complaints lists keep them)."""
    kinds = [False, True] if roles.is_safeguarding_lead(user) else [False]
    counts = _complaint_counts(user, kinds)
    return [_complaint_block(counts[kind], safeguarding=kind) for kind in kinds]


# --- Evidence -----------------------------------------------------------------------------------------------


# The evidence list's filter value, the figure's label, and its short label "at a glance".
EVIDENCE_SHOWN = [
    ("expiring", "Verified, expiring within 30 days", "expiring in 30 days"),
    (EvidenceItem.Status.EXPIRED, "Expired", "expired"),
    (EvidenceItem.Status.SUBMITTED, "Submitted, waiting to be checked", "to check"),
]


def evidence_counts(user) -> dict[str, Count]:
    """The dashboard's evidence figures as aggregates over partners' evidence, each
    through the evidence list's own filter on the evidence the user may see."""
    base = evidence_visible_to(user)
    return {
        f"evidence_{i}": Count(
            "evidence", filter=Q(evidence__in=EvidenceFilter({"status": value}, queryset=base).qs.values("pk"))
        )
        for i, (value, _, _) in enumerate(EVIDENCE_SHOWN)
    }


def evidence_stats(totals: dict[str, int]) -> list[Stat]:
    return [
        Stat(label, totals.get(f"evidence_{i}", 0), link("partners:evidence_list", status=value))
        for i, (value, label, _) in enumerate(EVIDENCE_SHOWN)
    ]


# --- Recent activity ------------------------------------------------------------------------------------------


# The records whose history staff open from the dashboard: what to read with
# each so that its name costs no further query, and its page. A record of any
# other kind (a data request, whose name is personal data) is named by its kind
# and number only.
RECORD_PAGES = {
    "partners.partner": ((), lambda o: reverse("partners:detail", args=[o.pk])),
    "partners.evidenceitem": (
        ("partner", "evidence_type"),
        lambda o: reverse("partners:detail", args=[o.partner_id]) + "?tab=evidence",
    ),
    "agreements.agreement": ((), lambda o: reverse("agreements:detail", args=[o.pk])),
    "agreements.terminationrecommendation": (
        ("agreement",),
        lambda o: reverse("agreements:detail", args=[o.agreement_id]),
    ),
    "complaints.complaint": ((), lambda o: reverse("complaints:detail", args=[o.pk])),
    "eoi.call": ((), lambda o: reverse("eoi:call_detail", args=[o.pk])),
    "eoi.expressionofinterest": (("partner",), lambda o: reverse("eoi:eoi_detail", args=[o.pk])),
    "eoi.needsanalysis": ((), lambda o: reverse("eoi:needs_detail", args=[o.pk])),
    "eoi.gap": ((), lambda o: reverse("eoi:needs_detail", args=[o.needs_analysis_id])),
    "surveys.surveyround": (("term",), lambda o: reverse("surveys:round_detail", args=[o.pk])),
    "surveys.surveyrequest": (
        ("round__term", "partner"),
        lambda o: reverse("surveys:request_detail", args=[o.pk]),
    ),
    "surveys.projectevaluation": (("agreement",), lambda o: reverse("surveys:evaluation_detail", args=[o.pk])),
    "surveys.casestudy": ((), lambda o: reverse("surveys:case_study_detail", args=[o.pk])),
}


@dataclass(frozen=True)
class Record:
    name: str
    url: str = ""


def recent_activity(user, limit: int = 10) -> list[HistoryEntry]:
    """The latest history rows, each with its ``record``: the name and page of
    what changed (one query per kind of record shown, at most ``limit``). A
    safeguarding concern's steps are left out for anyone who is not a
    safeguarding lead (complaints' own rule: they never learn such a concern
    exists)."""
    # Nothing dated after now: a row stamped ahead (a clock, an import) must not sit on top for weeks.
    entries = HistoryEntry.objects.select_related("content_type").filter(at__lte=timezone.now()).order_by("-at", "-pk")
    if not roles.is_safeguarding_lead(user):
        entries = entries.exclude(
            content_type=ContentType.objects.get_for_model(Complaint),
            object_id__in=Complaint.objects.safeguarding().values("pk"),
        )
    entries = list(entries[:limit])
    by_kind = defaultdict(set)
    for entry in entries:
        by_kind[entry.content_type].add(entry.object_id)
    found = {}
    for content_type, ids in by_kind.items():
        if shown := RECORD_PAGES.get(".".join(content_type.natural_key())):
            related, page = shown
            records = content_type.model_class()._default_manager.select_related(*related).in_bulk(ids)
            found.update({(content_type.pk, pk): Record(str(r), page(r)) for pk, r in records.items()})
    for entry in entries:
        # A record gone, or of a kind with no page here, is named by its kind and number.
        name = f"{entry.content_type.name.capitalize()} #{entry.object_id}"
        entry.record = found.get((entry.content_type_id, entry.object_id), Record(name))
    return entries


# --- The whole staff dashboard ------------------------------------------------------------------------------


def staff_dashboard(user, today: date) -> dict:
    by_stage, watched, evidence = partner_census(**evidence_counts(user))
    counted = rounds_counted(today)
    rounds, rounds_chart = completion_by_round(counted)
    reach = reach_figures(reach_year_of(counted, today))
    return {
        "pipeline": pipeline(by_stage),
        "partner_total": sum(by_stage.values()),
        "funnel_chart": funnel_chart(by_stage),
        "agreements": agreement_stats(user, today),
        "surveys": survey_stats(today, counted),
        "rounds": rounds,
        "rounds_chart": rounds_chart,
        "reach": reach,
        "commissioning": commissioning_stats(),
        "complaints": complaint_stats(user),
        "evidence": evidence_stats(evidence),
        "health": health_stats(user, today, watched),
    }


# --- At a glance: the figures after "Needs you now", short ----------------------------------------------


def glance(figures: dict) -> list[dict]:
    """The staff dashboard's headline figures in a few small groups, each a short
    label over the same count and list as the full figure further down."""

    def short(stat: Stat, label: str) -> Stat:
        return Stat(label, stat.count, stat.url, key=stat.key)

    stages = {s.key: s for s in figures["pipeline"]}
    onboarding = sum(stages[s].count for s in Partner.BEFORE_ACTIVE if s in stages)
    agreements = figures["agreements"]
    surveys = figures["surveys"]
    states = {s.key: s for s in surveys["states"]}
    groups = [
        {
            "title": "Partners",
            "stats": [
                Stat("in all", figures["partner_total"], link("partners:list")),
                short(stages[Partner.Stage.ACTIVE], "active"),
                Stat("in onboarding", onboarding, "#pipeline-title"),
            ],
        },
        {"title": "Health", "stats": [short(s, "partners") for s in figures["health"]], "health": True},
        {
            "title": "Evidence",
            "stats": [
                short(stat, label) for stat, (_, _, label) in zip(figures["evidence"], EVIDENCE_SHOWN, strict=True)
            ],
        },
        {
            "title": "Agreements",
            "stats": [
                short(agreements["awaiting_partner"], "for partners to sign"),
                short(agreements["awaiting_hub"], "for the Hub to countersign"),
                short(agreements["expiring"], "ending soon"),
            ],
        },
    ]
    if surveys["round"] is not None:
        groups.append(
            {
                "title": f"{surveys['round'].term} survey",
                "stats": [
                    short(states[SurveyRequest.Status.SUBMITTED], "submitted, to accept"),
                    short(surveys["overdue"], "overdue"),
                    short(states[SurveyRequest.Status.ACCEPTED], "accepted"),
                ],
            }
        )
    commissioning = figures["commissioning"]
    groups.append(
        {
            "title": "Commissioning",
            "stats": [
                short(commissioning["open_calls"], "open calls"),
                Stat("EOIs awaiting assessment", commissioning["awaiting_total"], link("eoi:call_list")),
            ],
        }
    )
    for block in figures["complaints"]:
        groups.append(
            {
                "title": block["title"],
                "stats": [
                    Stat("open", block["open"], ""),  # no list shows open ones alone: the stages below do
                    short(block["breached"], "deadline breached"),
                    short(block["due"], "due within 3 working days"),
                ],
            }
        )
    return groups


# --- The partner portal's home ---------------------------------------------------------------------------------


def portal_summary(user) -> dict:
    """The partner's own agreements, EOIs, surveys and complaints, in brief
    (each through its app's visible_to, so only their own)."""
    agreements = list(
        Agreement.objects.visible_to(user)
        .order_by("-academic_year", "-created_at")
        .only("pk", "title", "status", "academic_year", "kind")[:4]
    )
    eoi_counts = dict(
        ExpressionOfInterest.objects.visible_to(user)
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    eois = [
        Stat(label, eoi_counts[value], link("eoi:portal_eois", status=value), key=value)
        for value, label in ExpressionOfInterest.Status.choices
        if eoi_counts.get(value)
    ]
    surveys = list(
        SurveyRequest.objects.visible_to(user).select_related("round__term").order_by("-round__term__starts_on")[:3]
    )
    complaints = complaints_for(user)
    partner_id = user.partner_id
    complaint_counts = complaints.aggregate(
        raised_open=Count(
            "id",
            filter=Q(complainant_partner_id=partner_id, raised_via=Complaint.RaisedVia.PORTAL)
            & ~Q(status__in=Complaint.FINAL),
        ),
        raised=Count("id", filter=Q(complainant_partner_id=partner_id, raised_via=Complaint.RaisedVia.PORTAL)),
        about=Count("id", filter=Q(partner_id=partner_id) & ~Q(complainant_partner_id=partner_id)),
    )
    return {
        "agreements": agreements,
        "eois": eois,
        "eoi_total": sum(eoi_counts.values()),
        "surveys": surveys,
        "complaints": complaint_counts,
    }


# --- The Chair's summary -------------------------------------------------------------------------------------------


def chair_summary(user, today: date) -> dict:
    by_stage, watched, _ = partner_census()
    in_force = Agreement.objects.filter(status__in=Agreement.IN_FORCE).aggregate(
        partnership=Count("id", filter=Q(kind=Agreement.Kind.PARTNERSHIP)),
        project=Count("id", filter=Q(kind=Agreement.Kind.PROJECT)),
    )
    levels = health_levels(user, watched, today)
    year = reach_year(today)
    # The year's reach and every year's, from one query (headline and by_year in one).
    by_year = aggregates.headline_by_year()
    return {
        "active": by_stage.get(Partner.Stage.ACTIVE, 0),
        "onboarding": sum(by_stage.get(s, 0) for s in Partner.BEFORE_ACTIVE),
        "suspended": by_stage.get(Partner.Stage.SUSPENDED, 0),
        "agreements_in_force": in_force,
        "open_calls": Call.objects.filter(status=Call.Status.OPEN).count(),
        "complaints_open": Complaint.objects.open().count(),
        "health": [(LABELS[level], level, levels.get(level, 0)) for level in HEALTH_LEVELS],
        "leverage": leverage_totals(years_back=1),
        "reach_year": year,
        "reach": {"reach": 0, "schools": 0, "sessions": 0, **by_year.get(year.start_year, {})},
        "reach_by_year": [
            {"year": AcademicYear(start).label, "reach": totals["reach"]}
            for start, totals in by_year.items()
            if "reach" in totals
        ],
    }
