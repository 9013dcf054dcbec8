"""Hub Portal settings, read from the environment.

Defaults give the embedded set-up that `make run` uses (SQLite under var/, a
Celery broker on the file system, email to the console). Production sets
DATABASE_URL, REDIS_URL, SECRET_KEY, ALLOWED_HOSTS and EMAIL_URL.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONCE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()
VAR_DIR = Path(env.str("HUBPORTAL_VAR_DIR", default=str(BASE_DIR / "var")))

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable "
            "(a long random string), or DEBUG=true for local development."
        )
    SECRET_KEY = "insecure-development-key-only-used-with-debug"  # noqa: S105

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Absolute links in emails and background jobs (no request to build them from).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",  # its widget templates, for FORM_RENDERER below
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "hubportal",
    "hubportal.records_import",
    "partners",
    "agreements",
    "eoi",
    "surveys",
    "complaints",
    "hubportal.privacy",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "hubportal.security.middleware.SessionLifetimeMiddleware",
    "hubportal.security.middleware.TwoFactorMiddleware",
    "hubportal.security.middleware.NoStoreForAuthenticatedMiddleware",
    "hubportal.security.middleware.RefusedAccessAuditMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "hubportal.urls"
WSGI_APPLICATION = "hubportal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "hubportal.insights.context_processors.navigation",
                "hubportal.insights.context_processors.hub",
            ],
        },
    },
]

# Form widgets render through TEMPLATES, so templates/django/forms/ can word
# them (an empty choice reads "Choose one", never Django's "---------").
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
# django-filter's empty choices: "Any", not "---------" (and YesNoAny for
# yes/no filters, not "Unknown").
FILTERS_EMPTY_CHOICE_LABEL = "Any"
FILTERS_NULL_CHOICE_LABEL = "None of these"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'hubportal.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # SQLite under several processes (web, worker, beat): wait for locks
    # instead of failing, and let readers run beside the writer.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # surveys.Answer's covering index (INCLUDE columns) is a PostgreSQL
    # optimisation; SQLite builds the same index on its key column alone, which
    # is all the small embedded set-up needs, so its warning says nothing to act on.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "hubportal.User"
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out username and IP before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Login throttling: five failures for one username from one IP lock that pair
# out for 15 minutes; a success clears the count.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The lock lasts 15 minutes from the fifth failure; attempts during it do not extend it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# Behind proxies, the client address comes from X-Forwarded-For: TRUSTED_PROXY_COUNT
# says how many to trust (hubportal.security.audit.client_ip, used by axes too).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "hubportal.security.audit.client_ip"
# Two-factor authentication (TOTP): on in production for every Hub role;
# off under `make run` (DEBUG) so the demo logins work with a password alone.
REQUIRE_2FA = env.bool("REQUIRE_2FA", default=not DEBUG)
REQUIRE_2FA_FOR_PARTNERS = env.bool("REQUIRE_2FA_FOR_PARTNERS", default=False)
OTP_TOTP_ISSUER = "Hub Portal"
# The admin's device pages never show a key or QR code: any admin could
# otherwise copy every user's second factor.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "landing"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    # Uploaded files live outside the web root and are served only through
    # views that check access (hubportal.core.uploads).
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": env.str("MEDIA_ROOT", default=str(VAR_DIR / "media"))},
    },
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_BACKEND",
            default="django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage",
        ),
    },
}
MEDIA_ROOT = STORAGES["default"]["OPTIONS"]["location"]
# The upload policy (hubportal.core.uploads): the largest file we accept.
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

# Email: console by default; EMAIL_URL (smtp://user:pass@host:587) in production.
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Hub Portal <portal@hubportal.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Redis, when configured, is both the Celery broker and the cache.
# The cache is an optimisation, never a reason to refuse or lose work: while
# Redis is down, hubportal.core.cache_backend answers as an empty cache (and logs a
# warning), so pages compute from the database and rate limits fail open. The
# short socket timeouts keep a Redis that hangs (rather than refuses) from
# holding a request up.
REDIS_URL = env.str("REDIS_URL", default="")
# Every task's hard time limit is at most this (tests/hubportal/test_celery.py
# checks each registered task); the board report is the longest.
LONGEST_TASK_TIME_LIMIT = 360
# With acks_late, a message whose worker vanished (killed, machine lost) stays
# in Redis's unacked set and is handed back only after this many seconds. Just
# above the longest hard time limit: by then any run that had it is certainly
# dead (Celery kills it at its limit), so the message comes back within
# minutes, not an hour, and is never run twice at once. A countdown or ETA
# (an email's back-off, at most 4 minutes) must stay below it too, or the
# message would be handed out again while it waits.
BROKER_VISIBILITY_TIMEOUT = LONGEST_TASK_TIME_LIMIT + 60
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "hubportal.core.cache_backend.ForgivingRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": BROKER_VISIBILITY_TIMEOUT}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # kombu's file-system transport works across processes with no server:
    # the web process writes messages, `celery worker` in another process reads them.
    # The file-system transport has no server; naming "localhost" keeps kombu
    # from warning "No hostname was supplied" at every start.
    CELERY_BROKER_URL = "filesystem://localhost/"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(VAR_DIR / "celery" / "queue"),
        "data_folder_out": str(VAR_DIR / "celery" / "queue"),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        "control_folder": str(VAR_DIR / "celery" / "control"),
    }

# The task modules of the hubportal layers (autodiscovery finds only <app>.tasks).
# Their task names stay as before the layers (name=...), as the beat schedule below says.
CELERY_IMPORTS = ("hubportal.core.outbox", "hubportal.messaging.reminders", "hubportal.insights.reports")
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 120
CELERY_TASK_TIME_LIMIT = 180
# A request must not hang when the broker is down: publishing fails fast and
# the outbox (hubportal.core.queue) picks the work up later.
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celery" / "beat-schedule")

# Reminders: the hour the daily sweep runs, and for each kind the days before
# (positive) or after (negative) its date that a reminder goes out. These are
# the defaults; the Hub record (hubportal.models.Hub.reminder_offsets, edited in
# the admin) changes them per kind (hubportal.core.hub.reminder_offsets).
REMINDER_SWEEP_HOUR = env.int("REMINDER_SWEEP_HOUR", default=7)
# A stage whose day the sweep missed (beat down, machine off over a weekend)
# is still sent for this many days after, unless a later stage is due.
REMINDER_CATCH_UP_DAYS = env.int("REMINDER_CATCH_UP_DAYS", default=3)
DEFAULT_REMINDER_OFFSETS = {
    "agreements_renewal_due": [60, 30],  # before 31 August
    "agreements_review_due": [30, 0],
    "agreements_unsigned": [-7, -14],  # after issue
    "surveys_deadline": [14, 3, 0, -1],  # to the partner
    "surveys_overdue_staff": [-7],  # to staff, a week overdue
    "partners_evidence_expiry": [30, 0, -1],  # -1: "has expired", once it is marked expired
    "complaints_acknowledge_due": [1, 0, -1],  # working days
    "complaints_response_due": [3, 0, -1],  # working days
    "surveys_evaluation_due": [14, 0, -7],  # project evaluation owed on completion
    "eoi_call_closing": [3],  # to eligible partners with a draft
    "privacy_request_due": [7, 0, -1],  # subject access and erasure: one calendar month from receipt
}
REMINDER_OFFSETS = {kind: list(days) for kind, days in DEFAULT_REMINDER_OFFSETS.items()}

# Complaints: the Hub's promises (acknowledge, respond, escalate) are its
# terms, in the Hub record (hubportal.models.Hub), not settings.
# A public complainant's private tracking link lasts this many days after the
# last message the Hub sent them (each step extends it); a new one can be requested.
COMPLAINT_TRACKING_LINK_DAYS = env.int("COMPLAINT_TRACKING_LINK_DAYS", default=90)
# The public complaint form: at most this many complaints per address per hour.
COMPLAINT_PUBLIC_RATE_LIMIT = env.int("COMPLAINT_PUBLIC_RATE_LIMIT", default=5)

# Partners: the public "Become a partner" form takes at most this many
# enquiries per address per hour; an invitation link works for this many days.
PARTNERS_ENQUIRY_RATE_LIMIT = env.int("PARTNERS_ENQUIRY_RATE_LIMIT", default=5)
PARTNER_INVITATION_DAYS = env.int("PARTNER_INVITATION_DAYS", default=7)

# Every rate limit (hubportal.security.ratelimits) counts in a cache of its own that
# every web process shares: Redis when REDIS_URL is set (short timeouts: the
# limiter fails open and must not hold a request up), otherwise a database
# table that migrate creates. Never per-process memory (check --deploy warns).
if REDIS_URL:
    CACHES["ratelimit"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "ratelimit",
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
else:
    CACHES["ratelimit"] = {
        "BACKEND": "hubportal.security.ratelimits.RateLimitDatabaseCache",
        "LOCATION": "hubportal_ratelimit_cache",
        # Counts are short-lived; culling must never drop a live one.
        "OPTIONS": {"MAX_ENTRIES": 1_000_000},
    }
RATELIMIT_USE_CACHE = "ratelimit"
RATELIMIT_FAIL_OPEN = True
# A password-reset email at most this often per hour, per address and per account.
PASSWORD_RESET_RATE_LIMIT_PER_ADDRESS = env.int("PASSWORD_RESET_RATE_LIMIT_PER_ADDRESS", default=10)
PASSWORD_RESET_RATE_LIMIT_PER_ACCOUNT = env.int("PASSWORD_RESET_RATE_LIMIT_PER_ACCOUNT", default=3)

# The beat schedule, in one place. Each entry says why it runs when it does.
CELERY_BEAT_SCHEDULE = {
    # The retention schedule (hubportal.privacy): at 01:30, after the midnight
    # state changes (closures, expiries) and before anyone signs in: a dry run
    # for the "Due for removal" page, then today's removals.
    "retention-nightly": {
        "task": "hubportal.privacy.tasks.retention_nightly",
        "schedule": crontab(hour=1, minute=30),
    },
    # Emails whose queueing failed (broker down) or whose send failed are
    # retried from the notification outbox, so none is lost.
    "drain-email-outbox": {
        "task": "hubportal.tasks.drain_email_outbox",
        "schedule": 60.0,
    },
    # A board report whose worker died (its heartbeat stopped 30 s ago) or
    # that never reached one is queued again, so it finishes by itself within
    # a minute of a worker being there to take it.
    "board-reports-requeue-stalled": {
        "task": "hubportal.tasks.requeue_stalled_board_reports",
        "schedule": 30.0,
    },
    # Reminders claimed but never sent (their send task was lost to a broker
    # outage or a killed worker) are queued again within minutes, not a day later.
    "reminders-requeue-stranded": {
        "task": "hubportal.tasks.requeue_stranded_reminders",
        "schedule": 300.0,
    },
    # Every reminder due today, once, early enough to act on the same day.
    "reminders-daily-sweep": {
        "task": "hubportal.tasks.reminders_daily_sweep",
        "schedule": crontab(hour=REMINDER_SWEEP_HOUR, minute=0),
    },
    # Digest users get one email a day, after the sweep has added today's reminders.
    "daily-digest": {
        "task": "hubportal.tasks.send_daily_digests",
        "schedule": crontab(hour=REMINDER_SWEEP_HOUR, minute=30),
    },
    # A call for expressions of interest closes itself at its close time:
    # every five minutes (submissions are refused from the close time anyway).
    "eoi-close-due-calls": {
        "task": "eoi.tasks.close_due_calls",
        "schedule": crontab(minute="*/5"),
    },
    # Verified evidence past its expiry date becomes expired just after
    # midnight, so health and the to-do list are right before anyone signs in.
    "partners-expire-evidence": {
        "task": "partners.tasks.expire_evidence",
        "schedule": crontab(hour=0, minute=10),
    },
    # A resolved complaint not escalated by the last day of its window closes
    # itself just after midnight, so the window is whole days in the Hub's time.
    "complaints-close-unescalated": {
        "task": "complaints.tasks.close_unescalated_complaints",
        "schedule": crontab(hour=0, minute=20),
    },
    # A partnership agreement runs to 31 August: just after midnight each day
    # (so on 1 September first), agreements of a finished year with no renewal
    # expire and their partners lapse. Daily, so a missed night catches up.
    "agreements-expire": {
        "task": "agreements.tasks.expire_agreements",
        "schedule": crontab(hour=0, minute=5),
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
CRISPY_FAIL_SILENTLY = not DEBUG

MESSAGE_TAGS = {40: "danger"}

# Content-Security-Policy: everything from our own origin, scripts only with
# the per-request nonce, no plugins, no framing.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}
# Security headers and cookies. HTTPS is on unless DEBUG: production sits
# behind a TLS-terminating proxy that sets X-Forwarded-Proto. `make serve` on a
# laptop (plain http://127.0.0.1) sets HTTPS=false.
HTTPS = env.bool("HTTPS", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0  # one year
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=HTTPS)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# 30 minutes idle (each request pushes the expiry on) and 12 hours at most
# from sign-in, whatever the activity (hubportal.security.middleware.SessionLifetimeMiddleware).
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_ABSOLUTE_SECONDS = env.int("SESSION_ABSOLUTE_SECONDS", default=12 * 60 * 60)
# Sessions live in the database, never only in the cache: a Redis restart
# must not sign everyone out or make signing in fail.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # Tokens in URL paths (tracking links, invitations, password resets) never reach the logs.
    "filters": {"redact_tokens": {"()": "hubportal.security.redaction.RedactTokensFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact_tokens"]}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django's own debug-only console handler would print unredacted paths; ours replaces it.
        "django": {"handlers": ["console"], "propagate": False},
        "django.db.backends": {"level": "INFO"},
    },
}
