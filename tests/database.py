"""Doing what only someone with direct database access could do."""

from contextlib import contextmanager

from django.db import connection


@contextmanager
def bypassing_triggers():
    """On PostgreSQL the lock and append-only triggers refuse changes to signed
    or decided records; someone with superuser access to the database can
    still switch them off for their session. Tests of tamper detection do the
    same, so they run on PostgreSQL as on SQLite (which has no triggers)."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = DEFAULT")
