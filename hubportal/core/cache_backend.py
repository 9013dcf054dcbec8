"""The cache is an optimisation, never a reason to refuse or lose work.

``ForgivingRedisCache`` is Django's own Redis backend with one difference:
when Redis cannot be reached (stopped, restarting, a network fault), each call
logs a warning and answers as an empty cache would, instead of raising. So a
page computes its figures from the database, a rate limit counts nothing and
lets the submission through (fail open), and an after-commit "figures changed"
is a no-op. What it answers while Redis is down:

- get / get_many / has_key: the default / nothing / False (a miss);
- add: False (not added), set / set_many / delete / touch / clear: nothing;
- incr: ``delta``, as if the key had just been created (a limiter counting
  with it sees a first attempt and lets it through).

Django's ``get_or_set`` and ``decr`` are built on these, so they degrade too.
Only the connection's failures are forgiven (``redis.exceptions.RedisError``);
a bug such as an unpicklable value still raises.
"""

import logging
from functools import wraps

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


def _forgiving(answer):
    """Wrap a cache method: on a RedisError, log it and return answer(*args, **kwargs)."""

    def decorate(method):
        @wraps(method)
        def wrapper(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except RedisError as exc:
                logger.warning(
                    "Cache unavailable (%s in %s); carrying on without it.", exc.__class__.__name__, method.__name__
                )
                return answer(*args, **kwargs)

        return wrapper

    return decorate


def _nothing(*args, **kwargs):
    return None


def _false(*args, **kwargs):
    return False


def _default(key, default=None, *args, **kwargs):
    return default


def _empty(*args, **kwargs):
    return {}


def _no_failed_keys(*args, **kwargs):
    return []


def _delta(key, delta=1, *args, **kwargs):
    return delta


class ForgivingRedisCache(RedisCache):
    add = _forgiving(_false)(RedisCache.add)
    get = _forgiving(_default)(RedisCache.get)
    set = _forgiving(_nothing)(RedisCache.set)
    touch = _forgiving(_false)(RedisCache.touch)
    delete = _forgiving(_false)(RedisCache.delete)
    get_many = _forgiving(_empty)(RedisCache.get_many)
    has_key = _forgiving(_false)(RedisCache.has_key)
    incr = _forgiving(_delta)(RedisCache.incr)
    set_many = _forgiving(_no_failed_keys)(RedisCache.set_many)
    delete_many = _forgiving(_nothing)(RedisCache.delete_many)
    clear = _forgiving(_false)(RedisCache.clear)

    def reachable(self) -> bool:
        """Whether Redis answers now (for /healthz, which must tell the truth
        that the forgiving methods above hide)."""
        try:
            return bool(self._cache.get_client(write=True).ping())
        except RedisError:
            return False
