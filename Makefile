PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test fuzz lint format assets

# The virtual environment is rebuilt only when a requirements file changes.
$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	@echo "Starting web (http://127.0.0.1:8000), Celery worker and beat. Ctrl-C stops all."
	$(BIN)/honcho start -f Procfile

test: $(STAMP)
	$(BIN)/python -m pytest

# The deeper schemathesis run over the API (a few minutes); the suite runs a small one.
fuzz: $(STAMP)
	$(BIN)/python bench/fuzz_api.py --examples 100

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The whiteboard's bundle (static/room/, committed): only who changes frontend/ needs Node.
assets:
	npm ci && npm run build
