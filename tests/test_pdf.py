"""The PDF edition (Typst): the complete text word for word, fonts embedded, a sane length, bookmarks; every margin note
on its block's page; the structure tree (headings, paragraphs, notes after their paragraph, the table's header
cells, figures with /Alt, links, language); PDF/UA-1 and PDF/A-2a declared and validated (page-validation, offline);
metadata from the one record; right-aligned number columns.

The PDF's authorial text is its serif text (see coup1917/build/checks/pdf_text.py for how it is read and the one
normalisation, hyphen breaks at line ends). `make test` builds the PDF before the tests run.
"""

import re
from collections import Counter
from pathlib import Path

import page
import pikepdf
import pytest
import typst
import yaml
from bs4 import BeautifulSoup
from docutils import nodes
from sphinx.errors import ExtensionError

from coup1917 import ROOT, book
from coup1917.build.checks.html_text import differences
from coup1917.build.checks.pdf_text import SERIF, authorial_words, lines
from coup1917.sphinx.editions import metadata
from coup1917.sphinx.charts.plotly_output import plotly_chart, visit_chart_typst
from coup1917.sphinx.editions.pdf import SANS_FONTS, compile_pdf
from coup1917.sphinx.editions.typst_writer import escape
from tests.support import chart_figures

PAGES = range(10, 81)  # 13 pages with the text alone; charts, notes and apparatus add some, never dozens
CONTINUED = "(notes continued)"  # coup1917/sphinx/editions/typst/edition.typ, over a note column a page carries on


def test_pdf_reproduces_the_copy_text(pdf, copy_text_words):
    found = differences(copy_text_words, authorial_words(pdf))
    assert not found, "the PDF departs from the copy-text:\n" + "\n".join(found)


def fonts(pdf_file: Path) -> dict[str, bool]:
    """Every font of the PDF (a composite font by its descendant) -> whether its glyphs are embedded."""
    found = {}
    with pikepdf.open(pdf_file) as document:
        for obj in document.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/Font" and obj.Subtype != "/Type3":
                font = obj.DescendantFonts[0] if obj.Subtype == "/Type0" else obj
                descriptor = font.get("/FontDescriptor")
                found[str(font.BaseFont)] = descriptor is not None and bool(
                    {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor.keys()))
    return found


def test_every_font_is_embedded(pdf):
    found = fonts(pdf)
    assert found and [name for name, embedded in found.items() if not embedded] == []
    names = " ".join(found)
    assert SERIF in names and "SourceSans3" in names  # the author's serif, the editors' sans-serif


def test_page_count_is_sane(pdf):
    with pikepdf.open(pdf) as document:
        assert len(document.pages) in PAGES


def bookmarks(pdf: Path) -> dict[str, int]:
    """The PDF's outline: title -> page number."""
    with pikepdf.open(pdf) as document:
        pages = {page.objgen: number for number, page in enumerate(document.pages, start=1)}
        found = {}

        def walk(items) -> None:
            for item in items:
                destination = item.destination or (item.action.get("/D") if item.action else None)
                if destination is not None:
                    found[item.title] = pages[destination[0].objgen]
                walk(item.children)

        with document.open_outline() as outline:
            walk(outline.root)
        return found


def internal_link_targets(pdf: Path) -> set[int]:
    """The pages that links inside the PDF lead to."""
    with pikepdf.open(pdf) as document:
        pages = {page.objgen: number for number, page in enumerate(document.pages, start=1)}
        targets = set()
        for page in document.pages:
            for annotation in page.get("/Annots", []):
                action = annotation.get("/A")
                destination = annotation.get("/Dest") or (action.get("/D") if action is not None else None)
                if isinstance(destination, pikepdf.Array):
                    targets.add(pages[destination[0].objgen])
        return targets


def test_pdf_has_bookmarks_that_the_contents_link_to(pdf):
    marks = bookmarks(pdf)
    assert {"[Kerensky and the Bolsheviks]", "[The Coup]", "Bibliography"} <= marks.keys(), marks
    unlinked = {title: page for title, page in marks.items() if page not in internal_link_targets(pdf)}
    assert unlinked == {}, f"bookmarked pages no internal link leads to: {unlinked}"


# --- margin notes: beside their block, on its page --------------------------------------------------------------

def _squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _notes_and_blocks(html: str) -> list[tuple[str, str]]:
    """Each margin note of an HTML page (the slips' notes, which the PDF gives as footnotes, left out) with the
    block it stands beside: the first words of each, as the reader sees them."""
    soup = BeautifulSoup(html, "html.parser")
    pairs = []
    for aside in soup.select("aside.margin"):
        if "sic-notes" in aside["class"]:
            continue
        block = aside.find_next_sibling(lambda tag: tag.name != "aside" and "margin-note-toggle" not in
                                        (tag.get("class") or []))
        for hidden in block.select(".sic-reading, .sic-marker, .paragraph-number"):
            hidden.decompose()
        first = block.find("tbody") or block  # a table: its first row, not the caption's number
        pairs.append((_squeezed(aside.get_text(" ", strip=True))[:60], _squeezed(first.get_text(" ", strip=True))[:30]))
    return pairs


def test_every_margin_note_starts_on_the_page_of_its_block(pdf, built_pages):
    """For every {margin} of the text chapters: the note's first words stand on the page of its block's first words,
    or on the pages right after it that its block's notes run on to, under "(notes continued)"; never beside
    another block's or another chapter's text."""
    found = lines(pdf)
    text_block_right = _text_block_right(found)
    pages = {}  # page -> its text column's text, then its margin column's, each from the top
    for line in sorted(found, key=lambda line: (line.page, line.left > text_block_right, line.top, line.left)):
        pages[line.page] = pages.get(line.page, "") + line.text
    pages = {number: _squeezed(text) for number, text in pages.items()}

    def on(snippet: str) -> list[int]:
        return [number for number, text in sorted(pages.items()) if snippet in text]

    margin_directive = re.compile(r"^:{3,}\{margin\}", re.M)
    text_pages = [name for name in built_pages if "copy-text: true" in
                  book.pages_on_disk(ROOT)[name.removesuffix(".html")].read_text(encoding="utf-8")]
    expected = sum(len(margin_directive.findall(book.pages_on_disk(ROOT)[name.removesuffix(".html")]
                                                .read_text(encoding="utf-8"))) for name in text_pages)
    cursor, checked, away = 2, 0, []  # after the title page
    for name in text_pages:
        heading = _squeezed(BeautifulSoup(built_pages[name], "html.parser").h1.get_text(" ", strip=True))[:20]
        cursor = next(number for number in on(heading.strip("#")) if number > cursor)  # the chapter's first page
        for note, block in _notes_and_blocks(built_pages[name]):
            block_page = next(number for number in on(block) if number >= cursor)
            cursor = block_page
            allowed = {block_page}
            while _squeezed(CONTINUED) in pages.get(max(allowed) + 1, ""):
                allowed.add(max(allowed) + 1)
            note_pages = on(note)
            assert note_pages, f"{name}: note {note!r} not found in the PDF"
            if not set(note_pages) & allowed:
                away.append(f"{name}: note {note[:30]!r} on page(s) {note_pages}, its block on {block_page}")
            checked += 1
    assert checked == expected
    assert away == []


def _text_block_right(found) -> float:
    """Justified lines of the author's text all end at the right edge of the text block."""
    return Counter(round(line.left + line.width) for line in found if SERIF in line.font).most_common(1)[0][0] + 1


def test_the_margin_column_holds_only_the_editors_words(pdf):
    found = lines(pdf)
    in_margin = [line for line in found if line.left > _text_block_right(found)]
    assert in_margin, "no text in the margin column"
    assert all(SERIF not in line.font for line in in_margin), [line.text for line in in_margin if SERIF in line.font]


# --- the structure tree -------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def tree(pdf):
    with pikepdf.open(pdf) as document:
        assert document.Root.MarkInfo.Marked is True
        assert str(document.Root.Lang) == "en"
        found = []

        def walk(element, depth):
            found.append((depth, str(element.S)[1:], {key: str(element[key]) for key in ("/Alt",) if key in element},
                          _role_children(element)))
            kids = element.get("/K")
            for kid in (kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []):
                if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                    walk(kid, depth + 1)

        root = document.Root.StructTreeRoot.K
        for element in (root if isinstance(root, pikepdf.Array) else [root]):
            walk(element, 0)
        return found


def _role_children(element) -> list[str]:
    kids = element.get("/K")
    return [str(kid.S)[1:] for kid in (kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else [])
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid]


def test_the_structure_tree_has_the_editions_roles(tree):
    roles = Counter(role for _, role, _, _ in tree)
    chapters = sum(1 for _ in book.reading_order(ROOT))
    assert roles["H1"] >= chapters - 1 and roles["H2"] > 0  # the root page's title is the book's title page
    assert roles["P"] > 100 and roles["Link"] > 100 and roles["Table"] >= 1 and roles["TH"] >= 3
    assert roles["L"] >= 1 and roles["LI"] >= 1


def test_every_figure_has_its_text_alternative(tree):
    figures = [attributes.get("/Alt", "") for _, role, attributes, _ in tree if role == "Figure"]
    expected = sum(chart_figures(path) for path in book.pages_on_disk(ROOT).values())
    assert len(figures) == expected
    assert all(alt.strip() for alt in figures), "a Figure without /Alt"


def test_every_tables_first_row_is_header_cells(tree):
    for index, (depth, role, _, _) in enumerate(tree):
        if role == "Table":
            first_row = next(children for d, r, _, children in tree[index + 1:] if r == "TR")
            assert first_row and set(first_row) == {"TH"}, first_row


def test_a_paragraphs_notes_follow_it_in_reading_order(tree, built_pages):
    """Chapter 4: its heading; its first paragraph in the grid's first cell; then, in the next cell, that
    paragraph's notes, one P each, all before the table."""
    chapter = next(name for name in built_pages if name.startswith("chapters/04-"))
    notes = len(BeautifulSoup(built_pages[chapter], "html.parser").select("aside.margin")[0]
                .select("p:not(.sidebar-title)"))
    votes = next(i for i, (_, role, attributes, _) in enumerate(tree)
                 if role == "Figure" and attributes.get("/Alt", "").startswith("Votes by party"))
    start = max(i for i, (_, role, _, _) in enumerate(tree[:votes]) if role == "H1")  # chapter 4's heading
    table = next(i for i in range(start, votes) if tree[i][1] == "Table")
    paragraph = next(i for i in range(start, table) if tree[i][1] == "P")
    depth = tree[paragraph][0]
    cell = next(i for i in range(paragraph + 1, table) if tree[i][0] == depth - 1)
    assert tree[cell][1] == "Div" and tree[cell][3] == ["P"] * notes, tree[cell]


def test_pdf_validates_as_pdfua1_and_pdfa2a(pdf):
    """page-validation (PyPI, Rust, offline) checks what it implements of PDF/UA-1 (104 rules) and PDF/A-2a
    (154 rules); it is not veraPDF, and no checker decides that alt texts or reading order make sense."""
    for profile in ("ua1", "2a"):
        report = page.validate_pdf(pdf, profile=profile)
        assert report.is_compliant, [f"{failure.rule_id}: {failure.message}" for failure in report.failures]


def test_pdfua_validation_catches_an_untagged_pdf(tmp_path):
    """The validator fails a PDF Typst writes without the standards: so its pass above means something."""
    (tmp_path / "plain.typ").write_text('#set document(title: "T")\nA line of text.\n', encoding="utf-8")
    typst.compile(str(tmp_path / "plain.typ"), output=str(tmp_path / "plain.pdf"), ignore_system_fonts=True)
    assert not page.validate_pdf(tmp_path / "plain.pdf", profile="ua1").is_compliant


# --- a publication a library would catalogue ------------------------------------------------------------------------

def edition_record():
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    return metadata.edition(ROOT, config["sphinx"]["config"]["edition_metadata"])


def test_pdf_info_carries_the_editions_metadata(pdf):
    edition = edition_record()
    with pikepdf.open(pdf) as document:
        info = {key: str(value) for key, value in document.docinfo.items()}
        assert info["/Title"] == edition.title
        assert info["/Author"] == ", ".join([edition.creator, *edition.contributors])
        assert info["/Subject"] == edition.summary
        assert info["/Keywords"] == ", ".join(edition.keywords)
        # the date of the sources (the last commit), not of the build
        assert info["/CreationDate"] == info["/ModDate"] == edition.date.strftime("D:%Y%m%d%H%M%S") + "Z"
        assert "/Metadata" in document.Root and document.Root.MarkInfo.Marked is True


def test_pdf_xmp_agrees_with_the_record_and_declares_pdfua1_and_pdfa2a(pdf):
    edition = edition_record()
    with pikepdf.open(pdf) as document:
        xmp = document.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False)
        assert xmp["dc:title"] == str(document.docinfo.Title) == edition.title
        assert xmp["dc:creator"] == [", ".join([edition.creator, *edition.contributors])]  # one, as Info's Author
        assert xmp["dc:description"] == edition.summary
        assert xmp["dc:language"] == {"en"}
        assert xmp["xmp:CreateDate"].startswith(edition.date.strftime("%Y-%m-%dT%H:%M:%S"))
        assert (xmp["pdfaid:part"], xmp["pdfaid:conformance"]) == ("2", "A")
        assert xmp["pdfuaid:part"] == "1"


def test_numeric_columns_of_table_4_1_are_right_aligned(pdf):
    """The votes and percentages of the election table end at one right edge and start at different left ones."""
    found = lines(pdf)
    page_number = next(line.page for line in found if "Constituent Assembly Election Results" in line.text)
    on_page = [line for line in found if line.page == page_number]
    for column in (["17,943", "10,661", "1,144", "451"], ["40.4%", "24.0%", "2.6%", "1.0%"]):
        cells = [next(line for line in on_page if line.text.strip() == text) for text in column]
        rights = {cell.left + cell.width for cell in cells}
        lefts = {cell.left for cell in cells}
        assert max(rights) - min(rights) <= 1, f"{column}: right edges {rights}"
        assert len(lefts) > 1, f"{column}: all start at {lefts}, left-aligned"


def test_reader_keeps_the_serif_body_text_only(tmp_path):
    """On a small Typst document: sans-serif matter, a footnote mark and the margin column are left out, and a word
    broken after its own hyphen is joined again."""
    (tmp_path / "fixture.typ").write_text(r"""
#set document(title: "Fixture")
#set page(width: 12cm, height: 10cm, margin: (right: 5cm))
#set text(font: "Libertinus Serif", size: 10.5pt)
#set smartquote(enabled: false)
#text(font: "Source Sans 3", size: 14pt)[\[A supplied heading\]]

#grid(columns: (1fr, 4cm), column-gutter: 0.5cm,
  [The author's hand-\ picked words#text(font: "Source Sans 3")[#footnote[An editorial note.]] stand here.],
  text(font: "Source Sans 3", size: 8pt)[A margin note.])
""", encoding="utf-8")
    typst.compile(str(tmp_path / "fixture.typ"), output=str(tmp_path / "fixture.pdf"), font_paths=[str(SANS_FONTS)],
                  ignore_system_fonts=True)
    words = authorial_words(tmp_path / "fixture.pdf")
    assert [w.text for w in words] == ["The", "author's", "hand-picked", "words", "stand", "here."]
    assert words[2].where.startswith("fixture.pdf, page 1, line at ")


def test_text_is_never_read_as_typst_markup(tmp_path):
    """Every ASCII punctuation mark, and the copy-text's own runs of them ("...", "--", quotes), come out of the PDF
    as written: the writer escapes them all."""
    text = "".join(chr(c) for c in range(33, 127) if not chr(c).isalnum()) + ' "quoted" -- ... \'a\' x_y_ *z* $1'
    (tmp_path / "text.typ").write_text(f'#set document(title: "T")\n#set smartquote(enabled: false)\n{escape(text)}\n',
                                       encoding="utf-8")
    typst.compile(str(tmp_path / "text.typ"), output=str(tmp_path / "text.pdf"), ignore_system_fonts=True)
    assert "".join(line.text for line in lines(tmp_path / "text.pdf")).split() == text.split()


def test_a_chart_without_its_text_alternative_stops_the_pdf():
    chart = plotly_chart(figure={"data": []})
    nodes.figure("", chart)  # a figure with neither caption nor "Text alternative." paragraph
    with pytest.raises(ExtensionError, match="text alternative"):
        visit_chart_typst(None, chart)


def test_a_typst_error_names_its_file_and_line(tmp_path):
    (tmp_path / "book.typ").write_text('#set document(title: "T")\nA line.\n#link(<nowhere>)[x]\n', encoding="utf-8")
    with pytest.raises(ExtensionError, match=rf"^{tmp_path}/book.typ:3: Typst: label `<nowhere>` does not exist"):
        compile_pdf(tmp_path / "book.typ", tmp_path / "book.pdf", edition_record())
