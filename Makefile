# Two entry points for a fresh machine: `make run` and `make test`.
# Both create the virtual environment in .venv when it is missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PHASE ?= 1

.PHONY: install install-dev run test lint fmt sample clean

$(BIN)/thidua: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.dev: $(BIN)/thidua
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

install: $(BIN)/thidua
install-dev: $(VENV)/.dev

run: install
	$(BIN)/thidua validate
	$(BIN)/thidua score --phase $(PHASE)

test: install-dev
	$(BIN)/python -m pytest -q

lint: install-dev
	$(BIN)/ruff check thidua_cli tests scripts
	$(BIN)/ruff format --check thidua_cli tests scripts
	$(BIN)/mypy

fmt: install-dev
	$(BIN)/ruff format thidua_cli tests scripts
	$(BIN)/ruff check --fix thidua_cli tests scripts

sample:
	$(PYTHON) scripts/make_sample_data.py

clean:
	rm -rf $(VENV) build *.egg-info
