"""Who may open each personal-data URL (tests/security/test_url_sweep.py).

Everything but the public privacy notice is the Service Manager's (admins may
stand in); the safeguarding review list is the safeguarding lead's (the cast's
manager is one). Empty POSTs are forms redisplayed with their error (200) or
a redirect with the reason (302), never a server error."""

from datetime import date

from hubportal.privacy import services
from hubportal.privacy.models import DataRequest
from tests.security.access import ROLES, rule

PUBLIC = set(ROLES)
MANAGER = {"manager", "admin"}
POST = ("POST",)
GET_POST = ("GET", "POST")


def _pk(name):
    return lambda s: {"pk": s[name].pk}


RULES = {
    "privacy:notice": rule(PUBLIC),
    "privacy:schedule": rule(MANAGER),
    "privacy:due": rule(MANAGER),
    "privacy:dry_run": rule(MANAGER, methods=POST, ok_post=frozenset({302})),
    "privacy:holds": rule(MANAGER, methods=GET_POST),
    "privacy:hold_lift": rule(MANAGER, args=_pk("legal_hold"), methods=POST, ok_post=frozenset({302})),
    "privacy:requests": rule(MANAGER, methods=GET_POST),
    "privacy:request": rule(MANAGER, args=_pk("access_request")),
    "privacy:request_zip": rule(MANAGER, args=_pk("access_request")),
    "privacy:request_fulfil": rule(MANAGER, args=_pk("access_request"), methods=POST, ok_post=frozenset({302})),
    "privacy:request_erase": rule(MANAGER, args=_pk("erasure_request"), methods=POST, ok_post=frozenset({302})),
    "privacy:safeguarding_review": rule(MANAGER),
}


def sample(cast, sample):
    manager = cast["manager"]
    person = cast["partner_a"]
    return {
        "legal_hold": services.legal_hold_place(actor=manager, reason="A claim is expected.", partner=person.partner),
        "access_request": services.data_request_record(
            actor=manager,
            kind=DataRequest.Kind.ACCESS,
            person_name="",
            person_email=person.email or "a@example.org",
            received_on=date.today(),
        ),
        "erasure_request": services.data_request_record(
            actor=manager,
            kind=DataRequest.Kind.ERASURE,
            person_name="Nobody Known",
            person_email="nobody@example.org",
            received_on=date.today(),
        ),
    }
