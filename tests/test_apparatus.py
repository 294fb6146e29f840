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


def test_chronology_runs_from_the_july_days_to_the_constitution_of_1924_in_order(chronology):
    dates = [new_style_of(row["date"]) for row in chronology]
    assert dates == sorted(dates)
    assert "July Days" in chronology[0]["event"] and "constitution" in chronology[-1]["event"]
    assert dates[-1] == date(1924, 1, 31)


# The events a specialist reader expects in the chronology (issue 19), each found by words of its event.
EXPECTED_EVENTS = {
    "the July Days": "July Days",
    "Trotsky's arrest": "Trotsky is arrested",
    "Trotsky's release": "Trotsky is released on bail",
    "the Northern Region congress": "Northern Region",
    "the MRC's formation": "Military Revolutionary Committee",
    "the Congress's postponement": "puts off the Second Congress",
    "the walkout": "walk out of the Second Congress",
    "the decrees": "Decree on Peace",
    "the Moscow fighting": "fighting in Moscow",
    "Kerensky's march with Krasnov": "Krasnov",
    "the Vikzhel talks": "Vikzhel",
    "the Left SRs' entry into the Sovnarkom": "Left SRs join the Sovnarkom",
    "the Declaration's adoption": "Third Congress of Soviets adopts the Declaration",
}


@pytest.mark.parametrize("what", EXPECTED_EVENTS)
def test_the_chronology_has_the_events_a_specialist_expects(chronology, what):
    assert any(EXPECTED_EVENTS[what] in row["event"] for row in chronology), f"no row for {what}"


def test_words_a_chronology_note_quotes_are_the_essays_or_marked_as_a_reading(chronology):
    """A quoted phrase in a note is the essay's (so in the copy-text) or follows "read", the editors' reading.

    The Sixth Congress row once gave the editors' emendation "at the end of July" as Pipes's words."""
    copy_text = " ".join(COPY_TEXT.read_text(encoding="utf-8").split())
    for number, row in enumerate(chronology, start=2):
        for match in re.finditer(r'(\w*)\s*"([^"]+)"', row["note"]):
            before, quoted = match.groups()
            if before == "read":
                continue
            assert quoted in copy_text, f"data/chronology.csv row {number}: {quoted!r} is not the essay's wording"


# --- Pipes's quotations, counted from the chapters -----------------------------------------------------------------

QUOTATION_NOTE = re.compile(r"\*\*Quoted from Pipes \((\d+) of (\d+)\)")
NUMBER_WORDS = {3: "three", 4: "four", 5: "five", 6: "six", 7: "seven"}


def pipes_quotation_notes() -> list[tuple[int, int]]:
    return [(int(n), int(total)) for chapter in TEXT_CHAPTERS
            for n, total in QUOTATION_NOTE.findall(chapter.read_text(encoding="utf-8"))]


def test_each_quotation_from_pipes_has_its_note_numbered_in_reading_order():
    notes = pipes_quotation_notes()
    count = len(notes)
    assert count >= 5, "the essay quotes Pipes five times (issue 19): each quotation has its note"
    assert [n for n, _ in notes] == list(range(1, count + 1))
    assert {total for _, total in notes} == {count}


def test_the_landing_page_and_principles_give_the_count_of_quotations_derived_from_the_chapters():
    count = len(pipes_quotation_notes())
    for page in ("index.md", "editorial-principles.md", "01-kerensky-and-the-bolsheviks.md"):
        text = (CHAPTERS / page).read_text(encoding="utf-8")
        flat = " ".join(text.split())
        claims = re.findall(r"\bquot\w*(?: it)? (\w+) times\b|\b(\w+) quotations from Pipes\b", flat)
        stated = [word for pair in claims for word in pair if word in NUMBER_WORDS.values() or word.isdigit()]
        assert stated, f"chapters/{page}: says nowhere how many times the essay quotes Pipes"
        assert set(stated) == {NUMBER_WORDS[count]}, f"chapters/{page}: {stated} where the chapters have {count}"


def quotation_rows() -> list[list[str]]:
    """The cells of each row of the Textual notes' table "The quotations from Pipes"."""
    text = (CHAPTERS / "textual-notes.md").read_text(encoding="utf-8")
    section = text.split("## The quotations from Pipes", 1)[1]
    return [[cell.strip() for cell in line.strip("|").split("|")]
            for line in section.splitlines() if re.match(r"\| \d+ \|", line)]


def test_the_textual_notes_list_every_quotation_from_pipes():
    rows = quotation_rows()
    assert len(rows) == len(pipes_quotation_notes())
    for row in rows:
        located, witness, differences = row[3:6]
        assert located and witness and differences, row


def test_each_difference_recorded_for_a_quotation_is_the_essays_reading_within_it():
    """The table's quotations are the essay's words (its parts, around "...", in order in the copy-text), and where a
    quotation was compared with a witness of Pipes, each reading the table gives as the essay's stands in that
    quotation: the comparison is of the essay's text, not of the editors' memory of it (issue 19b: "hand-picked")."""
    copy_text = " ".join(COPY_TEXT.read_text(encoding="utf-8").split())
    readings = 0
    for row in quotation_rows():
        parts = [part.strip() for part in row[2].strip('"').split("...")]
        start = copy_text.find(parts[0])
        assert start >= 0, f"textual notes, quotation {row[0]}: {parts[0]!r} is not in the copy-text"
        end = start
        for part in parts:
            end = copy_text.find(part, end)
            assert end >= 0, f"textual notes, quotation {row[0]}: {part!r} does not follow in the copy-text"
            end += len(part)
        for reading in re.findall(r'the essay has "([^"]+)"', row[5]):
            assert reading in copy_text[start:end], f"quotation {row[0]}: {reading!r} is not the essay's reading"
            readings += 1
    assert readings, "a quotation compared with a witness records its differences as the essay's readings"


# --- Corrected errors that must not come back (issue 19) ---------------------------------------------------------

def apparatus_text() -> dict[str, str]:
    pages = {path.name: path.read_text(encoding="utf-8") for path in CHAPTERS.glob("*.md")}
    pages["references.bib"] = (ROOT / "references.bib").read_text(encoding="utf-8")
    return pages


def test_the_old_central_executive_committee_is_not_said_to_be_replaced_on_25_october():
    """The new committee was elected in the night of 26/27 October; the old one was not replaced on the 25th."""
    for page, text in apparatus_text().items():
        flat = " ".join(text.split())
        assert not re.search(r"replaced (?:it|the old[^.]*) on \{oldstyle\}`1917-10-25`", flat), page


def test_pipes_table_is_not_said_to_draw_on_radkey():
    """Pipes's source note was never seen, and his totals are not Radkey's of 1950 (the audit shows it)."""
    for page, text in apparatus_text().items():
        flat = " ".join(text.split())
        assert not re.search(r"Pipes's (?:table|among them)[^.]{0,40}draws? on|on which later tables, Pipes", flat), page


def test_the_previous_essay_is_not_said_to_narrate_the_july_days():
    for page, text in apparatus_text().items():
        assert "previous essay of the series narrates" not in " ".join(text.split()), page


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


@pytest.mark.book
def test_the_audit_compares_the_table_with_radkeys_totals_from_the_data(built_pages):
    from coup1917.data import load_table

    counts = load_table("election-1917-counts").set_index(["count", "measure", "party"]).value
    page = BeautifulSoup(built_pages["chapters/election-audit.html"], "html.parser")
    section = page.find(id="the-table-against-radkey-s-count")
    assert section is not None, "the audit has a section comparing the table with Radkey's count"
    text = " ".join(section.get_text(" ").split())
    for party in ("Total", "Socialist-Revolutionaries", "Bolsheviks"):
        assert f"{counts['radkey1950', 'votes', party]:,}" in text, party
    assert "does not reproduce Radkey's 1950 totals" in text


@pytest.mark.book
def test_the_third_congress_is_compared_with_the_assemblys_seats_too(built_pages):
    page = BeautifulSoup(built_pages["chapters/05-the-dissolution-and-the-third-congress.html"], "html.parser")
    caption = " ".join(page.select_one("figure#fig-votes-versus-power").get_text(" ").split())
    assert "30 percent by Pipes's count" in caption and "on seats too" in caption
