"""Fixtures shared by the tests: the repository, the built book, the copy-text."""

from pathlib import Path

import pytest

from coup1917 import COPY_TEXT, ROOT, fidelity

HTML_DIR = ROOT / "_build" / "html"


@pytest.fixture(scope="session")
def built_pages() -> dict[str, str]:
    """Page -> HTML of the built book, in reading order. `make test` builds the book before the tests run."""
    if not (HTML_DIR / "index.html").exists():
        pytest.fail(f"no built book in {HTML_DIR}: run the tests with `make test`, which builds it first")
    return fidelity.read_book(ROOT, HTML_DIR)


@pytest.fixture(scope="session")
def copy_text_words() -> list[fidelity.Word]:
    return fidelity.copy_text_words(COPY_TEXT)
