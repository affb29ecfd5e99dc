# Banhao — every task has one entry point here.
#   make demo   venv + install + migrate + demo data + serve on http://127.0.0.1:8000 (SQLite)
#   make test   venv + test dependencies + lint/type/import checks + the whole test suite
#   make worker the background job worker and the periodic-job runner (Ctrl+C stops both)
#   make bench  the full performance harness: W1 vs SpiffWorkflow and raw SQL, W2 at 10 k and 1 M cases
#   make bench-quick  the same, small (< 3 minutes): W1 ratios and W2 at 10 k cases
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: demo serve worker migrate seed test test-postgres check lint format typecheck imports \
        migrations-check pytest clean help bench bench-quick

help:
	@grep -E '^#   make' Makefile | sed 's/^#   //'

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.base-installed: requirements/base.txt | $(BIN)/activate
	$(BIN)/pip install -q -r requirements/base.txt
	touch $@

$(VENV)/.dev-installed: requirements/base.txt requirements/dev.txt | $(BIN)/activate
	$(BIN)/pip install -q -r requirements/dev.txt
	touch $(VENV)/.base-installed $@

migrate: $(VENV)/.base-installed
	$(PY) manage.py migrate --noinput -v 1

seed: migrate
	$(PY) manage.py seed_demo

# The job worker and the periodic-job runner run in the background while runserver runs; the
# trap stops them when runserver exits (Ctrl+C).
demo: seed
	@echo "办好 Banhao: http://$(HOST):$(PORT)/  (demo accounts: see README.md)"
	@trap 'kill $$worker $$periodic 2>/dev/null; wait' EXIT; \
	$(PY) manage.py db_worker --no-reload & worker=$$!; \
	$(PY) manage.py run_periodic & periodic=$$!; \
	$(PY) manage.py runserver $(HOST):$(PORT)

# Background jobs (docs/adr/0005-job-queue.md): db_worker runs queued tasks, run_periodic
# enqueues the registered periodic ones. Production runs these two as services instead.
worker: migrate
	@trap 'kill $$periodic 2>/dev/null; wait' EXIT; \
	$(PY) manage.py run_periodic & periodic=$$!; \
	$(PY) manage.py db_worker --no-reload

serve: $(VENV)/.base-installed
	$(PY) manage.py runserver $(HOST):$(PORT)

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.dev-installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

typecheck: $(VENV)/.dev-installed
	$(BIN)/mypy banhao_core banhao

imports: $(VENV)/.dev-installed
	$(BIN)/lint-imports

migrations-check: $(VENV)/.dev-installed
	$(PY) manage.py makemigrations --check --dry-run

check: lint typecheck imports migrations-check

pytest: $(VENV)/.dev-installed
	$(BIN)/pytest -n 2 $(PYTEST_ARGS)

test: check pytest

# The same suite against PostgreSQL: DATABASE_URL must point at a server (.ci/postgres.sh).
test-postgres: $(VENV)/.dev-installed
	@test -n "$$DATABASE_URL" || { echo "DATABASE_URL is not set (see .ci/postgres.sh)"; exit 2; }
	$(BIN)/pytest -n 2 $(PYTEST_ARGS)

# Performance harness (docs/performance.md): its own data under var/bench/, results in
# bench/results/. DATABASE_URL=postgres://… runs it against that server (nothing is started).
bench: $(VENV)/.dev-installed
	$(PY) bench/run.py $(BENCH_ARGS)

bench-quick: $(VENV)/.dev-installed
	$(PY) bench/run.py --quick $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var staticfiles .mypy_cache .ruff_cache .pytest_cache
