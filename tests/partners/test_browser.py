"""In the browser: from a public enquiry to the next stage, with axe-core on
every page visited."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from django.utils.text import slugify
from playwright.sync_api import expect

from partners.models import EvidenceItem, EvidenceType, Meeting, Partner
from tests.browser.support import assert_accessible, login
from tests.files import PDF

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NAME = "Shepshed Samba School"
CONTACT_EMAIL = "rosa@shepshedsamba.example"
PASSWORD = "samba-drums-in-the-park-2027"


def visit(page, path: str) -> None:
    page.goto(path)
    assert_accessible(page)


def wait_for(predicate, page, tries: int = 50):
    """Emails go out after the request's transaction commits; give the live server a moment."""
    for _ in range(tries):
        result = predicate()
        if result:
            return result
        page.wait_for_timeout(100)
    raise AssertionError("waited in vain")


def upload_evidence(page, standard: str) -> None:
    """On the upload page for one standard: the document and the date on it."""
    expect(page.get_by_role("heading", name=f"Upload your {standard.lower()}")).to_be_visible()
    page.locator("#id_file").set_input_files(
        files=[{"name": f"{slugify(standard)}.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_label("Date issued").fill((timezone.localdate() - timedelta(days=7)).isoformat())
    page.get_by_role("button", name="Upload the document").click()
    expect(page.get_by_text(f"your {standard} is uploaded")).to_be_visible()
    assert_accessible(page)


def verify_evidence(page, standard: str) -> None:
    """On the review page for one standard: accept it as it is."""
    expect(page.get_by_role("heading", name=f"Check {standard} from {NAME}")).to_be_visible()
    page.get_by_role("button", name="Verify this evidence").click()
    expect(page.get_by_text(f"{standard} is verified.")).to_be_visible()
    assert_accessible(page)


def test_from_public_enquiry_to_agreement_pending(page, reference_data, staff):
    # A member of the public asks to become a partner.
    visit(page, "/")
    page.get_by_role("link", name="Become a partner").click()
    assert_accessible(page)
    page.get_by_label("Name of your organisation").fill(NAME)
    page.get_by_label("Your name").fill("Rosa Mendes")
    page.get_by_label("Your email address").fill(CONTACT_EMAIL)
    page.get_by_label("Charnwood").check()
    page.get_by_label("Tell us about your music education work").fill("Samba bands in schools and a youth bateria.")
    page.get_by_role("button", name="Send my enquiry").click()
    expect(page.get_by_role("heading", name="Thank you for your enquiry")).to_be_visible()
    assert_accessible(page)
    wait_for(lambda: [m for m in mail.outbox if m.to == [CONTACT_EMAIL]], page)
    partner = Partner.objects.get(name=NAME)
    assert partner.status == Partner.Stage.ENQUIRY

    # Staff find it and schedule the introductory meeting.
    login(page, staff.username)
    visit(page, "/staff/partners/?stage=enquiry")
    page.get_by_role("link", name=NAME).click()
    assert_accessible(page)
    page.get_by_role("link", name="Schedule the introductory meeting").click()
    assert_accessible(page)
    when = timezone.localtime() + timedelta(days=3)
    page.get_by_label("Date and time").fill(when.strftime("%Y-%m-%dT10:00"))
    page.get_by_label("Where (if in person)").fill("Leicestershire Music, County Hall, Glenfield")
    page.get_by_role("button", name="Schedule the meeting and email the invitation").click()
    expect(page.get_by_text("The meeting is scheduled")).to_be_visible()
    assert_accessible(page)
    invitation = wait_for(lambda: [m for m in mail.outbox if m.attachments], page)[0]
    assert invitation.to == [CONTACT_EMAIL] and invitation.attachments[0][0].endswith(".ics")

    # The meeting takes place; staff record it.
    Meeting.objects.filter(partner=partner).update(starts_at=timezone.now() - timedelta(hours=1))
    page.reload()
    page.get_by_role("link", name="Record this meeting").click()
    assert_accessible(page)
    page.get_by_label("1. Who they are").fill("A samba school for young people in Shepshed.")
    page.get_by_label("2. How they support").fill("Whole-class percussion and a progression band.")
    page.get_by_label("3. How the partnership would support the Needs Analysis").fill("Charnwood lacks ensembles.")
    page.get_by_label("4. The type of partner they would be").select_option(label="Community music organisation")
    page.get_by_label("5. How the partnership would benefit").fill("Eighty young people drumming every week.")
    page.get_by_label("Proceed", exact=True).check()
    page.get_by_role("button", name="Record the meeting").click()
    expect(page.get_by_text("The meeting is recorded.")).to_be_visible()
    assert_accessible(page)

    # Staff start the standards review and invite the partner's first user.
    page.get_by_role("button", name="Start the standards review").click()
    expect(page.get_by_text("The standards review has started")).to_be_visible()
    page.get_by_role("link", name="Invite a partner user").first.click()
    assert_accessible(page)
    assert page.get_by_label("Email address").input_value() == CONTACT_EMAIL
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_text("has been emailed a link to set their password")).to_be_visible()
    assert_accessible(page)
    welcome = wait_for(lambda: [m for m in mail.outbox if "Your Hub Portal account" in m.subject], page)[0]
    link = re.search(r"https?://\S+/invitation/\S+/", welcome.body).group(0)

    # The partner user sets a password from the invitation and uploads evidence.
    page.context.clear_cookies()
    visit(page, "/" + link.split("/", 3)[3])
    page.locator("#id_new_password1").fill(PASSWORD)
    page.locator("#id_new_password2").fill(PASSWORD)
    page.get_by_role("button", name="Set my password and sign in").click()
    assert page.url.endswith("/portal/")
    assert_accessible(page)
    # Their to-do list leads to the first standard; the evidence page to each of the others.
    standards = list(
        EvidenceType.objects.filter(is_active=True, required=True).order_by("sort_order").values_list("name", flat=True)
    )
    assert len(standards) == 10
    page.get_by_role("link", name=f"Upload your {standards[0]}").click()
    assert_accessible(page)
    upload_evidence(page, standards[0])
    for standard in standards[1:]:
        page.get_by_role("link", name=f"Upload {standard}", exact=True).click()
        assert_accessible(page)
        upload_evidence(page, standard)
    page.get_by_role("link", name="Evidence", exact=True).click()
    for standard in standards:  # each one is now waiting to be checked
        row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=standard, exact=True))
        expect(row).to_contain_text("Submitted")
        expect(row.get_by_role("link", name=f"Upload again {standard}", exact=True)).to_be_visible()

    # Staff check each document from the evidence list and the partner's evidence tab.
    page.context.clear_cookies()
    login(page, staff.username)
    visit(page, "/staff/evidence/?status=submitted")
    page.get_by_role("link", name=f"Check {standards[0]} from {NAME}").click()
    assert_accessible(page)
    verify_evidence(page, standards[0])
    for standard in standards[1:]:
        page.get_by_role("link", name=f"Check {standard}", exact=True).click()
        assert_accessible(page)
        verify_evidence(page, standard)
    for standard in standards:
        row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=standard, exact=True))
        expect(row).to_contain_text("Verified")
    page.get_by_role("button", name="Standards met: move to agreement").click()
    expect(page.get_by_text("The minimum standards are met")).to_be_visible()
    assert_accessible(page)
    partner.refresh_from_db()
    assert partner.status == Partner.Stage.AGREEMENT_PENDING

    page.context.clear_cookies()
    login(page, CONTACT_EMAIL, PASSWORD)
    visit(page, "/portal/partnership/")
    expect(page.get_by_text("Next is your partnership agreement")).to_be_visible()


def test_staff_and_portal_pages_are_accessible(page, reference_data, staff, partner_a, partner_a_user):
    from tests.partners.helpers import all_verified

    all_verified(partner_a)
    EvidenceItem.objects.filter(partner=partner_a, evidence_type__name="Public liability insurance").update(
        status="expired"
    )
    login(page, staff.username)
    for path in [
        "/staff/partners/",
        f"/staff/partners/{partner_a.pk}/?tab=contacts",
        f"/staff/partners/{partner_a.pk}/?tab=users",
        f"/staff/partners/{partner_a.pk}/?tab=evidence",
        f"/staff/partners/{partner_a.pk}/?tab=history",
        f"/staff/partners/{partner_a.pk}/edit/",
        f"/staff/partners/{partner_a.pk}/suspend/",
        "/staff/partners/add/",
        "/staff/evidence/",
    ]:
        visit(page, path)
    page.context.clear_cookies()
    login(page, partner_a_user.username)
    for path in ["/portal/", "/portal/partnership/", "/portal/partnership/edit/", "/portal/evidence/"]:
        visit(page, path)
    visit(page, f"/partners/{partner_a.pk}/contacts/add/")
    page.get_by_role("button", name="Save the contact").click()
    expect(page.locator("[data-error-summary]")).to_be_visible()
    assert_accessible(page)
