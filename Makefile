# The two commands of the README. Both install what they need themselves.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test lint browser-deps train clean

$(BIN)/python:
	$(PY) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $@

## make demo: install, run the main job on the bundled example corpus, write out/demo/
demo: $(STAMP)
	rm -rf out/demo
	$(BIN)/propscope run examples/corpus --corpus out/demo/corpus.duckdb --out out/demo

## make test: install test needs (Python packages, Debian chromium + chromedriver), run the suite
test: $(STAMP) browser-deps
	$(BIN)/ruff check src tests bench
	$(BIN)/pytest -q -p no:cacheprovider

browser-deps:
	@if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium chromium-driver; \
	fi

## make train: rebuild the shipped technique models from ../shared/data (needs the [train] extra)
train: $(STAMP)
	$(BIN)/pip install -q torch==2.13.0 -e '.[train]'
	$(BIN)/propscope train --taxonomy semeval2023
	$(BIN)/propscope train --taxonomy semeval2020

lint: $(STAMP)
	$(BIN)/ruff check src tests bench

clean:
	rm -rf out .pytest_cache build
