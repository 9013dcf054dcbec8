"""From the demo data, the Service Manager fulfils a subject access request for
a demo complainant and erases a demo contact (the issue's "done when")."""

import io
import json
import zipfile
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from hubportal.models import User
from hubportal.privacy.models import DataRequest
from partners.models import Contact


@pytest.fixture
def demo(db):
    with override_settings(DEBUG=True):
        call_command("seed_demo", stdout=StringIO())


def test_the_manager_answers_the_demo_requests(demo, client_for):
    client = client_for(User.objects.get(username="manager"))
    for name in ("privacy:requests", "privacy:due", "privacy:holds", "privacy:schedule", "privacy:safeguarding_review"):
        assert client.get(reverse(name)).status_code == 200, name

    access = DataRequest.objects.get(kind=DataRequest.Kind.ACCESS, person_name="Helen Marsh")
    assert "Helen Marsh" in client.get(reverse("privacy:request", args=[access.pk])).content.decode()
    archive = zipfile.ZipFile(io.BytesIO(client.get(reverse("privacy:request_zip", args=[access.pk])).content))
    assert [c["complainant_name"] for c in json.loads(archive.read("data.json"))["complaints"]] == ["Helen Marsh"]
    client.post(reverse("privacy:request_fulfil", args=[access.pk]), {"outcome": "Sent by secure email."})
    access.refresh_from_db()
    assert access.status == DataRequest.Status.FULFILLED

    erasure = DataRequest.objects.get(kind=DataRequest.Kind.ERASURE, person_name="Eleanor Hart")
    assert Contact.objects.filter(email="eleanor.hart@fiddle.example").exists()
    client.post(reverse("privacy:request_erase", args=[erasure.pk]), {"reason": "She asked us to."})
    assert not Contact.objects.filter(email="eleanor.hart@fiddle.example").exists()
    erasure.refresh_from_db()
    assert erasure.status == DataRequest.Status.FULFILLED and "Contact #" in erasure.outcome
