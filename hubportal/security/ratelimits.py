"""Every rate limit in Hub Portal, in one place, on django-ratelimit.

One rule for all of them: a limit counts the events its caller names (a
submission the form accepted, a robot's submission, a lookup) per key (the
client's address, hubportal.security.audit.client_ip, or an account) in a fixed window,
and refuses the event that goes over. The counts live in the `ratelimit`
cache, which every web process shares: Redis when REDIS_URL is set, otherwise
a table in the database (created by migrate). Never per-process memory, or
four gunicorn workers would each allow the limit (issue 19);
`manage.py check --deploy` warns if it is.

The limiter fails open: if its cache cannot be reached the request goes
through and a warning is logged. A limit slows abuse; it must never lose a
complaint or an enquiry a person has written.
"""

import base64
import logging
import pickle  # nosec B403
from dataclasses import dataclass
from datetime import datetime
from functools import wraps

from django.conf import settings
from django.core import checks
from django.core.cache.backends.db import DatabaseCache
from django.db import connections, router, transaction
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django_ratelimit.core import is_ratelimited

from hubportal.security.audit import client_ip

logger = logging.getLogger(__name__)

CACHE_ALIAS = "ratelimit"
CACHE_TABLE = "hubportal_ratelimit_cache"
PER_PROCESS_BACKENDS = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}


@dataclass(frozen=True)
class Limit:
    """How many events per window; `setting` names a count the Hub can change."""

    per_hour: int = 0
    setting: str = ""
    window: str = "h"

    def rate(self) -> str:
        count = getattr(settings, self.setting) if self.setting else self.per_hour
        return f"{count}/{self.window}"


LIMITS: dict[str, Limit] = {
    # "Become a partner": enquiries the form accepted, per address.
    "enquiry": Limit(setting="PARTNERS_ENQUIRY_RATE_LIMIT"),
    # The public complaint form: complaints accepted (and robots' posts), per address.
    "complaint": Limit(setting="COMPLAINT_PUBLIC_RATE_LIMIT"),
    # Asking for a new tracking link, per address.
    "complaint_track_request": Limit(setting="COMPLAINT_PUBLIC_RATE_LIMIT"),
    # Opening a tracking link that does not work (guessing tokens), per address.
    "complaint_track_miss": Limit(per_hour=20),
    # Password-reset requests per address, and per account (the address typed).
    "password_reset_address": Limit(setting="PASSWORD_RESET_RATE_LIMIT_PER_ADDRESS"),
    "password_reset_account": Limit(setting="PASSWORD_RESET_RATE_LIMIT_PER_ACCOUNT"),
    # Opening an invitation or password-reset link, per address.
    "link": Limit(per_hour=30),
}


def _by_address(group, request) -> str:
    return client_ip(request) or "unknown"


def over_limit(request, name: str, *, key: str | None = None, count: bool = True) -> bool:
    """Count one event against limit `name` and say whether it goes over
    (with count=False, only say whether the limit is already passed).

    `key` counts per something other than the client's address (an account);
    it is hashed by django-ratelimit before it reaches the cache. If the cache
    fails the answer is False (let it through) and a warning is logged."""
    limit = LIMITS[name]
    keyer = (lambda group, request: key) if key is not None else _by_address
    try:
        return is_ratelimited(request, group=f"hub.{name}", key=keyer, rate=limit.rate(), increment=count)
    except Exception:  # a limiter that fails must not refuse what a person sent
        logger.warning("Rate limit %r not applied: its cache failed; the request went through.", name, exc_info=True)
        return False


def refused(request) -> HttpResponse:
    """The answer once a limit is passed: 429, saying when to try again."""
    return render(request, "ratelimited.html", status=429)


def limit_requests(name: str):
    """Decorator: every request to the view counts against limit `name`."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if over_limit(request, name):
                return refused(request)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


class RateLimitDatabaseCache(DatabaseCache):
    """Django's database cache with an incr fit for counting.

    The stock incr is a get then a set: two processes can both read 3 and both
    write 4, and the set resets the entry's expiry to the default timeout. Here
    the row is locked (FOR UPDATE where the database has it; SQLite's
    IMMEDIATE transactions take the write lock) and only its value changes."""

    def incr(self, key, delta=1, version=None):
        cache_key = self.make_and_validate_key(key, version=version)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        table = connection.ops.quote_name(self._table)
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        now = timezone.now() if settings.USE_TZ else datetime.now()  # noqa: DTZ005 - as DatabaseCache does
        now = connection.ops.adapt_datetimefield_value(now.replace(microsecond=0))
        with transaction.atomic(using=db), connection.cursor() as cursor:
            # The table name is quoted by the backend and comes from settings, not from input.
            select = f"SELECT cache_key FROM {table} WHERE cache_key = %s AND expires > %s{lock}"  # noqa: S608 # nosec B608
            cursor.execute(select, [cache_key, now])
            if cursor.fetchone() is None:
                raise ValueError(f"Key '{key}' not found.")
            value = self.get(key, version=version) + delta
            # pickle writes back a value this cache itself pickled, as DatabaseCache does.
            encoded = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
            update = f"UPDATE {table} SET value = %s WHERE cache_key = %s"  # noqa: S608 # nosec B608
            cursor.execute(update, [encoded, cache_key])
        return value


@checks.register(checks.Tags.caches, deploy=True)
def check_limiter_cache(app_configs, **kwargs):
    """Deploy check: the limiter's counts must be shared by every web process."""
    backend = settings.CACHES.get(CACHE_ALIAS, {}).get("BACKEND", "")
    if backend in PER_PROCESS_BACKENDS or not backend:
        return [
            checks.Warning(
                f"The rate limiter's cache ({CACHE_ALIAS!r}) is {backend or 'not configured'}: each web "
                "process counts on its own, so N workers allow N times each limit.",
                hint="Set REDIS_URL, or leave it unset to use the database cache (created by migrate).",
                id="hubportal.W019",
            )
        ]
    return []
