"""Bad input never becomes a server error, and a refused form keeps what was typed.

For every URL that takes a POST (from the access table, so a new form is
covered without anyone adding it here), the sweep opens the page as a role
allowed to use it, reads the forms the view put in its context, and posts
values hypothesis generates for their fields: text with odd characters,
numbers out of range, dates that don't parse, choices that don't exist. Every
answer must be a page or a redirect, never a 500; a page that redisplays the
form must show the values exactly as they were typed, under an error summary
whose every link leads to a field on the page.
"""

import os
import re

import pytest
from django import forms
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.security.access import ROLES, all_rules

RULES = all_rules()
# The suite tries the same examples every run, so CI's verdict is the code's, not
# chance's; FUZZ_EXAMPLES=500 make test explores new ones (as found the survey
# count that overflowed the stored number).
FUZZ_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "0")) or 12
EXPLORE = "FUZZ_EXAMPLES" in os.environ
# Sign-in and password reset are throttled or send email; the auth tests cover them.
NOT_FUZZED = {
    "login",
    "logout",
    "password_reset",
    "two_factor",
    "two_factor_setup",
    "two_factor_recovery",
    "recovery_codes",
}
# Check-your-answers pages: their POST submits the draft as saved (answers are typed on
# the form page), so a refusal shows the saved answers, not what a script posted.
SUBMITS_WHAT_WAS_SAVED = {"eoi:eoi_check", "surveys:portal_request_check", "surveys:portal_evaluation_check"}
POST_URLS = sorted(name for name, rule in RULES.items() if "POST" in rule.methods and name not in NOT_FUZZED)

awkward_text = st.one_of(
    st.text(max_size=300),
    st.sampled_from(["", " ", "0", "-1", "1e309", "NaN", "£1,000.00", "<script>alert(1)</script>", "O'Brien & Co"]),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=20),
)


def value_strategy(field: forms.Field):
    """What a person (or a script) might type into this field."""
    if isinstance(field, forms.FileField):
        return st.none()  # uploads have their own tests (tests/hubportal/test_uploads.py)
    if isinstance(field, forms.BooleanField):
        return st.sampled_from(["on", "", "false", "yes"])
    if isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
        valid = [str(value) for value, _ in field.choices if value != ""][:10]
        return st.lists(st.one_of(st.sampled_from(valid or ["1"]), awkward_text), max_size=3)
    if isinstance(field, forms.ChoiceField | forms.ModelChoiceField):
        valid = [str(value) for value, _ in field.choices if value != ""][:20]
        return st.one_of(st.sampled_from(valid or [""]), awkward_text)
    if isinstance(field, forms.DecimalField | forms.IntegerField | forms.FloatField):
        return st.one_of(
            st.decimals(allow_nan=False, allow_infinity=False, places=2).map(str),
            st.integers(min_value=-(10**15), max_value=10**15).map(str),
            awkward_text,
        )
    if isinstance(field, forms.DateField | forms.DateTimeField):
        return st.one_of(st.dates().map(str), st.sampled_from(["31/02/2027", "2027-13-01", "tomorrow"]), awkward_text)
    return awkward_text


def forms_in(context) -> list[tuple[str, forms.BaseForm]]:
    """(prefix-free name, form) for each form and each formset's forms in a view's context."""
    found = []
    contexts = context if isinstance(context, list) else [context]
    values = [value for c in contexts for value in c.flatten().values()]
    for value in values:
        if isinstance(value, forms.BaseForm):
            found.append(value)
        elif isinstance(value, forms.BaseFormSet):
            found.append(value.management_form)
            found.extend(value.forms)
    unique = {id(f): f for f in found}
    return list(unique.values())


CHOOSER = re.compile(r"<(?:button|input)\b[^>]*>", re.IGNORECASE)


def submit_choices(html: str) -> dict[str, list[str]]:
    """Named submit buttons and hidden inputs outside any Django form (e.g.
    action=verify or reject): a browser posts the values of the form used."""
    choices: dict[str, list[str]] = {}
    for tag in CHOOSER.findall(html):
        name, value = re.search(r'\bname="([^"]+)"', tag), re.search(r'\bvalue="([^"]*)"', tag)
        submits = tag.lower().startswith("<button") and 'type="button"' not in tag
        hidden = 'type="hidden"' in tag
        if name and name.group(1) != "csrfmiddlewaretoken" and (submits or hidden):
            choices.setdefault(name.group(1), []).append(value.group(1) if value else "")
    return choices


def post_data(form_list, draw, choices=None) -> dict:
    data = {name: draw(st.sampled_from(values)) for name, values in (choices or {}).items()}
    for form in form_list:
        if isinstance(form, forms.formsets.ManagementForm):
            for name, field in form.fields.items():
                data[form.add_prefix(name)] = form.initial.get(name, field.initial or 0)
            continue
        for name, field in form.fields.items():
            if isinstance(field.widget, forms.HiddenInput) and form.initial.get(name) is not None:
                data[form.add_prefix(name)] = form.initial[name]
                continue
            value = draw(value_strategy(field))
            if value is not None:
                data[form.add_prefix(name)] = value
    return data


def allowed_role(rule) -> str:
    for role in ROLES[1:]:
        if role in rule.allowed:
            return role
    return "anonymous"


def typed_values_survive(response, sent: dict) -> list[str]:
    """Fields whose typed text the redisplayed page does not show: a form
    redisplayed empty, or a text field whose value is missing from the HTML."""
    lost = []
    html = response.content.decode()
    shown = forms_in(response.context)
    # A page of several forms binds only the one that was sent; none bound means all were reset.
    any_bound = any(form.is_bound for form in shown)
    for form in shown:
        if isinstance(form, forms.formsets.ManagementForm) or "__prefix__" in (form.prefix or ""):
            continue  # a formset's blank template for new rows holds nothing typed
        typed = {
            form.add_prefix(name): field
            for name, field in form.fields.items()
            if isinstance(field, forms.CharField)
            and not isinstance(field.widget, forms.PasswordInput | forms.HiddenInput)
            and str(sent.get(form.add_prefix(name), "")).strip()
        }
        if not any(f'name="{key}"' in html for key in typed):
            continue  # the page no longer offers this form (e.g. the evidence was verified meanwhile)
        if not form.is_bound:
            if not any_bound:
                lost.extend(typed)
            continue
        for key in typed:
            if form.data.get(key) != sent[key] or escape(sent[key]).strip() not in html:
                lost.append(key)
    return lost


# templates/includes/form_errors.html: the summary at the top of a refused form.
ERROR_SUMMARY = re.compile(r"<div\b[^>]*\bdata-error-summary\b[^>]*>(.*?)</div>", re.DOTALL)
SUMMARY_LINK = re.compile(r'href="#([^"]*)"')
ELEMENT_ID = re.compile(r'\bid="([^"]+)"')


def error_summary_problems(response) -> list[str]:
    """On a page redisplaying a form with errors: the error summary is there,
    and each of its links points at an element of the page (the field to fix)."""
    html = response.content.decode()
    refused = [form for form in forms_in(response.context) if form.is_bound and form.errors]
    # A form the page no longer offers (the complaint was decided meanwhile) needs no summary.
    if not any(f'name="{form.add_prefix(name)}"' in html for form in refused for name in form.fields):
        return []
    summaries = ERROR_SUMMARY.findall(html)
    if not summaries:
        return ["no error summary (templates/includes/form_errors.html) above the refused form"]
    ids = set(ELEMENT_ID.findall(html))
    return [
        f"the error summary links to #{target}, but no element has that id"
        for summary in summaries
        for target in SUMMARY_LINK.findall(summary)
        if target not in ids
    ]


@pytest.mark.parametrize("name", POST_URLS)
def test_no_input_makes_a_server_error_or_loses_what_was_typed(name, cast, sample):
    rule = RULES[name]
    url = reverse(name, kwargs=rule.args(sample) if rule.args else None)
    client = Client()
    role = allowed_role(rule)
    if cast.get(role) is not None:
        client.force_login(cast[role])
    page = client.get(url) if "GET" in rule.methods else None
    form_list = forms_in(page.context) if page is not None and page.context is not None else []
    choices = submit_choices(page.content.decode()) if page is not None else {}

    @settings(
        max_examples=FUZZ_EXAMPLES,
        derandomize=not EXPLORE,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    @given(st.data())
    def fuzz(data):
        sent = post_data(form_list, data.draw, choices) if form_list else {"anything": data.draw(awkward_text)}
        response = client.post(url, sent)
        assert response.status_code < 500, f"POST {url} as {role}: {response.status_code} for {sent!r}"
        if response.status_code == 200 and response.context is not None and name not in SUBMITS_WHAT_WAS_SAVED:
            lost = typed_values_survive(response, sent)
            assert not lost, f"POST {url} as {role}: the redisplayed form lost {lost} of {sent!r}"
            problems = error_summary_problems(response)
            assert not problems, f"POST {url} as {role}: {problems} for {sent!r}"

    fuzz()
