# Two commands for a new user: `make run` and `make test`. Everything else is optional.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: run test lint format bench stress dist dist-test clean demo-server demo-server-stop

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (found %s)" % sys.version.split()[0])'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-app: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@ $(VENV)/.installed-app

run: $(VENV)/.installed-app  ## set up and open the app on the default database
	$(BIN)/python main.py $(ARGS)

lint: $(VENV)/.installed-test  ## ruff, the import contracts (layers, no Qt below the window), mypy (strict below the window)
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy

format: $(VENV)/.installed-test
	$(BIN)/ruff format .

# The suite runs on every core up to four (pytest-xdist), each worker with its own temporary
# folders and, for the shared-register tests, its own throwaway PostgreSQL cluster.
TEST_WORKERS ?= $(shell $(PYTHON) -c 'import os; print(min(4, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1))')

test: $(VENV)/.installed-test lint  ## set up, lint, and run the whole suite headless, on every core
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -n $(TEST_WORKERS) --dist worksteal

bench: $(VENV)/.installed-test  ## time each figure against its floor; exit 1 if a budget is missed
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m bench $(ARGS)

# The long attacks (200 SIGKILLs of the autosave process, 20 of the typing window, import
# kills, 10x the fuzzing, 50 rounds of FIFO / /dev/zero / device files under a memory limit,
# 20 races of two clerks signing at once, a pack with 1,000 meeting dates, `list --json`
# memory at 10,000 and 100,000 decisions, 50 kills of the daily backup's child, 20 kills of
# copy-register into a shared register and into a file, and 20 kills of the shared register's
# server each during autosave, sign-off and import), and a 10,000-decision register (a
# 79 MB bundle) through export-json, import and export-json again.
# `make test` runs the same tests in a reduced form.
stress: $(VENV)/.installed-test  ## crash, kill and fuzz the real program for several minutes
	QT_QPA_PLATFORM=offscreen DC_STRESS_KILLS=200 DC_FUZZ_EXAMPLES=800 DC_HYPOTHESIS=explore DC_STRESS_HOSTILE_ROUNDS=50 \
		DC_RACE_RUNS=20 DC_PACK_DATES=1000 DC_LIST_SIZES=10000,100000 DC_BACKUP_KILLS=50 DC_PG_KILLS=20 DC_BUNDLE_DECISIONS=10000 \
		$(BIN)/python -m pytest -q -s --timeout=3600 tests/stress \
		tests/unit/cli/test_import_fuzz.py tests/unit/export/test_pdf_text.py tests/unit/cli/test_cli_hardening.py \
		tests/unit/domain/test_typed_dates.py tests/unit/application/test_sign_off_race.py \
		tests/unit/storage/test_pg_sign_off_binding.py tests/unit/storage/test_pg_kills.py \
		tests/unit/cli/test_copy_register.py::test_a_copy_killed_part_way_leaves_the_target_empty \
		tests/unit/export/test_pdf_pack.py::test_a_pack_with_hundreds_of_meeting_dates_builds \
		tests/unit/cli/test_list_streaming.py tests/unit/storage/test_detached_backup.py

# The shared register in two commands: a throwaway PostgreSQL server on a unix socket in
# /tmp, `server init` run against it, and the --db URL to try (tests/helpers/postgres.py).
demo-server: $(VENV)/.installed-app  ## start a local throwaway PostgreSQL register and print its --db URL
	$(BIN)/python -m tests.helpers.postgres demo

demo-server-stop:  ## stop the demo server and remove it
	$(BIN)/python -m tests.helpers.postgres stop

$(VENV)/.installed-dist: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dist]'
	@touch $@ $(VENV)/.installed-app

APP_DIR := dist/decision-checklist

dist: $(VENV)/.installed-dist  ## build the one-folder app for this OS in dist/ (docs/building-*.md)
	rm -rf build/decision-checklist $(APP_DIR)
	$(BIN)/pyinstaller --noconfirm --clean --log-level WARN --distpath dist --workpath build \
		packaging/decision-checklist.spec
	@du -sh $(APP_DIR)

dist-test:  ## run the built app's smoke test: prints `smoke ok`
	$(APP_DIR)/decision-checklist --smoke-test

clean:
	rm -rf $(VENV) build dist .pytest_cache .hypothesis
