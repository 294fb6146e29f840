"""The register of persons, places and bodies (data/register.csv): its schema and rules, the names found in the
essay's words, the register page with computed occurrences, the links to and from the glossary; a faulty row or
an unknown entry stops the build with one line naming the file and line (in-process, on a small fixture book)."""

import csv
import json
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from sphinx.testing.util import SphinxTestApp

from coup1917 import COPY_TEXT, DATA_DIR, ROOT
from coup1917.build import reported_problems
from coup1917.data import DataError
from coup1917.sphinx.apparatus.register import read_register
from coup1917.book import records_path

REGISTER = DATA_DIR / "register.csv"
ROWS = list(csv.DictReader(REGISTER.open(encoding="utf-8")))
HEADER = list(ROWS[0])


def _forms(row: dict) -> list[str]:
    return [form.strip() for form in row["name_forms"].split(";") if form.strip()]


def _write(path: Path, rows: list[dict]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, HEADER)
        writer.writeheader()
        writer.writerows(rows)
    return path


# --- The table and its rules (unit tier) ----------------------------------------------------------------------

def test_the_register_reads_whole_and_every_identification_cites_a_work_of_the_bibliography():
    entries = read_register()
    assert list(entries) == [row["id"] for row in ROWS]
    keys = set(re.findall(r"^@\w+\{([^,]+),", (ROOT / "references.bib").read_text(encoding="utf-8"), re.M))
    assert {entry.source for entry in entries.values()} <= keys
    for entry in entries.values():
        assert entry.authorities == {} or entry.authority_source.startswith("http")


def test_every_person_place_and_body_the_essay_names_is_found_by_a_name_form():
    """The copy-text's capitalised names the register knows are each a form of one entry: no form is claimed by
    two entries, and the essay's main names (the issue's list) are all there."""
    owners = {}
    for row in ROWS:
        for form in _forms(row):
            assert form not in owners, f"{form!r} is a form of both {owners[form]} and {row['id']}"
            owners[form] = row["id"]
    text = COPY_TEXT.read_text(encoding="utf-8")
    for name in ("Lenin", "Trotsky", "Kerensky", "Kornilov", "Pipes", "Orwell", "Petrograd", "Moscow",
                 "Winter Palace", "Kazahkstan", "Armenia", "Azerbaijan", "Constituent Assembly", "Bolsheviks",
                 "Mensheviks", "Kadets", "Sovnarkom"):
        assert name in text and name in owners, name


@pytest.mark.parametrize("field, value, expected", [
    ("wikidata", "Q0x1", r"field 'wikidata': constraint-error"),  # not an item identifier
    ("viaf", "viaf123", r"field 'viaf': constraint-error"),
    ("identification", "", r"field 'identification': constraint-error"),  # a required cell left empty
    ("type", "ship", r"field 'type': constraint-error"),
])
def test_a_row_its_schema_refuses_is_reported_with_its_line(tmp_path, field, value, expected):
    rows = [dict(row) for row in ROWS]
    rows[2][field] = value
    with pytest.raises(DataError) as raised:
        read_register(_write(tmp_path / "register.csv", rows))
    line, message = raised.value.lines[0]
    assert line == 4 and re.search(expected, message), raised.value.lines


def test_an_identifier_without_the_copy_that_shows_it_is_refused(tmp_path):
    rows = [dict(row) for row in ROWS]
    rows[0] |= {"wikidata": "Q1", "authority_source": ""}
    with pytest.raises(DataError) as raised:
        read_register(_write(tmp_path / "register.csv", rows))
    assert raised.value.lines == [(2, "wikidata given without authority_source, the address of the stored copy "
                                      "that shows it")]


# --- The build stops with one line (in-process, a small fixture book) -----------------------------------------

def _fixture_book(tmp_path: Path, page: str, register: Path | None = None) -> SphinxTestApp:
    source = tmp_path / "book"
    source.mkdir()
    (source / "conf.py").write_text(
        "extensions = ['myst_nb', 'coup1917.sphinx.problems', 'coup1917.sphinx.apparatus.register']\n"
        + (f"register_file = {str(register)!r}\n" if register else ""), encoding="utf-8")
    (source / "index.md").write_text(page, encoding="utf-8")
    app = SphinxTestApp("html", srcdir=source, builddir=tmp_path / "out")
    app.build()
    return app


def _one_line_problems(app: SphinxTestApp, book: Path) -> list[str]:
    """What `make book` would print: the build's own reading of the build's records."""
    return reported_problems(json.loads(records_path(app.outdir).read_text(encoding="utf-8")), book)


def test_an_unknown_entry_stops_the_build_naming_the_page_and_line(tmp_path):
    app = _fixture_book(tmp_path, "# A page\n\nSee {register}`the man <kerensky>`.\n\nAnd {register}`nobody`.\n")
    try:
        problems = _one_line_problems(app, tmp_path / "book")
    finally:
        app.cleanup()
    assert problems == ["index.md:5: {register} 'nobody' is not in the register (data/register.csv)"]


def test_a_faulty_register_stops_the_build_naming_the_file_and_line(tmp_path):
    rows = [dict(row) for row in ROWS]
    rows[5]["gnd"] = "not-a-gnd"
    bad = _write(tmp_path / "register.csv", rows)
    app = _fixture_book(tmp_path, "# A page\n\nSee {register}`kerensky`.\n", register=bad)
    try:
        problems = _one_line_problems(app, tmp_path)
    finally:
        app.cleanup()
    assert len(problems) == 1, problems
    assert problems[0].startswith("register.csv:7: field 'gnd': constraint-error"), problems


# --- The built book -------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def register_page(built_pages) -> BeautifulSoup:
    return BeautifulSoup(built_pages["chapters/register.html"], "html.parser")


def test_the_register_page_lists_every_entry_with_where_it_occurs(register_page):
    """An entry whose name form the essay prints has the paragraphs (or the table) where it does; every other
    entry is discussed in a note."""
    entries = {entry["id"].removeprefix("register-"): entry for entry in register_page.select("p.register-entry")}
    assert sorted(entries) == sorted(row["id"] for row in ROWS)
    essay = COPY_TEXT.read_text(encoding="utf-8")
    for row in ROWS:
        places = [link.get_text() for link in entries[row["id"]].select("a") if "#para-" in link.get("href", "")]
        in_essay = any(re.search(rf"(?<![\w-]){re.escape(form)}(?![\w-])", essay) for form in _forms(row))
        assert places, row["id"]
        assert in_essay == any(place.startswith(("¶", "the table")) for place in places), row["id"]
    kerensky = entries["kerensky"].get_text(" ", strip=True)
    assert "Kerenskii; Kerenskij" in kerensky and "¶1" in kerensky


def test_the_glossary_and_the_register_link_to_each_other(register_page, built_pages):
    glossary = BeautifulSoup(built_pages["chapters/glossary.html"], "html.parser")
    termed = [row for row in ROWS if row["glossary_term"]]
    to_register = {link["href"].rpartition("#")[2] for link in glossary.select("p.register-link a")}
    assert to_register == {f"register-{row['id']}" for row in termed}
    to_glossary = {link["href"].rpartition("#")[2] for link in register_page.select("p.register-entry a")
                   if "glossary.html#term-" in link.get("href", "")}
    assert len(to_glossary) == len({row["glossary_term"] for row in termed})
