"""Figures that cost real work (the dashboards' counts, partner health across
the Hub, funding leverage, a partner's to-do list) are cached for a minute and
dropped as soon as anything changes: every transition and notable change goes
through hubportal.core.history, which calls figures_changed() once its transaction
commits. So a page shows a change at once, and a busy morning of people
opening the same dashboard costs the database once a minute."""

from collections.abc import Callable

from django.core.cache import cache

VERSION = "hubportal:figures:version"
TIMEOUT = 60


def figures_changed() -> None:
    try:
        cache.incr(VERSION)
    except ValueError:  # not set yet, or evicted
        cache.set(VERSION, 1, None)


def _versioned(key: str) -> str:
    """The cache key of a figure as it stands since the last change."""
    return f"hubportal:figures:{cache.get_or_set(VERSION, 1, None)}:{key}"


def cached(key: str, compute: Callable, timeout: int = TIMEOUT):
    """compute() once per change (or per minute) for everyone who asks with this key."""
    full_key = _versioned(key)
    value = cache.get(full_key)
    if value is None:
        value = compute()
        cache.set(full_key, value, timeout)
    return value


def cached_each(key: str, ids: list, compute: Callable[[list], dict], timeout: int = TIMEOUT) -> dict:
    """{id: figure} for each id, as cached() keeps one figure: compute(ids not
    cached since the last change) in one call, and one round trip for the rest."""
    prefix = _versioned(key)
    keys = {pk: f"{prefix}:{pk}" for pk in ids}
    found = cache.get_many(list(keys.values()))
    figures = {pk: found[full_key] for pk, full_key in keys.items() if full_key in found}
    missing = [pk for pk in ids if pk not in figures]
    if missing:
        computed = compute(missing)
        cache.set_many({keys[pk]: computed[pk] for pk in missing}, timeout)
        figures.update(computed)
    return figures
