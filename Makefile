# The two commands of the README: `make run` and `make test`. Everything else is a step they need.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
SERVICES_ENV := . .run/services.env 2>/dev/null || true

.PHONY: run test venv services browser fonts migrate lint bench clean

venv: $(STAMP)
$(STAMP): pyproject.toml
	@$(PYTHON) -m venv $(VENV) 2>/dev/null || { echo "installing python3-venv"; apt-get update -qq && apt-get install -y -qq python3-venv; $(PYTHON) -m venv $(VENV); }
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[dev]"
	@touch $(STAMP)

services: venv
	@PY=$(PY) infra/services.sh

browser: fonts
	@infra/browser.sh

fonts:
	@infra/fonts.sh

migrate: services
	@$(SERVICES_ENV); $(PY) manage.py migrate_fleet

run: fonts migrate
	@$(SERVICES_ENV); $(PY) manage.py seed_demo
	@$(SERVICES_ENV); $(PY) infra/demo_sandbox.py
	@$(SERVICES_ENV); $(PY) manage.py seed_demo_history
	@$(SERVICES_ENV); $(PY) infra/run.py

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	@$(SERVICES_ENV); $(VENV)/bin/mypy
	$(PY) manage.py makemigrations --check --dry-run

test: services browser lint
	@$(SERVICES_ENV); $(VENV)/bin/pytest

bench: migrate
	@$(SERVICES_ENV); $(PY) bench/provision.py

clean:
	rm -rf $(VENV) .run .pytest_cache .ruff_cache
