"""`manage.py create_database` makes the database DATABASE_URL names on a fresh
PostgreSQL server, and says so and does nothing when it is there."""

import subprocess
import sys
import uuid
from contextlib import closing

import psycopg2
from django.db import connection
from psycopg2 import sql

from tests.conftest import require_service
from tests.hubportal.test_settings import PRODUCTION_ENV, ROOT


def run(url: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "create_database"],
        cwd=ROOT,
        env={**PRODUCTION_ENV, "DATABASE_URL": url},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_database_is_created_once():
    require_service(connection.vendor == "postgresql", "PostgreSQL")
    server = connection.settings_dict
    name = f"hub_create_{uuid.uuid4().hex[:8]}"
    url = f"postgres://{server['USER']}@{server['HOST'] or '127.0.0.1'}:{server['PORT'] or 5432}/{name}"
    try:
        first = run(url)
        assert first.returncode == 0, first.stderr
        assert first.stdout.strip() == f"Created database {name}."
        again = run(url)
        assert again.returncode == 0 and again.stdout.strip() == f"Database {name} is there."
    finally:
        with closing(psycopg2.connect(dbname="postgres", host=server["HOST"] or "127.0.0.1", user=server["USER"])) as c:
            c.autocommit = True
            with c.cursor() as cursor:
                cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))


def test_it_refuses_a_database_that_is_not_postgresql():
    result = run("sqlite:////tmp/hubportal-create-database.sqlite3")
    assert result.returncode != 0 and "create_database is for PostgreSQL" in result.stderr
