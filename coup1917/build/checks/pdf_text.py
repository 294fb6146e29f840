"""Read the author's words back out of the PDF edition, for the fidelity check and the PDF tests.

The PDF sets the author's words in the serif and everything the editors add in the sans-serif (see
:mod:`coup1917.sphinx.editions.pdf`), so the authorial text of the PDF is its serif text. Poppler's ``pdftohtml -xml``
gives the text as positioned fragments, each in one font; a line of the PDF may be several fragments (a glossary
link, a footnote mark). The fragments are put back together into lines, a space standing between two of them
only where the PDF leaves a gap; then the serif fragments at the size of the body text are the author's words,
in reading order. Anything else on the line (a footnote mark in the sans-serif, smaller serif text) is the
editors' and drops out without splitting or joining the words around it.

Normalisation, and only this: a word broken at the end of a line after one of its own hyphens
("hand-" / "picked") is joined again, keeping the hyphen. The PDF has no other line-end hyphens: automatic
hyphenation is switched off in it. Ligatures, quotes and dashes are compared exactly (pdftohtml maps ligature
glyphs back to their letters; the PDF keeps the copy-text's straight quotes).
"""

from __future__ import annotations

import re
import subprocess
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from coup1917.build.checks.html_text import Word

SERIF = "FreeSerif"  # the author's typeface in the PDF (Sphinx's default for XeLaTeX; package fonts-freefont-otf)
_BROKEN_AT_HYPHEN = re.compile(r"\w-$")
_SPACE = 2  # px (poppler's 1.5 px/pt): narrower gaps between fragments are kerning and rounding, not spaces
_EDITORIAL = "\0"  # stands for an editorial fragment inside a line until the words are split


@dataclass(frozen=True)
class Line:
    page: int
    top: int
    left: int
    width: int
    height: int
    font: str
    size: int
    text: str


def pdf_xml(pdf: Path) -> ET.Element:
    """Poppler's XML view of the PDF: pages of positioned text lines with their fonts, links and the outline."""
    xml = subprocess.run(["pdftohtml", "-xml", "-i", "-q", "-stdout", str(pdf)], check=True,
                         capture_output=True, text=True).stdout
    return ET.fromstring(xml)


def lines(pdf: Path) -> list[Line]:
    """Every line of text in the PDF with its font, page by page, in pdftohtml's reading order."""
    found = []
    fonts: dict[str, tuple[str, int]] = {}
    for page in pdf_xml(pdf).iter("page"):
        for spec in page.iter("fontspec"):
            fonts[spec.get("id")] = (spec.get("family"), int(spec.get("size")))
        for text in page.iter("text"):
            family, size = fonts[text.get("font")]
            found.append(Line(int(page.get("number")), int(text.get("top")), int(text.get("left")),
                              int(text.get("width")), int(text.get("height")), family, size,
                              "".join(text.itertext())))
    return found


def bookmarks(pdf: Path) -> dict[str, int]:
    """The PDF's outline: title -> page number."""
    return {item.text: int(item.get("page")) for item in pdf_xml(pdf).iter("item")}


def internal_link_targets(pdf: Path) -> set[int]:
    """The pages that links inside the PDF lead to."""
    return {int(a.get("href").rsplit("#", 1)[1]) for a in pdf_xml(pdf).iter("a") if "#" in a.get("href", "")}


def authorial_words(pdf: Path) -> list[Word]:
    """The words of the PDF set in the author's serif at the body size, with line-end hyphen breaks joined."""
    found = lines(pdf)
    serif = [line for line in found if SERIF in line.font]
    if not serif:
        raise ValueError(f"{pdf}: no text in {SERIF}; is this the edition's PDF?")
    body_size = Counter(line.size for line in serif).most_common(1)[0][0]
    words: list[Word] = []
    for row in _rows(found):
        text = ""
        for previous, fragment in zip([None, *row], row):
            if previous and fragment.left - (previous.left + previous.width) >= _SPACE:
                text += " "
            authorial = SERIF in fragment.font and fragment.size >= body_size
            text += fragment.text if authorial else _EDITORIAL
        where = f"{pdf.name}, page {row[0].page}, line at {row[0].top} pt"
        tokens = [token.replace(_EDITORIAL, "") for token in text.split()]
        tokens = [Word(token, f"{where}, word {i}") for i, token in enumerate(filter(None, tokens), start=1)]
        if tokens and words and _BROKEN_AT_HYPHEN.search(words[-1].text):
            words[-1] = Word(words[-1].text + tokens[0].text, words[-1].where)
            tokens = tokens[1:]
        words += tokens
    return words


def _rows(fragments: list[Line]) -> list[list[Line]]:
    """Fragments grouped into the lines of the page: a fragment continues a line when it stands to the right of the
    last one and overlaps it vertically (a raised footnote mark does)."""
    rows: list[list[Line]] = []
    for fragment in fragments:
        last = rows[-1][-1] if rows else None
        if (last and fragment.page == last.page and fragment.left >= last.left + last.width - 1
                and fragment.top < last.top + last.height and last.top < fragment.top + fragment.height):
            rows[-1].append(fragment)
        else:
            rows.append([fragment])
    return rows
