# The two commands a newcomer needs: `make run` and `make test`. `make help` lists the rest.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
HOST ?= 0.0.0.0
PORT ?= 8000

.DEFAULT_GOAL := help

.PHONY: help
help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

themes/base/static/portal/portal.css: node_modules/.installed $(wildcard themes/base/scss/*.scss)
	npm run --silent build

.PHONY: setup
setup: $(VENV)/.installed node_modules/.installed themes/base/static/portal/portal.css ## Install Python and npm dependencies, build the CSS

.PHONY: migrate
migrate: setup ## Migrate the shared and every council's schema, then create the demo councils
	$(MANAGE) migrate_schemas --shared --verbosity 0
	$(MANAGE) migrate_councils --verbosity 0
	$(MANAGE) seed_demo

# Uploads wait in "being checked" until clamd says they are clean. With no CLAMD_SOCKET or
# CLAMD_HOST given (and not VIRUS_SCANNER=none), `make run` starts a clamd of its own.
LOCAL_CLAMD_SOCKET := $(CURDIR)/.data/clamd/clamd.sock

.PHONY: run
run: migrate ## Set everything up and serve the platform and both demo councils on :8000
	@if [ -z "$${CLAMD_SOCKET:-}$${CLAMD_HOST:-}" ] && [ "$${VIRUS_SCANNER:-clamd}" != none ]; then \
	  $(MAKE) --no-print-directory clamd && export CLAMD_SOCKET=$(LOCAL_CLAMD_SOCKET); fi; \
	$(MANAGE) runserver $(HOST):$(PORT)

.PHONY: clamd
clamd: ## Start a local clamd on .data/clamd/clamd.sock (EICAR test signature only; CLAMD_SYSTEM_DATABASES=1 adds /var/lib/clamav)
	@command -v clamd >/dev/null || [ -x /usr/sbin/clamd ] || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clamav-daemon >/dev/null) \
	      || echo "Could not install clamav-daemon."; \
	  else echo "clamd is not installed (apt-get install clamav-daemon)."; fi; }
	@if command -v clamd >/dev/null || [ -x /usr/sbin/clamd ]; then platform/clamd-local start .data/clamd; \
	  else echo "No clamd: the virus-scanning tests will be skipped (they fail with REQUIRE_CLAMD=1)."; fi

.PHONY: clamd-stop
clamd-stop: ## Stop the local clamd
	platform/clamd-local stop .data/clamd

.PHONY: chromium
chromium: ## Install Debian's Chromium for the browser tests, where this machine allows it
	@command -v chromium >/dev/null || command -v chromium-browser >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	      || echo "Could not install chromium; the browser tests will be skipped."; \
	  else echo "chromium is not installed and cannot be installed here; the browser tests will be skipped."; fi; }

.PHONY: pgbouncer
pgbouncer: ## Install Debian's PgBouncer for the pooler tests and bench, where this machine allows it
	@command -v pgbouncer >/dev/null || [ -x /usr/sbin/pgbouncer ] || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq pgbouncer >/dev/null) \
	      || echo "Could not install pgbouncer; the pooler tests will be skipped."; \
	  else echo "pgbouncer is not installed and cannot be installed here; the pooler tests will be skipped."; fi; }

# Two test processes by default (the CI machine has 2 cores); each module stays in one
# process, so its shared browser sign-in and fixtures are made once. PYTEST_WORKERS=0: one process.
# Files start in collection order (--no-loadscope-reorder; tests/conftest.py puts the slow ones
# first): xdist's own order, most tests first, left the one-test bench and install files to the end.
PYTEST_WORKERS ?= 2

.PHONY: test
test: setup chromium clamd pgbouncer lint ## Set everything up, lint, and run every test
	$(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadfile --no-loadscope-reorder $(PYTEST_ARGS)

.PHONY: lint
lint: setup ## ruff (lint and format), import-linter (the layers) and mypy (the types), as pyproject.toml says
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache
	@# django-stubs reads the settings; a DATABASE_URL keeps them from starting the embedded database.
	DATABASE_URL=postgres://typecheck@localhost/typecheck $(VENV)/bin/mypy

.PHONY: bench
bench: migrate pgbouncer ## Measure the platform side by side (bench/): each figure with its goal; not part of make test
	$(PY) bench/run.py $(BENCH_ARGS)

.PHONY: api-schema
api-schema: setup ## Write the API's OpenAPI document to api/openapi.yaml (tests check it matches the code)
	$(MANAGE) api_schema

.PHONY: clean
clean: ## Remove the local database, files and build output (keeps the virtualenv)
	-platform/clamd-local stop .data/clamd
	rm -rf .data staticfiles themes/base/static/portal/portal.css
