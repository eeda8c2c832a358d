# Two commands do everything on a fresh machine: `make app` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8501

.PHONY: app test test-fast bench lint typecheck check venv browser engines clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# Reinstall only when the project's metadata changes.
$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $@ $(VENV)/.installed-app

$(VENV)/.installed-app: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[app]'
	touch $@

venv: $(VENV)/.installed-dev

browser:
	bash scripts/install_browser.sh

# Prometheus, its Pushgateway and PostgreSQL for the fleet tests (they start their own servers).
engines:
	bash scripts/install_engines.sh

app: $(VENV)/.installed-app
	$(BIN)/fmfootprint app --port $(PORT)

test: $(VENV)/.installed-dev browser engines
	$(BIN)/python -m pytest -n 2 --timeout=300

# The suite without the browser and the slow tests; needs no browser install.
test-fast: $(VENV)/.installed-dev
	$(BIN)/python -m pytest -n 2 --timeout=300 -m "not e2e and not slow"

bench: $(VENV)/.installed-dev
	$(BIN)/python benchmarks/run_all.py

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# mypy as configured in pyproject.toml ([tool.mypy]: files, strict floors).
typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy

# What .ci/run runs: lint, types, then the whole suite.
check: lint typecheck test

clean:
	rm -rf $(VENV) build dist .pytest_cache .ruff_cache .mypy_cache
