# Nastavnik — two commands: `make run` serves the app with demo data, `make test` runs the suite.
# Without DATABASE_URL / CELERY_BROKER_URL: SQLite and Celery in eager mode. With them: PostgreSQL
# and Redis (and `make run` starts a Celery worker beside the web server).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

# Debian packages: WeasyPrint's libraries (run); the browser for end-to-end tests and PDF tools (test).
SYSTEM_PACKAGES_RUN := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
SYSTEM_PACKAGES_TEST := $(SYSTEM_PACKAGES_RUN) chromium chromium-driver poppler-utils

.PHONY: help run test bench load restore-check lint format check venv system-packages-run system-packages-test migrate demo accounts worker clean

help:
	@echo "make run    — set up and serve http://$(HOST):$(PORT) with demo data"
	@echo "make test   — set up and run the whole test suite"
	@echo "make lint   — ruff check and format check"
	@echo "make bench  — run the benchmarks (tests/bench/bench_*.py); fails when a target is missed"
	@echo "make load   — locust, 50 users for 60 s against gunicorn + PostgreSQL; fails when p95 > 300 ms or on errors"
	@echo "make restore-check — back up PostgreSQL and media, restore into a fresh database, smoke-test it"

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is required (found %s)" % sys.version.split()[0])'
	@bash .ci/ensure-system-packages --venv-only
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev]"
	@touch $(STAMP)

venv: $(STAMP)

system-packages-run:
	@bash .ci/ensure-system-packages $(SYSTEM_PACKAGES_RUN)

system-packages-test:
	@bash .ci/ensure-system-packages $(SYSTEM_PACKAGES_TEST)

migrate: $(STAMP)
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py seed_demo

accounts: $(STAMP)
	@$(BIN)/python manage.py seed_demo --list-accounts | $(BIN)/python .ci/print-accounts.py --all

run: $(STAMP) system-packages-run demo
	@$(BIN)/python manage.py seed_demo --list-accounts | $(BIN)/python .ci/print-accounts.py
	@bash .ci/serve $(HOST) $(PORT)

# Two processes by default (the machine size CI runs on); PYTEST_ARGS= runs them in one.
PYTEST_ARGS ?= -n 2

test: $(STAMP) system-packages-test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/python -m tests.bench.run

# Manual, not in CI: needs PostgreSQL on 127.0.0.1 (LOAD_DATABASE_URL); see docs/operations.md.
load: $(STAMP)
	bash tests/load/run.sh

restore-check: $(STAMP)
	bash tests/restore/run.sh

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check: $(STAMP)
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python manage.py check

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
