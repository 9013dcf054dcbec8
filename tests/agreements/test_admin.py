"""The admin keeps history as it was: signatures and versions never editable,
a signed agreement's text read-only, its state moved only by the services."""

import pytest
from django.urls import reverse

from agreements.models import Agreement
from tests.agreements.factories import AgreementFactory, make_live


@pytest.fixture
def live(partner_a, staff, manager, partner_a_user):
    return make_live(AgreementFactory(partner=partner_a), staff=staff, partner_user=partner_a_user, manager=manager)


def test_signatures_and_versions_cannot_be_changed_or_deleted(live, admin_user, client_for):
    client = client_for(admin_user)
    signature, version = live.signatures.first(), live.versions.first()
    for model, obj in (("signature", signature), ("agreementversion", version)):
        change = reverse(f"admin:agreements_{model}_change", args=[obj.pk])
        assert client.get(change).status_code == 200
        assert b'type="submit" value="Save"' not in client.get(change).content
        assert client.post(reverse(f"admin:agreements_{model}_delete", args=[obj.pk])).status_code == 403
        assert client.get(reverse(f"admin:agreements_{model}_add")).status_code == 403
    signature.refresh_from_db()
    assert signature.voided_at is None


def test_a_live_agreement_is_read_only_in_the_admin(live, admin_user, client_for):
    client = client_for(admin_user)
    url = reverse("admin:agreements_agreement_change", args=[live.pk])
    page = client.get(url)
    assert page.status_code == 200 and b'name="basis"' not in page.content
    client.post(url, {"basis": "Rewritten", "status": "draft"})
    live.refresh_from_db()
    assert live.status == Agreement.Status.LIVE and live.basis != "Rewritten"


def test_a_draft_is_editable_in_the_admin_but_not_its_state(partner_a, admin_user, client_for):
    draft = AgreementFactory(partner=partner_a)
    page = client_for(admin_user).get(reverse("admin:agreements_agreement_change", args=[draft.pk]))
    assert b'name="basis"' in page.content and b'name="status"' not in page.content


def test_every_agreements_model_is_in_the_admin(admin_user, client_for):
    from django.apps import apps

    client = client_for(admin_user)
    for model in apps.get_app_config("agreements").get_models():
        url = reverse(f"admin:agreements_{model._meta.model_name}_changelist")
        assert client.get(url).status_code == 200, model
