"""Bad input names the input, in process: each case breaks a small fixture book (or a copy of one input) and
checks the one line `make book` would print for it, `file[:line]: message`, from the same functions the build uses.

- Sphinx's side (a citation, a cross-reference, a glossary term, a slip mark, a cell that raises, an exception in
  an extension): a fixture book built with ``sphinx.testing``'s ``SphinxTestApp`` and the edition's extensions,
  whose records (coup1917.sphinx.problems) coup1917.build turns into lines (``reported_problems``).
- The inputs the build checks before it starts (``input_problems``): bytes that are not UTF-8 in each kind of file,
  YAML that does not parse, the table of contents against the pages, every table against its schema.
- The text guard (a word of the author's changed in the built HTML).

tests/test_build.py keeps two cases end to end through `make book` (a CSV error raised in a kernel; a Sphinx
warning), with the last good book kept.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from coup1917 import ROOT, build, data
from coup1917.charts import CHART_MIME
from coup1917.sphinx.charts import plotly_output
from coup1917.sphinx import problems
from coup1917.book import records_path
from tests.support import HTML_DIR, NOTEBOOK, fixture_book

def built_records(tmp_path: Path, page: str, **options) -> dict:
    """Build a fixture book whose page ``chapter.md`` is ``page`` in process; the build's records."""
    outdir = fixture_book(tmp_path, {"chapter.md": page, **options.pop("files", {})}, **options)
    return json.loads(records_path(outdir).read_text(encoding="utf-8"))


def reported(tmp_path: Path, page: str, **options) -> list[str]:
    return build.reported_problems(built_records(tmp_path, page, **options), tmp_path / "book")


# --- Sphinx's warnings, myst-nb's failed cells, an exception: the build's records --------------------------------

@pytest.mark.parametrize("markup, expected", [
    ("As {cite:p}`nosuchwork` says.", 'chapter.md:3: could not find bibtex key "nosuchwork"'),
    ("See {ref}`no-such-label`.", "chapter.md:3: undefined label: 'no-such-label'"),
    ("A {term}`No such term`.", "chapter.md:3: term not in glossary: 'No such term'"),
    ("A slip: {sic}`teh`.", "chapter.md:3: {sic} mark 'teh' needs the words as printed, the reading and the "
                            "reason: write {sic}`as printed :: reading :: reason`"),
], ids=["unknown citation", "broken cross-reference", "undefined glossary term", "slip without correction"])
def test_a_sphinx_warning_is_one_line_at_its_page_and_line(tmp_path, markup, expected):
    assert reported(tmp_path, f"# A chapter\n\n{markup}\n") == [expected]


def test_a_suppressed_warning_is_not_recorded(tmp_path):
    page = "# A chapter\n\nSee {ref}`no-such-label`.\n"
    assert reported(tmp_path, page, suppressed=("ref.ref",)) == []


@pytest.mark.notebooks
def test_a_cell_that_raises_is_reported_at_its_line_and_the_pages_other_warnings_are_left_out(tmp_path):
    page = NOTEBOOK + "# A chapter\n\n```{code-cell} ipython3\nx = 1\ny = x / 0\n```\n\n{glue:text}`missing`\n"
    records = built_records(tmp_path, page)
    assert records["executed"] == ["chapter"]
    assert build.reported_problems(records, tmp_path / "book") == [
        "chapter.md:14: a code cell raised ZeroDivisionError: division by zero"]


def test_one_exception_on_several_pages_is_one_line_naming_the_others():
    cell = {"error": "CellExecutionError", "source": "load()", "line_in_cell": 1, "name": "DataError",
            "value": "data/t.csv does not match its schema"}
    records = {"warnings": [], "exception": None,
               "failed_cells": [{**cell, "file": "/book/a.md"}, {**cell, "file": "/book/b.md"}]}
    assert build.reported_problems(records, Path("/book")) == [
        "a.md: a code cell raised DataError: data/t.csv does not match its schema (the same error in b.md)"]


EXTENSION = '''
def fail(app, doctree):
    return 1 / 0


def setup(app):
    app.connect("doctree-read", fail)
'''


def test_an_exception_in_an_extension_is_reported_at_its_innermost_frame_in_the_book(tmp_path):
    with pytest.raises(Exception):
        built_records(tmp_path, "# A chapter\n", extra=("failing",), files={"failing.py": EXTENSION})
    records = json.loads((tmp_path / "book" / "_build" / records_path("html").name).read_text(encoding="utf-8"))
    assert build.reported_problems(records, tmp_path / "book") == [
        "failing.py:3: ZeroDivisionError: division by zero"]


@pytest.mark.pdf
def test_a_pdf_build_without_chromium_stops_at_once_naming_the_first_page_with_a_chart(tmp_path, monkeypatch):
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")  # kaleido and choreographer look here first
    plotly_output._browser.cache_clear()  # found once per build
    chart = nbformat.v4.new_output("display_data", data={CHART_MIME: {"data": [{"type": "bar", "y": [1]}]}})
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("figure", outputs=[chart])], metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    started = time.monotonic()
    with pytest.raises(Exception):
        built_records(tmp_path, "# A chapter\n", files={"chart.ipynb": nbformat.writes(notebook)}, builder="typst",
                      nb_execution_mode="off")
    plotly_output._browser.cache_clear()
    assert time.monotonic() - started < 60
    records = json.loads((tmp_path / "book" / "_build" / records_path("typst").name).read_text(encoding="utf-8"))
    assert build.reported_problems(records, tmp_path / "book") == [
        "chart.ipynb: Chromium not found at BROWSER_PATH=/nonexistent/chromium: the PDF's charts are drawn by "
        "kaleido in Chromium; run `make system-deps` (it installs Debian's chromium)"]


def test_an_exception_as_sphinx_starts_is_recorded_when_python_reports_it(tmp_path, monkeypatch):
    """The EPUB's cover is drawn as the builder starts, before any build-finished: jupyter-book re-raises the
    exception and Python's excepthook reports it; the build's records take it from there."""
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    with pytest.raises(Exception) as raised:
        built_records(tmp_path, "# A chapter\n", builder="epub")
    monkeypatch.setattr(problems, "_previous_excepthook", lambda *reported: None)  # pytest reports it, not Python
    sys.excepthook(raised.type, raised.value, raised.tb)
    records = json.loads((tmp_path / "book" / "_build" / records_path("epub").name).read_text(encoding="utf-8"))
    (line,) = build.reported_problems(records, tmp_path / "book")
    where, message = line.split(": ", 1)
    assert re.fullmatch(r".*coup1917/sphinx/editions/epub\.py:\d+", where), line
    assert message == ("ExtensionError: the EPUB's cover: Chromium not found at BROWSER_PATH=/nonexistent/chromium: "
                       "the PDF's charts are drawn by kaleido in Chromium; run `make system-deps` (it installs "
                       "Debian's chromium)")


# --- the inputs, before the build starts -------------------------------------------------------------------------

@pytest.fixture
def book(tmp_path) -> Path:
    """A copy of the book's inputs: configuration, bibliography, pages and data."""
    copy = tmp_path / "book"
    for name in ("_config.yml", "_toc.yml", "CITATION.cff", "references.bib"):
        (copy / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, copy / name)
    for folder in ("chapters", "data"):
        shutil.copytree(ROOT / folder, copy / folder)
    return copy


def break_bytes(path: Path, after: str) -> tuple[int, int]:
    """Put a byte that UTF-8 never uses (0xff) right after the first ``after``; its (line, column)."""
    raw = path.read_bytes()
    at = raw.index(after.encode("utf-8")) + len(after.encode("utf-8"))
    path.write_bytes(raw[:at] + b"\xff" + raw[at:])
    line_start = raw.rfind(b"\n", 0, at) + 1
    return raw.count(b"\n", 0, at) + 1, len(raw[line_start:at].decode("utf-8")) + 1


@pytest.mark.parametrize("name, after", [
    ("chapters/03-the-coup.md", "Lenin"), ("data/election-1917.csv", "Bolsheviks"),
    ("data/copy-text.txt", "Petrograd"), ("_toc.yml", "chapters/03"), ("references.bib", "Pipes"),
    ("_config.yml", "title"), ("data/datapackage.json", "Pipes"),
])
def test_bytes_that_are_not_utf8_stop_the_build_naming_file_line_and_column(book, name, after):
    line, column = break_bytes(book / name, after)
    assert build.input_problems(book) == [f"{name}:{line}: not UTF-8 (byte 0xff at column {column})"]


@pytest.mark.parametrize("name", ["_toc.yml", "_config.yml"])
def test_yaml_that_does_not_parse_is_named_at_its_line(book, name):
    path = book / name
    lines = path.read_text(encoding="utf-8").split("\n")
    lines.insert(3, "broken: a: b")
    path.write_text("\n".join(lines), encoding="utf-8")
    assert build.input_problems(book) == [f"{name}:4: not valid YAML: mapping values are not allowed here (column 10)"]


def test_the_toc_check_passes_the_real_book():
    assert build.input_problems(ROOT) == []


def test_a_page_not_in_the_toc_is_named(book):
    (book / "chapters" / "stray.md").write_text("# A stray page\n", encoding="utf-8")
    assert build.input_problems(book) == [
        "chapters/stray.md: this page is not in _toc.yml; list it there or remove the file"]


def test_a_toc_entry_without_its_file_is_named_at_its_line(book):
    toc = book / "_toc.yml"
    toc.write_text(toc.read_text(encoding="utf-8") + "      - file: chapters/missing\n", encoding="utf-8")
    line = len(toc.read_text(encoding="utf-8").splitlines())
    assert build.input_problems(book) == [
        f"_toc.yml:{line}: the entry 'chapters/missing' has no file "
        "(looked for chapters/missing.md, chapters/missing.ipynb, chapters/missing.rst)"]


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


SCHEMA = "does not match its schema"


@pytest.mark.parametrize("table, old, new, fault", [
    ("election-1917", "Mensheviks,1144,", "Mensheviks,11x44,", ", field 'votes_thousands': type-error"),
    ("election-1917", "\nMensheviks,", "\nBolsheviks,", ": primary-key"),
    ("election-1917", "Mensheviks,1144,", "Mensheviks,99999999999,", ", field 'votes_thousands': constraint-error"),
    ("election-1917", "Mensheviks,1144,2.6,", "Mensheviks,1144,102.6,", ", field 'percent_printed': constraint-error"),
    ("chronology", ",1917-07-08,", ",1914-07-08,", ", field 'date': constraint-error"),
    ("chronology", ",1917-07-08,5,", ",1917-07-08,50,", ", field 'essay_line': constraint-error"),
], ids=["not a number", "a party twice", "more votes than were cast", "a percentage over 100",
        "a date before 1917", "a line the copy-text lacks"])
def test_a_table_that_breaks_its_schema_is_named_with_row_and_field_before_any_chapter_runs(
        book, table, old, new, fault):
    csv_text = (book / "data" / f"{table}.csv").read_text(encoding="utf-8")
    line = csv_text[:csv_text.index(old) + 1].count("\n") + 1  # the line the broken value stands on
    row_and_field = f"row {line - 1} (line {line}){fault}"
    replace_in(book / "data" / f"{table}.csv", old, new)
    problem = build.input_problems(book)[0]  # a table another one refers to may take that one down with it
    assert problem.startswith(f"data/{table}.csv:{line}: {SCHEMA} (table '{table}' in datapackage.json): "
                              f"{row_and_field}: "), problem


def test_a_deleted_data_package_is_named(book):
    (book / "data" / "datapackage.json").unlink()
    assert build.input_problems(book) == [
        "data/datapackage.json: missing; it describes every table of the edition "
        "(restore it: git checkout -- data/datapackage.json)"]


def test_a_data_package_that_is_not_json_is_named(book):
    (book / "data" / "datapackage.json").write_text('{"resources": [', encoding="utf-8")
    (problem,) = build.input_problems(book)
    assert problem.startswith("data/datapackage.json: not a valid data package: ")


def test_the_schemas_bounds_are_the_sources_own():
    """The maxima of datapackage.json are facts of the sources, derived here from them: all the votes a table counts
    (the sum of its rows), the copy-text's lines."""
    package = json.loads((data.DESCRIPTOR).read_text(encoding="utf-8"))
    maxima = {(resource["name"], field["name"]): field["constraints"]["maximum"]
              for resource in package["resources"] for field in resource["schema"]["fields"]
              if "maximum" in field.get("constraints", {}) and field["type"] == "integer"}
    lines = len(data.DATA_DIR.joinpath("copy-text.txt").read_text(encoding="utf-8").splitlines())
    assert maxima == {
        ("election-1917", "votes_thousands"): int(data.load_table("election-1917").votes_thousands.sum()),
        ("election-1917-pipes", "votes_thousands"): int(data.load_table("election-1917-pipes").votes_thousands.sum()),
        ("bodies-1917", "copy_text_line"): lines, ("chronology", "essay_line"): lines}


# --- the text guard ----------------------------------------------------------------------------------------------

def test_a_changed_word_of_the_authors_stops_publishing_naming_page_block_and_copy_text_line(built_pages, tmp_path):
    html = shutil.copytree(HTML_DIR, tmp_path / "html")
    replace_in(html / "chapters" / "01-kerensky-and-the-bolsheviks.html", "The indecisive ", "The decisive ")
    assert build.text_problems(ROOT, build.TARGETS["html"], html) == [
        "chapters/01-kerensky-and-the-bolsheviks.md: the authorial text departs from the copy-text: changed at "
        "chapters/01-kerensky-and-the-bolsheviks.html, block 3, word 2: 'decisive' where copy-text line 5, "
        "word 2 has 'indecisive'"]
