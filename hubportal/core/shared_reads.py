"""One read for a page that asks two apps the same question.

The partner portal's home asks every app for the partner's to-do list and for
its health; the minimum-standards evidence answers both from the same read of
the evidence register. Inside ``reads_shared()``, ``read_once(key, compute)``
computes once per key and hands the same answer to every caller; outside it
(or in another request, thread or task) every call reads afresh, so nothing
outlives the block:

    with reads_shared():
        todos, health = todos_for(partner, today), health_for([partner.pk], today)
"""

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_answers: ContextVar[dict | None] = ContextVar("hubportal_shared_reads", default=None)


@contextmanager
def reads_shared() -> Iterator[None]:
    token = _answers.set({})
    try:
        yield
    finally:
        _answers.reset(token)


def read_once(key: Hashable, compute: Callable):
    """compute(), or inside reads_shared() the answer already computed for ``key``."""
    answers = _answers.get()
    if answers is None:
        return compute()
    if key not in answers:
        answers[key] = compute()
    return answers[key]
