"""An assessor sees what their assignments need (issue 18, item 9): the EOIs
assigned to them, their calls' terms and criteria, and each such partner's
summary on the assessment page. Not the partner list, a partner's own pages,
minimum-standards evidence, meetings, or any staff page."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from eoi.models import Call, ExpressionOfInterest
from partners.models import EvidenceItem
from tests.eoi.factories import AssessorAssignmentFactory, CallFactory, CriterionFactory, ExpressionOfInterestFactory
from tests.partners.factories import EvidenceItemFactory, MeetingFactory


@pytest.fixture
def assigned(assessor, partner_a, staff):
    """An EOI of partner A's, under assessment on a closed call, assigned to the assessor."""
    now = timezone.now()
    call = CallFactory(
        status=Call.Status.CLOSED,
        opens_at=now - datetime.timedelta(days=30),
        closes_at=now - datetime.timedelta(days=1),
    )
    CriterionFactory(call=call, name="Meets the gap")
    partner_a.town = "Loughborough"
    partner_a.description = "Inclusive brass ensembles."
    partner_a.save()
    eoi = ExpressionOfInterestFactory(
        call=call, partner=partner_a, status=ExpressionOfInterest.Status.UNDER_ASSESSMENT, submitted_at=now
    )
    return AssessorAssignmentFactory(eoi=eoi, assessor=assessor, assigned_by=staff, has_conflict=False, declared_at=now)


def test_the_assessment_page_shows_the_partners_summary(assigned, assessor, client_for):
    client = client_for(assessor)
    for url in (reverse("eoi:eoi_detail", args=[assigned.eoi.pk]), reverse("eoi:score", args=[assigned.pk])):
        page = client.get(url)
        assert page.status_code == 200
        assert "About the partner" in page.text and "Loughborough" in page.text
        assert "Inclusive brass ensembles." in page.text
        # The name is not a link into the partner's file, which the assessor cannot open.
        assert reverse("partners:detail", args=[assigned.eoi.partner_id]) not in page.text


@pytest.mark.parametrize("declared", [None, True], ids=["not yet declared", "conflict declared"])
def test_the_eoi_is_the_assessors_to_read_only_once_they_declare_no_conflict(
    declared, assigned, assessor, partner_a_user, client_for
):
    from eoi.models import EoiAttachment

    assigned.has_conflict = declared
    assigned.save(update_fields=["has_conflict"])
    attachment = EoiAttachment.objects.create(
        eoi=assigned.eoi,
        file=ContentFile(b"%PDF-1.4 plan", name="plan.pdf"),
        original_filename="plan.pdf",
        uploaded_by=partner_a_user,
    )
    client = client_for(assessor)
    assert client.get(reverse("eoi:eoi_detail", args=[assigned.eoi.pk])).status_code == 404
    assert client.get(reverse("eoi:attachment_download", args=[attachment.pk])).status_code == 404
    listed = client.get(reverse("eoi:assessments")).text
    assert reverse("eoi:eoi_detail", args=[assigned.eoi.pk]) not in listed
    # What they need to judge a conflict: the title and the partner's summary.
    declaration = client.get(reverse("eoi:conflict", args=[assigned.pk]))
    assert declaration.status_code == 200 and "About the partner" in declaration.text


def test_staff_reach_the_partners_page_from_the_summary(assigned, staff, client_for):
    page = client_for(staff).get(reverse("eoi:eoi_detail", args=[assigned.eoi.pk]))
    assert reverse("partners:detail", args=[assigned.eoi.partner_id]) in page.text


def test_an_assessor_cannot_open_the_partner_of_their_assignment(assigned, assessor, client_for):
    client = client_for(assessor)
    partner = assigned.eoi.partner
    assert client.get(reverse("partners:list")).status_code == 403
    assert client.get(reverse("partners:detail", args=[partner.pk])).status_code == 403
    assert client.get(reverse("partners:evidence_list")).status_code == 403


def test_an_assessor_cannot_download_evidence_or_meetings(assigned, assessor, staff, client_for):
    partner = assigned.eoi.partner
    evidence = EvidenceItemFactory(partner=partner, status=EvidenceItem.Status.VERIFIED)
    meeting = MeetingFactory(partner=partner, scheduled_by=staff)
    client = client_for(assessor)
    assert client.get(reverse("partners:evidence_download", args=[evidence.pk])).status_code == 403
    assert client.get(reverse("partners:meeting_calendar", args=[meeting.pk])).status_code == 403


def test_the_assessor_sees_only_the_calls_of_their_assignments(assigned, assessor, client_for):
    client = client_for(assessor)
    page = client.get(reverse("eoi:call_detail", args=[assigned.eoi.call_id]))
    assert page.status_code == 200 and "Meets the gap" in page.text
    # The call's staff record (counts of every EOI, its history) is not theirs.
    assert "Expressions of interest by state" not in page.text and 'id="history-title"' not in page.text
    other = CallFactory()
    assert client.get(reverse("eoi:call_detail", args=[other.pk])).status_code == 404


def test_another_eoi_on_the_same_call_is_not_the_assessors(assigned, assessor, partner_b, client_for):
    other = ExpressionOfInterestFactory(
        call=assigned.eoi.call, partner=partner_b, status=ExpressionOfInterest.Status.UNDER_ASSESSMENT
    )
    assert client_for(assessor).get(reverse("eoi:eoi_detail", args=[other.pk])).status_code == 404


def test_the_assessors_navigation_has_no_partner_pages(assigned, assessor, client_for):
    page = client_for(assessor).get(reverse("staff_home"))
    assert page.status_code == 200
    assert reverse("partners:list") not in page.text and reverse("partners:evidence_list") not in page.text
    assert reverse("eoi:assessments") in page.text


def test_assessors_hold_no_model_permissions_for_the_admin(assessor):
    # Were an assessor ever given access to the Django admin, it would show them nothing.
    assert not assessor.get_all_permissions()
