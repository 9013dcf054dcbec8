"""A new Hub officer's journey, all through the pages (issue 18): a public
enquiry → the introductory meeting, scheduled and recorded "proceed" →
evidence uploaded by the partner's user and verified by staff → the standards
review completed → the agreement drafted and issued → signed by the partner →
countersigned by the Service Manager → live.

Each step is first tried too early, and the page must refuse it and say why:
drafting at enquiry and during the standards review, marking the standards
met with evidence unchecked, signing a draft, issuing with nobody able to
sign, countersigning before the partner signs and with evidence expired.
axe-core checks the key pages."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from django.utils.text import slugify
from playwright.sync_api import expect

from agreements.models import Agreement
from hubportal.core.academic_years import current_academic_year
from hubportal.models import User
from partners.models import EvidenceItem, EvidenceType, Meeting, Partner
from tests.browser.support import assert_accessible, login
from tests.files import PDF

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NAME = "Melton Brass Collective"
CONTACT_EMAIL = "ade@meltonbrass.example"
SIGNATORY_EMAIL = "jo@meltonbrass.example"
PASSWORD = "cornets-and-flugels-on-parade-2027"
OUTCOME = "More young people in Melton join a brass band"


def visit(page, path: str) -> None:
    page.goto(path)
    assert_accessible(page)


def see(page, text: str) -> None:
    """The text is on the page (a refusal may show both in the error summary and beside its field)."""
    expect(page.get_by_text(text).first).to_be_visible()


def switch_user(page, username: str, password: str | None = None) -> None:
    page.context.clear_cookies()
    if password:
        login(page, username, password)
    else:
        login(page, username)


def wait_for(predicate, page, tries: int = 1200):
    """Emails go out after the request's transaction commits: poll to a generous deadline (120 s)."""
    for _ in range(tries):
        result = predicate()
        if result:
            return result
        page.wait_for_timeout(100)
    raise AssertionError("waited in vain")


def accept_invitation(page, email: str) -> None:
    """The invited person follows the link in their email and sets a password."""
    welcome = wait_for(
        lambda: [m for m in mail.outbox if "Your Hub Portal account" in m.subject and m.to == [email]], page
    )[-1]
    link = re.search(r"https?://\S+/invitation/\S+/", welcome.body).group(0)
    page.context.clear_cookies()
    visit(page, "/" + link.split("/", 3)[3])
    page.locator("#id_new_password1").fill(PASSWORD)
    page.locator("#id_new_password2").fill(PASSWORD)
    page.get_by_role("button", name="Set my password and sign in").click()
    assert page.url.endswith("/portal/")


def upload_evidence(page, standard: str) -> None:
    expect(page.get_by_role("heading", name=f"Upload your {standard.lower()}")).to_be_visible()
    page.locator("#id_file").set_input_files(
        files=[{"name": f"{slugify(standard)}.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_label("Date issued").fill((timezone.localdate() - timedelta(days=7)).isoformat())
    page.get_by_role("button", name="Upload the document").click()
    see(page, f"your {standard} is uploaded")


def verify_evidence(page, standard: str) -> None:
    expect(page.get_by_role("heading", name=f"Check {standard} from {NAME}")).to_be_visible()
    page.get_by_role("button", name="Verify this evidence").click()
    see(page, f"{standard} is verified.")


def try_to_draft(page, partner: Partner) -> None:
    """Staff ask for a draft from the create page (its address taken from a bookmark): refused."""
    visit(page, f"/staff/agreements/new/?partner={partner.pk}")
    page.get_by_label("Academic year").select_option(str(current_academic_year().start_year))
    page.get_by_role("button", name="Draft the agreement").click()
    assert not Agreement.objects.filter(partner=partner).exists()


def test_a_new_partner_from_enquiry_to_a_live_agreement_with_every_early_step_refused(page, staff, manager):
    year = current_academic_year()
    standards = list(
        EvidenceType.objects.filter(is_active=True, required=True).order_by("sort_order").values_list("name", flat=True)
    )

    # 1. A member of the public asks to become a partner.
    visit(page, "/")
    page.get_by_role("link", name="Become a partner").click()
    assert_accessible(page)
    page.get_by_label("Name of your organisation").fill(NAME)
    page.get_by_label("Your name").fill("Ade Okafor")
    page.get_by_label("Your email address").fill(CONTACT_EMAIL)
    page.get_by_label("Melton").check()
    page.get_by_label("Tell us about your music education work").fill("Brass bands for young people in Melton.")
    page.get_by_role("button", name="Send my enquiry").click()
    expect(page.get_by_role("heading", name="Thank you for your enquiry")).to_be_visible()
    partner = Partner.objects.get(name=NAME)
    assert partner.status == Partner.Stage.ENQUIRY

    # Too early: an agreement at enquiry. The partner's Agreements tab offers no
    # draft and says why; the create page refuses with the same reason.
    login(page, staff.username)
    visit(page, f"/staff/partners/{partner.pk}/?tab=agreements")
    expect(page.get_by_role("link", name="Draft a partnership agreement")).to_have_count(0)
    see(page, f"{NAME} is at enquiry: an agreement follows the introductory meeting")
    try_to_draft(page, partner)
    see(page, f"{NAME} is at enquiry: an agreement follows the introductory meeting")
    assert_accessible(page)

    # 2. Staff schedule the introductory meeting.
    visit(page, f"/staff/partners/{partner.pk}/")
    page.get_by_role("link", name="Schedule the introductory meeting").click()
    when = timezone.localtime() + timedelta(days=3)
    page.get_by_label("Date and time").fill(when.strftime("%Y-%m-%dT10:00"))
    page.get_by_label("Where (if in person)").fill("Melton Carnegie Museum")
    page.get_by_role("button", name="Schedule the meeting and email the invitation").click()
    see(page, "The meeting is scheduled")
    # Not yet held: no standards review to start.
    expect(page.get_by_role("button", name="Start the standards review")).to_have_count(0)

    # 3. The meeting takes place; staff record it: proceed.
    Meeting.objects.filter(partner=partner).update(starts_at=timezone.now() - timedelta(hours=1))
    page.reload()
    page.get_by_role("link", name="Record this meeting").click()
    assert_accessible(page)
    page.get_by_label("1. Who they are").fill("A brass collective for young players in Melton.")
    page.get_by_label("2. How they support").fill("Band tuition after school and a summer brass week.")
    page.get_by_label("3. How the partnership would support the Needs Analysis").fill("Melton has no youth band.")
    page.get_by_label("4. The type of partner they would be").select_option(label="Community music organisation")
    page.get_by_label("5. How the partnership would benefit").fill("Forty young people playing every week.")
    page.get_by_label("Proceed", exact=True).check()
    page.get_by_role("button", name="Record the meeting").click()
    see(page, "The meeting is recorded.")

    # Staff start the standards review and invite the partner's first user.
    page.get_by_role("button", name="Start the standards review").click()
    see(page, "The standards review has started")
    # Too early: nothing uploaded, so "standards met" is withheld and the page lists what is missing.
    expect(page.get_by_role("button", name="Standards met: move to agreement")).to_have_count(0)
    see(page, "Before the standards can be marked met:")
    see(page, f"{standards[0]} (not uploaded)")
    assert_accessible(page)
    # Too early: an agreement during the standards review.
    try_to_draft(page, partner)
    see(page, f"{NAME}'s minimum-standards review is not complete")

    visit(page, f"/staff/partners/{partner.pk}/")
    page.get_by_role("link", name="Invite a partner user").first.click()
    assert page.get_by_label("Email address").input_value() == CONTACT_EMAIL
    page.get_by_role("button", name="Send the invitation").click()
    see(page, "has been emailed a link to set their password")

    # 4. The partner's user sets a password and uploads every standard.
    accept_invitation(page, CONTACT_EMAIL)
    assert_accessible(page)
    page.get_by_role("link", name=f"Upload your {standards[0]}").click()
    upload_evidence(page, standards[0])
    for standard in standards[1:]:
        page.get_by_role("link", name=f"Upload {standard}", exact=True).click()
        upload_evidence(page, standard)
    assert_accessible(page)

    # Staff check each one; "standards met" appears only once all are verified.
    switch_user(page, staff.username)
    visit(page, "/staff/evidence/?status=submitted")
    page.get_by_role("link", name=f"Check {standards[0]} from {NAME}").click()
    assert_accessible(page)
    verify_evidence(page, standards[0])
    for standard in standards[1:]:
        visit(page, f"/staff/partners/{partner.pk}/?tab=evidence")
        expect(page.get_by_role("button", name="Standards met: move to agreement")).to_have_count(0)
        see(page, f"{standard} (waiting to be checked)")
        page.get_by_role("link", name=f"Check {standard}", exact=True).click()
        verify_evidence(page, standard)

    # 5. The standards review is completed.
    page.get_by_role("button", name="Standards met: move to agreement").click()
    see(page, "The minimum standards are met")
    assert_accessible(page)
    partner.refresh_from_db()
    assert partner.status == Partner.Stage.AGREEMENT_PENDING

    # 6. Staff draft the agreement from the partner's Agreements tab and add an outcome.
    visit(page, f"/staff/partners/{partner.pk}/?tab=agreements")
    page.get_by_role("link", name="Draft a partnership agreement").click()
    assert_accessible(page)
    page.get_by_label("Academic year").select_option(str(year.start_year))
    page.get_by_role("button", name="Draft the agreement").click()
    see(page, "Drafted from the template.")
    agreement = Agreement.objects.get(partner=partner, academic_year=year.start_year)
    outcome = page.get_by_role("group", name="Add outcome")
    outcome.get_by_label("Outcome").fill(OUTCOME)
    outcome.get_by_label("Measure").fill("Young people in a Hub brass band")
    outcome.get_by_label("Target").fill("30 by July")
    page.get_by_role("button", name="Save the draft").click()
    see(page, "Saved.")

    # Too early: the partner signs a draft. Their portal says it is being prepared.
    switch_user(page, CONTACT_EMAIL, PASSWORD)
    visit(page, f"/portal/agreements/{agreement.pk}/")
    see(page, "The Hub is preparing this agreement.")
    expect(page.get_by_role("link", name="Read and sign this agreement")).to_have_count(0)
    page.goto(f"/portal/agreements/{agreement.pk}/sign/")
    see(page, "This agreement is draft. It is not waiting for your signature.")

    # Too early: issuing with nobody able to sign. The person who uploaded the
    # evidence has left, and the admin has closed their account.
    User.objects.filter(email=CONTACT_EMAIL).update(is_active=False)
    switch_user(page, staff.username)
    visit(page, f"/staff/agreements/{agreement.pk}/")
    nobody = f"Nobody at {NAME} can sign yet: invite a partner user first."
    see(page, nobody)
    page.get_by_role("link", name="Issue for signature").click()
    see(page, nobody)  # the confirm step says why it cannot be issued yet
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.DRAFT
    page.get_by_role("link", name="Go back to the agreement").click()
    # The refusal links to the invitation: staff invite the signatory.
    page.get_by_role("link", name=f"Invite a user of {NAME}").click()
    assert_accessible(page)
    page.get_by_label("First name").fill("Jo")
    page.get_by_label("Last name").fill("Barker")
    page.get_by_label("Email address").fill(SIGNATORY_EMAIL)
    page.get_by_role("button", name="Send the invitation").click()
    see(page, "has been emailed a link to set their password")
    accept_invitation(page, SIGNATORY_EMAIL)

    # 7. Staff issue it.
    switch_user(page, staff.username)
    visit(page, f"/staff/agreements/{agreement.pk}/")
    page.get_by_role("link", name="Issue for signature").click()
    see(page, SIGNATORY_EMAIL)  # the confirm step: who will be emailed
    page.get_by_role("button", name="Issue it and email them").click()
    see(page, f"Issued. {NAME}'s users have been asked to sign it.")
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.ISSUED
    wait_for(lambda: [m for m in mail.outbox if m.to == [SIGNATORY_EMAIL] and "sign" in m.subject.lower()], page)

    # Too early: the Hub countersigns before the partner has signed.
    switch_user(page, manager.username)
    visit(page, f"/staff/agreements/{agreement.pk}/")
    expect(page.get_by_role("link", name="Countersign for the Hub")).to_have_count(0)
    page.goto(f"/staff/agreements/{agreement.pk}/countersign/")
    see(page, "This agreement is issued for signature. The Hub signs after the partner has signed.")

    # 8. The partner's signatory signs from their home page.
    switch_user(page, SIGNATORY_EMAIL, PASSWORD)
    page.get_by_role("link", name=f"Sign your {year.label} partnership agreement", exact=True).click()
    assert_accessible(page)
    page.get_by_label("Your full name").fill("Jo Barker")
    page.get_by_label("Your role").fill("Chair of trustees")
    page.get_by_label("I have read this agreement and I sign it on behalf of my organisation.").check()
    page.get_by_role("button", name="Sign the agreement").click()
    see(page, "Thank you: you have signed.")

    # Too late for the evidence: before the Service Manager gets to it, the
    # public liability insurance runs out (the nightly sweep marks it expired).
    # Countersigning re-checks the evidence.
    expired_on = timezone.localdate() - timedelta(days=1)
    EvidenceItem.objects.filter(partner=partner, evidence_type__name="Public liability insurance").update(
        expires_on=expired_on, status=EvidenceItem.Status.EXPIRED
    )
    lapsed = f"{NAME}'s minimum standards have lapsed, so it cannot have its agreement countersigned"
    renew = f"Public liability insurance (expired on {expired_on:%-d %B %Y})"
    switch_user(page, manager.username)
    visit(page, f"/staff/agreements/{agreement.pk}/")
    see(page, lapsed)
    see(page, renew)
    expect(page.get_by_role("link", name="Countersign for the Hub")).to_have_count(0)
    # The countersign page itself refuses too, with the same reason.
    page.goto(f"/staff/agreements/{agreement.pk}/countersign/")
    page.get_by_label("Your full name").fill("Morgan Hughes")
    page.get_by_label("Your role").fill("Service Manager")
    page.get_by_label("I have checked the partner's signature and I sign this agreement for the Hub.").check()
    page.get_by_role("button", name="Sign for the Hub and make it live").click()
    see(page, lapsed)
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.PARTNER_SIGNED

    # The partner renews the insurance; staff verify it.
    switch_user(page, SIGNATORY_EMAIL, PASSWORD)
    visit(page, "/portal/evidence/")
    page.get_by_role("link", name="Upload again Public liability insurance", exact=True).click()
    upload_evidence(page, "Public liability insurance")
    switch_user(page, staff.username)
    visit(page, "/staff/evidence/?status=submitted")
    page.get_by_role("link", name=f"Check Public liability insurance from {NAME}").click()
    verify_evidence(page, "Public liability insurance")

    # 9. The Service Manager countersigns: the agreement is live, the partner active.
    switch_user(page, manager.username)
    visit(page, f"/staff/agreements/{agreement.pk}/")
    page.get_by_role("link", name="Countersign for the Hub").click()
    assert_accessible(page)
    page.get_by_label("Your full name").fill("Morgan Hughes")
    page.get_by_label("Your role").fill("Service Manager")
    page.get_by_label("I have checked the partner's signature and I sign this agreement for the Hub.").check()
    page.get_by_role("button", name="Sign for the Hub and make it live").click()
    see(page, "Signed for the Hub. The agreement is live.")
    assert_accessible(page)
    agreement.refresh_from_db()
    partner.refresh_from_db()
    assert agreement.status == Agreement.Status.LIVE
    assert partner.status == Partner.Stage.ACTIVE
