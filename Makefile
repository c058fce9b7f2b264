# The two set-up commands a newcomer runs (see README): `make build` and `make test`.
# Both create the virtual environment in .venv on first use.
# `make test` runs every test, the slow ones too, on every core (pytest-xdist; what CI runs:
# .ci/run and the workflows); `make test-fast` is the quick lane while you work: it leaves out
# tests marked `slow`. Slow tests are the wheel build and install, the benchmark runs and
# the kill tests (see pyproject.toml). Neither needs
# `make build` first: the tests build what they need in temporary folders.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: build test test-fast check lint bench clean

# constraints.txt pins what shapes the release's bytes (pyarrow above all), so builds agree across machines.
$(BIN)/faceledger: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[test]'
	@touch $@

build: $(BIN)/faceledger  ## regenerate dataset/ and write dist/faceledger-<version>/
	$(BIN)/faceledger build

test: $(BIN)/faceledger  ## the whole test suite, slow tests included
	$(BIN)/python -m pytest -n auto

test-fast: $(BIN)/faceledger  ## the test suite without the tests marked slow
	$(BIN)/python -m pytest -m "not slow" -n auto

check: $(BIN)/faceledger  ## what CI checks on a contribution, quickly (.github/workflows/validate.yml)
	$(BIN)/faceledger validate --frictionless
	$(BIN)/faceledger fmt --check
	$(BIN)/faceledger diff --check-version

lint: $(BIN)/faceledger  ## style, format and types (mypy --strict over faceledger/)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

bench: build  ## bench_loader.py times the package data that `make build` writes
	$(BIN)/python bench/bench_build.py
	$(BIN)/python bench/bench_loader.py

clean:
	rm -rf dist build $(VENV) .pytest_cache
