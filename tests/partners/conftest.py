from importlib import import_module

import pytest
from django.apps import apps
from django.core.cache import cache

from partners.models import EvidenceType


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """Uploaded files go to a temporary folder, not var/media."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    return tmp_path / "media"


@pytest.fixture(autouse=True)
def fresh_cache():
    """The enquiry rate limit counts in the cache: each test starts from zero."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def evidence_types(reference_data):
    """The seeded minimum standards (the data migration), in order."""
    return list(EvidenceType.objects.filter(is_active=True).order_by("sort_order"))


@pytest.fixture
def reference_data(db):
    """The rows the data migrations seed (districts, types, evidence types...).
    A transactional test that ran earlier flushes them, so browser tests put them back."""
    for migration in ("0002_reference_data", "0005_evidence_types"):
        import_module(f"partners.migrations.{migration}").seed(apps, None)
