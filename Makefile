# CDT — the two commands are `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test check setup serve migrate demo otp messages clean-db help bench bench-check check-hostile test-journeys

help:
	@echo "make run   set everything up (venv, npm packages, database, demo data) and serve http://$(HOST):$(PORT)"
	@echo "make test  run the whole test suite (SQLite and in-process Celery unless DATABASE_URL/CELERY_BROKER_URL are set), on PYTEST_WORKERS processes (2)"
	@echo "make test-journeys  every role's browser journey at both widths in both languages (four runs each; make test runs two)"
	@echo "make check the static checks: ruff (lint and format), mypy, the import contracts"
	@echo "make check-hostile  the hostile-input and fault tests at full length (schemathesis, fuzzed feeds and forms, races, backup) on PostgreSQL"
	@echo "make bench benchmarks on PostgreSQL (BENCH_DATABASE_URL, a scratch database); make bench-check fails on a missed target"

$(VENV)/.installed: requirements.txt requirements-dev.txt constraints.txt
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) is required"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --disable-pip-version-check -r requirements-dev.txt -c constraints.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

setup: $(VENV)/.installed node_modules/.installed

migrate: setup
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py seed_demo

run: demo
	@echo "Serving CDT at http://$(HOST):$(PORT)/ — sign in with one of the demo accounts above."
	@echo "Second factor for the secretariat and SIAC demo accounts: in another terminal, make otp ACCOUNT=secretariat"
	$(PY) manage.py runserver $(HOST):$(PORT)

otp:
	@$(PY) manage.py demo_otp $(ACCOUNT)

# Two workers by default (the machines have two cores); each test module runs
# whole on one worker, so a module's shared world is built once. Modules are
# handed out in the order tests/conftest.py sets (long ones first, browser
# tests last), not xdist's own (the most tests first).
PYTEST_WORKERS ?= 2
test: setup
	$(VENV)/bin/pytest -n $(PYTEST_WORKERS) --dist loadfile --no-loadscope-reorder $(PYTEST_ARGS)

# Every role's journey in all four runs (desktop and phone, English and French;
# make test runs two of them: tests/browser/journeys.py).
test-journeys: setup
	CDT_JOURNEYS=all $(VENV)/bin/pytest -n $(PYTEST_WORKERS) --dist loadfile --no-loadscope-reorder tests/browser/test_journey_*.py $(PYTEST_ARGS)

check: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DJANGO_SETTINGS_MODULE=cdt.settings.test $(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

# Benchmarks on PostgreSQL: a scratch database (BENCH_DATABASE_URL, created and dropped), gunicorn under production settings.
BENCH_ARGS ?= --scale 100000
bench: setup
	$(PY) -m bench $(BENCH_ARGS)

bench-check: setup
	$(PY) -m bench --check $(BENCH_ARGS)

# Hostile input and faults (issue 12) at full length: every schemathesis phase
# for every role, more fuzz examples; on a scratch PostgreSQL test database
# (the races and the backup test need it). make test runs the bounded version.
HOSTILE_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/cdt_hostile
check-hostile: setup
	DATABASE_URL=$(HOSTILE_DATABASE_URL) CDT_HOSTILE_PROFILE=full $(VENV)/bin/pytest -p no:cacheprovider --create-db -m hostile -rs $(PYTEST_ARGS)
