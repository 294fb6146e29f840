"""coup1917.build through `make book` and `make pdf`: every kind of bad input stops the build with one line naming
the file and the line or row, a book whose authorial text departs from the copy-text is never published, a failed
build leaves the last good output as it was, and two clean builds are byte-identical.

Each case breaks its own copy of the book (tests.support.copy_book), seeded with the built book as its "last
good" _build/html and with its execution cache, and runs the real `make` there.
"""

import concurrent.futures
import re
import shutil
import time
from pathlib import Path

import pytest

from coup1917 import ROOT, build
from coup1917.sphinx.editions import metadata
from tests.support import HTML_DIR, WORK_DIR, copy_book, make, tree_digest

PROSE_PAGE = "chapters/02-the-second-congress.md"


def add_editorial_line(book: Path, text: str) -> int:
    """Put ``text`` in an editorial div right after the page's front matter; return its line number."""
    page = book / PROSE_PAGE
    lines = page.read_text(encoding="utf-8").split("\n")
    front_matter_end = lines.index("---", 1) + 1
    lines[front_matter_end:front_matter_end] = ["", ":::{div} editorial", text, ":::"]
    page.write_text("\n".join(lines), encoding="utf-8")
    return front_matter_end + 3


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


def deleted_data_package(book):
    (book / "data" / "datapackage.json").unlink()
    return ("data/datapackage.json: missing; it describes every table of the edition "
            "(restore it: git checkout -- data/datapackage.json)")


def changed_authorial_word(book):
    replace_in(book, "chapters/01-kerensky-and-the-bolsheviks.md", "The indecisive ", "The decisive ")
    return ("chapters/01-kerensky-and-the-bolsheviks.md: the authorial text departs from the copy-text: changed at "
            "chapters/01-kerensky-and-the-bolsheviks.html, block 3, word 2: 'decisive' where copy-text line 5, "
            "word 2 has 'indecisive'")


# Cases whose build runs a kernel go one at a time: two kernels started at once can draw the same TCP port
# (ZMQError, "Address already in use"), and the build then fails on the kernel instead of on the bad input. The
# others read every notebook from the execution cache and build two at a time.
KERNEL_CASES = [malformed_csv, inconsistent_csv, code_cell_raises]
CACHED_CASES = [unknown_citation, broken_cross_reference, undefined_glossary_term, slip_without_correction,
                page_not_in_toc, toc_entry_without_file, deleted_data_package, changed_authorial_word]
CASES = KERNEL_CASES + CACHED_CASES


def run_case(case, root: Path):
    book = copy_book(root / case.__name__)
    seed_execution_cache(book)
    expected = case(book)
    shutil.copytree(HTML_DIR, book / "_build" / "html")  # the last good book
    before = tree_digest(book / "_build" / "html")
    done = make(book, "book")
    return expected, done, before == tree_digest(book / "_build" / "html")


def seed_execution_cache(book: Path) -> None:
    """Give the copy the built book's execution cache, as a developer's checkout has it: notebooks whose code is
    unchanged are not run again; a page whose data a case changes is executed again
    (coup1917/sphinx/execution_inputs.py), as it would be in the checkout."""
    work = book / "_build" / "work"
    shutil.copytree(WORK_DIR / "_build" / ".jupyter_cache", work / "_build" / ".jupyter_cache")
    (work / ".extensions-stamp").touch()


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory):
    if not (HTML_DIR / "index.html").exists():
        pytest.fail(f"no built book in {HTML_DIR}: run the tests with `make test`, which builds it first")
    root = tmp_path_factory.mktemp("bad-books")
    found = {case.__name__: run_case(case, root) for case in KERNEL_CASES}
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        found |= dict(zip((case.__name__ for case in CACHED_CASES),
                          pool.map(lambda case: run_case(case, root), CACHED_CASES)))
    return found


def problems(stderr: str) -> list[str]:
    """The build's own lines about the input: not its closing line, nor make's."""
    return [line for line in stderr.splitlines()
            if not line.startswith(("Build failed: ", "make: ", "make[")) and line.strip()]


@pytest.mark.build
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
    assert "Build failed: the last good output in " in done.stderr and "is unchanged" in done.stderr
    assert html_intact, f"{case}: _build/html changed"


# --- the PDF: a missing Chromium, a LaTeX error -------------------------------------------------------------------

@pytest.fixture(scope="module")
def pdf_book(tmp_path_factory):
    """A copy of the book with its execution cache and a last good PDF."""
    book = copy_book(tmp_path_factory.mktemp("pdf-book") / "book")
    seed_execution_cache(book)
    published = book / "_build" / "pdf"
    published.mkdir(parents=True)
    shutil.copy2(ROOT / "_build" / "pdf" / build.book_structure.pdf_name(ROOT), published)
    return book


@pytest.mark.build
@pytest.mark.pdf
def test_make_pdf_without_chromium_stops_within_a_minute_naming_it(pdf_book, monkeypatch):
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")  # kaleido and choreographer look here first
    last_good = tree_digest(pdf_book / "_build" / "pdf")
    started = time.monotonic()
    done = make(pdf_book, "pdf", "-o", "tex-deps", "-o", "system-deps", timeout=120)
    assert time.monotonic() - started < 60, "make pdf took a minute or more to fail"
    assert done.returncode != 0
    reported = problems(done.stderr)
    assert len(reported) == 1, reported
    assert re.fullmatch(r"chapters/[\w.-]+\.md: Chromium not found at BROWSER_PATH=/nonexistent/chromium: "
                        r"the PDF's charts are drawn by kaleido in Chromium; run `make system-deps` \(it installs "
                        r"Debian's chromium\)", reported[0]), reported[0]
    assert tree_digest(pdf_book / "_build" / "pdf") == last_good


@pytest.mark.build
@pytest.mark.pdf
def test_a_latex_error_is_reported_at_its_line_of_the_tex_file(pdf_book):
    marker = r"\editionNoSuchCommand"
    with (pdf_book / "chapters" / "how-to-cite.md").open("a", encoding="utf-8") as page:
        page.write(f"\n```{{raw}} latex\n{marker}\n```\n")
    done = make(pdf_book, "pdf", "-o", "tex-deps", "-o", "system-deps", timeout=600)
    assert done.returncode != 0
    reported = problems(done.stderr)
    assert len(reported) == 1, reported
    tex_file, line, message = re.fullmatch(r"(_build/work/_build/latex/[\w-]+\.tex):(\d+): (.*)", reported[0]).groups()
    assert message == "Undefined control sequence."
    assert marker in (pdf_book / tex_file).read_text(encoding="utf-8").splitlines()[int(line) - 1]


# --- two clean builds of the same sources; then a failure after a good build ------------------------------------

@pytest.fixture(scope="module")
def clean_builds(tmp_path_factory):
    """The book copied into two directories and everything it publishes built from clean in each (the HTML, the
    PDF, the EPUB), one after the other (see outcomes), dated by the same last commit (SOURCE_DATE_EPOCH)."""
    root = tmp_path_factory.mktemp("clean-books")
    books = [copy_book(root / name) for name in ("first", "second")]
    epoch = str(metadata.source_date_epoch(ROOT))
    started = time.monotonic()
    builds = [make(book, "book", "pdf", "epub", timeout=1500, env={"SOURCE_DATE_EPOCH": epoch}) for book in books]
    print(f"two clean builds of the HTML, the PDF and the EPUB: {time.monotonic() - started:.0f} s")
    for done in builds:
        assert done.returncode == 0, done.stderr
    return books


@pytest.mark.build
@pytest.mark.pdf
@pytest.mark.epub
def test_two_clean_builds_publish_byte_identical_files(clean_builds):
    """Chart ids come from the figures, pages carry no build date, notebooks' cell ids are numbered, the published
    site leaves out Sphinx's .buildinfo (a hash of paths), and the PDF's and EPUB's dates and identifiers come from
    the last commit: two directories, the same bytes, in the site and in each edition."""
    first, second = (tree_digest(book / "_build") for book in clean_builds)
    published = {name for name in first if name.startswith(("html/", "pdf/", "epub/"))}
    assert published == {name for name in second if name.startswith(("html/", "pdf/", "epub/"))}
    differing = sorted(name for name in published if first[name] != second[name])
    assert not differing, f"files that differ between two builds: {differing}"
    pdf = build.TARGETS["pdflatex"].file_name(ROOT)
    epub = build.TARGETS["epub"].file_name(ROOT)
    assert len(published) > 50 and {f"pdf/{pdf}", f"epub/{epub}", f"html/{pdf}", f"html/{epub}",
                                     "html/chapters/chronology.html"} <= published


@pytest.mark.build
def test_a_failed_make_book_keeps_the_book_the_last_good_one_built(clean_builds):
    book = clean_builds[0]
    html = book / "_build" / "html"
    good = tree_digest(html)
    assert "index.html" in good and not list(html.parent.glob("html.*"))  # swapped in, nothing left over
    undefined_glossary_term(book)
    for attempt in ("first", "second"):  # the second build must not take the failed one's environment as good
        failed = make(book, "book")
        assert failed.returncode != 0, f"the {attempt} build after the bad edit succeeded"
        assert tree_digest(html) == good


# --- the pieces ------------------------------------------------------------------------------------------------

def test_the_toc_check_passes_the_real_book():
    assert build.toc_problems(ROOT) == []


def test_a_failed_cell_is_reported_at_its_line_in_the_page_from_myst_nbs_report(tmp_path):
    (tmp_path / "_toc.yml").write_text("format: jb-book\nroot: page\n", encoding="utf-8")
    (tmp_path / "_config.yml").write_text("title: T\n", encoding="utf-8")
    page = tmp_path / "page.md"
    page.write_text("# T\n\n```{code-cell} ipython3\nx = 1\ny = x / 0\n```\n", encoding="utf-8")
    report = tmp_path / "_build" / "html" / "reports" / "page.err.log"
    report.parent.mkdir(parents=True)
    report.write_text("\n".join([
        "Traceback (most recent call last):", '  File "nbclient/client.py", line 1, in execute', "    ...",
        "nbclient.exceptions.CellExecutionError: An error occurred while executing the following cell:",
        "-" * 18, "x = 1", "y = x / 0", "-" * 18, "",
        "\x1b[31mZeroDivisionError\x1b[39m  Traceback (most recent call last)",
        "Cell In[1], line 2", "\x1b[31mZeroDivisionError\x1b[39m: division by zero", ""]), encoding="utf-8")
    log = "\n".join([
        f"{page}: WARNING: Executing notebook failed: CellExecutionError [mystnb.exec]",
        f"{page}: WARNING: Notebook exception traceback saved in: {report} [mystnb.exec]",
        f"{page}:9: WARNING: Could not find key 'total' in the glue cache [mystnb.glue]",
    ])
    assert build.log_problems(log, tmp_path) == ["page.md:5: a code cell raised ZeroDivisionError: division by zero"]


def test_an_exception_is_reported_at_its_innermost_frame_in_the_book(tmp_path):
    own = tmp_path / "coup1917" / "sphinx" / "extension.py"
    log = "\n".join([
        "Extension error (coup1917.sphinx.extension):", "Handler <function f> threw an exception",
        "Traceback (most recent call last):",
        f'  File "{tmp_path}/.venv/lib/python3.11/site-packages/sphinx/events.py", line 98, in emit',
        "    results.append(listener.handler(self.app, *args))",
        f'  File "{own}", line 12, in f', "    return 1 / 0",
        "ZeroDivisionError: division by zero",
        "There was an error in building your book. Look above for the cause.",
    ])
    assert build.log_problems(log, tmp_path) == [
        "coup1917/sphinx/extension.py:12: ZeroDivisionError: division by zero"]


def test_a_latex_error_is_reported_at_its_tex_line(tmp_path):
    (tmp_path / "book.tex").write_text("\\documentclass{article}\n", encoding="utf-8")
    log = "\n".join(["! Undefined control sequence.", r"l.42 \nosuchmacro", "", "Latexmk: Errors"])
    assert build.log_problems(log, tmp_path, tmp_path) == ["book.tex:42: Undefined control sequence."]
