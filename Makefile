# The edition's commands. `make book` and `make test` do all set-up on a fresh Debian machine (as root).
SHELL := /bin/bash
.DEFAULT_GOAL := book

VENV      ?= .venv
PYTHON    := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
NODE_MODULES := node_modules/.package-lock.json
BUILD_DIR := _build
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

# A page whose tables or package modules change is re-read and re-executed, and only that page
# (coup1917/sphinx/execution_inputs.py). A change to the Sphinx extensions changes how every page is read and
# written, not what the notebooks compute: start from a fresh environment and HTML, keeping the execution cache.
EXTENSIONS_STAMP := $(BUILD_DIR)/.extensions-stamp
$(EXTENSIONS_STAMP): $(wildcard coup1917/sphinx/*.py coup1917/sphinx/static/*)
	rm -rf $(BUILD_DIR)/html $(BUILD_DIR)/.doctrees
	mkdir -p $(BUILD_DIR) && touch $@

## lock: re-resolve requirements.txt (the direct pins) into requirements.lock (every package, with hashes)
lock: $(INSTALLED)
	$(PYTHON) -m pip install --quiet pip-tools==7.6.2
	$(VENV)/bin/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe \
	  --no-emit-index-url --no-emit-find-links -o requirements.lock requirements.txt

## book: build the HTML book into _build/html (warnings are errors)
book: $(INSTALLED) $(NODE_MODULES) $(EXTENSIONS_STAMP)
	$(VENV)/bin/jupyter-book build . $(JB_FLAGS)

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
