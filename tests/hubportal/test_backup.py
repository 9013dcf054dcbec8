"""The README's backup and restore procedure, run for real on PostgreSQL:
after restoring into a fresh database and a fresh media folder, every table
holds the same rows and every uploaded file is byte for byte the same."""

import hashlib
import shutil
import subprocess
from io import StringIO
from pathlib import Path

import psycopg2
import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.db.models import FileField
from django.urls import reverse
from psycopg2 import sql

from agreements.models import Agreement, Signature, TerminationRecommendation
from complaints.models import Complaint
from eoi.models import ExpressionOfInterest
from hubportal.models import AuditEvent, HistoryEntry, User
from partners.models import EvidenceItem, Partner
from tests.conftest import require_service

# Tables the demo data fills, so the comparison is of rows and not of empty tables.
MUST_HAVE_ROWS = [User, Partner, HistoryEntry, AuditEvent, Agreement, Signature, TerminationRecommendation]
MUST_HAVE_ROWS += [Complaint, ExpressionOfInterest, EvidenceItem]


def pg_args(settings_dict) -> list[str]:
    return [
        "-h",
        settings_dict["HOST"] or "127.0.0.1",
        "-p",
        str(settings_dict["PORT"] or 5432),
        "-U",
        settings_dict["USER"],
    ]


def fingerprint(settings_dict, dbname: str) -> dict:
    """Every table in the database with its row count and a checksum of its
    rows, the sequences' positions and the triggers (the append-only and
    locked-record rules must come back with the data)."""
    with (
        psycopg2.connect(
            host=settings_dict["HOST"] or "127.0.0.1",
            port=settings_dict["PORT"] or 5432,
            user=settings_dict["USER"],
            password=settings_dict.get("PASSWORD") or None,
            dbname=dbname,
        ) as db,
        db.cursor() as cursor,
    ):
        # Rows are checksummed as text: timestamps must print the same in both.
        cursor.execute("SET TIME ZONE 'UTC'")
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
        tables = {}
        for (table,) in cursor.fetchall():
            # Ordered by the whole row, so tables without a single-column key are covered too.
            cursor.execute(
                sql.SQL(
                    "SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) FROM {} t"
                ).format(sql.Identifier(table))
            )
            tables[table] = cursor.fetchone()
        cursor.execute("SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'")
        sequences = dict(cursor.fetchall())
        cursor.execute("SELECT tgrelid::regclass::text, tgname FROM pg_trigger WHERE NOT tgisinternal")
        triggers = sorted(cursor.fetchall())
    db.close()
    return {"tables": tables, "sequences": sequences, "triggers": triggers}


def files_under(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def model_tables() -> set[str]:
    """The table of every model of every installed app, many-to-many tables included."""
    return {
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    }


def stored_file_names() -> set[str]:
    names = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, FileField):
                names |= set(model.objects.exclude(**{field.name: ""}).values_list(field.name, flat=True))
    return names


@pytest.mark.django_db(transaction=True)
def test_the_readme_backup_restores_every_table_and_every_uploaded_file(tmp_path, settings, client):
    require_service(connection.vendor == "postgresql" and bool(shutil.which("pg_dump")), "PostgreSQL with pg_dump")
    media, restored_media = tmp_path / "media", tmp_path / "restored-media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(media)}},
    }
    settings.MEDIA_ROOT = str(media)
    # The demo data: every app's records, their history and audit rows, and uploaded files.
    call_command("seed_demo", "--force", stdout=StringIO())
    # A refused sign-in: the audit table has rows too.
    client.post(reverse("login"), {"username": "staff", "password": "not-the-password"})
    for model in MUST_HAVE_ROWS:
        assert model.objects.exists(), f"the demo data has no {model._meta.verbose_name_plural}"
    assert stored_file_names(), "the demo data has no uploaded files"

    settings_dict = connection.settings_dict
    args = pg_args(settings_dict)
    env = {"PGPASSWORD": settings_dict.get("PASSWORD") or "", "PATH": "/usr/bin:/bin"}
    dump, archive = tmp_path / "hubportal.dump", tmp_path / "hubportal-media.tar.gz"
    target = f"{settings_dict['NAME']}_restore"
    before = fingerprint(settings_dict, settings_dict["NAME"])

    # README, "Backup and restore": the dump and the media archive ...
    subprocess.run(["pg_dump", "-Fc", *args, "-f", str(dump), settings_dict["NAME"]], check=True, env=env)
    subprocess.run(["tar", "-czf", str(archive), "-C", str(media), "."], check=True, env=env)
    # ... restored into a fresh database and a fresh media folder.
    subprocess.run(["dropdb", *args, "--if-exists", target], check=True, env=env)
    subprocess.run(["createdb", *args, target], check=True, env=env)
    try:
        subprocess.run(["pg_restore", "--no-owner", *args, "-d", target, str(dump)], check=True, env=env)
        after = fingerprint(settings_dict, target)
    finally:
        subprocess.run(["dropdb", *args, "--if-exists", target], check=True, env=env)
    restored_media.mkdir()
    subprocess.run(["tar", "-xzf", str(archive), "-C", str(restored_media)], check=True, env=env)

    missing_models = model_tables() - set(before["tables"])
    assert not missing_models, f"tables of models not in the database: {sorted(missing_models)}"
    assert set(after["tables"]) == set(before["tables"])
    changed = {
        t: (before["tables"][t], after["tables"][t])
        for t in before["tables"]
        if before["tables"][t] != after["tables"][t]
    }
    assert not changed, f"tables whose rows differ after the restore (count, checksum): {changed}"
    assert after["sequences"] == before["sequences"]
    assert after["triggers"] == before["triggers"]
    backed_up, restored = files_under(media), files_under(restored_media)
    differing = sorted(name for name in backed_up.keys() | restored.keys() if backed_up.get(name) != restored.get(name))
    assert not differing, f"uploaded files missing or changed after the restore: {differing}"
    assert stored_file_names() <= set(files_under(restored_media)), "a stored record names a file the backup lacks"
