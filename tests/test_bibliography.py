"""references.bib is complete: every book gives its place, publisher and year, and its ISBN where it has one.

A book published before ISBNs existed (the first were assigned in 1970) is excepted only with a comment line
"% No ISBN: ..." directly above its entry, so that an ISBN is never silently missing. Unit tests: no build.
"""

import csv
import re

import pytest
from pybtex.database import parse_file

from coup1917 import ROOT

BIB = ROOT / "references.bib"
FIRST_ISBN_YEAR = 1970
NO_ISBN_COMMENT = re.compile(r"^% No ISBN: .+\n@book\{([^,]+),", re.M)
PAGES_SEEN = re.compile(r"^% Pages seen: (.+)\n(?:%.*\n)*@\w+\{([^,]+),", re.M)
PAGE_NUMBERS = re.compile(r"\bpp?\.\s*((?:\d+(?:[–-]\d+)?(?:,\s*|\s+and\s+)?)+)")
CITATION = re.compile(r"\{cite:p\}`([^`]+)`")
CHAPTERS = ROOT / "chapters"


@pytest.fixture(scope="module")
def entries():
    return parse_file(str(BIB), bib_format="bibtex").entries


def isbn_is_valid(isbn: str) -> bool:
    digits = isbn.replace("-", "").replace(" ", "")
    if re.fullmatch(r"\d{9}[\dX]", digits):
        total = sum((10 - i) * (10 if d == "X" else int(d)) for i, d in enumerate(digits))
        return total % 11 == 0
    if re.fullmatch(r"97[89]\d{10}", digits):
        return sum((3 if i % 2 else 1) * int(d) for i, d in enumerate(digits)) % 10 == 0
    return False


@pytest.mark.parametrize("isbn, valid", [
    ("0-394-50241-8", True),    # Pipes, The Russian Revolution (Knopf, 1990)
    ("0-394-50241-5", False),   # the same with a wrong check digit
    ("978-0-394-50241-0", True),
    ("978-0-394-50241-8", False),
    ("0-8044-2360-X", False),
    ("not an isbn", False),
])
def test_isbn_check_digit(isbn, valid):
    assert isbn_is_valid(isbn) is valid


def test_every_book_has_place_publisher_and_year(entries):
    books = {key: entry for key, entry in entries.items() if entry.type in ("book", "incollection")}
    assert len(books) >= 8
    for key, entry in books.items():
        missing = [field for field in ("address", "publisher", "year") if not entry.fields.get(field, "").strip()]
        assert not missing, f"references.bib: {key} lacks {', '.join(missing)}"
        if entry.type == "incollection":
            assert entry.fields.get("booktitle"), f"references.bib: {key} lacks the book it is in (booktitle)"


def test_every_book_has_a_valid_isbn_or_predates_isbns(entries):
    exempt = set(NO_ISBN_COMMENT.findall(BIB.read_text(encoding="utf-8")))
    books = {key: entry for key, entry in entries.items() if entry.type == "book"}
    for key, entry in books.items():
        if key in exempt:
            assert int(entry.fields["year"]) < FIRST_ISBN_YEAR, f"references.bib: {key} is too recent to lack an ISBN"
            assert "isbn" not in entry.fields, f"references.bib: {key} has an ISBN and a 'No ISBN' comment"
            continue
        assert "isbn" in entry.fields, f"references.bib: {key} has no ISBN and no '% No ISBN: ...' comment"
        assert isbn_is_valid(entry.fields["isbn"]), f"references.bib: {key}: {entry.fields['isbn']} is not an ISBN"
    assert exempt and exempt < set(books), "the exempt books are books of the bibliography"


def test_no_encyclopedia_or_library_web_page_is_cited(entries):
    """Online encyclopaedias and library pages led the editors to sources; they are never cited."""
    for key, entry in entries.items():
        url = entry.fields.get("url", "")
        assert not re.search(r"wikipedia|encspb|prlib", url + key), f"references.bib: {key} cites {url or key}"


def test_the_bibliography_is_in_the_alphabetical_order_of_its_labels(entries):
    """pybtex's BaseStyle takes its order from a sorting style; a ``sort`` method on the style would be ignored."""
    from pybtex.plugin import find_plugin

    from coup1917.sphinx.apparatus import citations

    class _App:  # registers the pybtex plugins without a Sphinx build
        def add_role(self, *args):
            pass

        def connect(self, *args):
            pass

    citations.setup(_App())
    style = find_plugin("pybtex.style.formatting", "edition_author_year")()
    ordered = list(style.sort(entries.values()))
    labels = list(style.format_labels(ordered))
    assert len(labels) == len(entries)
    assert labels == sorted(labels, key=str.casefold)
    assert labels[0] == "Berg 1950" and "Pipes 1990" in labels


def pages_seen() -> dict[str, set[int]]:
    """Each work with a "% Pages seen:" line, and the pages that line names."""
    return {key: page_numbers(line) for line, key in PAGES_SEEN.findall(BIB.read_text(encoding="utf-8"))}


def cited_with_locators() -> list[tuple[str, str, str]]:
    """(page, key, locator) for every citation in the chapters that gives a chapter or pages in braces."""
    found = []
    for chapter in sorted(CHAPTERS.glob("*.md")):
        for group in CITATION.findall(chapter.read_text(encoding="utf-8")):
            for key, locator in re.findall(r"([\w-]+)(?:\{([^}]*)\})?", group):
                found.append((chapter.name, key, locator))
    return found


def page_numbers(text: str) -> set[int]:
    """The pages a "p. 12" / "pp. 12, 14 and 20–22" text names, ranges expanded."""
    pages = set()
    for group in PAGE_NUMBERS.findall(text):
        for first, last in re.findall(r"(\d+)(?:[–-](\d+))?", group):
            pages.update(range(int(first), int(last or first) + 1))
    return pages


def register_locators() -> list[tuple[str, str, str]]:
    with (ROOT / "data" / "register.csv").open(encoding="utf-8", newline="") as file:
        return [("data/register.csv", row["source"], row["locator"]) for row in csv.DictReader(file)]


def test_every_page_cited_is_one_the_entry_says_was_seen():
    """A page is cited only if the work's "% Pages seen:" line names it. Issue 19: Bunyan & Fisher's and Lenin's pages
    were cited from transcriptions that show no page breaks (the register kept Bunyan & Fisher's); Florinsky's p. 1150
    was seen in the Internet Archive's full text, after pp. 1449 and 1455 in its scan."""
    seen = pages_seen()
    cited = [(f"chapters/{page}", key, locator) for page, key, locator in cited_with_locators()]
    checked = 0
    for where, key, locator in cited + register_locators():
        pages = page_numbers(locator)
        if pages:
            unseen = sorted(pages - seen.get(key, set()))
            assert not unseen, f"{where}: cites page(s) {unseen} of {key}, not among the pages its entry says were seen"
            checked += 1
    assert checked, "some citation gives a page"


@pytest.mark.parametrize("text, pages", [
    ("vol. 2, p. 1449", {1449}),
    ("vol. 2, pp. 1150, 1449 and 1455, in a scan", {1150, 1449, 1455}),
    ("pp. 334–338", set(range(334, 339))),
    ("chs. 8–10", set()),
])
def test_page_numbers_reads_pages_not_volumes_or_chapters(text, pages):
    assert page_numbers(text) == pages


def test_no_book_or_chapter_has_a_page_field_for_pages_not_seen(entries):
    seen = pages_seen()
    for key, entry in entries.items():
        if entry.type in ("book", "incollection") and "pages" in entry.fields:
            assert key in seen, f"references.bib: {key} gives pages the editors have not seen"


def test_radkeys_count_is_in_the_bibliography_with_its_reviewer(entries):
    assert entries["radkey1990"].fields["isbn"] == "0-8014-2360-0"
    assert entries["radkey1990"].fields["publisher"] == "Cornell University Press"
    assert "radkey1950" in entries and "berg1950" in entries
    assert "Pipes" not in entries["radkey1950"].fields.get("note", ""), "the note must not say Pipes draws on it"
