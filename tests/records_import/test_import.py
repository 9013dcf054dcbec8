"""Import records: templates, a preview that checks every row and saves
nothing, a confirm that saves everything in one transaction, idempotent
re-imports and updates by the Hub's own reference."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from agreements.models import Agreement
from hubportal.core.history import history_for
from hubportal.records_import.models import ImportRun
from hubportal.records_import.services import run_preview
from partners.models import District, EvidenceItem, Partner
from surveys.models import IncomeRecord

HOME = reverse("records_import:home")


def template(client, kind: str, fmt: str = "csv") -> list[list[str]]:
    response = client.get(reverse("records_import:template", kwargs={"kind": kind, "fmt": fmt}))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    if fmt == "xlsx":
        sheet = load_workbook(io.BytesIO(response.content)).active
        return [["" if c is None else str(c) for c in row] for row in sheet.iter_rows(values_only=True)]
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def as_csv(rows) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


def upload(client, kind: str, rows, name: str = "records.csv"):
    file = SimpleUploadedFile(name, as_csv(rows), content_type="text/csv")
    response = client.post(HOME, {"kind": kind, "file": file})
    assert response.status_code == 302, response.content.decode()[:2000]
    return ImportRun.objects.get(pk=response.url.rstrip("/").split("/")[-1]), client.get(response.url)


def confirm(client, run):
    response = client.post(reverse("records_import:confirm", kwargs={"pk": run.pk}))
    assert response.status_code == 302
    run.refresh_from_db()
    return run


@pytest.fixture
def client(manager, client_for):
    return client_for(manager)


def test_a_partner_template_round_trip_imports_the_partners_with_history(client, manager):
    rows = template(client, "partners")
    assert len(rows) == 3 and rows[0][0] == "reference"  # a header and two examples
    run, page = upload(client, "partners", rows, "partners.csv")
    assert "2</strong> to add" in page.text and Partner.objects.count() == 0
    assert confirm(client, run).summary == {"created": 2, "updated": 0, "unchanged": 0}
    partner = Partner.objects.get(name="Northgate Strings")
    assert partner.status == Partner.Stage.ACTIVE and partner.partner_type.name == "Charity or CIC"
    assert partner.contacts.get().email == "sam@northgate.example"
    assert list(partner.districts.all()) == [District.objects.filter(is_active=True).first()]
    [entry] = history_for(partner)
    assert entry.note == f"imported from partners.csv by {manager}"


def test_an_xlsx_template_round_trip_works_the_same(client):
    rows = template(client, "partners", "xlsx")
    buffer = io.BytesIO()
    from openpyxl import Workbook

    book = Workbook()
    for row in rows:
        book.active.append(row)
    book.save(buffer)
    file = SimpleUploadedFile("partners.xlsx", buffer.getvalue())
    response = client.post(HOME, {"kind": "partners", "file": file})
    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert confirm(client, run).summary["created"] == 2


def test_importing_the_same_file_again_changes_nothing(client):
    rows = template(client, "partners")
    confirm(client, upload(client, "partners", rows)[0])
    before = [(p.pk, p.updated_at) for p in Partner.objects.order_by("pk")]
    run, page = upload(client, "partners", rows)
    assert "<strong>0</strong> to add, <strong>0</strong> to update, <strong>2</strong> unchanged" in page.text
    assert confirm(client, run).summary == {"created": 0, "updated": 0, "unchanged": 2}
    assert [(p.pk, p.updated_at) for p in Partner.objects.order_by("pk")] == before
    assert all(len(history_for(p)) == 1 for p in Partner.objects.all())


def test_a_corrected_file_updates_by_the_hubs_reference(client):
    rows = template(client, "partners")
    confirm(client, upload(client, "partners", rows)[0])
    rows[1][1] = "Northgate String Orchestra"
    run, _ = upload(client, "partners", rows, "partners-corrected.csv")
    assert confirm(client, run).summary == {"created": 0, "updated": 1, "unchanged": 1}
    assert Partner.objects.count() == 2
    partner = Partner.objects.get(name="Northgate String Orchestra")
    assert history_for(partner).last().note.startswith("imported from partners-corrected.csv")


def test_every_row_error_is_listed_by_row_and_column_and_nothing_is_saved(client):
    rows = template(client, "partners")
    header = rows[0]

    def row(**values):
        base = dict(zip(header, rows[1], strict=True))
        return [values.get(c, base[c]) for c in header]

    bad = [
        header,
        row(reference="P-1", stage="dreaming"),
        row(reference="P-2", partner_type="Wizards"),
        row(reference="P-3", districts="Atlantis"),
        row(reference="P-4", contact_email="not-an-email"),
        row(reference=""),
        row(reference="P-1"),
        row(reference="P-7", name=""),
        row(reference="P-8", website="not a url"),
    ]
    run, page = upload(client, "partners", bad)
    errors = {(r, c) for r, c, _ in run_preview(run).errors}
    assert errors == {
        (2, "stage"),
        (3, "partner_type"),
        (4, "districts"),
        (5, "contact_email"),
        (6, "reference"),
        (7, "reference"),
        (8, "name"),
        (9, "website"),
    }
    assert "8 problems" in page.text and "Import these" not in page.text
    assert "Wizards: not one of the Hub" in page.text and "P-1 is on row 2 too." in page.text
    response = client.post(reverse("records_import:confirm", kwargs={"pk": run.pk}))
    assert response.status_code == 302 and Partner.objects.count() == 0


def test_a_file_without_the_templates_columns_is_refused_with_them_named(client):
    run, page = upload(client, "partners", [["name", "town"], ["A", "B"]])
    assert "These columns are missing" in page.text and "reference" in page.text
    assert Partner.objects.count() == 0


def test_a_live_agreement_for_a_partner_at_enquiry_is_refused_in_preview(client):
    confirm(client, upload(client, "partners", template(client, "partners"))[0])
    rows = template(client, "agreements")
    rows[1][1] = "P-002"  # at Enquiry in the partners template
    run, page = upload(client, "agreements", rows)
    assert "Riverside Rock School is at Enquiry: an agreement can be live only for a partner past the standards" in (
        page.text
    )
    assert Agreement.objects.count() == 0


def test_a_live_agreement_needs_evidence_in_force(client):
    confirm(client, upload(client, "partners", template(client, "partners"))[0])
    run, page = upload(client, "agreements", template(client, "agreements"))
    assert "does not hold every minimum standard verified and in date" in page.text
    assert "Import these" not in page.text


def test_agreements_evidence_and_income_import_against_partners(client, manager):
    from partners.models import EvidenceType

    confirm(client, upload(client, "partners", template(client, "partners"))[0])
    evidence = [["reference", "partner_reference", "evidence_type", "verified_on", "expires_on"]]
    for n, kind in enumerate(EvidenceType.objects.filter(required=True, is_active=True)):
        evidence.append([f"E-{n}", "P-001", kind.name, "2026-06-01", "2099-06-01"])
    assert confirm(client, upload(client, "evidence", evidence)[0]).status == ImportRun.Status.CONFIRMED
    assert EvidenceItem.objects.filter(status=EvidenceItem.Status.VERIFIED).count() == len(evidence) - 1
    run, _ = upload(client, "agreements", template(client, "agreements"))
    assert confirm(client, run).summary["created"] == 2
    live = Agreement.objects.get(status=Agreement.Status.LIVE)
    assert live.partner.name == "Northgate Strings" and live.academic_year == 2026
    assert confirm(client, upload(client, "income", template(client, "income"))[0]).summary["created"] == 2
    assert IncomeRecord.objects.filter(partner=live.partner).count() == 2


def test_only_the_service_manager_and_admins_import(staff, client_for):
    assert client_for(staff).get(HOME).status_code == 403


def test_a_file_is_imported_once(client):
    run, _ = upload(client, "partners", template(client, "partners"))
    confirm(client, run)
    response = client.post(reverse("records_import:confirm", kwargs={"pk": run.pk}), follow=True)
    assert "has been imported already" in response.text
    assert Partner.objects.count() == 2
