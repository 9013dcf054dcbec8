"""The last two lists: the wording of messages and the board reports filter,
sort, page and export like every other list."""

import csv
import io

from django.urls import reverse

from hubportal.core.academic_years import AUTUMN, SPRING, AcademicYear
from hubportal.models import BoardReport, MessageTemplate, Term


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_message_kinds_filter_by_name_and_wording_and_export(staff, client_for):
    MessageTemplate.objects.create(kind="welcome", subject="Hello", body="Hi", updated_by=staff)
    client = client_for(staff)
    own = client.get(reverse("wording_list"), {"wording": "own"})
    assert [kind for kind, _ in own.context["page"]] == ["welcome"]
    partners = client.get(reverse("wording_list"), {"kind": "partners_"})
    kinds = [kind for kind, _ in partners.context["page"]]
    assert kinds and all(k.startswith("partners_") for k in kinds)
    first = client.get(reverse("wording_list"), {"sort": "customised"}).context["page"][0]
    assert first == ("welcome", True)
    exported = csv_rows(client.get(reverse("wording_list"), {"kind": "partners_", "export": "csv"}))
    assert exported[0] == ["Kind", "Wording"] and [row[0] for row in exported[1:]] == kinds


def test_board_reports_filter_by_term_and_state_and_export(staff, client_for):
    year = AcademicYear(2025)
    terms = {t.name: t for t in Term.for_year(year)}
    done = BoardReport.objects.create(term=terms[AUTUMN], requested_by=staff, status=BoardReport.Status.DONE)
    BoardReport.objects.create(term=terms[SPRING], requested_by=staff, status=BoardReport.Status.FAILED)
    client = client_for(staff)
    shown = client.get(reverse("board_reports"), {"status": "done"}).context["page"]
    assert list(shown) == [done]
    autumn = client.get(reverse("board_reports"), {"year": "2025", "term": AUTUMN}).context["page"]
    assert list(autumn) == [done]
    exported = csv_rows(client.get(reverse("board_reports"), {"sort": "term", "export": "csv"}))
    assert [row[0] for row in exported[1:]] == [str(terms[AUTUMN]), str(terms[SPRING])]


def test_the_chair_exports_board_reports_too(chair, staff, client_for):
    term = Term.for_year(AcademicYear(2025))[0]
    BoardReport.objects.create(term=term, requested_by=staff)
    response = client_for(chair).get(reverse("board_reports"), {"export": "xlsx"})
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
