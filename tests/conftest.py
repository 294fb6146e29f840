"""Fixtures shared by the tests, and the tiers: a test is marked by what it needs, so `make check` (the unit tier)
never waits for a build. The shared helpers themselves are in tests/support.py (the benchmark uses them too).

At its end the run says how many book builds and notebook executions it made, counted as they happen: each Sphinx
build appends its record (builder, book, the notebooks it executed) to the ledger named by COUP1917_BUILD_LEDGER
(coup1917.sphinx.problems; `make test` names one before it builds, so its own builds count), and each notebook run
by nbclient in the tests' processes adds a line through nbclient's ``on_notebook_start`` hook.
"""

import collections
import json
import os
from pathlib import Path

import jupytext
import pytest
from nbclient import NotebookClient
from playwright.sync_api import sync_playwright

from coup1917 import COPY_TEXT, ROOT, book
from coup1917.build.checks import html_text as fidelity
from coup1917.build.notebooks import chapters
from coup1917.sphinx.problems import LEDGER_VARIABLE
from tests.support import HTML_DIR, launch_chromium, ledger_records, serve

PDF = ROOT / "_build" / "pdf" / book.edition_name(ROOT)
# A test that uses one of these fixtures needs what its marker names (pyproject.toml lists the markers).
TIER_OF_FIXTURE = {"built_pages": "book", "book_url": "book", "pdf": "pdf", "browser": "browser"}


def pytest_configure(config):
    if not os.environ.get(LEDGER_VARIABLE) and not hasattr(config, "workerinput"):  # pytest on its own
        ledger = ROOT / "_build" / "pytest-ledger.jsonl"
        ledger.parent.mkdir(parents=True, exist_ok=True)
        ledger.write_text("", encoding="utf-8")
        os.environ[LEDGER_VARIABLE] = str(ledger)  # xdist's workers inherit it
    NotebookClient.on_notebook_start.default_value = _note_execution


def _note_execution(notebook) -> None:
    headings = [line for cell in notebook.cells if cell.cell_type == "markdown"
                for line in cell.source.splitlines() if line.startswith("# ")]
    with open(os.environ[LEDGER_VARIABLE], "a", encoding="utf-8") as ledger:
        ledger.write(json.dumps({"nbclient": headings[0][2:].strip() if headings else None}) + "\n")


def pytest_terminal_summary(terminalreporter, config):
    ledger = Path(os.environ.get(LEDGER_VARIABLE, ""))
    if hasattr(config, "workerinput") or not ledger.is_file():
        return
    records = ledger_records(ledger)
    builds = [record for record in records if "builder" in record]
    of_book = [record for record in builds if (Path(record["srcdir"]) / "_toc.yml").is_file()]
    here = collections.Counter(record["builder"] for record in of_book if Path(record["srcdir"]) == ROOT)
    copies = collections.Counter(record["builder"] for record in of_book if Path(record["srcdir"]) != ROOT)
    titles = {_title(source): source.stem for source in chapters()}
    where = {"in the build here": [r for r in of_book if Path(r["srcdir"]) == ROOT],
             "in builds of copies": [r for r in of_book if Path(r["srcdir"]) != ROOT]}
    executions = {place: collections.Counter(Path(page).name for record in found for page in record["executed"])
                  for place, found in where.items()}
    executions["by nbclient in the tests"] = collections.Counter(
        titles[record["nbclient"]] for record in records if record.get("nbclient") in titles)
    total = sum(executions.values(), collections.Counter())
    others = sum(1 for record in records if "nbclient" in record and record["nbclient"] not in titles)
    write = terminalreporter.write_line
    terminalreporter.write_sep("-", "book builds and notebook executions (counted as they ran)")
    write(f"builds of the book here: {sum(here.values())} {dict(here)}; of copies: {sum(copies.values())} "
          f"{dict(copies)}; of fixture books: {len(builds) - len(of_book)}")
    write(f"chapter executions: {total.total()}, at most {max(total.values(), default=0)} of one chapter "
          f"{dict(sorted(total.items()))}")
    for place, counted in executions.items():
        write(f"  {place}: {counted.total()} {dict(sorted(counted.items()))}")
    write(f"fixture notebooks run by nbclient in the tests (their builds' included): {others}")


def _title(source: Path) -> str:
    cells = jupytext.read(source).cells
    return next(line[2:].strip() for cell in cells if cell.cell_type == "markdown"
                for line in cell.source.splitlines() if line.startswith("# "))


def pytest_collection_modifyitems(items):
    for item in items:
        for fixture, tier in TIER_OF_FIXTURE.items():
            if fixture in item.fixturenames:
                item.add_marker(tier)


def require(path, command: str):
    if not path.exists():
        pytest.fail(f"{path} is missing: run the tests with `make test`, which runs `{command}` first")


@pytest.fixture(scope="session")
def built_pages() -> dict[str, str]:
    """Page -> HTML of the built book, in reading order."""
    require(HTML_DIR / "index.html", "make book")
    return fidelity.read_book(ROOT, HTML_DIR)


@pytest.fixture(scope="session")
def pdf():
    require(PDF, "make pdf")
    return PDF


@pytest.fixture(scope="session")
def copy_text_words() -> list[fidelity.Word]:
    return fidelity.copy_text_words(COPY_TEXT)


@pytest.fixture(scope="session")
def book_url():
    require(HTML_DIR / "index.html", "make book")
    with serve(HTML_DIR) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    """One Chromium for the session: Playwright's sync API cannot run two sessions at once."""
    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def artefacts():
    directory = ROOT / "tests" / "artefacts"
    directory.mkdir(parents=True, exist_ok=True)
    return directory
