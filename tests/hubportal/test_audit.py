import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from hubportal.core.history import transition
from hubportal.models import AuditEvent, HistoryEntry
from partners.models import Partner
from tests.conftest import require_service
from tests.factories import TEST_PASSWORD, PartnerFactory


def test_sign_in_and_failed_sign_in_are_audited_without_the_password(staff, client):
    client.post(reverse("login"), {"username": staff.username, "password": "a-wrong-password"})
    client.post(reverse("login"), {"username": staff.username, "password": TEST_PASSWORD})
    failed, success = AuditEvent.objects.order_by("pk")
    assert (failed.action, failed.username, failed.ip_address) == ("login_failed", staff.username, "127.0.0.1")
    assert (success.action, success.user) == ("login", staff)
    everything = " ".join(str(v) for e in AuditEvent.objects.values() for v in e.values())
    assert TEST_PASSWORD not in everything and "a-wrong-password" not in everything


def test_refused_access_is_audited(partner_a_user, client_for):
    client = client_for(partner_a_user)
    client.get(reverse("staff_home"))
    event = AuditEvent.objects.get(action="access_denied")
    assert (event.user, event.path, event.status) == (partner_a_user, "/staff/", 403)


def test_a_refusal_answered_without_raising_is_audited_once(partner_a_user):
    """CSRF protection answers 403 itself rather than raising."""
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(partner_a_user)
    response = client.post(reverse("logout"))
    assert response.status_code == 403
    event = AuditEvent.objects.get(action="access_denied")
    assert (event.user, event.path, event.status) == (partner_a_user, reverse("logout"), 403)


def test_a_record_outside_the_users_scope_is_audited(staff, partner_a_user, client_for):
    from hubportal.messaging.notifications import notify

    [note] = notify(kind="welcome", recipients=[staff])
    client_for(partner_a_user).post(reverse("notification_open", args=[note.pk]))
    event = AuditEvent.objects.get(action="not_found")
    assert (event.user, event.status) == (partner_a_user, 404)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("model, field", [(HistoryEntry, "note"), (AuditEvent, "detail")])
def test_history_and_audit_rows_cannot_be_changed_or_deleted_in_postgresql(model, field, staff):
    require_service(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")
    transition(PartnerFactory(status=Partner.Stage.ENQUIRY), to=Partner.Stage.DECLINED, actor=staff)
    AuditEvent.objects.create(action="login", username="x")
    row = model.objects.first()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        model.objects.filter(pk=row.pk).update(**{field: "tampered"})
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        model.objects.filter(pk=row.pk).delete()
    assert model.objects.filter(pk=row.pk).exists()
