"""Demo monitoring for `make run`: a year of termly survey rounds for partners A
and B with every state a request can be in, a completed project each with its
evaluation and case studies (with consent), and income against Hub Grant.

- Last academic year: Autumn, Spring and Summer rounds. A's returns are all
  accepted; B's Spring return was returned once and then accepted; B never
  sent its Summer return, so it is overdue (B's health is red).
- This year: the rounds of the terms that have started. A past one is
  accepted; the current term's has A's return sent back for changes (A's
  to-do list asks for a response) and B's submitted, waiting for staff.

Partner A and B need partnership agreements that require the termly survey.
The agreements demo creates agreements; if a year's agreement is missing here,
it is created keyed on (partner, academic year, partnership), the agreement's
own unique key, so the two demos never make two. Everything is get-or-create:
answers, history and files are written only when their record is first made.
"""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from io import BytesIO

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.utils import timezone

from agreements.demo import backfill_signatures
from agreements.models import Agreement, Outcome
from hubportal.core.academic_years import AcademicYear, current_academic_year
from hubportal.devtools.demo import PARTNER_A, PARTNER_B
from hubportal.models import HistoryEntry, Term, User
from partners.models import Partner
from surveys.models import (
    CaseStudy,
    CaseStudyImage,
    Consent,
    IncomeRecord,
    OutcomeResult,
    ProjectEvaluation,
    Question,
    QuestionSet,
    SurveyRequest,
    SurveyRound,
)
from surveys.response_form import AnswerValue
from surveys.services import _write_answers, agreements_requiring_surveys

Status = SurveyRequest.Status

OUTCOMES = {
    PARTNER_A: [
        (
            "More children in Charnwood start learning an instrument after whole-class teaching.",
            "Children continuing",
            "120 a year",
        ),
        ("Young people from Loughborough's east side join a Hub ensemble.", "New ensemble members", "30 a year"),
    ],
    PARTNER_B: [
        ("Every primary school in Harborough district is offered string tuition.", "Schools offered tuition", "All 28"),
        ("Pupils with SEND take part in the youth string orchestra.", "Members with SEND", "10"),
    ],
}

SCHOOLS = {
    PARTNER_A: [
        "Loughborough Parkside Primary School",
        "Shepshed Hallcroft Primary School",
        "Rothley Brookfield Academy",
        "Syston Fosse Way Primary School",
        "Birstall Greenfield Primary School",
        "Loughborough Eastfield Community College",
    ],
    PARTNER_B: [
        "Market Harborough Welland Primary School",
        "Lutterworth Orchard Academy",
        "Kibworth Meadowbank Primary School",
        "Broughton Astley Riverside Primary School",
    ],
}

# Share of reach in each row of each grid, by partner (the rest goes to "Not known").
SHARES = {
    PARTNER_A: {
        "reach_by_district": {"Charnwood": 0.78, "Leicester City": 0.12, "North West Leicestershire": 0.06},
        "reach_by_age_phase": {"Key stage 1": 0.22, "Key stage 2": 0.52, "Key stage 3": 0.16, "Key stage 4": 0.06},
        "reach_by_sen": {
            "Education, health and care (EHC) plan": 0.05,
            "SEN support": 0.14,
            "No special educational needs": 0.74,
        },
        "reach_by_fsm": {"Free school meals or pupil premium": 0.31, "Neither": 0.6},
        "reach_by_ethnicity": {
            "Asian": 0.24,
            "Black": 0.05,
            "Mixed": 0.07,
            "White": 0.55,
            "Other": 0.02,
            "Not stated": 0.03,
        },
        "reach_by_gender": {"Female": 0.5, "Male": 0.46, "Another gender identity": 0.01},
    },
    PARTNER_B: {
        "reach_by_district": {"Harborough": 0.84, "Blaby": 0.07, "Oadby & Wigston": 0.05},
        "reach_by_age_phase": {"Key stage 2": 0.48, "Key stage 3": 0.3, "Key stage 4": 0.14, "16 to 18": 0.06},
        "reach_by_sen": {
            "Education, health and care (EHC) plan": 0.04,
            "SEN support": 0.11,
            "No special educational needs": 0.8,
        },
        "reach_by_fsm": {"Free school meals or pupil premium": 0.17, "Neither": 0.78},
        "reach_by_ethnicity": {
            "Asian": 0.06,
            "Black": 0.02,
            "Mixed": 0.04,
            "White": 0.83,
            "Other": 0.01,
            "Not stated": 0.02,
        },
        "reach_by_gender": {"Female": 0.57, "Male": 0.41},
    },
}
ACTIVITY_SHARES = {
    PARTNER_A: {
        "Whole class ensemble teaching (first access)": 0.62,
        "Small group or individual instrumental or vocal tuition": 0.18,
        "Ensembles (choir, band, orchestra, other)": 0.14,
        "Singing": 0.3,
        "Performances and events": 0.2,
        "CPD for school staff": 0.03,
    },
    PARTNER_B: {
        "Small group or individual instrumental or vocal tuition": 0.55,
        "Ensembles (choir, band, orchestra, other)": 0.45,
        "Performances and events": 0.35,
        "Music technology and songwriting": 0.05,
    },
}
REACH = {PARTNER_A: [214, 238, 251, 226], PARTNER_B: [68, 74, 81, 77]}
TEXTS = {
    "activity_against_plan": {
        PARTNER_A: "Whole-class ukulele and violin in six Charnwood primaries, as planned; the Saturday band ran from "
        "week three because the hall was being repaired.",
        PARTNER_B: "Weekly small-group strings in four schools and the Friday youth string orchestra, as planned.",
    },
    "issues_risks": {
        PARTNER_A: "One violin tutor is on long-term leave; we have cover until February.",
        PARTNER_B: "None.",
    },
    "plans_for_year": {
        PARTNER_A: "Extend whole-class teaching to two more Shepshed schools and start a beginners' steel pan group.",
        PARTNER_B: "Offer taster sessions to every Harborough primary and add an adapted-instrument strand.",
    },
    "outcomes_against_aims": {
        PARTNER_A: "131 children carried on learning after first access, above our target of 120.",
        PARTNER_B: "We reached 24 of the 28 primaries; four declined because of timetable pressure.",
    },
    "case_study": {
        PARTNER_A: "A Year 6 pupil who had never played an instrument led the school band at the summer concert.",
        PARTNER_B: "Two pupils with adapted bows joined the orchestra and played in the county festival.",
    },
    "outcome_progress_detail": {
        PARTNER_A: "On course: numbers continuing are ahead of last year.",
        PARTNER_B: "Steady progress; we are adapting the offer for two schools.",
    },
}


def _at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _history(obj, *, at, actor, from_state="", to_state="", action="transition", note=""):
    HistoryEntry.objects.create(
        content_type=ContentType.objects.get_for_model(type(obj)),
        object_id=obj.pk,
        action=action,
        from_state=from_state,
        to_state=to_state,
        actor=actor,
        actor_name=str(actor) if actor else "System",
        note=note,
        at=at,
    )


def _split(total: int, shares: dict[str, float], rows: list[str]) -> list[tuple[str, int]]:
    """Counts per row adding up to ``total``; what is left goes to "Not known"."""
    cells = {row: int(total * shares.get(row, 0)) for row in rows}
    if "Not known" in cells:
        cells["Not known"] = total - sum(n for row, n in cells.items() if row != "Not known")
    return list(cells.items())


def _answers(question_set: QuestionSet, agreement: Agreement, name: str, index: int) -> list[AnswerValue]:
    """Believable answers to every question of the set, in the partner's voice."""
    reach = REACH[name][index % len(REACH[name])]
    schools = SCHOOLS[name]
    outcomes = list(agreement.outcomes.all())
    values = []
    for question in question_set.questions.order_by("order"):
        for outcome in outcomes if question.per_outcome else [None]:
            code, kind = question.code, question.type
            value = AnswerValue(question, outcome)
            if code == "reach_total":
                value.number = Decimal(reach)
            elif code == "reach_by_activity":
                value.cells = [(row, int(reach * ACTIVITY_SHARES[name].get(row, 0))) for row in question.rows]
            elif kind == Question.Type.GRID:
                value.cells = _split(reach, SHARES[name].get(code, {}), question.rows)
            elif code == "schools_count":
                value.number = Decimal(len(schools))
            elif code == "schools_worked_with":
                value.text = "\n".join(schools)
            elif code == "sessions_delivered":
                value.number = Decimal(36 + 4 * index if name == PARTNER_A else 24 + 2 * index)
            elif code == "income_secured_to_date":
                value.number = Decimal("6850.50") if name == PARTNER_A else Decimal("1650.00")
            elif code == "outcome_progress":
                value.selected = ["On track"]
            elif code == "safeguarding_incidents":
                value.selected = ["No"]
            elif code == "safeguarding_detail":
                continue
            elif kind == Question.Type.RATING:
                value.number = Decimal(4 if (question.order + index) % 3 else 3)
            elif kind in (Question.Type.SINGLE_CHOICE, Question.Type.MULTIPLE_CHOICE):
                value.selected = question.choices[:1]
            elif kind in (Question.Type.INTEGER, Question.Type.MONEY):
                value.number = Decimal(10)
            else:
                value.text = TEXTS.get(code, {}).get(name, "As planned.")
            if value.cells is not None:
                value.number = Decimal(sum(n for _, n in value.cells))
            values.append(value)
    return values


def _agreement(partner: Partner, year: AcademicYear, *, live: bool, staff: User) -> Agreement:
    """The partner's partnership agreement for the year (the agreements demo's, if it made one)."""
    existing = Agreement.objects.filter(partner=partner, academic_year=year.start_year, kind=Agreement.Kind.PARTNERSHIP)
    agreement = existing.first()
    if agreement is not None:
        return agreement
    already_live = Agreement.objects.filter(
        partner=partner, kind=Agreement.Kind.PARTNERSHIP, status=Agreement.Status.LIVE
    ).exists()
    status = Agreement.Status.LIVE if live and not already_live else Agreement.Status.RENEWED
    agreement = Agreement.objects.create(
        partner=partner,
        academic_year=year.start_year,
        kind=Agreement.Kind.PARTNERSHIP,
        title=f"Partnership agreement {year.label}: {partner.name}",
        status=status,
        requires_termly_surveys=True,
        basis="The partner and the Hub work together so that children and young people can make music.",
        monitoring="Termly surveys, an annual review meeting, project evaluations where a project is funded.",
        live_at=_at(year.starts_on),
        created_by=staff,
    )
    for order, (description, measure, target) in enumerate(OUTCOMES[partner.name]):
        Outcome.objects.create(
            agreement=agreement, description=description, measure=measure, target=target, order=order
        )
    return agreement


def _question_set(term_name: str) -> QuestionSet | None:
    return (
        QuestionSet.objects.filter(family=f"termly-{term_name}", retired_at__isnull=True).first()
        or QuestionSet.objects.filter(retired_at__isnull=True).first()
    )


def _round(term: Term, staff: User) -> SurveyRound | None:
    question_set = _question_set(term.name)
    if question_set is None:
        return None
    deadline = term.ends_on + timedelta(days=14)
    survey_round, created = SurveyRound.objects.get_or_create(
        term=term,
        defaults={
            "question_set": question_set,
            "deadline": deadline,
            "opened_by": staff,
            # Four weeks before the end of term, or three weeks ago for the term now running.
            "opened_at": min(_at(term.ends_on - timedelta(days=28)), timezone.now() - timedelta(days=21)),
        },
    )
    if created:
        _history(survey_round, at=survey_round.opened_at, actor=staff, action="opened the round")
    return survey_round


def _request(survey_round, agreement, name, index, plan, users) -> None:
    """Make the request and walk it through ``plan``: accepted, returned_then_accepted,
    overdue, returned or submitted."""
    request, created = SurveyRequest.objects.get_or_create(
        round=survey_round,
        partner=agreement.partner,
        defaults={"agreement": agreement, "deadline": survey_round.deadline},
    )
    if not created:
        return
    partner_user = users["partner-a" if name == PARTNER_A else "partner-b"]
    staff = users["staff"]
    opened = survey_round.opened_at
    _write_answers(request, _answers(survey_round.question_set, agreement, name, index))
    started = opened + timedelta(days=5)
    _history(request, at=started, actor=partner_user, from_state=Status.PENDING, to_state=Status.IN_PROGRESS)
    if plan == "overdue":
        request.status = Status.IN_PROGRESS
        request.save(update_fields=["status"])
        return
    sent = min(opened + timedelta(days=20), timezone.now() - timedelta(days=3))
    _history(request, at=sent, actor=partner_user, from_state=Status.IN_PROGRESS, to_state=Status.SUBMITTED)
    request.submitted_at, request.submitted_by = sent, partner_user
    comment = (
        "Thank you. The age-phase breakdown adds up, but Key stage 3 looks high for primary-school work: "
        "please check it and say which activities the older pupils came to."
    )
    if plan in ("returned", "returned_then_accepted"):
        returned = sent + timedelta(days=2)
        _history(request, at=returned, actor=staff, from_state=Status.SUBMITTED, to_state=Status.RETURNED, note=comment)
        request.return_comment, request.returned_at = comment, returned
        request.reviewed_by, request.reviewed_at = staff, returned
        if plan == "returned":
            request.status = Status.RETURNED
            request.deadline = max(survey_round.deadline, timezone.localdate() + timedelta(days=10))
            request.save()
            return
        resent = returned + timedelta(days=3)
        _history(request, at=resent, actor=partner_user, from_state=Status.RETURNED, to_state=Status.SUBMITTED)
        request.submitted_at = resent
    if plan == "submitted":
        request.status = Status.SUBMITTED
        request.save()
        return
    accepted = request.submitted_at + timedelta(days=4)
    _history(request, at=accepted, actor=staff, from_state=Status.SUBMITTED, to_state=Status.ACCEPTED)
    request.status, request.reviewed_by, request.reviewed_at = Status.ACCEPTED, staff, accepted
    request.save()


def _rounds(partners: dict[str, Partner], users: dict[str, User]) -> None:
    today = timezone.localdate()
    staff = users["staff"]
    this_year = current_academic_year()
    last_year = this_year.previous()
    agreements = {
        (name, year): _agreement(partner, year, live=year == this_year, staff=staff)
        for name, partner in partners.items()
        for year in (last_year, this_year)
    }
    terms = [t for t in Term.for_year(last_year) + Term.for_year(this_year) if t.starts_on <= today]
    past = [t for t in terms if t.ends_on + timedelta(days=14) < today]
    for index, term in enumerate(terms):
        survey_round = _round(term, staff)
        if survey_round is None:
            continue
        year = last_year if term.academic_year == last_year.start_year else this_year
        current = term not in past
        last_past = past and term == past[-1]
        plans = {
            PARTNER_A: "returned" if current else "accepted",
            PARTNER_B: "submitted"
            if current
            else "overdue"
            if last_past
            else "returned_then_accepted"
            if index == 1
            else "accepted",
        }
        for name in partners:
            _request(survey_round, agreements[(name, year)], name, index, plans[name], users)
        # Any other partner the agreements demo made live gets the survey too, not started yet.
        for agreement in agreements_requiring_surveys(term).exclude(partner__in=partners.values()):
            SurveyRequest.objects.get_or_create(
                round=survey_round,
                partner=agreement.partner,
                defaults={"agreement": agreement, "deadline": survey_round.deadline},
            )


def _png(colour: tuple[int, int, int]) -> bytes:
    """A small poster-like image for the demo (no real people in it)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (480, 320), (250, 246, 240))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 250, 480, 320), fill=colour)
    for n in range(5):
        draw.ellipse((40 + n * 85, 120, 100 + n * 85, 180), fill=colour)
        draw.line((70 + n * 85, 180, 70 + n * 85, 250), fill=colour, width=6)
    buffer = BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _project(partner, *, title, year, hub, match, ends_on, due_on, users) -> Agreement:
    """A completed project agreement of six months: drafted six weeks before it
    started, issued, signed by both, and completed the day it ended."""
    starts_on = ends_on - timedelta(days=180)
    agreement, created = Agreement.objects.get_or_create(
        partner=partner,
        kind=Agreement.Kind.PROJECT,
        title=title,
        defaults={
            "academic_year": year.start_year,
            "status": Agreement.Status.COMPLETED,
            "requires_termly_surveys": False,
            "requires_evaluation": True,
            "starts_on": starts_on,
            "ends_on": ends_on,
            "hub_contribution": hub,
            "match_funding_commitment": match,
            "evaluation_due_on": due_on,
            "created_by": users["staff"],
            "created_at": _at(starts_on - timedelta(days=42)),
            "ended_at": _at(ends_on),
        },
    )
    if created:
        for order, (description, measure, target) in enumerate(
            [
                ("Young people who have not played before take part every week.", "Weekly participants", "40"),
                ("Participants perform in a public concert.", "Performers at the concert", "30"),
            ]
        ):
            Outcome.objects.create(
                agreement=agreement, description=description, measure=measure, target=target, order=order
            )
        backfill_signatures(
            agreement,
            users=users,
            issued_at=_at(starts_on - timedelta(days=28)),
            signed_at=_at(starts_on - timedelta(days=21)),
            live_at=_at(starts_on - timedelta(days=14)),
        )
        _history(
            agreement,
            at=agreement.ended_at,
            actor=users["staff"],
            from_state=Agreement.Status.LIVE,
            to_state=Agreement.Status.COMPLETED,
            note="The project ended as agreed.",
        )
    return agreement


def _evaluations(partners: dict[str, Partner], users: dict[str, User]) -> None:
    today = timezone.localdate()
    staff, author_a, author_b = users["staff"], users["partner-a"], users["partner-b"]
    this_year, last_year = current_academic_year(), current_academic_year().previous()
    project_a = _project(
        partners[PARTNER_A],
        title="Loughborough East Young Voices",
        year=last_year,
        hub=Decimal("6000.00"),
        match=Decimal("6500.00"),
        ends_on=last_year.ends_on - timedelta(days=45),
        due_on=last_year.ends_on,
        users=users,
    )
    evaluation, created = ProjectEvaluation.objects.get_or_create(
        agreement=project_a,
        defaults={
            "status": ProjectEvaluation.Status.ACCEPTED,
            "actual_reach": 47,
            "actual_spend": Decimal("12310.40"),
            "actual_match_funding": Decimal("6310.40"),
            "learning": "Starting with the young people's own songs brought in boys who had never sung at school. "
            "Holding sessions at the community centre, not the school, doubled attendance in the holidays.",
            "legacy": "The choir carries on as a Charnwood Music Collective group, with two young leaders trained "
            "as assistants. The community centre now lends its hall for free.",
            "submitted_by": author_a,
            "submitted_at": _at(last_year.ends_on - timedelta(days=10)),
            "reviewed_by": staff,
            "reviewed_at": _at(last_year.ends_on - timedelta(days=5)),
        },
    )
    if created:
        achieved = ["52 young people came weekly at the peak; 41 on average", "38 performed at the summer concert"]
        for outcome, text in zip(project_a.outcomes.all(), achieved, strict=False):
            OutcomeResult.objects.create(evaluation=evaluation, outcome=outcome, achieved=text, met_target=True)
        _history(evaluation, at=evaluation.submitted_at, actor=author_a, from_state="draft", to_state="submitted")
        _history(evaluation, at=evaluation.reviewed_at, actor=staff, from_state="submitted", to_state="accepted")
    story, created = CaseStudy.objects.get_or_create(
        partner=partners[PARTNER_A],
        title="Finding a voice in Loughborough East",
        defaults={
            "evaluation": evaluation,
            "story": "Jay, 13, came to the first session because his friend did. He would not sing in front of "
            "anyone. By the spring he had written a verse for the group's song, and at the summer concert he "
            "sang it on his own.",
            "quotes": "“I didn't think people like me did choir.” (Jay)\n"
            "“He sings at home all the time now.” (Jay's mum)",
            "about_young_person": True,
            "status": CaseStudy.Status.PUBLISHED,
            "published_at": _at(last_year.ends_on - timedelta(days=3)),
            "created_by": author_a,
            "created_at": _at(last_year.ends_on - timedelta(days=12)),
        },
    )
    if created:
        Consent.objects.create(
            case_study=story,
            given_by="Michelle Carter",
            relationship="Parent",
            given_on=last_year.ends_on - timedelta(days=40),
            uses=[Consent.Use.HUB_REPORTS, Consent.Use.FUNDER_REPORTS, Consent.Use.PUBLICITY],
            recorded_by=author_a,
        )
        CaseStudyImage.objects.create(
            case_study=story,
            file=ContentFile(_png((74, 31, 111)), name="young-voices-poster.png"),
            original_filename="young-voices-poster.png",
            alt_text="Poster for the Young Voices summer concert: five singers drawn as simple shapes",
            shows_young_person=False,
            uploaded_by=author_a,
        )
        _history(story, at=story.published_at, actor=staff, from_state="draft", to_state="published")
    second, created = CaseStudy.objects.get_or_create(
        partner=partners[PARTNER_A],
        title="A first concert for Year 4",
        defaults={
            "evaluation": evaluation,
            "story": "After a term of whole-class ukulele, Year 4 at Shepshed played their first concert for parents. "
            "Aisha, who joined the school in January speaking little English, counted the band in.",
            "about_young_person": True,
            "created_by": author_a,
            "created_at": _at(last_year.ends_on - timedelta(days=8)),
        },
    )
    if created:
        # Consent for the Hub's reports only: it cannot be published until publicity consent is recorded.
        Consent.objects.create(
            case_study=second,
            given_by="Farah Rahman",
            relationship="Parent",
            given_on=last_year.ends_on - timedelta(days=20),
            uses=[Consent.Use.HUB_REPORTS],
            recorded_by=author_a,
        )
    project_b = _project(
        partners[PARTNER_B],
        title="Harborough Adaptive Strings",
        year=this_year,
        hub=Decimal("4000.00"),
        match=Decimal("4200.00"),
        ends_on=today - timedelta(days=20),
        due_on=today + timedelta(days=25),
        users=users,
    )
    draft, created = ProjectEvaluation.objects.get_or_create(
        agreement=project_b,
        defaults={"actual_reach": 18, "learning": "Adapted bows made the biggest difference.", "legacy": ""},
    )
    if created:
        _history(draft, at=_at(today - timedelta(days=5)), actor=author_b, action="started the evaluation")


INCOME = [
    (PARTNER_A, -1, IncomeRecord.Source.FUNDRAISING, "Sponsored sing at Loughborough Market", "3200.00"),
    (PARTNER_A, -1, IncomeRecord.Source.TRADING, "Holiday workshop fees", "1850.50"),
    (PARTNER_A, -1, IncomeRecord.Source.GRANTS, "Charnwood Borough Council community grant", "5000.00"),
    (PARTNER_A, 0, IncomeRecord.Source.FUNDRAISING, "Autumn concert collection", "1200.00"),
    (PARTNER_A, 0, IncomeRecord.Source.GRANTS, "Local trust: instruments for first access", "2500.00"),
    (PARTNER_B, -1, IncomeRecord.Source.TRADING, "Instrument hire", "900.00"),
    (PARTNER_B, -1, IncomeRecord.Source.GRANTS, "Community foundation grant", "1500.00"),
    (PARTNER_B, -1, IncomeRecord.Source.OTHER, "Gift aid", "300.00"),
    (PARTNER_B, 0, IncomeRecord.Source.TRADING, "Instrument hire", "450.00"),
]


def _income(partners: dict[str, Partner], users: dict[str, User]) -> None:
    this_year = current_academic_year().start_year
    for name, offset, source, description, amount in INCOME:
        IncomeRecord.objects.get_or_create(
            partner=partners[name],
            academic_year=this_year + offset,
            source=source,
            description=description,
            defaults={
                "amount": Decimal(amount),
                "recorded_by": users["partner-a" if name == PARTNER_A else "partner-b"],
            },
        )


def seed(users: dict[str, User]) -> None:
    partners = {name: Partner.objects.filter(name=name).first() for name in (PARTNER_A, PARTNER_B)}
    if not all(partners.values()):
        return
    _rounds(partners, users)
    _evaluations(partners, users)
    _income(partners, users)
