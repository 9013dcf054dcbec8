"""Minimum standards evidence: upload (the file policy), default expiry,
verify and reject, the daily expiry, and downloads only through scope."""

from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from hubportal.core.errors import ActionRefused
from hubportal.core.history import history_for
from hubportal.models import Notification
from partners.models import EvidenceItem, EvidenceType, Partner
from partners.services import (
    default_expiry,
    evidence_expire_due,
    evidence_reject,
    evidence_upload,
    evidence_verify,
    partner_start_standards_review,
)
from partners.tasks import expire_evidence
from tests import files
from tests.factories import PartnerFactory
from tests.partners.factories import EvidenceItemFactory, MeetingFactory
from tests.partners.helpers import at_stage

Stage = Partner.Stage
Status = EvidenceItem.Status


def stored(media) -> list:
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


@pytest.fixture
def reviewing(partner_a, staff, evidence_types):
    at_stage(partner_a, Stage.MEETING_HELD)
    MeetingFactory(partner=partner_a, outcome="proceed", recorded_at=timezone.now())
    return partner_start_standards_review(partner=partner_a, actor=staff)


@pytest.fixture
def policy_type(evidence_types):
    return EvidenceType.objects.get(name="Safeguarding policy")


def upload_url(evidence_type):
    return reverse("partners:evidence_upload", kwargs={"type_pk": evidence_type.pk})


def test_the_evidence_types_are_seeded_with_their_renewal_periods(evidence_types):
    periods = {t.name: (t.renewal_months, t.renewal_months_for_charities, t.renew_on_change) for t in evidence_types}
    assert periods == {
        "Safeguarding policy": (36, 12, False),
        "Named designated safeguarding lead": (None, None, True),
        "Designated safeguarding lead training": (24, None, False),
        "Staff safeguarding training": (12, None, False),
        "Enhanced DBS check with barred list": (36, None, False),
        "DBS Update Service subscription": (12, None, False),
        "Public liability insurance": (12, None, False),
        "Data protection policy": (24, None, False),
        "Commitment to the Quality Principles": (12, None, False),
        "Branding guidelines accepted": (12, None, False),
    }
    assert all(t.required for t in evidence_types)


def test_default_expiry_uses_the_type_period_and_the_charity_period(policy_type, evidence_types):
    company = PartnerFactory(charity_number="")
    charity = PartnerFactory(charity_number="1123456")
    issued = date(2026, 2, 28)
    assert default_expiry(policy_type, company, issued) == date(2029, 2, 28)
    assert default_expiry(policy_type, charity, issued) == date(2027, 2, 28)
    dsl = EvidenceType.objects.get(name="Named designated safeguarding lead")
    assert default_expiry(dsl, company, issued) is None


def test_the_partner_uploads_evidence_and_staff_are_told(
    reviewing, partner_a_user, staff, client_for, policy_type, private_media
):
    issued = timezone.localdate() - timedelta(days=10)
    response = client_for(partner_a_user).post(
        upload_url(policy_type),
        {"file": files.pdf("our-policy.pdf"), "issued_on": issued.isoformat(), "note": "Board approved"},
    )
    assert response.status_code == 302 and response.url == reverse("partners:portal_evidence")
    item = EvidenceItem.objects.get(partner=reviewing, evidence_type=policy_type)
    assert item.status == Status.SUBMITTED and item.original_filename == "our-policy.pdf"
    assert item.issued_on == issued and item.expires_on == default_expiry(policy_type, reviewing, issued)
    assert item.uploaded_by == partner_a_user and item.note == "Board approved"
    assert item.file.name.startswith("evidence/") and not item.file.name.endswith("our-policy.pdf")
    assert len(stored(private_media)) == 1
    assert history_for(item).last().to_state == Status.SUBMITTED
    assert Notification.objects.filter(recipient=staff, kind="partners_evidence_submitted").exists()


def test_an_expiry_date_on_the_document_overrides_the_default(reviewing, partner_a_user, client_for, policy_type):
    expires = timezone.localdate() + timedelta(days=100)
    client_for(partner_a_user).post(
        upload_url(policy_type),
        {"file": files.pdf(), "issued_on": timezone.localdate().isoformat(), "expires_on": expires.isoformat()},
    )
    assert EvidenceItem.objects.get(partner=reviewing, evidence_type=policy_type).expires_on == expires


@pytest.mark.parametrize(
    "make, reason",
    [
        (files.html_named_pdf, "is not a PDF, Word (.docx), PNG or JPEG file"),
        (files.empty_pdf, "file is empty"),
        (lambda: files.oversize_pdf(10 * 1024 * 1024), "the largest we accept is 10 MB"),
        (files.png_html_polyglot, "contains web page code"),
    ],
    ids=["wrong-type-renamed-pdf", "empty", "over-10-mb", "polyglot"],
)
def test_refused_files_say_why_and_nothing_is_stored(
    reviewing, partner_a_user, client_for, policy_type, private_media, make, reason
):
    typed = timezone.localdate().isoformat()
    response = client_for(partner_a_user).post(
        upload_url(policy_type), {"file": make(), "issued_on": typed, "note": "my note"}
    )
    assert response.status_code == 200
    assert reason in response.text
    assert "my note" in response.text and f'value="{typed}"' in response.text
    assert stored(private_media) == []
    item = EvidenceItem.objects.get(partner=reviewing, evidence_type=policy_type)
    assert item.status == Status.MISSING and not item.file


def spreadsheet() -> SimpleUploadedFile:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    return SimpleUploadedFile("sheet.xlsx", buffer.getvalue())


# Exactly the kinds evidence accepts: the shared policy's Excel is not among them.
EVIDENCE_WRONG_TYPE = (
    "This file's content is not a PDF, Word (.docx), PNG or JPEG file, whatever its name says. "
    "Upload one of those types."
)


@pytest.mark.parametrize("make", [files.html_named_pdf, spreadsheet], ids=["html-named-pdf", "xlsx"])
def test_the_wrong_type_message_lists_exactly_the_types_evidence_accepts(make):
    from partners.forms import EvidenceUploadForm

    form = EvidenceUploadForm({"issued_on": timezone.localdate().isoformat()}, {"file": make()})
    assert not form.is_valid()
    assert form.errors["file"] == [EVIDENCE_WRONG_TYPE]
    assert "Excel" not in str(form.errors) and "xlsx" not in str(form.errors)


def test_the_upload_field_offers_and_describes_only_the_evidence_types():
    from partners.forms import EvidenceUploadForm

    field = EvidenceUploadForm()["file"]
    assert field.help_text == "PDF, Word (.docx), PNG or JPEG; at most 10 MB."
    assert 'accept=".pdf,.docx,.png,.jpg,.jpeg"' in str(field)


def test_a_spreadsheet_is_not_accepted_as_evidence(reviewing, partner_a_user, client_for, policy_type, private_media):
    """The shared upload policy allows .xlsx; evidence does not."""
    response = client_for(partner_a_user).post(
        upload_url(policy_type), {"file": spreadsheet(), "issued_on": timezone.localdate().isoformat()}
    )
    assert response.status_code == 200
    assert EVIDENCE_WRONG_TYPE.replace("'", "&#x27;") in response.text
    assert "Excel" not in response.text
    assert stored(private_media) == []


def test_a_docx_png_and_jpeg_are_accepted(reviewing, partner_a_user, client_for, evidence_types):
    client = client_for(partner_a_user)
    jpeg = SimpleUploadedFile("certificate.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64, "image/jpeg")
    for evidence_type, upload in zip(evidence_types, [files.docx(), files.png(), jpeg], strict=False):
        response = client.post(
            upload_url(evidence_type), {"file": upload, "issued_on": timezone.localdate().isoformat()}
        )
        assert response.status_code == 302, response.text


def test_dates_are_checked(reviewing, partner_a_user, client_for, policy_type):
    today = timezone.localdate()
    client = client_for(partner_a_user)
    future = client.post(
        upload_url(policy_type), {"file": files.pdf(), "issued_on": (today + timedelta(1)).isoformat()}
    )
    assert "cannot be in the future" in future.text
    backwards = client.post(
        upload_url(policy_type),
        {"file": files.pdf(), "issued_on": today.isoformat(), "expires_on": (today - timedelta(1)).isoformat()},
    )
    assert "must be after the date issued" in backwards.text
    assert EvidenceItem.objects.get(partner=reviewing, evidence_type=policy_type).status == Status.MISSING


def test_already_expired_evidence_is_refused(reviewing, partner_a_user, policy_type):
    with pytest.raises(ActionRefused, match="expired on"):
        evidence_upload(
            partner=reviewing,
            evidence_type=policy_type,
            actor=partner_a_user,
            file=files.pdf(),
            issued_on=date(2020, 1, 1),
        )


def test_only_the_partners_own_users_upload(reviewing, staff, partner_b_user, policy_type):
    for actor in (staff, partner_b_user):
        with pytest.raises(PermissionDenied):
            evidence_upload(
                partner=reviewing,
                evidence_type=policy_type,
                actor=actor,
                file=files.pdf(),
                issued_on=timezone.localdate(),
            )


@pytest.mark.parametrize("stage", [Stage.DECLINED, Stage.TERMINATED])
def test_no_upload_once_the_partnership_has_ended(partner_a, partner_a_user, policy_type, stage, client_for):
    at_stage(partner_a, stage)
    with pytest.raises(ActionRefused, match="the partnership has ended"):
        evidence_upload(
            partner=partner_a,
            evidence_type=policy_type,
            actor=partner_a_user,
            file=files.pdf(),
            issued_on=timezone.localdate(),
        )
    assert client_for(partner_a_user).get(upload_url(policy_type)).status_code == 403


def submitted(partner, evidence_type, **kwargs):
    return EvidenceItemFactory(partner=partner, evidence_type=evidence_type, status=Status.SUBMITTED, **kwargs)


def test_staff_verify_submitted_evidence_and_may_correct_the_expiry(partner_a, partner_a_user, staff, policy_type):
    item = submitted(partner_a, policy_type)
    new_expiry = timezone.localdate() + timedelta(days=500)
    evidence_verify(item=item, actor=staff, expires_on=new_expiry, note="Checked against the original")
    item.refresh_from_db()
    assert (item.status, item.expires_on, item.reviewed_by) == (Status.VERIFIED, new_expiry, staff)
    assert history_for(item).last().note == "Checked against the original"
    assert Notification.objects.filter(recipient=partner_a_user, kind="partners_evidence_verified").exists()


def test_staff_cannot_verify_evidence_already_out_of_date(partner_a, staff, policy_type):
    item = submitted(partner_a, policy_type, expires_on=timezone.localdate() - timedelta(days=1))
    with pytest.raises(ActionRefused, match="Reject it and ask for the current document"):
        evidence_verify(item=item, actor=staff)
    item.refresh_from_db()
    assert item.status == Status.SUBMITTED


def test_staff_reject_with_a_reason_the_partner_sees(partner_a, partner_a_user, staff, policy_type):
    item = submitted(partner_a, policy_type)
    evidence_reject(item=item, actor=staff, reason="Not signed.")
    item.refresh_from_db()
    assert item.status == Status.REJECTED and item.rejection_reason == "Not signed."
    note = Notification.objects.get(recipient=partner_a_user, kind="partners_evidence_rejected")
    assert "Not signed." in note.body
    with pytest.raises(ActionRefused, match="Give the reason"):
        evidence_reject(
            item=submitted(partner_a, EvidenceType.objects.exclude(pk=policy_type.pk).first()), actor=staff, reason=""
        )


@pytest.mark.parametrize("status", [Status.MISSING, Status.VERIFIED, Status.REJECTED, Status.EXPIRED])
def test_only_submitted_evidence_is_checked(partner_a, staff, policy_type, status):
    item = EvidenceItemFactory(partner=partner_a, evidence_type=policy_type, status=status)
    with pytest.raises(ActionRefused, match="only evidence waiting to be checked"):
        evidence_verify(item=item, actor=staff)
    with pytest.raises(ActionRefused, match="only evidence waiting to be checked"):
        evidence_reject(item=item, actor=staff, reason="x")
    item.refresh_from_db()
    assert item.status == status


@pytest.mark.parametrize("who", ["assessor", "chair", "partner_a_user"])
def test_only_hub_staff_check_evidence(partner_a, policy_type, who, request):
    item = submitted(partner_a, policy_type)
    actor = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        evidence_verify(item=item, actor=actor)
    with pytest.raises(PermissionDenied):
        evidence_reject(item=item, actor=actor, reason="x")


def test_a_rejected_or_expired_item_can_be_uploaded_again(reviewing, partner_a_user, staff, policy_type):
    item = EvidenceItem.objects.get(partner=reviewing, evidence_type=policy_type)
    EvidenceItem.objects.filter(pk=item.pk).update(status=Status.REJECTED, rejection_reason="Unsigned")
    again = evidence_upload(
        partner=reviewing, evidence_type=policy_type, actor=partner_a_user, file=files.pdf(), issued_on=date.today()
    )
    assert again.status == Status.SUBMITTED and again.rejection_reason == "" and again.reviewed_by is None


EXPIRY = date(2027, 3, 31)


def test_the_daily_task_expires_verified_evidence_the_day_after_its_expiry_date(partner_a, policy_type):
    item = EvidenceItemFactory(partner=partner_a, evidence_type=policy_type, expires_on=EXPIRY)
    with time_machine.travel(date(2027, 3, 31)):
        assert expire_evidence() == 0
    item.refresh_from_db()
    assert item.status == Status.VERIFIED
    with time_machine.travel(date(2027, 4, 1)):
        assert expire_evidence() == 1
        assert expire_evidence() == 0  # safe to run twice
    item.refresh_from_db()
    assert item.status == Status.EXPIRED
    [entry] = history_for(item)
    assert (entry.from_state, entry.to_state, entry.actor_name, entry.note) == (
        "verified",
        "expired",
        "System",
        "Expired on 31 March 2027.",
    )


def test_evidence_without_an_expiry_date_and_other_states_are_left_alone(partner_a, evidence_types):
    on_change = EvidenceItemFactory(partner=partner_a, evidence_type=evidence_types[1], expires_on=None)
    pending = EvidenceItemFactory(
        partner=partner_a, evidence_type=evidence_types[2], status=Status.SUBMITTED, expires_on=EXPIRY
    )
    assert evidence_expire_due(today=date(2030, 1, 1)) == 0
    for item in (on_change, pending):
        status = item.status
        item.refresh_from_db()
        assert item.status == status


def test_the_beat_schedule_runs_the_expiry_daily(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["partners-expire-evidence"]
    assert entry["task"] == "partners.tasks.expire_evidence"
    assert expire_evidence.name == "partners.tasks.expire_evidence"


@pytest.fixture
def with_file(reviewing, partner_a_user, policy_type):
    return evidence_upload(
        partner=reviewing,
        evidence_type=policy_type,
        actor=partner_a_user,
        file=files.pdf("policy.pdf"),
        issued_on=timezone.localdate(),
    )


def test_the_partner_and_staff_download_the_file_as_an_attachment(with_file, partner_a_user, staff, client_for):
    url = reverse("partners:evidence_download", kwargs={"pk": with_file.pk})
    for user in (partner_a_user, staff):
        response = client_for(user).get(url)
        assert response.status_code == 200
        assert response["Content-Disposition"] == 'attachment; filename="policy.pdf"'
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content) == files.PDF


def test_a_polyglot_goes_out_with_the_judged_type_and_extension_not_its_name(
    reviewing, partner_a_user, policy_type, staff, client_for
):
    item = evidence_upload(
        partner=reviewing,
        evidence_type=policy_type,
        actor=partner_a_user,
        file=files.pdf_html_polyglot("pwned.html"),
        issued_on=timezone.localdate(),
    )
    assert item.original_filename == "pwned.html"  # kept for display
    response = client_for(staff).get(reverse("partners:evidence_download", kwargs={"pk": item.pk}))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="pwned.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"


def test_another_partner_gets_404_for_the_file_by_id(with_file, partner_b_user, chair, client_for, client):
    url = reverse("partners:evidence_download", kwargs={"pk": with_file.pk})
    assert client_for(partner_b_user).get(url).status_code == 404
    assert client_for(chair).get(url).status_code == 403
    assert client.get(url).status_code == 302


def test_an_item_without_a_file_is_404(reviewing, staff, client_for, policy_type):
    item = EvidenceItem.objects.get(partner=reviewing, evidence_type=policy_type)
    assert client_for(staff).get(reverse("partners:evidence_download", kwargs={"pk": item.pk})).status_code == 404
