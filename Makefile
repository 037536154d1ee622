# Two commands set everything up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint check bench clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $(STAMP)

# Build the graph into the embedded store and write exports + graph page into build/.
run: $(STAMP)
	$(BIN)/inovasi-kg build
	$(BIN)/inovasi-kg publish

# ruff + mypy, then the whole suite (warnings are errors).
test: $(STAMP) lint
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check src tests
	$(BIN)/mypy

check: test

# Benchmarks print ratios against a baseline measured in the same run (see benchmarks/).
bench: $(STAMP)
	$(BIN)/python benchmarks/graph_page.py

clean:
	rm -rf build var .pytest_cache
