"""Staff pages of figures from the returns: reach, the annual data return, every answer, and income."""

from operator import itemgetter

from django.db.models import Exists, OuterRef
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from hubportal.core.academic_years import AcademicYear, academic_year_choices, current_academic_year
from hubportal.core.exports import export_format, export_rows, xlsx_response
from hubportal.core.listpage import list_page
from hubportal.core.lists import int_param, page_of, querystring
from hubportal.core.roles import hub_staff_required
from partners.models import Partner
from surveys import aggregates, codes
from surveys.aggregates import Scope
from surveys.filters import IncomeFilter
from surveys.models import IncomeRecord, SurveyRequest
from surveys.views.staff import chart_data

# Reach -----------------------------------------------------------------------------------------


def _reach_scope(request: HttpRequest) -> tuple[Scope, dict]:
    choices = academic_year_choices(back=4, ahead=0)
    years = [y for y, _ in choices]
    year = int_param(request, "year", low=1900, high=2999)
    if year not in years:
        latest = (
            SurveyRequest.objects.filter(status__in=aggregates.COUNTED)
            .order_by("-round__term__academic_year")
            .values_list("round__term__academic_year", flat=True)
            .first()
        )
        year = latest if latest in years else current_academic_year().start_year
    term = request.GET.get("term", "")
    if term not in aggregates.TERMS:
        term = ""
    partner_id = int_param(request, "partner")
    return Scope(year=year, term=term, partner_id=partner_id), {"year_choices": choices}


@hub_staff_required
def reach(request: HttpRequest) -> HttpResponse:
    """Reach and its breakdowns, added up in the database, with charts."""
    scope, extra = _reach_scope(request)
    grid_codes = [codes.REACH_BY_ACTIVITY] + [code for code, _ in codes.BREAKDOWNS]
    figures = aggregates.reach_figures(scope, grid_codes)
    grids, headline, terms = figures["grids"], figures["headline"], figures["terms"]
    strands, partners = figures["strands"], figures["partners"]
    breakdowns = [(code, label, grids[code]) for code, label in codes.BREAKDOWNS]
    if export_format(request):
        rows = [("Total", "Children and young people reached", headline["reach"])]
        rows += [
            ("Total", "Schools worked with", headline["schools"]),
            ("Total", "Sessions delivered", headline["sessions"]),
        ]
        rows += [("Term", t["term"], t["reach"]) for t in terms]
        rows += [("Activity type", row, n) for row, n in grids[codes.REACH_BY_ACTIVITY]]
        rows += [(label, row, n) for _, label, cells in breakdowns for row, n in cells]
        rows += [("Strand", name, n) for name, n in strands]
        rows += [("Partner", p["partner"], p["reach"]) for p in partners]
        columns = [("Measure", lambda r: r[0]), ("Category", lambda r: r[1]), ("Count", lambda r: r[2])]
        return export_rows(request, rows, columns, f"reach-{AcademicYear(scope.year).label.replace('/', '-')}")
    years = figures["years"]
    charts = {
        "terms": chart_data([t["term"] for t in terms], ("Children and young people", [t["reach"] for t in terms])),
        "years": chart_data([y["year"] for y in years], ("Children and young people", [y["reach"] for y in years])),
        "activity": chart_data(
            [r for r, _ in grids[codes.REACH_BY_ACTIVITY]],
            ("Taking part", [n for _, n in grids[codes.REACH_BY_ACTIVITY]]),
        ),
        "strands": chart_data([name for name, _ in strands], ("Children and young people", [n for _, n in strands])),
    }
    breakdown_charts = [
        (code, label, cells, chart_data([r for r, _ in cells], (label, [n for _, n in cells])))
        for code, label, cells in breakdowns
    ]
    return render(
        request,
        "surveys/staff_reach.html",
        {
            "scope": scope,
            "year_label": AcademicYear(scope.year).label,
            "headline": headline,
            "terms": terms,
            "activity": grids[codes.REACH_BY_ACTIVITY],
            "breakdowns": breakdown_charts,
            "strands": strands,
            "years_rows": [(y["year"], y["reach"]) for y in years],
            # A page of the partners at a time (a Hub of 2,000 has some 1,400 with returns); the export has them all.
            "partner_page": page_of(request, partners),
            # Partners with any survey request: a semi-join on the index, plain rows for the 1,400 options.
            "partner_choices": Partner.objects.filter(Exists(SurveyRequest.objects.filter(partner=OuterRef("pk"))))
            .order_by("name")
            .values("pk", "name"),
            "term_choices": [(t, aggregates.TERM_LABELS[t]) for t in aggregates.TERMS],
            "charts": charts,
            "querystring": querystring(request),
            **extra,
        },
    )


@hub_staff_required
def data_return(request: HttpRequest) -> HttpResponse:
    """The annual data-return workbook: schools worked with, and reach by activity and demographics."""
    scope, _ = _reach_scope(request)
    scope = Scope(year=scope.year)
    label = AcademicYear(scope.year).label
    term_labels = [aggregates.TERM_LABELS[t] for t in aggregates.TERMS]

    def schools():
        yield ["Partner", "Term", "School"]
        for answer in aggregates.schools_answers(scope):
            for line in answer.text.splitlines():
                if line.strip():
                    yield [answer.request.partner.name, str(answer.request.round.term), line.strip()]

    def reach_rows():
        yield ["Measure", "Category", *term_labels, "Year (sum of terms)"]
        terms = aggregates.by_term(scope)
        for key, name in [
            ("reach", "Children and young people reached"),
            ("schools", "Schools worked with"),
            ("sessions", "Sessions delivered"),
        ]:
            values = [t[key] for t in terms]
            yield ["Total", name, *values, sum(values)]
        grid_codes = [codes.REACH_BY_ACTIVITY] + [code for code, _ in codes.BREAKDOWNS]
        by_term = aggregates.grids_by_term(scope, grid_codes)
        labels = {codes.REACH_BY_ACTIVITY: "Activity type", **codes.BREAKDOWN_LABELS}
        for code in grid_codes:
            for row, per_term in by_term[code]:
                values = [per_term.get(t, 0) for t in aggregates.TERMS]
                yield [labels[code], row, *values, sum(values)]

    return xlsx_response(
        {"Schools": schools(), "Reach by activity, demographics": reach_rows()},
        f"hub-data-return-{label.replace('/', '-')}.xlsx",
    )


@hub_staff_required
def answer_export(request: HttpRequest) -> HttpResponse:
    """Every answer partners sent for one academic year's termly surveys (submitted, accepted
    or returned), one row per answer and per breakdown row: CSV streamed as it is read, or
    XLSX written a chunk at a time to a temporary file. Without a year (?year=2025 for
    2025/26), the newest year partners have sent returns for."""
    year = int_param(request, "year", low=1900, high=2999)
    if year is None:
        years = aggregates.answer_years()
        year = years[0] if years else current_academic_year().start_year
    columns = [(header, itemgetter(i)) for i, header in enumerate(aggregates.ANSWER_HEADERS)]
    basename = f"survey-answers-{AcademicYear(year).label.replace('/', '-')}"
    return export_rows(request, aggregates.year_answer_rows(year), columns, basename)


# Income, staff side -------------------------------------------------------------------------------


# The by-partner table's sorts (it comes sorted by partner name); a partner with no grant has no ratio and goes last.
INCOME_SORTS = {
    "-income": (lambda r: (r["income"], r["partner"]), True),
    "-grant": (lambda r: (r["grant"], r["partner"]), True),
    "-ratio": (lambda r: (r["ratio"] is not None, r["ratio"] or 0), True),
    "ratio": (lambda r: (r["ratio"] is None, r["ratio"] or 0), False),
}
INCOME_SORT_LABELS = [
    ("", "Partner, A to Z"),
    ("-income", "Most income first"),
    ("-grant", "Most Hub Grant first"),
    ("-ratio", "Highest income per £1 first"),
    ("ratio", "Lowest income per £1 first"),
]


@hub_staff_required
def income(request: HttpRequest) -> HttpResponse:
    """Partner-generated income against Hub Grant awarded, hub-wide and per partner."""
    choices = academic_year_choices(back=4, ahead=0)
    year = int_param(request, "year", low=1900, high=2999) or current_academic_year().start_year
    if year not in [y for y, _ in choices]:
        year = current_academic_year().start_year
    by_partner = aggregates.income_by_partner(year)
    sort = request.GET.get("sort", "")
    if sort in INCOME_SORTS:
        key, descending = INCOME_SORTS[sort]
        by_partner.sort(key=key, reverse=descending)
    if export_format(request):
        columns = [
            ("Partner", lambda r: r["partner"]),
            *[(label, lambda r, s=source: r["by_source"][s]) for source, label in IncomeRecord.Source.choices],
            ("Income secured", lambda r: r["income"]),
            ("Hub Grant awarded", lambda r: r["grant"]),
            ("Income per £1 of Hub Grant", lambda r: r["ratio"]),
        ]
        return export_rows(request, by_partner, columns, f"income-{AcademicYear(year).label.replace('/', '-')}")
    yearly = aggregates.income_against_grant()
    this_year = next((y for y in yearly if y["year"] == year), None)
    return render(
        request,
        "surveys/staff_income.html",
        {
            "year": year,
            "year_label": AcademicYear(year).label,
            "year_choices": choices,
            "yearly": yearly,
            "this_year": this_year,
            "page": page_of(request, by_partner),
            "sort": sort if sort in INCOME_SORTS else "",
            "sort_choices": INCOME_SORT_LABELS,
            "sources": IncomeRecord.Source.choices,
            # Amounts go to the chart as strings (Decimal, never float); the tables show the exact figures.
            "chart": chart_data(
                [y["label"] for y in yearly],
                ("Partner-generated income (£)", [str(y["income"]) for y in yearly]),
                ("Hub Grant awarded (£)", [str(y["grant"]) for y in yearly]),
            ),
            "querystring": querystring(request),
        },
    )


INCOME_COLUMNS = [
    ("Partner", lambda r: r.partner.name),
    ("Academic year", lambda r: AcademicYear(r.academic_year).label),
    ("Source", lambda r: r.get_source_display()),
    ("Description", lambda r: r.description),
    ("Amount", lambda r: r.amount),
    ("Recorded by", lambda r: str(r.recorded_by)),
    ("Recorded", lambda r: r.recorded_at),
]


@hub_staff_required
def income_records(request: HttpRequest) -> HttpResponse:
    records = IncomeRecord.objects.select_related("partner", "recorded_by").order_by("-academic_year", "partner__name")
    filtered = IncomeFilter(request.GET, queryset=records)
    return list_page(
        request, filtered, "surveys/staff_income_records.html", columns=INCOME_COLUMNS, basename="income-records"
    )
