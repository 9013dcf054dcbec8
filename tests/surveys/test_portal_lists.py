"""The partner's evaluations page holds two lists, their completed projects and
their case studies: each filters, sorts, pages and exports apart (CSV streamed,
XLSX that openpyxl opens), only the partner's own rows, in a fixed number of
queries whatever their number."""

import csv
import io
from datetime import timedelta

import pytest
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from surveys.consent import PUBLISH_USE
from surveys.models import CaseStudy, ProjectEvaluation
from tests.surveys.factories import CaseStudyFactory, completed_project, consent_for

pytestmark = pytest.mark.django_db
URL = reverse("surveys:portal_evaluations")


def csv_rows(response) -> list[list[str]]:
    assert isinstance(response, StreamingHttpResponse) and response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def xlsx_rows(response) -> list[tuple]:
    return list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True))


@pytest.fixture
def projects(partner_a_user, partner_b):
    today = timezone.localdate()
    partner = partner_a_user.partner
    overdue = completed_project(partner, title="Brass band project", evaluation_due_on=today - timedelta(days=5))
    submitted = completed_project(partner, title="African drumming", evaluation_due_on=today - timedelta(days=20))
    ProjectEvaluation.objects.create(
        agreement=submitted, status=ProjectEvaluation.Status.SUBMITTED, submitted_at=timezone.now()
    )
    later = completed_project(partner, title="Choir project", evaluation_due_on=today + timedelta(days=30))
    ProjectEvaluation.objects.create(agreement=later)
    completed_project(partner_b, title="Partner B's project", evaluation_due_on=today)
    return overdue, submitted, later


def test_the_partner_filters_and_sorts_their_projects(projects, partner_a_user, client_for):
    client = client_for(partner_a_user)

    def titles(query):
        return [a.title for a, _ in client.get(URL, query).context["projects"]]

    assert titles({}) == ["African drumming", "Brass band project", "Choir project"]  # due soonest first
    assert titles({"state": "not_started"}) == ["Brass band project"]
    assert titles({"state": "draft"}) == ["Choir project"]
    assert titles({"overdue": "true"}) == ["Brass band project"]
    assert titles({"overdue": "false"}) == ["African drumming", "Choir project"]
    assert titles({"sort": "title"}) == ["African drumming", "Brass band project", "Choir project"]
    assert titles({"sort": "-due"}) == ["Choir project", "Brass band project", "African drumming"]
    assert "partner" not in client.get(URL).context["filter"].form.fields


def test_the_partner_exports_only_their_own_projects(projects, partner_a_user, partner_b_user, client_for):
    rows = csv_rows(client_for(partner_a_user).get(URL, {"export": "csv", "sort": "title"}))
    assert rows[0][:4] == ["Project", "Evaluation due", "Evaluation", "Overdue"]
    assert [(r[0], r[2], r[3]) for r in rows[1:]] == [
        ("African drumming", "Submitted", "no"),
        ("Brass band project", "Not started", "yes"),
        ("Choir project", "Draft", "no"),
    ]
    assert not any("Partner B" in cell for row in rows for cell in row)
    overdue = xlsx_rows(client_for(partner_a_user).get(URL, {"export": "xlsx", "overdue": "true"}))
    assert [r[0] for r in overdue[1:]] == ["Brass band project"]
    theirs = csv_rows(client_for(partner_b_user).get(URL, {"export": "csv"}))
    assert [r[0] for r in theirs[1:]] == ["Partner B's project"]


@pytest.fixture
def stories(partner_a_user, partner_b):
    partner = partner_a_user.partner
    now = timezone.now()
    older = CaseStudyFactory(partner=partner, title="Amira finds her voice", created_by=partner_a_user)
    CaseStudy.objects.filter(pk=older.pk).update(created_at=now - timedelta(days=10))
    published = CaseStudyFactory(
        partner=partner,
        title="Zac leads the band",
        created_by=partner_a_user,
        status=CaseStudy.Status.PUBLISHED,
        published_at=now,
    )
    consent_for(published, PUBLISH_USE)
    CaseStudyFactory(partner=partner_b, title="Partner B's story")
    return older, published


def test_the_partner_filters_sorts_and_exports_their_case_studies_apart(stories, projects, partner_a_user, client_for):
    client = client_for(partner_a_user)

    def titles(query):
        return [cs.title for cs, _ in client.get(URL, query).context["case_studies"]]

    assert titles({}) == ["Zac leads the band", "Amira finds her voice"]  # newest first
    assert titles({"cs-status": "published"}) == ["Zac leads the band"]
    assert titles({"cs-search": "amira"}) == ["Amira finds her voice"]
    assert titles({"cs-sort": "title"}) == ["Amira finds her voice", "Zac leads the band"]
    # One list's filter leaves the other alone, and each form keeps the other's choices.
    both = client.get(URL, {"cs-status": "published", "cs-sort": "title", "state": "draft", "sort": "-due"})
    assert [a.title for a, _ in both.context["projects"]] == ["Choir project"]
    assert [cs.title for cs, _ in both.context["case_studies"]] == ["Zac leads the band"]
    assert '<input type="hidden" name="cs-status" value="published">' in both.text
    assert '<input type="hidden" name="state" value="draft">' in both.text
    assert '<input type="hidden" name="cs-sort" value="title">' in both.text
    assert '<input type="hidden" name="sort" value="-due">' in both.text
    assert "list=case-studies&amp;export=csv" in both.text
    rows = csv_rows(client.get(URL, {"list": "case-studies", "export": "csv", "cs-sort": "title"}))
    assert rows[0][:4] == ["Title", "Status", "Tells a young person's story", "Consent"]
    assert [(r[0], r[1], r[3]) for r in rows[1:]] == [
        ("Amira finds her voice", "Draft", "Consent for publishing needed"),
        ("Zac leads the band", "Published", "In order"),
    ]
    assert not any("Partner B" in cell for row in rows for cell in row)
    drafts = xlsx_rows(client.get(URL, {"list": "case-studies", "export": "xlsx", "cs-status": "draft"}))
    assert [r[0] for r in drafts[1:]] == ["Amira finds her voice"]


def test_the_two_lists_page_apart(partner_a_user, client_for):
    partner = partner_a_user.partner
    for n in range(27):
        CaseStudyFactory(partner=partner, title=f"Story {n:02d}", created_by=partner_a_user, about_young_person=False)
    page = client_for(partner_a_user).get(URL, {"cs-sort": "title", "cs-page": 2})
    assert [cs.title for cs, _ in page.context["case_studies"]] == ["Story 25", "Story 26"]
    assert "cs-sort=title&amp;cs-page=1" in page.text


@pytest.mark.parametrize("count", [2, 20])
def test_the_exports_cost_the_same_queries_at_any_size(
    count, partner_a_user, client_for, django_assert_max_num_queries
):
    partner = partner_a_user.partner
    for n in range(count):
        project = completed_project(partner, outcomes=[])
        if n % 2:
            ProjectEvaluation.objects.create(agreement=project)
        story = CaseStudyFactory(partner=partner, created_by=partner_a_user)
        consent_for(story, PUBLISH_USE)
    client = client_for(partner_a_user)
    # Prevents a query per project for its evaluation (joined) and per case study for its consents and images.
    with django_assert_max_num_queries(9):
        assert len(csv_rows(client.get(URL, {"export": "csv"}))) == count + 1
    with django_assert_max_num_queries(11):
        assert len(csv_rows(client.get(URL, {"export": "csv", "list": "case-studies"}))) == count + 1
