import pytest


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
