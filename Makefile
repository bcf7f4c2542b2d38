# Ops Portal — developer entry points. `make help` lists them.
#
# Every target is idempotent: Python packages are reinstalled only when a requirements file
# changed, npm packages only when package-lock.json changed (stamp files under .venv/ and
# node_modules/). DATABASE_URL and REDIS_URL are passed through untouched: unset, the app
# uses SQLite and a filesystem Celery broker under var/; set, PostgreSQL and Redis.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
# Prerequisites are listed in the order they must run (dev-deps before compilemessages, …).
.NOTPARALLEL:

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
MANAGE := $(PY) manage.py
PIP := $(PY) -m pip --disable-pip-version-check --no-input

RUN_STAMP := $(VENV)/.requirements.stamp
DEV_STAMP := $(VENV)/.requirements-dev.stamp
NODE_STAMP := node_modules/.ops-portal-installed
ASSETS_STAMP := static/vendor/.ops-portal-built

# Directories that hold no project translations or templates.
I18N_IGNORE := -i .venv -i node_modules -i var -i static/vendor
TEMPLATE_DIRS := templates apps
TEST_SETTINGS := ops_portal.settings.test

# Port of `make run` (web listens on 127.0.0.1 only); links in e-mails and in the demo's
# printout follow it unless SITE_URL is set.
RUN_PORT ?= 8000
RUN_SITE_URL = $${SITE_URL:-http://127.0.0.1:$(RUN_PORT)}
# Extra arguments for pytest, e.g. `make test PYTEST_ARGS="-m 'not browser' -x"`.
PYTEST_ARGS ?=
# When set, `make test` writes pytest's own exit status there (make itself only says 2).
PYTEST_STATUS_FILE ?=

.PHONY: help run test check lint fmt messages compilemessages assets python-deps dev-deps \
	system-deps migrate presets demo clean distclean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

# --- Python ------------------------------------------------------------------------------

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Ops Portal needs Python 3.11 or newer, found " + sys.version.split()[0] + ": run make PYTHON=python3.11 ...")'
	$(PYTHON) -m venv $(VENV)

$(RUN_STAMP): requirements.txt | $(PY)
	@echo "Installing Python packages (requirements.txt) into $(VENV)/ ..."
	$(PIP) install --quiet --quiet -r requirements.txt
	@touch $@

$(DEV_STAMP): requirements.txt requirements-dev.txt | $(PY)
	@echo "Installing Python packages (requirements-dev.txt) into $(VENV)/ ..."
	$(PIP) install --quiet --quiet -r requirements-dev.txt
	@touch $@ $(RUN_STAMP)

python-deps: $(RUN_STAMP)  ## create .venv and install the runtime packages
dev-deps: $(DEV_STAMP)  ## create .venv and install the runtime, test and lint packages

# --- Front-end assets (npm registry → static/vendor/, served by the app itself) ----------

$(NODE_STAMP): package-lock.json package.json
	@command -v npm >/dev/null 2>&1 || { echo "error: npm not found: install Node.js 20 or newer (e.g. apt-get install nodejs npm)" >&2; exit 1; }
	@node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' || { echo "error: Node.js 20 or newer is needed, found $$(node --version)" >&2; exit 1; }
	@echo "Installing npm packages (package-lock.json) ..."
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(ASSETS_STAMP): $(NODE_STAMP) scripts/copy-assets.mjs
	npm run --silent build
	@touch $@

assets: $(ASSETS_STAMP)  ## npm ci + copy bootstrap, htmx, chart.js into static/vendor/

# --- Translations ------------------------------------------------------------------------

compilemessages: | $(PY)  ## compile locale/*.po into .mo (skipped with a warning without gettext)
	@if [ -z "$$(find locale apps -name '*.po' -print -quit 2>/dev/null)" ]; then \
		echo "compilemessages: no .po files yet (make messages creates them)"; \
	elif command -v msgfmt >/dev/null 2>&1; then \
		echo "$(MANAGE) compilemessages"; \
		$(MANAGE) compilemessages $(I18N_IGNORE) --verbosity 0; \
	else \
		echo "warning: msgfmt (GNU gettext) not found: skipping compilemessages, so pages show" >&2; \
		echo "         untranslated strings. Install it with: sudo apt-get install gettext" >&2; \
	fi

messages: python-deps  ## extract strings into locale/{zh_Hans,en}/LC_MESSAGES/django.po
	$(MANAGE) makemessages -l zh_Hans -l en --add-location=file $(I18N_IGNORE)

# --- Run ---------------------------------------------------------------------------------

migrate: python-deps
	$(MANAGE) migrate --noinput

presets: migrate  ## migrate, then install the five rulebooks' presets (idempotent, no people)
	$(MANAGE) install_presets

demo: presets  ## presets plus the demo people and activity (idempotent); prints the logins
	SITE_URL=$(RUN_SITE_URL) $(MANAGE) load_demo

run: python-deps assets compilemessages demo  ## run web + worker + beat on http://127.0.0.1:8000 with demo data
	@$(PY) -c 'import socket; s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1", $(RUN_PORT)))' 2>/dev/null \
		|| { echo "error: port $(RUN_PORT) on 127.0.0.1 is in use: stop what listens there, or make run RUN_PORT=8001" >&2; exit 1; }
	@echo
	@echo "Ops Portal: http://127.0.0.1:$(RUN_PORT)  (demo logins above; Ctrl-C stops web, worker and beat)"
	@echo "Database: $${DATABASE_URL:-SQLite at var/ops_portal.sqlite3}" | sed -E 's#//[^@/]*@#//***@#'
	@echo "Broker:   $${REDIS_URL:-filesystem under var/celery-broker}" | sed -E 's#//[^@/]*@#//***@#'
	@echo
	PATH="$(CURDIR)/$(BIN):$$PATH" PYTHONUNBUFFERED=1 RUN_PORT=$(RUN_PORT) SITE_URL=$(RUN_SITE_URL) \
		$(BIN)/honcho start -f Procfile

# --- Test and lint -----------------------------------------------------------------------

# Chromium drives the browser tests and gettext compiles translations. As root with apt-get,
# install what is missing; otherwise say how.
system-deps:
	@missing=""; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	command -v msgfmt >/dev/null 2>&1 || missing="$$missing gettext"; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "Installing Debian packages:$$missing"; \
		apt-get update -qq; \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	else \
		echo "warning: missing Debian packages:$$missing. The browser tests need /usr/bin/chromium." >&2; \
		echo "         Install with: sudo apt-get install$$missing" >&2; \
	fi

test: system-deps dev-deps assets compilemessages  ## run the test suite (PYTEST_ARGS=... to pass options)
	@echo "DJANGO_SETTINGS_MODULE=$(TEST_SETTINGS) $(BIN)/pytest $(PYTEST_ARGS)"
	@echo "Database: $${DATABASE_URL:-SQLite (var/test.sqlite3)}; broker: $${REDIS_URL:-filesystem under var/}" \
		| sed -E 's#//[^@/]*@#//***@#g'
	@rc=0; DJANGO_SETTINGS_MODULE=$(TEST_SETTINGS) $(BIN)/pytest $(PYTEST_ARGS) || rc=$$?; \
	if [ -n "$(PYTEST_STATUS_FILE)" ]; then echo "$$rc" > "$(PYTEST_STATUS_FILE)"; fi; \
	if [ "$$rc" -eq 5 ]; then echo "error: pytest collected no tests" >&2; fi; \
	exit $$rc

check: dev-deps  ## Django system checks, missing migrations, and the pre-commit hooks on every file
	$(MANAGE) check
	$(MANAGE) makemigrations --check --dry-run
	@# .pre-commit-config.yaml: ruff (lint + format), djLint, django-upgrade, whitespace and
	@# large-file checks, all run from $(BIN) so nothing is downloaded. A hook that rewrites a
	@# file fails the check: review and commit its change.
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/pre-commit run --all-files --show-diff-on-failure

lint: dev-deps  ## ruff (lint + format check) and djLint (lint) without touching files
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djlint $(TEMPLATE_DIRS) --lint

fmt: dev-deps  ## apply ruff's fixes and formatting
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# --- Clean -------------------------------------------------------------------------------

clean:  ## remove build output and caches (keeps .venv and the database in var/)
	rm -rf static/vendor node_modules var/staticfiles var/cache var/test-media var/test.sqlite3 \
		var/celerybeat.pid var/celerybeat-schedule* .pytest_cache .ruff_cache
	find . \( -path ./.venv -o -path ./.git \) -prune -o \
		\( -name __pycache__ -o -name '*.mo' \) -print0 | xargs -0 rm -rf

distclean: clean  ## clean, and also remove .venv and var/ (the SQLite database and media!)
	rm -rf $(VENV) var
