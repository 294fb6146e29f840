"""Read the author's words back out of the PDF edition: its serif text at the body size (the editors' is in the
sans-serif), read with pdfminer.six run by run, each run in one font, the runs of a visual line joined (a space only
where the PDF leaves a gap). The one normalisation: a word broken after one of its own hyphens ("hand-" / "picked")
is joined again, keeping the hyphen; the PDF has no automatic hyphenation."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pdfminer.high_level import extract_pages
from pdfminer.layout import LAParams, LTChar, LTTextContainer, LTTextLine

from coup1917.build.checks.html_text import Word

SERIF = "LibertinusSerif"  # the author's typeface in the PDF (Libertinus Serif, in the typst wheel)
_BROKEN_AT_HYPHEN = re.compile(r"\w-$")
_SPACE = 1.3  # pt: narrower gaps between fragments are kerning and rounding, not spaces
_EDITORIAL = "\0"  # stands for an editorial fragment inside a line until the words are split


@dataclass(frozen=True)
class Line:
    """A run of text in one font on one line of a page; places in points from the page's top left."""
    page: int
    top: float
    left: float
    width: float
    height: float
    font: str
    size: int
    text: str


@lru_cache(maxsize=4)
def _lines_of(pdf: Path, modified: float) -> tuple[Line, ...]:
    found = []
    for number, page in enumerate(extract_pages(pdf, laparams=LAParams()), start=1):
        page_lines = [line for box in page if isinstance(box, LTTextContainer)
                      for line in box if isinstance(line, LTTextLine)]
        for line in sorted(page_lines, key=lambda line: (round(page.height - line.y1), line.x0)):
            found += _fragments(number, page.height, line)
    return tuple(found)


def _fragments(number: int, page_height: float, line: LTTextLine) -> list[Line]:
    """The runs of one font and size in a line; a space pdfminer infers stays with the run it follows."""
    runs: list[list[LTChar]] = []
    texts: list[str] = []
    for item in line:
        if isinstance(item, LTChar):
            key = (item.fontname, round(item.size))
            if runs and (runs[-1][0].fontname, round(runs[-1][0].size)) == key:
                runs[-1].append(item)
                texts[-1] += item.get_text()
            else:
                runs.append([item])
                texts.append(item.get_text())
        elif texts and item.get_text() == " ":
            texts[-1] += " "
    return [Line(number, page_height - max(c.y1 for c in run), run[0].x0, run[-1].x1 - run[0].x0,
                 max(c.y1 for c in run) - min(c.y0 for c in run), run[0].fontname, round(run[0].size), text)
            for run, text in zip(runs, texts)]


def lines(pdf: Path) -> list[Line]:
    """Every run of text in the PDF with its font, page by page, each page's lines from the top."""
    return list(_lines_of(Path(pdf), Path(pdf).stat().st_mtime))


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
            # an editorial fragment keeps its spaces, so that the words either side of it stay apart
            text += fragment.text if authorial else re.sub(r"\S+", _EDITORIAL, fragment.text)
        where = f"{pdf.name}, page {row[0].page}, line at {row[0].top:.0f} pt"
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
