"""Settings for a Celery worker that a test starts in its own process (so the
test can kill it): the test settings, on the test's own database and Redis,
sending email through a slow file backend the test can watch."""

import os

from hubportal.test_settings import *  # noqa: F403

DATABASES["default"]["NAME"] = os.environ["HUBPORTAL_TEST_DB_NAME"]  # noqa: F405
CELERY_TASK_ALWAYS_EAGER = False
CELERY_BROKER_URL = os.environ["HUBPORTAL_TEST_BROKER"]
# An unacknowledged message returns to the queue 3 seconds after its worker dies.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3}
EMAIL_BACKEND = "tests.worker.slow_email.SlowFileBackend"
EMAIL_FILE_PATH = os.environ["HUBPORTAL_TEST_MAIL_DIR"]
# Uploads (a board report's files) under the test's folder, slowly if asked.
STORAGES = {
    **STORAGES,  # noqa: F405
    "default": {
        "BACKEND": "tests.worker.slow_storage.SlowFileSystemStorage",
        "OPTIONS": {"location": os.path.join(os.environ["HUBPORTAL_TEST_MAIL_DIR"], "media")},
    },
}

# With beat: the daily sweep and the outbox drain every few seconds, so a test
# sees several sweeps in a minute (and that they send each reminder once).
if os.environ.get("HUBPORTAL_TEST_BEAT"):
    CELERY_BEAT_SCHEDULE = {
        "reminders-daily-sweep": {"task": "hubportal.tasks.reminders_daily_sweep", "schedule": 2.0},
        "drain-email-outbox": {"task": "hubportal.tasks.drain_email_outbox", "schedule": 5.0},
    }
