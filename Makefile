# PixelScript Director. `make demo` and `make test` each do their own set-up.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Where `make demo` keeps its jobs (the SQLite file and every artifact).
DEMO_DATA ?= $(CURDIR)/data
DEMO_DIRECTOR ?= Wes Anderson
DEMO_PLOT ?= A retired safecracker named Mia is pulled back for one last job: stealing a diamond from the city museum during a blackout, but her old partner Vince has already sold her out to the police.

.PHONY: install demo test lint format clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

install: $(STAMP)

demo: install
	PIXELSCRIPT_DATA_DIR="$(DEMO_DATA)" $(BIN)/pixelscript make "$(DEMO_PLOT)" --director "$(DEMO_DIRECTOR)"

lint: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: install lint
	$(BIN)/pytest

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache build *.egg-info
