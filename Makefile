# Jiebang — `make run` serves the demo, `make test` proves it. See README.md.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
export DJANGO_SETTINGS_MODULE := jiebang.settings

.PHONY: run install test lint format pytest assets migrate seed clean help bench

help:
	@echo "make run      set everything up (venv, packages, assets, database, demo data) and serve on http://$(HOST):$(PORT)/"
	@echo "make install  the same set-up without serving"
	@echo "make test     install dev tools, lint, check migrations, run the whole test suite"
	@echo "make lint     ruff check + ruff format --check"
	@echo "make bench    run every benchmark (PostgreSQL and Redis running; ~25 min) and record bench/RESULTS.md"

$(VENV)/.python-ok:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is required")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	@touch $@

$(VENV)/.installed: $(VENV)/.python-ok pyproject.toml
	$(PY) -m pip install --quiet -e .
	@touch $@

$(VENV)/.dev-installed: $(VENV)/.installed pyproject.toml
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

assets: node_modules/.installed $(VENV)/.installed
	$(PY) manage.py collectstatic --noinput --verbosity 0

migrate: $(VENV)/.installed
	@mkdir -p var
	$(PY) manage.py migrate --noinput --verbosity 0

seed: migrate
	$(PY) manage.py seed_demo

install: assets seed

# The demo runs without the authenticator step for staff accounts (REQUIRE_TOTP=true to try it);
# production enables it (settings: REQUIRE_TOTP defaults to on unless DEBUG).
run: install
	@echo "Serving on http://$(HOST):$(PORT)/  (Ctrl-C to stop)"
	REQUIRE_TOTP=$${REQUIRE_TOTP:-false} $(PY) manage.py runserver $(HOST):$(PORT) --noreload

lint: $(VENV)/.dev-installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.dev-installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

pytest: $(VENV)/.dev-installed node_modules/.installed
	$(VENV)/bin/pytest $(PYTEST_ARGS)

test: lint $(VENV)/.dev-installed node_modules/.installed
	@mkdir -p var
	$(PY) manage.py makemigrations --check --dry-run --verbosity 1
	$(VENV)/bin/pytest $(PYTEST_ARGS)

# Every benchmark of bench/ (bench/run_all.py): prints the figures and records them in
# bench/RESULTS.md. Needs PostgreSQL and Redis on 127.0.0.1. BENCH_ARGS="--only rush --quick".
bench: $(VENV)/.dev-installed
	$(PY) bench/run_all.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) node_modules var/static var/*.sqlite3*
