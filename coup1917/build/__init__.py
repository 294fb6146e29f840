"""``python -m coup1917.build BOOK [--builder html|pdf|epub|tei]``: check the inputs, run jupyter-book under a time
limit in ``_build/work`` (one execution cache for every builder), print each problem as ``file[:line]: message``,
refuse a book whose authorial text departs from the copy-text, write the runnable downloads, and publish so that a
failed build never touches the last good output (README, "When the build fails").
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml
from sphinx_external_toc.parsing import MalformedError

from coup1917 import COPY_TEXT, book as book_structure, data
from coup1917.build.checks import html_text as fidelity, pdf_text
from coup1917.build.downloads import runnable
from coup1917.book import records_path

#: No build of this book takes this long on a 2-core machine (a clean HTML build takes about a minute, the PDF
#: two); past it something waits forever (a kernel, Chromium, TeX), and the build is stopped.
BUILD_TIMEOUT = int(os.environ.get("COUP1917_BUILD_TIMEOUT", 1200))


@dataclass(frozen=True)
class Target:
    name: str  # also the folder of OUT it is published in
    output: str  # the Sphinx builder, and its folder in WORK/_build
    suffix: str | None = None  # the single-file editions' (published in OUT/<name>/ and in the site); None: HTML

    def place(self, directory: Path, book: Path) -> Path:
        """Its file in ``directory`` for a single-file edition, else ``directory`` itself (the site)."""
        return directory / self.file_name(book) if self.suffix else directory

    def file_name(self, book: Path) -> str:
        return book_structure.edition_name(book, self.suffix)


TARGETS = {"html": Target("html", "html"), "pdf": Target("pdf", "typst", ".pdf"),
           "epub": Target("epub", "epub", ".epub"), "tei": Target("tei", "tei", ".xml")}


class BuildFailed(Exception):
    def __init__(self, problems: list[str], log: Path | None = None):
        super().__init__("\n".join(problems))
        self.problems = problems
        self.log = log  # the build's whole output, when the build got as far as running


def input_problems(book: Path) -> list[str]:
    """Each stage needs the one before it to pass: bytes that are not UTF-8 cannot be parsed as YAML, nor a toc."""
    for stage in (encoding_problems, yaml_problems):
        if problems := stage(book):
            return problems
    return toc_problems(book) + [_relative(problem, book)
                                 for problem in data.table_problems(book / "data" / "datapackage.json")]


def encoding_problems(book: Path) -> list[str]:
    """The configuration first, since the other files (bibliography, pages, data) are found through it."""
    if problems := _not_utf8([book / name for name in ("_config.yml", "_toc.yml", "CITATION.cff")], book):
        return problems
    try:
        bibliographies = [book / name for name in book_structure.config(book).get("bibtex_bibfiles", [])]
        pages = list(book_structure.pages_on_disk(book).values())
    except yaml.YAMLError:  # yaml_problems names it; the rest is checked once it reads
        return problems
    data_files = sorted(path for path in (book / "data").glob("*") if path.suffix in {".csv", ".json", ".txt"})
    return _not_utf8([*bibliographies, *pages, *data_files], book)


def _not_utf8(paths: list[Path], book: Path) -> list[str]:
    problems = []
    for path in paths:
        raw = path.read_bytes() if path.is_file() else b""
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError as error:
            line = raw.count(b"\n", 0, error.start) + 1
            column = len(raw[raw.rfind(b"\n", 0, error.start) + 1:error.start].decode("utf-8")) + 1
            problems.append(f"{path.relative_to(book)}:{line}: not UTF-8 "
                            f"(byte 0x{raw[error.start]:02x} at column {column})")
    return problems


def yaml_problems(book: Path) -> list[str]:
    problems = []
    for name in ("_config.yml", "_toc.yml"):
        try:
            yaml.safe_load((book / name).read_text(encoding="utf-8"))
        except FileNotFoundError:
            problems.append(f"{name}: missing; Jupyter Book needs it (restore it: git checkout -- {name})")
        except yaml.MarkedYAMLError as error:
            mark = error.problem_mark or error.context_mark
            problems.append(f"{name}:{mark.line + 1}: not valid YAML: {error.problem} (column {mark.column + 1})")
    return problems


def toc_problems(book: Path) -> list[str]:
    """Sphinx would skip a page missing from ``_toc.yml``, or only warn about an entry without its file."""
    try:
        listed = book_structure.reading_order(book)
    except MalformedError as error:  # sphinx_external_toc's word for a _toc.yml of the wrong shape
        return [f"_toc.yml: {error}"]
    on_disk = book_structure.pages_on_disk(book)
    lines, pending = {}, [yaml.compose((book / "_toc.yml").read_text(encoding="utf-8"))]
    while pending:  # docname -> the line of its file:/root: entry, from the YAML parser's marks
        node = pending.pop()
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if key.value in ("file", "root") and isinstance(value, yaml.ScalarNode):
                    lines.setdefault(str(Path(value.value).with_suffix("")), value.start_mark.line + 1)
                pending.append(value)
        elif isinstance(node, yaml.SequenceNode):
            pending.extend(node.value)
    problems = [f"_toc.yml:{lines.get(name, 1)}: the entry '{name}' has no file "
                f"(looked for {', '.join(name + s for s in book_structure.PAGE_SUFFIXES)})"
                for name in listed if name not in on_disk]
    return problems + [f"{path.relative_to(book)}: this page is not in _toc.yml; list it there or remove the file"
                       for name, path in on_disk.items() if name not in listed]


def reported_problems(records: dict | None, book: Path) -> list[str]:
    """The lines of a failed build from its records (:mod:`coup1917.sphinx.problems`); ``None``: no Sphinx build."""
    problems = []
    if records:
        failed_pages = {cell["file"] for cell in records["failed_cells"]}
        # The same exception on several pages (a table three chapters load) is one line, naming the others.
        failures: dict[str, list[str]] = {}
        for cell in records["failed_cells"]:
            where, what = _cell_problem(cell)
            failures.setdefault(what, []).append(where)
        problems += [f"{places[0]}: a code cell raised {what}"
                     + (f" (the same error in {', '.join(places[1:])})" if len(places) > 1 else "")
                     for what, places in failures.items()]
        # A page's other warnings follow from its failed cell (missing outputs, glue keys), as do myst-nb's own.
        problems += [_located(warning["file"], warning["line"], warning["message"])
                     for warning in records["warnings"] if warning["file"] not in failed_pages]
        if exception := records["exception"]:
            if exception["message"].startswith(f"{book.resolve()}/"):  # the edition's errors name their file
                problems.append(_one_line(exception["message"]))
            else:
                problems.append(_located(exception["file"], exception["line"],
                                         f"{exception['name']}: {exception['message']}"))
    return list(dict.fromkeys(_relative(problem, book) for problem in problems))


def _located(file: str | None, line: int | None, message: str) -> str:
    return f"{_place(file, line)}: {_one_line(message)}" if file else _one_line(message)


def _place(file: str, line: int | None) -> str:
    return f"{file}:{line}" if line else file


def _one_line(message: str) -> str:
    return " ".join(part.strip() for part in message.splitlines() if part.strip())


def _relative(text: str, book: Path) -> str:
    return text.replace(f"{book.resolve()}/", "")


def _cell_problem(cell: dict) -> tuple[str, str]:
    """Where (the line of the page where the failing statement is, when the cell's source is found there) and what."""
    if not cell["name"]:
        return cell["file"], f"{cell['error']} (its traceback is in the build's reports/)"
    try:
        text = Path(cell["file"]).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        text = ""
    start = text.find(cell["source"]) if cell["source"] else -1
    line = text.count("\n", 0, start) + (cell["line_in_cell"] or 1) if start >= 0 else None
    return _place(cell["file"], line), _one_line(f"{cell['name']}: {cell['value']}")


def run_jupyter_book(book: Path, work: Path, target: Target, options: list[str]) -> Path:
    """``jupyter-book build`` into ``work`` under :data:`BUILD_TIMEOUT`; the log's path, or :class:`BuildFailed`."""
    work.mkdir(parents=True, exist_ok=True)
    # Sphinx (7.4) adds ?v=<checksum> to a page's link to an asset only if the asset is already in the output when
    # the page is written; extensions copy some of theirs (sphinx-tippy's, myst-nb's) later. An asset left from an
    # earlier build would give a page a link that a build from nothing does not. So every build starts from an
    # empty output and writes every page (from the environment it keeps: nothing is read or executed again), and
    # the per-page assets (sphinx-tippy's previews) are written with their pages.
    shutil.rmtree(work / "_build" / target.output, ignore_errors=True)
    log_file = work / "build.log"
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    builder = ("--builder", "custom", "--custom-builder", target.output) if target.suffix else ("--builder", "html")
    command = [str(jupyter_book), "build", str(book), "--path-output", str(work), *builder, *options]
    with log_file.open("w", encoding="utf-8") as log:
        # Its own process group, so that a time-out ends the kernels and Chromium it started; no terminal input,
        # so that nothing it starts can wait for an answer.
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
        records_file = records_path(work / "_build" / target.output)
        records = json.loads(records_file.read_text(encoding="utf-8")) if records_file.is_file() else None
        raise BuildFailed(reported_problems(records, book) or [
            f"{_relative(str(log_file), book)}: jupyter-book build failed (exit status {returncode}) "
            + ("with no problem that Sphinx reported" if records else "before Sphinx began to build")
            + "; the log says why"], log_file)
    return log_file


def text_problems(book: Path, target: Target, built: Path) -> list[str]:
    """How the new book departs from the copy-text (and what EPUBCheck or the TEI schema finds), by source page."""
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
    for message in fidelity.differences(fidelity.copy_text_words(COPY_TEXT), actual):
        named = (name for name in re.findall(r"(\S+?)\.x?html\b", message) if name in sources)
        page = next((sources[name].relative_to(book) for name in named), _relative(str(built), book))
        checks.append(f"{page}: the authorial text departs from the copy-text: {message}")
    return checks


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
    """An edition to ``destination``, and into the published site, each replaced in one rename."""
    for place in [destination, *([html / destination.name] if html.is_dir() else [])]:
        place.parent.mkdir(parents=True, exist_ok=True)
        incoming = place.with_name(place.name + ".incoming")
        shutil.copy2(new_file, incoming)
        incoming.rename(place)


def build(book: Path, work: Path, out: Path, builder: str, options: list[str]) -> Path:
    """Build ``book`` with ``builder`` in ``work``; publish under ``out`` on success, else :class:`BuildFailed`."""
    target = TARGETS[builder]
    if problems := input_problems(book):
        raise BuildFailed(problems)
    try:
        log = run_jupyter_book(book, work, target, options)
    except BuildFailed:
        # Sphinx keeps the environment of a build that failed, and the next build would neither read again nor
        # warn again about the pages at fault: it would publish them.
        shutil.rmtree(work / "_build" / ".doctrees", ignore_errors=True)
        raise
    if target.suffix:
        # myst-nb renders outputs for the builder at hand as it reads a page, into the doctrees all builds share:
        # the next HTML build must read every page afresh.
        shutil.rmtree(work / "_build" / ".doctrees", ignore_errors=True)
    built = target.place(work / "_build" / target.output, book)
    if problems := text_problems(book, target, built):
        raise BuildFailed(problems, log)
    destination = target.place(out / target.name, book)
    if target.suffix:
        publish_file(built, destination, out / "html")
        return destination
    try:  # the runnable downloads, from the built site, into it
        runnable.write_downloads(book, built)
    except runnable.DownloadFailed as error:
        raise BuildFailed([str(error)], log) from None
    publish_html(built, destination, [edition.place(out / edition.name, book) for edition in TARGETS.values()
                                      if edition.suffix])
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
        kept = TARGETS[arguments.builder].place(out / arguments.builder, book)
        kept = f"the last good output in {kept} is unchanged" if kept.exists() else f"nothing published in {kept}"
        log = f"; full log: {failure.log}" if failure.log else ""
        print(f"Build failed: {kept}{log}", file=sys.stderr)
        return 1
    print(f"Built: {output}")
    return 0
