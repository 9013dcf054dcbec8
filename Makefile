# Hub Portal: `make run` for the portal with demo data, `make test` for the suite.
.ONESHELL:
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: venv dev-venv run serve test lint bench faults clean

# What production runs (requirements.txt); the tests, linters and browser
# driver on top of it (requirements-dev.txt) only for make test and make lint.
$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

venv: $(VENV)/.installed

dev-venv: $(VENV)/.installed-dev

# The portal with demo data: Django's server plus a Celery worker with beat.
# Without DATABASE_URL/REDIS_URL it uses SQLite and a file-system broker under var/.
run: venv
	export DEBUG=true
	mkdir -p var/celery/queue var/celery/processed var/celery/control
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(VENV)/bin/celery -A hubportal worker --beat --concurrency=1 --loglevel=INFO \
		--schedule var/celery/beat-schedule > var/celery.log 2>&1 &
	worker=$$!
	trap 'kill $$worker 2>/dev/null || true' EXIT INT TERM
	echo "Celery worker and beat running (log: var/celery.log)."
	echo "Hub Portal on http://$(HOST):$(PORT)/ (Ctrl-C stops it)."
	$(PY) manage.py runserver $(HOST):$(PORT)

# Production-like: gunicorn and whitenoise with DEBUG off, a Celery worker and
# a separate beat. Plain http on this machine, so HTTPS=false.
serve: venv
	export HTTPS=$${HTTPS:-false}
	export ALLOWED_HOSTS=$${ALLOWED_HOSTS:-127.0.0.1,localhost}
	export SECRET_KEY=$${SECRET_KEY:-local-serve-$$(hostname)-not-for-production-0123456789abcdef}
	mkdir -p var/celery/queue var/celery/processed var/celery/control
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(VENV)/bin/celery -A hubportal worker --concurrency=2 --loglevel=INFO > var/celery-worker.log 2>&1 &
	worker=$$!
	$(VENV)/bin/celery -A hubportal beat --loglevel=INFO --schedule var/celery/beat-schedule > var/celery-beat.log 2>&1 &
	beat=$$!
	trap 'kill $$worker $$beat 2>/dev/null || true' EXIT INT TERM
	$(VENV)/bin/gunicorn hubportal.wsgi:application --bind $(HOST):$(PORT) \
		--workers $${WEB_CONCURRENCY:-4} --access-logfile - --timeout 60 \
		--logger-class hubportal.security.redaction.RedactingGunicornLogger

APPS := hubportal partners agreements eoi surveys complaints

# PYTEST_ARGS="-n 2 --dist loadgroup" runs the suite on two processes (pytest-xdist,
# each with its own test database); the real-worker tests stay together on one
# (tests/conftest.py). Opt-in until it is shown steady on CI's machine.
test: lint
	$(PY) -m pytest $(PYTEST_ARGS)

# ruff for style and bugs; bandit for security (medium and high findings fail).
# lint-imports: the layers of hubportal/ and no import cycles (pyproject.toml, [tool.importlinter]).
lint: dev-venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/bandit -q -r $(APPS) -x '*/migrations/*' -ll

# Performance at hub scale (issue 11): against the PostgreSQL and Redis in DATABASE_URL and
# REDIS_URL, seed BENCH_PARTNERS partners with ten years of data (once: seed_scale says so and
# does nothing when they are there), then serve with gunicorn as make serve does and load each
# key page with wrk at 10 connections. Prints the table; figures go to var/bench-results.json.
BENCH_PARTNERS ?= 2000
BENCH_DURATION ?= 10

bench: venv
	@case "$${DATABASE_URL:-}" in postgres://*|postgresql://*) ;; *)
		echo "make bench measures production's parts: set DATABASE_URL=postgres://... (PostgreSQL)." >&2; exit 2;; esac
	case "$${REDIS_URL:-}" in redis://*|rediss://*) ;; *)
		echo "make bench measures production's parts: set REDIS_URL=redis://... (Redis, the cache)." >&2; exit 2;; esac
	if ! command -v wrk >/dev/null; then
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
	fi
	export HTTPS=$${HTTPS:-false} REQUIRE_2FA=false
	export ALLOWED_HOSTS=$${ALLOWED_HOSTS:-127.0.0.1,localhost}
	export SECRET_KEY=$${SECRET_KEY:-local-bench-$$(hostname)-not-for-production-0123456789abcdef}
	$(PY) manage.py create_database
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_scale --partners $(BENCH_PARTNERS)
	$(PY) manage.py bench --duration $(BENCH_DURATION)

# Faults (issue 25): what the portal does when Redis stops or a worker dies, against
# the PostgreSQL in DATABASE_URL and a redis-server of its own on FAULTS_REDIS_PORT
# (never the shared 6379), served as make serve does on FAULTS_PORT. It stops Redis
# for ten seconds while the public and partners submit, then kills a Celery worker
# mid-way through a board report (its pool process, then the whole worker), and
# fails if anything was lost or a committed action answered with an error.
FAULTS_REDIS_PORT ?= 6402
FAULTS_PORT ?= 8102

faults: venv
	@case "$${DATABASE_URL:-}" in postgres://*|postgresql://*) ;; *)
		echo "make faults runs production's parts: set DATABASE_URL=postgres://... (PostgreSQL)." >&2; exit 2;; esac
	export REDIS_URL=redis://127.0.0.1:$(FAULTS_REDIS_PORT)/0
	export HTTPS=false REQUIRE_2FA=false
	export ALLOWED_HOSTS=$${ALLOWED_HOSTS:-127.0.0.1,localhost}
	export SECRET_KEY=$${SECRET_KEY:-local-faults-$$(hostname)-not-for-production-0123456789abcdef}
	$(PY) manage.py create_database
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) manage.py faults --port $(FAULTS_PORT)

clean:
	rm -rf var staticfiles .pytest_cache
