# The portal's two commands: `make run` and `make test`. Both need only Python 3.11.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test bench bench-phone migrate demo messages check clean

install: $(STAMP)

# Reinstall only when the dependency pins change.
$(STAMP): pyproject.toml requirements.lock
	@command -v $(PYTHON) >/dev/null || { echo "make: $(PYTHON) not found; install Python 3.11 or run make PYTHON=/path/to/python3.11"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip==25.3"
	$(BIN)/python -m pip install --quiet -c requirements.lock -e ".[test]"
	touch $(STAMP)

migrate: install
	$(BIN)/python manage.py migrate --no-input

demo: migrate
	$(BIN)/python manage.py load_demo

# Mailings are sent inline during `make run` (no worker to start); production runs
# `manage.py db_worker` (README, "Sending newsletters").
run: demo
	TASKS_BACKEND=$${TASKS_BACKEND:-immediate} $(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install
	$(BIN)/python manage.py check --fail-level WARNING
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/lint-imports
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The performance benchmark (bench/README.md): a fresh PostgreSQL database with scale data,
# gunicorn with production settings, load from wrk. BENCH_ARGS passes options, e.g.
# BENCH_ARGS="--no-fail --keep".
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/palmecentret_bench
bench: install
	$(BIN)/python bench/run.py --database-url "$(BENCH_DATABASE_URL)" $(BENCH_ARGS)

# The phone benchmark (bench/README.md): the demo content behind gunicorn and a local
# nginx, three pages in Chromium as a phone on a slow connection; LCP, CLS and bytes.
BENCH_PHONE_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/palmecentret_bench_phone
bench-phone: install
	$(BIN)/python bench/phone.py --database-url "$(BENCH_PHONE_DATABASE_URL)" $(BENCH_ARGS)

# Refresh the translation catalogues (needs GNU gettext) and compile them; the compiled
# .mo files are committed so a machine without gettext still shows both languages.
messages: install
	$(BIN)/python manage.py makemessages --locale sv --ignore ".venv/*" --ignore "staticfiles/*" \
		--ignore "tests/*" --ignore "scripts/*" --ignore "bench/*" --no-obsolete
	$(BIN)/python manage.py compilemessages --ignore ".venv/*"

clean:
	rm -rf $(VENV) staticfiles db.sqlite3
