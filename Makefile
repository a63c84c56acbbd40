# 督办台账 — the two commands a newcomer needs: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SEED := fixtures/source/dalian-2018-business-environment.txt
HOST ?= 127.0.0.1
PORT ?= 8000

# Use local PostgreSQL / Redis for tests when they answer and nothing else is configured.
PG_URL := postgres://postgres@127.0.0.1:5432/test
TEST_DATABASE_URL := $(or $(DATABASE_URL),$(shell pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null && echo $(PG_URL)))
TEST_REDIS_URL := $(or $(REDIS_URL),$(shell redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG && echo redis://127.0.0.1:6379/15))

.PHONY: run setup install install-dev migrate seed test lint prod-check bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Reinstall only when a requirements file changes.
$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

migrate: install
	$(BIN)/python manage.py migrate --noinput

# Idempotent: safe to run on every start.
seed: migrate
	$(BIN)/python manage.py load_holidays
	$(BIN)/python manage.py load_units fixtures/units.json
	$(BIN)/python manage.py import_policy --only-if-empty $(SEED)  # never undo edits made in the admin
	$(BIN)/python manage.py create_demo_accounts
	$(BIN)/python manage.py install_schedules
	$(BIN)/python manage.py open_period
	$(BIN)/python manage.py seed_demo_history

setup: seed

# Web app, Celery worker and beat in one terminal; Ctrl-C stops all three (scripts/run-dev.sh).
# Emails link to http://HOST:PORT unless SITE_URL is set.
export HOST PORT
run: setup
	@BIN=$(BIN) ./scripts/run-dev.sh

# One pytest worker per core; tests that share a Redis queue or a module's data run on one worker.
TEST_WORKERS ?= auto
test: install-dev
	DATABASE_URL="$(TEST_DATABASE_URL)" REDIS_URL="$(TEST_REDIS_URL)" \
		$(BIN)/pytest -n $(TEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

# Style, formatting, and the layer contract (.importlinter): an app importing one above it fails.
lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

# The production topology on loopback (deploy/check): Debian's nginx with TLS, gunicorn, two
# Celery workers and two beats (one waits) on a fresh PostgreSQL database and a Redis db; every
# page as every demo role, the logs, then a soak of SOAK_SECONDS. Needs nginx and openssl.
# The main pages next to the login page and a trivial view, one table (bench/table.py): on
# postgres://postgres@127.0.0.1:5432/bench_scale, generated first if empty (about 10 min).
BENCH_ARGS ?=
bench: install
	$(BIN)/python bench/table.py $(BENCH_ARGS)

SOAK_SECONDS ?= 60
prod-check: install
	$(BIN)/python -m deploy.check --soak-seconds $(SOAK_SECONDS)

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
