"""Fixtures shared by the tests: the repository, the built book, the copy-text, a browser."""

from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from coup1917 import COPY_TEXT, ROOT, fidelity

HTML_DIR = ROOT / "_build" / "html"
# Debian's Chromium (installed by `make system-deps`), driven by Playwright's Python package; never a browser that
# Playwright downloads. One browser for the whole session: Playwright's sync API cannot run two sessions at once.
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-default-apps"]


@pytest.fixture(scope="session")
def built_pages() -> dict[str, str]:
    """Page -> HTML of the built book, in reading order. `make test` builds the book before the tests run."""
    if not (HTML_DIR / "index.html").exists():
        pytest.fail(f"no built book in {HTML_DIR}: run the tests with `make test`, which builds it first")
    return fidelity.read_book(ROOT, HTML_DIR)


@pytest.fixture(scope="session")
def copy_text_words() -> list[fidelity.Word]:
    return fidelity.copy_text_words(COPY_TEXT)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: `make system-deps` installs Debian's chromium")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
