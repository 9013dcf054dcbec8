"""A free-text field's length limit is the same in the form, the model and the
database (hubportal.core.text_limits), and long answers carry a counter."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from complaints.models import Complaint
from hubportal.core import text_limits
from tests.complaints.factories import ComplaintFactory
from tests.complaints.test_public_form import URL, valid
from tests.eoi.factories import ExpressionOfInterestFactory


def test_the_public_complaint_form_refuses_an_account_over_the_limit_and_keeps_it(client, db):
    too_long = "x" * (text_limits.ACCOUNT + 1)
    page = client.post(URL, valid(account=too_long))
    assert page.status_code == 200
    assert "Ensure this value has at most 10000 characters" in page.text
    assert not Complaint.objects.exists()
    assert client.post(URL, valid(account="x" * text_limits.ACCOUNT)).status_code == 302


def test_the_public_complaint_form_says_its_limits_to_the_browser(client, db):
    page = client.get(URL).text
    assert f'maxlength="{text_limits.ACCOUNT}"' in page and f'maxlength="{text_limits.OUTCOME}"' in page
    assert "js/hubportal.js" in page  # the counter, from a file: the CSP allows no inline script


def test_the_database_refuses_a_complaint_account_over_the_limit(db):
    complaint = ComplaintFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Complaint.objects.filter(pk=complaint.pk).update(account="x" * (text_limits.ACCOUNT + 1))


@pytest.mark.parametrize("field", ["what", "how", "legacy"])
def test_an_eoi_answer_is_limited_in_the_model_and_the_database(field, db):
    eoi = ExpressionOfInterestFactory()
    setattr(eoi, field, "x" * (text_limits.ANSWER + 1))
    with pytest.raises(ValidationError, match="must be at most 5,000 characters"):
        eoi.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        type(eoi).objects.filter(pk=eoi.pk).update(**{field: "x" * (text_limits.ANSWER + 1)})


def test_the_eoi_form_gives_each_long_answer_its_limit():
    from eoi.forms import EoiForm
    from eoi.models import LONG_ANSWERS

    fields = EoiForm.base_fields
    for name in LONG_ANSWERS:
        if name in fields:
            assert fields[name].max_length == text_limits.ANSWER, name
            assert fields[name].widget_attrs(fields[name].widget)["maxlength"] == str(text_limits.ANSWER)


# Text the system writes, not a person: no limit needed. Each with its reason.
SYSTEM_WRITTEN = {
    "hubportal.HistoryEntry.note": "history is written by services, from limited inputs",
    "hubportal.OutboundEmail.body": "an email rendered by the system from a template",
    "hubportal.OutboundEmail.last_error": "the mail server's error, recorded by the outbox",
    "hubportal.Notification.body": "rendered by the system from a template",
    "hubportal.Reminder.error": "a worker's error, recorded by the system",
    "hubportal.BoardReport.error": "a worker's error, recorded by the system",
    "agreements.AgreementVersion.text": "the composed text of a version, built by the system from limited clauses",
}
OUR_APPS = {"hubportal", "privacy", "partners", "agreements", "eoi", "surveys", "complaints"}


def _text_fields():
    from django.apps import apps
    from django.db import models

    for model in apps.get_models():
        if model._meta.app_label not in OUR_APPS:
            continue
        for field in model._meta.get_fields():
            if isinstance(field, models.TextField) and field.concrete:
                yield f"{model._meta.app_label}.{model.__name__}.{field.name}", model, field


def _length_check(model, field_name):
    """The limit a model's check constraint puts on a field's length, or None."""
    from django.db.models import CheckConstraint
    from django.db.models.functions import Length
    from django.db.models.lookups import LessThanOrEqual

    for constraint in model._meta.constraints:
        condition = getattr(constraint, "condition", None)
        if (
            isinstance(constraint, CheckConstraint)
            and isinstance(condition, LessThanOrEqual)
            and isinstance(condition.lhs, Length)
            and condition.lhs.source_expressions[0].name == field_name
        ):
            return condition.rhs
    return None


def test_every_text_field_a_person_types_into_has_the_same_limit_in_model_and_database():
    missing = []
    for label, model, field in _text_fields():
        if label in SYSTEM_WRITTEN:
            continue
        if field.max_length is None:
            missing.append(f"{label}: no max_length")
        elif _length_check(model, field.name) != field.max_length:
            missing.append(f"{label}: no check constraint of {field.max_length}")
    assert not missing, "Give each a limit from hubportal.core.text_limits:\n" + "\n".join(missing)


def test_the_list_of_system_written_text_is_not_stale():
    labels = {label for label, _, _ in _text_fields()}
    assert set(SYSTEM_WRITTEN) <= labels
    for label, _, field in _text_fields():
        if label in SYSTEM_WRITTEN:
            assert field.max_length is None, f"{label} has a limit: take it off the list"


def test_every_limit_is_a_named_purpose():
    named = {value for name, value in vars(text_limits).items() if name.isupper()}
    for label, _, field in _text_fields():
        if field.max_length is not None:
            assert field.max_length in named, label


# Plain forms that write a limited field: the form's limit is the field's.
FORM_FIELDS = [
    ("complaints.forms.ResolveForm", "resolution", "complaints.Complaint.resolution"),
    ("complaints.forms.EscalateForm", "reasons", "complaints.Complaint.escalation_reasons"),
    ("complaints.forms.DecisionForm", "findings", "complaints.Complaint.chair_findings"),
    ("complaints.forms.DecisionForm", "reasons", "complaints.Complaint.chair_reasons"),
    ("complaints.forms.RecommendationForm", "evidence", "agreements.TerminationRecommendation.evidence"),
    ("complaints.forms.RecommendationForm", "other_reason", "agreements.TerminationRecommendation.other_reason"),
    ("agreements.forms.DecisionForm", "reasons", "agreements.TerminationRecommendation.decision_reasons"),
    ("agreements.forms.RecommendationForm", "evidence", "agreements.TerminationRecommendation.evidence"),
    ("agreements.forms.ReviewForm", "evidence", "agreements.TerminationRecommendation.evidence"),
    ("agreements.forms.ReasonForm", "reason", "agreements.AgreementVersion.reason"),
    ("agreements.forms.ReviewExceptionForm", "reason", "agreements.Agreement.review_exception"),
    ("eoi.forms.ModerationForm", "note", "eoi.ExpressionOfInterest.moderation_note"),
    ("eoi.forms.DecisionForm", "reasons", "eoi.ExpressionOfInterest.decision_reasons"),
    ("eoi.forms.DecisionForm", "feedback", "eoi.ExpressionOfInterest.feedback"),
    ("eoi.forms.ConflictForm", "details", "eoi.AssessorAssignment.conflict_details"),
    ("eoi.forms.AwardForm", "procurement_notes", "eoi.Award.procurement_notes"),
    ("eoi.forms.CallForm", "brief", "eoi.Call.brief"),
    ("eoi.forms.GapForm", "description", "eoi.Gap.description"),
    ("eoi.forms.GapForm", "evidence", "eoi.Gap.evidence"),
    ("partners.forms.EvidenceVerifyForm", "note", "partners.EvidenceItem.note"),
    ("surveys.forms.QuestionForm", "help_text", "surveys.Question.help_text"),
    ("surveys.forms.ReturnForm", "comment", "surveys.SurveyRequest.return_comment"),
    ("surveys.forms.EvaluationReturnForm", "comment", "surveys.ProjectEvaluation.return_comment"),
    ("hubportal.privacy.forms.DataRequestForm", "details", "privacy.DataRequest.details"),
    ("hubportal.privacy.forms.LegalHoldForm", "reason", "privacy.LegalHold.reason"),
    ("hubportal.privacy.forms.FulfilForm", "outcome", "privacy.DataRequest.outcome"),
    ("hubportal.messaging.forms.WordingForm", "body", "hubportal.MessageTemplate.body"),
]


@pytest.mark.parametrize("form_path, form_field, model_field", FORM_FIELDS)
def test_a_form_limits_its_text_as_the_field_it_fills(form_path, form_field, model_field):
    import importlib

    from django.apps import apps

    module, _, name = form_path.rpartition(".")
    field = getattr(importlib.import_module(module), name).base_fields[form_field]
    app_label, model_name, field_name = model_field.split(".")
    limit = apps.get_model(app_label, model_name)._meta.get_field(field_name).max_length
    assert limit is not None and field.max_length == limit
    assert field.widget_attrs(field.widget)["maxlength"] == str(limit)


def test_a_resolution_over_the_limit_is_a_form_error_not_a_500():
    from complaints.forms import ResolveForm

    form = ResolveForm(data={"resolution": "x" * (text_limits.ACCOUNT + 1)})
    assert not form.is_valid()
    assert "at most 10000 characters" in form.errors["resolution"][0]
    assert ResolveForm(data={"resolution": "x" * text_limits.ACCOUNT}).is_valid()


def test_the_database_refuses_an_over_long_chair_reason_and_eoi_feedback(db):
    from eoi.models import ExpressionOfInterest

    complaint = ComplaintFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Complaint.objects.filter(pk=complaint.pk).update(chair_reasons="x" * (text_limits.REASONS + 1))
    eoi = ExpressionOfInterestFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ExpressionOfInterest.objects.filter(pk=eoi.pk).update(feedback="x" * (text_limits.REASONS + 1))
    ExpressionOfInterest.objects.filter(pk=eoi.pk).update(feedback="x" * text_limits.REASONS)


def test_a_partner_status_reason_holds_a_decision_s_reasons_after_its_preface():
    """The Chair's reasons (REASONS) become the partner's status reason after a
    line saying whose decision it was, so the status reason has room for both."""
    from partners.models import Partner

    preface = "The Chair's decision on the 2026/27 agreement: "
    assert len(preface) + text_limits.REASONS <= Partner._meta.get_field("status_reason").max_length


def test_every_hand_written_textarea_says_its_limit_to_the_browser():
    """Most textareas come from a form's widget, which carries maxlength; the
    few written out in a template must carry it too (and so get the counter)."""
    import re
    from pathlib import Path

    from django.conf import settings

    missing = []
    for template in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        for tag in re.findall(r"<textarea\b[^>]*>", template.read_text()):
            if "maxlength=" not in tag:
                missing.append(f"{template.name}: {tag}")
    assert not missing, "\n".join(missing)
