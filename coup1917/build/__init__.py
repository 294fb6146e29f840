"""Build the book (HTML, PDF, EPUB or TEI) so that any failure stops it with one line a person understands, a book whose
authorial text departs from the copy-text is never published, and a failed build never touches the last good one.

``python -m coup1917.build BOOK_DIR [--builder html|pdf|epub|tei] [jupyter-book options]`` (``make book``,
``make pdf``, ``make epub``, ``make tei``):

1. checks ``_toc.yml`` against the pages on disk: a page not in the table of contents, or an entry with no file,
   stops the build before it starts (Sphinx would otherwise skip the page, or only warn);
2. runs ``jupyter-book build`` under a time limit into one work directory (``_build/work``) shared by both
   builders, so a notebook executes once for the HTML and the PDF (one execution cache); its whole output goes to
   ``_build/work/build.log``;
3. on failure prints each problem as ``file[:line]: message``: Sphinx's warnings, a code cell that raised (from
   myst-nb's report of the failed notebook), an exception in an extension or in Jupyter Book (its innermost frame
   in the book and the exception), a LaTeX error (the ``.tex`` file and its line), or the time limit; exits 1;
4. compares the new book's authorial text with the copy-text (:mod:`coup1917.build.checks.html_text`, :mod:`coup1917.build.checks.pdf_text`,
   :mod:`coup1917.build.checks.epub_check`, which also runs EPUBCheck; :mod:`coup1917.build.checks.tei_check`,
   which also validates the TEI against tei_all.rng) and refuses to publish it if they differ, printing where, as
   the fidelity test does;
5. writes the runnable downloads into the new site (:mod:`coup1917.build.downloads.runnable`);
6. publishes: the HTML is copied next to ``_build/html`` and swapped in with two renames, so ``_build/html`` is
   always a whole book; the PDF, the EPUB and the TEI go to ``_build/pdf/``, ``_build/epub/`` and ``_build/tei/``,
   and into the site.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from coup1917 import COPY_TEXT, book as book_structure
from coup1917.build.checks import html_text as fidelity, pdf_text
from coup1917.build.downloads import runnable

#: No build of this book takes this long on a 2-core machine (a clean HTML build takes about a minute, the PDF
#: two); past it something waits forever (a kernel, Chromium, TeX), and the build is stopped.
BUILD_TIMEOUT = int(os.environ.get("COUP1917_BUILD_TIMEOUT", 1200))

_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_SPHINX_PROBLEM = re.compile(
    r"^(?:(?P<where>\S[^:]*(?::\d+)?): )?(?:WARNING|ERROR|CRITICAL|SEVERE): (?P<message>.*?)(?: \[[\w.]+\])?$")
_REPORT_SAVED = re.compile(r"Notebook exception traceback saved in: (?P<report>\S+)")
_EXCEPTION = re.compile(r"^(?P<name>[A-Za-z_][\w.]*): (?P<message>.*)$")
_CELL_LINE = re.compile(r"Cell In\[\d+\], line (\d+)")
_CELL_RULE = "-" * 18
_FRAME = re.compile(r'^  File "(?P<file>[^"]+)", line (?P<line>\d+)')
_TEX_ERROR = re.compile(r"^! (?P<message>.+)$")
_TEX_LINE = re.compile(r"^l\.(?P<line>\d+)")
_TEX_CONSEQUENCES = {"Emergency stop.", "==> Fatal error occurred, no output PDF file produced!"}


@dataclass(frozen=True)
class Target:
    """What a builder makes: how Jupyter Book is asked for it, where it lands in the work directory, and, for the
    single-file editions, the file's suffix (published in ``OUT/<output>/`` and in the site)."""
    name: str
    builder_options: tuple[str, ...]
    output: str  # in WORK/_build
    published: str  # in OUT
    suffix: str | None = None  # None: the HTML site

    def built(self, work: Path, book: Path) -> Path:
        directory = work / "_build" / self.output
        return directory / self.file_name(book) if self.suffix else directory

    def file_name(self, book: Path) -> str:
        return str(Path(book_structure.pdf_name(book)).with_suffix(self.suffix))


TARGETS = {
    "html": Target("html", ("--builder", "html"), "html", "html"),
    "pdf": Target("pdf", ("--builder", "custom", "--custom-builder", "typst"), "typst", "pdf", ".pdf"),
    "epub": Target("epub", ("--builder", "custom", "--custom-builder", "epub"), "epub", "epub", ".epub"),
    "tei": Target("tei", ("--builder", "custom", "--custom-builder", "tei"), "tei", "tei", ".xml"),
}
EDITIONS = [target for target in TARGETS.values() if target.suffix]  # published into the site too


class BuildFailed(Exception):
    """The build stopped; ``problems`` are the one-line messages for the reader of the terminal."""

    def __init__(self, problems: list[str], log: Path | None = None):
        super().__init__("\n".join(problems))
        self.problems = problems
        self.log = log  # the build's whole output, when the build got as far as running


# --- the table of contents ------------------------------------------------------------------------------------

def toc_problems(book: Path) -> list[str]:
    """A message for each ``_toc.yml`` entry without its file and for each page on disk missing from it."""
    toc_text = (book / "_toc.yml").read_text(encoding="utf-8")
    listed = book_structure.reading_order(book)
    on_disk = book_structure.pages_on_disk(book)
    problems = [f"_toc.yml:{_line_of(toc_text, name)}: the entry '{name}' has no file "
                f"(looked for {', '.join(name + s for s in book_structure.PAGE_SUFFIXES)})"
                for name in listed if name not in on_disk]
    problems += [f"{path.relative_to(book)}: this page is not in _toc.yml; list it there or remove the file"
                 for name, path in on_disk.items() if name not in listed]
    return problems


def _line_of(toc_text: str, name: str) -> int:
    entry = re.compile(rf"^\s*-?\s*(?:file|root):\s*['\"]?{re.escape(name)}(?:\.\w+)?['\"]?\s*$")
    return next((number for number, line in enumerate(toc_text.splitlines(), 1) if entry.match(line)), 1)


# --- the build's own messages ---------------------------------------------------------------------------------

def log_problems(log: str, book: Path, output: Path | None = None) -> list[str]:
    """The problems of a failed ``jupyter-book build`` log, one line each, paths relative to the book.

    ``output`` is the builder's output directory, where a LaTeX build leaves its ``.tex`` file."""
    lines = [_ANSI.sub("", line).rstrip() for line in log.splitlines()]
    problems, failed_pages = [], set()
    for line in lines:
        saved = _REPORT_SAVED.search(line)
        if saved:  # myst-nb's report of a notebook that raised: the cell and its exception
            report = Path(saved["report"])
            page = _page_of_report(report, book)
            failed_pages.add(page)
            problems.append(_cell_problem(book, page, report.read_text(encoding="utf-8").splitlines()))
    for line in lines:
        sphinx_problem = _SPHINX_PROBLEM.match(line)
        if sphinx_problem and not _REPORT_SAVED.search(line) and "Executing notebook failed" not in line:
            where = sphinx_problem["where"]
            if where and _relative(where.split(":")[0], book) in failed_pages:
                continue  # the page's other warnings follow from its failed cell (missing outputs, glue keys)
            problems.append(f"{where}: {sphinx_problem['message']}" if where else sphinx_problem["message"])
    problems = _merge_cell_failures(problems)
    problems += _latex_problems(lines, book, output) + _exception_problems(lines, book, in_book_only=True)
    problems = problems or _exception_problems(lines, book, in_book_only=False) or [_last_words(lines)]
    return list(dict.fromkeys(problem.replace(f"{book.resolve()}/", "") for problem in problems))


def _merge_cell_failures(problems: list[str]) -> list[str]:
    """One line for one cause: the same exception raised on several pages (a bad table that three chapters load)
    is reported at the first page, naming the others."""
    merged: dict[str, list[str]] = {}
    for problem in problems:
        where, _, what = problem.partition(": a code cell raised ")
        merged.setdefault(what or problem, []).append(where if what else "")
    lines = []
    for what, places in merged.items():
        if not places[0]:
            lines.append(what)
            continue
        others = f" (the same error in {', '.join(places[1:])})" if len(places) > 1 else ""
        lines.append(f"{places[0]}: a code cell raised {what}{others}")
    return lines


def _relative(path: str, book: Path) -> str:
    return path.replace(f"{book.resolve()}/", "")


def _page_of_report(report: Path, book: Path) -> str:
    """The source page of ``reports/<docname>.err.log`` (myst-nb writes one per failed notebook)."""
    parts = report.parts
    docname = "/".join(parts[parts.index("reports") + 1:]).removesuffix(".err.log")
    source = book_structure.pages_on_disk(book).get(docname)
    return str(source.relative_to(book)) if source else docname


def _cell_problem(book: Path, page: str, report: list[str]) -> str:
    """``page:line: a code cell raised Name: message`` from nbclient's CellExecutionError text."""
    rules = [i for i, line in enumerate(report) if line == _CELL_RULE][:2]
    source = "\n".join(report[rules[0] + 1:rules[1]]) if len(rules) == 2 else ""
    traceback = [_ANSI.sub("", line) for line in report[rules[1] + 1 if len(rules) == 2 else 0:]]
    line_in_cell = [int(match[1]) for line in traceback if (match := _CELL_LINE.search(line))]
    raised = next((i for i in range(len(traceback) - 1, -1, -1) if _EXCEPTION.match(traceback[i])
                   and not traceback[i].startswith(" ")), None)
    if raised is None:
        return f"{page}: a code cell raised an error (the traceback is in the build log)"
    exception = _EXCEPTION.match(traceback[raised])
    message = " ".join([exception["message"], *(l.strip() for l in traceback[raised + 1:] if l.strip())])
    return f"{page}{_cell_line(book / page, source, line_in_cell)}: a code cell raised {exception['name']}: {message}"


def _cell_line(page: Path, source: str, line_in_cell: list[int]) -> str:
    """``:N``, the line of the page where the failing statement is, when the cell's source is found there."""
    try:
        text = page.read_text(encoding="utf-8")
    except OSError:
        return ""
    start = text.find(source) if source else -1
    if start < 0:
        return ""
    return f":{text.count(chr(10), 0, start) + (line_in_cell[0] if line_in_cell else 1)}"


def _latex_problems(lines: list[str], book: Path, output: Path | None) -> list[str]:
    """TeX's ``! message`` with the ``l.N`` line that follows it, as ``file.tex:N: message``."""
    tex_files = sorted(output.glob("*.tex")) if output else []
    tex_files = tex_files or [Path("the LaTeX source")]
    problems = []
    for number, line in enumerate(lines):
        error = _TEX_ERROR.match(line)
        if error and error["message"] not in _TEX_CONSEQUENCES:
            at = next((m["line"] for later in lines[number + 1:number + 30] if (m := _TEX_LINE.match(later))), None)
            problems.append(f"{_relative(str(tex_files[0]), book)}{':' + at if at else ''}: {error['message']}")
    return problems


def _exception_problems(lines: list[str], book: Path, in_book_only: bool) -> list[str]:
    """An exception that stopped Sphinx or Jupyter Book, as ``file:line: Name: message``.

    Of a chain of tracebacks, the first (the root cause) that passes through the book's own code is shown, at its
    innermost frame there; the exception's message often names the file at fault itself.
    """
    blocks, current = [], None
    for line in lines:
        if line.startswith("Traceback (most recent call last):"):
            current = []
        elif current is not None:
            frame = _FRAME.match(line)
            if frame:
                current.append((frame["file"], frame["line"]))
            elif not line.startswith(" ") and _EXCEPTION.match(line):
                blocks.append((current, _EXCEPTION.match(line)))
                current = None
    own = str(book.resolve()) + "/"
    for frames, exception in blocks:
        in_book = [(file, line) for file, line in frames if file.startswith(own) and "/.venv/" not in file]
        if in_book:
            file, line = in_book[-1]
            name, message = exception["name"].rsplit(".", 1)[-1], exception["message"].strip()
            if _names_its_file(message, book):  # the message already says which file is at fault
                return [_relative(message, book)]
            return [f"{_relative(file, book)}:{line}: {name}: {message}"]
    if blocks and not in_book_only:  # nothing of the book's own: the root cause where it happened
        frames, exception = blocks[0]
        where = f"{frames[-1][0]}:{frames[-1][1]}: " if frames else ""
        return [f"{where}{exception['name'].rsplit('.', 1)[-1]}: {exception['message'].strip()}"]
    return []


def _names_its_file(message: str, book: Path) -> bool:
    """The edition's own errors (DataError, ...) begin with the path of the file at fault."""
    return message.startswith(f"{book.resolve()}/")


def _last_words(lines: list[str]) -> str:
    meaningful = [line.strip() for line in lines if line.strip() and not set(line.strip()) <= set("=-")]
    return meaningful[-1] if meaningful else "the build failed without a message"


# --- building, checking and publishing ------------------------------------------------------------------------

def run_jupyter_book(book: Path, work: Path, target: Target, options: list[str]) -> Path:
    """``jupyter-book build`` into ``work`` under :data:`BUILD_TIMEOUT`; the log's path, or :class:`BuildFailed`."""
    work.mkdir(parents=True, exist_ok=True)
    log_file = work / "build.log"
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    command = [str(jupyter_book), "build", str(book), "--path-output", str(work), *target.builder_options, *options]
    with log_file.open("w", encoding="utf-8") as log:
        # Its own process group, so that a time-out ends the kernels, Chromium and TeX it started; no terminal
        # input, so that TeX stopping on an error cannot wait for an answer.
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   cwd=book, start_new_session=True)
        try:
            returncode = process.wait(timeout=BUILD_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            raise BuildFailed([f"{_relative(str(log_file), book)}: jupyter-book build did not finish within "
                               f"{BUILD_TIMEOUT} s and was stopped; the log's last lines show what it was doing"],
                              log_file) from None
    if returncode != 0:
        log = log_file.read_text(encoding="utf-8", errors="replace")
        raise BuildFailed(log_problems(log, book, work / "_build" / target.output), log_file)
    return log_file


def text_problems(book: Path, target: Target, built: Path) -> list[str]:
    """How the new book departs from the copy-text (and, for the EPUB, what EPUBCheck finds), each message led by
    the source page it concerns."""
    expected = fidelity.copy_text_words(COPY_TEXT)
    checks = []
    if target.name == "html":
        actual = fidelity.book_words(fidelity.read_book(book, built))
    elif target.name == "pdf":
        actual = pdf_text.authorial_words(built)
    elif target.name == "tei":
        from coup1917.build.checks import tei_check  # jing, on the Java only the TEI and EPUB builds install
        checks = tei_check.validate(built)
        actual = tei_check.authorial_words(built)
    else:
        from coup1917.build.checks import epub_check as epub  # EPUBCheck, on the Java only the EPUB build installs
        try:
            checks = epub.epubcheck(built).messages
        except RuntimeError as error:  # no Java, or no report
            return [str(error)]
        actual = epub.authorial_words(built)
    sources = book_structure.pages_on_disk(book)
    messages = []
    for message in fidelity.differences(expected, actual):
        named = (name for name in re.findall(r"(\S+?)\.x?html\b", message) if name in sources)
        page = next((sources[name].relative_to(book) for name in named), _relative(str(built), book))
        messages.append(f"{page}: the authorial text departs from the copy-text: {message}")
    return checks + messages


def _drop_environment(work: Path) -> None:
    shutil.rmtree(work / "_build" / ".doctrees", ignore_errors=True)


def publish_html(new_html: Path, out: Path, editions: list[Path]) -> None:
    """Copy ``new_html`` (with the published editions) beside ``out``, then swap: readers see the old or the new."""
    incoming, outgoing = out.with_name(out.name + ".incoming"), out.with_name(out.name + ".outgoing")
    for leftover in (incoming, outgoing):
        shutil.rmtree(leftover, ignore_errors=True)
    # Not .buildinfo: Sphinx's hash of the configuration, which holds the checkout's absolute paths, so two
    # checkouts of one commit would publish different bytes; the work directory keeps it for incremental builds.
    shutil.copytree(new_html, incoming, ignore=shutil.ignore_patterns(".buildinfo"))
    for edition in editions:
        if edition.is_file():
            shutil.copy2(edition, incoming / edition.name)
    if out.exists():
        out.rename(outgoing)
    incoming.rename(out)
    shutil.rmtree(outgoing, ignore_errors=True)


def publish_file(new_file: Path, destination: Path, html: Path) -> None:
    """An edition (PDF, EPUB) to ``destination``, and into the published site, each replaced in one rename."""
    for place in (destination, html / destination.name if html.is_dir() else None):
        if place:
            place.parent.mkdir(parents=True, exist_ok=True)
            incoming = place.with_name(place.name + ".incoming")
            shutil.copy2(new_file, incoming)
            incoming.rename(place)


def published(book: Path, out: Path, target: Target) -> Path:
    """Where ``target``'s output is published under ``out``."""
    return out / target.published / target.file_name(book) if target.suffix else out / target.published


def build(book: Path, work: Path, out: Path, builder: str, options: list[str]) -> Path:
    """Build ``book`` with ``builder`` in ``work``; publish under ``out`` on success, else :class:`BuildFailed`."""
    target = TARGETS[builder]
    problems = toc_problems(book)
    if problems:
        raise BuildFailed(problems)
    try:
        log = run_jupyter_book(book, work, target, options)
    except BuildFailed:
        # Sphinx keeps the environment of a build that failed, and the next build would neither read again nor
        # warn again about the pages at fault: it would publish them.
        _drop_environment(work)
        raise
    if target.suffix:
        # myst-nb renders outputs for the builder at hand as it reads a page, into the doctrees all builds share:
        # the next HTML build must read every page afresh.
        _drop_environment(work)
    built = target.built(work, book)
    problems = text_problems(book, target, built)
    if problems:
        raise BuildFailed(problems, log)
    if target.name == "html":  # the runnable downloads, from the built site, into it
        try:
            runnable.write_downloads(book, built)
        except runnable.DownloadFailed as error:
            raise BuildFailed([str(error)], log) from None
    destination, html = published(book, out, target), published(book, out, TARGETS["html"])
    if target.suffix:
        publish_file(built, destination, html)
    else:
        publish_html(built, html, [published(book, out, edition) for edition in EDITIONS])
    return destination


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("book", type=Path, help="the book's directory (with _config.yml and _toc.yml)")
    parser.add_argument("--builder", choices=sorted(TARGETS), default="html")
    parser.add_argument("--work", type=Path, help="where jupyter-book builds (default BOOK/_build/work)")
    parser.add_argument("--out", type=Path, help="where the book is published: OUT/html, OUT/pdf, OUT/epub "
                                                 "(default BOOK/_build)")
    arguments, jupyter_book_options = parser.parse_known_args(argv)
    book = arguments.book.resolve()
    work = (arguments.work or book / "_build" / "work").resolve()
    out = (arguments.out or book / "_build").resolve()
    print(f"Building the book ({arguments.builder}) in {work} ...", flush=True)
    try:
        output = build(book, work, out, arguments.builder, jupyter_book_options)
    except BuildFailed as failure:
        for problem in failure.problems:
            print(problem, file=sys.stderr)
        kept = published(book, out, TARGETS[arguments.builder])
        kept = f"the last good output in {kept} is unchanged" if kept.exists() else f"nothing published in {kept}"
        log = f"; full log: {failure.log}" if failure.log else ""
        print(f"Build failed: {kept}{log}", file=sys.stderr)
        return 1
    print(f"Built: {output}")
    return 0
