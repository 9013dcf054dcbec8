"""Every write in monitoring and every transition: question sets (versioned),
rounds and requests, answers, evaluations, case studies with consent, income."""

from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from agreements.models import Agreement, Outcome
from hubportal.core import roles
from hubportal.core.actions import enforce
from hubportal.core.errors import ActionRefused, require
from hubportal.core.history import record, transition
from hubportal.core.users import hub_staff_users, partner_users
from hubportal.messaging.notifications import notify
from hubportal.models import Term
from partners.models import Partner
from partners.standing import Action, require_standing, standings_of
from surveys import aggregates, permissions
from surveys.consent import PUBLISH_USE, consent_blocker
from surveys.models import (
    Answer,
    CaseStudy,
    CaseStudyImage,
    Consent,
    GridCell,
    IncomeRecord,
    OutcomeResult,
    ProjectEvaluation,
    Question,
    QuestionSet,
    SurveyRequest,
    SurveyRound,
)
from surveys.response_form import AnswerValue

QUESTION_FIELDS = [
    "code",
    "section",
    "text",
    "help_text",
    "type",
    "required",
    "choices",
    "rows",
    "total_question",
    "per_outcome",
    "follow_up_of",
    "follow_up_when",
]


# Question sets ---------------------------------------------------------------


def _unique_family(name: str) -> str:
    base = slugify(name)[:50] or "question-set"
    family, n = base, 1
    while QuestionSet.objects.filter(family=family).exists():
        n += 1
        family = f"{base}-{n}"
    return family


@transaction.atomic
def question_set_create(*, actor, name: str, term: str, description: str = "") -> QuestionSet:
    """A new question set (version 1 of a new family)."""
    enforce(permissions.may_manage_question_sets(actor))
    question_set = QuestionSet.objects.create(
        family=_unique_family(name), name=name, term=term, description=description, created_by=actor
    )
    record(question_set, actor=actor, action="created the question set")
    return question_set


def _locked_editable(question_set: QuestionSet, actor) -> QuestionSet:
    """The version to change: this one, or a new copy if a round has used it
    (the round keeps the version it asked). Call inside a transaction."""
    question_set = QuestionSet.objects.select_for_update().get(pk=question_set.pk)
    enforce(permissions.may_manage_question_sets(actor))
    if question_set.retired_at is not None:
        newest = QuestionSet.objects.filter(family=question_set.family).order_by("-version").first()
        raise ActionRefused(
            f"Version {question_set.version} of “{question_set.name}” has been replaced by version {newest.version}. "
            "Edit the newest version instead; this one stays as the record of what its rounds asked."
        )
    if not question_set.rounds.exists():
        return question_set
    return _new_version(question_set, actor)


def _new_version(old: QuestionSet, actor) -> QuestionSet:
    version = (QuestionSet.objects.filter(family=old.family).aggregate(v=Max("version"))["v"] or 0) + 1
    new = QuestionSet.objects.create(
        family=old.family,
        version=version,
        name=old.name,
        term=old.term,
        description=old.description,
        created_by=actor,
    )
    old_questions = list(old.questions.order_by("order", "pk"))
    copies = Question.objects.bulk_create(
        [
            Question(
                question_set=new,
                order=q.order,
                code=q.code,
                section=q.section,
                text=q.text,
                help_text=q.help_text,
                type=q.type,
                required=q.required,
                choices=list(q.choices),
                rows=list(q.rows),
                per_outcome=q.per_outcome,
                follow_up_when=q.follow_up_when,
            )
            for q in old_questions
        ]
    )
    by_old_pk = {old_q.pk: copy for old_q, copy in zip(old_questions, copies, strict=True)}
    links = []
    for old_q, copy in zip(old_questions, copies, strict=True):
        if old_q.total_question_id or old_q.follow_up_of_id:
            copy.total_question = by_old_pk.get(old_q.total_question_id)
            copy.follow_up_of = by_old_pk.get(old_q.follow_up_of_id)
            links.append(copy)
    if links:
        Question.objects.bulk_update(links, ["total_question", "follow_up_of"])
    old.retired_at = timezone.now()
    old.save(update_fields=["retired_at"])
    record(
        new,
        actor=actor,
        action=f"made version {new.version}",
        note=f"Version {old.version} was used by a survey round, so it is kept as it was.",
    )
    return new


def _same_in(question_set: QuestionSet, question: Question | None) -> Question | None:
    """The question with the same code in ``question_set`` (a new version's copy)."""
    if question is None or question.question_set_id == question_set.pk:
        return question
    return question_set.questions.get(code=question.code)


@transaction.atomic
def question_set_update(*, question_set: QuestionSet, actor, name: str, term: str, description: str) -> QuestionSet:
    """Rename or re-describe a set; a set a round has used gets a new version."""
    target = _locked_editable(question_set, actor)
    target.name, target.term, target.description = name, term, description
    target.save(update_fields=["name", "term", "description"])
    record(target, actor=actor, action="edited the question set")
    return target


def _apply_question(question: Question, data: dict, question_set: QuestionSet) -> None:
    for name in QUESTION_FIELDS:
        if name in data:
            value = data[name]
            if name in ("total_question", "follow_up_of"):
                value = _same_in(question_set, value)
            setattr(question, name, value)
    if question.type != Question.Type.GRID:
        question.rows, question.total_question = [], None
    if question.type not in (Question.Type.SINGLE_CHOICE, Question.Type.MULTIPLE_CHOICE):
        question.choices = []
    if question.follow_up_of is None:
        question.follow_up_when = ""


@transaction.atomic
def question_add(*, question_set: QuestionSet, actor, data: dict) -> Question:
    """Add a question at the end of the set (of a new version if a round used the set)."""
    target = _locked_editable(question_set, actor)
    last = target.questions.aggregate(o=Max("order"))["o"] or 0
    question = Question(question_set=target, order=last + 10)
    _apply_question(question, data, target)
    _save_question(question)
    record(target, actor=actor, action="added a question", note=question.text)
    return question


def _save_question(question: Question) -> None:
    try:
        with transaction.atomic():
            question.save()
    except IntegrityError as exc:
        raise ActionRefused(
            f"Another question in this set already has the code “{question.code}”. Choose a different code."
        ) from exc


@transaction.atomic
def question_update(*, question: Question, actor, data: dict) -> Question:
    """Change a question (in a new version of its set if a round used the set)."""
    target = _locked_editable(question.question_set, actor)
    question = _same_in(target, question)
    _apply_question(question, data, target)
    _save_question(question)
    record(target, actor=actor, action="edited a question", note=question.text)
    return question


@transaction.atomic
def question_delete(*, question: Question, actor) -> QuestionSet:
    """Remove a question (from a new version if a round used the set)."""
    target = _locked_editable(question.question_set, actor)
    question = _same_in(target, question)
    if question.breakdowns.exists() or question.follow_ups.exists():
        names = ", ".join(f"“{q.text}”" for q in [*question.breakdowns.all(), *question.follow_ups.all()])
        raise ActionRefused(
            f"{names} depend on “{question.text}”. Change or remove them first, then remove this question."
        )
    text = question.text
    question.delete()
    record(target, actor=actor, action="removed a question", note=text)
    return target


@transaction.atomic
def question_move(*, question: Question, actor, direction: str) -> Question:
    """Move a question one place up or down (renumbering the set's order)."""
    target = _locked_editable(question.question_set, actor)
    question = _same_in(target, question)
    ordered = list(target.questions.order_by("order", "pk"))
    index = next(i for i, q in enumerate(ordered) if q.pk == question.pk)
    swap = index - 1 if direction == "up" else index + 1
    if 0 <= swap < len(ordered):
        ordered[index], ordered[swap] = ordered[swap], ordered[index]
    for n, q in enumerate(ordered, start=1):
        q.order = n * 10
    Question.objects.bulk_update(ordered, ["order"])
    return next(q for q in ordered if q.pk == question.pk)


# Rounds ------------------------------------------------------------------------


def agreements_requiring_surveys(term: Term):
    """Live partnership agreements of the term's year that require the termly survey."""
    return Agreement.objects.filter(
        kind=Agreement.Kind.PARTNERSHIP,
        status__in=Agreement.IN_FORCE,
        requires_termly_surveys=True,
        academic_year=term.academic_year,
    )


@transaction.atomic
def round_open(
    *, term: Term, question_set: QuestionSet, deadline: date, actor
) -> tuple[SurveyRound, list[SurveyRequest]]:
    """Open the term's survey round: every partner whose live agreement requires
    the survey gets a request. Opening it again opens nothing new, but gives a
    request to any partner whose agreement has gone live since."""
    enforce(permissions.may_open_round(actor))
    term = Term.objects.select_for_update().get(pk=term.pk)
    survey_round = SurveyRound.objects.filter(term=term).first()
    if survey_round is None:
        if question_set.retired_at is not None:
            raise ActionRefused("That question set has a newer version. Choose the newest version for a new round.")
        if deadline < timezone.localdate():
            raise ActionRefused("The deadline is in the past. Choose a date from today onwards.")
        survey_round = SurveyRound.objects.create(
            term=term, question_set=question_set, deadline=deadline, opened_by=actor
        )
        record(survey_round, actor=actor, action="opened the round", note=f"Deadline {deadline:%-d %B %Y}.")
    return survey_round, _add_requests(survey_round, actor)


def _add_requests(survey_round: SurveyRound, actor) -> list[SurveyRequest]:
    """A request for each partner whose agreement requires the survey and whose
    standing lets it be asked (not suspended or terminated)."""
    have = SurveyRequest.objects.filter(round=survey_round).values("partner_id")
    wanted = list(
        agreements_requiring_surveys(survey_round.term)
        .exclude(partner_id__in=have)
        .select_related("partner")
        .order_by("partner_id")
    )
    standings = standings_of([a.partner for a in wanted])
    new = [
        SurveyRequest(round=survey_round, partner_id=a.partner_id, agreement=a, deadline=survey_round.deadline)
        for a in wanted
        if standings[a.partner_id].may(Action.SURVEY_REQUEST)[0]
    ]
    SurveyRequest.objects.bulk_create(new, ignore_conflicts=True)
    created = list(
        SurveyRequest.objects.filter(round=survey_round, partner_id__in=[r.partner_id for r in new]).select_related(
            "partner"
        )
    )
    users = partner_users([r.partner_id for r in created])
    for survey_request in created:
        notify(
            kind="surveys_round_opened",
            recipients=[u for u in users if u.partner_id == survey_request.partner_id],
            context={"request": survey_request, "round": survey_round},
            url=reverse("surveys:portal_request", args=[survey_request.pk]),
        )
    if created:
        record(
            survey_round,
            actor=actor,
            action="sent requests",
            note=", ".join(sorted(r.partner.name for r in created)),
        )
    return created


@transaction.atomic
def round_add_partners(*, survey_round: SurveyRound, actor) -> list[SurveyRequest]:
    """Give a request to partners whose agreement went live after the round opened."""
    enforce(permissions.may_open_round(actor))
    survey_round = SurveyRound.objects.select_for_update().select_related("term").get(pk=survey_round.pk)
    return _add_requests(survey_round, actor)


@transaction.atomic
def round_change_deadline(*, survey_round: SurveyRound, deadline: date, actor) -> SurveyRound:
    """Move the round's deadline, and with it every open request still on the old one
    (a request given its own date when it was returned keeps it)."""
    enforce(permissions.may_open_round(actor))
    survey_round = SurveyRound.objects.select_for_update().get(pk=survey_round.pk)
    if deadline < timezone.localdate():
        raise ActionRefused("The new deadline is in the past. Choose a date from today onwards.")
    old = survey_round.deadline
    SurveyRequest.objects.filter(round=survey_round, deadline=old, status__in=SurveyRequest.OPEN).update(
        deadline=deadline, updated_at=timezone.now()
    )
    survey_round.deadline = deadline
    survey_round.save(update_fields=["deadline"])
    record(survey_round, actor=actor, action="changed the deadline", note=f"{old:%-d %B %Y} → {deadline:%-d %B %Y}")
    return survey_round


# Requests ------------------------------------------------------------------------


def _write_answers(survey_request: SurveyRequest, values: list[AnswerValue]) -> None:
    """Store the answers in a few queries, whatever their number."""
    stored = {(a.question_id, a.outcome_id): a for a in Answer.objects.filter(request=survey_request)}
    delete_ids, create, update, grids = [], [], [], []
    for value in values:
        key = (value.question.pk, value.outcome.pk if value.outcome else None)
        answer = stored.get(key)
        if value.blank:
            if answer:
                delete_ids.append(answer.pk)
            continue
        if answer is None:
            answer = Answer(request=survey_request, question=value.question, outcome=value.outcome)
            create.append(answer)
        else:
            update.append(answer)
        answer.number, answer.text, answer.selected = value.number, value.text, value.selected
        if value.cells is not None:
            grids.append((answer, value.cells))
    Answer.objects.filter(pk__in=delete_ids).delete()
    Answer.objects.bulk_create(create)
    Answer.objects.bulk_update(update, ["number", "text", "selected"])
    if grids:
        GridCell.objects.filter(answer__in=[a for a, _ in grids if a.pk in {u.pk for u in update}]).delete()
        GridCell.objects.bulk_create(
            [GridCell(answer=answer, row=row, count=count) for answer, cells in grids for row, count in cells]
        )


@transaction.atomic
def request_save(*, survey_request: SurveyRequest, actor, values: list[AnswerValue]) -> SurveyRequest:
    """Save the partner's answers as a draft; a request not started (or returned) is now in progress."""
    survey_request = SurveyRequest.objects.select_for_update().get(pk=survey_request.pk)
    enforce(permissions.may_fill(actor, survey_request))
    require_standing(survey_request.partner, Action.SURVEY_ANSWER)
    _write_answers(survey_request, values)
    if survey_request.status != SurveyRequest.Status.IN_PROGRESS:
        note = "Revising it after the Hub returned it." if survey_request.returned_at else ""
        transition(survey_request, to=SurveyRequest.Status.IN_PROGRESS, actor=actor, note=note)
    else:
        survey_request.save(update_fields=["updated_at"])
    return survey_request


@transaction.atomic
def request_submit(*, survey_request: SurveyRequest, actor, values: list[AnswerValue]) -> SurveyRequest:
    """Send the completed survey to the Hub (the form has checked it is complete).
    It is read-only to the partner from now on unless staff return it."""
    survey_request = (
        SurveyRequest.objects.select_for_update().select_related("round__term", "partner").get(pk=survey_request.pk)
    )
    enforce(permissions.may_submit(actor, survey_request))
    require_standing(survey_request.partner, Action.SURVEY_ANSWER)
    _write_answers(survey_request, values)
    if not Answer.objects.filter(request=survey_request).exists():
        raise ActionRefused("There are no answers to submit yet. Answer the questions, then submit.")
    survey_request.submitted_at, survey_request.submitted_by = timezone.now(), actor
    transition(
        survey_request,
        to=SurveyRequest.Status.SUBMITTED,
        actor=actor,
        note="Resubmitted after changes." if survey_request.returned_at else "",
        update_fields=["submitted_at", "submitted_by"],
    )
    notify(
        kind="surveys_submitted",
        recipients=hub_staff_users(),
        context={"request": survey_request},
        url=reverse("surveys:request_detail", args=[survey_request.pk]),
    )
    return survey_request


@transaction.atomic
def request_accept(*, survey_request: SurveyRequest, actor, note: str = "") -> SurveyRequest:
    """Staff accept a submitted survey; its figures now count in the Hub's totals."""
    survey_request = (
        SurveyRequest.objects.select_for_update().select_related("round__term", "partner").get(pk=survey_request.pk)
    )
    enforce(permissions.may_review(actor, survey_request, "accepted"))
    survey_request.reviewed_at, survey_request.reviewed_by = timezone.now(), actor
    transition(
        survey_request,
        to=SurveyRequest.Status.ACCEPTED,
        actor=actor,
        note=note,
        update_fields=["reviewed_at", "reviewed_by"],
    )
    # Its figures now count: the cached reach figures are recomputed (now, and again once committed).
    aggregates.figures_changed()
    transaction.on_commit(aggregates.figures_changed, robust=True)
    notify(
        kind="surveys_accepted",
        recipients=partner_users([survey_request.partner_id]),
        context={"request": survey_request, "note": note},
        url=reverse("surveys:portal_request", args=[survey_request.pk]),
    )
    return survey_request


@transaction.atomic
def request_return(*, survey_request: SurveyRequest, actor, comment: str, resubmit_by: date) -> SurveyRequest:
    """Staff send a submitted survey back with a comment and a date to resubmit by;
    the partner can change it again."""
    survey_request = (
        SurveyRequest.objects.select_for_update().select_related("round__term", "partner").get(pk=survey_request.pk)
    )
    enforce(permissions.may_review(actor, survey_request, "returned"))
    comment = comment.strip()
    if not comment:
        raise ActionRefused("Say what the partner needs to change, so they know what to do.")
    if resubmit_by < timezone.localdate():
        raise ActionRefused("The date to resubmit by is in the past. Choose a date from today onwards.")
    now = timezone.now()
    survey_request.return_comment, survey_request.returned_at = comment, now
    survey_request.reviewed_at, survey_request.reviewed_by = now, actor
    survey_request.deadline = resubmit_by
    transition(
        survey_request,
        to=SurveyRequest.Status.RETURNED,
        actor=actor,
        note=comment,
        update_fields=["return_comment", "returned_at", "reviewed_at", "reviewed_by", "deadline"],
    )
    notify(
        kind="surveys_returned",
        recipients=partner_users([survey_request.partner_id]),
        context={"request": survey_request, "comment": comment},
        url=reverse("surveys:portal_request", args=[survey_request.pk]),
    )
    return survey_request


# Project evaluations ------------------------------------------------------------


def _evaluation_for_update(agreement: Agreement, actor) -> ProjectEvaluation:
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    evaluation = ProjectEvaluation.objects.select_for_update().filter(agreement=agreement).first()
    enforce(permissions.may_edit_evaluation(actor, agreement, evaluation))
    require_standing(agreement.partner, Action.SURVEY_ANSWER)
    if evaluation is None:
        evaluation = ProjectEvaluation.objects.create(agreement=agreement)
        record(evaluation, actor=actor, action="started the evaluation")
    return evaluation


EVALUATION_FIELDS = ["actual_reach", "actual_spend", "actual_match_funding", "learning", "legacy"]


def _write_evaluation(evaluation: ProjectEvaluation, data: dict, results: dict[int, dict]) -> None:
    for name in EVALUATION_FIELDS:
        if name in data:
            setattr(evaluation, name, data[name])
    evaluation.save(update_fields=[*EVALUATION_FIELDS, "updated_at"])
    stored = {r.outcome_id: r for r in evaluation.outcome_results.all()}
    outcomes = set(Outcome.objects.filter(agreement_id=evaluation.agreement_id).values_list("pk", flat=True))
    create, update = [], []
    for outcome_id, result in results.items():
        if outcome_id not in outcomes:
            continue
        row = stored.get(outcome_id)
        if row is None:
            row = OutcomeResult(evaluation=evaluation, outcome_id=outcome_id)
            create.append(row)
        else:
            update.append(row)
        row.achieved = result.get("achieved", "")
        row.met_target = bool(result.get("met_target"))
        row.commentary = result.get("commentary", "")
    OutcomeResult.objects.bulk_create(create)
    OutcomeResult.objects.bulk_update(update, ["achieved", "met_target", "commentary"])


@transaction.atomic
def evaluation_save(*, agreement: Agreement, actor, data: dict, results: dict[int, dict]) -> ProjectEvaluation:
    """Save the project evaluation as a draft (started on first save)."""
    evaluation = _evaluation_for_update(agreement, actor)
    _write_evaluation(evaluation, data, results)
    return evaluation


def evaluation_missing(evaluation: ProjectEvaluation) -> list[str]:
    """What a submitted evaluation must have and this one lacks, as phrases."""
    missing = [label for name, label in evaluation_missing_fields(evaluation) if not name.startswith("achieved_")]
    if len(missing) < len(evaluation_missing_fields(evaluation)):
        missing.append("what was achieved for every agreed outcome")
    return missing


def evaluation_missing_fields(evaluation: ProjectEvaluation) -> list[tuple[str, str]]:
    """What a submitted evaluation lacks, as (the evaluation form's field, phrase)."""
    missing = [
        (name, label)
        for name, label in [
            ("actual_reach", "the actual reach"),
            ("actual_spend", "the actual spend"),
            ("actual_match_funding", "the match funding raised"),
        ]
        if getattr(evaluation, name) is None
    ]
    missing += [
        (name, label)
        for name, label in [("learning", "what was learned"), ("legacy", "the legacy")]
        if not getattr(evaluation, name).strip()
    ]
    done = set(evaluation.outcome_results.exclude(achieved="").values_list("outcome_id", flat=True))
    missing += [
        (f"achieved_{pk}", "what was achieved for this outcome")
        for pk in Outcome.objects.filter(agreement_id=evaluation.agreement_id)
        .exclude(pk__in=done)
        .order_by("order", "pk")
        .values_list("pk", flat=True)
    ]
    return missing


@transaction.atomic
def evaluation_submit(*, agreement: Agreement, actor, data: dict, results: dict[int, dict]) -> ProjectEvaluation:
    """Save and send the evaluation to the Hub; refused while anything is missing."""
    evaluation = _evaluation_for_update(agreement, actor)
    _write_evaluation(evaluation, data, results)
    missing = evaluation_missing(evaluation)
    if missing:
        raise ActionRefused(
            "Your answers are saved, but before you submit, add " + ", ".join(missing) + ".",
            problems=[
                (name, f"Add {label} before you submit.") for name, label in evaluation_missing_fields(evaluation)
            ],
        )
    evaluation.submitted_at, evaluation.submitted_by = timezone.now(), actor
    transition(
        evaluation,
        to=ProjectEvaluation.Status.SUBMITTED,
        actor=actor,
        update_fields=["submitted_at", "submitted_by"],
    )
    notify(
        kind="surveys_evaluation_submitted",
        recipients=hub_staff_users(),
        context={"evaluation": evaluation, "agreement": evaluation.agreement},
        url=reverse("surveys:evaluation_detail", args=[evaluation.pk]),
    )
    return evaluation


@transaction.atomic
def evaluation_accept(*, evaluation: ProjectEvaluation, actor) -> ProjectEvaluation:
    evaluation = ProjectEvaluation.objects.select_for_update().select_related("agreement").get(pk=evaluation.pk)
    enforce(permissions.may_review_evaluation(actor, evaluation, "accepted"))
    evaluation.reviewed_at, evaluation.reviewed_by = timezone.now(), actor
    transition(
        evaluation, to=ProjectEvaluation.Status.ACCEPTED, actor=actor, update_fields=["reviewed_at", "reviewed_by"]
    )
    notify(
        kind="surveys_evaluation_accepted",
        recipients=partner_users([evaluation.agreement.partner_id]),
        context={"evaluation": evaluation, "agreement": evaluation.agreement},
        url=reverse("surveys:portal_evaluation", args=[evaluation.agreement_id]),
    )
    return evaluation


@transaction.atomic
def evaluation_return(*, evaluation: ProjectEvaluation, actor, comment: str) -> ProjectEvaluation:
    evaluation = ProjectEvaluation.objects.select_for_update().select_related("agreement").get(pk=evaluation.pk)
    enforce(permissions.may_review_evaluation(actor, evaluation, "returned"))
    comment = comment.strip()
    if not comment:
        raise ActionRefused("Say what the partner needs to change, so they know what to do.")
    evaluation.return_comment = comment
    evaluation.reviewed_at, evaluation.reviewed_by = timezone.now(), actor
    transition(
        evaluation,
        to=ProjectEvaluation.Status.RETURNED,
        actor=actor,
        note=comment,
        update_fields=["return_comment", "reviewed_at", "reviewed_by"],
    )
    notify(
        kind="surveys_evaluation_returned",
        recipients=partner_users([evaluation.agreement.partner_id]),
        context={"evaluation": evaluation, "agreement": evaluation.agreement, "comment": comment},
        url=reverse("surveys:portal_evaluation", args=[evaluation.agreement_id]),
    )
    return evaluation


# Case studies and consent ---------------------------------------------------------

CASE_STUDY_FIELDS = ["title", "story", "quotes", "about_young_person", "evaluation", "survey_request"]


@transaction.atomic
def case_study_create(*, partner: Partner, actor, data: dict) -> CaseStudy:
    """A partner's new case study, a draft until staff publish it."""
    enforce(permissions.may_write_case_study(actor, partner))
    require_standing(partner, Action.SURVEY_ANSWER)
    case_study = CaseStudy(partner=partner, created_by=actor)
    for name in CASE_STUDY_FIELDS:
        setattr(case_study, name, data.get(name, getattr(case_study, name)))
    case_study.save()
    record(case_study, actor=actor, action="wrote the case study")
    return case_study


@transaction.atomic
def case_study_update(*, case_study: CaseStudy, actor, data: dict) -> CaseStudy:
    case_study = CaseStudy.objects.select_for_update().get(pk=case_study.pk)
    enforce(permissions.may_edit_case_study(actor, case_study))
    require_standing(case_study.partner, Action.SURVEY_ANSWER)
    for name in CASE_STUDY_FIELDS:
        if name in data:
            setattr(case_study, name, data[name])
    case_study.save()
    record(case_study, actor=actor, action="edited the case study")
    return case_study


@transaction.atomic
def consent_record(*, case_study: CaseStudy, actor, data: dict) -> Consent:
    """Record consent the partner holds: who gave it, their relationship, when, for which uses."""
    case_study = CaseStudy.objects.select_for_update().get(pk=case_study.pk)
    enforce(permissions.may_record_consent(actor, case_study))
    if data["given_on"] > timezone.localdate():
        raise ActionRefused("The date consent was given is in the future. Enter the date it was given.")
    consent = Consent.objects.create(
        case_study=case_study,
        given_by=data["given_by"],
        relationship=data["relationship"],
        given_on=data["given_on"],
        uses=list(data["uses"]),
        recorded_by=actor,
    )
    record(
        case_study, actor=actor, action="recorded consent", note=f"{consent} for {', '.join(consent.uses_display())}"
    )
    return consent


@transaction.atomic
def consent_withdraw(*, consent: Consent, actor, on: date | None = None) -> Consent:
    """Consent withdrawn: the case study can no longer be used for those uses; if it
    was published and no consent for publishing is left, it is taken down."""
    consent = Consent.objects.select_for_update().select_related("case_study").get(pk=consent.pk)
    case_study = consent.case_study
    require(
        permissions.may_record_consent(actor, case_study)[0] or roles.is_hub_staff(actor),
        "Only the partner or Hub staff can record that consent was withdrawn.",
    )
    if consent.withdrawn_on is not None:
        raise ActionRefused(f"This consent was already withdrawn on {consent.withdrawn_on:%-d %B %Y}.")
    consent.withdrawn_on = on or timezone.localdate()
    consent.save(update_fields=["withdrawn_on"])
    record(case_study, actor=actor, action="recorded consent withdrawn", note=str(consent))
    case_study = CaseStudy.objects.select_for_update().get(pk=case_study.pk)
    if case_study.status == CaseStudy.Status.PUBLISHED and consent_blocker(case_study, use=PUBLISH_USE):
        case_study.published_at = None
        transition(
            case_study,
            to=CaseStudy.Status.DRAFT,
            actor=actor,
            note="Taken down: consent for publishing was withdrawn.",
            update_fields=["published_at"],
        )
    return consent


@transaction.atomic
def image_add(*, case_study: CaseStudy, actor, file, alt_text: str, shows_young_person: bool) -> CaseStudyImage:
    case_study = CaseStudy.objects.select_for_update().get(pk=case_study.pk)
    enforce(permissions.may_edit_case_study(actor, case_study))
    image = CaseStudyImage.objects.create(
        case_study=case_study,
        file=file,
        original_filename=file.name[:255],
        alt_text=alt_text,
        shows_young_person=shows_young_person,
        uploaded_by=actor,
    )
    record(case_study, actor=actor, action="added an image", note=image.original_filename)
    return image


@transaction.atomic
def image_delete(*, image: CaseStudyImage, actor) -> CaseStudy:
    case_study = CaseStudy.objects.select_for_update().get(pk=image.case_study_id)
    enforce(permissions.may_edit_case_study(actor, case_study))
    name = image.original_filename
    image.file.delete(save=False)
    image.delete()
    record(case_study, actor=actor, action="removed an image", note=name)
    return case_study


@transaction.atomic
def case_study_publish(*, case_study: CaseStudy, actor) -> CaseStudy:
    """Publish a case study; refused without consent for publishing where a young person is in it."""
    case_study = CaseStudy.objects.select_for_update().get(pk=case_study.pk)
    enforce(permissions.may_publish_case_study(actor, case_study))
    blocker = consent_blocker(case_study, use=PUBLISH_USE)
    if blocker:
        raise ActionRefused(blocker)
    case_study.published_at = timezone.now()
    transition(case_study, to=CaseStudy.Status.PUBLISHED, actor=actor, update_fields=["published_at"])
    return case_study


@transaction.atomic
def case_study_unpublish(*, case_study: CaseStudy, actor, note: str = "") -> CaseStudy:
    case_study = CaseStudy.objects.select_for_update().get(pk=case_study.pk)
    enforce(permissions.may_unpublish_case_study(actor, case_study))
    case_study.published_at = None
    transition(case_study, to=CaseStudy.Status.DRAFT, actor=actor, note=note, update_fields=["published_at"])
    return case_study


# Income ------------------------------------------------------------------------------


@transaction.atomic
def income_record(
    *, partner: Partner, actor, academic_year: int, source: str, amount: Decimal, description: str = ""
) -> IncomeRecord:
    """Income the partner secured from a source other than the Hub Grant."""
    enforce(permissions.may_record_income(actor, partner.pk))
    require_standing(partner, Action.SURVEY_ANSWER)
    if amount <= 0:
        raise ActionRefused("Enter an amount greater than £0.")
    return IncomeRecord.objects.create(
        partner=partner,
        academic_year=academic_year,
        source=source,
        amount=amount,
        description=description,
        recorded_by=actor,
    )


@transaction.atomic
def income_delete(*, income: IncomeRecord, actor) -> None:
    """A partner removes an income record it entered by mistake."""
    enforce(permissions.may_record_income(actor, income.partner_id))
    IncomeRecord.objects.filter(pk=income.pk).delete()
