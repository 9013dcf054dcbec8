"""Commissioning obeys the partner's standing (issue 18, item 1; partners.standing):
every EOI action for or on a partner (start, save, submit as the partner;
decide successful and award as staff, the award drafting the project
agreement) asks it before changing anything, refuses with its reason, and
the portal shows the reason where the button is withheld."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from agreements.models import Agreement, TerminationRecommendation
from eoi import services
from eoi.models import Award, Call, ExpressionOfInterest
from hubportal.core.errors import ActionRefused
from hubportal.models import User
from partners.models import EvidenceItem, Partner
from partners.standing import Action, Standing, standing_of
from tests.agreements.factories import AgreementFactory
from tests.database import bypassing_triggers
from tests.eoi.factories import CallFactory, CriterionFactory, ExpressionOfInterestFactory, assess, fill_for_submission
from tests.eoi.test_views import eoi_post
from tests.factories import PartnerFactory, partner_user

D = Decimal
EOI = ExpressionOfInterest.Status
Stage = Partner.Stage


def put_in(partner: Partner, standing: Standing, *, chair) -> None:
    """Bring an active partner in good standing to `standing`."""
    if standing == Standing.STANDARDS_LAPSED:
        item = EvidenceItem.objects.filter(partner=partner).first()
        EvidenceItem.objects.filter(pk=item.pk).update(expires_on=timezone.localdate() - datetime.timedelta(days=1))
    elif standing == Standing.NOT_RENEWED:
        agreement = AgreementFactory(partner=partner, live=True)
        TerminationRecommendation.objects.create(
            agreement=agreement,
            kind=TerminationRecommendation.Kind.NOT_RENEW,
            reasons=["outcomes"],
            evidence="Outcomes missed two years running.",
            raised_by=chair,
            decision=TerminationRecommendation.Decision.UPHELD,
            decision_reasons="Upheld.",
            decided_by=chair,
            decided_at=timezone.now(),
        )
    elif standing != Standing.ACTIVE:
        stage = {
            Standing.ONBOARDING: Stage.MEETING_HELD,
            Standing.AGREEMENT_PENDING: Stage.AGREEMENT_PENDING,
            Standing.SUSPENDED: Stage.SUSPENDED,
            Standing.LAPSED: Stage.LAPSED,
            Standing.DECLINED: Stage.DECLINED,
            Standing.TERMINATED: Stage.TERMINATED,
        }[standing]
        Partner.objects.filter(pk=partner.pk).update(status=stage)
    partner.refresh_from_db()
    assert standing_of(partner).standing == standing


# What each standing allows in commissioning (DESIGN.md §0): a partner whose
# standards lapsed keeps its draft (save) but may not start, submit or be awarded.
ALLOWED = {
    Standing.ACTIVE: {"start", "save", "submit", "decide", "award"},
    Standing.NOT_RENEWED: {"start", "save", "submit", "decide", "award"},  # its agreement runs to 31 August
    Standing.STANDARDS_LAPSED: {"save"},
    Standing.ONBOARDING: set(),
    Standing.AGREEMENT_PENDING: set(),
    Standing.SUSPENDED: set(),
    Standing.LAPSED: set(),
    Standing.DECLINED: set(),
    Standing.TERMINATED: set(),
}
# A word of each refusal's reason, so the test reads which rule refused.
SAYS = {
    Standing.STANDARDS_LAPSED: "minimum standards have lapsed",
    Standing.ONBOARDING: "is still at meeting held",
    Standing.AGREEMENT_PENDING: "once its first partnership agreement is live",
    Standing.SUSPENDED: "is suspended",
    Standing.LAPSED: "partnership has lapsed",
    Standing.DECLINED: "was declined at onboarding",
    Standing.TERMINATED: "terminated",
}
ACTION_OF = {
    "start": Action.EOI_START,
    "save": Action.EOI_SAVE,
    "submit": Action.EOI_SUBMIT,
    "decide": Action.EOI_AWARD,
    "award": Action.EOI_AWARD,
}


def _setup(action, partner, user, staff):
    """The EOI (or call) the action needs, made while the partner is in good standing."""
    call = CallFactory(max_hub_grant=D("10000.00"))
    CriterionFactory(call=call)
    if action == "start":
        return call
    eoi = fill_for_submission(ExpressionOfInterestFactory(call=call, partner=partner))
    if action in ("save", "submit"):
        return eoi
    services.eoi_submit(eoi=eoi, actor=user)
    services.close_due_calls(now=call.closes_at)
    assess(eoi)
    if action == "decide":
        return eoi
    services.eoi_decide(eoi=eoi, actor=staff, successful=True, reasons="Best fit", feedback="")
    return eoi


def _do(action, target, user, staff):
    user = User.objects.get(pk=user.pk)  # its partner as it stands now
    if action == "start":
        return services.eoi_start(call=target, actor=user)
    if action == "save":
        return services.eoi_save_draft(
            eoi=target,
            actor=user,
            fields={"title": "Changed"},
            budget=[("Tutors", D("10000.00"))],
            funding=[services.FundingData("own_funds", D("5000.00"))],
            hub_grant=D("5000.00"),
        )
    if action == "submit":
        return services.eoi_submit(eoi=target, actor=user)
    if action == "decide":
        return services.eoi_decide(eoi=target, actor=staff, successful=True, reasons="Best fit", feedback="")
    return services.eoi_award(eoi=target, actor=staff, procurement_notes="Three quotes.")


def _changed(action, target, partner):
    if action == "start":
        return ExpressionOfInterest.objects.filter(call=target, partner=partner).exists()
    eoi = ExpressionOfInterest.objects.get(pk=target.pk)
    return {
        "save": eoi.title == "Changed",
        "submit": eoi.status == EOI.SUBMITTED,
        "decide": eoi.status == EOI.SUCCESSFUL,
        "award": Award.objects.filter(eoi=eoi).exists() or Agreement.objects.filter(eoi=eoi).exists(),
    }[action]


@pytest.mark.parametrize("standing", list(ALLOWED))
@pytest.mark.parametrize("action", ["start", "save", "submit", "decide", "award"])
def test_every_eoi_action_asks_the_partners_standing(
    partner_a, partner_a_user, staff, chair, bands, project_template, action, standing
):
    target = _setup(action, partner_a, partner_a_user, staff)
    put_in(partner_a, standing, chair=chair)
    if action in ALLOWED[standing]:
        _do(action, target, partner_a_user, staff)
        assert _changed(action, target, partner_a)
        return
    allowed, reason = standing_of(partner_a).may(ACTION_OF[action])
    assert not allowed and SAYS[standing] in reason
    with pytest.raises(ActionRefused) as refused:
        _do(action, target, partner_a_user, staff)
    assert str(refused.value) == reason
    assert not _changed(action, target, partner_a)


# --- The portal shows the reason where the button is withheld -----------------------


def test_a_suspended_partner_sees_why_it_cannot_start_and_cannot_post_round_it(
    client_for, partner_a, partner_a_user, call, chair
):
    put_in(partner_a, Standing.SUSPENDED, chair=chair)
    client = client_for(partner_a_user)
    page = client.get(reverse("eoi:portal_call", args=[call.pk])).text
    assert "Start an expression of interest" not in page
    assert "You cannot start an expression of interest: Partner A Music&#x27;s partnership is suspended" in page
    response = client.post(reverse("eoi:eoi_start", args=[call.pk]), follow=True)
    assert "partnership is suspended" in response.text
    assert not ExpressionOfInterest.objects.filter(call=call).exists()


def test_a_partner_whose_standards_lapsed_keeps_its_draft_but_cannot_submit(
    client_for, partner_a, partner_a_user, draft, chair
):
    put_in(partner_a, Standing.STANDARDS_LAPSED, chair=chair)
    client = client_for(partner_a_user)
    form = client.get(reverse("eoi:eoi_edit", args=[draft.pk])).text
    assert "Save draft" in form and "Submit expression of interest" not in form
    assert "but not submit it now: Partner A Music&#x27;s minimum standards have lapsed" in form
    assert "To renew:" in form
    posted = client.post(
        reverse("eoi:eoi_edit", args=[draft.pk]),
        eoi_post(
            draft, hub="5000.00", budget=[("Tutors", "10000.00")], funding=[("own_funds", "5000.00")], action="submit"
        ),
    )
    assert posted.status_code == 200 and "minimum standards have lapsed" in posted.text
    draft.refresh_from_db()
    assert draft.status == EOI.DRAFT


def test_a_suspended_partners_draft_says_why_it_cannot_be_changed(client_for, partner_a, partner_a_user, draft, chair):
    put_in(partner_a, Standing.SUSPENDED, chair=chair)
    client = client_for(partner_a_user)
    page = client.get(reverse("eoi:portal_eoi", args=[draft.pk])).text
    assert "Continue your draft" not in page and "it cannot be changed or submitted now" in page
    form = client.get(reverse("eoi:eoi_edit", args=[draft.pk]), follow=True)
    assert "partnership is suspended" in form.text and "Save draft" not in form.text


def test_staff_see_why_a_suspended_partner_cannot_be_decided_successful_or_awarded(
    client_for, staff, partner_a, partner_a_user, draft, chair, bands, project_template
):
    services.eoi_submit(eoi=draft, actor=partner_a_user)
    services.close_due_calls(now=draft.call.closes_at)
    assess(draft)
    put_in(partner_a, Standing.SUSPENDED, chair=chair)
    client = client_for(staff)
    page = client.get(reverse("eoi:eoi_detail", args=[draft.pk])).text
    assert "It cannot be decided successful now: Partner A Music&#x27;s partnership is suspended" in page
    refused = client.post(
        reverse("eoi:eoi_decide", args=[draft.pk]), {"outcome": "successful", "reasons": "Best", "feedback": ""}
    )
    assert refused.status_code == 200 and "partnership is suspended" in refused.text
    # Unsuccessful stays open to staff: the partner hears the outcome either way.
    client.post(
        reverse("eoi:eoi_decide", args=[draft.pk]),
        {"outcome": "unsuccessful", "reasons": "Suspended", "feedback": "We cannot fund work while suspended."},
    )
    draft.refresh_from_db()
    assert draft.status == EOI.UNSUCCESSFUL


def test_staff_see_why_the_award_is_withheld(client_for, staff, partner_a, partner_a_user, draft, chair, bands):
    services.eoi_submit(eoi=draft, actor=partner_a_user)
    services.close_due_calls(now=draft.call.closes_at)
    assess(draft)
    services.eoi_decide(eoi=draft, actor=staff, successful=True, reasons="Best", feedback="")
    put_in(partner_a, Standing.STANDARDS_LAPSED, chair=chair)
    client = client_for(staff)
    detail = client.get(reverse("eoi:eoi_detail", args=[draft.pk])).text
    assert "Award the Hub Grant" not in detail and "Not awarded yet: Partner A Music&#x27;s minimum standards" in detail
    award = client.get(reverse("eoi:award", args=[draft.pk])).text
    assert "Confirm the award" not in award and "cannot be awarded now: Partner A Music&#x27;s minimum" in award
    posted = client.post(reverse("eoi:award", args=[draft.pk]), {"procurement_notes": "Quotes."}, follow=True)
    assert "minimum standards have lapsed" in posted.text
    assert not Award.objects.exists() and not Agreement.objects.filter(eoi=draft).exists()


def test_a_partner_that_is_not_yet_active_is_told_when_it_can_answer(client_for, call):
    partner = PartnerFactory(name="New Notes", status=Stage.STANDARDS_REVIEW)
    user = partner_user(partner, username="new-notes")
    page = client_for(user).get(reverse("eoi:portal_call", args=[call.pk])).text
    assert "New Notes is still at standards review: it can start an expression of interest once its partnership" in page


def test_a_call_closed_or_not_for_the_partners_type_says_so(client_for, partner_a, partner_a_user):
    closed = CallFactory(closes_at=timezone.now() - datetime.timedelta(minutes=1))
    page = client_for(partner_a_user).get(reverse("eoi:portal_call", args=[closed.pk])).text
    assert "closed, or past its close time" in page
    with bypassing_triggers():
        Call.objects.filter(pk=closed.pk).update(closes_at=timezone.now() + datetime.timedelta(days=3))
    from partners.models import PartnerType

    other = PartnerType.objects.exclude(pk=partner_a.partner_type_id).first()
    closed.eligible_types.set([other])
    page = client_for(partner_a_user).get(reverse("eoi:portal_call", args=[closed.pk]))
    assert page.status_code == 404  # a call for other types is not the partner's to see


def test_a_suspended_partner_cannot_add_attachments_to_its_draft(partner_a, partner_a_user, draft, chair):
    from django.core.files.base import ContentFile

    from tests.files import PDF

    put_in(partner_a, Standing.SUSPENDED, chair=chair)
    with pytest.raises(ActionRefused, match="partnership is suspended"):
        services.attachment_add(eoi=draft, actor=partner_a_user, file=ContentFile(PDF, name="plan.pdf"))
    assert not draft.attachments.exists()
