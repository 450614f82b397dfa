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

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) node_modules client/out
