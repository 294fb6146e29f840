"""The PDF edition: the complete text word for word, fonts embedded, a sane length, real margin notes, charts; its
metadata, PDF/A-2b structure (a structural check, not a validation), byte-identical rebuilds and table alignment.

The PDF's authorial text is its serif text (see coup1917/build/checks/pdf_text.py for how it is read and the one normalisation,
hyphen breaks at line ends). `make test` builds the PDF before the tests run.
"""

import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pikepdf
import pytest
import yaml

from coup1917 import ROOT, book
from coup1917.book import html_pages
from coup1917.build.checks.html_text import differences
from coup1917.sphinx.editions import metadata
from coup1917.build.checks.pdf_text import SERIF, authorial_words, bookmarks, internal_link_targets, lines
from tests.support import WORK_DIR, chart_figures

LATEX_DIR = WORK_DIR / "_build" / "latex"  # the PDF build's LaTeX source, beside the PDF it made
MARGIN_NOTE = r"\marginpar{\editionmarginstyle"  # what coup1917/sphinx/margins/latex_margins.py writes for a {margin}
PAGES = range(10, 81)  # 13 pages with the text alone; charts and apparatus add some, never dozens


def test_pdf_reproduces_the_copy_text(pdf, copy_text_words):
    found = differences(copy_text_words, authorial_words(pdf))
    assert not found, "the PDF departs from the copy-text:\n" + "\n".join(found)


def test_every_font_is_embedded(pdf):
    rows = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True, text=True).stdout.splitlines()
    fonts = [row.split() for row in rows[2:]]
    assert fonts, "pdffonts lists no font"
    # Columns from the right: object id, generation, uni, sub, emb.
    not_embedded = [row[0] for row in fonts if row[-5] != "yes"]
    assert not_embedded == [], f"fonts not embedded: {not_embedded}"


def test_page_count_is_sane(pdf):
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    assert pages in PAGES


def test_pdf_has_bookmarks_that_the_contents_link_to(pdf):
    marks = bookmarks(pdf)
    assert {"[Kerensky and the Bolsheviks]", "[The Coup]", "Bibliography"} <= marks.keys(), marks
    unlinked = {title: page for title, page in marks.items() if page not in internal_link_targets(pdf)}
    assert unlinked == {}, f"bookmarked pages no internal link leads to: {unlinked}"


def test_every_margin_note_is_set_in_the_margin(pdf):
    """Each {margin} of the book's pages became a \\marginpar, and all text in the margin column is the editors'.

    With no margin note in the chapters this holds trivially; the fixture book below checks the mechanism."""
    margin_directive = re.compile(r"^(:{3,}|`{3,})\{margin\}", re.M)
    sources = sum(len(margin_directive.findall((ROOT / page).with_suffix(".md").read_text(encoding="utf-8")))
                  for page in html_pages(ROOT))
    assert (LATEX_DIR / pdf.name).with_suffix(".tex").read_text(encoding="utf-8").count(MARGIN_NOTE) == sources
    found = lines(pdf)
    # Justified lines of the author's text all end at the right edge of the text block.
    text_block_right = Counter(line.left + line.width for line in found if SERIF in line.font).most_common(1)[0][0]
    in_margin = [line for line in found if line.left > text_block_right]
    assert all(SERIF not in line.font for line in in_margin), [line.text for line in in_margin if SERIF in line.font]
    assert bool(in_margin) == bool(sources)


def test_every_chart_is_a_vector_figure_with_a_caption(pdf, built_pages):
    """Every chart figure of the chapters is in the HTML book as a chart and in the PDF as a PDF (vector) graphic
    inside a captioned figure."""
    expected = sum(chart_figures(ROOT / path) for path in book.pages_on_disk(ROOT).values())
    assert sum(html.count('class="plotly-graph-div"') for html in built_pages.values()) == expected
    tex = (LATEX_DIR / pdf.name).with_suffix(".tex").read_text(encoding="utf-8")
    figures = re.findall(r"\\begin\{figure\}.*?\\end\{figure\}", tex, re.S)
    vector_graphic = re.compile(r"\\sphinxincludegraphics(\[[^]]*\])?\{\{[^}]+\}\.pdf\}")
    assert sum(bool(vector_graphic.search(f)) and "\\caption{" in f for f in figures) == expected


@pytest.mark.pdf
def test_reader_keeps_the_serif_body_text_only(tmp_path):
    """On a small XeLaTeX document: sans-serif matter, a footnote mark and the margin are left out, and a word
    broken after its own hyphen is joined again."""
    (tmp_path / "fixture.tex").write_text(r"""
\documentclass{article}
\usepackage{fontspec}
\setmainfont{FreeSerif}\setsansfont{FreeSans}
\pagestyle{empty}
\begin{document}
{\sffamily\Large [A supplied heading]\par}
The author\textquotesingle{}s hand-\linebreak picked words\footnote{\sffamily An editorial note.} stand
\marginpar{\sffamily A margin note.} here.
\end{document}
""", encoding="utf-8")
    subprocess.run(["xelatex", "-interaction=nonstopmode", "-halt-on-error", "fixture.tex"], cwd=tmp_path,
                   check=True, capture_output=True)
    words = authorial_words(tmp_path / "fixture.pdf")
    assert [w.text for w in words] == ["The", "author's", "hand-picked", "words", "stand", "here."]
    assert words[2].where.startswith("fixture.pdf, page 1, line at ")


@pytest.mark.pdf
@pytest.mark.build
def test_margin_notes_are_set_in_the_margin(tmp_path):
    """A fixture book with one {margin}: the note stands in the outer margin beside the first line of the
    paragraph after it, in the editors' sans-serif, and the text block holds only the author's words."""
    book = tmp_path / "book"
    (book / "chapters").mkdir(parents=True)
    shutil.copy(ROOT / "_config.yml", book)
    shutil.copy(ROOT / "references.bib", book)
    shutil.copy(ROOT / "CITATION.cff", book)  # the edition's metadata (coup1917/sphinx/editions/metadata.py)
    shutil.copytree(ROOT / "coup1917" / "sphinx" / "static", book / "coup1917" / "sphinx" / "static")  # logo
    (book / "_toc.yml").write_text("format: jb-book\nroot: chapters/index\nchapters:\n"
                                   "  - file: chapters/text\n", encoding="utf-8")
    (book / "chapters" / "index.md").write_text("# A fixture book\n\nEditorial front matter.\n", encoding="utf-8")
    (book / "chapters" / "text.md").write_text(
        "---\ncopy-text: true\n---\n\n# A supplied heading\n\n"
        ":::{margin}\nThe fixture's margin note.\n:::\n\n"
        "The author's paragraph that the margin note stands beside, long enough to fill more than one line of "
        "the text block so that the note's place can be compared with the paragraph's first line.\n",
        encoding="utf-8")
    build = subprocess.run([str(ROOT / ".venv" / "bin" / "jupyter-book"), "build", str(book), "--builder",
                            "pdflatex", "-W", "-n", "--keep-going"], capture_output=True, text=True)
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    pdf = next((book / "_build" / "latex").glob("*.pdf"))
    found = lines(pdf)
    note = next(line for line in found if "margin note." in line.text)
    paragraph = next(line for line in found if line.text.startswith("The author's paragraph"))
    assert SERIF not in note.font
    assert note.page == paragraph.page and abs(note.top - paragraph.top) < 5
    assert note.left > paragraph.left + paragraph.width
    assert " ".join(w.text for w in authorial_words(pdf)).startswith("The author's paragraph that the margin")


# --- a publication a library would catalogue: metadata, PDF/A-2b structure, reproducibility, typography ---------

def edition_record():
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    return metadata.edition(ROOT, config["sphinx"]["config"]["edition_metadata"])


def pdfinfo(pdf: Path) -> dict[str, str]:
    info = subprocess.run(["pdfinfo", "-isodates", str(pdf)], check=True, capture_output=True, text=True).stdout
    return {key: value.strip() for key, _, value in (line.partition(":") for line in info.splitlines())}


@pytest.mark.pdf
def test_pdf_info_carries_the_editions_metadata(pdf):
    edition = edition_record()
    info = pdfinfo(pdf)
    assert info["Title"] == edition.title
    assert info["Author"] == "; ".join([edition.creator, *edition.contributors])
    assert info["Subject"] == edition.summary
    assert info["Keywords"] == ", ".join(edition.keywords)
    # the date of the sources (the last commit), not of the build
    assert info["CreationDate"] == info["ModDate"] == edition.date.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert info["Metadata Stream"] == "yes"


@pytest.mark.pdf
def test_pdf_xmp_agrees_with_the_info_dictionary_and_names_pdfa_2b(pdf):
    edition = edition_record()
    with pikepdf.open(pdf) as document:
        xmp = document.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False)
        info = document.docinfo
        assert xmp["dc:title"] == str(info.Title) == edition.title
        assert xmp["dc:creator"] == [str(info.Author)]  # one entry, the Info's Author (PDF/A)
        assert xmp["pdf:Keywords"] == str(info.Keywords)
        assert xmp["pdf:Producer"] == str(info.Producer) and xmp["xmp:CreatorTool"] == str(info.Creator)
        assert xmp["dc:description"] == str(info.Subject) == edition.summary
        assert xmp["xmp:ModifyDate"] == xmp["xmp:CreateDate"]
        assert xmp["dc:subject"] == set(edition.keywords)
        assert xmp["dc:language"] == {"en"}
        assert xmp["dc:rights"] == edition.rights
        assert xmp["xmp:CreateDate"] == edition.date.strftime("%Y-%m-%dT%H:%M:%SZ")
        assert xmp["xmpMM:DocumentID"] == edition.document_id
        assert xmp["xmpMM:InstanceID"] == edition.instance_id
        assert (xmp["pdfaid:part"], xmp["pdfaid:conformance"]) == ("2", "B")


@pytest.mark.pdf
def test_pdf_has_the_structure_of_pdfa_2b(pdf):
    """A structural check with pikepdf, not a validation (veraPDF cannot be installed here): an sRGB output intent
    with its ICC profile embedded, every font embedded, a trailer ID, no encryption, no JavaScript, links that
    print (PDF/A's annotation flag), PDF at most 1.7."""
    with pikepdf.open(pdf) as document:
        assert not document.is_encrypted and document.pdf_version <= "1.7"
        assert len(document.trailer.ID) == 2
        (intent,) = document.Root.OutputIntents
        assert intent.S == "/GTS_PDFA1" and str(intent.OutputConditionIdentifier) == "sRGB IEC61966-2.1"
        profile = intent.DestOutputProfile
        assert profile.N == 3 and profile.read_bytes()[36:40] == b"acsp"  # an ICC profile's signature
        assert "/JavaScript" not in document.Root.Names.keys()
        opening = document.Root.get("/OpenAction")  # hyperref's: a destination (page 1, fit), not an action
        assert opening is None or isinstance(opening, pikepdf.Array)
        fonts, unembedded, annotations = 0, [], 0
        for obj in document.objects:
            if not isinstance(obj, pikepdf.Dictionary) or obj.get("/Type") != "/Font":
                continue
            if obj.Subtype in ("/Type3", "/Type0"):  # Type 3 glyphs are the file's own; Type 0 via descendants
                continue
            fonts += 1
            descriptor = obj.get("/FontDescriptor")
            if descriptor is None or not {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor.keys()):
                unembedded.append(str(obj.get("/BaseFont")))
        for page in document.pages:
            for annotation in page.get("/Annots", []):
                annotations += 1
                assert int(annotation.get("/F", 0)) & 4, f"an annotation that does not print: {annotation}"
        assert fonts > 5 and unembedded == []
        assert annotations > 10


@pytest.mark.pdf
def test_numeric_columns_of_table_4_1_are_right_aligned(pdf):
    """The votes and percentages of the election table end at one right edge and start at different left ones."""
    found = lines(pdf)
    page = next(line.page for line in found if "Constituent Assembly Election Results" in line.text)
    on_page = [line for line in found if line.page == page]
    for column in (["17,943", "10,661", "1,144", "451"], ["40.4%", "24.0%", "2.6%", "1.0%"]):
        cells = [next(line for line in on_page if line.text.strip() == text) for text in column]
        rights = {cell.left + cell.width for cell in cells}
        lefts = {cell.left for cell in cells}
        assert max(rights) - min(rights) <= 1, f"{column}: right edges {rights}"
        assert len(lefts) > 1, f"{column}: all start at {lefts}, left-aligned"
