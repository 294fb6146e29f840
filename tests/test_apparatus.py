"""The apparatus of the built book: textual notes, glossary, dates, chronology, citation file.

These read the chapters' sources (where the marks are written) and the built HTML (where they must arrive).
"""

import csv
import re
from datetime import date

import pytest
import yaml
from bs4 import BeautifulSoup

from coup1917 import COPY_TEXT, DATA_DIR, ROOT
from coup1917.calendar import new_style_of
from coup1917.sphinx.sic import SEPARATOR

CHAPTERS = ROOT / "chapters"
TEXT_CHAPTERS = sorted(CHAPTERS.glob("0*.md"))
SIC = re.compile(r"\{sic\}`([^`]*)`")
TERM_USE = re.compile(r"\{term\}`(?:[^`<]*<([^>`]+)>|([^`]+))`")
CITE_KEYS = re.compile(r"^@\w+\{([^,]+),", re.M)


def sic_marks_in_sources() -> list[tuple[str, str, str]]:
    marks = []
    for chapter in TEXT_CHAPTERS:
        for text in SIC.findall(chapter.read_text(encoding="utf-8")):
            marks.append(tuple(part.strip() for part in text.split(SEPARATOR)))
    return marks


def test_every_slip_mark_is_on_the_textual_notes_page(built_pages):
    page = BeautifulSoup(built_pages["chapters/textual-notes.html"], "html.parser")
    rows = page.select("table.textual-notes tbody tr")
    listed = [tuple(cell.get_text(" ", strip=True) for cell in row.find_all("td")[1:]) for row in rows]
    marks = sic_marks_in_sources()
    assert len(marks) >= 9, "the slips the editors found are marked in the chapters"
    assert listed == marks


def test_textual_notes_link_to_their_marks(built_pages):
    page = BeautifulSoup(built_pages["chapters/textual-notes.html"], "html.parser")
    for link in page.select("table.textual-notes tbody a"):
        target_page, anchor = link["href"].split("#")
        chapter = BeautifulSoup(built_pages[f"chapters/{target_page}"], "html.parser")
        mark = chapter.find(id=anchor)
        assert mark is not None and "sic" in mark["class"], link["href"]


def test_slips_stay_as_printed_and_their_readings_are_editorial(built_pages):
    for page in (f"chapters/{chapter.stem}.html" for chapter in TEXT_CHAPTERS):
        for mark in BeautifulSoup(built_pages[page], "html.parser").select("span.sic"):
            assert "editorial" not in mark.select_one(".sic-printed")["class"]
            assert "editorial" in mark.select_one(".sic-reading")["class"]
            assert mark["title"].startswith("As printed:")


def glossary_terms() -> set[str]:
    text = (CHAPTERS / "glossary.md").read_text(encoding="utf-8")
    block = text.split("```{glossary}", 1)[1].split("```", 1)[0]
    return {line.strip().lower() for line in block.splitlines() if line.strip() and not line.startswith(" ")}


def terms_used_in_text_chapters() -> set[str]:
    used = set()
    for chapter in TEXT_CHAPTERS:
        for explicit, plain in TERM_USE.findall(chapter.read_text(encoding="utf-8")):
            used.add((explicit or plain).strip().lower())
    return used


def test_every_glossary_term_is_used_in_the_text_and_every_use_is_defined():
    defined, used = glossary_terms(), terms_used_in_text_chapters()
    assert len(defined) >= 20
    assert used - defined == set(), "used but not defined"
    assert defined - used == set(), "defined but never linked from the text or its notes"


def test_no_new_style_date_is_typed_in_the_chapters():
    """Every date in both calendars comes from the {oldstyle} role, which computes the New Style."""
    for chapter in TEXT_CHAPTERS:
        assert not re.search(r"\b\d{1,2} \w+ 19\d\d NS\b", chapter.read_text(encoding="utf-8")), chapter.name


def test_margin_dates_are_rendered_in_both_calendars(built_pages):
    page = BeautifulSoup(built_pages["chapters/03-the-coup.html"], "html.parser")
    dates = [span.get_text() for span in page.select("aside.margin .edition-date")]
    assert "24 October 1917 OS = 6 November 1917 NS" in dates


def test_the_essays_citation_markers_link_to_the_bibliography_unchanged(built_pages):
    links = [link for page in ("chapters/01-kerensky-and-the-bolsheviks.html", "chapters/02-the-second-congress.html")
             for link in BeautifulSoup(built_pages[page], "html.parser").select("a.printed-citation")]
    assert [link.get_text() for link in links] == ["(The Russian Revolution)"] * 2
    assert all(link["href"].startswith("bibliography.html#") for link in links)


def bibliography_keys() -> set[str]:
    return set(CITE_KEYS.findall((ROOT / "references.bib").read_text(encoding="utf-8")))


CHRONOLOGY_COLUMNS = ["event", "date", "essay_line", "source", "note"]


@pytest.fixture(scope="module")
def chronology() -> list[dict]:
    with (DATA_DIR / "chronology.csv").open(encoding="utf-8", newline="") as file:
        reader = csv.DictReader(file)
        assert reader.fieldnames == CHRONOLOGY_COLUMNS
        return list(reader)


def test_chronology_rows_are_dated_sourced_and_placed(chronology):
    copy_lines = COPY_TEXT.read_text(encoding="utf-8").split("\n")
    keys = bibliography_keys()
    for number, row in enumerate(chronology, start=2):
        where = f"data/chronology.csv row {number}"
        assert row["event"].strip(), where
        assert date(1917, 7, 1) <= new_style_of(row["date"]) <= date(1924, 12, 31), where
        assert row["source"] in keys, f"{where}: {row['source']!r} is not in references.bib"
        if row["essay_line"]:
            assert copy_lines[int(row["essay_line"]) - 1].strip(), f"{where}: copy-text line is empty"


def test_chronology_runs_from_kerensky_to_the_constitution_of_1924_in_order(chronology):
    dates = [new_style_of(row["date"]) for row in chronology]
    assert dates == sorted(dates)
    assert "Kerensky" in chronology[0]["event"] and "constitution" in chronology[-1]["event"]
    assert dates[-1] == date(1924, 1, 31)


def test_citation_file_agrees_with_the_book():
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    version = re.search(r'^version = "([^"]+)"', (ROOT / "pyproject.toml").read_text(encoding="utf-8"), re.M)[1]
    assert citation["title"] == config["title"]
    assert citation["version"] == version
    assert f"Version {version}" in (CHAPTERS / "how-to-cite.md").read_text(encoding="utf-8")
