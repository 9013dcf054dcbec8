""" "Needs you now": what waits on the person signed in, at the top of each home.

Staff and the Service Manager: evidence to check, survey returns and project
evaluations to accept, introductory meetings to record; the Service Manager
also countersigns agreements and answers complaints at stage one. An assessor:
conflicts to declare and EOIs to score. The Chair: cases to decide
(hubportal.core.chair). A partner: its to-do list (hubportal.core.todo).

Each kind is read in one query, its oldest or most urgent SHOWN rows with the
number of all of them (a window count before the LIMIT), so a home costs the
same few queries however much is waiting. The items of every kind are then
put in one list, most urgent first: what is overdue, then what is due soonest
or has waited longest.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Case, Count, F, QuerySet, When, Window
from django.urls import reverse
from django.utils import timezone

from agreements.models import Agreement
from complaints.models import Complaint
from complaints.permissions import handles_stage_one
from complaints.selectors import complaints_for
from eoi.models import ExpressionOfInterest
from eoi.selectors import assessments_for
from hubportal.core import roles
from hubportal.core.chair import chair_queue
from hubportal.core.words import midsentence
from partners.models import EvidenceItem, Meeting, Partner
from partners.selectors import evidence_visible_to
from surveys.models import ProjectEvaluation, SurveyRequest

SHOWN = 8  # items in the list; the count per kind says how many wait in all


@dataclass(frozen=True)
class Need:
    """One thing waiting on the person: what to do, where to do it, and when."""

    text: str
    url: str  # the page where it is done: one click
    when: date | None  # the deadline if ``due``, else the day it began waiting (None: no date)
    kind: str
    due: bool = False
    today: date | None = None
    detail: str = ""  # a line under it, where the text needs context

    @property
    def waiting_days(self) -> int:
        if self.due or self.today is None or self.when is None:
            return 0
        return max((self.today - self.when).days, 0)

    @property
    def overdue(self) -> bool:
        return self.due and self.today is not None and self.when is not None and self.when < self.today


@dataclass
class Kind:
    """How many of one kind wait, and the list of them all."""

    label: str  # "survey returns to accept"
    count: int
    url: str
    key: str
    one: str = ""  # the label for one, where it differs: "survey return to accept"

    @property
    def text(self) -> str:
        return f"{self.count} {self.one if self.count == 1 and self.one else self.label}"


@dataclass
class Needs:
    items: list[Need] = field(default_factory=list)  # the most urgent SHOWN
    kinds: list[Kind] = field(default_factory=list)  # every kind with something waiting
    waiting: int | None = None  # how many wait in all, where no kinds say it

    @property
    def total(self) -> int:
        return self.waiting if self.waiting is not None else sum(k.count for k in self.kinds)

    @property
    def more(self) -> int:
        return self.total - len(self.items)


def _day(value: date | datetime | None, today: date) -> date:
    if value is None:
        return today
    if isinstance(value, datetime):
        return timezone.localdate(value)
    return value


def _oldest(queryset: QuerySet, limit: int = SHOWN) -> tuple[list, int]:
    """The first ``limit`` rows of an ordered queryset and how many rows there are
    in all, in one query (the count is a window over every row, before the LIMIT)."""
    rows = list(queryset.annotate(waiting_in_all=Window(Count("pk")))[:limit])
    return rows, (rows[0].waiting_in_all if rows else 0)


def urgency(need: Need) -> tuple:
    """Overdue first, then by date: the soonest deadline or the longest wait."""
    return (not need.overdue, need.when is None, need.when or date.max, need.text)


def gather(sources: list[Callable[[], tuple[list[Need], Kind]]]) -> Needs:
    items: list[Need] = []
    kinds: list[Kind] = []
    for source in sources:
        found, kind = source()
        items.extend(found)
        if kind.count:
            kinds.append(kind)
    return Needs(items=sorted(items, key=urgency)[:SHOWN], kinds=kinds)


def possessive(name: str) -> str:
    """ "Blaby Youth Brass’s" but "Harborough Youth Strings’"."""
    return f"{name}’" if name.endswith("s") and not name.endswith("ss") else f"{name}’s"


def _link(name: str, query: str = "") -> str:
    return f"{reverse(name)}?{query}" if query else reverse(name)


# --- Hub staff and the Service Manager -----------------------------------------------------------


def evidence_to_check(user, today: date) -> tuple[list[Need], Kind]:

    rows, count = _oldest(
        evidence_visible_to(user)
        .filter(status=EvidenceItem.Status.SUBMITTED)
        .select_related("partner", "evidence_type")
        .order_by(F("uploaded_at").asc(nulls_first=True), "pk")
    )
    items = [
        Need(
            f"Check {possessive(e.partner.name)} {midsentence(e.evidence_type.name)}",
            reverse("partners:evidence_review", args=[e.pk]),
            _day(e.uploaded_at, today),
            "evidence",
            today=today,
        )
        for e in rows
    ]
    return items, Kind("evidence to check", count, _link("partners:evidence_list", "status=submitted"), "evidence")


def returns_to_accept(user, today: date) -> tuple[list[Need], Kind]:

    rows, count = _oldest(
        SurveyRequest.objects.visible_to(user)
        .filter(status=SurveyRequest.Status.SUBMITTED)
        .select_related("partner", "round__term")
        .order_by(F("submitted_at").asc(nulls_first=True), "pk")
    )
    items = [
        Need(
            f"Accept or return {possessive(r.partner.name)} {r.round.term} survey",
            reverse("surveys:request_detail", args=[r.pk]),
            _day(r.submitted_at, today),
            "survey_returns",
            today=today,
        )
        for r in rows
    ]
    return items, Kind(
        "survey returns to accept",
        count,
        _link("surveys:request_list", "status=submitted"),
        "survey_returns",
        "survey return to accept",
    )


def evaluations_to_accept(user, today: date) -> tuple[list[Need], Kind]:

    rows, count = _oldest(
        ProjectEvaluation.objects.visible_to(user)
        .filter(status=ProjectEvaluation.Status.SUBMITTED)
        .select_related("agreement__partner")
        .order_by(F("submitted_at").asc(nulls_first=True), "pk")
    )
    items = [
        Need(
            f"Accept or return the evaluation of “{e.agreement.title}” ({e.agreement.partner.name})",
            reverse("surveys:evaluation_detail", args=[e.pk]),
            _day(e.submitted_at, today),
            "evaluations",
            today=today,
        )
        for e in rows
    ]
    return items, Kind(
        "project evaluations to accept",
        count,
        _link("surveys:evaluation_list", "state=submitted"),
        "evaluations",
        "project evaluation to accept",
    )


def meetings_to_record(user, today: date) -> tuple[list[Need], Kind]:
    """Introductory meetings that have started and have no record yet."""

    rows, count = _oldest(
        Meeting.objects.filter(
            partner__in=Partner.objects.visible_to(user),
            partner__status=Partner.Stage.MEETING_SCHEDULED,
            starts_at__lte=timezone.now(),
            recorded_at=None,
            cancelled_at=None,
        )
        .select_related("partner")
        .order_by("starts_at", "pk")
    )
    items = [
        Need(
            f"Record the introductory meeting with {m.partner.name}",
            reverse("partners:meeting_record", args=[m.pk]),
            _day(m.starts_at, today),
            "meetings",
            today=today,
        )
        for m in rows
    ]
    return items, Kind(
        "meetings to record", count, _link("partners:list", "stage=meeting_scheduled"), "meetings", "meeting to record"
    )


def agreements_to_countersign(user, today: date) -> tuple[list[Need], Kind]:
    """Agreements the partner has signed, waiting for the Hub's signature (the Service Manager's)."""

    rows, count = _oldest(
        Agreement.objects.visible_to(user)
        .filter(status=Agreement.Status.PARTNER_SIGNED)
        .select_related("partner")
        .order_by("updated_at", "pk")  # the partner's signature is its last change
    )
    items = [
        Need(
            f"Countersign {possessive(a.partner.name)} {a.year.label} {a.get_kind_display().lower()}",
            reverse("agreements:countersign", args=[a.pk]),
            _day(a.updated_at, today),
            "countersign",
            today=today,
        )
        for a in rows
    ]
    return items, Kind(
        "agreements to countersign",
        count,
        _link("agreements:list", "status=partner_signed"),
        "countersign",
        "agreement to countersign",
    )


def complaints_due(user, today: date) -> tuple[list[Need], Kind]:
    """Complaints at stage one, the Service Manager's: acknowledge or respond, by the deadline."""

    Status = Complaint.Status
    next_deadline = Case(When(status=Status.RECEIVED, then=F("acknowledge_by")), default=F("respond_by"))
    rows, count = _oldest(
        complaints_for(user)
        .filter(status__in=Complaint.STAGE_ONE)
        .annotate(next_deadline=next_deadline)
        .order_by("next_deadline", "pk")
    )
    items = []
    for c in rows:
        what = "Acknowledge" if c.status == Status.RECEIVED else "Respond to"
        kind = "safeguarding concern" if c.category == Complaint.Category.SAFEGUARDING else "complaint"
        items.append(
            Need(
                f"{what} {kind} {c.reference}",
                reverse("complaints:detail", args=[c.pk]),
                c.next_deadline,
                "complaints",
                due=True,
                today=today,
            )
        )
    return items, Kind(
        "complaints to answer", count, _link("complaints:list", "sort=respond_by"), "complaints", "complaint to answer"
    )


def staff_needs(user, today: date) -> Needs:
    """What waits on a Hub staff member (more for the Service Manager)."""

    sources = [
        lambda: evidence_to_check(user, today),
        lambda: returns_to_accept(user, today),
        lambda: evaluations_to_accept(user, today),
        lambda: meetings_to_record(user, today),
    ]
    if roles.is_service_manager(user):
        sources.append(lambda: agreements_to_countersign(user, today))
    if _truthy(handles_stage_one(user)):
        sources.append(lambda: complaints_due(user, today))
    return gather(sources)


def _truthy(answer) -> bool:
    """A permission's answer, whether a bool or an (allowed, reason) pair."""
    return bool(answer[0]) if isinstance(answer, tuple) else bool(answer)


# --- An assessor --------------------------------------------------------------------------------------


def assessor_needs(user, today: date) -> Needs:
    """Conflicts to declare, then EOIs to score once their call has closed; soonest closing call first."""

    def declare():
        rows, count = _oldest(assessments_for(user).filter(has_conflict=None, completed_at=None))
        items = [
            Need(
                f"Declare any conflict of interest for “{a.eoi.title}” ({a.eoi.partner.name})",
                reverse("eoi:conflict", args=[a.pk]),
                _day(a.assigned_at, today),
                "declare",
                today=today,
            )
            for a in rows
        ]
        return items, Kind(
            "conflicts to declare",
            count,
            _link("eoi:assessments", "outstanding=true"),
            "declare",
            "conflict to declare",
        )

    def score():
        rows, count = _oldest(
            assessments_for(user).filter(
                has_conflict=False, completed_at=None, eoi__status=ExpressionOfInterest.Status.UNDER_ASSESSMENT
            )
        )
        items = [
            Need(
                f"Score “{a.eoi.title}” ({a.eoi.partner.name})",
                reverse("eoi:score", args=[a.pk]),
                _day(a.declared_at or a.assigned_at, today),
                "score",
                today=today,
            )
            for a in rows
        ]
        return items, Kind(
            "expressions of interest to score",
            count,
            _link("eoi:assessments", "outstanding=true"),
            "score",
            "expression of interest to score",
        )

    return gather([declare, score])


# --- The Chair ------------------------------------------------------------------------------------------


def chair_needs(today: date) -> Needs:
    """The Chair's queue (hubportal.core.chair), oldest first: every case is one to decide."""

    queue = chair_queue()
    items = [
        Need(
            case.title,
            case.url,
            _day(case.waiting_since, today),
            "cases",
            today=today,
            detail=" · ".join(part for part in (case.kind, case.partner_name, case.summary) if part),
        )
        for case in queue
    ]
    return Needs(items=items, waiting=queue.total)


# --- A partner -------------------------------------------------------------------------------------------


def partner_needs(todos: list, today: date) -> Needs:
    """The partner's to-do list (hubportal.core.todo, soonest due first, undated last) as "Needs you now"."""
    items = [Need(t.text, t.url, t.due_on, t.kind or "todo", due=t.due_on is not None, today=today) for t in todos]
    kinds = [Kind("things to do", len(items), reverse("portal_home"), "todo", "thing to do")] if items else []
    return Needs(items=items, kinds=kinds)
