"""Two people making the same transition at the same moment (two threads,
two database connections, PostgreSQL): one succeeds, the other is refused
with a clear message, and the history holds one row."""

import threading

import pytest
from django.db import connection

from hubportal.errors import ActionRefused
from hubportal.history import history_for
from partners.models import Partner
from partners.services import partner_move
from tests.conftest import require_service
from tests.factories import PartnerFactory, UserFactory


def race(action, actors) -> list:
    """Run action(actor) for each actor at once; return each result or the refusal."""
    barrier = threading.Barrier(len(actors))
    results = [None] * len(actors)

    def run(index, actor):
        barrier.wait()
        try:
            results[index] = action(actor)
        except ActionRefused as refusal:
            results[index] = refusal
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actors)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


@pytest.mark.django_db(transaction=True)
def test_two_staff_suspending_one_partner_at_once_make_one_move():
    require_service(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")
    partner = PartnerFactory(status=Partner.Stage.ACTIVE)
    first, second = UserFactory(username="first-staff"), UserFactory(username="second-staff")

    results = race(
        lambda actor: partner_move(partner=partner, to=Partner.Stage.SUSPENDED, actor=actor, reason="Concern"),
        [first, second],
    )

    refusals = [r for r in results if isinstance(r, ActionRefused)]
    assert len(refusals) == 1, results
    assert "suspended" in str(refusals[0]).lower()
    assert [(e.from_state, e.to_state) for e in history_for(partner)] == [("active", "suspended")]
