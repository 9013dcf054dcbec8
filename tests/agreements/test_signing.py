"""Signing: the partner first, then the Service Manager; each over the SHA-256
of the text stored when it was issued; the text frozen after issue, a change
makes a new version and voids signatures; tampering shows."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.db.utils import DatabaseError

from agreements.models import Agreement, AgreementVersion, Outcome, Signature
from agreements.permissions import may_review
from agreements.services import agreement_reopen, agreement_update, agreements_expire
from agreements.text import canonical_text, sha256, verify
from hubportal.core.academic_years import current_academic_year
from hubportal.core.errors import ActionRefused
from hubportal.core.history import history_for
from hubportal.models import Notification
from partners.models import Partner
from tests.agreements.factories import AgreementFactory, countersign, issue, make_live, partner_sign
from tests.conftest import require_service
from tests.database import bypassing_triggers


@pytest.fixture
def agreement(partner_a):
    return AgreementFactory(partner=partner_a)


def test_the_partner_signs_then_the_manager_countersigns_and_it_goes_live(agreement, staff, manager, partner_a_user):
    issue(agreement, staff)
    assert Notification.objects.filter(recipient=partner_a_user, kind="agreements_issued").exists()
    partner_sign(agreement, partner_a_user, name="Priya Shah", role="Director")
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.PARTNER_SIGNED
    assert Notification.objects.filter(recipient=manager, kind="agreements_partner_signed").exists()
    countersign(agreement, manager)
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.LIVE and agreement.live_at is not None
    version = AgreementVersion.objects.get(agreement=agreement, version=1)
    signatures = {s.party: s for s in agreement.signatures.all()}
    assert signatures["partner"].typed_name == "Priya Shah" and signatures["partner"].role_title == "Director"
    assert signatures["partner"].user == partner_a_user and signatures["hub"].user == manager
    assert signatures["partner"].text_sha256 == signatures["hub"].text_sha256 == version.text_sha256
    assert version.text_sha256 == sha256(canonical_text(agreement))
    assert Notification.objects.filter(recipient=partner_a_user, kind="agreements_live").exists()
    moves = [(h.from_state, h.to_state) for h in history_for(agreement) if h.action == "transition"]
    assert moves == [("draft", "issued"), ("issued", "partner_signed"), ("partner_signed", "live")]


def test_the_hub_cannot_sign_before_the_partner(agreement, staff, manager):
    issue(agreement, staff)
    with pytest.raises(ActionRefused, match="after the partner"):
        countersign(agreement, manager)
    assert not agreement.signatures.exists()


def test_only_the_service_manager_countersigns(agreement, staff, partner_a_user, chair, admin_user):
    issue(agreement, staff)
    partner_sign(agreement, partner_a_user)
    for user in (staff, chair, admin_user, partner_a_user):
        with pytest.raises(PermissionDenied):
            countersign(agreement, user)


def test_only_the_partners_own_user_signs(agreement, staff, manager, partner_b_user):
    issue(agreement, staff)
    for user in (staff, manager, partner_b_user):
        with pytest.raises(PermissionDenied):
            partner_sign(agreement, user)


def test_a_draft_cannot_be_signed(agreement, partner_a_user):
    with pytest.raises(ActionRefused, match="not waiting for your signature"):
        partner_sign(agreement, partner_a_user)


def test_signing_needs_a_typed_name_and_role(agreement, staff, partner_a_user):
    issue(agreement, staff)
    with pytest.raises(ActionRefused, match="full name and your role"):
        partner_sign(agreement, partner_a_user, name="  ", role="Director")
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.ISSUED


def test_editing_the_text_after_issue_or_a_signature_is_refused(agreement, staff, partner_a_user):
    issue(agreement, staff)
    with pytest.raises(ActionRefused, match="Only a draft can be edited"):
        agreement_update(agreement=agreement, actor=staff, fields={"basis": "Changed."})
    partner_sign(agreement, partner_a_user)
    with pytest.raises(ActionRefused, match="Only a draft can be edited"):
        agreement_update(agreement=agreement, actor=staff, fields={"basis": "Changed."})
    agreement.refresh_from_db()
    assert agreement.basis != "Changed."


def test_a_change_after_the_partner_signed_makes_a_new_version_and_voids_the_signature(
    agreement, staff, manager, partner_a_user
):
    issue(agreement, staff)
    partner_sign(agreement, partner_a_user)
    agreement_reopen(agreement=agreement, actor=staff, reason="The target for outcome 1 was wrong.")
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.DRAFT and agreement.version == 2
    signature = Signature.objects.get(agreement=agreement)
    assert signature.voided_at is not None and "target for outcome 1" in signature.void_reason
    assert Notification.objects.filter(recipient=partner_a_user, kind="agreements_reopened").exists()
    outcome = agreement.outcomes.first()
    agreement_update(
        agreement=agreement,
        actor=staff,
        fields={},
        outcomes=[{"id": outcome.pk, "description": outcome.description, "measure": outcome.measure, "target": "150"}],
    )
    issue(agreement, staff)
    partner_sign(agreement, partner_a_user)
    countersign(agreement, manager)
    agreement.refresh_from_db()
    versions = list(agreement.versions.order_by("version"))
    assert [v.version for v in versions] == [1, 2]
    assert versions[0].text_sha256 != versions[1].text_sha256
    assert "Target: 150" in versions[1].text and "Target: 150" not in versions[0].text
    current = agreement.signatures.filter(voided_at__isnull=True)
    assert {s.version for s in current} == {2} and current.count() == 2
    assert verify(agreement).ok


def test_reopening_needs_a_reason(agreement, staff):
    issue(agreement, staff)
    with pytest.raises(ActionRefused, match="Say why"):
        agreement_reopen(agreement=agreement, actor=staff, reason=" ")


def test_a_live_agreement_cannot_be_reopened(agreement, staff, manager, partner_a_user):
    make_live(agreement, staff=staff, partner_user=partner_a_user, manager=manager)
    with pytest.raises(ActionRefused):
        agreement_reopen(agreement=agreement, actor=staff, reason="Too late.")


def test_verification_passes_for_an_untouched_agreement(agreement, staff, manager, partner_a_user):
    make_live(agreement, staff=staff, partner_user=partner_a_user, manager=manager)
    result = verify(agreement)
    assert result.ok and result.problems == [] and len(result.signatures) == 2


def test_verification_detects_an_outcome_changed_behind_the_portal(agreement, staff, manager, partner_a_user):
    make_live(agreement, staff=staff, partner_user=partner_a_user, manager=manager)
    Outcome.objects.filter(agreement=agreement).update(target="1 a year")
    result = verify(agreement)
    assert not result.ok and not result.current_matches_version
    assert any("changed outside the portal" in p for p in result.problems)
    assert any("Target: 1 a year" in line for line in result.differences)


def test_verification_detects_a_tampered_stored_version(agreement, staff, manager, partner_a_user):
    make_live(agreement, staff=staff, partner_user=partner_a_user, manager=manager)
    with bypassing_triggers():
        AgreementVersion.objects.filter(agreement=agreement).update(text="Something else entirely.\n")
    result = verify(agreement)
    assert not result.version_intact and not result.ok


def test_verification_detects_a_signature_over_another_text(agreement, staff, manager, partner_a_user):
    issue(agreement, staff)
    partner_sign(agreement, partner_a_user)
    with bypassing_triggers():
        Signature.objects.filter(agreement=agreement).update(text_sha256="0" * 64)
    result = verify(agreement)
    assert not result.ok and any("signature" in p for p in result.problems)


def test_signing_refuses_a_text_that_no_longer_matches_what_was_issued(agreement, staff, partner_a_user):
    issue(agreement, staff)
    Outcome.objects.filter(agreement=agreement).update(measure="Something else")
    with pytest.raises(ActionRefused, match="does not match"):
        partner_sign(agreement, partner_a_user)


def test_the_database_refuses_to_change_signatures_and_stored_versions(agreement, staff, partner_a_user):
    # The locks are PostgreSQL triggers.
    require_service(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")
    issue(agreement, staff)
    partner_sign(agreement, partner_a_user)
    with pytest.raises(DatabaseError, match="cannot be changed"), transaction.atomic():
        AgreementVersion.objects.filter(agreement=agreement).update(text="x")
    with pytest.raises(DatabaseError, match="cannot change"), transaction.atomic():
        Signature.objects.filter(agreement=agreement).update(typed_name="Someone else")
    # Voiding once is allowed (a new version).
    agreement_reopen(agreement=agreement, actor=staff, reason="Correction.")


def test_one_partnership_agreement_per_partner_per_year_in_the_database(agreement):
    with pytest.raises(IntegrityError), transaction.atomic():
        Agreement.objects.create(
            partner=agreement.partner, academic_year=agreement.academic_year, title="A second one", kind="partnership"
        )
    # A project agreement in the same year is fine.
    AgreementFactory(partner=agreement.partner, project=True)


def test_one_live_partnership_agreement_per_partner_in_the_database(agreement):
    Agreement.objects.filter(pk=agreement.pk).update(status="live")
    with pytest.raises(IntegrityError), transaction.atomic():
        AgreementFactory(partner=agreement.partner, academic_year=agreement.academic_year + 1, status="live")


def test_going_live_renews_last_years_agreement_and_activates_a_lapsed_partner(
    partner_a, staff, manager, partner_a_user
):
    this_year = current_academic_year().start_year
    old = make_live(
        AgreementFactory(partner=partner_a, academic_year=this_year - 1),
        staff=staff,
        partner_user=partner_a_user,
        manager=manager,
    )
    Partner.objects.filter(pk=partner_a.pk).update(status=Partner.Stage.LAPSED)
    new = AgreementFactory(partner=partner_a, academic_year=this_year, renewal_of=old)
    make_live(new, staff=staff, partner_user=partner_a_user, manager=manager)
    old.refresh_from_db()
    partner_a.refresh_from_db()
    assert old.status == Agreement.Status.RENEWED and old.ended_at is not None
    assert partner_a.status == Partner.Stage.ACTIVE
    stages = [h.to_state for h in history_for(partner_a) if h.action == "transition"]
    assert stages == ["agreement_pending", "active"]


def test_next_years_agreement_signed_early_starts_on_1_september(partner_a, staff, manager, partner_a_user):
    """The current year's agreement stays live, reviewable and surveyed until 31 August."""
    current = make_live(AgreementFactory(partner=partner_a), staff=staff, partner_user=partner_a_user, manager=manager)
    early = AgreementFactory(partner=partner_a, academic_year=current.academic_year + 1, renewal_of=current)
    make_live(early, staff=staff, partner_user=partner_a_user, manager=manager)
    current.refresh_from_db()
    early.refresh_from_db()
    assert early.status == Agreement.Status.SIGNED and current.status == Agreement.Status.LIVE
    assert may_review(staff, current)[0]
    agreements_expire(today=current.year.ends_on)
    assert Agreement.objects.get(pk=current.pk).status == Agreement.Status.LIVE
    agreements_expire(today=early.year.starts_on)
    current.refresh_from_db()
    early.refresh_from_db()
    assert early.status == Agreement.Status.LIVE and current.status == Agreement.Status.RENEWED


def test_going_live_activates_a_partner_waiting_on_its_agreement(partner_a, staff, manager, partner_a_user):
    Partner.objects.filter(pk=partner_a.pk).update(status=Partner.Stage.AGREEMENT_PENDING)
    make_live(AgreementFactory(partner=partner_a), staff=staff, partner_user=partner_a_user, manager=manager)
    partner_a.refresh_from_db()
    assert partner_a.status == Partner.Stage.ACTIVE


def test_an_earlier_year_cannot_go_live_over_a_later_one(partner_a, staff, manager, partner_a_user):
    current = make_live(AgreementFactory(partner=partner_a), staff=staff, partner_user=partner_a_user, manager=manager)
    late = AgreementFactory(partner=partner_a, academic_year=current.academic_year - 1)
    issue(late, staff)
    partner_sign(late, partner_a_user)
    with pytest.raises(ActionRefused, match="already has a"):
        countersign(late, manager)


def test_issue_names_what_is_missing(partner_a, staff):
    draft = AgreementFactory(partner=partner_a, outcomes=[], basis="")
    with pytest.raises(ActionRefused) as refused:
        issue(draft, staff)
    assert "Write the basis of the partnership." in str(refused.value)
    assert "Add at least one agreed outcome" in str(refused.value)
