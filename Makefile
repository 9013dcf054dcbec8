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
# DEBUG is off, as in production, so a missing page or a fault shows the portal's
# own 404 and 500 pages (the traceback goes to this console), static files come
# from whitenoise, and emails link to the address served (SITE_URL). Plain http
# and password-only sign-in for the demo logins: HTTPS=false, REQUIRE_2FA=false.
# The worker runs in a session of its own so Ctrl-C reaches only the web server;
# the worker is then stopped with one SIGTERM and waited for (a warm shutdown).
# setsid is util-linux's; where there is none (macOS) the worker shares the terminal's signals.
SETSID := $(shell command -v setsid 2>/dev/null)

run: venv
	@export DEBUG=false HTTPS=false REQUIRE_2FA=false DJANGO_RUNSERVER_HIDE_WARNING=true
	export SECRET_KEY=$${SECRET_KEY:-local-run-$$(hostname)-not-for-production-0123456789abcdef}
	export ALLOWED_HOSTS=$${ALLOWED_HOSTS:-$(HOST),127.0.0.1,localhost}
	export SITE_URL=$${SITE_URL:-http://$(HOST):$(PORT)}
	mkdir -p var/celery/queue var/celery/processed var/celery/control
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) manage.py seed_demo --force
	$(SETSID) $(VENV)/bin/celery -A hubportal worker --beat --concurrency=1 --loglevel=INFO \
		--schedule var/celery/beat-schedule > var/celery.log 2>&1 < /dev/null &
	worker=$$!
	trap 'kill -TERM $$worker 2>/dev/null && wait $$worker 2>/dev/null; echo "Stopped."' EXIT
	trap 'exit 0' INT TERM HUP
	echo "Celery worker and beat running (log: var/celery.log)."
	echo "Hub Portal on $$SITE_URL/ (Ctrl-C stops it)."
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

# The suite runs on two processes (pytest-xdist), each with its own test database,
# Redis database and var folder (hubportal/test_settings.py); a whole test file
# runs on one of them (--dist loadfile), so a module's heavy fixture is built
# once. PYTEST_XDIST= (empty) runs it in one process; PYTEST_ARGS adds options.
PYTEST_XDIST ?= -n 2 --dist loadfile
test: lint
	$(PY) -m pytest $(PYTEST_XDIST) $(PYTEST_ARGS)

# ruff for style and bugs, and its formatter's layout; bandit for security (medium and high findings fail).
# lint-imports: the layers of hubportal/ and no import cycles (pyproject.toml, [tool.importlinter]).
lint: dev-venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/bandit -q -r $(APPS) -x '*/migrations/*' -ll

# Performance at hub scale (issues 11 and 24): against the PostgreSQL and Redis in DATABASE_URL
# and REDIS_URL, for each size in BENCH_SIZES (partners), in a database of its own named after
# DATABASE_URL's with _<size> added: seed that many partners with ten years of data (once:
# seed_scale says so and does nothing when they are there), serve with gunicorn as make serve
# does, load each key page with wrk at 10 connections and then alone (one request at a time),
# and time the jobs. Prints each size's table (figures in var/bench-<size>.json), then the
# scaling table: each page's p50 at every size.
BENCH_SIZES ?= 500 2000
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
	base_url="$$DATABASE_URL"; results=()
	for size in $(BENCH_SIZES); do
		export DATABASE_URL="$${base_url}_$${size}"
		echo "== $$size partners ($${DATABASE_URL##*/})"
		$(PY) manage.py create_database || exit 1
		$(PY) manage.py migrate --noinput >/dev/null || exit 1
		$(PY) manage.py seed_scale --partners $$size || exit 1
		$(PY) manage.py bench --duration $(BENCH_DURATION) --json var/bench-$$size.json || exit 1
		results+=("var/bench-$$size.json")
	done
	$(PY) manage.py bench --scaling "$${results[@]}"

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
