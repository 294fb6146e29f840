"""The TEI P5 edition (`make tei`, which `make test` runs): valid against tei_all.rng, the author's words read back
from it (as printed) are the copy-text, and what it encodes agrees with the HTML book and the record: slips,
paragraphs, margin notes, dates, names, quotations, the register and the bibliography."""

import csv

import pytest
import yaml
from bs4 import BeautifulSoup
from lxml import etree

from coup1917 import COPY_TEXT, DATA_DIR, ROOT, book
from coup1917.build.checks import tei_check
from coup1917.build.checks.html_text import copy_text_words, differences
from coup1917.calendar import to_new_style
from coup1917.sphinx.editions import metadata

pytestmark = pytest.mark.tei

TEI_FILE = ROOT / "_build" / "tei" / book.edition_name(ROOT, ".xml")
NS = {"tei": "http://www.tei-c.org/ns/1.0"}
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"


@pytest.fixture(scope="module")
def tei() -> etree._ElementTree:
    if not TEI_FILE.exists():
        pytest.fail(f"no TEI at {TEI_FILE}: run the tests with `make test`, which runs `make tei` first")
    return etree.parse(str(TEI_FILE))


def _text_pages(built_pages) -> list[BeautifulSoup]:
    """The HTML text pages, in reading order (those with numbered paragraphs)."""
    pages = [BeautifulSoup(html, "html.parser") for html in built_pages.values()]
    return [page for page in pages if page.select("span.paragraph-number")]


def test_the_tei_is_valid_against_tei_all():
    assert tei_check.validate(TEI_FILE) == []


def test_the_validator_reports_an_invalid_file_with_its_line(tmp_path):
    broken = tmp_path / "broken.xml"
    broken.write_text('<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader/>\n<oops/></TEI>', encoding="utf-8")
    messages = tei_check.validate(broken)
    assert messages and all(message.startswith(f"{broken}:") for message in messages)
    assert any(":2:" in message and '"oops"' in message for message in messages)


def test_the_authors_words_read_back_from_the_tei_are_the_copy_text():
    assert differences(copy_text_words(COPY_TEXT), tei_check.authorial_words(TEI_FILE)) == []


def test_every_slip_is_the_sic_and_corr_the_html_shows(tei, built_pages):
    html = [(mark.select_one(".sic-printed").get_text(), mark.select_one(".sic-reading").get_text())
            for page in _text_pages(built_pages) for mark in page.select("article span.sic")]
    encoded = [(choice.findtext("tei:sic", namespaces=NS), choice.findtext("tei:corr", namespaces=NS))
               for choice in tei.iterfind(".//tei:body//tei:choice", NS)]
    assert encoded == html and len(html) >= 3
    for choice in tei.iterfind(".//tei:body//tei:choice", NS):  # each with its reason, a note pointing to it
        assert tei.find(f".//tei:note[@target='#{choice.get(XML_ID)}']", NS) is not None


def test_paragraphs_are_numbered_as_in_the_html_and_notes_point_to_them(tei, built_pages):
    numbers = [int(marker.select_one("a.paragraph-link").get_text().lstrip("¶"))
               for page in _text_pages(built_pages) for marker in page.select("span.paragraph-number")]
    paragraphs = tei.findall(".//tei:body//tei:p[@n]", NS)
    assert [int(p.get("n")) for p in paragraphs] == numbers == list(range(1, len(numbers) + 1))
    ids = {p.get(XML_ID) for p in paragraphs}
    notes = tei.findall(".//tei:body//tei:note[@place='margin']", NS)
    margin_notes = sum(len([aside for aside in page.select("article aside.margin")
                            if "sic-notes" not in aside.get("class", [])]) for page in _text_pages(built_pages))
    assert len(notes) == margin_notes > 0
    assert all(note.get("target", "").lstrip("#") in ids for note in notes)


def test_dates_carry_both_calendars(tei):
    dates = tei.findall(".//tei:body//tei:date", NS)
    old_style = [date for date in dates if date.get("when-custom")]
    assert len(old_style) > 20
    for date in old_style:
        assert date.get("datingMethod") == "#julian"
        assert date.get("when") == to_new_style(date.get("when-custom")).isoformat()
    essay = [date for date in old_style if "(old calendar)" in "".join(date.itertext())]
    assert [date.get("when-custom") for date in essay] == ["1917-10-10", "1917-10-24"]
    assert tei.find(".//tei:calendar[@xml:id='julian']", {**NS, "xml": "http://www.w3.org/XML/1998/namespace"}) \
        is not None


def test_names_point_into_the_register_which_is_the_csv(tei):
    rows = list(csv.DictReader((DATA_DIR / "register.csv").open(encoding="utf-8")))
    lists = {"person": "listPerson/tei:person", "place": "listPlace/tei:place", "org": "listOrg/tei:org"}
    for kind, path in lists.items():
        listed = [element.get(XML_ID) for element in tei.iterfind(f".//tei:standOff/tei:{path}", NS)]
        assert listed == [row["id"] for row in rows if row["type"] == kind]
    types = {row["id"]: row["type"] for row in rows}
    tags = {"person": "persName", "place": "placeName", "org": "orgName"}
    names = [name for tag in tags.values() for name in tei.iterfind(f".//tei:body//tei:{tag}[@ref]", NS)]
    assert len(names) > 50
    for name in names:
        assert etree.QName(name).localname == tags[types[name.get("ref").lstrip("#")]]
    kerensky = tei.find(".//tei:person[@xml:id='kerensky']", {**NS, "xml": "http://www.w3.org/XML/1998/namespace"})
    assert [n.text for n in kerensky.iterfind("tei:persName", NS)] == ["Alexander Kerensky", "Kerensky",
                                                                       "Kerenskii", "Kerenskij"]


def test_quotations_name_their_source_and_the_bibliography_is_the_books(tei, built_pages):
    quotes = tei.findall(".//tei:body//tei:quote", NS)
    marked = [quote for quote in quotes if quote.find(".//tei:ref[@type='citation']", NS) is not None]
    assert len(quotes) == 2 and marked  # the essay marks one of its two block quotations with its source
    for quote in quotes:
        assert quote.get("source") == (quote.find(".//tei:ref[@type='citation']", NS).get("target")
                                       if quote in marked else None)
    bibliography = BeautifulSoup(built_pages["chapters/bibliography.html"], "html.parser")
    entries = tei.findall(".//tei:back//tei:listBibl/tei:bibl", NS)
    assert len(entries) == len(bibliography.select("div.citation")) > 5
    ids = {entry.get(XML_ID) for entry in entries}
    pointers = [ref.get("target") for ref in tei.iterfind(".//tei:ref[@type='citation']", NS)]
    pointers += [ptr.get("target") for ptr in tei.iterfind(".//tei:standOff//tei:ptr", NS)]
    assert pointers and {target.lstrip("#") for target in pointers} <= ids


def test_the_header_is_the_record(tei):
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    edition = metadata.edition(ROOT, config["sphinx"]["config"]["edition_metadata"])
    header = tei.find("tei:teiHeader", NS)
    assert header.findtext(".//tei:titleStmt/tei:title", namespaces=NS) == edition.title
    assert header.findtext(".//tei:titleStmt/tei:author", namespaces=NS) == edition.author
    assert [e.text for e in header.iterfind(".//tei:titleStmt/tei:editor", NS)] == edition.editors
    assert header.find(".//tei:licence", NS).get("target") == edition.license_url
    assert header.find(".//tei:editionStmt/tei:edition", NS).get("n") == edition.version
    assert header.findtext(".//tei:sourceDesc//tei:title", namespaces=NS) == edition.essay


def test_the_tei_is_published_in_the_site():
    assert (ROOT / "_build" / "html" / TEI_FILE.name).read_bytes() == TEI_FILE.read_bytes()
