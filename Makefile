# The edition's commands. `make book` and `make test` do all set-up on a fresh Debian machine (as root).
SHELL := /bin/bash
.DEFAULT_GOAL := book

VENV      ?= .venv
PYTHON    := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
NODE_MODULES := node_modules/.package-lock.json
BUILD_DIR := _build
WORK_DIR  := $(BUILD_DIR)/work
JB_FLAGS  := -W -n --keep-going
PORT      ?= 8017

.PHONY: book test serve clean clean-all system-deps lock

# The virtual environment with the pinned packages and the edition package (editable, so notebooks and tests
# import the working tree and find data/ through it).
$(INSTALLED): requirements.lock pyproject.toml
	python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --require-hashes -r requirements.lock
	$(PYTHON) -m pip install --quiet --no-deps -e .
	$(PYTHON) -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $@

# The browser assets the book serves itself (plotly.js), exactly as package-lock.json pins them.
$(NODE_MODULES): package-lock.json
	@command -v npm >/dev/null || { apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends npm >/dev/null; }
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

# Sphinx re-reads a chapter, and myst-nb's execution cache re-runs it, only when the chapter's own text changes:
# when a table, its descriptor or the package changes, start the build afresh so the charts and glued figures
# come from the new data (and bad data stops the build). Only the work directory goes: the last good book stays.
EXECUTION_INPUTS := $(WORK_DIR)/.execution-inputs
$(EXECUTION_INPUTS): $(wildcard data/*.csv data/datapackage.json coup1917/*.py coup1917/sphinx/*.py)
	rm -rf $(WORK_DIR)
	mkdir -p $(WORK_DIR) && touch $@

## lock: re-resolve requirements.txt (the direct pins) into requirements.lock (every package, with hashes)
lock: $(INSTALLED)
	$(PYTHON) -m pip install --quiet pip-tools==7.6.2
	$(VENV)/bin/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe \
	  --no-emit-index-url --no-emit-find-links -o requirements.lock requirements.txt

## book: build the HTML book into _build/html (warnings are errors). It is built in $(WORK_DIR) and swapped in
## only when the build succeeds; on failure each problem is printed as one line, file:line: message.
book: $(INSTALLED) $(NODE_MODULES) $(EXECUTION_INPUTS)
	$(PYTHON) -m coup1917.build . --work $(WORK_DIR) --out $(BUILD_DIR)/html $(JB_FLAGS)

## system-deps: Debian packages the tests need (Chromium for the browser tests), installed only when missing
system-deps:
	@command -v chromium >/dev/null || { apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null; }

## test: build the book, then run the whole test suite
test: book system-deps
	$(PYTHON) -m pytest

## serve: serve the built book on http://127.0.0.1:$(PORT)/
serve:
	@test -d $(BUILD_DIR)/html || { echo "No built book: run 'make book' first." >&2; exit 1; }
	$(PYTHON) -m http.server $(PORT) --bind 127.0.0.1 --directory $(BUILD_DIR)/html

## clean: remove the build (the virtual environment stays; `make clean-all` removes it too)
clean:
	rm -rf $(BUILD_DIR) .pytest_cache

clean-all: clean
	rm -rf $(VENV) *.egg-info
