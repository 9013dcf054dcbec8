"""The Django admin is no side door round a rule (issue 18, item 10).

Every model registered with the admin is, here, one of three things:

- history (its admin is a ``ReadOnlyAdmin``): nothing is added, changed or deleted;
- rule-bearing: a case below makes one in the state its rules lock, opens its
  change form as the ``admin`` superuser, re-posts the form as the admin shows
  it (which must be accepted, so the sweep is not fooled by a form error), then
  posts a change to each field that carries a rule, in the record and in its
  inlines (a changed row, a deleted row, an added row), and asserts that
  nothing changed;
- reference data with no rule of the lifecycle on it (``NO_RULES``, each with why).

The models are found in ``admin.site._registry``, so a newly registered model
fails ``test_every_admin_model_is_classified`` until it is put in one of them.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django import forms
from django.contrib import admin
from django.contrib.auth.models import Group
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from agreements.models import (
    Agreement,
    AgreementTemplate,
    AnnualReview,
    Outcome,
    OutcomeReview,
    PaymentInstalment,
    TerminationRecommendation,
)
from complaints.models import Complaint
from eoi.models import (
    BudgetLine,
    Call,
    Criterion,
    ExpressionOfInterest,
    FundingSource,
    Gap,
    NeedsAnalysis,
    ProcurementBand,
    TargetGroup,
)
from hubportal.core.academic_years import SPRING
from hubportal.core.admin import ReadOnlyAdmin
from hubportal.models import Hub, MessageTemplate, Term, User
from hubportal.privacy.models import RetentionRule
from partners.models import (
    ActivityType,
    Contact,
    District,
    EvidenceItem,
    EvidenceType,
    Meeting,
    NationalPlanStrand,
    Partner,
    PartnerType,
)
from surveys.models import (
    CaseStudy,
    Consent,
    IncomeRecord,
    OutcomeResult,
    ProjectEvaluation,
    Question,
    QuestionSet,
    SurveyRequest,
    SurveyRound,
)
from tests.agreements.factories import AgreementFactory, PaymentInstalmentFactory
from tests.complaints.factories import ComplaintFactory
from tests.eoi.factories import CallFactory, CriterionFactory, ExpressionOfInterestFactory
from tests.partners.factories import EvidenceItemFactory, MeetingFactory
from tests.surveys.factories import (
    CaseStudyFactory,
    EvaluationFactory,
    SurveyRequestFactory,
    SurveyRoundFactory,
    consent_for,
)

# Reference data and records that carry no rule of any lifecycle; why each is here.
NO_RULES = {
    District: "reference data",
    NationalPlanStrand: "reference data",
    ActivityType: "reference data",
    PartnerType: "reference data: the policy's partner types, set by the Hub",
    EvidenceType: "reference data: which minimum standards the Hub requires, and for how long",
    Contact: "a partner's contact details, corrected by staff or the partner",
    TargetGroup: "reference data",
    ProcurementBand: "reference data: an award keeps its route as it stood",
    NeedsAnalysis: "the Hub's own analysis, written by staff",
    Gap: "the Hub's own analysis, written by staff",
    AgreementTemplate: "a template: agreements copy it when drafted, and keep their copy",
    Term: "reference data: the academic year's terms",
    MessageTemplate: "the wording of messages",
    IncomeRecord: "income a partner reports; no lifecycle",
    # The sign-in machinery the admin exists to manage.
    Group: "the roles and their permissions (hubportal.core.roles sets them after every migration)",
    TOTPDevice: "a user's two-factor device: view-only; a reset goes through the audited page",
    StaticDevice: "a user's recovery codes: view-only; a reset goes through the audited page",
    Hub: "the Hub's own terms: an admin saves them through hub_update (history); the floor stays >= 50% by a check",
    RetentionRule: "the retention schedule's periods, set by an admin; its kind, trigger and key are read-only",
    AccessAttempt: "django-axes' record of failed sign-ins (an admin unlocks an account here)",
    AccessLog: "django-axes' record of sign-ins",
    AccessFailureLog: "django-axes' record of failed sign-ins",
}


@dataclass
class Case:
    """One rule-bearing record in the state its rules lock, and what to try on it."""

    make: object  # function(cast) -> the record
    fields: dict  # field name -> a value the rules forbid posting
    rows: dict = field(default_factory=dict)  # inline model -> {field: value} for its first row
    add_rows: dict = field(default_factory=dict)  # inline model -> the fields of a new row
    undeletable: bool = True
    no_add: bool = True


def _days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def _active(cast) -> Partner:
    partner = cast["partner_a"]
    Partner.objects.filter(pk=partner.pk).update(status=Partner.Stage.ACTIVE)
    partner.refresh_from_db()
    return partner


def _with_staff(meeting: Meeting, cast) -> Meeting:
    meeting.hlo_representatives.add(cast["staff"])
    return meeting


def _live(cast, **kwargs) -> Agreement:
    return AgreementFactory(partner=_active(cast), live=True, issued_at=timezone.now(), **kwargs)


def _submitted_eoi(cast) -> ExpressionOfInterest:
    return ExpressionOfInterestFactory(
        partner=_active(cast),
        status=ExpressionOfInterest.Status.UNDER_ASSESSMENT,
        submitted_at=timezone.now(),
        moderated_score=Decimal("3.50"),
        moderation_note="Moderated.",
    )


def _recommendation(cast, **decision) -> TerminationRecommendation:
    return TerminationRecommendation.objects.create(
        agreement=_live(cast),
        kind=TerminationRecommendation.Kind.NOT_RENEW,
        reasons=["data"],
        evidence="No survey returned.",
        raised_by=cast["staff"],
        **decision,
    )


def _completed_review(cast) -> AnnualReview:
    agreement = _live(cast)
    review = AnnualReview.objects.create(
        agreement=agreement,
        held_on=_days(-3),
        recommendation=AnnualReview.Recommendation.RENEW,
        reviewed_by=cast["staff"],
        completed_at=timezone.now(),
    )
    OutcomeReview.objects.create(review=review, outcome=agreement.outcomes.first(), rating="met")
    return review


def _scored_assignment(cast):
    from eoi.models import AssessorAssignment, Score

    eoi = _submitted_eoi(cast)
    criterion = CriterionFactory(call=eoi.call)
    assignment = AssessorAssignment.objects.create(
        eoi=eoi,
        assessor=cast["assessor"],
        assigned_by=cast["staff"],
        has_conflict=False,
        declared_at=timezone.now(),
        completed_at=timezone.now(),
    )
    Score.objects.create(assignment=assignment, criterion=criterion, score=4, comment="Strong.")
    return assignment


def _award(cast):
    from tests.agreements.factories import award_for

    eoi = _submitted_eoi(cast)
    ExpressionOfInterest.objects.filter(pk=eoi.pk).update(status=ExpressionOfInterest.Status.SUCCESSFUL)
    return award_for(eoi, Decimal("5000.00"), cast["staff"])


def _submitted_request(cast) -> SurveyRequest:
    return SurveyRequestFactory(
        agreement=_live(cast), status=SurveyRequest.Status.SUBMITTED, submitted_at=timezone.now()
    )


def _submitted_evaluation(cast) -> ProjectEvaluation:
    evaluation = EvaluationFactory(status=ProjectEvaluation.Status.SUBMITTED, submitted_at=timezone.now())
    outcome = evaluation.agreement.outcomes.first()
    OutcomeResult.objects.create(evaluation=evaluation, outcome=outcome, achieved="All of it", met_target=True)
    return evaluation


def _asked_question(cast) -> Question:
    from tests.surveys.factories import QuestionFactory

    round_ = SurveyRoundFactory(opened_by=cast["staff"])
    return QuestionFactory(question_set=round_.question_set, code="reach", text="How many children?")


def _published_story(cast) -> CaseStudy:
    story = CaseStudyFactory(partner=_active(cast), status=CaseStudy.Status.PUBLISHED, published_at=timezone.now())
    consent_for(story, "portal", "report")
    return story


CASES = {
    "partner": Case(
        make=_active,
        fields={"status": Partner.Stage.TERMINATED, "status_reason": "Rewritten"},
        rows={EvidenceItem: {"status": "rejected"}},
        no_add=False,  # an enquiry may be entered here; it starts at Enquiry like any other
    ),
    "evidence in force": Case(
        make=lambda cast: EvidenceItemFactory(
            partner=_active(cast), status=EvidenceItem.Status.VERIFIED, issued_on=_days(-30), expires_on=_days(300)
        ),
        fields={
            "status": "rejected",
            "expires_on": str(_days(-1)),
            "issued_on": str(_days(-900)),
            "previous_in_force_until": str(_days(900)),
        },
    ),
    "a recorded meeting": Case(
        make=lambda cast: MeetingFactory(
            partner=cast["partner_a"],
            scheduled_by=cast["staff"],
            outcome=Meeting.Outcome.PROCEED,
            recorded_by=cast["staff"],
            recorded_at=timezone.now(),
        ),
        fields={"outcome": "not_proceed", "notes": "Rewritten", "partner": "partner_b"},
    ),
    "a scheduled meeting": Case(
        make=lambda cast: _with_staff(MeetingFactory(partner=cast["partner_a"], scheduled_by=cast["staff"]), cast),
        fields={"outcome": "proceed", "partner": "partner_b"},
    ),
    "a draft agreement": Case(
        make=lambda cast: AgreementFactory(partner=cast["partner_a"]),
        fields={"status": Agreement.Status.LIVE, "partner": "partner_b", "review_exception": "No review needed"},
        undeletable=False,
    ),
    "a live agreement": Case(
        make=_live,
        fields={
            "status": Agreement.Status.DRAFT,
            "basis": "Rewritten",
            "conditions": "None",
            "academic_year": "2099",
            "review_exception": "No review needed",
        },
        rows={Outcome: {"target": "1 a year"}},
        add_rows={Outcome: {"order": "9", "description": "New", "measure": "M", "target": "T"}},
    ),
    "a signed project agreement": Case(
        make=lambda cast: PaymentInstalmentFactory(agreement=_live(cast, project=True)).agreement,
        fields={"hub_contribution": "9999.00", "match_funding_commitment": "1.00", "status": "draft"},
        rows={PaymentInstalment: {"amount": "9999.00"}},
        add_rows={PaymentInstalment: {"milestone": "More", "due_on": str(_days(5)), "amount": "100.00"}},
    ),
    "an outcome of a live agreement": Case(
        make=lambda cast: _live(cast).outcomes.first(),
        fields={"target": "1 a year", "description": "Rewritten"},
    ),
    "an instalment of a signed project": Case(
        make=lambda cast: PaymentInstalmentFactory(agreement=_live(cast, project=True)),
        fields={"amount": "9999.00"},
    ),
    "a completed annual review": Case(
        make=_completed_review,
        fields={"recommendation": AnnualReview.Recommendation.TERMINATE, "completed_at": ""},
        rows={OutcomeReview: {"rating": "not_met"}},
    ),
    "an outcome review of a completed review": Case(
        make=lambda cast: _completed_review(cast).outcome_reviews.first(),
        fields={"rating": "not_met"},
    ),
    "a recommendation before the decision": Case(
        make=_recommendation,
        fields={
            "kind": TerminationRecommendation.Kind.TERMINATE,
            "reasons": '["safeguarding"]',
            "decision": "upheld",
            "decided_at": str(timezone.now()),
        },
    ),
    "a decided recommendation": Case(
        make=lambda cast: _recommendation(
            cast, decision="upheld", decision_reasons="Upheld.", decided_by=cast["chair"], decided_at=timezone.now()
        ),
        fields={"decision": "rejected", "decision_reasons": "Rewritten", "kind": "terminate", "evidence": "Rewritten"},
    ),
    "a complaint in investigation": Case(
        make=lambda cast: ComplaintFactory(partner=cast["partner_a"], status=Complaint.Status.INVESTIGATING),
        fields={"status": Complaint.Status.CLOSED, "category": Complaint.Category.SAFEGUARDING},
    ),
    "an open call": Case(
        make=lambda cast: CriterionFactory(call=CallFactory(status=Call.Status.OPEN), weight=2).call,
        fields={
            "status": Call.Status.DRAFT,
            "match_threshold_percent": "10",
            "in_kind_counts": "",
            "max_hub_grant": "999999.00",
            "closes_at": "",
        },
        rows={Criterion: {"weight": "5"}},
        add_rows={Criterion: {"name": "Added late", "weight": "3", "order": "9"}},
        no_add=False,  # a draft call may be written here; it opens through the service
    ),
    "a draft call": Case(
        make=lambda cast: CallFactory(status=Call.Status.DRAFT),
        fields={"status": Call.Status.OPEN},
        undeletable=False,
        no_add=False,
    ),
    "a submitted EOI": Case(
        make=_submitted_eoi,
        fields={
            "status": ExpressionOfInterest.Status.SUCCESSFUL,
            "title": "Rewritten",
            "total_cost": "100000.00",
            "hub_grant_requested": "90000.00",
            "moderated_score": "5.00",
            "moderation_note": "Rewritten",
            "decision_reasons": "Decided in the admin",
            "partner": "partner_b",
        },
        rows={BudgetLine: {"amount": "1.00"}, FundingSource: {"amount": "9000.00", "kind": "own_funds"}},
        add_rows={FundingSource: {"kind": "other_grants", "amount": "100000.00", "confirmed": "on"}},
    ),
    "a draft EOI": Case(
        make=lambda cast: ExpressionOfInterestFactory(partner=_active(cast)),
        fields={
            "status": ExpressionOfInterest.Status.SUBMITTED,
            "hub_grant_requested": "9000.00",
            "moderated_score": "5",
        },
        undeletable=False,
    ),
    "a scored assignment": Case(
        make=_scored_assignment,
        fields={"has_conflict": "true", "completed_at": "", "assessor": "staff"},
    ),
    "an award": Case(make=_award, fields={"amount": "9999.00"}),
    "a submitted survey return": Case(
        make=_submitted_request,
        fields={
            "status": SurveyRequest.Status.ACCEPTED,
            "partner": "partner_b",
            "round": "other_round",
            "agreement": "other_agreement",
        },
    ),
    "an open survey round": Case(
        make=lambda cast: SurveyRoundFactory(opened_by=cast["staff"]),
        fields={"question_set": "other_question_set"},
    ),
    "a submitted evaluation": Case(
        make=_submitted_evaluation,
        fields={"status": ProjectEvaluation.Status.ACCEPTED, "learning": "Rewritten", "actual_reach": "9999"},
        rows={OutcomeResult: {"achieved": "Nothing", "met_target": ""}},
    ),
    "a question set a round asked": Case(
        make=lambda cast: _asked_question(cast).question_set,
        fields={"name": "Renamed", "term": "spring"},
        rows={Question: {"text": "Reworded"}},
        add_rows={Question: {"order": "99", "code": "added", "text": "Added late", "type": "integer"}},
        undeletable=False,  # a set a round uses is protected by the database (PROTECT)
        no_add=False,
    ),
    "a question a round asked": Case(
        make=lambda cast: _asked_question(cast),
        fields={"text": "Reworded", "type": "long_text", "question_set": "other_question_set"},
        undeletable=False,  # the database keeps it while answers point at it (PROTECT)
        no_add=False,
    ),
    "a published case study": Case(
        make=_published_story,
        fields={"status": CaseStudy.Status.DRAFT, "about_young_person": "", "story": "Rewritten"},
        rows={Consent: {"given_by": "Nobody", "uses": "[]"}},
        undeletable=False,  # its consent and published state are the rule; deleting unpublishes nothing
        no_add=False,
    ),
    "a partner's user": Case(
        make=lambda cast: cast["partner_a_user"],
        fields={"partner": "partner_b"},
        undeletable=False,
        no_add=False,
    ),
}


# The rule-bearing models the cases make (each case checks its record is one of
# these, or has a read-only admin).
CASE_MODELS = {
    Partner,
    EvidenceItem,
    Meeting,
    Agreement,
    Outcome,
    PaymentInstalment,
    AnnualReview,
    OutcomeReview,
    TerminationRecommendation,
    Complaint,
    Call,
    ExpressionOfInterest,
    SurveyRequest,
    SurveyRound,
    ProjectEvaluation,
    CaseStudy,
    QuestionSet,
    Question,
    User,
}


# --- posting a change form as the admin shows it ----------------------------------


def _put(data: dict, bound) -> None:
    """Write a bound field's shown value the way the browser would post it."""
    widget, name, value = bound.field.widget, bound.html_name, bound.value()
    if isinstance(widget, forms.CheckboxInput):
        if value:
            data[name] = "on"
        return
    if value is None:
        return
    if isinstance(widget, forms.MultiWidget):
        parts = value if isinstance(value, list | tuple) else widget.decompress(value)
        for i, part in enumerate(parts):
            data[f"{name}_{i}"] = "" if part is None else str(part)
        return
    prepared = bound.field.prepare_value(value)
    data[name] = [str(v) for v in prepared] if isinstance(prepared, list | tuple) else str(prepared)


def shown_form(page) -> tuple[dict, dict]:
    """The change form's data as shown, and each inline formset by its model."""
    data, formsets = {}, {}
    forms_shown = [page.context["adminform"].form]
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        formsets[formset.model] = formset
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = str(management[name].value())
        forms_shown += formset.forms
    for form in forms_shown:
        for bound in form:
            _put(data, bound)
    return data, formsets


def _snapshot(obj) -> dict:
    fresh = type(obj).objects.get(pk=obj.pk)
    # Every field but a save's own stamp (auto_now): re-saving the same values is no change.
    values = {f.name: f.value_from_object(fresh) for f in fresh._meta.concrete_fields if not _stamp(f)}
    for m2m in fresh._meta.many_to_many:
        values[m2m.name] = sorted(o.pk for o in m2m.value_from_object(fresh))
    return values


def _stamp(model_field) -> bool:
    return getattr(model_field, "auto_now", False)


def _rows(obj, model) -> list[dict]:
    fk = next(f for f in model._meta.fields if f.is_relation and isinstance(obj, f.related_model))
    return [
        {f.name: f.value_from_object(row) for f in model._meta.concrete_fields if not _stamp(f)}
        for row in model.objects.filter(**{fk.name: obj}).order_by("pk")
    ]


def _value(value, others: dict) -> str:
    """A case's value, or the pk of another record named by it."""
    return str(others[value].pk) if value in others else value


@pytest.fixture
def cast(partner_a, partner_b, staff, assessor, chair, admin_user, partner_a_user):
    from tests.surveys.factories import QuestionSetFactory, current_term

    return {
        "partner_a": partner_a,
        "partner_b": partner_b,
        "staff": staff,
        "assessor": assessor,
        "chair": chair,
        "admin": admin_user,
        "partner_a_user": partner_a_user,
    }, lambda: {
        "partner_b": partner_b,
        "staff": staff,
        "other_round": SurveyRoundFactory(term=current_term(SPRING), opened_by=staff),
        "other_question_set": QuestionSetFactory(),
        "other_agreement": AgreementFactory(partner=partner_b),
    }


def _urls(obj) -> tuple[str, str, str]:
    meta = obj._meta
    base = f"admin:{meta.app_label}_{meta.model_name}"
    return reverse(f"{base}_change", args=[obj.pk]), reverse(f"{base}_delete", args=[obj.pk]), reverse(f"{base}_add")


@pytest.mark.parametrize("name", list(CASES))
def test_the_admin_cannot_change_what_carries_a_rule(name, cast, client_for):
    people, make_others = cast
    case = CASES[name]
    obj = case.make(people)
    assert type(obj) in CASE_MODELS or isinstance(admin.site._registry[type(obj)], ReadOnlyAdmin), name
    others = make_others()
    client = client_for(people["admin"])
    change, delete, add = _urls(obj)
    page = client.get(change)
    assert page.status_code == 200, name
    data, formsets = shown_form(page)

    # The form as shown is accepted (or the record is not changeable at all):
    # the changes below are refused by the admin, not by a form error.
    control = client.post(change, data)
    assert control.status_code in (302, 403), (name, _errors(control))
    before = _snapshot(obj)
    rows_before = {model: _rows(obj, model) for model in {*case.rows, *case.add_rows}}

    for field_name, value in case.fields.items():
        response = client.post(change, {**data, field_name: _value(value, others)})
        assert response.status_code in (200, 302, 403), (name, field_name)
        assert _snapshot(obj) == before, f"{name}: the admin changed {field_name}"

    for model, changes in case.rows.items():
        prefix = formsets[model].prefix
        for field_name, value in changes.items():
            client.post(change, {**data, f"{prefix}-0-{field_name}": value})
            assert _rows(obj, model) == rows_before[model], f"{name}: the admin changed {model.__name__}.{field_name}"
        client.post(change, {**data, f"{prefix}-0-DELETE": "on"})
        assert _rows(obj, model) == rows_before[model], f"{name}: the admin deleted a {model.__name__}"

    for model, new_row in case.add_rows.items():
        prefix = formsets[model].prefix
        total = int(data[f"{prefix}-TOTAL_FORMS"])
        added = {f"{prefix}-{total}-{k}": v for k, v in new_row.items()}
        client.post(change, {**data, **added, f"{prefix}-TOTAL_FORMS": str(total + 1)})
        assert _rows(obj, model) == rows_before[model], f"{name}: the admin added a {model.__name__}"

    if case.undeletable:
        client.post(delete, {"post": "yes"})
        assert type(obj).objects.filter(pk=obj.pk).exists(), f"{name}: the admin deleted it"
        # Nor with the changelist's "delete selected" action, which asks each record.
        changelist = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_changelist")
        client.post(changelist, {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"})
        assert type(obj).objects.filter(pk=obj.pk).exists(), f"{name}: the admin deleted it from the list"
    if case.no_add:
        assert client.get(add).status_code == 403, f"{name}: the admin can add one"


def _errors(response) -> str:
    context = getattr(response, "context", None)
    if not context or "adminform" not in context:
        return ""
    errors = [context["adminform"].form.errors]
    errors += [inline.formset.errors for inline in context.get("inline_admin_formsets", [])]
    return str(errors)


def test_a_draft_stays_editable_where_its_rules_allow(partner_a, admin_user, client_for):
    """The locks are not the admin switched off: a draft EOI's money and a
    draft call's terms are still the admin's to correct."""
    client = client_for(admin_user)
    draft = ExpressionOfInterestFactory(partner=partner_a)
    change, _, _ = _urls(draft)
    data, formsets = shown_form(client.get(change))
    prefix = formsets[BudgetLine].prefix
    assert client.post(change, {**data, f"{prefix}-0-amount": "12000.00"}).status_code == 302
    assert draft.budget_lines.get().amount == Decimal("12000.00")

    call = CallFactory(status=Call.Status.DRAFT)
    change, _, _ = _urls(call)
    data, _ = shown_form(client.get(change))
    assert client.post(change, {**data, "max_hub_grant": "7500.00"}).status_code == 302
    call.refresh_from_db()
    assert call.max_hub_grant == Decimal("7500.00")


def test_every_admin_model_is_classified():
    unclassified = [
        model.__name__
        for model, model_admin in admin.site._registry.items()
        if model not in CASE_MODELS and model not in NO_RULES and not isinstance(model_admin, ReadOnlyAdmin)
    ]
    assert not unclassified, (
        f"Registered with the admin but not in tests/security/test_admin_rules.py: {unclassified}. "
        "Add a case for its rule-bearing fields, make its admin a ReadOnlyAdmin, or say in NO_RULES why it has none."
    )


def test_history_admins_add_change_and_delete_nothing(admin_user):
    request = RequestFactory().get("/")
    request.user = admin_user
    for model, model_admin in admin.site._registry.items():
        if isinstance(model_admin, ReadOnlyAdmin):
            assert not model_admin.has_add_permission(request), model
            assert not model_admin.has_change_permission(request), model
            assert not model_admin.has_delete_permission(request), model


def test_a_draft_agreement_may_still_be_deleted_from_the_list(partner_a, admin_user, client_for):
    """The list's "delete selected" works where the rules allow it, so the
    sweep's refusal above is the lock, not a malformed request."""
    draft = AgreementFactory(partner=partner_a)
    changelist = reverse("admin:agreements_agreement_changelist")
    client_for(admin_user).post(
        changelist, {"action": "delete_selected", "_selected_action": [draft.pk], "post": "yes"}
    )
    assert not Agreement.objects.filter(pk=draft.pk).exists()
