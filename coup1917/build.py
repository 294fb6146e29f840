"""Build the HTML book so that bad input stops it with one line a person understands, and a failed build never
touches the last good book.

``python -m coup1917.build BOOK_DIR [jupyter-book options]`` (what ``make book`` runs):

1. checks ``_toc.yml`` against the pages on disk: a page not in the table of contents, or an entry with no file,
   stops the build before it starts (Sphinx would otherwise skip the page, or only warn);
2. runs ``jupyter-book build`` into a work directory (``_build/work``, which keeps Sphinx's environment and the
   execution cache between builds), its whole output going to ``_build/work/build.log``;
3. on failure prints each problem as ``file:line: message`` (a code cell that raised: the chapter, the cell's
   line and the exception, which for bad data names the CSV, its row and field), and exits non-zero;
4. on success copies the new HTML next to ``_build/html`` and swaps it in with two renames, so ``_build/html``
   is always a whole book: the last good one, or the new one (between the renames, for an instant, none).
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml
from sphinx.util.matching import Matcher

PAGE_SUFFIXES = (".md", ".ipynb", ".rst")
# Excluded by Jupyter Book whatever _config.yml says.
ALWAYS_EXCLUDED = ["_build", "Thumbs.db", ".DS_Store", "**.ipynb_checkpoints", ".*", "**/.*"]
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_SPHINX_PROBLEM = re.compile(
    r"^(?:(?P<where>\S[^:]*(?::\d+)?): )?(?:WARNING|ERROR|CRITICAL|SEVERE): (?P<message>.*?)(?: \[[\w.]+\])?$")
_CELL_FAILED = re.compile(r"^(?P<page>\S[^:]*): WARNING: Executing notebook failed: CellExecutionError")
_EXCEPTION = re.compile(r"^(?P<name>[A-Za-z_][\w.]*): (?P<message>.*)$")
_CELL_LINE = re.compile(r"Cell In\[\d+\], line (\d+)")
_CELL_RULE = "-" * 18


class BuildFailed(Exception):
    """The build stopped; ``problems`` are the one-line messages for the reader of the terminal."""

    def __init__(self, problems: list[str], log: Path | None = None):
        super().__init__("\n".join(problems))
        self.problems = problems
        self.log = log  # the build's whole output, when the build got as far as running


# --- the table of contents ------------------------------------------------------------------------------------

def toc_problems(book: Path) -> list[str]:
    """A message for each ``_toc.yml`` entry without its file and for each page on disk missing from it."""
    toc_file = book / "_toc.yml"
    entries = _toc_entries(yaml.compose(toc_file.read_text(encoding="utf-8")))
    problems, listed = [], set()
    for name, line in entries:
        found = [book / (name + suffix) for suffix in ("", *PAGE_SUFFIXES) if (book / (name + suffix)).is_file()]
        if found:
            listed.add(found[0].resolve())
        else:
            problems.append(f"_toc.yml:{line}: the entry '{name}' has no file "
                            f"(looked for {', '.join(name + s for s in PAGE_SUFFIXES)})")
    for page in _pages_on_disk(book):
        if page.resolve() not in listed:
            problems.append(f"{page.relative_to(book)}: this page is not in _toc.yml; "
                            "list it there or remove the file")
    return problems


def _toc_entries(node: yaml.Node) -> list[tuple[str, int]]:
    """(path, line) of every ``root`` and ``file`` in the composed YAML of a table of contents."""
    entries = []
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if key.value in ("root", "file") and isinstance(value, yaml.ScalarNode):
                entries.append((value.value, value.start_mark.line + 1))
            else:
                entries += _toc_entries(value)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            entries += _toc_entries(item)
    return entries


def _pages_on_disk(book: Path) -> list[Path]:
    config = yaml.safe_load((book / "_config.yml").read_text(encoding="utf-8")) or {}
    excluded = Matcher([*ALWAYS_EXCLUDED, *config.get("exclude_patterns", [])])
    def is_excluded(path: Path) -> bool:  # as Sphinx does: the file or any folder above it matches
        parts = path.relative_to(book).parts
        return any(excluded("/".join(parts[:depth])) for depth in range(1, len(parts) + 1))

    return sorted(path for path in book.rglob("*")
                  if path.suffix in PAGE_SUFFIXES and path.is_file() and not is_excluded(path))


# --- the build's own messages ---------------------------------------------------------------------------------

def log_problems(log: str, book: Path) -> list[str]:
    """The problems of a failed ``jupyter-book build`` log, one line each, paths relative to the book."""
    lines = [_ANSI.sub("", line).rstrip() for line in log.splitlines()]
    problems = []
    for number, line in enumerate(lines):
        failed_cell = _CELL_FAILED.match(line)
        if failed_cell:
            problems.append(_cell_problem(Path(failed_cell["page"]), lines[number + 1:]))
            continue
        sphinx_problem = _SPHINX_PROBLEM.match(line)
        if sphinx_problem and "Kernel is running over TCP" not in line:
            where = sphinx_problem["where"]
            problems.append(f"{where}: {sphinx_problem['message']}" if where else sphinx_problem["message"])
    problems = list(dict.fromkeys(problem.replace(f"{book.resolve()}/", "") for problem in problems))
    return problems or [_last_words(lines)]


def _cell_problem(page: Path, following: list[str]) -> str:
    """``page:line: a code cell raised Name: message`` from the traceback that follows myst-nb's warning."""
    rules = [i for i, line in enumerate(following) if line == _CELL_RULE][:2]
    source = "\n".join(following[rules[0] + 1:rules[1]]) if len(rules) == 2 else ""
    end = next((i for i, line in enumerate(following) if line.strip() == "[mystnb.exec]"), len(following))
    traceback = following[rules[1] + 1 if len(rules) == 2 else 0:end]
    line_in_cell = [int(match[1]) for line in traceback if (match := _CELL_LINE.search(line))]
    raised = next((i for i in range(len(traceback) - 1, -1, -1) if _EXCEPTION.match(traceback[i])
                   and not traceback[i].startswith(" ")), None)
    if raised is None:
        return f"{page}: a code cell raised an error (see the log)"
    exception = _EXCEPTION.match(traceback[raised])
    message = " ".join([exception["message"], *(l.strip() for l in traceback[raised + 1:] if l.strip())])
    return f"{page}{_cell_line(page, source, line_in_cell)}: a code cell raised {exception['name']}: {message}"


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


def _last_words(lines: list[str]) -> str:
    meaningful = [line.strip() for line in lines if line.strip() and not set(line.strip()) <= set("=-")]
    return meaningful[-1] if meaningful else "the build failed without a message"


# --- building and publishing ----------------------------------------------------------------------------------

def build(book: Path, work: Path, out: Path, jupyter_book_options: list[str]) -> None:
    """Build ``book`` in ``work``; on success make ``out`` the new book, else raise :class:`BuildFailed`."""
    problems = toc_problems(book)
    if problems:
        raise BuildFailed(problems)
    work.mkdir(parents=True, exist_ok=True)
    log_file = work / "build.log"
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    with log_file.open("w", encoding="utf-8") as log:
        finished = subprocess.run([str(jupyter_book), "build", str(book), "--path-output", str(work),
                                   *jupyter_book_options], stdout=log, stderr=subprocess.STDOUT, cwd=book)
    if finished.returncode != 0:
        raise BuildFailed(log_problems(log_file.read_text(encoding="utf-8", errors="replace"), book), log_file)
    publish(work / "_build" / "html", out)


def publish(new_html: Path, out: Path) -> None:
    """Copy ``new_html`` beside ``out``, then swap: readers of ``out`` see the old book or the new, whole."""
    incoming, outgoing = out.with_name(out.name + ".incoming"), out.with_name(out.name + ".outgoing")
    for leftover in (incoming, outgoing):
        shutil.rmtree(leftover, ignore_errors=True)
    # Not .buildinfo: Sphinx's hash of the configuration, which holds the checkout's absolute paths, so two
    # checkouts of one commit would publish different bytes; the work directory keeps it for incremental builds.
    shutil.copytree(new_html, incoming, ignore=shutil.ignore_patterns(".buildinfo"))
    if out.exists():
        out.rename(outgoing)
    incoming.rename(out)
    shutil.rmtree(outgoing, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("book", type=Path, help="the book's directory (with _config.yml and _toc.yml)")
    parser.add_argument("--work", type=Path, help="where jupyter-book builds (default BOOK/_build/work)")
    parser.add_argument("--out", type=Path, help="the published HTML (default BOOK/_build/html)")
    arguments, jupyter_book_options = parser.parse_known_args(argv)
    book = arguments.book.resolve()
    work = (arguments.work or book / "_build" / "work").resolve()
    out = (arguments.out or book / "_build" / "html").resolve()
    print(f"Building the book in {work} ...", flush=True)
    try:
        build(book, work, out, jupyter_book_options)
    except BuildFailed as failure:
        for problem in failure.problems:
            print(problem, file=sys.stderr)
        kept = f"the last good book in {out} is unchanged" if out.exists() else f"no book in {out}"
        log = f"; full log: {failure.log}" if failure.log else ""
        print(f"Build failed: {kept}{log}", file=sys.stderr)
        return 1
    print(f"Built: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
