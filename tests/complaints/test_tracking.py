"""The public complainant's private link: unguessable, stored only as a hash,
works for its own case only, and expires."""

import hashlib
import re
import string
from datetime import timedelta

import time_machine
from django.test import override_settings
from django.utils import timezone

from complaints.models import Complaint
from complaints.services import tracking_link_resend
from hubportal.models import OutboundEmail
from tests.complaints.helpers import advance, raise_from_public
from tests.files import pdf

URLSAFE = set(string.ascii_letters + string.digits + "-_")


def test_the_token_is_long_random_and_only_its_hash_is_stored(db):
    tokens = [raise_from_public()[1] for _ in range(20)]
    assert all(len(t) >= 43 for t in tokens)  # 32 random bytes, base64: 256 bits
    assert all(set(t) <= URLSAFE for t in tokens)
    assert len(set(tokens)) == 20
    # Not sequential or shared: no two tokens share a long prefix.
    assert len({t[:8] for t in tokens}) == 20
    for token, complaint in zip(tokens, Complaint.objects.order_by("pk"), strict=True):
        assert complaint.tracking_token_hash == hashlib.sha256(token.encode()).hexdigest()
        assert token not in str(Complaint.objects.filter(pk=complaint.pk).values().get())


def test_the_link_opens_its_own_case(client, partner_a):
    complaint, token = raise_from_public(partner=partner_a, attachments=[pdf("letter.pdf")])
    page = client.get(f"/complaints/track/{token}/")
    assert page.status_code == 200
    assert complaint.reference in page.text and complaint.account in page.text
    assert page["Cache-Control"].count("no-store") == 1
    attachment = complaint.attachments.get()
    download = client.get(f"/complaints/track/{token}/attachments/{attachment.pk}/")
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")


def test_the_link_works_for_its_case_only(client, manager):
    mine, my_token = raise_from_public(complainant_email="me@example.org")
    theirs, their_token = raise_from_public(complainant_email="them@example.org", attachments=[pdf()])
    theirs = advance(theirs, Complaint.Status.RESOLVED, manager=manager)
    page = client.get(f"/complaints/track/{my_token}/")
    assert mine.reference in page.text and theirs.reference not in page.text
    # My token cannot reach their document or act on their complaint.
    attachment = theirs.attachments.get()
    assert client.get(f"/complaints/track/{my_token}/attachments/{attachment.pk}/").status_code == 404
    client.post(f"/complaints/track/{my_token}/accept/")
    theirs.refresh_from_db()
    assert theirs.status == Complaint.Status.RESOLVED


def test_a_wrong_or_truncated_token_opens_nothing(client, db):
    _, token = raise_from_public()
    for wrong in (token[:-1], token + "x", token.upper(), "a" * 43):
        response = client.get(f"/complaints/track/{wrong}/")
        assert response.status_code == 404 and "This link does not work" in response.text


def test_the_link_expires(client, db):
    complaint, token = raise_from_public()
    expires = complaint.tracking_expires_at
    with time_machine.travel(expires - timedelta(minutes=1), tick=False):
        assert client.get(f"/complaints/track/{token}/").status_code == 200
    with time_machine.travel(expires + timedelta(minutes=1), tick=False):
        response = client.get(f"/complaints/track/{token}/")
        assert response.status_code == 404 and "ask for a new link" in response.text.lower()


@override_settings(COMPLAINT_TRACKING_LINK_DAYS=30)
def test_each_message_to_the_complainant_keeps_the_link_alive(manager, db):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        complaint, token = raise_from_public()
        first_expiry = complaint.tracking_expires_at
        traveller.shift(timedelta(days=20))
        advance(complaint, Complaint.Status.ACKNOWLEDGED, manager=manager)
        complaint.refresh_from_db()
        assert complaint.tracking_expires_at == first_expiry + timedelta(days=20)


def test_the_complainant_answers_through_the_link(client, manager, chair):
    complaint, token = raise_from_public()
    complaint = advance(complaint, Complaint.Status.RESOLVED, manager=manager)
    page = client.get(f"/complaints/track/{token}/")
    assert "Escalate to the Chair" in page.text and complaint.resolution in page.text
    response = client.post(f"/complaints/track/{token}/escalate/", {"reasons": "The response ignored my point."})
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.ESCALATED
    assert complaint.escalation_reasons == "The response ignored my point."
    message = client.post(f"/complaints/track/{token}/message/", {"body": "I have more evidence."})
    assert message.status_code == 302
    assert complaint.notes.get(kind="from_complainant").body == "I have more evidence."
    complaint = advance(complaint, Complaint.Status.DECIDED, manager=manager, chair=chair)
    decided = client.get(f"/complaints/track/{token}/")
    assert decided.status_code == 200 and "The Chair's decision: Upheld" in decided.text
    assert "I have more evidence." in decided.text


def test_the_link_is_emailed_and_a_new_one_can_be_asked_for(client, db):
    complaint, token = raise_from_public(complainant_email="jo@example.org")
    email = OutboundEmail.objects.get(kind="complaints_confirmation")
    assert email.to == "jo@example.org" and f"/complaints/track/{token}/" in email.body
    # Asking with the wrong address sends nothing, but the page says the same.
    wrong = client.post("/complaints/track/", {"reference": complaint.reference, "email": "not-me@example.org"})
    right = client.post("/complaints/track/", {"reference": complaint.reference.lower(), "email": "JO@example.org"})
    assert wrong.status_code == right.status_code == 200
    assert (
        "If the reference and email address match" in wrong.text and "If the reference and email address" in right.text
    )
    resent = OutboundEmail.objects.get(kind="complaints_tracking_link")
    new_token = re.search(r"/complaints/track/([\w-]+)/", resent.body).group(1)
    assert new_token != token
    assert client.get(f"/complaints/track/{token}/").status_code == 404  # the old link stops working
    assert client.get(f"/complaints/track/{new_token}/").status_code == 200


def test_a_portal_complaint_has_no_private_link(partner_a_user):
    from tests.complaints.helpers import raise_from_portal

    complaint = raise_from_portal(partner_a_user)
    assert complaint.tracking_token_hash == "" and complaint.tracking_expires_at is None
    assert tracking_link_resend(reference=complaint.reference, email=partner_a_user.email) is False
