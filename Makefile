# One task runner for people and CI. `make demo` and `make test` are the README's two commands.
SHELL := /bin/bash
PYTHON ?= python3
UV := $(PYTHON) -m uv
export UV_PYTHON_DOWNLOADS := never
export UV_PYTHON := $(PYTHON)
# Debian packages the test tiers drive for real: a browser for the web UI, an IMAP server,
# Tesseract and its Latin-script model for card photos (capture), the fonts capture tests draw in,
# PostgreSQL for the second engine's tier (tests/pg, run as the `postgres` user on a socket).
TEST_DEBS := chromium dovecot-imapd openssl postgresql tesseract-ocr tesseract-ocr-eng \
  tesseract-ocr-script-latn fonts-dejavu-core fonts-liberation2

.PHONY: setup demo test test-deps lint typecheck layers pytest pytest-sqlite pytest-postgresql \
  bench screenshots

setup:  ## the Python environment, from uv.lock
	@$(PYTHON) -m uv --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet --disable-pip-version-check uv
	@$(UV) sync --frozen --quiet

demo: setup  ## build the fictional demo network, print its Today agenda, open the web UI on it
	$(UV) run kithkin demo --no-serve
	@db=$$($(UV) run python -c 'from kithkin.config import demo_db_path; print(demo_db_path())'); \
	$(UV) run kithkin --db "$$db" today && $(UV) run kithkin --db "$$db" serve

test-deps:  ## Debian packages the tests need (skipped when already present)
	@missing=""; for p in $(TEST_DEBS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

lint: setup
	$(UV) run ruff check src tests benchmarks tools
	$(UV) run ruff format --check src tests benchmarks tools

typecheck: setup
	$(UV) run mypy

layers: setup  ## the layering contract (pyproject's [tool.importlinter]): no layer imports one above it
	$(UV) run lint-imports --no-cache

pytest: setup test-deps  ## the whole suite on both engines at once, each run's output in one piece
	@$(MAKE) --no-print-directory -j2 --output-sync=target pytest-sqlite pytest-postgresql

pytest-sqlite: setup  ## the whole suite on SQLite (PostgreSQL-only tests deselected)
	@echo "== the suite on SQLite"; KITHKIN_TEST_ENGINE=sqlite $(UV) run pytest -q -p no:cacheprovider

pytest-postgresql: setup  ## the whole suite on a throwaway PostgreSQL cluster (SQLite-only deselected)
	@echo "== the suite on PostgreSQL"; KITHKIN_TEST_ENGINE=postgresql $(UV) run pytest -q -p no:cacheprovider

test: lint typecheck layers pytest  ## everything CI checks

bench: setup  ## print the benchmark tables
	@for script in benchmarks/*.py; do \
	  [ "$$script" = benchmarks/before_after.py ] && continue; \
	  echo "== $$script"; $(UV) run python $$script; \
	done

screenshots: setup  ## PNGs of Today, a person and a brief on the demo (desktop and phone) in docs/screenshots/
	$(UV) run python tools/screenshots.py
