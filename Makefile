# The two set-up commands a newcomer runs (see README): `make build` and `make test`.
# Both create the virtual environment in .venv on first use.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: build test check lint bench clean

$(BIN)/faceledger: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $@

build: $(BIN)/faceledger  ## regenerate dataset/ and write dist/faceledger-<version>/
	$(BIN)/faceledger build

test: $(BIN)/faceledger  ## the whole test suite
	$(BIN)/python -m pytest

check: $(BIN)/faceledger  ## what CI checks on a contribution, quickly
	$(BIN)/faceledger validate
	$(BIN)/faceledger build --check
	$(BIN)/faceledger diff --check-version

lint: $(BIN)/faceledger
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: $(BIN)/faceledger
	$(BIN)/python bench/bench_build.py
	$(BIN)/python bench/bench_loader.py

clean:
	rm -rf dist build $(VENV) .pytest_cache
