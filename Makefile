# kmodquiz: `make run` serves the app with demo data; `make test` runs the whole suite.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
HOST   ?= 127.0.0.1
PORT   ?= 8000
BANK   := fixtures/linux-kernel-modules.json
DEMO_BANK := fixtures/demo/quick-check.json

.PHONY: run test install install-dev migrate load-demo lint format openapi screenshots bench bench-api bench-import bench-faults bench-load fuzz-api deploy-check test-clock clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/activate pyproject.toml
	$(BIN)/pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed pyproject.toml
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

migrate: install
	$(PY) manage.py migrate --noinput

load-demo: migrate
	$(PY) manage.py load_bank $(BANK)
	$(PY) manage.py load_bank $(DEMO_BANK)
	$(PY) manage.py ensure_demo_users
	$(PY) manage.py demo_history

# The server and, beside it, the worker that runs background tasks (large imports, score
# passback, fitting scheduler parameters); stopping `make run` stops both.
run: load-demo
	@echo "Serving on http://$(HOST):$(PORT)/  (learner / kmodquiz-demo; admin: instructor / kmodquiz-demo)"
	@$(PY) manage.py db_worker --interval 1 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver $(HOST):$(PORT)

# Tests run on every core (pytest-xdist); PYTEST_WORKERS=0 runs them in one process.
PYTEST_WORKERS ?= auto
test: install-dev
	$(BIN)/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

# The suite (less the scale-out tests) with the system clock set, through libfaketime, to
# moments where a test that reads the real clock could see the day differently: the hour before
# the 4 am rollover (in Berlin, in UTC), the minutes before it (a learning step crosses it), past
# midnight on New Year's Day, the day after each daylight saving change in Europe. Most tests pin
# `now`; this checks the pages and helpers that do not. Chromium keeps the real clock.
CLOCK_MOMENTS ?= 2026-12-02T02:40:00 2026-12-02T03:30:00 2026-12-02T03:52:00 2027-01-01T00:20:00 2027-03-29T02:30:00 2026-10-26T02:30:00
test-clock: install-dev
	@command -v faketime >/dev/null || { echo "test-clock needs faketime (apt-get install faketime)"; exit 2; }
	@for moment in $(CLOCK_MOMENTS); do \
	  echo "=== the clock at $$moment UTC"; \
	  TZ=UTC faketime "$$(echo $$moment | tr T ' ')" \
	    $(BIN)/pytest -q -n $(PYTEST_WORKERS) --ignore=tests/deploy $(PYTEST_ARGS) || exit 1; \
	done

lint: install-dev
	$(BIN)/ruff check quizzes kmodquiz tests bench fuzz

format: install-dev
	$(BIN)/ruff format quizzes kmodquiz tests bench fuzz

# schemathesis against gunicorn on a fresh database, as a learner and as an instructor: every
# phase and check, a fixed seed, about 3 minutes (fuzz/api.py; CI runs it after the tests).
fuzz-api: install-dev
	$(PY) fuzz/api.py $(FUZZ_ARGS)

# The production profile passes Django's deployment checks with no warning.
deploy-check: install
	DJANGO_ENV=production SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))') \
	  ALLOWED_HOSTS=quiz.example.org $(PY) manage.py check --deploy --fail-level WARNING

bench: install-dev
	$(PY) bench/study_loop.py

# The OpenAPI schema of the REST API, committed; tests/api/test_schema.py fails when it is stale.
openapi: install
	$(PY) manage.py spectacular --file docs/openapi.yaml --validate --fail-on-warn

bench-api: install-dev
	$(PY) bench/api_throughput.py

bench-import: install-dev
	$(PY) bench/import_speed.py

# Faults (a worker killed, PostgreSQL restarted) and load (50 learners for 60 s) against
# gunicorn on loopback; both start their own PostgreSQL (docs/deployment.md).
bench-faults: install-dev
	$(PY) bench/faults.py

bench-load: install-dev
	$(PY) bench/load.py

# The README's screenshots (docs/screenshots/*.png), from a throwaway demo database.
screenshots: install-dev
	$(PY) -m tests.browser.screenshots

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
