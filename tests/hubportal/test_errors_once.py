"""Each error is shown once (issue 21): a problem with the whole form is listed
in the error summary, linked to the form, and not again in an alert beside the
fields."""

from unittest import mock

from django import forms
from django.template import Context, Template
from django.urls import reverse

from hubportal.core.errors import ActionRefused
from tests.agreements.factories import AgreementFactory, issue

REFUSAL = "The partner's insurance has lapsed, so it cannot be signed now."


class _Form(forms.Form):
    name = forms.CharField()
    colour = forms.ChoiceField(choices=[("r", "Red"), ("b", "Blue")], widget=forms.RadioSelect)


def _render(form, **extra) -> str:
    template = Template(
        '{% load crispy_forms_tags %}{% include "includes/form_errors.html" with form=form form_id=form_id %}'
        "<form>{{ form|crispy }}</form>"
    )
    return template.render(Context({"form": form, **extra}))


def test_a_form_wide_error_is_in_the_summary_once_and_linked_to_the_form():
    form = _Form({"name": "", "colour": "r"})
    form.is_valid()
    form.add_error(None, REFUSAL)
    page = _render(form)
    assert page.count("cannot be signed now") == 1
    assert f'<a href="#id_name">{REFUSAL.replace(chr(39), "&#x27;")}</a>' in page
    assert page.count("This field is required.") == 2  # in the summary and beside its field, as GOV.UK does
    assert 'href="#id_name">Name: This field is required.</a>' in page


def test_a_form_wide_error_links_to_the_form_id_when_given():
    form = _Form({"name": "Ann", "colour": "r"})
    form.is_valid()
    form.add_error(None, "No.")
    assert '<a href="#the-form">No.</a>' in _render(form, form_id="the-form")


def test_a_refused_countersignature_is_shown_once(partner_a, partner_a_user, staff, manager, client_for):
    from agreements import services

    agreement = issue(AgreementFactory(partner=partner_a), staff)
    services.agreement_sign(agreement=agreement, actor=partner_a_user, typed_name="Priya Shah", role_title="Director")
    with mock.patch.object(services, "agreement_countersign", side_effect=ActionRefused(REFUSAL)):
        response = client_for(manager).post(
            reverse("agreements:countersign", args=[agreement.pk]),
            {"typed_name": "Sam Manager", "role_title": "Service Manager", "confirm": "on"},
        )
    assert response.status_code == 200
    assert response.text.count("cannot be signed now") == 1
    assert "data-error-summary" in response.text
