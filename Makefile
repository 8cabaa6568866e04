# The project's commands. `make help` lists them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# optional extras to install beside the toolkit, e.g. `make install EXTRAS=dev,spark`
EXTRAS ?= dev
comma := ,
# one stamp per set of extras: asking for other extras installs them
STAMP := $(VENV)/.installed-$(subst $(comma),+,$(EXTRAS))

.DEFAULT_GOAL := help
.PHONY: help install report test test-full lint format lab demo lock clean

help: ## list the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-9s %s\n", $$1, $$2}'

# Jupyter brings jsonschema's optional IRI format check (rfc3987-syntax), which builds 39
# parsers whenever jsonschema is imported: 2-8 s more for every kernel that draws a chart
# (altair imports jsonschema). Nothing here checks IRI formats, so the install leaves it out.
$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[$(EXTRAS)]'
	$(BIN)/python -m pip uninstall --quiet --yes rfc3987-syntax
	$(BIN)/python -m ipykernel install --sys-prefix --name appellate --display-name "Python (appellate)" >/dev/null
	touch $@

install: $(STAMP) ## create .venv and install the toolkit with the pinned versions

report: $(STAMP) ## build every report on the embedded demo data (reports/index.html)
	$(BIN)/appellate report

test: $(STAMP) ## run the tests (all but the full report builds on the reference data)
	$(BIN)/python -m pytest -m "not fullbuild"

test-full: $(STAMP) ## build every report on the reference databases and check them (CI)
	$(BIN)/python -m pytest -m fullbuild

lint: $(STAMP) ## ruff lint and format check
	$(BIN)/ruff check toolkit tests benchmarks
	$(BIN)/ruff format --check toolkit tests benchmarks

format: $(STAMP) ## apply ruff's formatting and safe fixes
	$(BIN)/ruff check --fix toolkit tests benchmarks
	$(BIN)/ruff format toolkit tests benchmarks

lab: $(STAMP) ## open JupyterLab on notebooks/ with the project's kernel
	$(BIN)/jupyter lab $(if $(filter 0,$(shell id -u)),--allow-root) notebooks/

demo: $(STAMP) ## regenerate the simulated demo data (byte for byte)
	$(BIN)/appellate demo

lock: ## re-resolve the newest versions into requirements.lock
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet -e '.[dev]'
	{ echo "# Exact versions the project is tested with (pip freeze of a fresh install)."; \
	  echo "# make installs with \`pip install -c requirements.lock -e .[dev]\`; regenerate with \`make lock\`."; \
	  .lock-venv/bin/python -m pip freeze --exclude-editable; } > requirements.lock
	rm -rf .lock-venv

clean: ## remove the virtual environment and caches (keeps data and reports)
	rm -rf $(VENV) .pytest_cache .ruff_cache
