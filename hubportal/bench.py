"""What `make bench` measures: the key pages (with the Django admin changelist
each is compared with) and the timed jobs. Objects are picked from the data
`seed_scale` made: the busiest partner, the call with most EOIs, the latest
survey round."""

import time
from dataclasses import dataclass

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hubportal import roles
from hubportal.models import User


@dataclass
class Page:
    label: str
    path: str
    user: User | None
    admin_of: str = ""  # the label of the page whose admin changelist this is


def _user_with_role(role: str) -> User:
    user = User.objects.filter(groups__name=role, is_active=True).order_by("pk").first()
    if user is None:
        raise LookupError(f"No active user with the role {role}: run seed_scale first.")
    return user


def key_pages() -> list[Page]:
    staff = _user_with_role(roles.STAFF)
    chair = _user_with_role(roles.CHAIR)
    admin = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    partner_user = _user_with_role(roles.PARTNER)
    return [
        Page("Trivial view (/livez)", "/livez", staff),
        Page("Staff dashboard", "/staff/", staff),
        Page("Chair queue", "/chair/", chair),
        Page("Partner portal home", "/portal/", partner_user),
        Page("Admin: partners changelist", "/admin/partners/partner/", admin),
    ]


def _timed(label: str, work) -> dict:
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        work()
        seconds = time.perf_counter() - started
    return {"job": label, "seconds": seconds, "queries": len(queries)}


def _sweep_and_roll_back():
    from hubportal.reminders import sweep

    with transaction.atomic():
        sweep(timezone.localdate())
        transaction.set_rollback(True)  # measure the sweep, leave the data as it was


def timed_jobs() -> list[dict]:
    return [_timed("Daily reminders sweep (whole data set)", _sweep_and_roll_back)]
