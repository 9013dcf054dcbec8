"""Evidence imported as verified takes its file afterwards (issue 22): staff
attach it through the upload policy, its status and dates stay as imported,
the history records it, and it is downloaded like any evidence file."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from hubportal.core.errors import ActionRefused
from hubportal.core.history import history_for, record
from hubportal.records_import.models import ImportedRecord
from hubportal.records_import.services import legacy_evidence_attach
from partners.models import EvidenceItem, EvidenceType
from tests.files import PDF, docx_bytes, pdf


def imported_item(partner, *, status=EvidenceItem.Status.VERIFIED, reference="E-001") -> EvidenceItem:
    evidence_type = EvidenceType.objects.create(name=f"Imported standard {reference}", required=False)
    item = EvidenceItem.objects.create(
        partner=partner,
        evidence_type=evidence_type,
        status=status,
        issued_on=datetime.date(2026, 6, 1),
        expires_on=datetime.date(2099, 6, 1),
    )
    ImportedRecord.objects.create(
        kind="evidence",
        reference=reference,
        content_type=ContentType.objects.get_for_model(EvidenceItem),
        object_id=item.pk,
    )
    record(item, actor=None, action="imported", note="imported from evidence.csv")
    return item


def attach_url(item):
    return reverse("records_import:legacy_evidence_attach", kwargs={"pk": item.pk})


@pytest.fixture
def item(partner_a):
    return imported_item(partner_a)


def test_staff_attach_the_file_and_status_and_dates_stay(item, staff, partner_a_user, client_for):
    client = client_for(staff)
    tab = client.get(reverse("partners:detail", kwargs={"pk": item.partner_id}) + "?tab=evidence")
    assert attach_url(item) in tab.text
    assert client.get(attach_url(item)).status_code == 200
    response = client.post(attach_url(item), {"file": pdf("DBS 2026.pdf")})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == EvidenceItem.Status.VERIFIED and item.expires_on == datetime.date(2099, 6, 1)
    assert item.original_filename == "DBS 2026.pdf" and item.file.name.startswith("evidence/")
    [entry] = history_for(item).filter(action="legacy_file_attached")
    assert entry.actor == staff and "DBS 2026.pdf" in entry.note
    download = client_for(partner_a_user).get(reverse("partners:evidence_download", kwargs={"pk": item.pk}))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF


def test_replacing_the_file_says_so(item, staff):
    legacy_evidence_attach(item=item, actor=staff, uploaded=pdf("old.pdf"))
    from django.core.files.uploadedfile import SimpleUploadedFile

    new = SimpleUploadedFile("policy.docx", docx_bytes())
    assert legacy_evidence_attach(item=item, actor=staff, uploaded=new).original_filename == "policy.docx"
    [entry] = history_for(item).filter(action="legacy_file_replaced")
    assert "old.pdf" in entry.note and "policy.docx" in entry.note


def test_a_file_the_policy_refuses_is_refused(item, staff, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("dbs.pdf", b"<html><script>x</script></html>")
    response = client_for(staff).post(attach_url(item), {"file": fake})
    assert response.status_code == 200 and "whatever its name says" in response.text
    item.refresh_from_db()
    assert not item.file


def test_evidence_not_imported_or_renewed_since_takes_no_file_this_way(partner_a, staff, partner_a_user, client_for):
    made_here = EvidenceItem.objects.create(
        partner=partner_a,
        evidence_type=EvidenceType.objects.create(name="Portal standard"),
        status=EvidenceItem.Status.VERIFIED,
    )
    with pytest.raises(ActionRefused, match="brought in by an import"):
        legacy_evidence_attach(item=made_here, actor=staff, uploaded=pdf())
    response = client_for(staff).get(attach_url(made_here), follow=True)
    assert "brought in by an import" in response.text
    renewed = imported_item(partner_a, reference="E-002")
    record(renewed, actor=partner_a_user, action="uploaded", note="renewal")
    with pytest.raises(ActionRefused, match="renewed or checked in the portal"):
        legacy_evidence_attach(item=renewed, actor=staff, uploaded=pdf())
    lapsed = imported_item(partner_a, status=EvidenceItem.Status.EXPIRED, reference="E-004")
    record(lapsed, actor=None, action="transition", from_state="verified", to_state="expired")
    assert legacy_evidence_attach(item=lapsed, actor=staff, uploaded=pdf()).status == EvidenceItem.Status.EXPIRED
    submitted = imported_item(partner_a, status=EvidenceItem.Status.SUBMITTED, reference="E-003")
    with pytest.raises(ActionRefused, match="renewed or checked in the portal"):
        legacy_evidence_attach(item=submitted, actor=staff, uploaded=pdf())


@pytest.mark.parametrize("who", ["assessor", "chair", "partner_a_user"])
def test_only_hub_staff_attach_it(who, item, client_for, request):
    user = request.getfixturevalue(who)
    assert client_for(user).post(attach_url(item), {"file": pdf()}).status_code == 403
    with pytest.raises(ActionRefused, match="Only Hub staff"):
        legacy_evidence_attach(item=item, actor=user, uploaded=pdf())
