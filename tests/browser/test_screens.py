"""Reading on every screen, from a 320 px phone to a 2560 px desktop (issues 11 and 24), in Chromium.

The widths: either side of each breakpoint of the edition's style sheet (static/edition.css's media queries, read
with tinycss2), and the extremes, 320 and 2560 px. At each, over every page with margin notes, tables or charts:
the page does not scroll sideways; no margin note passes the window's edge or lies on a table, a chart, an image
or a code block, before and after the charts are drawn; the text keeps a column of at least 320 px (on a phone,
the whole width the page gives it), and a quoted passage nine tenths of it; every note is on screen or one tap
away, and opening every collapsed note keeps all that true. With COUP1917_SCREENSHOTS=1 a screenshot of each page
at each width goes to tests/artefacts/screens/ (and, on phones, one with every note opened).

Touch (a phone, 360 px): tapping a collapsed note's marker opens it; tapping a glossary term shows its definition
without leaving the page. Hover and keyboard focus show the previews of citations and cross-references.

What a "chart" is here: its figure (``figure``) and its cell's output box (``.cell_output``), so the check holds
however the chart inside them is drawn.
"""

from __future__ import annotations

import os
import re

import pytest
import tinycss2
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from coup1917 import ROOT, book
from coup1917.sphinx import STATIC_DIR
from tests.support import HTML_DIR, draw_every_chart

pytestmark = [pytest.mark.browser, pytest.mark.book]

EXTREMES = (320, 2560)
SCREENSHOTS = os.environ.get("COUP1917_SCREENSHOTS") == "1"


def breakpoint_widths(style_sheet) -> list[int]:
    """The widths either side of each width a media query of the style sheet names: 767 and 768 for
    `(max-width: 767.98px)`, 768 and 769 for `(min-width: 768px)`."""
    widths = set()
    for rule in tinycss2.parse_stylesheet(style_sheet.read_text(encoding="utf-8"), skip_comments=True):
        if rule.type != "at-rule" or rule.lower_at_keyword != "media":
            continue
        for block in (token for token in rule.prelude if token.type == "() block"):
            feature, *_, value = [token for token in block.content if token.type != "whitespace"]
            if feature.type == "ident" and feature.lower_value in ("min-width", "max-width") and value.unit == "px":
                last_of_lower = int(value.value) if feature.lower_value == "max-width" else int(value.value) - 1
                widths |= {last_of_lower, last_of_lower + 1}
    return sorted(widths)


WIDTHS = sorted({*EXTREMES, *breakpoint_widths(STATIC_DIR / "edition.css")})
PHONE = 360
MIN_COLUMN = 320  # px of text column a paragraph keeps, or the page's whole width where it is narrower
QUOTE_SHARE = 0.9  # of the text column a quoted passage keeps: its rule and a narrow indent take the rest
QUOTES = ".bd-article blockquote p"

NOTES = "aside.margin"
MARKERS = "button.margin-note-toggle"
#: What a margin note may never cover: tables, charts, images, code, and the page's footers.
BLOCKS = (".bd-article table, .bd-article figure, .bd-article img, .bd-article pre, .bd-article .cell_output, "
          "footer.prev-next-footer, footer.bd-footer-content, footer.bd-footer")
PARAGRAPHS = ".bd-article section > p"


def notes_in_source(page: str) -> int:
    source = ROOT / re.sub(r"\.html$", ".md", page)
    return len(re.findall(r"^:{3,}\{margin\}", source.read_text(encoding="utf-8"), flags=re.M))


def pages_on_test() -> list[str]:
    """Every page whose source has margin notes, and every built page with a table or a chart."""
    pages = []
    for page in book.html_pages(ROOT):
        built = HTML_DIR / page
        html = built.read_text(encoding="utf-8") if built.exists() else ""
        if notes_in_source(page) or "<table" in html or "plotly-chart" in html:
            pages.append(page)
    return pages


PAGES = pages_on_test()
QUOTING_PAGES = [page for page in book.html_pages(ROOT)
                 if (HTML_DIR / page).exists() and "<blockquote" in (HTML_DIR / page).read_text(encoding="utf-8")]

# One evaluation gathers every measure of a page in its current state (notes collapsed or opened).
MEASURE = """([notesSelector, markersSelector, blocksSelector, paragraphsSelector, quotesSelector]) => {
  const box = element => element.getBoundingClientRect();
  // checkVisibility: the content of a closed <details> keeps a stale box in Chromium, but is not shown
  const shown = element => { const b = box(element); return element.checkVisibility() && b.width > 0 && b.height > 0; };
  const describe = element => {
    const b = box(element);
    return `${element.tagName.toLowerCase()}${element.id ? "#" + element.id : ""}.${[...element.classList].join(".")}`
      + ` at (${Math.round(b.left)}, ${Math.round(b.top + scrollY)}) ${Math.round(b.width)}x${Math.round(b.height)}`;
  };
  const meet = (a, b) => a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1;
  // The text column of the section a paragraph stands in: its width less its padding.
  const room = paragraph => {
    const section = paragraph.closest("section"), style = getComputedStyle(section);
    return box(section).width - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  };
  const notes = [...document.querySelectorAll(notesSelector)];
  const visibleNotes = notes.filter(shown);
  const blocks = [...document.querySelectorAll(blocksSelector)].filter(shown);
  const floats = [...document.querySelectorAll(`${notesSelector}, ${markersSelector}`)].filter(shown);
  const overlaps = [];
  for (const note of visibleNotes) {
    for (const block of blocks) {
      if (!note.contains(block) && !block.contains(note) && meet(box(note), box(block))) {
        overlaps.push(`${describe(note)} lies on ${describe(block)}`);
      }
    }
  }
  const clipped = visibleNotes.filter(note => box(note).left < -1 || box(note).right > innerWidth + 1).map(describe);
  // A paragraph's text column: its width less what a note or a marker beside it takes.
  const squeezed = [];
  for (const paragraph of [...document.querySelectorAll(paragraphsSelector)].filter(shown)) {
    const p = box(paragraph);
    let column = p.width;
    for (const other of floats) {
      const f = box(other);
      if (f.top < p.bottom - 1 && p.top < f.bottom - 1 && f.left < p.right && p.left < f.right) {
        column -= Math.min(f.right, p.right) - Math.max(f.left, p.left);
      }
    }
    squeezed.push([Math.round(column), Math.round(room(paragraph)), paragraph.textContent.trim().slice(0, 50)]);
  }
  // A quoted passage's column, and the text column of the section it stands in.
  const quotes = [...document.querySelectorAll(quotesSelector)].filter(shown).map(quote =>
    [Math.round(box(quote).width), Math.round(room(quote)), quote.textContent.trim().slice(0, 50)]);
  const hidden = notes.filter(note => !shown(note));
  const unreachable = hidden.filter(note => {
    const marker = document.querySelector(`${markersSelector}[aria-controls="${note.id}"]`);
    return !marker || !shown(marker);
  }).map(note => note.id || note.textContent.trim().slice(0, 40));
  return {
    scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth,
    notes: notes.length, visibleNotes: visibleNotes.length, collapsed: hidden.length, unreachable,
    overlaps, clipped, columns: squeezed, quotes,
  };
}"""


# Each drawn chart's faults: drawn wider than its column, a text (a label, a title, the legend, the source line)
# outside what is drawn, or two texts on one another.
CHART_FAULTS = """() => [...document.querySelectorAll(".plotly-chart")].flatMap(chart => {
  const svg = chart.querySelector(".main-svg");
  if (!svg || !chart.checkVisibility()) return [];
  const name = (chart.getAttribute("aria-label") || "a chart").slice(0, 40);
  const box = element => element.getBoundingClientRect();
  const meet = (a, b) => a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1;
  const quote = text => JSON.stringify(text.textContent.trim().slice(0, 30));
  const drawn = box(svg), column = box(chart);
  const faults = drawn.width > column.width + 1 ? [`${name}: drawn ${drawn.width} px wide in ${column.width}`] : [];
  const texts = [...chart.querySelectorAll(".main-svg text")]
    .filter(text => text.textContent.trim() && !text.closest(".hoverlayer") && box(text).width > 0);
  texts.forEach((text, index) => {
    const b = box(text);
    if (b.left < drawn.left - 1 || b.right > drawn.right + 1 || b.top < drawn.top - 1 || b.bottom > drawn.bottom + 1) {
      faults.push(`${name}: ${quote(text)} outside the drawn chart`);
    }
    for (const other of texts.slice(index + 1)) {
      if (meet(b, box(other))) faults.push(`${name}: ${quote(text)} on ${quote(other)}`);
    }
  });
  return faults;
})"""


@pytest.fixture(scope="module")
def layouts(browser, book_url, artefacts):
    """(width, page) -> measures, with notes as the page first shows them, (on phones) with every note opened,
    and (on pages with charts) once every chart is drawn. One browser context per width, one tab reused for every
    page; each page is measured once for all tests."""
    screens = artefacts / "screens"
    if SCREENSHOTS:
        screens.mkdir(parents=True, exist_ok=True)
    measured, contexts = {}, {}

    def screenshot(tab, name: str) -> None:
        if SCREENSHOTS:
            tab.screenshot(path=str(screens / f"{name}.png"), full_page=True)

    def measure(width: int, page: str) -> dict:
        if (width, page) not in measured:
            if width not in contexts:
                context = browser.new_context(viewport={"width": width, "height": 900})
                contexts[width] = (context, context.new_page())
            tab = contexts[width][1]
            tab.goto(f"{book_url}/{page}", wait_until="load")
            arguments = [NOTES, MARKERS, BLOCKS, PARAGRAPHS, QUOTES]
            first = tab.evaluate(MEASURE, arguments)
            stem = page.removeprefix("chapters/").removesuffix(".html")
            opened = drawn = None
            markers = tab.locator(f"{MARKERS}:visible")
            if markers.count():
                for index in range(markers.count()):
                    if markers.nth(index).get_attribute("aria-expanded") != "true":
                        markers.nth(index).click()
                opened = tab.evaluate(MEASURE, arguments)
                screenshot(tab, f"{stem}-{width}-notes-open")
            if draw_every_chart(tab):
                drawn = {**tab.evaluate(MEASURE, arguments), "charts": tab.evaluate(CHART_FAULTS)}
            screenshot(tab, f"{stem}-{width}")
            measured[width, page] = {"first": first, "opened": opened, "drawn": drawn}
        return measured[width, page]

    yield measure
    for context, _ in contexts.values():
        context.close()


def states(layout: dict) -> list[tuple[str, dict]]:
    return [(name, layout[name]) for name in ("first", "opened", "drawn") if layout[name] is not None]


def test_pages_on_test_include_every_page_with_notes():
    with_notes = [page for page in book.html_pages(ROOT) if notes_in_source(page)]
    assert len(with_notes) == 5 and set(with_notes) <= set(PAGES), with_notes


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("page", PAGES)
def test_no_sideways_scroll(layouts, page, width):
    for state, measures in states(layouts(width, page)):
        assert measures["scrollWidth"] <= measures["clientWidth"], (
            f"{page} at {width} px ({state}): the page is {measures['scrollWidth']} px wide, "
            f"the window {measures['clientWidth']} px")


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("page", PAGES)
def test_every_note_is_there_on_screen_or_one_tap_away(layouts, page, width):
    layout = layouts(width, page)["first"]
    # the chapter's {margin} notes, and the notes the {sic} marks of a paragraph add (coup1917/sphinx/apparatus/sic.py)
    written = (HTML_DIR / page).read_text(encoding="utf-8").count('<aside class="margin')
    assert layout["notes"] == written >= notes_in_source(page), f"{page}: {layout['notes']} notes in the page"
    assert layout["unreachable"] == [], f"{page} at {width} px: notes neither shown nor behind a marker"
    if width < 768:
        assert layout["collapsed"] == layout["notes"], f"{page} at {width} px: a phone shows notes collapsed"
    else:
        assert layout["visibleNotes"] == layout["notes"], f"{page} at {width} px: notes hidden with room to show"


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("page", PAGES)
def test_no_note_is_clipped_or_covers_a_table_chart_image_or_code(layouts, page, width):
    for state, measures in states(layouts(width, page)):
        assert measures["clipped"] == [], f"{page} at {width} px ({state}): notes past the window's edge"
        assert measures["overlaps"] == [], f"{page} at {width} px ({state})"
    if layouts(width, page)["opened"] is not None:
        opened = layouts(width, page)["opened"]
        assert opened["visibleNotes"] == opened["notes"], f"{page} at {width} px: a marker did not open its note"


def squeezed(layout: dict, kind: str, least) -> list[tuple[str, int, int, str]]:
    """(state, column, text column, text) of each paragraph of a kind ("columns", "quotes") whose column is under
    ``least(text column)``, in every state of the page."""
    found = []
    for state, measures in states(layout):
        assert measures[kind], f"no {kind} found"
        found += [(state, column, room, text) for column, room, text in measures[kind] if column < least(room)]
    return found


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("page", PAGES)
def test_text_keeps_a_column_of_320_px_or_the_whole_width(layouts, page, width):
    assert squeezed(layouts(width, page), "columns", lambda room: min(MIN_COLUMN, room) - 1) == [], (
        f"{page} at {width} px: (state, column, room, paragraph) squeezed")


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("page", QUOTING_PAGES)
def test_a_quoted_passage_keeps_nine_tenths_of_the_text_column(layouts, page, width):
    assert squeezed(layouts(width, page), "quotes", lambda room: QUOTE_SHARE * room) == [], (
        f"{page} at {width} px: (state, column, text column, quotation) squeezed")


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("page", [page for page in PAGES if (HTML_DIR / page).exists()
                                  and "plotly-chart" in (HTML_DIR / page).read_text(encoding="utf-8")])
def test_a_drawn_charts_labels_and_source_line_are_whole_and_apart(layouts, page, width):
    drawn = layouts(width, page)["drawn"]
    assert drawn is not None, f"{page}: no chart drawn"
    assert drawn["charts"] == [], f"{page} at {width} px"


def test_the_widths_are_the_style_sheets_breakpoints_and_the_extremes():
    assert {575, 576, 767, 768, 1199, 1200} <= set(WIDTHS) and WIDTHS[0] == 320 and WIDTHS[-1] == 2560


# --- touch and previews -----------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def phone(browser):
    context = browser.new_context(viewport={"width": PHONE, "height": 780}, has_touch=True, is_mobile=True,
                                  device_scale_factor=2)
    yield context.new_page()
    context.close()


def wait_for_previews(tab):
    # sphinx-tippy attaches the previews when the page has loaded (window.onload)
    tab.wait_for_function("() => [...document.querySelectorAll('.bd-article a')].some(link => link._tippy)")


def test_tapping_a_collapsed_note_opens_it_and_tapping_again_closes_it(phone, book_url):
    phone.goto(f"{book_url}/chapters/02-the-second-congress.html", wait_until="load")
    marker = phone.locator(MARKERS).first
    note = phone.locator(f"#{marker.get_attribute('aria-controls')}")
    assert marker.is_visible() and not note.is_visible()
    marker.tap()
    assert note.is_visible() and marker.get_attribute("aria-expanded") == "true"
    assert note.bounding_box()["width"] >= PHONE - 2 * 16 - 1, "an opened note takes the text's whole width"
    marker.tap()
    assert not note.is_visible() and marker.get_attribute("aria-expanded") == "false"


def test_keyboard_focus_opens_a_collapsed_note(phone, book_url):
    phone.goto(f"{book_url}/chapters/03-the-coup.html", wait_until="load")
    marker = phone.locator(MARKERS).first
    note = phone.locator(f"#{marker.get_attribute('aria-controls')}")
    for _ in range(60):  # Tab through the page's controls until the first marker has focus
        phone.keyboard.press("Tab")
        if marker.evaluate("element => element === document.activeElement"):
            break
    assert marker.evaluate("element => element === document.activeElement"), "Tab never reached the marker"
    assert note.is_visible()


def test_tapping_a_glossary_term_shows_its_definition(phone, book_url):
    url = f"{book_url}/chapters/01-kerensky-and-the-bolsheviks.html"
    phone.goto(url, wait_until="load")
    wait_for_previews(phone)
    term = phone.locator(f"{PARAGRAPHS} a[href*='glossary.html#term-']").first
    term_name = term.inner_text().strip()
    term.tap()
    preview = phone.locator(".tippy-box").first
    preview.wait_for(state="visible")
    assert phone.url == url, "the first tap shows the definition instead of leaving the page"
    assert preview.locator("dt").inner_text().strip() and preview.locator("dd").inner_text().strip()
    assert term_name.split()[0].lower() in preview.inner_text().lower(), preview.inner_text()
    box = preview.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE, "the preview fits the phone's screen"


def test_without_javascript_a_phone_shows_every_note_inline_and_no_marker(browser, book_url):
    context = browser.new_context(viewport={"width": PHONE, "height": 780}, java_script_enabled=False)
    tab = context.new_page()
    tab.goto(f"{book_url}/chapters/01-kerensky-and-the-bolsheviks.html", wait_until="load")
    notes = tab.locator(NOTES)
    assert notes.count() == (HTML_DIR / "chapters/01-kerensky-and-the-bolsheviks.html").read_text(
        encoding="utf-8").count('<aside class="margin')
    assert all(notes.nth(index).is_visible() for index in range(notes.count()))
    assert tab.locator(f"{MARKERS}:visible").count() == 0
    context.close()


def test_tapping_a_slip_mark_shows_the_editors_reading(phone, book_url):
    url = f"{book_url}/chapters/03-the-coup.html"
    phone.goto(url, wait_until="load")
    phone.wait_for_function("() => document.querySelector('.bd-article .sic')._tippy")
    slip = phone.locator(".bd-article .sic").first
    slip.tap()
    preview = phone.locator(".tippy-box").first
    preview.wait_for(state="visible")
    assert preview.inner_text().startswith("As printed:") and phone.url == url


@pytest.fixture(scope="module")
def desktop(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


def test_hovering_a_citation_shows_its_bibliography_entry(desktop, book_url):
    desktop.goto(f"{book_url}/chapters/01-kerensky-and-the-bolsheviks.html", wait_until="load")
    wait_for_previews(desktop)
    citation = desktop.locator(".bibtex-citation a[href*='bibliography.html#']").first
    citation.hover()
    preview = desktop.locator(".tippy-box").first
    preview.wait_for(state="visible")
    assert preview.locator("div.citation").count() == 1, preview.inner_html()[:500]
    assert citation.inner_text().split()[0] in preview.inner_text()  # the author's name, "Pipes 1990" -> "Pipes"


def test_keyboard_focus_on_a_cross_reference_shows_its_target(desktop, book_url):
    desktop.goto(f"{book_url}/chapters/index.html", wait_until="load")
    wait_for_previews(desktop)
    reference = desktop.locator(".bd-article a.reference.internal[href$='glossary.html']").first
    reference.focus()
    preview = desktop.locator(".tippy-box").first
    preview.wait_for(state="visible")
    assert "Glossary" in preview.inner_text()


def test_previews_load_nothing_from_off_the_site():
    for page in PAGES:
        html = (HTML_DIR / page).read_text(encoding="utf-8")
        scripts = re.findall(r'<script[^>]*\ssrc="([^"]+)"', html)
        assert any(src.endswith("_static/tippy-bundle.umd.min.js") for src in scripts), page
        assert [src for src in scripts if re.match(r"(https?:)?//", src)] == [], page


# --- the reader's colour scheme -----------------------------------------------------------------------------------

@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_page_follows_the_readers_colour_scheme_and_the_toggle_still_works(browser, book_url, scheme):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
    tab = context.new_page()
    errors = []
    tab.on("console", lambda message: message.type == "error" and errors.append(message.text))
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.goto(f"{book_url}/chapters/01-kerensky-and-the-bolsheviks.html", wait_until="load")
    assert tab.evaluate("document.documentElement.dataset.mode") == "auto"
    assert tab.evaluate("document.documentElement.dataset.theme") == scheme
    other = "light" if scheme == "dark" else "dark"
    switch = tab.locator(".theme-switch-button:visible").first
    switch.click()  # the theme's cycle from auto always changes the colours first: to the other scheme
    assert tab.evaluate("[document.documentElement.dataset.mode, document.documentElement.dataset.theme]") == [
        other, other]
    switch.click()
    assert tab.evaluate("document.documentElement.dataset.theme") == scheme
    context.close()
    assert errors == []


# --- print --------------------------------------------------------------------------------------------------------

PRINTED_WIDTH = 718  # px: an A4 page less Chromium's default margins (1 cm each side), at 96 px to the inch
NAVIGATION = ".bd-header, .bd-sidebar-primary, .bd-sidebar-secondary, .bd-footer, .prev-next-area, " \
             ".bd-header-article, #pst-back-to-top, button.margin-note-toggle"


@pytest.mark.parametrize("page", ["chapters/01-kerensky-and-the-bolsheviks.html",
                                  "chapters/04-the-constituent-assembly-election.html"])
def test_a_printed_chapter_has_its_text_notes_tables_and_charts_and_no_navigation(browser, book_url, artefacts,
                                                                                   page):
    # Drawn on a screen as wide as the printed page, where the text takes the whole width (a phone's layout), then
    # printed: the printed column, beside the notes' margin, is narrower than the charts as drawn.
    context = browser.new_context(viewport={"width": PRINTED_WIDTH, "height": 1123})
    tab = context.new_page()
    tab.goto(f"{book_url}/{page}", wait_until="load")
    charts = tab.locator(".plotly-graph-div")
    for index in range(charts.count()):  # a chart drawn when it is first seen is drawn before printing
        charts.nth(index).scroll_into_view_if_needed()
    tab.wait_for_function("() => [...document.querySelectorAll('.plotly-graph-div')]"
                          ".every(chart => chart.querySelector('.main-svg'))")
    tab.emulate_media(media="print")
    # Printed, the charts are laid out again for the printed column (static/charts.js), which takes a moment.
    try:
        tab.wait_for_function("() => [...document.querySelectorAll('.plotly-chart')].every(chart => "
                              "chart.querySelector('.main-svg').getBoundingClientRect().width "
                              "<= chart.getBoundingClientRect().width + 1)", timeout=10_000)
    except PlaywrightTimeout:
        pass  # the check below names the chart that does not fit
    tab.wait_for_timeout(500)
    assert tab.evaluate(CHART_FAULTS) == [], "a printed chart does not fit its column whole"
    measures = tab.evaluate(MEASURE, [NOTES, MARKERS, BLOCKS, PARAGRAPHS, QUOTES])
    written = (HTML_DIR / page).read_text(encoding="utf-8").count('<aside class="margin')
    assert measures["notes"] == measures["visibleNotes"] == written >= 1
    assert measures["clipped"] == [] and measures["overlaps"] == []
    assert measures["scrollWidth"] <= measures["clientWidth"]
    shown = "selector => [...document.querySelectorAll(selector)].filter(element => element.checkVisibility()).length"
    assert tab.evaluate(shown, NAVIGATION) == 0, "navigation or buttons printed"
    tables = tab.locator(".bd-article table:not(details:not([open]) table)")
    for index in range(tables.count()):
        box = tables.nth(index).bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= PRINTED_WIDTH + 1, f"table {index} clipped in print"
    assert tab.evaluate(shown, ".plotly-graph-div .main-svg") >= charts.count()
    if SCREENSHOTS:
        (artefacts / "print").mkdir(exist_ok=True)
        tab.pdf(path=str(artefacts / "print" / page.replace("chapters/", "").replace(".html", ".pdf")),
                format="A4", print_background=True)
    context.close()


# --- what a phone downloads before the first paint ----------------------------------------------------------------

def test_the_icon_font_holds_every_icon_the_pages_name_and_little_else():
    from fontTools.ttLib import TTFont

    from coup1917.sphinx.theme import page_speed

    font = HTML_DIR / page_speed.ICON_FONT
    assert font.stat().st_size < 20_000, f"{font}: {font.stat().st_size} B, not cut down"
    glyphs = TTFont(font).getBestCmap()
    style = (HTML_DIR / "_static" / "styles" / "pydata-sphinx-theme.css").read_text(encoding="utf-8")
    rules = {selector.strip().removesuffix(":before").removeprefix("."): int(codepoint, 16)
             for selectors, codepoint in page_speed.ICON_RULE.findall(style) for selector in selectors.split(",")}
    named = {name for page in HTML_DIR.rglob("*.html")
             for name in page_speed.ICON_NAME.findall(page.read_text(encoding="utf-8"))} & set(rules)
    assert {"fa-bars", "fa-magnifying-glass", "fa-download"} <= named
    assert [name for name in sorted(named) if rules[name] not in glyphs] == []


def test_no_page_of_the_book_loads_the_search_index_or_a_render_blocking_script_it_can_defer():
    from coup1917.sphinx.theme.page_speed import KEEP_BLOCKING

    for page in book.html_pages(ROOT):
        html = (HTML_DIR / page).read_text(encoding="utf-8")
        assert "searchindex.js" not in html, page
        blocking = [src for attributes, src in re.findall(r'<script([^>]*)\ssrc="([^"?]+)', html)
                    if "defer" not in attributes and "async" not in attributes]
        assert {src.rsplit("/", 1)[-1] for src in blocking} <= KEEP_BLOCKING, (page, blocking)
