# Jaga: `make run` serves a demo on embedded SQLite; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.lock requirements-testdata.txt pyproject.toml | sha256sum | cut -c1-16)
PORT ?= 8000

.PHONY: run test lint typecheck prod-up prod-down prod-check check-i18n messages bench fuzz soak install clean

install: $(STAMP)

$(STAMP): requirements.lock requirements-testdata.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -r requirements-testdata.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@rm -f $(VENV)/.installed-*
	@touch $@

run: $(STAMP)
	@mkdir -p var
	$(BIN)/jaga migrate --noinput
	$(BIN)/jaga regions load
	$(BIN)/jaga demo seed
	@echo; echo "Jaga is starting on http://127.0.0.1:$(PORT)/ : log in with a demo login above. Ctrl-C stops it."; echo
	@# The background worker (imports, linkage, refreshes) runs as its own process beside the web server,
	@# is started again if it dies, and stops with the server.
	@(while true; do $(BIN)/jaga worker --no-startup-delay --no-reload; \
	    echo "jaga: the background worker stopped; starting it again in 2 s" >&2; sleep 2; done) & worker=$$!; \
	  trap "pkill -P $$worker 2>/dev/null; kill $$worker 2>/dev/null" EXIT INT TERM; \
	  $(BIN)/jaga runserver 127.0.0.1:$(PORT)

# The suite on up to four cores (pytest-xdist): each worker has its own test database and takes whole
# files, so a module's server or demo is set up once. TEST_WORKERS=0 runs it in one process.
TEST_WORKERS ?= $(shell n=$$(nproc 2>/dev/null || echo 1); echo $$(( n < 4 ? n : 4 )))
test: $(STAMP)
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

# The API fuzzed against its OpenAPI schema for every role with every phase and more examples (about 11
# minutes); `make test` runs the same on a small budget. Figures in docs/security.md.
fuzz: $(STAMP)
	FUZZ_PHASES=examples,coverage,fuzzing,stateful FUZZ_MAX_EXAMPLES=$${FUZZ_MAX_EXAMPLES:-25} \
	  $(BIN)/python -m pytest -q -s src/jaga/core/tests/test_api_fuzz.py

lint: $(STAMP)
	$(BIN)/ruff check src bench deploy
	$(BIN)/ruff format --check src bench deploy

# The production stack on this machine (deploy/prod.py): gunicorn, the worker, PostgreSQL on 127.0.0.1,
# nginx with TLS from its own CA, secrets from files, migrations at start. PROD_PORT (8443) and others.
prod-up: $(STAMP)
	$(BIN)/python deploy/prod.py up

prod-down: $(STAMP)
	$(BIN)/python deploy/prod.py down

prod-check: $(STAMP)
	$(BIN)/python deploy/prod.py check

# mypy with the Django and DRF plugins ([tool.mypy] in pyproject.toml); it imports the settings.
typecheck: $(STAMP)
	JAGA_DATA_DIR="$$(mktemp -d)" $(BIN)/mypy

# Regenerates the translation catalogue from the code; fill in new msgstr entries, then `make messages`.
messages: $(STAMP)
	cd src/jaga && ../../$(BIN)/jaga makemessages -l id --no-obsolete --no-location
	cd src/jaga && ../../$(BIN)/jaga compilemessages

# Fails when a string in the code has no Indonesian translation: makemessages adds it with an
# empty msgstr (or a fuzzy guess), which the check reports; the catalogue is then put back as it was.
PO := src/jaga/locale/id/LC_MESSAGES/django.po
check-i18n: $(STAMP)
	@cp $(PO) $(PO).orig
	@cd src/jaga && ../../$(BIN)/jaga makemessages -l id --no-obsolete --no-location >/dev/null
	@$(BIN)/python -m jaga.core.i18n_check $(PO); status=$$?; mv $(PO).orig $(PO); exit $$status

# Scale runs, never part of `make test`: about 20 minutes for the registry, more for linkage at 1M records.
bench: $(STAMP)
	$(BIN)/python bench/run.py
	$(BIN)/python bench/caseload.py
	$(BIN)/python bench/linkage.py
	$(BIN)/python bench/linkage_leak.py
	@if command -v nginx >/dev/null; then $(BIN)/python bench/prod_load.py; else echo "bench: no nginx, the production stack's load figures are skipped"; fi

# The fault review repeated against a real server and worker (kills, dropped connections, hostile files,
# hotline load), on SQLite and on PostgreSQL when it answers: about 25 minutes. Figures in docs/benchmarks.md.
soak: $(STAMP)
	$(BIN)/python bench/soak.py

clean:
	rm -rf $(VENV) var
