"""The bench's import job (hubportal.devtools.bench) imports a file the size it is
told and leaves the data as it was; make bench runs it at 5,000 rows."""

from hubportal.devtools import bench
from partners.models import Partner


def test_the_bench_import_job_imports_then_rolls_back(admin_user, monkeypatch, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }
    monkeypatch.setattr(bench, "IMPORT_ROWS", 25)
    row = bench._timed("Import records", bench._import_and_roll_back, target_seconds=bench.IMPORT_SECONDS)
    assert row["note"].startswith("25 rows; preview") and row["target_seconds"] == 60
    assert not Partner.objects.exists()
