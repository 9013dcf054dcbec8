"""Two people making the same transition at the same moment (two threads,
two database connections, PostgreSQL): one succeeds, the other is refused
with a clear message, and the history holds one row of the move.

Each kind of record with a lifecycle is one row of RACES: a set-up that
builds the record through the real services, and the action both people
take. A new lifecycle is one more row."""

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.db import connection

from agreements.models import Reason, TerminationRecommendation
from agreements.services import (
    agreement_countersign,
    agreement_issue,
    agreement_sign,
    recommendation_decide,
    recommendation_raise,
)
from complaints.models import Complaint
from complaints.services import complaint_acknowledge, complaint_decide
from eoi.services import eoi_submit
from hubportal.core import roles
from hubportal.core.errors import ActionRefused
from hubportal.core.history import history_for
from partners.models import EvidenceItem, Partner
from partners.services import evidence_verify, partner_move
from tests.agreements.factories import AgreementFactory, issue, make_live, partner_sign
from tests.complaints.helpers import advance, raise_from_public
from tests.conftest import require_service
from tests.eoi.factories import CallFactory, ExpressionOfInterestFactory, fill_for_submission
from tests.factories import PartnerFactory, UserFactory, partner_user
from tests.partners.factories import EvidenceItemFactory


def race(action, actors) -> list:
    """Run action(actor) for each actor at once, each in its own thread and so
    its own database connection; return each result, or what it raised."""
    barrier = threading.Barrier(len(actors))
    results = [None] * len(actors)

    def run(index, actor):
        barrier.wait()
        try:
            results[index] = action(actor)
        except Exception as raised:  # noqa: BLE001 - an IntegrityError or a 403 must show in the assertion
            results[index] = raised
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actors)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


@dataclass
class Race:
    """Two people about to do the same thing to one record."""

    record: object  # whose history is checked
    actors: list
    action: Callable  # action(actor), in a thread of its own
    refusal_says: str  # a phrase of the refusal the slower one reads
    # The history rows the race leaves on the record, as (action, from, to).
    history: list[tuple[str, str, str]] = field(default_factory=list)


def two(role: str, name: str) -> list:
    return [UserFactory(username=f"first-{name}", role=role), UserFactory(username=f"second-{name}", role=role)]


def suspending_a_partner() -> Race:
    partner = PartnerFactory(status=Partner.Stage.ACTIVE)
    return Race(
        record=partner,
        actors=[UserFactory(username="first-staff"), UserFactory(username="second-staff")],
        action=lambda actor: partner_move(partner=partner, to=Partner.Stage.SUSPENDED, actor=actor, reason="Concern"),
        refusal_says="is suspended",
        history=[("transition", "active", "suspended")],
    )


def issuing_an_agreement() -> Race:
    agreement = AgreementFactory()
    partner_user(agreement.partner, username="signatory")  # issuing needs someone who can sign
    return Race(
        record=agreement,
        actors=two(roles.STAFF, "staff"),
        action=lambda actor: agreement_issue(agreement=agreement, actor=actor),
        refusal_says="only a draft can be issued",
        history=[("transition", "draft", "issued")],
    )


def signing_an_agreement() -> Race:
    agreement = AgreementFactory()
    issue(agreement, UserFactory(username="issuing-staff", role=roles.STAFF))
    signatories = [
        partner_user(agreement.partner, username="first-signatory"),
        partner_user(agreement.partner, username="second-signatory"),
    ]
    return Race(
        record=agreement,
        actors=signatories,
        action=lambda actor: agreement_sign(agreement=agreement, actor=actor, typed_name=str(actor), role_title="Head"),
        refusal_says="not waiting for your signature",
        history=[("transition", "issued", "partner_signed")],
    )


def countersigning_an_agreement() -> Race:
    agreement = AgreementFactory()
    issue(agreement, UserFactory(username="issuing-staff", role=roles.STAFF))
    partner_sign(agreement, partner_user(agreement.partner, username="signatory"))
    return Race(
        record=agreement,
        actors=two(roles.MANAGER, "manager"),
        action=lambda actor: agreement_countersign(
            agreement=agreement, actor=actor, typed_name=str(actor), role_title="Service Manager"
        ),
        refusal_says="the hub signs after the partner has signed",
        history=[("transition", "partner_signed", "live")],
    )


def deciding_a_termination_recommendation() -> Race:
    agreement = AgreementFactory()
    make_live(
        agreement,
        staff=UserFactory(username="issuing-staff", role=roles.STAFF),
        partner_user=partner_user(agreement.partner, username="signatory"),
        manager=UserFactory(username="countersigning-manager", role=roles.MANAGER),
    )
    recommendation = recommendation_raise(
        agreement=agreement,
        actor=UserFactory(username="recommending-staff", role=roles.STAFF),
        kind=TerminationRecommendation.Kind.TERMINATE,
        reasons=[Reason.OUTCOMES],
        evidence="Three termly surveys missed and no reply to the Hub's letters.",
    )
    chair = UserFactory(username="chair-in-two-tabs", role=roles.CHAIR)
    return Race(
        record=recommendation,
        actors=[chair, chair],
        action=lambda actor: recommendation_decide(
            recommendation=recommendation,
            actor=actor,
            decision=TerminationRecommendation.Decision.UPHELD,
            reasons="The partner has not delivered what was agreed.",
        ),
        refusal_says="already decided",
        history=[("decided", "", "")],
    )


def acknowledging_a_complaint() -> Race:
    complaint, _ = raise_from_public(partner=PartnerFactory())
    return Race(
        record=complaint,
        actors=two(roles.MANAGER, "manager"),
        action=lambda actor: complaint_acknowledge(complaint=complaint, actor=actor),
        refusal_says="cannot be acknowledged now",
        history=[("transition", "received", "acknowledged")],
    )


def deciding_a_complaint() -> Race:
    complaint, token = raise_from_public(partner=PartnerFactory())
    chair = UserFactory(username="chair-in-two-tabs", role=roles.CHAIR)
    complaint = advance(
        complaint,
        Complaint.Status.CHAIR_REVIEW,
        manager=UserFactory(username="manager", role=roles.MANAGER),
        chair=chair,
        token=token,
    )
    return Race(
        record=complaint,
        actors=[chair, chair],
        action=lambda actor: complaint_decide(
            complaint=complaint,
            actor=actor,
            findings="The sessions were missed and not made up.",
            decision=Complaint.ChairDecision.UPHELD,
            reasons="The partner did not deliver what was agreed.",
        ),
        refusal_says="the decision is final",
        history=[("transition", "chair_review", "decided")],
    )


def submitting_an_eoi() -> Race:
    eoi = fill_for_submission(ExpressionOfInterestFactory(call=CallFactory()))
    return Race(
        record=eoi,
        actors=[
            partner_user(eoi.partner, username="first-writer"),
            partner_user(eoi.partner, username="second-writer"),
        ],
        action=lambda actor: eoi_submit(eoi=eoi, actor=actor),
        refusal_says="already been submitted",
        # A refused submission is recorded in the EOI's history (eoi_submit).
        history=[("transition", "draft", "submitted"), ("submission refused", "", "")],
    )


def verifying_evidence() -> Race:
    item = EvidenceItemFactory(status=EvidenceItem.Status.SUBMITTED)
    return Race(
        record=item,
        actors=two(roles.STAFF, "staff"),
        action=lambda actor: evidence_verify(item=item, actor=actor),
        refusal_says="only evidence waiting to be checked",
        history=[("transition", "submitted", "verified")],
    )


RACES = [
    suspending_a_partner,
    issuing_an_agreement,
    signing_an_agreement,
    countersigning_an_agreement,
    deciding_a_termination_recommendation,
    acknowledging_a_complaint,
    deciding_a_complaint,
    submitting_an_eoi,
    verifying_evidence,
]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("set_up", RACES, ids=[r.__name__ for r in RACES])
def test_two_people_making_the_same_transition_at_once_make_one_move(set_up):
    require_service(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")
    ready = set_up()
    before = history_for(ready.record).count()

    results = race(ready.action, ready.actors)

    refusals = [r for r in results if isinstance(r, ActionRefused)]
    successes = [r for r in results if not isinstance(r, BaseException) and r is not None]
    assert len(successes) == 1 and len(refusals) == 1, results
    assert ready.refusal_says in str(refusals[0]).lower(), str(refusals[0])
    made = [(e.action, e.from_state, e.to_state) for e in history_for(ready.record)[before:]]
    assert made == ready.history
