"""Settings for the test suite: the real settings, made fast and quiet."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-use")
# Tests (and the browser tests' live server) use plain HTTP on localhost.
os.environ.setdefault("HTTPS", "false")

# Under pytest-xdist (`-n 2`) each worker has a database of its own
# (pytest-django adds the worker's suffix); give it its own Redis database
# (the next number up for gw1) and its own var folder (media, Celery's files)
# too, so two workers never see each other's keys or files.
_XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if _XDIST_WORKER.startswith("gw"):
    import re
    import tempfile

    _index = int(_XDIST_WORKER[2:])
    _redis = re.fullmatch(r"(redis://[^/]+)/(\d+)", os.environ.get("REDIS_URL", ""))
    # Once per worker: a process it starts inherits the moved URL.
    if _redis and os.environ.get("HUBPORTAL_REDIS_MOVED_FOR") != _XDIST_WORKER:
        os.environ["REDIS_URL"] = f"{_redis[1]}/{int(_redis[2]) + _index}"
        os.environ["HUBPORTAL_REDIS_MOVED_FOR"] = _XDIST_WORKER
    if "HUBPORTAL_VAR_DIR" not in os.environ and "MEDIA_ROOT" not in os.environ:
        os.environ["HUBPORTAL_VAR_DIR"] = tempfile.mkdtemp(prefix=f"hubportal-{_XDIST_WORKER}-")

from hubportal.settings import *  # noqa: E402,F403

ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tasks run in-process unless a test starts a real worker (tests/hubportal/test_celery.py).
CELERY_TASK_ALWAYS_EAGER = True
# The limiter's own alias is memory here so tests need no database to clear it;
# tests/hubportal/test_ratelimits.py runs the real database cache and two servers.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "ratelimit": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "ratelimit"},
}
# Static files come from the finders (no collectstatic before tests).
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# Test clients log in without a request, which django-axes refuses; the
# lockout tests switch it back on (tests/hubportal/test_sessions.py).
AXES_ENABLED = False
# Tests of two-factor authentication switch it on (tests/hubportal/test_two_factor.py).
REQUIRE_2FA = False
# Templates that only tests use (e.g. a reminder kind registered by a test).
TEMPLATES[0]["DIRS"] = [*TEMPLATES[0]["DIRS"], BASE_DIR / "tests" / "templates"]  # noqa: F405
REMINDER_OFFSETS = {**REMINDER_OFFSETS, "test_checkin": [3, 0, -1]}  # noqa: F405
