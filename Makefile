# Two entry points for a fresh machine: `make run` and `make test`.
# Both create the virtual environment in .venv when it is missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PHASE ?= 1

.PHONY: install install-dev run test lint fmt sample pages templates bench fuzz min-deps clean

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
	$(BIN)/thidua report --phase $(PHASE) --format all

# Render the phase reports to PNG pages (needs LibreOffice and poppler-utils) to look at them.
pages: install
	$(BIN)/thidua report --phase $(PHASE) --format docx --out build/pages
	cd build/pages && soffice --headless --convert-to pdf *.docx >/dev/null
	cd build/pages && for f in *.pdf; do pdftoppm -png -r 80 "$$f" "$${f%.pdf}"; done
	@ls build/pages/*.png

# Speed and memory against the floor (libyaml compose), cold and warm; see benchmarks/bench.py.
# SIZES="100 1000" for a quick run (default 100 1000 10000).
bench: install-dev
	$(BIN)/python benchmarks/bench.py $(SIZES)

# Many more fuzz cases than `make test` runs (FUZZ cases, default 100000).
FUZZ ?= 100000
fuzz: install-dev
	$(BIN)/python -m tests.fuzzer $(FUZZ)

# The oldest versions pyproject.toml allows (each ">=" read as "=="), with the tests that drive
# the CLI, so the lower bounds stay true.
MIN_VENV := .venv-min
min-deps:
	test -x $(MIN_VENV)/bin/python || $(PYTHON) -m venv $(MIN_VENV)
	$(MIN_VENV)/bin/python -m pip install --quiet $$($(PYTHON) scripts/min_deps.py) pytest hypothesis
	$(MIN_VENV)/bin/python -m pip install --quiet --no-deps -e .
	$(MIN_VENV)/bin/python -m pytest -q -p no:cacheprovider tests/test_cli.py tests/test_cases.py tests/test_report.py

templates: install-dev
	$(BIN)/python scripts/make_docx_templates.py

test: install-dev
	$(BIN)/python -m pytest -q

lint: install-dev
	$(BIN)/ruff check thidua_cli tests scripts benchmarks
	$(BIN)/ruff format --check thidua_cli tests scripts benchmarks
	$(BIN)/mypy

fmt: install-dev
	$(BIN)/ruff format thidua_cli tests scripts benchmarks
	$(BIN)/ruff check --fix thidua_cli tests scripts benchmarks

sample:
	$(PYTHON) scripts/make_sample_data.py

clean:
	rm -rf $(VENV) $(MIN_VENV) build *.egg-info
