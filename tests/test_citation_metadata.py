"""Every page's own citation record (Highwire `citation_*`, Dublin Core, schema.org JSON-LD) and the citation
files (BibTeX, RIS, CSL-JSON), read back with each format's parser and checked field by field against
CITATION.cff and edition_metadata in _config.yml: one source of truth, proved."""

import json
from datetime import datetime, timezone

import pytest
import rispy
import yaml
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON
from lxml import html as lxml_html
from pybtex.database import parse_string

from coup1917 import ROOT, book
from coup1917.sphinx.apparatus.editorial import is_text_page
from coup1917.sphinx.editions.metadata import LICENSE_URLS, source_date_epoch

CITATION = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
RECORD = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["sphinx"]["config"]["edition_metadata"]
EDITORS = [author["name"] for author in CITATION["authors"]]
CITE_DIR = ROOT / "_build" / "html" / "cite"


def _front_matter(docname: str) -> dict:
    text = book.pages_on_disk(ROOT)[docname].read_text(encoding="utf-8")
    return yaml.safe_load(text.split("---")[1]) if text.startswith("---") else {}


READING_ORDER = book.reading_order(ROOT)
CHAPTERS = [docname for docname in READING_ORDER if is_text_page(_front_matter(docname))]
EDITION_DATE = datetime.fromtimestamp(source_date_epoch(ROOT), tz=timezone.utc).date()


def _head(html: str):
    return lxml_html.fromstring(html.encode("utf-8")).find("head")


def _meta(head, name: str) -> list[str]:
    return [tag.get("content") for tag in head.iterfind(f"meta[@name='{name}']")]


def _title(html: str) -> str:
    """The page's heading, without its section number and its link sign."""
    heading = lxml_html.fromstring(html.encode("utf-8")).find(".//article//h1")
    for chrome in heading.xpath(".//*[contains(@class, 'section-number') or contains(@class, 'headerlink')]"):
        chrome.drop_tree()
    return heading.text_content().strip()


@pytest.mark.parametrize("docname", READING_ORDER)
def test_each_page_carries_its_own_record(built_pages, docname):
    page = built_pages[f"{docname}.html"]
    head, chapter, edition = _head(page), docname in CHAPTERS, docname == READING_ORDER[0]
    title = CITATION["title"] if edition else _title(page)
    authors = [RECORD["creator"]] if chapter else EDITORS
    assert len(head.findall("meta[@name='viewport']")) == 1
    assert _meta(head, "citation_title") == _meta(head, "DC.title") == [title]
    assert _meta(head, "citation_author") == _meta(head, "DC.creator") == authors
    assert _meta(head, "citation_editor") == (EDITORS if chapter else [])
    assert _meta(head, "citation_inbook_title") == ([] if edition else [CITATION["title"]])
    assert _meta(head, "citation_publication_date") == [EDITION_DATE.strftime("%Y/%m/%d")]
    assert _meta(head, "DC.date") == [EDITION_DATE.isoformat()]
    assert _meta(head, "citation_language") == _meta(head, "DC.language") == [RECORD["language"]]
    assert _meta(head, "citation_publisher") == _meta(head, "DC.publisher") == [RECORD["publisher"]]
    assert _meta(head, "citation_keywords") == _meta(head, "DC.subject") == CITATION["keywords"]
    assert _meta(head, "citation_pdf_url")[0].endswith(book.edition_name(ROOT))

    records = [json.loads(script.text) for script in head.iterfind("script[@type='application/ld+json']")]
    assert len(records) == 1
    record = records[0]
    book_record = record if edition else record["isPartOf"]
    assert book_record["@type"] == "Book" and book_record["name"] == CITATION["title"]
    assert book_record["bookEdition"] == str(CITATION["version"])
    assert [editor["name"] for editor in book_record["editor"]] == EDITORS
    assert record["license"] == book_record["license"] == LICENSE_URLS[CITATION["license"]]
    assert record["inLanguage"] == RECORD["language"] and record["datePublished"] == EDITION_DATE.isoformat()
    if not edition:
        assert record["@type"] == ("Chapter" if chapter else "WebPage") and record["name"] == title
        assert [author["name"] for author in record["author"]] == authors
    if chapter:
        assert record["position"] == CHAPTERS.index(docname) + 1
        assert [editor["name"] for editor in record["editor"]] == EDITORS


def _works() -> list[tuple[str, str | None]]:
    """(file stem, docname of the chapter or None for the edition) of every cited work."""
    return [("edition", None)] + [(docname.rpartition("/")[2], docname) for docname in CHAPTERS]


@pytest.mark.parametrize("stem, docname", _works())
def test_the_citation_files_import_and_agree_with_the_record(built_pages, stem, docname):
    title = _title(built_pages[f"{docname}.html"]) if docname else CITATION["title"]
    authors = [RECORD["creator"]] if docname else EDITORS

    bibtex = parse_string((CITE_DIR / f"{stem}.bib").read_text(encoding="utf-8"), "bibtex")
    (entry,) = bibtex.entries.values()
    assert entry.type == ("incollection" if docname else "book")
    assert entry.fields["title"] == title and entry.fields["year"] == str(EDITION_DATE.year)
    assert entry.fields["version"] == str(CITATION["version"])
    assert [str(person).strip("{}") for person in entry.persons["author"]] == [
        "Caplan, Bryan" if name == RECORD["creator"] else name for name in authors]
    if docname:
        assert entry.fields["booktitle"] == CITATION["title"]
        assert entry.fields["chapter"] == str(CHAPTERS.index(docname) + 1)

    (ris,) = rispy.loads((CITE_DIR / f"{stem}.ris").read_text(encoding="utf-8"))
    assert ris["type_of_reference"] == ("CHAP" if docname else "BOOK") and ris["title"] == title
    assert ris["year"] == str(EDITION_DATE.year) and ris["edition"] == str(CITATION["version"])
    if docname:
        assert ris["secondary_title"] == CITATION["title"] and ris["secondary_authors"] == EDITORS

    items = json.loads((CITE_DIR / f"{stem}.json").read_text(encoding="utf-8"))
    source = CiteProcJSON(items)
    style = CitationStylesStyle("harvard-cite-them-right", validate=False)
    bibliography = CitationStylesBibliography(style, source, formatter.plain)
    bibliography.register(Citation([CitationItem(items[0]["id"])]))
    formatted = str(bibliography.bibliography()[0])
    assert title in formatted and str(EDITION_DATE.year) in formatted
    assert items[0]["issued"]["date-parts"] == [[EDITION_DATE.year, EDITION_DATE.month, EDITION_DATE.day]]


def test_each_chapter_and_the_how_to_cite_page_link_the_files(built_pages):
    for stem, docname in _works():
        targets = {f"{stem}.{suffix}" for suffix in ("bib", "ris", "json")}
        how_to_cite = lxml_html.fromstring(built_pages["chapters/how-to-cite.html"].encode("utf-8"))
        assert targets <= {link.get("href").rpartition("/")[2] for link in how_to_cite.iterfind(".//a[@href]")}
        if docname:
            page = lxml_html.fromstring(built_pages[f"{docname}.html"].encode("utf-8"))
            (block,) = page.xpath(".//article//*[contains(@class, 'chapter-citation')]")
            assert targets == {link.get("href").rpartition("/")[2] for link in block.iterfind(".//a")}
            assert "\u00b6N" in block.text_content()
