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
# The date of the sources, the last commit's: the PDF's and the EPUB's dates and identifiers come from it, so that two
# builds of one commit are the same files (coup1917/sphinx/metadata.py).
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null)
ifneq ($(SOURCE_DATE_EPOCH),)
export SOURCE_DATE_EPOCH
endif

.PHONY: book test serve lab clean clean-all system-deps lock notebooks pdf tex-deps site-zip epub

# Debian packages of the PDF build: XeLaTeX with the LaTeX packages Sphinx and sphinx-jupyterbook-latex load,
# latexmk, Sphinx's default XeLaTeX fonts (FreeSerif, FreeSans, FreeMono), xindy for the index, and poppler
# (pdftotext, pdffonts, pdftoppm) for the PDF tests. About 120 MB to download, 400 MB installed.
TEX_PACKAGES := texlive-xetex texlive-latex-recommended texlive-latex-extra texlive-fonts-recommended latexmk \
                fonts-freefont-otf xindy poppler-utils
SITE_ZIP     := $(BUILD_DIR)/site.zip
# The PDF's name comes from the LaTeX target in _config.yml (latex.latex_documents.targetname).
PDF_NAME     := $(shell sed -n 's/^ *targetname: *\(.*\)\.tex *$$/\1.pdf/p' _config.yml)

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
# (coup1917/sphinx/execution_inputs.py), in the work build and in the PDF build alike. A change to the Sphinx
# extensions changes how every page is read and written, not what the notebooks compute: the work build starts
# from a fresh environment and HTML, keeping its execution cache; the last good book in _build/html stays until a
# new one replaces it.
EXTENSIONS_STAMP := $(WORK_DIR)/.extensions-stamp
$(EXTENSIONS_STAMP): $(wildcard coup1917/sphinx/*.py coup1917/sphinx/static/* coup1917/sphinx/templates/*.html \
                                coup1917/sphinx/templates/static/*)
	rm -rf $(WORK_DIR)/_build/html $(WORK_DIR)/_build/.doctrees
	mkdir -p $(WORK_DIR) && touch $@

## lock: re-resolve requirements.txt (the direct pins) into requirements.lock (every package, with hashes)
lock: $(INSTALLED)
	$(PYTHON) -m pip install --quiet pip-tools==7.6.2
	$(VENV)/bin/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe \
	  --no-emit-index-url --no-emit-find-links -o requirements.lock requirements.txt

## book: build the HTML book into _build/html (warnings are errors). It is built in $(WORK_DIR) and swapped in
## only when the build succeeds; on failure each problem is printed as one line, file:line: message.
book: $(INSTALLED) $(NODE_MODULES) $(EXTENSIONS_STAMP)
	$(PYTHON) -m coup1917.build . --work $(WORK_DIR) --out $(BUILD_DIR)/html $(JB_FLAGS)

## system-deps: Debian packages the tests need (Chromium for the browser tests), installed only when missing
system-deps:
	@command -v chromium >/dev/null || { apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null; }

## test: build the book, then run the whole test suite
test: book pdf epub site-zip system-deps
	$(PYTHON) -m pytest

## lab: JupyterLab on http://127.0.0.1:8888/, where every chapter opens as a notebook (Open With → Jupytext Notebook)
lab: $(INSTALLED)
	$(VENV)/bin/jupyter lab --no-browser --ip=127.0.0.1 --allow-root chapters/

## serve: serve the built book on http://127.0.0.1:$(PORT)/
serve:
	@test -d $(BUILD_DIR)/html || { echo "No built book: run 'make book' first." >&2; exit 1; }
	$(PYTHON) -m http.server $(PORT) --bind 127.0.0.1 --directory $(BUILD_DIR)/html

## clean: remove the build (the virtual environment stays; `make clean-all` removes it too)
clean:
	rm -rf $(BUILD_DIR) .pytest_cache

clean-all: clean
	rm -rf $(VENV) *.egg-info

## bench: build the book and a default-Plotly baseline in /tmp, measure both, write bench/RESULTS.md (~10 min)
.PHONY: bench
BENCH_NODE_MODULES := bench/node_modules/.package-lock.json
$(BENCH_NODE_MODULES): bench/package-lock.json $(NODE_MODULES)
	npm ci --prefix bench --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

bench: $(INSTALLED) $(NODE_MODULES) $(BENCH_NODE_MODULES) system-deps tex-deps
	$(PYTHON) bench/bench.py

## notebooks: run every chapter in a fresh kernel and write the executed notebooks into _build/notebooks
notebooks: $(INSTALLED)
	$(PYTHON) -m coup1917.notebooks $(BUILD_DIR)/notebooks

## tex-deps: the Debian packages the PDF needs, installed only when one is missing
tex-deps:
	@dpkg -s $(TEX_PACKAGES) >/dev/null 2>&1 || { apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(TEX_PACKAGES) >/dev/null; }

## pdf: build the whole book as one PDF (XeLaTeX) into _build/latex and put a copy in the HTML site
# myst-nb renders outputs and glued figures as it reads a page, for the builder at hand, and the HTML and LaTeX
# builds share _build/.doctrees: the PDF reads every page afresh (--all), and its doctrees are dropped afterwards
# so that the next HTML build does not reuse them. LaTeX's auxiliary files from an earlier build can break a
# build, so _build/latex starts empty.
pdf: $(INSTALLED) tex-deps
	rm -rf $(BUILD_DIR)/latex
	$(VENV)/bin/jupyter-book build . --builder pdflatex --all $(JB_FLAGS); \
	  status=$$?; rm -rf $(BUILD_DIR)/.doctrees; exit $$status
	mkdir -p $(BUILD_DIR)/html && cp $(BUILD_DIR)/latex/$(PDF_NAME) $(BUILD_DIR)/html/
	@# ... and in the work build, so that the next `make book` publishes it again (dropped with the work build).
	if [ -d $(WORK_DIR)/_build/html ]; then cp $(BUILD_DIR)/latex/$(PDF_NAME) $(WORK_DIR)/_build/html/; fi

## epub: the whole book as an EPUB 3 into _build/epub, checked (EPUBCheck, on Java; the text guard) and put in the site.
## Like the PDF it reads every page afresh (charts become images for it) and drops its doctrees afterwards.
EPUB_NAME := $(PDF_NAME:.pdf=.epub)
epub: $(INSTALLED) system-deps
	@command -v java >/dev/null || { apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends openjdk-17-jre-headless >/dev/null; }
	rm -rf $(BUILD_DIR)/epub
	timeout 1200 $(VENV)/bin/jupyter-book build . --builder custom --custom-builder epub --all $(JB_FLAGS); \
	  status=$$?; rm -rf $(BUILD_DIR)/.doctrees; exit $$status
	timeout 600 $(PYTHON) -m coup1917.epub $(BUILD_DIR)/epub/$(EPUB_NAME) $(BUILD_DIR)/html $(WORK_DIR)/_build/html

## site-zip: the built site with its PDF and EPUB as one zip (_build/site.zip) that opens from disk, offline
site-zip: book pdf epub
	$(PYTHON) -m coup1917.site_zip $(BUILD_DIR)/html $(SITE_ZIP)
