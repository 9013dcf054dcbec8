"""An imported agreement's legacy signed PDF (issue 22): staff attach it and
may replace it while the agreement has no signature records; PDF only through
the upload policy; stored under a generated name; downloaded with the
agreement's access; shown on the staff and partner pages and noted on the
agreement PDF; every attach and replace in the agreement's history."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import default_storage
from django.urls import reverse

from agreements.models import Agreement
from agreements.permissions import standing_allows
from hubportal.core.errors import ActionRefused
from hubportal.core.history import history_for
from hubportal.records_import.models import ImportedRecord, LegacySignedCopy
from hubportal.records_import.services import legacy_pdf_attach
from partners.standing import Action
from tests.agreements.factories import AgreementFactory, issue, make_live, partner_sign
from tests.agreements.test_pdf import pdf_text
from tests.files import PDF, pdf, png


def imported(agreement: Agreement, reference: str = "A-2025-001") -> Agreement:
    """Mark an agreement as brought in by an import, as import_confirm does."""
    ImportedRecord.objects.create(
        kind="agreements",
        reference=reference,
        content_type=ContentType.objects.get_for_model(Agreement),
        object_id=agreement.pk,
    )
    return agreement


@pytest.fixture
def legacy(partner_a):
    """Last year's agreement, imported as expired: signed on paper before the portal."""
    agreement = AgreementFactory(partner=partner_a, academic_year=2024, status=Agreement.Status.EXPIRED)
    return imported(agreement)


def attach_url(agreement):
    return reverse("records_import:legacy_pdf_attach", kwargs={"pk": agreement.pk})


def download_url(agreement):
    return reverse("records_import:legacy_pdf_download", kwargs={"pk": agreement.pk})


def test_staff_attach_the_signed_pdf_stored_privately_with_history(legacy, staff, client_for):
    client = client_for(staff)
    assert client.get(attach_url(legacy)).status_code == 200
    response = client.post(attach_url(legacy), {"file": pdf("Signed agreement 2024.pdf")})
    assert response.status_code == 302 and response.url == reverse("agreements:detail", kwargs={"pk": legacy.pk})
    copy = LegacySignedCopy.objects.get(agreement=legacy)
    assert copy.original_filename == "Signed agreement 2024.pdf" and copy.uploaded_by == staff
    # A generated name in a private folder; the original name is only in the database.
    assert copy.file.name.startswith("legacy-agreements/") and "Signed" not in copy.file.name
    [entry] = history_for(legacy).filter(action="legacy_pdf_attached")
    assert entry.actor == staff and "Signed agreement 2024.pdf" in entry.note
    legacy.refresh_from_db()
    assert legacy.status == Agreement.Status.EXPIRED and not legacy.signatures.exists()


def test_the_service_manager_attaches_it_too(legacy, manager):
    assert legacy_pdf_attach(agreement=legacy, actor=manager, uploaded=pdf()).uploaded_by == manager


def test_replacing_it_says_so_in_the_history_and_drops_the_old_file(
    legacy, staff, client_for, django_capture_on_commit_callbacks
):
    client = client_for(staff)
    client.post(attach_url(legacy), {"file": pdf("first.pdf")})
    old = LegacySignedCopy.objects.get(agreement=legacy).file.name
    page = client.get(attach_url(legacy))
    assert "Replace the signed copy" in page.text and "first.pdf" in page.text
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(attach_url(legacy), {"file": pdf("second.pdf")})
    assert response.status_code == 302
    copy = LegacySignedCopy.objects.get(agreement=legacy)
    assert copy.original_filename == "second.pdf" and copy.file.name != old
    assert not default_storage.exists(old) and default_storage.exists(copy.file.name)
    [entry] = history_for(legacy).filter(action="legacy_pdf_replaced")
    assert "first.pdf" in entry.note and "second.pdf" in entry.note


def test_only_a_pdf_is_accepted_judged_from_its_content(legacy, staff, client_for):
    client = client_for(staff)
    response = client.post(attach_url(legacy), {"file": png("scan.png")})
    assert response.status_code == 200 and "is not a PDF file" in response.text
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("signed.pdf", b"<html><script>alert(1)</script></html>", content_type="application/pdf")
    response = client.post(attach_url(legacy), {"file": fake})
    assert response.status_code == 200 and "is not a PDF file" in response.text
    response = client.post(attach_url(legacy), {})
    assert response.status_code == 200 and "This field is required" in response.text
    assert not LegacySignedCopy.objects.exists()


def test_the_service_refuses_a_non_pdf_with_the_policys_reason(legacy, staff):
    with pytest.raises(ActionRefused, match="is not a PDF file"):
        legacy_pdf_attach(agreement=legacy, actor=staff, uploaded=png())
    assert not LegacySignedCopy.objects.exists()


def test_an_agreement_made_in_the_portal_takes_no_legacy_pdf(partner_a, staff, manager, partner_a_user, client_for):
    agreement = make_live(
        AgreementFactory(partner=partner_a), staff=staff, partner_user=partner_a_user, manager=manager
    )
    response = client_for(staff).get(attach_url(agreement), follow=True)
    assert "Only a partnership agreement brought in by an import takes a legacy signed PDF." in response.text
    assert client_for(staff).post(attach_url(agreement), {"file": pdf()}).status_code == 302
    assert not LegacySignedCopy.objects.exists()
    with pytest.raises(ActionRefused, match="brought in by an import"):
        legacy_pdf_attach(agreement=agreement, actor=staff, uploaded=pdf())


def test_once_signed_in_the_portal_the_legacy_pdf_can_no_longer_be_replaced(partner_a, staff, partner_a_user):
    """An imported agreement issued on paper and then signed in the portal: its
    signature records are the record now."""
    agreement = imported(AgreementFactory(partner=partner_a, academic_year=2024))
    issue(agreement, staff)
    with pytest.raises(ActionRefused, match="nobody has signed it"):
        legacy_pdf_attach(agreement=agreement, actor=staff, uploaded=pdf())
    partner_sign(agreement, partner_a_user)
    agreement.refresh_from_db()
    with pytest.raises(ActionRefused, match="signed in the portal"):
        legacy_pdf_attach(agreement=agreement, actor=staff, uploaded=pdf())


def test_an_imported_draft_has_no_signed_copy_to_attach(partner_a, staff):
    draft = imported(AgreementFactory(partner=partner_a, academic_year=2024))
    with pytest.raises(ActionRefused, match="imported as draft: nobody has signed it"):
        legacy_pdf_attach(agreement=draft, actor=staff, uploaded=pdf())


@pytest.mark.parametrize("who", ["assessor", "chair", "partner_a_user"])
def test_only_hub_staff_attach_it(who, legacy, client_for, request):
    user = request.getfixturevalue(who)
    assert client_for(user).post(attach_url(legacy), {"file": pdf()}).status_code == 403
    with pytest.raises(ActionRefused, match="Only Hub staff"):
        legacy_pdf_attach(agreement=legacy, actor=user, uploaded=pdf())
    assert not LegacySignedCopy.objects.exists()


def test_staff_attach_it_whatever_the_standing_and_it_lifts_no_standing_rule(partner_a, staff, partner_a_user):
    """The copy records a signature made before the import; anything after the
    import (here the Hub's countersignature) still asks the partner's standing."""
    agreement = imported(
        AgreementFactory(partner=partner_a, academic_year=2024, status=Agreement.Status.PARTNER_SIGNED)
    )
    before = standing_allows(agreement, Action.AGREEMENT_COUNTERSIGN)
    legacy_pdf_attach(agreement=agreement, actor=staff, uploaded=pdf())
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.PARTNER_SIGNED
    assert standing_allows(agreement, Action.AGREEMENT_COUNTERSIGN) == before


def test_the_download_is_checked_like_the_agreement_pdf(
    legacy, staff, partner_a_user, partner_b_user, assessor, chair, client_for
):
    legacy_pdf_attach(agreement=legacy, actor=staff, uploaded=pdf("Signed 2024.pdf"))
    for user in (staff, partner_a_user):
        response = client_for(user).get(download_url(legacy))
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == 'attachment; filename="Signed 2024.pdf"'
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content) == PDF
    assert client_for(partner_b_user).get(download_url(legacy)).status_code == 404
    assert client_for(assessor).get(download_url(legacy)).status_code == 403
    assert client_for(chair).get(download_url(legacy)).status_code == 403
    assert client_for(None).get(download_url(legacy)).status_code == 302
    assert client_for(staff).post(download_url(legacy)).status_code == 405


def test_no_copy_attached_is_a_404(legacy, staff, client_for):
    assert client_for(staff).get(download_url(legacy)).status_code == 404


def test_the_staff_and_partner_pages_show_it_and_the_pdf_notes_it(legacy, staff, partner_a_user, client_for):
    staff_page = client_for(staff).get(reverse("agreements:detail", kwargs={"pk": legacy.pk}))
    assert "No signed copy is attached yet" in staff_page.text and attach_url(legacy) in staff_page.text
    legacy_pdf_attach(agreement=legacy, actor=staff, uploaded=pdf("Signed 2024.pdf"))
    staff_page = client_for(staff).get(reverse("agreements:detail", kwargs={"pk": legacy.pk}))
    assert "Signed 2024.pdf" in staff_page.text and download_url(legacy) in staff_page.text
    assert "Replace the signed copy" in staff_page.text and "legacy_pdf_attached" in staff_page.text
    portal_page = client_for(partner_a_user).get(reverse("agreements:portal_detail", kwargs={"pk": legacy.pk}))
    assert "Signed 2024.pdf" in portal_page.text and download_url(legacy) in portal_page.text
    assert attach_url(legacy) not in portal_page.text
    text = pdf_text(client_for(partner_a_user).get(reverse("agreements:pdf", kwargs={"pk": legacy.pk})))
    assert "this agreement was imported, and the signed copy is kept with it" in text
    assert "Signed 2024.pdf" in text


def test_a_signed_agreement_made_in_the_portal_shows_no_legacy_panel(
    partner_a, staff, manager, partner_a_user, client_for
):
    agreement = make_live(
        AgreementFactory(partner=partner_a), staff=staff, partner_user=partner_a_user, manager=manager
    )
    page = client_for(staff).get(reverse("agreements:detail", kwargs={"pk": agreement.pk}))
    assert "Signed before the portal" not in page.text and attach_url(agreement) not in page.text


def test_after_a_real_import_the_live_agreement_takes_its_signed_copy(manager, client_for):
    """The whole path: partners, evidence and agreements imported from the
    templates, then the live agreement's signed copy attached."""
    from partners.models import EvidenceType
    from tests.records_import.test_import import confirm, template, upload

    client = client_for(manager)
    confirm(client, upload(client, "partners", template(client, "partners"))[0])
    evidence = [["reference", "partner_reference", "evidence_type", "verified_on", "expires_on"]]
    for n, kind in enumerate(EvidenceType.objects.filter(required=True, is_active=True)):
        evidence.append([f"E-{n}", "P-001", kind.name, "2026-06-01", "2099-06-01"])
    confirm(client, upload(client, "evidence", evidence)[0])
    confirm(client, upload(client, "agreements", template(client, "agreements"))[0])
    live = Agreement.objects.get(status=Agreement.Status.LIVE)
    draft = Agreement.objects.get(status=Agreement.Status.DRAFT)
    assert client.post(attach_url(live), {"file": pdf("Northgate signed.pdf")}).status_code == 302
    assert live.legacy_signed_copy.original_filename == "Northgate signed.pdf"
    assert [e.action for e in history_for(live)] == ["imported", "legacy_pdf_attached"]
    page = client.get(reverse("agreements:detail", kwargs={"pk": draft.pk}))
    assert attach_url(draft) not in page.text
