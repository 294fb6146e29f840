"""Fixtures shared by the tests: the repository, the built book, the copy-text, the book served to a browser."""

import contextlib
import functools
import hashlib
import http.server
import os
import shutil
import subprocess
import threading
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from coup1917 import COPY_TEXT, ROOT, fidelity

HTML_DIR = ROOT / "_build" / "html"
ARTEFACTS = ROOT / "tests" / "artefacts"
# Debian's Chromium (installed by `make system-deps`), driven by Playwright's Python package; never a browser that
# Playwright downloads. One browser and one server on 127.0.0.1 for the whole session: Playwright's sync API
# cannot run two sessions at once.
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


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # the tests report what matters
        pass


@contextlib.contextmanager
def serve(directory: Path):
    """``directory`` served on 127.0.0.1 (a free port); yields the base URL."""
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(directory)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def book_url():
    if not (HTML_DIR / "index.html").exists():
        pytest.fail(f"no built book in {HTML_DIR}: run the tests with `make test`, which builds it first")
    with serve(HTML_DIR) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: `make system-deps` installs Debian's chromium")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def artefacts() -> Path:
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    return ARTEFACTS


# --- copies of the book, for builds that break or change it ------------------------------------------------------

#: What `make book` reads. The package is copied too, so a copy's chapters load the copy's data (PYTHONPATH).
BOOK_SOURCES = ("Makefile", "_config.yml", "_toc.yml", "CITATION.cff", "chapters", "data", "references.bib",
                "coup1917", "package.json", "package-lock.json", "pyproject.toml", "requirements.lock")
VENV = ROOT / ".venv"


def copy_book(destination: Path) -> Path:
    """A copy of the book's sources in ``destination`` (node_modules linked, not copied)."""
    destination.mkdir(parents=True, exist_ok=True)
    for name in BOOK_SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, destination / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, destination / name)
    (destination / "node_modules").symlink_to(ROOT / "node_modules")
    return destination


def make_book(book: Path) -> subprocess.CompletedProcess:
    """`make book` in a copy, with this worktree's virtual environment and npm packages, which it never remakes."""
    return subprocess.run(
        ["make", "--no-print-directory", "book", f"VENV={VENV}", "-o", f"{VENV}/.installed",
         "-o", "node_modules/.package-lock.json"],
        cwd=book, capture_output=True, text=True, timeout=300, env={**os.environ, "PYTHONPATH": str(book)})


def tree_digest(directory: Path) -> dict[str, str]:
    """Relative path -> sha256 of every file under ``directory``."""
    return {str(path.relative_to(directory)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(directory.rglob("*")) if path.is_file()}
