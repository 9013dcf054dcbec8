"""Reach, breakdowns and income added up in the database (Sum and GROUP BY over
answers and grid cells), never by looping over rows in Python.

Only accepted returns count: a survey staff have not yet accepted (or have
returned) does not change the Hub's totals. Each function is one query,
whatever the number of answers.
"""

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from uuid import uuid4

from django.core.cache import cache
from django.db.models import CharField, Q, Sum, Value

from agreements.selectors import awarded_projects
from hubportal.core.academic_years import AUTUMN, SPRING, SUMMER, TERM_CHOICES, AcademicYear
from hubportal.core.money import to_money
from hubportal.models import Term
from surveys import codes
from surveys.models import Answer, GridCell, IncomeRecord, Question, SurveyRequest

COUNTED = [SurveyRequest.Status.ACCEPTED]
TERMS = [AUTUMN, SPRING, SUMMER]
TERM_LABELS = dict(TERM_CHOICES)
NO_STRAND = "No strand recorded"


@dataclass(frozen=True)
class Scope:
    """Which accepted returns to add up: a year, optionally one term and one partner."""

    year: int | None = None
    term: str = ""
    partner_id: int | None = None

    def answers(self, prefix: str = "request__"):
        q = Q(**{f"{prefix}status__in": COUNTED})
        if self.year is not None:
            q &= Q(**{f"{prefix}round__term__academic_year": self.year})
        if self.term:
            q &= Q(**{f"{prefix}round__term__name": self.term})
        if self.partner_id:
            q &= Q(**{f"{prefix}partner_id": self.partner_id})
        return q


def _int(value) -> int:
    return int(value or 0)


def headline(scope: Scope) -> dict[str, int]:
    """Reach, schools and sessions in the scope (one query)."""
    wanted = [codes.REACH_TOTAL, codes.SCHOOLS_COUNT, codes.SESSIONS]
    rows = (
        Answer.objects.filter(scope.answers(), question__code__in=wanted)
        .values("question__code")
        .annotate(total=Sum("number"))
    )
    found = {row["question__code"]: _int(row["total"]) for row in rows}
    return {
        "reach": found.get(codes.REACH_TOTAL, 0),
        "schools": found.get(codes.SCHOOLS_COUNT, 0),
        "sessions": found.get(codes.SESSIONS, 0),
    }


TERM_TOTALS = [codes.REACH_TOTAL, codes.SCHOOLS_COUNT, codes.SESSIONS]


def _term_totals(scope: Scope):
    return (
        Answer.objects.filter(scope.answers(), question__code__in=TERM_TOTALS)
        .order_by()
        .values("request__round__term__name", "question__code")
    )


def by_term(scope: Scope) -> list[dict]:
    """Reach, schools and sessions for each term of the scope's year (one query)."""
    return _by_term_rows(_term_totals(scope).annotate(total=Sum("number")))


def _by_term_rows(rows) -> list[dict]:
    found = defaultdict(dict)
    for row in rows:
        found[row["request__round__term__name"]][row["question__code"]] = _int(row["total"])
    return [
        {
            "term": TERM_LABELS[term],
            "reach": found[term].get(codes.REACH_TOTAL, 0),
            "schools": found[term].get(codes.SCHOOLS_COUNT, 0),
            "sessions": found[term].get(codes.SESSIONS, 0),
        }
        for term in TERMS
    ]


def by_year() -> list[dict]:
    """Reach added over each academic year's terms (a child taking part in two terms counts twice)."""
    rows = (
        Answer.objects.filter(request__status__in=COUNTED, question__code=codes.REACH_TOTAL)
        .values("request__round__term__academic_year")
        .annotate(total=Sum("number"))
        .order_by("request__round__term__academic_year")
    )
    return [
        {"year": AcademicYear(r["request__round__term__academic_year"]).label, "reach": _int(r["total"])} for r in rows
    ]


def headline_by_year() -> dict[int, dict[str, int]]:
    """What headline() adds up, for every academic year with accepted returns, by start
    year, oldest first (one query). A year has only the figures answered in it, so the
    years with a "reach" are by_year's years."""
    rows = (
        Answer.objects.filter(request__status__in=COUNTED, question__code__in=TERM_TOTALS)
        .order_by()
        .values("request__round__term__academic_year", "question__code")
        .annotate(total=Sum("number"))
    )
    found: dict[int, dict[str, int]] = {}
    keys = {codes.REACH_TOTAL: "reach", codes.SCHOOLS_COUNT: "schools", codes.SESSIONS: "sessions"}
    for row in rows:
        found.setdefault(row["request__round__term__academic_year"], {})[keys[row["question__code"]]] = _int(
            row["total"]
        )
    return dict(sorted(found.items()))


def _row_orders(question_codes: list[str]) -> dict[str, list[str]]:
    """The rows of each grid as the newest version of its question lists them (one query)."""
    orders: dict[str, list[str]] = {}
    for code, rows in (
        Question.objects.filter(code__in=question_codes, type=Question.Type.GRID)
        .order_by("code", "-question_set__version", "-pk")
        .values_list("code", "rows")
    ):
        orders.setdefault(code, rows)
    return orders


def _ordered(totals: dict[str, int], order: list[str]) -> list[tuple[str, int]]:
    known = [(row, totals[row]) for row in order if row in totals]
    extra = sorted((row, n) for row, n in totals.items() if row not in order)
    return known + extra


def grids(scope: Scope, question_codes: list[str]) -> dict[str, list[tuple[str, int]]]:
    """Each grid's rows added up across the scope's accepted returns (one query, plus one for row order)."""
    rows = (
        GridCell.objects.filter(scope.answers("answer__request__"), answer__question__code__in=question_codes)
        .values("answer__question__code", "row")
        .annotate(total=Sum("count"))
    )
    totals: dict[str, dict[str, int]] = defaultdict(dict)
    for row in rows:
        totals[row["answer__question__code"]][row["row"]] = _int(row["total"])
    orders = _row_orders(question_codes)
    return {code: _ordered(totals.get(code, {}), orders.get(code, [])) for code in question_codes}


def _grid_cells_by_term(scope: Scope, question_codes: list[str]):
    return (
        GridCell.objects.filter(scope.answers("answer__request__"), answer__question__code__in=question_codes)
        .order_by()
        .values("answer__request__round__term__name", "answer__question__code", "row")
        .annotate(total=Sum("count"))
    )


def grids_by_term(scope: Scope, question_codes: list[str]) -> dict[str, list[tuple[str, dict[str, int]]]]:
    """Each grid's rows with a count per term (for the annual data return; one query, plus one for row order)."""
    return _grids_by_term_rows(_grid_cells_by_term(scope, question_codes), question_codes)


def by_term_and_grids(scope: Scope, question_codes: list[str]) -> tuple[list[dict], dict]:
    """by_term and grids_by_term together, in one query (the answers' sums and the grid
    cells' sums, UNION ALL), plus one for the grids' row order."""
    totals = _term_totals(scope).annotate(row=Value("", output_field=CharField()), total=Sum("number"))
    rows = list(totals.union(_grid_cells_by_term(scope, question_codes), all=True))
    # The union's rows carry the first query's names; the question's code says which part a row is.
    answers = [row for row in rows if row["question__code"] in TERM_TOTALS]
    cells = [
        {
            "answer__request__round__term__name": row["request__round__term__name"],
            "answer__question__code": row["question__code"],
            "row": row["row"],
            "total": row["total"],
        }
        for row in rows
        if row["question__code"] not in TERM_TOTALS
    ]
    return _by_term_rows(answers), _grids_by_term_rows(cells, question_codes)


def _grids_by_term_rows(rows, question_codes: list[str]) -> dict[str, list[tuple[str, dict[str, int]]]]:
    totals: dict[str, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    for row in rows:
        totals[row["answer__question__code"]][row["row"]][row["answer__request__round__term__name"]] = _int(
            row["total"]
        )
    orders = _row_orders(question_codes)
    result = {}
    for code in question_codes:
        by_row = totals.get(code, {})
        order = [r for r in orders.get(code, []) if r in by_row] + sorted(
            r for r in by_row if r not in orders.get(code, [])
        )
        result[code] = [(row, dict(by_row[row])) for row in order]
    return result


def by_strand(scope: Scope) -> list[tuple[str, int]]:
    """Reach by National Plan strand, through each partner's strands (a partner in
    two strands counts in both; one query)."""
    rows = (
        Answer.objects.filter(scope.answers(), question__code=codes.REACH_TOTAL)
        .values("request__partner__strands__name")
        .annotate(total=Sum("number"))
        .order_by("request__partner__strands__sort_order", "request__partner__strands__name")
    )
    return [(r["request__partner__strands__name"] or NO_STRAND, _int(r["total"])) for r in rows]


def by_partner(scope: Scope) -> list[dict]:
    """Reach, schools and sessions per partner (one query)."""
    wanted = [codes.REACH_TOTAL, codes.SCHOOLS_COUNT, codes.SESSIONS]
    rows = (
        Answer.objects.filter(scope.answers(), question__code__in=wanted)
        .values("request__partner_id", "request__partner__name", "question__code")
        .annotate(total=Sum("number"))
        .order_by("request__partner__name")
    )
    found: dict[int, dict] = {}
    for row in rows:
        entry = found.setdefault(
            row["request__partner_id"],
            {"partner": row["request__partner__name"], "reach": 0, "schools": 0, "sessions": 0},
        )
        key = {codes.REACH_TOTAL: "reach", codes.SCHOOLS_COUNT: "schools", codes.SESSIONS: "sessions"}[
            row["question__code"]
        ]
        entry[key] = _int(row["total"])
    return list(found.values())


# Answers read in bulk, for exports: a chunk of rows at a time, never the year's answers at once.

ANSWER_CHUNK = 2000
# Returns the partner has sent the Hub (drafts never submitted are not answers yet).
EXPORTED = [SurveyRequest.Status.SUBMITTED, SurveyRequest.Status.ACCEPTED, SurveyRequest.Status.RETURNED]
ANSWER_HEADERS = [
    "Term",
    "Partner",
    "Status",
    "Submitted",
    "Section",
    "Question code",
    "Question",
    "Agreed outcome",
    "Answer",
    "Breakdown row",
    "Count",
]
WHOLE_NUMBERS = {Question.Type.INTEGER, Question.Type.RATING, Question.Type.GRID}


def schools_answers(scope: Scope) -> Iterator[Answer]:
    """The 'schools worked with' answers, for the data return's schools sheet."""
    return (
        Answer.objects.filter(scope.answers(), question__code=codes.SCHOOLS_LIST)
        .exclude(text="")
        .select_related("request__partner", "request__round__term")
        .only("text", "request__partner__name", "request__round__term__name", "request__round__term__academic_year")
        .order_by("request__partner__name", "request__round__term__starts_on", "pk")
        .iterator(chunk_size=ANSWER_CHUNK)
    )


def answer_years() -> list[int]:
    """The academic years partners have sent survey returns for, newest first (one query)."""
    return list(
        SurveyRequest.objects.filter(status__in=EXPORTED)
        .order_by("-round__term__academic_year")
        .values_list("round__term__academic_year", flat=True)
        .distinct()
    )


CHOICE_TYPES = {Question.Type.SINGLE_CHOICE, Question.Type.MULTIPLE_CHOICE}
REQUESTS_PER_CHUNK = 100  # a term's returns read at a time: about 6,000 answers and their cells


def _answer_value(question_type: str, number, text: str, selected):
    if question_type in CHOICE_TYPES:
        return "; ".join(str(option) for option in selected or [])
    if number is not None:
        return int(number) if question_type in WHOLE_NUMBERS else number
    return text


def year_answer_rows(year: int) -> Iterator[tuple]:
    """Every answer partners sent for the year's termly surveys, one row each (ANSWER_HEADERS), and
    one row per breakdown row of a grid; ordered by term, partner, return, question.

    Read as plain values, never a model instance per answer (2.4 million of them over ten years):
    the year's returns and the questions once, then REQUESTS_PER_CHUNK returns at a time, their
    answers in one query and the answers' grid cells in one more. Memory stays flat."""
    terms = {term.pk: str(term) for term in Term.objects.filter(academic_year=year)}
    statuses = dict(SurveyRequest.Status.choices)
    requests = list(
        SurveyRequest.objects.filter(round__term__academic_year=year, status__in=EXPORTED)
        .order_by("round__term__starts_on", "partner__name", "pk")
        .values_list("pk", "round__term_id", "partner__name", "status", "submitted_at")
    )
    questions = {
        pk: (section, code, text, qtype)
        for pk, section, code, text, qtype in Question.objects.values_list("pk", "section", "code", "text", "type")
    }
    for first in range(0, len(requests), REQUESTS_PER_CHUNK):
        chunk = requests[first : first + REQUESTS_PER_CHUNK]
        answers = list(
            Answer.objects.filter(request_id__in=[r[0] for r in chunk])
            .order_by("request_id", "question__order", "question_id", "outcome_id", "pk")
            .values_list("pk", "request_id", "question_id", "outcome__description", "number", "text", "selected")
        )
        cells: dict[int, list[tuple]] = defaultdict(list)
        for answer_id, row, count in (
            GridCell.objects.filter(answer_id__in=[a[0] for a in answers])
            .order_by("pk")
            .values_list("answer_id", "row", "count")
        ):
            cells[answer_id].append((row, count))
        by_request: dict[int, list[tuple]] = defaultdict(list)
        for answer in answers:
            by_request[answer[1]].append(answer)
        for request_id, term_id, partner, status, submitted_at in chunk:
            head = (terms[term_id], partner, statuses.get(status, status), submitted_at)
            for answer_id, _, question_id, outcome, number, text, selected in by_request.get(request_id, ()):
                section, code, question_text, question_type = questions[question_id]
                start = (
                    *head,
                    section,
                    code,
                    question_text,
                    outcome or "",
                    _answer_value(question_type, number, text, selected),
                )
                answer_cells = cells.get(answer_id)
                if not answer_cells:
                    yield (*start, "", "")
                    continue
                for row, count in answer_cells:
                    yield (*start, row, count)


# Income against the Hub Grant --------------------------------------------------------


def income_by_year() -> dict[int, Decimal]:
    rows = IncomeRecord.objects.values("academic_year").annotate(total=Sum("amount"))
    return {r["academic_year"]: to_money(r["total"] or 0) for r in rows}


def grant_by_year() -> dict[int, Decimal]:
    """Hub Grant awarded (agreements.selectors.awarded_projects), by academic year."""
    rows = awarded_projects().values("academic_year").annotate(total=Sum("hub_contribution"))
    return {r["academic_year"]: to_money(r["total"] or 0) for r in rows}


def ratio(income: Decimal, grant: Decimal) -> Decimal | None:
    """Partner-generated income for each £1 of Hub Grant (the target is at least 1)."""
    if not grant:
        return None
    return (income / grant).quantize(Decimal("0.01"))


def income_against_grant() -> list[dict]:
    """Hub-wide, year by year (two queries)."""
    income, grant = income_by_year(), grant_by_year()
    years = sorted(set(income) | set(grant))
    return [
        {
            "year": year,
            "label": AcademicYear(year).label,
            "income": income.get(year, Decimal("0.00")),
            "grant": grant.get(year, Decimal("0.00")),
            "ratio": ratio(income.get(year, Decimal("0")), grant.get(year, Decimal("0"))),
        }
        for year in years
    ]


def income_by_partner(year: int) -> list[dict]:
    """Each partner's income by source and its Hub Grant for the year (two queries)."""
    incomes = (
        IncomeRecord.objects.filter(academic_year=year)
        .values("partner_id", "partner__name", "source")
        .annotate(total=Sum("amount"))
    )
    grants = (
        awarded_projects()
        .filter(academic_year=year)
        .values("partner_id", "partner__name")
        .annotate(total=Sum("hub_contribution"))
    )
    rows: dict[int, dict] = {}

    def entry(pk, name):
        return rows.setdefault(
            pk,
            {
                "partner_id": pk,
                "partner": name,
                "by_source": {s: Decimal("0.00") for s in IncomeRecord.Source.values},
                "income": Decimal("0.00"),
                "grant": Decimal("0.00"),
            },
        )

    for r in incomes:
        e = entry(r["partner_id"], r["partner__name"])
        e["by_source"][r["source"]] = to_money(r["total"])
        e["income"] += to_money(r["total"])
    for r in grants:
        entry(r["partner_id"], r["partner__name"])["grant"] = to_money(r["total"])
    for e in rows.values():
        e["ratio"] = ratio(e["income"], e["grant"])
    return sorted(rows.values(), key=lambda e: e["partner"])


def partner_income(partner_id: int) -> list[dict]:
    """One partner's income and Hub Grant, year by year (two queries)."""
    income = dict(
        IncomeRecord.objects.filter(partner_id=partner_id)
        .values("academic_year")
        .annotate(total=Sum("amount"))
        .values_list("academic_year", "total")
    )
    grant = dict(
        awarded_projects()
        .filter(partner_id=partner_id)
        .values("academic_year")
        .annotate(total=Sum("hub_contribution"))
        .values_list("academic_year", "total")
    )
    return [
        {
            "year": year,
            "label": AcademicYear(year).label,
            "income": to_money(income.get(year) or 0),
            "grant": to_money(grant.get(year) or 0),
            "ratio": ratio(income.get(year) or Decimal("0"), grant.get(year) or Decimal("0")),
        }
        for year in sorted(set(income) | set(grant), reverse=True)
    ]


# Cached figures --------------------------------------------------------------------------------
#
# The reach page adds up hundreds of thousands of answers; the figures change only when staff
# accept a return. They are cached under a version that accepting a return replaces, so an
# acceptance shows at once; anything else that moves them (a partner's strands edited, a row
# changed in the admin) shows within FIGURES_SECONDS.

FIGURES_SECONDS = 30
FIGURES_VERSION = "surveys:figures-version"


def figures_changed() -> None:
    """Every cached reach figure is recomputed on its next read."""
    cache.delete(FIGURES_VERSION)


def reach_figures(scope: Scope, grid_codes: list[str]) -> dict:
    """What the reach page shows for the scope: one cache read, or its queries when stale."""
    version = cache.get_or_set(FIGURES_VERSION, lambda: uuid4().hex, timeout=None)
    key = f"surveys:reach:{version}:{scope.year}:{scope.term}:{scope.partner_id}:{','.join(grid_codes)}"

    def compute() -> dict:
        return {
            "grids": grids(scope, grid_codes),
            "headline": headline(scope),
            "terms": by_term(Scope(year=scope.year, partner_id=scope.partner_id)),
            "strands": by_strand(scope),
            "partners": by_partner(scope),
            "years": by_year(),
        }

    return cache.get_or_set(key, compute, timeout=FIGURES_SECONDS)
