"""The EPUB edition: EPUBCheck finds nothing, its authorial text in spine order is the copy-text, its metadata is the
edition's, margin notes are EPUB footnotes, charts are images with alt text and their data, and it is published in
the site and its zip. `make test` runs `make epub` before the tests.
"""

import re
import zipfile
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from coup1917 import ROOT, book
from coup1917.build.checks import epub_check as reader
from coup1917.build.checks.html_text import differences
from coup1917.sphinx.editions import metadata
from tests.support import HTML_DIR

EPUB_DIR = ROOT / "_build" / "epub"
SITE_ZIP = ROOT / "_build" / "site.zip"


@pytest.fixture(scope="session")
def epub() -> Path:
    path = EPUB_DIR / book.edition_name(ROOT, ".epub")
    if not path.exists():
        pytest.fail(f"no EPUB at {path}: run the tests with `make test`, which builds it first")
    return path


@pytest.fixture(scope="session")
def pages(epub) -> dict[str, BeautifulSoup]:
    return {path: BeautifulSoup(xhtml, "html.parser") for path, xhtml in reader.spine_pages(epub)}


def edition_record() -> metadata.Edition:
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    return metadata.edition(ROOT, config["sphinx"]["config"]["edition_metadata"])


@pytest.mark.epub
def test_epubcheck_finds_no_error_and_no_warning(epub):
    report = reader.epubcheck(epub)
    assert (report.fatals, report.errors, report.warnings) == (0, 0, 0), "\n".join(report.messages)


def altered_copy(epub: Path, destination: Path, page: str, old: bytes, new: bytes) -> Path:
    """A copy of the EPUB with ``old`` replaced by ``new`` once in ``page``."""
    with zipfile.ZipFile(epub) as source, zipfile.ZipFile(destination, "w") as target:
        for entry in source.infolist():
            data = source.read(entry)
            if entry.filename == page:
                assert old in data
                data = data.replace(old, new, 1)
            target.writestr(entry, data)
    return destination


@pytest.mark.epub
def test_epubcheck_reports_a_broken_page_with_its_file_and_line(epub, tmp_path):
    broken = altered_copy(epub, tmp_path / epub.name, "chapters/03-the-coup.xhtml", b"<p>", b"<p><bogus>")
    report = reader.epubcheck(broken)
    assert report.errors + report.fatals > 0
    assert re.match(rf"{re.escape(epub.name)}/chapters/03-the-coup\.xhtml:\d+: ERROR RSC-005 .*\"bogus\"",
                    report.messages[0]), report.messages


@pytest.mark.epub
def test_epub_reproduces_the_copy_text_in_spine_order(epub, copy_text_words):
    words = reader.authorial_words(epub)
    found = differences(copy_text_words, words)
    assert not found, "the EPUB departs from the copy-text:\n" + "\n".join(found)
    assert len(words) == len(copy_text_words)


@pytest.mark.epub
def test_text_guard_catches_a_changed_word(epub, tmp_path, copy_text_words):
    """The same EPUB with one of the author's words changed in a chapter: the guard names the page."""
    page = "chapters/03-the-coup.xhtml"
    altered = altered_copy(epub, tmp_path / epub.name, page, b" Bolsheviks ", b" Mensheviks ")
    found = differences(copy_text_words, reader.authorial_words(altered))
    assert len(found) == 1 and found[0].startswith(f"changed at {page}, block "), found


@pytest.mark.epub
def test_epub_package_carries_the_editions_metadata(epub):
    edition = edition_record()
    with zipfile.ZipFile(epub) as archive:
        package = BeautifulSoup(archive.read("content.opf"), "xml")
        assert archive.namelist()[0] == "mimetype" and archive.read("mimetype") == b"application/epub+zip"
    assert package.find("dc:title").text == edition.title
    assert package.find("dc:creator").text == edition.creator
    assert package.find("dc:contributor").text == ", ".join(edition.contributors)
    assert package.find("dc:language").text == "en"
    assert package.find("dc:rights").text == edition.rights
    assert package.find("dc:publisher").text == edition.publisher
    assert [subject.text for subject in package.find_all("dc:subject")] == edition.keywords
    assert package.find("dc:identifier").text == f"urn:{edition.instance_id}"
    assert package.find("meta", property="dcterms:modified").text == edition.date.strftime("%Y-%m-%dT%H:%M:%SZ")
    cover = package.find("meta", attrs={"name": "cover"})["content"]
    assert package.find("item", id=cover)["media-type"] == "image/png"


@pytest.mark.epub
def test_margin_notes_are_epub_footnotes_of_their_paragraphs(pages):
    """Every {margin} of the pages is an <aside>, a footnote that a numbered noteref in the next paragraph opens,
    unless no paragraph follows it (then a plain aside); every noteref leads to a footnote of its own page."""
    margin_directive = re.compile(r"^(:{3,}|`{3,})\{margin\}", re.M)
    sources = sum(len(margin_directive.findall((ROOT / page).with_suffix(".md").read_text(encoding="utf-8")))
                  for page in book.html_pages(ROOT))
    asides = [aside for soup in pages.values() for aside in soup.find_all("aside")]
    assert len([aside for aside in asides if "sic-notes" not in aside["class"]]) == sources
    for path, soup in pages.items():
        footnotes = {aside["id"] for aside in soup.find_all("aside", attrs={"epub:type": "footnote"})}
        references = [a["href"].lstrip("#") for a in soup.find_all("a", attrs={"epub:type": "noteref"})]
        assert sorted(references) == sorted(footnotes), path
        for aside in soup.find_all("aside"):
            assert "editorial" in aside["class"], f"{path}: a note not marked editorial"


@pytest.mark.epub
@pytest.mark.book
def test_every_chart_is_an_image_with_alt_text_and_its_data(pages, built_pages):
    html_charts = sum(html.count('class="plotly-graph-div"') for html in built_pages.values())
    images = [(path, image) for path, soup in pages.items() for image in soup.select("img.chart-image")]
    assert len(images) == html_charts
    for path, image in images:
        figure = image.find_parent("figure")
        caption = " ".join(figure.select_one(".caption-text").get_text().split()).rstrip(".")
        alternative = next(p for p in figure.find_all("p") if p.get_text().startswith("Text alternative."))
        description = " ".join(alternative.get_text().split()).removeprefix("Text alternative.").strip()
        assert image["alt"] == f"{caption}. {description}", path
        assert figure.find("table") is not None, f"{path}: a chart without its data table"


@pytest.mark.epub
def test_the_authors_words_and_the_editors_are_set_apart(epub):
    with zipfile.ZipFile(epub) as archive:
        css = archive.read("_static/edition-epub.css").decode("utf-8")
    assert re.search(r"body \{ font-family: serif;", css)
    assert re.search(r"\.editorial, .*\{ font-family: sans-serif; \}", css, re.S)


@pytest.mark.epub
@pytest.mark.book
def test_every_page_offers_the_epub_and_the_site_has_it(epub, built_pages):
    for page, html in built_pages.items():
        assert f'href="{"../" * page.count("/")}{epub.name}"' in html, f"{page}: no link to the EPUB"
    assert (HTML_DIR / epub.name).read_bytes() == epub.read_bytes()
    if SITE_ZIP.exists():
        with zipfile.ZipFile(SITE_ZIP) as archive:
            assert archive.read(f"{SITE_ZIP.stem}/{epub.name}") == epub.read_bytes()
