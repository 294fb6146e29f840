"""Fixtures shared by the tests, and the tiers: a test is marked by what it needs, so `make check` (the unit tier)
never waits for a build. The shared helpers themselves are in tests/support.py (the benchmark uses them too)."""

import pytest
from playwright.sync_api import sync_playwright

from coup1917 import COPY_TEXT, ROOT, book
from coup1917.build.checks import html_text as fidelity
from tests.support import HTML_DIR, launch_chromium, serve

PDF = ROOT / "_build" / "pdf" / book.pdf_name(ROOT)
# A test that uses one of these fixtures needs what its marker names (pyproject.toml lists the markers).
TIER_OF_FIXTURE = {"built_pages": "book", "book_url": "book", "pdf": "pdf", "browser": "browser"}


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
