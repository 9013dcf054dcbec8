"""The README's backup and restore procedure, run for real on PostgreSQL."""

import shutil
import subprocess

import psycopg2
import pytest
from django.db import connection

from hubportal.history import transition
from partners.models import Partner
from tests.conftest import require_service
from tests.factories import PartnerFactory

TABLES = ["hubportal_user", "partners_partner", "hubportal_historyentry"]


def pg_args(settings_dict):
    return [
        "-h",
        settings_dict["HOST"] or "127.0.0.1",
        "-p",
        str(settings_dict["PORT"] or 5432),
        "-U",
        settings_dict["USER"],
    ]


@pytest.mark.django_db(transaction=True)
def test_a_dump_restores_into_a_fresh_database_with_the_same_rows(tmp_path, staff):
    require_service(connection.vendor == "postgresql" and bool(shutil.which("pg_dump")), "PostgreSQL with pg_dump")
    for n in range(3):
        transition(PartnerFactory(status=Partner.Stage.ENQUIRY), to=Partner.Stage.DECLINED, actor=staff, note=f"{n}")
    settings_dict = connection.settings_dict
    dump = tmp_path / "hubportal.dump"
    target = f"{settings_dict['NAME']}_restore"
    args = pg_args(settings_dict)
    env = {"PGPASSWORD": settings_dict.get("PASSWORD") or "", "PATH": "/usr/bin:/bin"}

    subprocess.run(["pg_dump", *args, "-Fc", "-f", str(dump), settings_dict["NAME"]], check=True, env=env)
    subprocess.run(["dropdb", *args, "--if-exists", target], check=True, env=env)
    subprocess.run(["createdb", *args, target], check=True, env=env)
    try:
        subprocess.run(["pg_restore", *args, "--no-owner", "-d", target, str(dump)], check=True, env=env)
        restored = psycopg2.connect(
            host=args[1], port=args[3], user=args[5], password=env["PGPASSWORD"] or None, dbname=target
        )
        with restored, restored.cursor() as cursor:
            for table in TABLES:
                cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - fixed table names
                with connection.cursor() as live:
                    live.execute(f"SELECT count(*) FROM {table}")  # noqa: S608
                    assert cursor.fetchone() == live.fetchone(), table
        restored.close()
    finally:
        subprocess.run(["dropdb", *args, "--if-exists", target], check=True, env=env)
