# Two commands for a new user (README): `make run` and `make test`.
PYTHON ?= python3
# The settings default to production (no debug, secrets required); these targets develop.
export DJANGO_DEBUG ?= 1
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1:8000

.PHONY: run test lint setup install clean

$(BIN)/.installed: requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is needed") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

install: $(BIN)/.installed

## setup: database, reference data (regions, offices, rates, roles) and demo data
setup: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_reference
	$(BIN)/python manage.py seed_demo

## run: set everything up and serve the app on SQLite at http://127.0.0.1:8000/
run: setup
	$(BIN)/python manage.py runserver $(HOST)

## test: the whole test suite (SQLite unless DATABASE_URL is set)
test: install
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/python manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) db.sqlite3 var staticfiles
