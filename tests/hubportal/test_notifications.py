import contextlib
from datetime import timedelta
from smtplib import SMTPException
from types import SimpleNamespace
from unittest import mock

import pytest
import time_machine
from celery.exceptions import Retry
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from hubportal.core.outbox import MAX_ATTEMPTS, backoff_seconds, deliver_email, drain_email_outbox
from hubportal.messaging.notifications import notify
from hubportal.messaging.reminders import send_digests
from hubportal.models import Notification, OutboundEmail


def test_notify_creates_in_app_rows_and_emails_after_commit(staff, partner_a_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify(kind="welcome", recipients=[staff, partner_a_user], context={}, url="/portal/")
    assert Notification.objects.count() == 2
    assert mail.outbox == []  # nothing leaves before the transaction commits
    for callback in callbacks:
        callback()
    assert sorted(m.to[0] for m in mail.outbox) == sorted([staff.email, partner_a_user.email])
    assert all(m.subject == "Welcome to Hub Portal" for m in mail.outbox)
    assert OutboundEmail.objects.filter(status="sent").count() == 2


def test_digest_users_get_the_in_app_notification_but_no_separate_email(staff, django_capture_on_commit_callbacks):
    staff.prefers_daily_digest = True
    staff.save()
    with django_capture_on_commit_callbacks(execute=True):
        notify(kind="welcome", recipients=[staff])
    assert Notification.objects.filter(recipient=staff).count() == 1
    assert mail.outbox == []


def test_unread_count_shows_in_the_navigation_and_opening_marks_read(staff, client_for):
    [note] = notify(kind="welcome", recipients=[staff], url="/staff/")
    client = client_for(staff)
    assert '1<span class="visually-hidden"> unread</span>' in client.get(reverse("notifications")).text
    response = client.post(reverse("notification_open", args=[note.pk]))
    assert response.url == "/staff/"
    note.refresh_from_db()
    assert note.is_read


def test_a_user_cannot_open_someone_elses_notification(staff, partner_a_user, client_for):
    [note] = notify(kind="welcome", recipients=[staff])
    assert client_for(partner_a_user).post(reverse("notification_open", args=[note.pk])).status_code == 404
    assert client_for(partner_a_user).get(reverse("notification_open", args=[note.pk])).status_code == 405


def test_smtp_failure_is_retried_and_the_email_is_sent_once(db):
    email = OutboundEmail.objects.create(to="someone@example.org", subject="Hello", body="Body")
    real_send = mail.EmailMessage.send
    calls = {"n": 0}

    def flaky_send(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            raise SMTPException("421 try again later")
        return real_send(self, *args, **kwargs)

    with mock.patch.object(mail.EmailMessage, "send", flaky_send):
        # Eagerly applied, Celery runs the retry at once instead of after the back-off.
        result = deliver_email.apply(args=(email.pk,), throw=False)
    email.refresh_from_db()
    assert result.state == "SUCCESS"
    assert (email.status, email.attempts) == (OutboundEmail.Status.SENT, 2)
    assert "421 try again later" in email.last_error  # the row shows the retry
    assert len(mail.outbox) == 1


def test_an_email_that_keeps_failing_is_marked_failed_not_sent(db):
    email = OutboundEmail.objects.create(to="someone@example.org", subject="Hello", body="Body")
    with mock.patch.object(mail.EmailMessage, "send", side_effect=SMTPException("550 no such user")):
        for _ in range(MAX_ATTEMPTS):
            with contextlib.suppress(Retry):  # eager retries re-raise; a worker would back off
                deliver_email.apply(args=(email.pk,), throw=False)
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.FAILED
    assert email.attempts == MAX_ATTEMPTS
    assert mail.outbox == []


def test_a_sent_email_is_never_sent_again(db):
    email = OutboundEmail.objects.create(to="someone@example.org", subject="Hello", body="Body")
    deliver_email.delay(email.pk)
    deliver_email.delay(email.pk)
    assert len(mail.outbox) == 1


PREFERENCES = reverse("notification_preferences")


def test_anonymous_is_sent_to_sign_in_for_email_preferences(client):
    response = client.get(PREFERENCES)
    assert response.status_code == 302 and reverse("login") in response.url


@pytest.mark.parametrize("who", ["staff", "manager", "assessor", "chair", "partner_a_user"])
def test_each_role_can_choose_the_daily_digest_from_the_user_menu(who, request, client_for):
    user = request.getfixturevalue(who)
    client = client_for(user)
    page = client.get(PREFERENCES)
    assert page.status_code == 200
    assert f'href="{PREFERENCES}"' in page.text  # the user menu links here
    assert '<label for="id_prefers_daily_digest"' in page.text
    response = client.post(PREFERENCES, {"prefers_daily_digest": "on"}, follow=True)
    assert "one digest email a day" in response.text
    user.refresh_from_db()
    assert user.prefers_daily_digest
    client.post(PREFERENCES, {})
    user.refresh_from_db()
    assert not user.prefers_daily_digest


def test_the_first_digest_after_switching_holds_only_new_notifications(
    partner_a_user, client_for, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notify(kind="welcome", recipients=[partner_a_user])  # emailed on its own, before the switch
    client_for(partner_a_user).post(PREFERENCES, {"prefers_daily_digest": "on"})
    with django_capture_on_commit_callbacks(execute=True):
        notify(kind="welcome", recipients=[partner_a_user], url="/portal/")
        assert send_digests() == 1
    digest = mail.outbox[-1]
    assert "1 new item" in digest.subject and digest.body.count("Welcome to Hub Portal") == 1


def test_a_safeguarding_concern_is_emailed_at_once_even_to_digest_users(staff, django_capture_on_commit_callbacks):
    staff.prefers_daily_digest = True
    staff.save()
    concern = SimpleNamespace(reference="C-0001", about_label="Partner A Music")
    with django_capture_on_commit_callbacks(execute=True):
        notify(kind="complaints_safeguarding_concern", recipients=[staff], context={"complaint": concern})
        notify(kind="welcome", recipients=[staff])
    assert [m.to[0] for m in mail.outbox] == [staff.email]
    assert Notification.objects.get(kind="complaints_safeguarding_concern").email is not None
    with django_capture_on_commit_callbacks(execute=True):
        send_digests()
    # The digest lists only the welcome: the concern was emailed already.
    assert "1 new item" in mail.outbox[-1].subject


def test_a_failed_try_sets_when_the_next_may_be_made(db):
    email = OutboundEmail.objects.create(to="someone@example.org", subject="Hello", body="Body")
    at = timezone.now()
    failing = mock.patch.object(mail.EmailMessage, "send", side_effect=SMTPException("421 try again later"))
    # Called directly, the task re-raises instead of queueing its retry.
    with time_machine.travel(at, tick=False), failing, contextlib.suppress(SMTPException):
        deliver_email.run(email.pk)
    email.refresh_from_db()
    assert (email.status, email.attempts) == (OutboundEmail.Status.PENDING, 1)
    assert email.next_attempt_at == at + timedelta(seconds=backoff_seconds(1))


@pytest.mark.parametrize("early, sent", [(timedelta(microseconds=1), False), (timedelta(0), True)])
def test_the_drain_does_not_send_a_failed_email_again_before_its_back_off_is_over(early, sent, db):
    """A failed email whose retry message was lost is picked up by the drain,
    exactly when its back-off ends and not a moment before."""
    retry_at = timezone.now() + timedelta(minutes=2)
    email = OutboundEmail.objects.create(
        to="someone@example.org",
        subject="Hello",
        body="Body",
        attempts=3,
        last_error="SMTPException: 421",
        created_at=timezone.now() - timedelta(hours=1),
        next_attempt_at=retry_at,
    )
    with time_machine.travel(retry_at - early, tick=False):
        assert drain_email_outbox() == (1 if sent else 0)
    email.refresh_from_db()
    assert (email.status == OutboundEmail.Status.SENT) is sent
    assert len(mail.outbox) == (1 if sent else 0)
