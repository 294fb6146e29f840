"""What the tests and the benchmark share: copies of the book, the book served as GitHub Pages serves it, Debian's
Chromium, and digests of built trees."""

from __future__ import annotations

import contextlib
import functools
import gzip
import hashlib
import http.server
import io
import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

from coup1917 import ROOT, book as book_structure

HTML_DIR = ROOT / "_build" / "html"
WORK_DIR = ROOT / "_build" / "work"
VENV = ROOT / ".venv"
# Debian's Chromium (installed by `make system-deps`), driven by Playwright's Python package; never a browser that
# Playwright downloads. The flags keep it from reaching for the network (closed here) and from waiting on a GPU.
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-default-apps"]
BROWSER_TIMEOUT_MS = 30_000  # to start Chromium; Playwright's own default is 3 minutes
# What GitHub Pages compresses (text); everything else is sent as it is.
_COMPRESSED = {".html", ".css", ".js", ".json", ".svg", ".txt", ".xml", ".map"}


def launch_chromium(playwright):
    if not CHROMIUM.exists():
        raise RuntimeError(f"{CHROMIUM} is missing: `make system-deps` installs Debian's chromium")
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS,
                                      timeout=BROWSER_TIMEOUT_MS)


class _Handler(http.server.SimpleHTTPRequestHandler):
    compress = False

    def log_message(self, format, *args):  # the tests report what matters
        pass

    def end_headers(self):
        # As GitHub Pages serves a site: without it, whether a file is taken from the browser's cache would depend
        # on how long ago the build wrote it (Chromium's heuristic freshness).
        self.send_header("Cache-Control", "max-age=600")
        super().end_headers()

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        wants_gzip = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (self.compress and wants_gzip and path.suffix in _COMPRESSED and path.is_file()):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return _Body(body)


class _Body:
    """send_head's file-like answer for a compressed body."""

    def __init__(self, body: bytes):
        self._body = body

    def read(self, *args) -> bytes:
        body, self._body = self._body, b""
        return body

    def close(self) -> None:
        pass


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # A browser that drops a connection (a page closed mid-load) is no finding.
        if not issubclass(sys.exc_info()[0], ConnectionError):
            super().handle_error(request, client_address)


@contextlib.contextmanager
def serve(directory: Path, compress: bool = False):
    """``directory`` served on 127.0.0.1 (a free port), gzip-compressed if asked; yields the base URL."""
    handler = type("Handler", (_Handler,), {"compress": compress})
    server = _Server(("127.0.0.1", 0), functools.partial(handler, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def ledger_records(ledger: Path) -> list[dict]:
    """The records of the build ledger (coup1917.sphinx.problems; tests/conftest.py names it): one per build, or per
    notebook nbclient ran in the tests."""
    return [json.loads(line) for line in ledger.read_text(encoding="utf-8").splitlines() if line.strip()]


def copy_book(destination: Path, leave_out: tuple[str, ...] = ("bench/", "tests/", ".github/")) -> Path:
    """The working tree's files (tracked and new, not ignored) copied, with the installed node_modules linked."""
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT, check=True,
                            capture_output=True, text=True, timeout=60).stdout.split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file() and not name.startswith(leave_out):
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination / name)
    (destination / "node_modules").symlink_to(ROOT / "node_modules")
    return destination


def copy_with_execution_cache(destination: Path) -> Path:
    """A copy of the book with the session's execution cache: only a page whose inputs differ from the session's is
    executed (coup1917/sphinx/execution_inputs.py)."""
    cache = WORK_DIR / "_build" / ".jupyter_cache"
    if not cache.is_dir():
        raise FileNotFoundError(f"{cache}: no execution cache; `make book` makes it")
    book = copy_book(destination)
    work = book / "_build" / "work"
    shutil.copytree(cache, work / "_build" / ".jupyter_cache")
    (work / ".extensions-stamp").touch()
    return book


FIXTURE_CONF = """
import sys
sys.path.insert(0, {source!r})  # the fixture's own extension, part of the book's code
extensions = ["myst_nb", "sphinxcontrib.bibtex", "coup1917.sphinx", *{extra!r}]
nb_execution_mode = "force"
nb_execution_raise_on_error = False
nb_execution_show_tb = False
nb_execution_timeout = 60
bibtex_bibfiles = ["refs.bib"]
bibtex_default_style = "edition_author_year"
nitpicky = True
exclude_patterns = ["_build"]
edition_metadata = {metadata!r}
suppress_warnings = {suppressed!r}
"""
FIXTURE_BIB = ("@book{known, author = {Author, Ann}, title = {A Book}, publisher = {P}, address = {Q},"
               " year = {2000}}\n")
FIXTURE_GLOSSARY = "# Glossary\n\n```{glossary}\nKnown term\n  A term the book defines.\n```\n"
#: The front matter that makes a MyST page a notebook myst-nb executes.
NOTEBOOK = ("---\njupytext:\n  text_representation:\n    format_name: myst\nkernelspec:\n  name: python3\n"
            "  display_name: Python 3\n---\n\n")


def fixture_book(tmp_path: Path, files: dict[str, str], extra: tuple[str, ...] = (),
                 suppressed: tuple[str, ...] = (), builder: str = "html", **config) -> Path:
    """A small book of ``files`` (name -> text) with the edition's extensions, a bibliography and a glossary,
    built in process by ``sphinx.testing``'s SphinxTestApp in ``tmp_path/book``; the builder's output folder."""
    from sphinx.testing.util import SphinxTestApp  # Sphinx's test harness: only for the tests that build one

    source = tmp_path / "book"
    source.mkdir()
    metadata = book_structure.config(ROOT)["sphinx"]["config"]["edition_metadata"]
    (source / "conf.py").write_text(FIXTURE_CONF.format(source=str(source), extra=list(extra), metadata=metadata,
                                                        suppressed=list(suppressed)), encoding="utf-8")
    shutil.copy(ROOT / "CITATION.cff", source)
    pages = {"refs.bib": FIXTURE_BIB, "glossary.md": FIXTURE_GLOSSARY, **files,
             "index.md": "# Fixture\n\n```{toctree}\n:glob:\n\n*\n```\n"}
    for name, text in pages.items():
        (source / name).write_text(text, encoding="utf-8")
    app = SphinxTestApp(builder, srcdir=source, status=io.StringIO(), warning=io.StringIO(), confoverrides=config)
    try:
        app.build()
    finally:
        app.cleanup()
    return Path(app.outdir)


def make(book: Path, *targets: str, timeout: int = 900, env: dict | None = None) -> subprocess.CompletedProcess:
    """``make TARGETS`` in a copy, with this checkout's virtual environment and npm packages, never remade; the
    copy's package comes first on the path, so its chapters load the copy's data."""
    return subprocess.run(
        ["make", "--no-print-directory", *targets, f"VENV={VENV}", "-o", f"{VENV}/.installed",
         "-o", "node_modules/.package-lock.json"],
        cwd=book, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": str(book), **(env or {})})


def directives(page: Path, name: str) -> int:
    """How many ``{name}`` directives a MyST notebook page has outside others, read as myst-parser reads it."""
    import jupytext
    from markdown_it.renderer import RendererHTML
    from myst_parser.config.main import MdParserConfig
    from myst_parser.parsers.mdit import create_md_parser

    parser = create_md_parser(MdParserConfig(enable_extensions={"colon_fence"}), RendererHTML)
    return sum(token.type in ("fence", "colon_fence") and token.info.partition("}")[0] == f"{{{name}"
               for cell in jupytext.read(page, fmt="md:myst").cells if cell.cell_type == "markdown"
               for token in parser.parse(cell.source))


def chart_figures(page: Path) -> int:
    """How many charts a page's source shows: its ``{glue:figure}`` directives, each the figure of one chart."""
    return directives(page, "glue:figure")


def chart_outputs(notebook) -> int:
    """How many Plotly charts a notebook's outputs hold, displayed or glued."""
    from coup1917.build.notebooks import charts_in_outputs  # nbclient and myst-nb: only for the tests that need them

    return sum(charts_in_outputs(cell) for cell in notebook.cells if cell.cell_type == "code")


def tree_digest(directory: Path) -> dict[str, str]:
    """Relative path -> sha256 of every file under ``directory``."""
    return {str(path.relative_to(directory)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(directory.rglob("*")) if path.is_file()}


def draw_every_chart(page, timeout_ms: float = 15_000) -> int:
    """Scroll a Playwright page to each chart in turn, as a reader does, until plotly.js has drawn it (its box
    holds plotly's SVG): the book draws a chart only when it nears the viewport. Back to the top; the number of
    charts."""
    charts = page.locator(".plotly-graph-div").all()  # Plotly's own class: the book's charts and the baseline's
    for chart in charts:
        chart.scroll_into_view_if_needed()
        chart.locator("svg.main-svg").first.wait_for(timeout=timeout_ms)
    page.evaluate("window.scrollTo(0, 0)")
    return len(charts)
