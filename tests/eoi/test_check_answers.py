"""The EOI's check-your-answers step: the form saves and goes on to the check
page; problems that stop a submission are marked on their fields and linked
from the error summary, once; the check page lists every answer with a link
back to change it, and submits."""

import re

from django.urls import reverse

from eoi.models import ExpressionOfInterest
from tests.eoi.test_views import eoi_post

EOI = ExpressionOfInterest.Status


def summary_links(html: str) -> list[tuple[str, str]]:
    summary = re.search(r"data-error-summary>(.*?)</div>", html, re.S).group(1)
    return re.findall(r'<a href="([^"]*)">(.*?)</a>', summary, re.S)


def test_the_form_goes_on_to_check_the_answers(client_for, partner_a_user, draft):
    data = eoi_post(
        draft, hub="5000.00", budget=[("Tutors", "10000.00")], funding=[("fundraising", "5000.00")], action="check"
    )
    response = client_for(partner_a_user).post(reverse("eoi:eoi_edit", args=[draft.pk]), data)
    assert response.status_code == 302 and response.url == reverse("eoi:eoi_check", args=[draft.pk])
    draft.refresh_from_db()
    assert draft.status == EOI.DRAFT  # checked, saved, not yet submitted


def test_the_check_page_lists_every_answer_with_a_change_link(client_for, partner_a_user, draft):
    page = client_for(partner_a_user).get(reverse("eoi:eoi_check", args=[draft.pk])).text
    edit = reverse("eoi:eoi_edit", args=[draft.pk])
    for anchor in (
        "id_title",
        "id_what",
        "id_how",
        "id_expected_reach",
        "budget-section",
        "id_hub_grant_requested",
        "funding-section",
        "id_legacy",
        "id_safeguarding_confirmed",
    ):
        assert f'href="{edit}#{anchor}"' in page, anchor
    assert draft.what in page and "£5,000.00" in page
    assert "Submit expression of interest" in page and "data-error-summary" not in page


def test_submitting_from_the_check_page(client_for, partner_a_user, draft):
    client = client_for(partner_a_user)
    response = client.post(reverse("eoi:eoi_check", args=[draft.pk]), {"action": "submit"})
    assert response.status_code == 302 and response.url == reverse("eoi:portal_eoi", args=[draft.pk])
    draft.refresh_from_db()
    assert draft.status == EOI.SUBMITTED
    # Submitted: the check page has nothing more to do.
    assert client.get(reverse("eoi:eoi_check", args=[draft.pk])).status_code == 302


def test_a_refusal_marks_each_field_and_links_to_it_once(client_for, partner_a_user, draft):
    data = eoi_post(
        draft,
        hub="5100.00",
        budget=[("Tutors", "10000.00")],
        funding=[("fundraising", "4900.00")],
        action="check",
        what="",
        safeguarding_confirmed="",
    )
    response = client_for(partner_a_user).post(reverse("eoi:eoi_edit", args=[draft.pk]), data)
    assert response.status_code == 200
    html = response.text
    links = summary_links(html)
    hrefs = [href for href, _ in links]
    assert "#id_what" in hrefs and "#id_safeguarding_confirmed" in hrefs and "#id_hub_grant_requested" in hrefs
    assert len(hrefs) == len(set(hrefs))  # one item per problem
    assert "The shortfall is £100.00" in html
    assert html.count("The shortfall is £100.00") == 2  # in the summary and at its field, nowhere else
    assert 'id="id_what"' in html and "is-invalid" in html
    assert 'value="5100.00"' in html
    draft.refresh_from_db()
    assert draft.status == EOI.DRAFT and draft.what == ""  # the draft is saved as typed


def test_a_submit_refusal_on_the_form_page_marks_the_fields(client_for, partner_a_user, draft):
    data = eoi_post(
        draft, hub="5100.00", budget=[("Tutors", "10000.00")], funding=[("fundraising", "4900.00")], action="submit"
    )
    html = client_for(partner_a_user).post(reverse("eoi:eoi_edit", args=[draft.pk]), data).text
    assert "Your draft is saved but was not submitted" in html
    assert "#id_hub_grant_requested" in [href for href, _ in summary_links(html)]


def test_a_funding_mismatch_is_linked_to_the_funding_section(client_for, partner_a_user, draft):
    data = eoi_post(
        draft, hub="5000.00", budget=[("Tutors", "10000.00")], funding=[("fundraising", "4000.00")], action="check"
    )
    html = client_for(partner_a_user).post(reverse("eoi:eoi_edit", args=[draft.pk]), data).text
    assert "#funding-section" in [href for href, _ in summary_links(html)]
    assert 'id="funding-section"' in html


def test_a_refusal_on_the_check_page_is_listed_with_links_back(client_for, partner_a_user, draft):
    ExpressionOfInterest.objects.filter(pk=draft.pk).update(what="")
    response = client_for(partner_a_user).post(reverse("eoi:eoi_check", args=[draft.pk]), {"action": "submit"})
    assert response.status_code == 200
    edit = reverse("eoi:eoi_edit", args=[draft.pk])
    assert (f"{edit}#id_what", "Add what you will deliver before you submit.") in summary_links(response.text)
    assert "Your draft is saved but was not submitted" in response.text
    assert "Submit expression of interest" not in response.text


def test_the_check_page_is_the_partners_own(client_for, partner_b_user, staff, draft):
    url = reverse("eoi:eoi_check", args=[draft.pk])
    assert client_for(partner_b_user).get(url).status_code == 404
    assert client_for(partner_b_user).post(url, {"action": "submit"}).status_code == 404
    assert client_for(staff).get(url).status_code == 403
    draft.refresh_from_db()
    assert draft.status == EOI.DRAFT


def test_the_check_page_wrong_method(client_for, partner_a_user, draft):
    assert client_for(partner_a_user).put(reverse("eoi:eoi_check", args=[draft.pk])).status_code == 405
