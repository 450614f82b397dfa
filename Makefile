# Quick start: `make run` and `make test`. Everything installs into .venv and node_modules.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-python test-node lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch node_modules/.installed

run: $(STAMP)
	$(BIN)/rasp run examples/*.rasp

test: test-python test-node

test-python: $(STAMP)
	$(BIN)/ruff check server tests benchmarks
	$(BIN)/mypy
	$(BIN)/pytest

test-node: node_modules/.installed
	npm test

# The VS Code extension as rasp-<version>.vsix (bundled client, grammar, language configuration,
# icon; the files are listed in .vscodeignore). Offline: vsce runs `vscode:prepublish` (type
# check, then the production esbuild bundle) and packs no node_modules.
.PHONY: vsix
vsix: node_modules/.installed
	npx --no-install vsce package --no-dependencies

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) node_modules client/out

# End-to-end checks in real editors (Neovim 0.11, VS Code 1.100 via code-server + headless
# Chromium) against the real server; installs its own tools. See e2e/README.md.
.PHONY: e2e e2e-setup e2e-nvim e2e-vscode e2e-svg
e2e: e2e-nvim e2e-vscode e2e-svg
	@echo "e2e: 3 passed, 0 failed"

e2e-setup:
	bash e2e/setup.sh

e2e-nvim: $(STAMP)
	bash e2e/setup.sh nvim
	bash e2e/run-nvim.sh $(abspath $(BIN)/python)

e2e-vscode: $(STAMP)
	bash e2e/setup.sh apt code-server
	bash e2e/run-vscode.sh $(abspath $(BIN)/python)

e2e-svg: $(STAMP)
	bash e2e/setup.sh apt
	bash e2e/run-svg.sh $(abspath $(BIN)/python)
