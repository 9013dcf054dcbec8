import pytest
from django.urls import reverse

from hubportal.core.history import TransitionNotAllowed, history_for, transition
from hubportal.models import HistoryEntry
from partners.models import Partner
from tests.factories import PartnerFactory


def test_allowed_transition_saves_and_records_who_when_from_to_and_why(staff):
    partner = PartnerFactory(status=Partner.Stage.ENQUIRY)
    transition(partner, to=Partner.Stage.MEETING_SCHEDULED, actor=staff, note="Meeting booked for Tuesday.")
    partner.refresh_from_db()
    assert partner.status == Partner.Stage.MEETING_SCHEDULED
    [entry] = history_for(partner)
    assert (entry.from_state, entry.to_state, entry.actor, entry.note) == (
        "enquiry",
        "meeting_scheduled",
        staff,
        "Meeting booked for Tuesday.",
    )


def test_forbidden_transition_is_a_clear_error_and_changes_nothing(staff):
    partner = PartnerFactory(status=Partner.Stage.ENQUIRY)
    with pytest.raises(TransitionNotAllowed, match="is enquiry, so it cannot be moved to active"):
        transition(partner, to=Partner.Stage.ACTIVE, actor=staff)
    partner.refresh_from_db()
    assert partner.status == Partner.Stage.ENQUIRY
    assert not HistoryEntry.objects.exists()


def test_history_is_read_only_in_the_admin(admin_user, client_for):
    partner = PartnerFactory(status=Partner.Stage.ENQUIRY)
    transition(partner, to=Partner.Stage.DECLINED, actor=admin_user)
    entry = HistoryEntry.objects.get()
    client = client_for(admin_user)
    assert client.get(reverse("admin:hubportal_historyentry_changelist")).status_code == 200
    page = client.get(reverse("admin:hubportal_historyentry_change", args=[entry.pk]))
    assert page.status_code == 200
    assert 'name="_save"' not in page.text
    assert (
        client.post(reverse("admin:hubportal_historyentry_delete", args=[entry.pk]), {"post": "yes"}).status_code == 403
    )
    assert HistoryEntry.objects.count() == 1


def test_a_timeline_names_each_state_as_the_records_pages_do(partner_a, partner_a_user, staff, manager, client_for):
    """ "Signed by the partner" in the State badge is "Signed by the partner" in the
    history too, not "Partner signed"; a state no choice names reads in plain words."""
    from agreements.models import Agreement
    from tests.agreements.factories import AgreementFactory, issue, partner_sign

    agreement = issue(AgreementFactory(partner=partner_a), staff)
    partner_sign(agreement, partner_a_user)
    page = client_for(manager).get(reverse("agreements:detail", args=[agreement.pk])).text
    label = Agreement.Status.PARTNER_SIGNED.label
    assert f"moved it from <strong>Issued for signature</strong> to <strong>{label}</strong>" in page
    assert "Partner signed" not in page
    assert HistoryEntry(content_type_id=history_for(agreement)[0].content_type_id, to_state="gone_away").to_label == (
        "Gone away"
    )


def test_recent_activity_names_states_without_a_query_per_kind_of_record(
    partner_a, partner_a_user, staff, django_assert_num_queries
):
    """The rows come with their content type (select_related); naming their states asks
    nothing more, even in a fresh process whose content-type cache is empty. Prevents
    the staff home's first look costing a query per kind of record in its activity."""
    from django.contrib.contenttypes.models import ContentType

    from hubportal.insights.dashboard import recent_activity
    from tests.agreements.factories import AgreementFactory, issue

    issue(AgreementFactory(partner=partner_a), staff)
    transition(PartnerFactory(status=Partner.Stage.ENQUIRY), to=Partner.Stage.MEETING_SCHEDULED, actor=staff)
    entries = list(recent_activity(staff))
    assert len({entry.content_type_id for entry in entries}) >= 2
    ContentType.objects.clear_cache()
    with django_assert_num_queries(0):
        labels = [(entry.from_label, entry.to_label) for entry in entries]
    assert ("Enquiry", "Meeting scheduled") in labels
