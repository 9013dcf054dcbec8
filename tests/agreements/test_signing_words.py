"""Signing in plain words: the version and "tied to this exact text" up front;
hashes and the check only under a "Technical details" disclosure."""

import re

import pytest
from django.urls import reverse

from tests.agreements.factories import AgreementFactory, issue, make_live


@pytest.fixture
def issued(partner_a, staff):
    return issue(AgreementFactory(partner=partner_a), staff)


def outside_details(page: str) -> str:
    """The page without its disclosures (the history shows its notes in plain words)."""
    return re.sub(r"<details.*?</details>", "", page, flags=re.S)


def test_the_sign_page_says_in_plain_words_what_is_signed(issued, partner_a_user, client_for):
    page = client_for(partner_a_user).get(reverse("agreements:sign", args=[issued.pk])).text
    sha = issued.versions.get().text_sha256
    words = f"You are signing version {issued.version} of this agreement; your signature is tied to this exact text."
    assert words in page
    assert "<summary>Technical details</summary>" in page
    assert sha in page and sha not in outside_details(page)
    assert "SHA-256" not in outside_details(page)
    assert "Check the text against its hashes" not in page


def test_the_countersign_page_says_it_in_plain_words_too(issued, partner_a_user, manager, client_for):
    from agreements import services

    services.agreement_sign(agreement=issued, actor=partner_a_user, typed_name="Priya Shah", role_title="Director")
    page = client_for(manager).get(reverse("agreements:countersign", args=[issued.pk])).text
    assert f"You are signing version {issued.version} of this agreement for the Hub" in page
    assert "tied to this exact text" in page
    assert "SHA-256" not in outside_details(page)


def test_a_live_agreement_keeps_every_hash_under_technical_details(
    partner_a, partner_a_user, staff, manager, client_for
):
    agreement = AgreementFactory(partner=partner_a)
    make_live(agreement, staff=staff, partner_user=partner_a_user, manager=manager)
    for user, name in ((partner_a_user, "agreements:portal_detail"), (manager, "agreements:detail")):
        page = client_for(user).get(reverse(name, args=[agreement.pk])).text
        assert "Verified." in outside_details(page)
        assert "SHA-256" not in outside_details(page)
        for signature in agreement.signatures.all():
            assert signature.text_sha256 in page


def test_the_history_says_signed_in_plain_words_and_the_record_keeps_the_hash(
    partner_a, partner_a_user, staff, manager, client_for
):
    from hubportal.core.history import history_for

    agreement = AgreementFactory(partner=partner_a)
    make_live(agreement, staff=staff, partner_user=partner_a_user, manager=manager)
    sha = agreement.versions.get().text_sha256
    assert any(sha in entry.note for entry in history_for(agreement))
    for user, name in ((partner_a_user, "agreements:portal_detail"), (manager, "agreements:detail")):
        page = client_for(user).get(reverse(name, args=[agreement.pk])).text
        history = page[page.index('id="history-title"') :]
        assert "SHA-256" not in history and sha not in history
        assert ", on the exact text of this version." in history


def test_the_signature_block_names_the_partner(partner_a, partner_a_user, staff, manager, client_for):
    agreement = AgreementFactory(partner=partner_a)
    make_live(agreement, staff=staff, partner_user=partner_a_user, manager=manager)
    for user, name in ((partner_a_user, "agreements:portal_detail"), (manager, "agreements:detail")):
        page = client_for(user).get(reverse(name, args=[agreement.pk])).text
        assert f'<h3 class="h6">For {partner_a.name}</h3>' in page
        assert "For the partner<" not in page
        assert f"{partner_a.name}&#x27;s signature (version" in page


def test_next_years_agreement_is_not_promised_to_go_live_on_countersigning(
    partner_a, partner_a_user, staff, manager, client_for
):
    """Countersigned before its year begins, a partnership agreement waits as signed
    until 1 September: no page says it goes live at once."""
    from agreements import services
    from hubportal.core.academic_years import current_academic_year

    next_year = current_academic_year().start_year + 1
    agreement = issue(AgreementFactory(partner=partner_a, academic_year=next_year), staff)
    starts = f"{agreement.year.starts_on:%-d %B %Y}"
    sign_page = client_for(partner_a_user).get(reverse("agreements:sign", args=[agreement.pk])).text
    assert f"the agreement then goes live when the {agreement.year.label} year begins, on {starts}." in sign_page
    services.agreement_sign(agreement=agreement, actor=partner_a_user, typed_name="Priya Shah", role_title="Director")
    client = client_for(manager)
    detail = client.get(reverse("agreements:detail", args=[agreement.pk])).text
    assert f"Signed by {partner_a.name}. The Service Manager countersigns for the Hub, and it goes live when" in detail
    page = client.get(reverse("agreements:countersign", args=[agreement.pk])).text
    assert f"it then goes live when the {agreement.year.label} year begins, on {starts}." in page
    assert "make it live" not in page and ">Sign for the Hub<" in page
