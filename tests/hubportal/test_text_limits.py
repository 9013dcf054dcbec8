"""A free-text field's length limit is the same in the form, the model and the
database (hubportal.text_limits), and long answers carry a counter."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from complaints.models import Complaint
from hubportal import text_limits
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
