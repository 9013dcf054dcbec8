"""The bench measures each page on an idle server: it waits for the previous
page's queued requests (busy in PostgreSQL) before loading the next."""

import threading
import time

import pytest
from django.db import connection, connections

from hubportal.management.commands.bench import Command
from tests.conftest import require_service


def query_elsewhere(seconds: float, started: threading.Event) -> None:
    """What a gunicorn worker still serving an old request looks like: another backend's query."""
    try:
        with connections["default"].cursor() as cursor:
            started.set()
            cursor.execute("SELECT pg_sleep(%s)", [seconds])
    finally:
        connections["default"].close()


@pytest.mark.django_db
def test_settle_waits_while_another_backend_runs_a_query_and_not_otherwise():
    require_service(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")
    assert Command.settle() < 1  # idle: two quiet looks, a quarter of a second apart

    started = threading.Event()
    other = threading.Thread(target=query_elsewhere, args=(2, started))
    other.start()
    started.wait(5)
    time.sleep(0.2)  # the query is under way
    try:
        waited = Command.settle()
    finally:
        other.join()
    assert 1.5 < waited < 4


@pytest.mark.django_db
def test_settle_gives_up_after_its_timeout():
    require_service(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")
    started = threading.Event()
    other = threading.Thread(target=query_elsewhere, args=(3, started))
    other.start()
    started.wait(5)
    time.sleep(0.2)
    try:
        waited = Command.settle(timeout=1)
    finally:
        other.join()
    assert 1 <= waited < 2
