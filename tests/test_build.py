"""coup1917.build end to end: `make book` on copies of the book, and one clean build compared with the session's.

Two kinds of bad input go through the real `make book` (the others are in tests/test_bad_input.py, in process):
a CSV whose value only a chapter's code refuses, raised in a kernel (myst-nb's record of the failed cell), and a
Sphinx warning (Sphinx's logging), each one line naming the input, the last good book kept. Each case breaks its own
copy of the book with the session's execution cache (tests.support.copy_with_execution_cache) and the session's book
as its "last good" _build/html.

Reproducible: a copy built from nothing but the session's execution cache (the HTML, the PDF, the EPUB, the TEI)
publishes the same bytes as the session's build of the same sources (`make test` builds that one, incrementally, in
the checkout). The cache keeps the copy from executing the chapters a third time: that the chapters' outputs are
themselves reproducible is checked where they run again, in another folder and environment (tests/test_runnable.py).
"""

import difflib
import os
import shutil
import time
from pathlib import Path

import pytest

from coup1917 import ROOT, build
from coup1917.sphinx.editions import metadata
from coup1917.sphinx.problems import LEDGER_VARIABLE
from tests.support import HTML_DIR, copy_with_execution_cache, ledger_records, make, tree_digest

PROSE_PAGE = "chapters/02-the-second-congress.md"


def seeded_copy(destination: Path) -> Path:
    """A copy as a developer's checkout has it: the session's execution cache, and its book as the last good one."""
    if not (HTML_DIR / "index.html").exists():
        pytest.fail(f"no built book in {HTML_DIR}: run the tests with `make test`, which builds it first")
    book = copy_with_execution_cache(destination)
    shutil.copytree(HTML_DIR, book / "_build" / "html")
    return book


def problems(stderr: str) -> list[str]:
    """The build's own lines about the input: not its closing line, nor make's."""
    return [line for line in stderr.splitlines()
            if not line.startswith(("Build failed: ", "make: ", "make[")) and line.strip()]


def assert_fails_with_one_line_keeping_the_last_good_book(book: Path, expected: str, attempts: int = 1) -> None:
    html = book / "_build" / "html"
    good = tree_digest(html)
    for attempt in range(1, attempts + 1):  # a later build must not take a failed one's environment as good
        done = make(book, "book")
        assert done.returncode != 0, f"build {attempt} succeeded\n{done.stdout[-2000:]}"
        assert problems(done.stderr) == [expected], done.stderr[-3000:]
        assert "Build failed: the last good output in " in done.stderr and "is unchanged" in done.stderr
        assert tree_digest(html) == good, f"build {attempt} changed _build/html"
        assert not list(html.parent.glob("html.*")), "a half-published book was left beside _build/html"


@pytest.mark.build
@pytest.mark.notebooks
def test_a_csv_value_a_chapter_refuses_in_its_kernel_is_one_line_at_the_cell(tmp_path):
    """A date the schema allows (1917-1924) but Russia never had (the days skipped in February 1918): the
    chronology's code refuses it as it runs, and the build names the cell's line and the value."""
    book = seeded_copy(tmp_path / "book")
    csv = book / "data" / "chronology.csv"
    csv.write_text(csv.read_text(encoding="utf-8").replace(",1918-01-18,", ",1918-02-05,", 1), encoding="utf-8")
    page = "chapters/chronology.md"
    line = (book / page).read_text(encoding="utf-8").split("\n").index(
        'chronology["new_style"] = chronology.written.map(calendar.new_style_of)') + 1
    assert_fails_with_one_line_keeping_the_last_good_book(book, (
        f"{page}:{line}: a code cell raised ValueError: '1918-02-05' falls in the days Russia skipped: "
        "1918-01-31 (Old Style) was followed by 1918-02-14 (New Style)"))


@pytest.mark.build
def test_a_sphinx_warning_is_one_line_and_two_builds_in_a_row_keep_the_last_good_book(tmp_path):
    book = seeded_copy(tmp_path / "book")
    page = book / PROSE_PAGE
    lines = page.read_text(encoding="utf-8").split("\n")
    front_matter_end = lines.index("---", 1) + 1
    lines[front_matter_end:front_matter_end] = ["", ":::{div} editorial", "A {term}`No such term`.", ":::"]
    page.write_text("\n".join(lines), encoding="utf-8")
    assert_fails_with_one_line_keeping_the_last_good_book(
        book, f"{PROSE_PAGE}:{front_matter_end + 3}: term not in glossary: 'No such term'", attempts=2)


# --- one clean build, compared with the session's --------------------------------------------------------------

PUBLISHED = ("html", "pdf", "epub", "tei")


@pytest.mark.build
@pytest.mark.pdf
@pytest.mark.epub
@pytest.mark.tei
def test_a_clean_build_publishes_the_same_bytes_as_the_sessions_build(tmp_path):
    """Chart ids come from the figures, pages carry no build date, notebooks' cell ids are numbered, the published
    site leaves out Sphinx's .buildinfo (a hash of paths), and the PDF's and EPUB's dates and identifiers come from
    the last commit: another directory, built from nothing but the execution cache, gives the same bytes as the
    session's incremental build, in the site and in each edition, without executing a chapter."""
    session = {name: digest for folder in PUBLISHED
               for name, digest in _prefixed(folder, tree_digest(ROOT / "_build" / folder)).items()}
    pdf, epub, tei = (build.TARGETS[name].file_name(ROOT) for name in ("pdf", "epub", "tei"))
    if not {f"pdf/{pdf}", f"epub/{epub}", f"tei/{tei}", "html/index.html"} <= session.keys():
        pytest.fail("the session's HTML, PDF, EPUB and TEI are missing: run the tests with `make test`")
    book = copy_with_execution_cache(tmp_path / "clean")
    started = time.monotonic()
    done = make(book, "book", "pdf", "epub", "tei", timeout=1800,
                env={"SOURCE_DATE_EPOCH": str(metadata.source_date_epoch(ROOT))})
    print(f"a clean build of the HTML, the PDF, the EPUB and the TEI: {time.monotonic() - started:.0f} s")
    assert done.returncode == 0, done.stderr[-3000:]
    builds = [record for record in ledger_records(Path(os.environ[LEDGER_VARIABLE])) if Path(record.get("srcdir", "")) == book]
    assert sorted(record["builder"] for record in builds) == ["epub", "html", "tei", "typst"]
    assert [page for record in builds for page in record["executed"]] == []  # every output from the cache
    clean = {name: digest for folder in PUBLISHED
             for name, digest in _prefixed(folder, tree_digest(book / "_build" / folder)).items()}
    assert sorted(clean.keys() ^ session.keys()) == []
    differing = sorted(name for name in clean if clean[name] != session[name])
    assert differing == [], _first_difference(ROOT / "_build", book / "_build", differing)
    assert {f"html/{pdf}", f"html/{epub}", f"html/{tei}", "html/chapters/chronology.html"} <= clean.keys()


def _prefixed(folder: str, digests: dict[str, str]) -> dict[str, str]:
    return {f"{folder}/{name}": digest for name, digest in digests.items()}


def _first_difference(session: Path, clean: Path, names: list[str]) -> str:
    """The first lines that differ in the first text file of ``names``, to say why two builds differ."""
    for name in names:
        try:
            ours, theirs = ((root / name).read_text(encoding="utf-8").split(">") for root in (session, clean))
        except UnicodeDecodeError:
            continue
        diff = difflib.unified_diff(ours, theirs, "session/" + name, "clean/" + name, n=0, lineterm="")
        return "\n".join(list(diff)[:12])
    return ""
