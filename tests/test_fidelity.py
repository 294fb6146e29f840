"""The built book reproduces the copy-text word for word; and the check catches each kind of alteration.

What the check reads as authorial, and the one normalisation it applies (whitespace), are documented in
coup1917/build/checks/html_text.py. The mutation tests alter the built HTML in memory and assert that each alteration is
reported with the page and block where it happened and the copy-text line it departs from.
"""

import hashlib
import re

import pytest

from coup1917 import COPY_TEXT
from coup1917.build.checks.html_text import book_words, differences

RECEIVED_SHA256 = "fb23b4236466aa41dc70ede9fc0b9439e8889e2f439a9a642d81e00cf1455a26"  # shared/source/README.md

CHAPTER_1 = "chapters/01-kerensky-and-the-bolsheviks.html"
CHAPTER_2 = "chapters/02-the-second-congress.html"
CHAPTER_3 = "chapters/03-the-coup.html"
CHAPTER_5 = "chapters/05-the-dissolution-and-the-third-congress.html"


def test_copy_text_is_the_one_received():
    assert hashlib.sha256(COPY_TEXT.read_bytes()).hexdigest() == RECEIVED_SHA256


def test_book_reproduces_the_copy_text(built_pages, copy_text_words):
    found = differences(copy_text_words, book_words(built_pages))
    assert not found, "the book departs from the copy-text:\n" + "\n".join(found)


def test_every_text_page_contributes(built_pages):
    """Each chapter holds authorial text: a page whose words were all marked editorial by mistake would be caught
    by the comparison too, but this names the page at once."""
    for page, html in built_pages.items():
        if page.startswith("chapters/0"):
            assert book_words({page: html}), f"{page} holds no authorial words"


def mutate(pages: dict[str, str], page: str, old: str, new: str) -> dict[str, str]:
    assert pages[page].count(old) == 1, f"the mutation's target must occur once in {page}: {old!r}"
    return {**pages, page: pages[page].replace(old, new)}


def report(pages, copy_text_words) -> str:
    found = differences(copy_text_words, book_words(pages))
    assert found, "the alteration was not detected"
    return "\n".join(found)


def test_a_dropped_sentence_is_reported(built_pages, copy_text_words):
    sentence = "The Winter Palace fell shortly thereafter, and part of the Provisional Government was arrested. "
    message = report(mutate(built_pages, CHAPTER_3, sentence, ""), copy_text_words)
    assert re.search(r"missing from the book: 'The Winter Palace fell shortly thereafter, and part …' "
                     r"\(14 words\) \(copy-text line 11, word \d+\), expected at chapters/03-the-coup.html, "
                     r"block 1", message), message


def test_a_changed_word_is_reported(built_pages, copy_text_words):
    message = report(mutate(built_pages, CHAPTER_1, "The indecisive ", "The decisive "),
                     copy_text_words)
    assert ("changed at chapters/01-kerensky-and-the-bolsheviks.html, block 3, word 2: 'decisive' "
            "where copy-text line 5, word 2 has 'indecisive'") in message, message


def test_an_added_word_is_reported(built_pages, copy_text_words):
    message = report(mutate(built_pages, CHAPTER_2, "the Ispolkom gave them", "the Ispolkom willingly gave them"),
                     copy_text_words)
    assert re.search(r"added at chapters/02-the-second-congress.html, block 2, word \d+: 'willingly', "
                     r"not in the copy-text \(before copy-text line 9, word \d+\)", message), message


#: The start of the essay's fourth paragraph (chapter 3), which carries the editors' paragraph number.
PARAGRAPH_4 = '<p id="para-4">'


def test_two_swapped_paragraphs_are_reported(built_pages, copy_text_words):
    html = built_pages[CHAPTER_5]
    start = (r'<p id="para-\d+"><span class="paragraph-number editorial">'  # the editors' ¶ number and cite link
             r'<a [^>]*>¶\d+</a> <a [^>]*>cite</a></span> ')
    paragraphs = re.findall(rf"{start}As (?:<a [^>]*><span [^>]*>)?Orwell.*?</p>|{start}This was a crushing defeat.*?</p>",
                            html, re.S)
    assert len(paragraphs) == 2
    swapped = html.replace(paragraphs[0], "\0").replace(paragraphs[1], paragraphs[0]).replace("\0", paragraphs[1])
    message = report({**built_pages, CHAPTER_5: swapped}, copy_text_words)
    assert re.search(r"moved: '.*' \(\d+ words\) \(copy-text line (32|36), word 1\) stands out of order at "
                     r"chapters/05-the-dissolution-and-the-third-congress.html, block \d+", message), message


def test_an_unmarked_addition_counts_as_authorial(built_pages, copy_text_words):
    """A note added without the editorial mark is taken for the author's words, and reported."""
    message = report(mutate(built_pages, CHAPTER_3, PARAGRAPH_4, "<p>Editor's note.</p>" + PARAGRAPH_4),
                     copy_text_words)
    assert "added at chapters/03-the-coup.html, block 1, word 1: 'Editor's note.'" in message, message


@pytest.mark.parametrize("editorial_markup", [
    '<aside class="margin sidebar editorial"><p>A margin note.</p></aside>',
    '<div class="editorial"><p>An editorial paragraph.</p></div>',
])
def test_marked_editorial_matter_is_not_the_authors(built_pages, copy_text_words, editorial_markup):
    altered = mutate(built_pages, CHAPTER_3, PARAGRAPH_4, editorial_markup + PARAGRAPH_4)
    assert differences(copy_text_words, book_words(altered)) == []
