"""Hostile text in the data: a copy of the book whose CSVs name parties and an event with HTML and Markdown that
would run a script, plant a link or cite, built with `make book` and read in Chromium. Nothing runs; every string
shows as typed in the charts (tick labels and hover), the tables and the glued prose."""

import csv
import re

import pytest

from tests.support import copy_book, draw_every_chart, make, serve

#: CSV cell -> what the copy has instead. The leading party's name reaches the glued prose too.
HOSTILE_PARTIES = {
    "Socialist-Revolutionaries": '<script>alert("script")</script>',
    "Other Socialists": '<img src=x onerror=alert("img")>',
    "Mensheviks": "<a href=\"javascript:alert('link')\">Mensheviks</a>",
    "Other Russian Liberal Parties": '<b onmouseover=alert("b")>Liberals</b> & <a href="https://example.com/">more</a>',
}
HOSTILE_EVENT = '<img src=x onerror=alert("event")> *not emphasis* {cite:p}`nokey` | &amp; <br/>'
ELECTION_PAGE = "chapters/04-the-constituent-assembly-election.html"
CHRONOLOGY_PAGE = "chapters/chronology.html"

pytestmark = [pytest.mark.build, pytest.mark.browser]  # builds a copy of the book, reads it in Chromium


def rewrite_csv(path, change):
    with path.open(encoding="utf-8", newline="") as file:
        rows = list(csv.reader(file))
    rows = [rows[0]] + [change(row) for row in rows[1:]]
    with path.open("w", encoding="utf-8", newline="") as file:
        csv.writer(file, lineterminator="\n").writerows(rows)


@pytest.fixture(scope="module")
def hostile_book(tmp_path_factory):
    book = copy_book(tmp_path_factory.mktemp("hostile") / "book")
    for table in ("election-1917.csv", "election-1917-pipes.csv", "election-1917-counts.csv"):
        rewrite_csv(book / "data" / table, lambda row: [HOSTILE_PARTIES.get(cell, cell) for cell in row])
    first = iter([True])
    rewrite_csv(book / "data" / "chronology.csv",
                lambda row: [HOSTILE_EVENT, *row[1:]] if next(first, False) else row)
    done = make(book, "book")
    assert done.returncode == 0, done.stderr
    with serve(book / "_build" / "html") as url:
        yield url


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture
def page_of(browser):
    """Open a page; record dialogs and console errors; fail if a dialog opened."""
    opened = []

    def open_page(url):
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.goto(url, wait_until="networkidle")
        draw_every_chart(page)  # the data's labels reach plotly.js
        opened.append((context, page))
        return page

    dialogs = []
    yield open_page
    for page_context, page in opened:
        page.mouse.move(0, 0)
        page_context.close()
    assert dialogs == [], f"a script from the data ran: {dialogs}"


def assert_inert(page):
    assert page.locator('img[src="x"]').count() == 0
    assert page.evaluate("Array.from(document.querySelectorAll('a')).filter(a => "
                         "(a.getAttribute('href') || a.getAttribute('xlink:href') || '')"
                         ".match(/^javascript:|example\\.com/)).length") == 0
    # No script the browser runs holds the data's text (a chart's figure is JSON data, which it does not run).
    assert page.evaluate("Array.from(document.scripts).filter(s => s.textContent.includes('alert(')"
                         " && s.type !== 'application/json').length") == 0


def test_party_names_show_as_typed_in_charts_tables_and_prose(hostile_book, page_of):
    page = page_of(f"{hostile_book}/{ELECTION_PAGE}")
    assert_inert(page)
    chart = page.locator("#fig-votes-by-party")
    ticks = chart.locator(".ytick text").all_text_contents()
    table = chart.locator("table").first.text_content()
    caption = chart.locator("figcaption").inner_text()
    for name in HOSTILE_PARTIES.values():
        assert name in ticks, f"{name!r} not a tick label of the chart: {ticks}"
        assert name in table, f"{name!r} not in the chart's data table"
    assert HOSTILE_PARTIES["Socialist-Revolutionaries"] in caption  # glued: the leading party
    blocs = page.locator("#fig-share-by-bloc")
    hovers = []
    for bar in blocs.locator(".point").all():  # hover text lists each bloc's parties: the names as typed
        bar.scroll_into_view_if_needed()
        box = bar.bounding_box()
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        blocs.locator(".hoverlayer .hovertext").wait_for(timeout=5000)
        hovers.append("".join(blocs.locator(".hoverlayer .hovertext text").all_text_contents()))
    assert any(name in hover for hover in hovers for name in HOSTILE_PARTIES.values()), hovers


def test_the_audit_shows_the_names_as_typed(hostile_book, page_of):
    page = page_of(f"{hostile_book}/chapters/election-audit.html")
    assert_inert(page)
    text = page.locator("article").inner_text()
    for name in HOSTILE_PARTIES.values():
        assert name in text, f"{name!r} not on the audit page"


def test_an_event_shows_as_typed_in_the_chronology_table_and_timeline(hostile_book, page_of):
    page = page_of(f"{hostile_book}/{CHRONOLOGY_PAGE}")
    assert_inert(page)
    first_row = page.locator("article table").first.locator("tbody tr").first.inner_text()
    assert HOSTILE_EVENT in first_row, first_row
    ticks = page.locator("#fig-chronology .ytick text").all_text_contents()
    # A long label is wrapped over lines (tspans): compare without the spaces where it was broken.
    assert squeeze(HOSTILE_EVENT) in [squeeze(tick) for tick in ticks], ticks
