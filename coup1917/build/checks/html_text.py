"""Check that the built book reproduces the copy-text word for word: each page's ``<article>`` without what is
editorial (and Sphinx's ``#`` links and table numbers), in the order of ``_toc.yml``. Whitespace is the only thing
normalised (one word boundary); a changed quote or dash is a changed word (Sphinx's smartquotes is off).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

from bs4 import BeautifulSoup, NavigableString

from coup1917 import book

#: Elements of a page that are not the author's words.
NOT_AUTHORIAL = ".editorial, .headerlink, .caption-number, script, style, template"

#: Elements that end a run of text: the words on either side of them are separate words.
_BLOCK_TAGS = {
    "address", "article", "aside", "blockquote", "br", "caption", "dd", "details", "div", "dl", "dt",
    "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav",
    "ol", "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
}
_SHOWN = 8  # words quoted in a message before it shortens
_ANCHOR = 3  # words in a row that the texts must share to count as the same place


@dataclass(frozen=True)
class Word:
    text: str
    where: str  # a place a person can find: "copy-text line 11, word 5" or "chapters/03-the-coup.html, block 2"


def copy_text_words(path: Path) -> list[Word]:
    lines = path.read_text(encoding="utf-8").split("\n")
    return [Word(w, f"copy-text line {number}, word {i}")
            for number, line in enumerate(lines, start=1) for i, w in enumerate(line.split(), start=1)]


def read_book(book_dir: Path, html_dir: Path) -> dict[str, str]:
    return {page: (html_dir / page).read_text(encoding="utf-8") for page in book.html_pages(book_dir)}


def page_words(page: str, html: str) -> list[Word]:
    article = BeautifulSoup(html, "html.parser").find("article")
    if article is None:
        raise ValueError(f"{page}: no <article> element; is this a page of the built book?")
    for element in article.select(NOT_AUTHORIAL):
        element.decompose()
    for block in article.find_all(_BLOCK_TAGS):  # a block-level element ends a run of words; inline ones join them
        block.insert_before("\0")
        block.insert_after("\0")
    text = "".join(node for node in article.descendants if isinstance(node, NavigableString))
    runs = [run for run in text.split("\0") if run.split()]
    return [Word(w, f"{page}, block {number}, word {i}")
            for number, run in enumerate(runs, start=1) for i, w in enumerate(run.split(), 1)]


def book_words(pages: dict[str, str]) -> list[Word]:
    return [word for page, html in pages.items() for word in page_words(page, html)]


def differences(expected: list[Word], actual: list[Word]) -> list[str]:
    """One message for each way the book departs from the copy-text; a run of text found in both, but at different
    places, is reported once, as moved."""
    changes = _changes([w.text for w in expected], [w.text for w in actual])
    removed = {_texts(expected[i1:i2]) for i1, i2, _, _ in changes if i2 > i1}
    added = {_texts(actual[j1:j2]) for _, _, j1, j2 in changes if j2 > j1}
    messages = []
    for i1, i2, j1, j2 in changes:
        old, new = expected[i1:i2], actual[j1:j2]
        old_moved, new_moved = _texts(old) in added, _texts(new) in removed
        if old_moved:
            j = next(j for _, _, j, k in changes if _texts(actual[j:k]) == _texts(old))
            messages.append(f"moved: {_quote(old)} ({old[0].where}) stands out of order at {actual[j].where}")
        if old and new and not (old_moved or new_moved):
            messages.append(f"changed at {new[0].where}: {_quote(new)} where {old[0].where} has {_quote(old)}")
        elif old and not old_moved:
            messages.append(f"missing from the book: {_quote(old)} ({old[0].where}), expected at {_at(actual, j1)}")
        elif new and not new_moved:
            messages.append(f"added at {new[0].where}: {_quote(new)}, not in the copy-text "
                            f"(before {_at(expected, i1)})")
    return messages


def _changes(old: list[str], new: list[str]) -> list[tuple[int, int, int, int]]:
    """(old start, old end, new start, new end) of each difference. A difflib match shorter than ``_ANCHOR`` words is
    not a fixed point: a moved or rewritten paragraph would be aligned on the "the" and "of" it shares with its
    neighbour and reported as dozens of changes."""
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    anchors = [m for m in matcher.get_matching_blocks() if m.size >= _ANCHOR or m.size == 0]
    changes, i, j = [], 0, 0
    for a, b, size in anchors:
        if a > i or b > j:
            changes.append((i, a, j, b))
        i, j = a + size, b + size
    return changes


def _texts(words: list[Word]) -> tuple[str, ...]:
    return tuple(w.text for w in words)


def _quote(words: list[Word]) -> str:
    shown = " ".join(w.text for w in words[:_SHOWN])
    return f"'{shown}'" if len(words) <= _SHOWN else f"'{shown} …' ({len(words)} words)"


def _at(words: list[Word], index: int) -> str:
    return words[index].where if index < len(words) else "the end"
