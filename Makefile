# MARS: `make run` to try it, `make test` to prove it.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# axe-core, which the browser tests inject into pages to check accessibility (package-lock.json pins it).
AXE := node_modules/axe-core/axe.min.js

.PHONY: install run test journey lint format bench bench-load

install: $(STAMP) $(AXE)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "MARS needs Python 3.11 or newer")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

# Without npm the accessibility checks skip (they fail under CI=true); `make run` needs only Python.
$(AXE): package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  npm ci --no-audit --no-fund --loglevel=error && touch $(AXE); \
	else \
	  echo "npm not found: axe-core not installed, the accessibility checks will skip."; \
	fi

# The demo users sign in with a password only (MARS_REQUIRE_2FA off, allowed only with debug on).
run: install
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} MARS_REQUIRE_2FA=$${MARS_REQUIRE_2FA:-0} $(PY) manage.py run_dev

test: install
	$(PY) -m pytest $(PYTEST_ARGS)

# The production shape for real: gunicorn, a Celery worker and beat with debug off, then a journey
# over HTTP (sign in, contact, payment, report PDF). Needs PostgreSQL and Redis: the servers of
# DATABASE_URL and REDIS_URL, else 127.0.0.1:5432 and :6379 (its own database, Redis database 13).
journey: install
	$(PY) .ci/production_journey.py

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: install
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(PY) manage.py migrate --noinput -v0
	$(PY) bench/search.py
	$(PY) bench/rsdf.py
	$(PY) bench/long_term.py
	$(PY) bench/phone_list.py
	$(PY) bench/bundle.py
	$(PY) bench/access_log.py
	$(PY) bench/subject_access.py
	$(PY) bench/national.py

# Thirty simulated users for two minutes against gunicorn with production settings, on the
# national benchmark's data; p50 and p95 of each page against a bare signed-in view.
bench-load: install
	$(PY) bench/load.py
