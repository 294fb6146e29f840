"""coup1917.build through `make book`: every kind of bad input stops the build with one line naming the file and
the line or row, a failed build leaves the last good book as it was, and two clean builds are byte-identical.

Each case breaks its own copy of the book (tests/conftest.py: copy_book), seeded with the built book as its "last
good" _build/html, and runs the real `make book` there; the copies build two at a time.
"""

import re
import shutil
import time
from pathlib import Path

import pytest

from conftest import HTML_DIR, copy_book, make_book, tree_digest
from coup1917 import ROOT, build

FRONT_MATTER_END = 13  # the line of the closing "---" in chapters/02-the-second-congress.md
PROSE_PAGE = "chapters/02-the-second-congress.md"


def add_editorial_line(book: Path, text: str) -> int:
    """Put ``text`` in an editorial div right after the page's front matter; return its line number."""
    page = book / PROSE_PAGE
    lines = page.read_text(encoding="utf-8").split("\n")
    assert lines[FRONT_MATTER_END - 1] == "---"
    lines[FRONT_MATTER_END:FRONT_MATTER_END] = ["", ":::{div} editorial", text, ":::"]
    page.write_text("\n".join(lines), encoding="utf-8")
    return FRONT_MATTER_END + 3


def replace_in(book: Path, name: str, old: str, new: str) -> None:
    path = book / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def unknown_citation(book):
    line = add_editorial_line(book, "As {cite:p}`nosuchwork` says.")
    return f'{PROSE_PAGE}:{line}: could not find bibtex key "nosuchwork"'


def broken_cross_reference(book):
    line = add_editorial_line(book, "See {ref}`no-such-label`.")
    return f"{PROSE_PAGE}:{line}: undefined label: 'no-such-label'"


def undefined_glossary_term(book):
    line = add_editorial_line(book, "A {term}`No such term`.")
    return f"{PROSE_PAGE}:{line}: term not in glossary: 'No such term'"


def slip_without_correction(book):
    line = add_editorial_line(book, "A slip: {sic}`teh`.")
    return (f"{PROSE_PAGE}:{line}: {{sic}} mark 'teh' needs the words as printed, the reading and the reason: "
            "write {sic}`as printed :: reading :: reason`")


def page_not_in_toc(book):
    (book / "chapters" / "stray.md").write_text("# A stray page\n", encoding="utf-8")
    return "chapters/stray.md: this page is not in _toc.yml; list it there or remove the file"


def toc_entry_without_file(book):
    toc = book / "_toc.yml"
    toc.write_text(toc.read_text(encoding="utf-8") + "      - file: chapters/missing\n", encoding="utf-8")
    line = len(toc.read_text(encoding="utf-8").splitlines())
    return (f"_toc.yml:{line}: the entry 'chapters/missing' has no file "
            "(looked for chapters/missing.md, chapters/missing.ipynb, chapters/missing.rst)")


def code_cell_raises(book):
    page = "chapters/03-the-coup.md"
    replace_in(book, page, "```{code-cell} ipython3\n:tags: [hide-input, remove-output]\n\n",
               "```{code-cell} ipython3\n:tags: [hide-input, remove-output]\n\n1 / 0\n")
    line = (book / page).read_text(encoding="utf-8").split("\n").index("1 / 0") + 1
    return f"{page}:{line}: a code cell raised ZeroDivisionError: division by zero"


def malformed_csv(book):
    replace_in(book, "data/election-1917.csv", "Mensheviks,1144,", "Mensheviks,11x44,")
    return re.compile(r"chapters/[\w.-]+\.md:\d+: a code cell raised DataError: data/election-1917\.csv does not "
                      r"match its schema \(table 'election-1917' in datapackage\.json\): row 3 \(line 4\), "
                      r"field 'votes_thousands': type-error: .*\"11x44\".*")


def inconsistent_csv(book):
    replace_in(book, "data/election-1917.csv", "\nMensheviks,", "\nBolsheviks,")  # a second "Bolsheviks" row
    return re.compile(r"chapters/[\w.-]+\.md:\d+: a code cell raised DataError: data/election-1917\.csv does not "
                      r"match its schema \(table 'election-1917' in datapackage\.json\): row 3 \(line 4\): "
                      r"primary-key: .*")


CASES = [malformed_csv, inconsistent_csv, unknown_citation, broken_cross_reference, undefined_glossary_term,
         slip_without_correction, page_not_in_toc, toc_entry_without_file, code_cell_raises]


def run_case(case, root: Path):
    book = copy_book(root / case.__name__)
    seed_execution_cache(book)
    expected = case(book)
    shutil.copytree(HTML_DIR, book / "_build" / "html")  # the last good book
    before = tree_digest(book / "_build" / "html")
    done = make_book(book)
    return expected, done, before == tree_digest(book / "_build" / "html")


def seed_execution_cache(book: Path) -> None:
    """Give the copy the built book's execution cache, as a developer's checkout has it: notebooks whose code is
    unchanged are not run again; a page whose data a case changes is executed again
    (coup1917/sphinx/execution_inputs.py), as it would be in the checkout."""
    cache = ROOT / "_build" / "work" / "_build" / ".jupyter_cache"
    work = book / "_build" / "work"
    shutil.copytree(cache, work / "_build" / ".jupyter_cache")
    (work / ".extensions-stamp").touch()


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory):
    if not (HTML_DIR / "index.html").exists():
        pytest.fail(f"no built book in {HTML_DIR}: run the tests with `make test`, which builds it first")
    root = tmp_path_factory.mktemp("bad-books")
    # One build at a time: two kernels started at once can draw the same TCP port (ZMQError, "Address already in
    # use"), and the build then fails on the kernel instead of on the bad input.
    return {case.__name__: run_case(case, root) for case in CASES}


def problems(stderr: str) -> list[str]:
    """The build's own lines about the input: not its closing line, nor make's."""
    return [line for line in stderr.splitlines()
            if not line.startswith(("Build failed: ", "make: ", "make[")) and line.strip()]


@pytest.mark.parametrize("case", [case.__name__ for case in CASES])
def test_bad_input_stops_make_book_with_one_line_and_keeps_the_last_good_book(outcomes, case):
    expected, done, html_intact = outcomes[case]
    assert done.returncode != 0, f"{case}: the build succeeded\n{done.stdout[-2000:]}"
    reported = problems(done.stderr)
    assert len(reported) == 1, f"{case}: expected one line, got:\n" + "\n".join(reported)
    if isinstance(expected, str):
        assert reported[0] == expected
    else:
        assert expected.fullmatch(reported[0]), reported[0]
    assert "Build failed: the last good book in " in done.stderr and "is unchanged" in done.stderr
    assert html_intact, f"{case}: _build/html changed"


# --- two clean builds of the same sources; then a failure after a good build ------------------------------------

@pytest.fixture(scope="module")
def clean_builds(tmp_path_factory):
    """The book copied into two directories and built from clean in each, one after the other (see outcomes)."""
    root = tmp_path_factory.mktemp("clean-books")
    books = [copy_book(root / name) for name in ("first", "second")]
    started = time.monotonic()
    builds = [make_book(book) for book in books]
    print(f"two clean builds: {time.monotonic() - started:.0f} s")
    for done in builds:
        assert done.returncode == 0, done.stderr
    return books


def test_two_clean_builds_are_byte_identical(clean_builds):
    """Chart ids come from the figures, pages carry no build date, notebooks' cell ids are numbered, and the
    published site leaves out Sphinx's .buildinfo (a hash of paths): two directories, the same bytes."""
    first, second = (tree_digest(book / "_build" / "html") for book in clean_builds)
    assert first.keys() == second.keys(), sorted(first.keys() ^ second.keys())
    differing = sorted(name for name in first if first[name] != second[name])
    assert not differing, f"files that differ between two builds: {differing}"
    assert len(first) > 50 and any(name.endswith("chronology.html") for name in first)


def test_a_failed_make_book_keeps_the_book_the_last_good_one_built(clean_builds):
    book = clean_builds[0]
    html = book / "_build" / "html"
    good = tree_digest(html)
    assert "index.html" in good and not list(html.parent.glob("html.*"))  # swapped in, nothing left over
    undefined_glossary_term(book)
    failed = make_book(book)
    assert failed.returncode != 0
    assert tree_digest(html) == good


# --- the pieces ------------------------------------------------------------------------------------------------

def test_the_toc_check_passes_the_real_book():
    assert build.toc_problems(ROOT) == []


def test_a_failed_cell_is_reported_at_its_line_in_the_page(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("# T\n\n```{code-cell} ipython3\nx = 1\ny = x / 0\n```\n", encoding="utf-8")
    log = "\n".join([
        f"{page}: WARNING: Executing notebook failed: CellExecutionError [mystnb.exec]",
        "nbclient.exceptions.CellExecutionError: An error occurred while executing the following cell:",
        "-" * 18, "x = 1", "y = x / 0", "-" * 18, "",
        "\x1b[31mZeroDivisionError\x1b[39m  Traceback (most recent call last)",
        "Cell In[1], line 2", "\x1b[31mZeroDivisionError\x1b[39m: division by zero", "", " [mystnb.exec]",
    ])
    assert build.log_problems(log, tmp_path) == ["page.md:5: a code cell raised ZeroDivisionError: division by zero"]
