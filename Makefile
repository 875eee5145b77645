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

.PHONY: install lock eval wordnet demo test lint format bench reliability-report synth deploy clean chromium

# uv, pinned once here (pyproject's `dev` group pins the same).
# It is bootstrapped into .venv with pip, then `uv sync --locked` installs exactly uv.lock
# (hashes checked) and removes anything else; uv is in the lock, so it keeps itself.
UV_VERSION := 0.13.9
UV := $(BIN)/uv
UV_ENV := UV_PROJECT_ENVIRONMENT=$(VENV) UV_PYTHON=$(BIN)/python UV_NO_PROGRESS=1
# What `make install` puts in .venv (the bench target adds its own extra).
EXTRAS ?= --extra test --extra infra

$(STAMP): pyproject.toml uv.lock | wordnet
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(UV) --version 2>/dev/null | grep -qx 'uv $(UV_VERSION)' || \
		$(BIN)/python -m pip install --quiet --disable-pip-version-check 'uv==$(UV_VERSION)'
	$(UV_ENV) $(UV) sync --quiet --locked $(EXTRAS)
	@touch $(STAMP)

# Regenerates uv.lock from pyproject.toml's ranges (newest versions they allow only
# for what changed; `make lock UPGRADE=1` re-resolves everything).
lock: $(STAMP)
	$(UV_ENV) $(UV) lock $(if $(UPGRADE),--upgrade)

# Not part of `make test`: the offline writer against the hand-written loglines
# (tests/eval/corpus: dev, and the held-back set reported on its own).
eval: install
	$(BIN)/python -m tests.eval

install: $(STAMP)

demo: install
	PIXELSCRIPT_DATA_DIR="$(DEMO_DATA)" $(BIN)/pixelscript make "$(DEMO_PLOT)" --director "$(DEMO_DIRECTOR)"

# Timing targets live here, not in the tests. moviepy (the baseline) is a bench-only extra.
bench: install
	$(UV_ENV) $(UV) sync --quiet --locked --extra test --extra infra --extra bench
	@rm -f $(STAMP)  # .venv now holds the bench extra too; the next install trims it
	$(BIN)/python -m tests.bench
	$(BIN)/python -m tests.reliability.report --load-only --jobs 200 --films 3 --no-readme

# Faults (several runs each) and load runs on both backends: prints the tables and
# writes them into README.md's Reliability section. A few minutes.
reliability-report: install
	$(BIN)/python -m tests.reliability.report

lint: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Debian's Chromium for the browser tests (tests/browser), installed once when missing;
# Playwright only drives it and never downloads a browser. Without apt-get (not Debian)
# it says so and the browser tests skip, except in CI where they fail.
CHROMIUM := /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# Debian's WordNet 3.0 (the offline writer reads its noun classes), likewise once.
WORDNET := /usr/share/wordnet/data.noun

wordnet:
	@if [ -f $(WORDNET) ]; then :; \
	elif command -v apt-get >/dev/null; then \
		echo "installing wordnet-base (apt-get) for the offline writer"; \
		$(SUDO) apt-get update -qq && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wordnet-base >/dev/null; \
	else echo "note: no $(WORDNET) and no apt-get: install WordNet 3.0 data (Debian's wordnet-base) at /usr/share/wordnet"; fi

chromium:
	@if [ -x $(CHROMIUM) ]; then :; \
	elif command -v apt-get >/dev/null; then \
		echo "installing chromium (apt-get) for the browser tests"; \
		$(SUDO) apt-get update -qq && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else echo "note: no $(CHROMIUM) and no apt-get: install Chromium for tests/browser"; fi

test: install lint chromium
	$(BIN)/pytest

# The AWS deployment (infra/): `make synth ENV=dev|prod`, `make deploy ENV=dev`.
# The cdk CLI is pinned in infra/package.json and installed there, never globally.
ENV ?= dev
CDK_DIR := infra
CDK := $(CDK_DIR)/node_modules/.bin/cdk
# No instance-metadata probing, telemetry, notices or version check from the CLI;
# jsii's Node 20 end-of-life banner is silenced (synth works on the machine's Node 20).
CDK_ENV := AWS_EC2_METADATA_DISABLED=true CDK_DISABLE_CLI_TELEMETRY=true \
	CDK_DISABLE_VERSION_CHECK=true JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20
CDK_ARGS := --app "$(abspath $(BIN))/python app.py" -c env=$(ENV) --no-notices

$(CDK): $(CDK_DIR)/package.json $(CDK_DIR)/package-lock.json
	cd $(CDK_DIR) && npm ci --no-audit --no-fund --loglevel=error
	@touch $(CDK)

# Writes infra/cdk.out/<env>/ and fails on any unacknowledged cdk-nag finding.
synth: install $(CDK)
	cd $(CDK_DIR) && $(CDK_ENV) ./node_modules/.bin/cdk synth $(CDK_ARGS) --quiet -o cdk.out/$(ENV)
	@$(BIN)/python -c "import json, collections, sys; \
	t = json.load(open('$(CDK_DIR)/cdk.out/$(ENV)/PixelScript-$(ENV).template.json')); \
	r = t['Resources']; print(f'PixelScript-$(ENV): {len(r)} resources'); \
	[print(f'  {n:3d} {k}') for k, n in collections.Counter(v['Type'] for v in r.values()).most_common()]"

# Needs AWS credentials, Docker (the images build here), and `cdk bootstrap` once per
# account and region. Not run by the tests.
deploy: install $(CDK)
	cd $(CDK_DIR) && CDK_DISABLE_CLI_TELEMETRY=true JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20 \
		./node_modules/.bin/cdk deploy $(CDK_ARGS) --require-approval broadening

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache build *.egg-info $(CDK_DIR)/cdk.out $(CDK_DIR)/node_modules
