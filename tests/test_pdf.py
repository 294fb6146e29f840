"""The PDF edition: the complete text word for word, fonts embedded, a sane length, real margin notes, charts.

The PDF's authorial text is its serif text (see coup1917/pdf.py for how it is read and the one normalisation,
hyphen breaks at line ends). `make test` builds the PDF before the tests run.
"""

import re
import shutil
import subprocess
from collections import Counter

import pytest

from coup1917 import ROOT, book
from coup1917.book import html_pages
from coup1917.fidelity import differences
from coup1917.pdf import SERIF, authorial_words, bookmarks, internal_link_targets, lines
from coup1917.testing import WORK_DIR, chart_figures

LATEX_DIR = WORK_DIR / "_build" / "latex"  # the PDF build's LaTeX source, beside the PDF it made
MARGIN_NOTE = r"\marginpar{\editionmarginstyle"  # what coup1917/sphinx/latex_margins.py writes for a {margin}
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
