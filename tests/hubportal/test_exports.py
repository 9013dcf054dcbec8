import io

from django.http import StreamingHttpResponse
from django.test import RequestFactory
from openpyxl import load_workbook

from hubportal.core.exports import export_rows
from partners.models import Partner
from tests.factories import PartnerFactory

COLUMNS = [("Name", lambda p: p.name), ("Stage", lambda p: p.get_status_display())]


def test_csv_export_streams_and_neutralises_formulas(db):
    PartnerFactory(name="=HYPERLINK(evil)")
    PartnerFactory(name="Plain Partner")
    response = export_rows(RequestFactory().get("/?export=csv"), Partner.objects.all(), COLUMNS, "partners")
    assert isinstance(response, StreamingHttpResponse)
    body = b"".join(response.streaming_content).decode()
    assert body.splitlines() == ["Name,Stage", "'=HYPERLINK(evil),Active", "Plain Partner,Active"]


def test_xlsx_export_opens_with_the_same_rows(db):
    PartnerFactory(name="Plain Partner")
    response = export_rows(RequestFactory().get("/?export=xlsx"), Partner.objects.all(), COLUMNS, "partners")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [["Name", "Stage"], ["Plain Partner", "Active"]]
