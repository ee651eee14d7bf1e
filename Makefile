# One command per job. `make run` and `make test` are all a newcomer needs.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: install run test test-fast lint check format stop-db clean-data verifier pex-check h5p-player chromium pgbouncer nginx prod-local prod-local-stop prod-local-drop gettext catalogs messages backup restore

$(BIN)/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Se necesita Python 3.11 (encontrado %s)" % sys.version.split()[0]'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Reinstall only when the dependency files change.
$(INSTALLED): $(BIN)/python pyproject.toml requirements/constraints.txt
	$(BIN)/pip install --quiet -c requirements/constraints.txt -e ".[dev]"
	@touch $@

install: $(INSTALLED) catalogs

# GNU gettext (msgfmt, xgettext, msgmerge) for the translation catalogs (ADR 0021).
gettext:
	@command -v msgfmt >/dev/null || (apt-get update -qq && apt-get install -y -qq gettext)

# Our Django apps, each with its own locale/{es,en}/LC_MESSAGES/django.po. `lms`
# covers its sub-apps (each into its own locale/) and the project-level strings
# (lms/templates, settings) into lms/locale.
I18N_APPS := lms tenants courses certificates reporting h5p participation monitoring open_data_labs
# Folders never scanned for catalogs: dependencies and local data.
I18N_IGNORE := --ignore=.venv --ignore=node_modules --ignore=.data --ignore=.git

# Compiled catalogs (.mo) are not committed: every install compiles them from the .po.
# Without settings: compiling needs no database (settings would start the embedded one).
catalogs: $(INSTALLED) gettext
	@env -u DJANGO_SETTINGS_MODULE $(BIN)/django-admin compilemessages --verbosity 0 $(I18N_IGNORE)

## Refresh every app's catalogs from the code after adding or changing strings.
## Each app's own locale/ receives its strings (`lms` walks its sub-apps too).
messages: $(INSTALLED) gettext
	@for app in $(I18N_APPS) $$(dirname */*/apps.py); do mkdir -p $$app/locale; done
	@for app in $(I18N_APPS); do \
		(cd $$app && env -u DJANGO_SETTINGS_MODULE $(abspath $(BIN))/django-admin \
			makemessages -l es -l en --no-obsolete --add-location=file --no-wrap \
			--verbosity 0 $(I18N_IGNORE)) || exit 1; \
	done
	@# Spanish is the source language: each es msgstr is its msgid, never a fuzzy guess.
	@$(BIN)/python -m lms.source_catalogs

# The H5P player (npm h5p-standalone), served as static files: no CDN, works offline.
node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || (apt-get update -qq && apt-get install -y -qq nodejs npm)
	npm ci --ignore-scripts --no-audit --no-fund
	@touch $@

h5p-player: node_modules/.installed

# Debian's chromium for the H5P browser tests (Playwright drives it, downloads nothing).
chromium:
	@command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium)

# Debian's PgBouncer for the transaction-pooling test (ADR 0018); run by the test itself.
pgbouncer:
	@test -x /usr/sbin/pgbouncer || command -v pgbouncer >/dev/null || (apt-get update -qq && apt-get install -y -qq pgbouncer)

# Debian's nginx: the proxy of `make prod-local` and of the failover test, which
# start it themselves (the package's own service is never used).
nginx:
	@test -x /usr/sbin/nginx || command -v nginx >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx)

## The platform with demo data: database, 21 sites, web server and worker.
run: install h5p-player
	$(BIN)/python -m lms.devserver

## The production topology on this machine: nginx :8080, two gunicorn nodes,
## PgBouncer (transaction mode), Redis, two Celery workers and beat (README).
prod-local: install h5p-player nginx pgbouncer
	$(BIN)/python deploy/prodlocal.py up

## Stop everything `make prod-local` started (the database stays).
prod-local-stop:
	$(BIN)/python deploy/prodlocal.py down

## Stop, then drop the prod-local database and empty its Redis databases.
prod-local-drop:
	$(BIN)/python deploy/prodlocal.py drop

## Back up the prod-local database (every schema) and media buckets (deploy/backup.py).
backup:
	$(BIN)/python deploy/prodlocal.py backup

## Restore a backup beside prod-local and check it: make restore FROM=.data/prod-local/backups/<time>
restore:
	@test -n "$(FROM)" || (echo "Indique la copia: make restore FROM=.data/prod-local/backups/<fecha>"; exit 2)
	$(BIN)/python deploy/prodlocal.py restore $(FROM)

# The independent verifier the certificate tests run (Node; npm ci from the lock).
# Debian's nodejs only if Node is missing (most machines already have it).
VERIFIER := certificates/verifier
$(VERIFIER)/node_modules/.installed: $(VERIFIER)/package.json $(VERIFIER)/package-lock.json
	@command -v npm >/dev/null || (apt-get update -qq && apt-get install -y -qq nodejs npm)
	npm ci --ignore-scripts --no-audit --no-fund --prefix $(VERIFIER)
	@touch $@

verifier: $(VERIFIER)/node_modules/.installed

# The independent Presentation Exchange evaluator the participation tests run.
PEX := participation/pex_check
$(PEX)/node_modules/.installed: $(PEX)/package.json $(PEX)/package-lock.json
	@command -v npm >/dev/null || (apt-get update -qq && apt-get install -y -qq nodejs npm)
	npm ci --ignore-scripts --no-audit --no-fund --prefix $(PEX)
	@touch $@

pex-check: $(PEX)/node_modules/.installed

## The whole suite on real PostgreSQL (DATABASE_URL, else the embedded server).
test: install verifier pex-check h5p-player chromium pgbouncer nginx
	$(BIN)/pytest

## The edit-test loop: no browser, no Celery worker, no npm (apt only for gettext if missing).
test-fast: install
	$(BIN)/pytest -m "not browser and not worker"

lint: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/mypy

check: install
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## Stop the embedded PostgreSQL server (it keeps running between commands).
stop-db: install
	$(BIN)/python -c 'from lms.database import stop_embedded_server; stop_embedded_server()'
