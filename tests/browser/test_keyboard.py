"""The keyboard, in Chromium (issue 24): every mark that opens something (slip marks, glossary terms, citations, the
notes' markers on a phone) is reached with Tab, shows a visible focus ring, opens with Enter or Space and closes
with Escape, leaving focus where it was (static/reading.js, edition.css)."""

from __future__ import annotations

import pytest

from coup1917.sphinx.apparatus.paragraphs import PARAGRAPH_LINK
from tests.support import HTML_DIR

pytestmark = [pytest.mark.browser, pytest.mark.book]

SLIPS_AND_NOTES = "chapters/03-the-coup.html"  # slips, glossary terms, citations and margin notes
MAX_TABS = 400  # Tab presses before a mark counts as unreachable

FOCUS_RING = """element => {
  const style = getComputedStyle(element);
  return element === document.activeElement && element.matches(":focus-visible")
    && style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2;
}"""


def tab_to(tab, selector: str):
    """Press Tab until the focused element matches ``selector``; the focused element."""
    for _ in range(MAX_TABS):
        tab.keyboard.press("Tab")
        if tab.evaluate("selector => document.activeElement.matches(selector)", selector):
            return tab.locator(":focus")
    pytest.fail(f"Tab never reached {selector} in {MAX_TABS} presses")


def preview_shown(tab, mark) -> bool:
    return mark.evaluate("mark => Boolean(mark._tippy && mark._tippy.state.isVisible)")


def wait_for_previews(tab):
    # sphinx-tippy, and the slips' previews (reading.js), are set up when the page has loaded
    tab.wait_for_function("() => document.querySelector('.bd-article .sic')._tippy"
                          " && [...document.querySelectorAll('.bd-article a')].some(link => link._tippy)")


@pytest.fixture
def desktop(browser, book_url):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.goto(f"{book_url}/{SLIPS_AND_NOTES}", wait_until="load")
    wait_for_previews(tab)
    yield tab
    context.close()


def test_a_slip_mark_is_a_tab_stop_that_opens_with_enter_or_space_and_closes_with_escape(desktop):
    slip = tab_to(desktop, ".bd-article .sic")
    assert slip.evaluate(FOCUS_RING), "no visible focus ring on the slip mark"
    assert preview_shown(desktop, slip) and slip.get_attribute("aria-expanded") == "true"
    desktop.keyboard.press("Escape")
    assert not preview_shown(desktop, slip) and slip.get_attribute("aria-expanded") == "false"
    desktop.keyboard.press("Enter")
    assert preview_shown(desktop, slip)
    assert desktop.locator(".tippy-box").filter(has_text="As printed:").first.is_visible()
    desktop.keyboard.press("Escape")
    desktop.keyboard.press(" ")
    assert preview_shown(desktop, slip)
    desktop.keyboard.press("Escape")
    assert not preview_shown(desktop, slip) and slip.evaluate("slip => slip === document.activeElement")


@pytest.mark.parametrize("mark, target", [
    (".bd-article section > p a[href*='glossary.html#term-']", "glossary.html#term-"),
    (".bd-article .bibtex-citation a", "bibliography.html#"),  # the citations stand in the margin notes
])
def test_a_glossary_term_or_citation_previews_on_focus_and_space_closes_on_escape_and_enter_follows_it(
        desktop, mark, target):
    link = tab_to(desktop, mark)
    assert link.evaluate(FOCUS_RING), f"no visible focus ring on {link.inner_text()!r}"
    desktop.wait_for_function("link => link._tippy.state.isVisible", arg=link.element_handle())
    desktop.keyboard.press("Escape")
    assert not preview_shown(desktop, link)
    scrolled = desktop.evaluate("scrollY")
    desktop.keyboard.press(" ")
    desktop.wait_for_function("link => link._tippy.state.isVisible", arg=link.element_handle())
    assert desktop.evaluate("scrollY") == scrolled, "Space scrolled the page instead of opening the preview"
    desktop.keyboard.press("Escape")
    assert not preview_shown(desktop, link)
    with desktop.expect_navigation():
        desktop.keyboard.press("Enter")
    assert target in desktop.url


def test_a_notes_marker_on_a_phone_opens_and_closes_from_the_keyboard(browser, book_url):
    context = browser.new_context(viewport={"width": 360, "height": 780})
    tab = context.new_page()
    tab.goto(f"{book_url}/{SLIPS_AND_NOTES}", wait_until="load")
    marker = tab_to(tab, "button.margin-note-toggle")
    note = tab.locator(f"#{marker.get_attribute('aria-controls')}")
    assert marker.evaluate(FOCUS_RING), "no visible focus ring on the marker"
    assert note.is_visible(), "focus from the keyboard opens the note"
    tab.keyboard.press("Escape")
    assert not note.is_visible() and marker.get_attribute("aria-expanded") == "false"
    tab.keyboard.press("Enter")
    assert note.is_visible() and marker.get_attribute("aria-expanded") == "true"
    tab.keyboard.press("Space")
    assert not note.is_visible()
    tab.keyboard.press("Space")
    assert note.is_visible()
    # From inside the opened note (its first link), Escape closes it and gives focus back to its marker.
    if note.locator("a").count():
        note.locator("a").first.focus()
        tab.keyboard.press("Escape")  # a preview the link opened closes first
        tab.keyboard.press("Escape")
        assert not note.is_visible() and marker.evaluate("marker => marker === document.activeElement")
    context.close()


def test_a_paragraph_numbers_own_link_has_no_preview_to_tab_into(desktop):
    """A ¶ link leads to the paragraph the reader is in: a preview would copy it, links and all, under the focus."""
    written = (HTML_DIR / SLIPS_AND_NOTES).read_text(encoding="utf-8").count(f'class="{PARAGRAPH_LINK}"')
    counts = desktop.evaluate("cls => [...document.querySelectorAll(`.bd-article a.${cls}`)].map(a => !!a._tippy)",
                              PARAGRAPH_LINK)
    assert written > 0 and counts == [False] * written
