"""Read the author's words back out of the PDF edition, for the fidelity check and the PDF tests.

The PDF sets the author's words in the serif and everything the editors add in the sans-serif (see
:mod:`coup1917.sphinx.pdf`), so the authorial text of the PDF is its serif text. Poppler's ``pdftohtml -xml``
gives every line of text with its font; the words of the serif lines at the size of the body text are the
author's, in reading order. Smaller serif text (a footnote mark in the author's line) is the editors'.

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

from coup1917.fidelity import Word

SERIF = "FreeSerif"  # the author's typeface in the PDF (Sphinx's default for XeLaTeX; package fonts-freefont-otf)
_BROKEN_AT_HYPHEN = re.compile(r"\w-$")


@dataclass(frozen=True)
class Line:
    page: int
    top: int
    left: int
    width: int
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
                              int(text.get("width")), family, size, "".join(text.itertext())))
    return found


def bookmarks(pdf: Path) -> dict[str, int]:
    """The PDF's outline: title -> page number."""
    return {item.text: int(item.get("page")) for item in pdf_xml(pdf).iter("item")}


def internal_link_targets(pdf: Path) -> set[int]:
    """The pages that links inside the PDF lead to."""
    return {int(a.get("href").rsplit("#", 1)[1]) for a in pdf_xml(pdf).iter("a") if "#" in a.get("href", "")}


def authorial_words(pdf: Path) -> list[Word]:
    """The words of the PDF set in the author's serif at the body size, with line-end hyphen breaks joined."""
    serif = [line for line in lines(pdf) if SERIF in line.font]
    if not serif:
        raise ValueError(f"{pdf}: no text in {SERIF}; is this the edition's PDF?")
    body_size = Counter(line.size for line in serif).most_common(1)[0][0]
    words: list[Word] = []
    for line in serif:
        if line.size < body_size:
            continue
        where = f"{pdf.name}, page {line.page}, line at {line.top} pt"
        tokens = [Word(w, f"{where}, word {i}") for i, w in enumerate(line.text.split(), start=1)]
        if tokens and words and _BROKEN_AT_HYPHEN.search(words[-1].text):
            words[-1] = Word(words[-1].text + tokens[0].text, words[-1].where)
            tokens = tokens[1:]
        words += tokens
    return words
