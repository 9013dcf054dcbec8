import pytest
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
def evidence_types(db):
    """The seeded minimum standards (the data migration), in order."""
    return list(EvidenceType.objects.filter(is_active=True).order_by("sort_order"))
