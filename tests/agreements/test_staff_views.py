"""The staff screens: each action's happy path, wrong method (405), wrong role
(403), a missing record (404) and invalid input redisplayed with what was typed."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from agreements.models import Agreement, AgreementTemplate, AnnualReview, TerminationRecommendation
from hubportal.core.academic_years import current_academic_year
from partners.models import Partner, PartnerType
from tests.agreements.factories import (
    AgreementFactory,
    PaymentInstalmentFactory,
    issue,
    make_live,
    partner_sign,
    reviewed,
)
from tests.factories import PartnerFactory, partner_user
from tests.files import pdf


@pytest.fixture
def draft(partner_a):
    return AgreementFactory(partner=partner_a)


@pytest.fixture
def live(partner_a, staff, manager, partner_a_user):
    return make_live(AgreementFactory(partner=partner_a), staff=staff, partner_user=partner_a_user, manager=manager)


def url(name, obj=None):
    return reverse(f"agreements:{name}", kwargs={"pk": obj.pk} if obj is not None else None)


# The list.


def test_the_list_filters_sorts_and_exports(staff, client_for, partner_a, partner_b, manager):
    year = current_academic_year().start_year
    AgreementFactory(partner=partner_a, title="Alpha agreement")
    old = AgreementFactory(partner=partner_b, academic_year=year - 1, title="Beta agreement", status="expired")
    client = client_for(staff)
    page = client.get(url("list"), {"academic_year": year - 1})
    assert "Beta agreement" in page.text and "Alpha agreement" not in page.text
    page = client.get(url("list"), {"status": "draft"})
    assert "Alpha agreement" in page.text and "Beta agreement" not in page.text
    page = client.get(url("list"), {"sort": "-partner"})
    assert page.text.index("Partner B Strings") < page.text.index("Partner A Music")
    csv = client.get(url("list"), {"status": "expired", "export": "csv"})
    body = b"".join(csv.streaming_content).decode()
    assert "Beta agreement" in body and "Alpha agreement" not in body and old.year.label in body
    xlsx = client.get(url("list"), {"export": "xlsx"})
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    # Kind, partner type and the search box narrow the list too.
    AgreementFactory(partner=partner_b, project=True, title="Gamma project")
    page = client.get(url("list"), {"kind": "project"})
    assert "Gamma project" in page.text and "Alpha agreement" not in page.text and "Beta agreement" not in page.text
    school = PartnerType.objects.create(name="School (test)", kind=partner_a.partner_type.kind)
    Partner.objects.filter(pk=partner_b.pk).update(partner_type=school)
    page = client.get(url("list"), {"partner_type": school.pk})
    assert "Beta agreement" in page.text and "Gamma project" in page.text and "Alpha agreement" not in page.text
    page = client.get(url("list"), {"q": "gamma"})
    assert "Gamma project" in page.text and "Beta agreement" not in page.text


def test_the_expiring_filter_finds_this_years_agreements_with_no_renewal(staff, manager, client_for):
    year = current_academic_year().start_year
    partners = [PartnerFactory(name=name) for name in ("Renewing Band", "Ending Choir")]
    for partner in partners:
        make_live(
            AgreementFactory(partner=partner, title=f"{partner.name} agreement"),
            staff=staff,
            partner_user=partner_user(partner),
            manager=manager,
        )
    renewing = Agreement.objects.get(partner=partners[0])
    AgreementFactory(partner=partners[0], academic_year=year + 1, renewal_of=renewing, title="Next year")
    page = client_for(staff).get(url("list"), {"expiring": "true"})
    assert "Ending Choir agreement" in page.text and "Renewing Band agreement" not in page.text


@pytest.mark.parametrize("size", [3, 12])
def test_the_list_costs_the_same_queries_at_any_size(size, staff, client_for, django_assert_max_num_queries):
    for _ in range(size):
        AgreementFactory()
    client = client_for(staff)
    # Bounded: without select_related each row would fetch its partner and partner type, and the
    # "with the Chair" badge would query each agreement's recommendations.
    with django_assert_max_num_queries(12):
        response = client.get(url("list"))
    assert response.status_code == 200


def test_the_list_is_for_hub_staff(assessor, chair, partner_a_user, client_for):
    for user in (assessor, chair, partner_a_user):
        assert client_for(user).get(url("list")).status_code == 403
    assert client_for(None).get(url("list")).status_code == 302


# Drafting and editing.


def test_staff_draft_a_partnership_agreement_from_the_template(staff, partner_a, client_for):
    year = current_academic_year().start_year
    response = client_for(staff).post(url("create"), {"partner": partner_a.pk, "academic_year": year})
    agreement = Agreement.objects.get(partner=partner_a)
    assert response.status_code == 302 and response.url == url("edit", agreement)
    template = AgreementTemplate.objects.get(partner_type=partner_a.partner_type)
    assert agreement.basis == template.basis and agreement.conditions == template.conditions
    assert "Arts Council England" in agreement.conditions and "termly survey" in agreement.monitoring.lower()


def test_a_second_draft_for_the_same_year_is_refused_with_the_form_kept(staff, draft, client_for):
    response = client_for(staff).post(
        url("create"), {"partner": draft.partner_id, "academic_year": draft.academic_year}
    )
    assert response.status_code == 200
    assert "already has a partnership agreement for" in response.text
    assert f'<option value="{draft.partner_id}" selected>' in response.text


def test_create_invalid_and_wrong_method(staff, client_for):
    response = client_for(staff).post(url("create"), {"academic_year": "1900"})
    assert response.status_code == 200 and "There is a problem" in response.text
    assert client_for(staff).put(url("create")).status_code == 405


def test_staff_edit_a_draft_with_its_outcomes(staff, draft, client_for):
    outcome = draft.outcomes.first()
    data = {
        "title": draft.title,
        "basis": "A new basis.",
        "hub_expectations": draft.hub_expectations,
        "partner_expectations": draft.partner_expectations,
        "monitoring": draft.monitoring,
        "conditions": draft.conditions,
        "requires_termly_surveys": "on",
        "review_meetings_per_year": "2",
        "outcomes-TOTAL_FORMS": "3",
        "outcomes-INITIAL_FORMS": "2",
        "outcomes-MIN_NUM_FORMS": "0",
        "outcomes-MAX_NUM_FORMS": "1000",
    }
    for i, o in enumerate(draft.outcomes.all()):
        data |= {
            f"outcomes-{i}-id": o.pk,
            f"outcomes-{i}-description": o.description,
            f"outcomes-{i}-measure": o.measure,
            f"outcomes-{i}-target": o.target,
        }
    data |= {
        "outcomes-1-DELETE": "on",
        "outcomes-2-description": "Schools join the ensemble programme",
        "outcomes-2-measure": "Schools",
        "outcomes-2-target": "12",
    }
    response = client_for(staff).post(url("edit", draft), data)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.basis == "A new basis." and draft.review_meetings_per_year == 2
    assert [o.description for o in draft.outcomes.all()] == [outcome.description, "Schools join the ensemble programme"]


def test_edit_invalid_is_redisplayed_with_what_was_typed(staff, draft, client_for):
    data = {"title": "", "basis": "Typed basis", "outcomes-TOTAL_FORMS": "0", "outcomes-INITIAL_FORMS": "0"}
    response = client_for(staff).post(url("edit", draft), data)
    assert response.status_code == 200 and "There is a problem" in response.text and "Typed basis" in response.text


def test_edit_roles_methods_and_missing(staff, assessor, partner_a_user, draft, client_for):
    assert client_for(assessor).get(url("edit", draft)).status_code == 403
    assert client_for(partner_a_user).get(url("edit", draft)).status_code == 403
    assert client_for(staff).delete(url("edit", draft)).status_code == 405
    assert client_for(staff).get(reverse("agreements:edit", kwargs={"pk": 9999})).status_code == 404


def test_an_issued_agreement_cannot_be_edited_and_says_why(staff, draft, client_for):
    issue(draft, staff)
    response = client_for(staff).get(url("edit", draft), follow=True)
    assert "Only a draft can be edited" in response.text


def test_a_project_is_edited_with_its_schedule(staff, partner_a, client_for):
    project = AgreementFactory(partner=partner_a, project=True, evaluation_due_on=None)
    data = {
        "title": project.title,
        "basis": "b",
        "hub_expectations": "h",
        "partner_expectations": "p",
        "monitoring": "m",
        "conditions": "c",
        "review_meetings_per_year": "1",
        "requires_evaluation": "on",
        "starts_on": "2027-01-04",
        "ends_on": "2027-07-30",
        "hub_contribution": "5000.00",
        "match_funding_commitment": "5000.00",
        "evaluation_due_on": "",
        "outcomes-TOTAL_FORMS": "1",
        "outcomes-INITIAL_FORMS": "0",
        "outcomes-0-description": "Forty children play",
        "outcomes-0-measure": "Players",
        "outcomes-0-target": "40",
        "instalments-TOTAL_FORMS": "2",
        "instalments-INITIAL_FORMS": "0",
        "instalments-0-milestone": "On signature",
        "instalments-0-due_on": "2027-01-04",
        "instalments-0-amount": "2500",
        "instalments-1-milestone": "Final report",
        "instalments-1-due_on": "2027-07-30",
        "instalments-1-amount": "2500",
    }
    response = client_for(staff).post(url("edit", project), data)
    assert response.status_code == 302, response.text
    project.refresh_from_db()
    assert sum(i.amount for i in project.instalments.all()) == Decimal("5000.00")
    assert project.evaluation_due_on == datetime.date(2027, 7, 30) + datetime.timedelta(weeks=8)
    bad = data | {"ends_on": "2026-12-01"}
    response = client_for(staff).post(url("edit", project), bad)
    assert response.status_code == 200 and "end on or after the day it starts" in response.text


# Issue, reopen, countersign, complete, pay.


def test_issue_happy_refused_and_roles(staff, draft, partner_a_user, client_for):
    confirm = client_for(staff).get(url("issue", draft))  # the confirm step: what is sent, to whom
    assert confirm.status_code == 200 and "Who will be emailed" in confirm.text
    draft.refresh_from_db()
    assert draft.status == Agreement.Status.DRAFT
    assert client_for(staff).put(url("issue", draft)).status_code == 405
    assert client_for(partner_a_user).post(url("issue", draft)).status_code == 403
    response = client_for(staff).post(url("issue", draft), follow=True)
    assert "Issued." in response.text
    draft.refresh_from_db()
    assert draft.status == Agreement.Status.ISSUED
    again = client_for(staff).post(url("issue", draft), follow=True)
    assert "Only a draft can be issued." in again.text
    assert client_for(staff).post(reverse("agreements:issue", kwargs={"pk": 9999})).status_code == 404


def test_issue_refusal_lists_what_is_missing(staff, partner_a, client_for):
    empty = AgreementFactory(partner=partner_a, outcomes=[])
    response = client_for(staff).post(url("issue", empty), follow=True)
    assert "Add at least one agreed outcome" in response.text


def test_reopen_makes_a_new_version(staff, draft, partner_a_user, client_for):
    issue(draft, staff)
    partner_sign(draft, partner_a_user)
    client = client_for(staff)
    invalid = client.post(url("reopen", draft), {"reason": ""})
    assert invalid.status_code == 200 and "There is a problem" in invalid.text
    assert client.post(url("reopen", draft), {"reason": "New target."}).status_code == 302
    draft.refresh_from_db()
    assert draft.version == 2 and draft.status == Agreement.Status.DRAFT
    assert client_for(partner_a_user).get(url("reopen", draft)).status_code == 403
    assert client.patch(url("reopen", draft)).status_code == 405


def test_countersign_by_the_manager_only(staff, manager, draft, partner_a_user, client_for):
    issue(draft, staff)
    partner_sign(draft, partner_a_user)
    assert client_for(staff).get(url("countersign", draft)).status_code == 403
    client = client_for(manager)
    page = client.get(url("countersign", draft))
    assert page.status_code == 200 and draft.versions.get().text_sha256 in page.text
    invalid = client.post(url("countersign", draft), {"typed_name": "Morgan Hughes", "role_title": "Service Manager"})
    assert invalid.status_code == 200 and "Tick the box" in invalid.text and "Morgan Hughes" in invalid.text
    done = client.post(
        url("countersign", draft), {"typed_name": "Morgan Hughes", "role_title": "Service Manager", "confirm": "on"}
    )
    assert done.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Agreement.Status.LIVE
    assert client.put(url("countersign", draft)).status_code == 405


def test_complete_a_project(staff, manager, partner_a, partner_a_user, client_for):
    project = AgreementFactory(partner=partner_a, project=True)
    PaymentInstalmentFactory(agreement=project, amount=Decimal("5000.00"))
    make_live(project, staff=staff, partner_user=partner_a_user, manager=manager)
    client = client_for(staff)
    invalid = client.post(url("complete", project), {"note": "All done"})
    assert invalid.status_code == 200 and "All done" in invalid.text
    assert client.post(url("complete", project), {"confirm": "on"}).status_code == 302
    project.refresh_from_db()
    assert project.status == Agreement.Status.COMPLETED
    assert client_for(partner_a_user).get(url("complete", project)).status_code == 403


def test_record_an_instalment_paid(staff, manager, partner_a, partner_a_user, client_for):
    project = AgreementFactory(partner=partner_a, project=True)
    instalment = PaymentInstalmentFactory(agreement=project, amount=Decimal("5000.00"))
    make_live(project, staff=staff, partner_user=partner_a_user, manager=manager)
    client = client_for(staff)
    link = reverse("agreements:instalment_paid", kwargs={"pk": instalment.pk})
    assert link in client.get(url("detail", project)).text
    assert client.post(link, {"paid_on": ""}).status_code == 200
    assert client.post(link, {"paid_on": "2020-01-02"}).status_code == 302
    instalment.refresh_from_db()
    assert instalment.paid_on == datetime.date(2020, 1, 2)
    assert client_for(partner_a_user).post(link, {"paid_on": "2020-01-02"}).status_code == 403


# Review and recommendation.


def test_the_annual_review_is_saved_then_completed(staff, live, client_for):
    client = client_for(staff)
    page = client.get(url("review", live))
    assert page.status_code == 200 and "No termly survey has been requested" in page.text
    outcomes = list(live.outcomes.all())
    base = {"held_on": "2027-05-10", "branding": "met", "recommendation": "renew", "summary": "A strong year."}
    saved = client.post(url("review", live), base | {f"rating_{outcomes[0].pk}": "achieved", "action": "save"})
    assert saved.status_code == 302
    live.refresh_from_db()
    assert live.status == Agreement.Status.UNDER_REVIEW
    refused = client.post(url("review", live), base | {"action": "complete"})
    assert (
        refused.status_code == 200 and "Rate every agreed outcome" in refused.text and "A strong year." in refused.text
    )
    ratings = {f"rating_{o.pk}": "on_track" for o in outcomes}
    done = client.post(url("review", live), base | ratings | {"action": "complete"})
    assert done.status_code == 302
    live.refresh_from_db()
    review = AnnualReview.objects.get()
    assert live.status == Agreement.Status.LIVE and review.completed_at and review.outcome_reviews.count() == 2


def test_renewing_on_review_is_refused_while_another_agreement_of_the_partner_is_live(
    staff, manager, partner_a, partner_a_user, client_for
):
    """Last year's agreement still under review cannot go back to live beside a live one (a 500 before)."""
    year = current_academic_year().start_year
    old = make_live(
        AgreementFactory(partner=partner_a, academic_year=year - 1),
        staff=staff,
        partner_user=partner_a_user,
        manager=manager,
    )
    ratings = {f"rating_{o.pk}": "achieved" for o in old.outcomes.all()}
    data = {"held_on": f"{year}-07-10", "branding": "met", "recommendation": "renew", "summary": "Kept typed."}
    assert client_for(staff).post(url("review", old), data | ratings | {"action": "save"}).status_code == 302
    current = AgreementFactory(partner=partner_a, academic_year=year)
    Agreement.objects.filter(pk=current.pk).update(status=Agreement.Status.LIVE)

    refused = client_for(staff).post(url("review", old), data | ratings | {"action": "complete"})

    assert refused.status_code == 200
    assert "agreement is already live, so this one cannot continue" in refused.text and "Kept typed." in refused.text
    old.refresh_from_db()
    assert old.status == Agreement.Status.UNDER_REVIEW
    assert not AnnualReview.objects.filter(completed_at__isnull=False).exists()


def test_a_review_recommending_termination_goes_to_the_chair(staff, live, chair, client_for):
    ratings = {f"rating_{o.pk}": "not_achieved" for o in live.outcomes.all()}
    data = {"held_on": "2027-05-10", "branding": "not_met", "recommendation": "terminate", "action": "complete"}
    missing = client_for(staff).post(url("review", live), data | ratings)
    assert missing.status_code == 200 and "Choose at least one of the policy" in missing.text
    data |= {"reasons": ["outcomes", "branding"], "evidence": "Nothing was delivered after October."}
    assert client_for(staff).post(url("review", live), data | ratings).status_code == 302
    recommendation = TerminationRecommendation.objects.get()
    assert recommendation.review == AnnualReview.objects.get() and recommendation.kind == "terminate"
    live.refresh_from_db()
    assert live.status == Agreement.Status.UNDER_REVIEW


def test_review_roles_and_methods(live, partner_a_user, assessor, staff, client_for):
    assert client_for(partner_a_user).get(url("review", live)).status_code == 403
    assert client_for(assessor).get(url("review", live)).status_code == 403
    assert client_for(staff).put(url("review", live)).status_code == 405
    other = AgreementFactory(partner=PartnerFactory(), status="draft")
    assert "Only a partnership agreement in force" in client_for(staff).get(url("review", other), follow=True).text


def test_staff_recommend_ending_with_evidence_documents(staff, live, client_for):
    response = client_for(staff).post(
        url("recommend", live),
        {
            "kind": "terminate",
            "reasons": ["safeguarding"],
            "evidence": "Unchecked volunteer at rehearsals.",
            "suspend_partner": "on",
            "document_1": pdf("report.pdf"),
        },
    )
    assert response.status_code == 302
    recommendation = TerminationRecommendation.objects.get()
    assert recommendation.partnership_suspended and recommendation.documents.get().original_filename == "report.pdf"


def test_recommend_invalid_is_redisplayed(staff, live, client_for):
    response = client_for(staff).post(
        url("recommend", live), {"kind": "terminate", "reasons": ["other"], "evidence": "Typed evidence."}
    )
    assert response.status_code == 200 and "say what the other reason is" in response.text
    assert "Typed evidence." in response.text
    assert not TerminationRecommendation.objects.exists()


def test_recommend_roles_and_methods(live, partner_a_user, chair, staff, client_for):
    assert client_for(partner_a_user).get(url("recommend", live)).status_code == 403
    assert client_for(chair).get(url("recommend", live)).status_code == 403
    assert client_for(staff).delete(url("recommend", live)).status_code == 405


# Roll forward and templates.


def test_roll_forward_previews_then_creates(staff, live, client_for):
    reviewed(live, staff)  # roll-forward needs the year's annual review completed
    client = client_for(staff)
    preview = client.get(url("roll_forward"))
    assert "Would be drafted (1)" in preview.text
    assert not Agreement.objects.filter(renewal_of=live).exists()
    done = client.post(url("roll_forward"), {"year": live.academic_year})
    assert done.status_code == 200 and "Created (1)" in done.text
    again = client.post(url("roll_forward"), {"year": live.academic_year})
    assert "Created (0)" in again.text and "already has a" in again.text
    assert client_for(live.partner.users.first()).get(url("roll_forward")).status_code == 403


def test_staff_edit_a_template(staff, client_for):
    template = AgreementTemplate.objects.get(kind="project")
    client = client_for(staff)
    data = {
        "name": template.name,
        "basis": "Revised basis.",
        "hub_expectations": template.hub_expectations,
        "partner_expectations": template.partner_expectations,
        "monitoring": template.monitoring,
        "conditions": template.conditions,
        "requires_evaluation": "on",
        "review_meetings_per_year": "2",
    }
    assert client.post(reverse("agreements:template_edit", kwargs={"pk": template.pk}), data).status_code == 302
    template.refresh_from_db()
    assert template.basis == "Revised basis." and template.updated_by == staff
    invalid = client.post(reverse("agreements:template_edit", kwargs={"pk": template.pk}), data | {"name": ""})
    assert invalid.status_code == 200 and "Revised basis." in invalid.text


def test_every_seeded_partner_type_has_a_template_and_there_is_a_project_one(db):
    from partners.models import PartnerType

    assert AgreementTemplate.objects.filter(kind="project").count() == 1
    for partner_type in PartnerType.objects.all():
        template = partner_type.agreement_template
        for words in ("safeguarding", "Arts Council England", "branding", "timetable", "annual review"):
            assert words.lower() in (template.conditions + template.monitoring).lower(), (partner_type, words)


def test_the_detail_page_shows_history_signatures_versions_and_verification(staff, live, client_for):
    page = client_for(staff).get(url("detail", live)).text
    version = live.versions.get()
    assert "Verified." in page and version.text_sha256 in page
    assert "Priya Shah" in page and "Morgan Hughes" in page
    assert "moved it from" in page
    assert url("pdf", live) in page


def test_staff_start_a_template_for_a_new_partner_type(staff, partner_a_user, client_for):
    from partners.models import PartnerType

    new_type = PartnerType.objects.create(name="Youth theatre", kind="delivery")
    client = client_for(staff)
    assert "Start a template for Youth theatre" in client.get(reverse("agreements:template_list")).text
    link = reverse("agreements:template_create", kwargs={"partner_type_pk": new_type.pk})
    assert client.get(link).status_code == 405
    assert client_for(partner_a_user).post(link).status_code == 403
    response = client.post(link)
    template = AgreementTemplate.objects.get(partner_type=new_type)
    assert response.url == reverse("agreements:template_edit", kwargs={"pk": template.pk})
    assert "safeguarding" in template.conditions.lower() and template.updated_by == staff
    assert "already has a template" in client.post(link, follow=True).text
    partner = PartnerFactory(partner_type=new_type)
    client.post(url("create"), {"partner": partner.pk, "academic_year": current_academic_year().start_year})
    assert Agreement.objects.get(partner=partner).template == template


def test_the_portal_history_hides_staff_notes_on_a_recommendation(partner_a, partner_a_user, live, staff, client_for):
    from agreements.models import Reason
    from agreements.services import recommendation_raise

    recommendation_raise(
        agreement=live, actor=staff, kind="terminate", reasons=[Reason.QUALITY], evidence="Confidential detail."
    )
    page = client_for(partner_a_user).get(url("portal_detail", live)).text
    assert "Under review" in page and "Quality or performance below expectations" not in page
    assert "Confidential detail." not in page
