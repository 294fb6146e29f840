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
from coup1917.sphinx.apparatus.sic import SEPARATOR

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


@pytest.mark.book
def test_every_slip_mark_is_on_the_textual_notes_page(built_pages):
    page = BeautifulSoup(built_pages["chapters/textual-notes.html"], "html.parser")
    rows = page.select("table.textual-notes tbody tr")
    listed = [tuple(cell.get_text(" ", strip=True) for cell in row.find_all("td")[1:]) for row in rows]
    marks = sic_marks_in_sources()
    assert len(marks) >= 9, "the slips the editors found are marked in the chapters"
    assert listed == marks


@pytest.mark.book
def test_textual_notes_link_to_their_marks(built_pages):
    page = BeautifulSoup(built_pages["chapters/textual-notes.html"], "html.parser")
    for link in page.select("table.textual-notes tbody a"):
        target_page, anchor = link["href"].split("#")
        chapter = BeautifulSoup(built_pages[f"chapters/{target_page}"], "html.parser")
        mark = chapter.find(id=anchor)
        assert mark is not None and "sic" in mark["class"], link["href"]


@pytest.mark.book
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


def notes_and_entries() -> dict[str, str]:
    """The editors' notes that name days: the margin notes of the text chapters and the glossary's entries."""
    notes = {chapter.name: "\n".join(re.findall(r"^::::\{margin\}\n(.*?)^::::$", chapter.read_text(encoding="utf-8"),
                                                re.S | re.M))
             for chapter in TEXT_CHAPTERS}
    notes["glossary.md"] = (CHAPTERS / "glossary.md").read_text(encoding="utf-8").split("```{glossary}", 1)[1]
    return notes


def test_no_date_is_typed_in_the_notes():
    """Every day the editors name goes through {oldstyle} or {date}, which compute the other calendar."""
    day = r"\b\d{1,2} (?:January|February|March|April|May|June|July|August|September|October|November|December) \d{4}"
    notes = notes_and_entries()
    assert sum(len(re.findall(r"\{(?:oldstyle|date)\}`", text)) for text in notes.values()) >= 40
    for page, text in notes.items():
        assert not re.search(day, re.sub(r"\{(?:oldstyle|date)\}`[^`]*`", "", text)), f"{page}: a day typed by hand"


@pytest.mark.book
def test_dates_after_the_switch_are_new_style_only(built_pages):
    page = BeautifulSoup(built_pages["chapters/05-the-dissolution-and-the-third-congress.html"], "html.parser")
    dates = [span.get_text() for span in page.select("aside.margin .edition-date")]
    assert "10 July 1918 NS" in dates and "31 January 1924 NS" in dates
    assert "18 January 1918 OS = 31 January 1918 NS" in dates


@pytest.mark.book
def test_margin_dates_are_rendered_in_both_calendars(built_pages):
    page = BeautifulSoup(built_pages["chapters/03-the-coup.html"], "html.parser")
    dates = [span.get_text() for span in page.select("aside.margin .edition-date")]
    assert "24 October 1917 OS = 6 November 1917 NS" in dates


@pytest.mark.book
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


# --- Paragraph numbers ------------------------------------------------------------------------------------------

ESSAY_PARAGRAPHS = 8  # six of the essay's own prose, two block quotations from Pipes


def paragraph_markers(built_pages) -> list[tuple[str, object]]:
    return [(f"chapters/{chapter.stem}.html", marker) for chapter in TEXT_CHAPTERS
            for marker in BeautifulSoup(built_pages[f"chapters/{chapter.stem}.html"], "html.parser")
            .select("span.paragraph-number")]


@pytest.mark.book
def test_the_essays_paragraphs_are_numbered_in_reading_order(built_pages):
    numbers = [marker.select_one("a.paragraph-link").get_text() for _, marker in paragraph_markers(built_pages)]
    assert numbers == [f"¶{n}" for n in range(1, ESSAY_PARAGRAPHS + 1)]


@pytest.mark.book
def test_each_number_is_editorial_and_anchors_its_own_paragraph(built_pages):
    copy_lines = [" ".join(line.split()) for line in COPY_TEXT.read_text(encoding="utf-8").split("\n")]
    for page, marker in paragraph_markers(built_pages):
        number = marker.select_one("a.paragraph-link").get_text().lstrip("¶")
        paragraph = marker.parent
        assert "editorial" in marker["class"]
        assert paragraph.name == "p" and paragraph["id"] == f"para-{number}"
        assert marker.select_one("a.paragraph-link")["href"] == f"#para-{number}"
        assert paragraph.contents[0] is marker, f"{page}: ¶{number} does not open its paragraph"
        # The paragraph, without the editors' marks, is a whole paragraph (a line) of the copy-text.
        for editorial in paragraph.select(".editorial"):
            editorial.decompose()
        assert " ".join(paragraph.get_text().split()) in copy_lines, f"{page}: ¶{number} is not a paragraph"


@pytest.mark.book
def test_cite_this_paragraph_leads_to_the_form_on_how_to_cite(built_pages):
    how_to_cite = BeautifulSoup(built_pages["chapters/how-to-cite.html"], "html.parser")
    assert how_to_cite.find(id="cite-a-paragraph") is not None
    assert "¶5" in how_to_cite.find(id="cite-a-paragraph").parent.get_text()  # the section the label opens
    for _, marker in paragraph_markers(built_pages):
        assert marker.select_one("a.paragraph-cite")["href"] == "how-to-cite.html#cite-a-paragraph"


def test_title_lines_tables_and_notes_are_not_essay_paragraphs():
    from docutils import nodes
    from docutils.utils import new_document

    from coup1917.sphinx.apparatus.paragraphs import _is_essay_paragraph

    def inside(*parents: nodes.Element) -> nodes.paragraph:
        paragraph = nodes.paragraph("", "words")
        node: nodes.Element = paragraph
        for parent in parents:
            parent += node
            node = parent
        document = new_document("test")
        document += node
        return paragraph

    assert _is_essay_paragraph(inside(nodes.section()))
    assert _is_essay_paragraph(inside(nodes.block_quote(), nodes.section()))
    assert not _is_essay_paragraph(inside(nodes.container(classes=["original-title"]), nodes.section()))
    assert not _is_essay_paragraph(inside(nodes.sidebar(classes=["editorial"]), nodes.section()))
    assert not _is_essay_paragraph(inside(nodes.entry(), nodes.row(), nodes.tbody(), nodes.tgroup(), nodes.table()))
    assert not _is_essay_paragraph(inside(nodes.list_item(), nodes.bullet_list(),
                                          nodes.container(classes=["original-navigation"])))
