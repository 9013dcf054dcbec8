"""Redis unreachable (the cache pointed at a closed port): the cache is an
optimisation, never a reason to refuse or lose work (issue 25). The public
complaint, the enquiry, signing in, the portal and staff homes and an EOI
submission each answer as usual and save; /healthz says the cache is down; a
committed action whose after-commit work fails still answers as committed and
its emails still go out, once."""

import logging
import pickle
import socket
from datetime import timedelta
from decimal import Decimal
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from complaints.models import Complaint
from eoi.models import ExpressionOfInterest
from hubportal.celery import app as celery_app
from hubportal.core.outbox import drain_email_outbox
from hubportal.models import OutboundEmail
from partners.models import District, Partner
from tests.eoi.factories import CallFactory, ExpressionOfInterestFactory, fill_for_submission
from tests.eoi.test_views import eoi_post
from tests.factories import TEST_PASSWORD
from tests.hubportal.test_celery import dead_broker  # noqa: F401 - fixture


def closed_port() -> int:
    """A port nothing listens on: connecting is refused at once, as when Redis is stopped."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def redis_down():
    settings = {
        "BACKEND": "hubportal.core.cache_backend.ForgivingRedisCache",
        "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
    with override_settings(CACHES={"default": settings}):
        yield


# --- The backend --------------------------------------------------------------------


def test_an_unreachable_cache_answers_as_an_empty_one_and_logs_it(redis_down, caplog):
    with caplog.at_level(logging.WARNING, logger="hubportal.core.cache_backend"):
        assert cache.get("k") is None and cache.get("k", "fallback") == "fallback"
        assert cache.get_or_set("k", lambda: 42) == 42  # computed, not None
        assert cache.add("k", 1) is False
        assert cache.incr("k") == 1 and cache.incr("k", 3) == 3  # a limiter sees a first attempt
        assert cache.get_many(["a", "b"]) == {} and cache.has_key("k") is False
        cache.set("k", 1)
        cache.set_many({"a": 1})
        cache.delete("k")
        cache.delete_many(["a"])
        assert cache.reachable() is False
    assert "Cache unavailable (ConnectionError in get); carrying on without it." in caplog.messages


def test_a_bug_is_not_forgiven(redis_down):
    with pytest.raises((pickle.PicklingError, AttributeError, TypeError)):
        cache.set("k", lambda: 1)  # cannot be pickled: raised before Redis is asked


def test_sessions_live_in_the_database_not_the_cache(settings):
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"


# --- The pages and forms ------------------------------------------------------------


def complaint(**overrides):
    return {
        "complainant_name": "Sam O'Brien",
        "complainant_email": "sam@example.org",
        "complainant_phone": "",
        "category": "conduct",
        "about": "hub",
        "partner": "",
        "account": "A safeguarding concern reported while Redis restarts must be saved.",
        "desired_outcome": "That it is looked into.",
        "website": "",
        **overrides,
    }


def test_public_complaints_are_saved_and_the_rate_limit_fails_open(redis_down, client, manager, settings):
    # One more than the hourly limit: with no cache to count in, none is refused.
    for n in range(settings.COMPLAINT_PUBLIC_RATE_LIMIT + 1):
        response = client.post("/complaints/new/", complaint(complainant_name=f"Person {n}"))
        assert response.status_code == 302 and response.url == "/complaints/new/done/"
    assert Complaint.objects.count() == settings.COMPLAINT_PUBLIC_RATE_LIMIT + 1
    assert OutboundEmail.objects.filter(to="sam@example.org").count() == settings.COMPLAINT_PUBLIC_RATE_LIMIT + 1


def test_an_enquiry_is_saved(redis_down, client, staff):
    data = {
        "form": "organisation",
        "name": "Coalville Ukulele Club",
        "partner_type": "",
        "contact_name": "Jo Bright",
        "contact_role": "Organiser",
        "email": "jo@coalvilleukes.example",
        "phone": "0116 496 0000",
        "town": "Coalville",
        "postcode": "LE67 3AA",
        "website": "",
        "districts": [District.objects.get(name="North West Leicestershire").pk],
        "message": "We run ukulele groups for 8 to 14 year olds after school.",
        "fax_number": "",
    }
    response = client.post(reverse("partners:enquire"), data)
    assert response.status_code == 302 and response.url == reverse("partners:enquiry_done")
    assert Partner.objects.filter(name="Coalville Ukulele Club", status=Partner.Stage.ENQUIRY).exists()


@override_settings(AXES_ENABLED=True)
def test_signing_in_works(redis_down, client, staff):
    response = client.post(reverse("login"), {"username": staff.username, "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("staff_home")).status_code == 200


def test_the_portal_and_staff_homes_answer(redis_down, client_for, staff, partner_a_user):
    assert client_for(partner_a_user).get(reverse("portal_home")).status_code == 200
    assert client_for(staff).get(reverse("staff_home")).status_code == 200
    assert client_for(staff).get(reverse("partners:list")).status_code == 200


def test_healthz_says_the_cache_is_down_and_pages_still_work(redis_down, client, db):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded" and body["database"] == "ok" and body["cache"] == "unreachable"


# --- Committed means answered as committed ------------------------------------------


@pytest.fixture
def submittable(partner_a, partner_a_user):
    call = CallFactory(title="Inclusive ensembles in Charnwood", max_hub_grant=Decimal("10000.00"))
    return fill_for_submission(ExpressionOfInterestFactory(call=call, partner=partner_a, title="SEND ensembles"))


def _submit(client, eoi):
    data = eoi_post(
        eoi, hub="5000.00", budget=[("Tutors", "10000.00")], funding=[("fundraising", "5000.00")], action="submit"
    )
    return client.post(reverse("eoi:eoi_edit", args=[eoi.pk]), data)


@pytest.mark.django_db(transaction=True)
def test_an_eoi_submitted_while_redis_is_down_is_answered_as_submitted(redis_down, client_for, staff, submittable):
    response = _submit(client_for(submittable.partner.users.get()), submittable)
    assert response.status_code == 302 and response.url == reverse("eoi:portal_eoi", args=[submittable.pk])
    submittable.refresh_from_db()
    assert submittable.status == ExpressionOfInterest.Status.SUBMITTED


@pytest.mark.django_db(transaction=True)
def test_a_failing_after_commit_callback_neither_fails_the_request_nor_skips_the_emails(
    client_for, staff, submittable, caplog
):
    """The callback that failed in the outage (figures_changed) raises; the
    request still answers as submitted and every email is queued and sent at
    once (tasks run in-process here), each exactly once."""

    def figures_changed():
        raise RuntimeError("cache exploded")

    with mock.patch("hubportal.core.history.figures_changed", figures_changed):
        response = _submit(client_for(submittable.partner.users.get()), submittable)
    assert response.status_code == 302
    submittable.refresh_from_db()
    assert submittable.status == ExpressionOfInterest.Status.SUBMITTED
    emails = OutboundEmail.objects.all()
    assert emails and all(email.status == OutboundEmail.Status.SENT for email in emails)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(email.to for email in emails)
    assert any("on_commit" in message for message in caplog.messages)


@pytest.mark.django_db(transaction=True)
def test_with_cache_and_broker_both_down_an_eoi_is_submitted_and_its_emails_go_out_once_when_redis_returns(
    redis_down,
    dead_broker,  # noqa: F811 - the imported fixture
    client_for,
    staff,
    submittable,
):
    response = _submit(client_for(submittable.partner.users.get()), submittable)
    assert response.status_code == 302
    submittable.refresh_from_db()
    assert submittable.status == ExpressionOfInterest.Status.SUBMITTED
    emails = list(OutboundEmail.objects.all())
    assert emails and all(email.status == OutboundEmail.Status.PENDING for email in emails) and mail.outbox == []

    # Redis is back: beat's next drain of the outbox sends each email, once.
    celery_app.conf.update(task_always_eager=True)
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        assert drain_email_outbox() == len(emails)
        assert drain_email_outbox() == 0
    assert set(OutboundEmail.objects.values_list("status", "attempts")) == {(OutboundEmail.Status.SENT, 1)}
    assert len(mail.outbox) == len(emails)
