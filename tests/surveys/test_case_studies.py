"""A case study about a young person, or with an image of one, cannot be
published or exported without consent for that use."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from hubportal.core import exports
from hubportal.core.errors import ActionRefused
from surveys.consent import consent_blocker, may_use
from surveys.models import CaseStudy, Consent
from surveys.services import case_study_publish, consent_withdraw
from surveys.views.staff import evaluations as views
from tests.files import pdf, png
from tests.surveys.factories import CaseStudyFactory, consent_for, image_for

pytestmark = pytest.mark.django_db
PUBLICITY, REPORTS = Consent.Use.PUBLICITY, Consent.Use.HUB_REPORTS


@pytest.fixture
def story(partner_a, partner_a_user):
    return CaseStudyFactory(partner=partner_a, created_by=partner_a_user)


# The rule ---------------------------------------------------------------------------


def test_a_young_persons_story_without_consent_may_not_be_used(story):
    assert not may_use(story, use=PUBLICITY)
    assert "no consent for website and publicity is recorded" in consent_blocker(story, use=PUBLICITY)


def test_consent_covers_only_the_uses_given(story):
    consent_for(story, REPORTS)
    assert may_use(story, use=REPORTS)
    assert not may_use(story, use=PUBLICITY)


def test_withdrawn_consent_no_longer_covers_it(story):
    consent = consent_for(story, PUBLICITY)
    today = timezone.localdate()
    consent.withdrawn_on = today
    consent.save()
    assert may_use(story, use=PUBLICITY, today=today - datetime.timedelta(days=1))
    assert not may_use(story, use=PUBLICITY, today=today)


def test_a_story_about_no_one_in_particular_needs_no_consent(partner_a, partner_a_user):
    story = CaseStudyFactory(partner=partner_a, created_by=partner_a_user, about_young_person=False)
    assert may_use(story, use=PUBLICITY)


def test_an_image_of_a_young_person_needs_consent_even_for_a_general_story(partner_a, partner_a_user):
    story = CaseStudyFactory(partner=partner_a, created_by=partner_a_user, about_young_person=False)
    image_for(story, shows_young_person=False)
    assert may_use(story, use=PUBLICITY)
    image_for(story, shows_young_person=True)
    assert "has an image showing a young person" in consent_blocker(story, use=PUBLICITY)


# Publishing ----------------------------------------------------------------------------


def test_a_case_study_without_consent_cannot_be_published(story, staff):
    with pytest.raises(ActionRefused, match="no consent for website and publicity"):
        case_study_publish(case_study=story, actor=staff)
    story.refresh_from_db()
    assert story.status == CaseStudy.Status.DRAFT


def test_staff_publish_once_consent_is_recorded(story, staff, client_for):
    consent_for(story, PUBLICITY)
    response = client_for(staff).post(reverse("surveys:case_study_publish", args=[story.pk]))
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.status == CaseStudy.Status.PUBLISHED and story.published_at


def test_the_publish_page_refuses_with_the_reason(story, staff, client_for):
    response = client_for(staff).post(reverse("surveys:case_study_publish", args=[story.pk]), follow=True)
    assert "no consent for website and publicity is recorded" in response.text
    story.refresh_from_db()
    assert story.status == CaseStudy.Status.DRAFT


def test_withdrawing_consent_takes_a_published_case_study_down(story, staff, partner_a_user):
    consent = consent_for(story, PUBLICITY)
    case_study_publish(case_study=story, actor=staff)
    consent_withdraw(consent=consent, actor=partner_a_user)
    story.refresh_from_db()
    assert story.status == CaseStudy.Status.DRAFT and story.published_at is None


# Export ----------------------------------------------------------------------------------


def exported_titles(client, use):
    response = client.get(reverse("surveys:case_study_list"), {"export": "csv", "use": use})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    return [row[0] for row in rows[1:]]


def test_a_case_study_without_consent_for_the_use_is_left_out_of_the_export(
    partner_a, partner_a_user, staff, client_for
):
    without = CaseStudyFactory(partner=partner_a, created_by=partner_a_user, title="No consent yet")
    reports_only = CaseStudyFactory(partner=partner_a, created_by=partner_a_user, title="Reports only")
    consent_for(reports_only, REPORTS)
    general = CaseStudyFactory(
        partner=partner_a, created_by=partner_a_user, title="About the band", about_young_person=False
    )
    client = client_for(staff)
    assert sorted(exported_titles(client, REPORTS)) == ["About the band", "Reports only"]
    assert exported_titles(client, PUBLICITY) == ["About the band"]
    page = client.get(reverse("surveys:case_study_list"), {"use": PUBLICITY})
    assert "left out of the export" in page.text
    assert without and general


def test_the_export_reads_a_chunk_of_case_studies_at_a_time_and_still_leaves_out_the_unconsented(
    monkeypatch, partner_a, partner_a_user, staff, client_for
):
    monkeypatch.setattr(exports, "CHUNK", 2)
    for n in range(5):
        case_study = CaseStudyFactory(partner=partner_a, created_by=partner_a_user, title=f"Story {n}")
        if n != 2:
            consent_for(case_study, REPORTS)
    checked = []

    def blocker(case_study, **kwargs):
        checked.append(case_study.title)
        return consent_blocker(case_study, **kwargs)

    monkeypatch.setattr(views, "consent_blocker", blocker)
    response = client_for(staff).get(reverse("surveys:case_study_list"), {"export": "csv", "use": REPORTS})
    assert response.streaming and checked == []  # nothing is read until the file is
    with CaptureQueriesContext(connection) as queries:
        rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    consented = [f"Story {n}" for n in (0, 1, 3, 4)]
    assert sorted(row[0] for row in rows[1:]) == consented
    assert sorted(checked) == [f"Story {n}" for n in range(5)]
    # Three chunks (2, 2 and 1 case studies), each with its consents read in one query.
    assert len([q for q in queries if 'FROM "surveys_consent"' in q["sql"]]) == 3
    workbook = client_for(staff).get(reverse("surveys:case_study_list"), {"export": "xlsx", "use": REPORTS})
    sheet = load_workbook(io.BytesIO(b"".join(workbook.streaming_content))).active
    assert sorted(row[0] for row in sheet.iter_rows(min_row=2, values_only=True)) == consented


# The partner records consent and images ---------------------------------------------------------


def test_the_partner_records_consent(story, client_for, partner_a_user):
    response = client_for(partner_a_user).post(
        reverse("surveys:portal_consent_add", args=[story.pk]),
        {"given_by": "Sara Khan", "relationship": "Parent", "given_on": "2026-10-01", "uses": [PUBLICITY, REPORTS]},
    )
    assert response.status_code == 302
    consent = story.consents.get()
    assert (consent.given_by, consent.relationship, consent.uses) == ("Sara Khan", "Parent", [PUBLICITY, REPORTS])
    assert consent.recorded_by == partner_a_user


def test_consent_needs_at_least_one_use_and_keeps_what_was_typed(story, client_for, partner_a_user):
    response = client_for(partner_a_user).post(
        reverse("surveys:portal_consent_add", args=[story.pk]),
        {"given_by": "Sara Khan", "relationship": "Parent", "given_on": "2026-10-01"},
    )
    assert response.status_code == 200
    assert "Tick at least one use they consented to." in response.text
    assert 'value="Sara Khan"' in response.text
    assert not story.consents.exists()


def test_the_partner_uploads_an_image_and_only_an_image(story, client_for, partner_a_user):
    client = client_for(partner_a_user)
    url = reverse("surveys:portal_image_add", args=[story.pk])
    assert 'accept=".png,.jpg,.jpeg"' in client.get(url).text
    refused = client.post(url, {"file": pdf(), "alt_text": "A pupil", "shows_young_person": "on"})
    assert refused.status_code == 200 and "content is not a PNG or JPEG file" in refused.text
    assert 'value="A pupil"' in refused.text and not story.images.exists()
    response = client.post(url, {"file": png(), "alt_text": "A pupil with a cello", "shows_young_person": "on"})
    assert response.status_code == 302
    image = story.images.get()
    assert image.alt_text == "A pupil with a cello" and image.shows_young_person
    served = client.get(reverse("surveys:case_study_image", args=[image.pk]))
    assert served.status_code == 200 and served["X-Content-Type-Options"] == "nosniff"


def test_a_published_case_study_cannot_be_changed_by_the_partner(story, staff, client_for, partner_a_user):
    consent_for(story, PUBLICITY)
    case_study_publish(case_study=story, actor=staff)
    response = client_for(partner_a_user).post(
        reverse("surveys:portal_case_study", args=[story.pk]), {"title": "Changed", "story": "Changed"}
    )
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.title != "Changed"


def test_another_partners_case_study_consent_and_image_are_not_found(story, client_for, partner_b_user):
    consent = consent_for(story, PUBLICITY)
    image = image_for(story)
    client = client_for(partner_b_user)
    assert client.get(reverse("surveys:portal_case_study", args=[story.pk])).status_code == 404
    assert client.get(reverse("surveys:case_study_image", args=[image.pk])).status_code == 404
    assert client.post(reverse("surveys:portal_consent_withdraw", args=[consent.pk])).status_code == 404
    assert client.post(reverse("surveys:portal_image_delete", args=[image.pk])).status_code == 404
    assert client.post(reverse("surveys:portal_consent_add", args=[story.pk]), {}).status_code == 404


def test_case_study_images_are_for_the_partner_and_staff_only(story, client_for, assessor, chair, staff):
    image = image_for(story)
    url = reverse("surveys:case_study_image", args=[image.pk])
    assert client_for(staff).get(url).status_code == 200
    assert client_for(assessor).get(url).status_code == 403
    assert client_for(chair).get(url).status_code == 403
