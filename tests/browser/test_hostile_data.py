"""Hostile text in the data: party names and an event holding HTML and Markdown that would run a script, plant a
link or cite, read in Chromium. Nothing runs; every string shows as typed in the charts (tick labels and hover), the
tables and the glued prose.

The strings go through the paths every chapter's data takes to the page: ``charts.horizontal_bars`` and
``charts.glue_chart`` (Plotly's JSON, its text escaped), ``charts.glue_values`` (a glued string in the prose, a glued
table in a chart's dropdown), ``escape.markdown_literal`` (a table written as Markdown), and a Plotly Express chart
in the house style. They run in a small fixture book built in process with the edition's extensions
(tests.support.fixture_book), not in a copy of the whole book, so that no chapter is executed again.
"""

import csv
import io
import json
import re

import pytest

from coup1917 import ROOT, book as book_structure
from coup1917.book import records_path
from tests.support import NOTEBOOK, draw_every_chart, fixture_book, serve

#: The parties of the fixture's chart, each in a bloc of the house's palette; the first one's name is glued in prose.
HOSTILE_PARTIES = {
    '<script>alert("script")</script>': "Other Russian socialists",
    '<img src=x onerror=alert("img")>': "Other Russian socialists",
    "<a href=\"javascript:alert('link')\">Mensheviks</a>": "Other Russian socialists",
    '<b onmouseover=alert("b")>Liberals</b> & <a href="https://example.com/">more</a>':
        "Russian liberal and other non-socialist parties",
}
HOSTILE_EVENT = '<img src=x onerror=alert("event")> *not emphasis* {cite:p}`nokey` | &amp; <br/>'
PAGE = NOTEBOOK + """# Hostile data

```{code-cell} ipython3
import pandas as pd
import plotly.express as px
from IPython.display import Markdown

from coup1917 import charts
from coup1917.escape import markdown_literal

parties = pd.read_csv("parties.csv")
events = pd.read_csv("events.csv", parse_dates=["day"])
```

```{code-cell} ipython3
:tags: [remove-output]

blocs = parties.groupby("bloc", sort=False).agg(votes=("votes", "sum"), parties=("party", "; ".join)).reset_index()
charts.glue_chart("fig-parties", charts.horizontal_bars(
    parties, value="votes", category="party", series="bloc", axis_title="Votes", text="%{x:,}",
    hover="<b>%{y}</b>", source="parties.csv"))
charts.glue_chart("fig-blocs", charts.horizontal_bars(
    blocs, value="votes", category="bloc", series="bloc", axis_title="Votes", text="%{x:,}", legend=False,
    custom_data=("parties",), hover="<b>%{y}</b><br>%{customdata[0]}", source="parties.csv"))
charts.glue_values({"leader": parties.party.iloc[0], "table-parties": parties.set_index("party")})
```

```{code-cell} ipython3
Markdown(pd.DataFrame({"Event": events.event.map(markdown_literal)}).to_markdown(index=False))
```

```{code-cell} ipython3
:tags: [remove-output]

charts.glue_chart("fig-events", charts.house_style(px.scatter(events, x="day", y="event"), source="events.csv"))
```

::::::{glue:figure} fig-parties
:name: fig-parties

The parties, the first of them {glue:text}`leader`.

*Text alternative.* A bar for each party; the first is {glue:text}`leader`.

:::::{dropdown} The data of this chart
```{glue} table-parties
```
:::::
::::::

::::::{glue:figure} fig-blocs
:name: fig-blocs

The blocs.

*Text alternative.* A bar for each bloc.
::::::

::::::{glue:figure} fig-events
:name: fig-events

The events.

*Text alternative.* A point for each event.
::::::
"""

pytestmark = [pytest.mark.browser, pytest.mark.notebooks]  # builds a fixture book, reads it in Chromium


def book_settings() -> dict:
    """The book's own settings (_config.yml) for how a page and its outputs are read: straight quotes kept, a cell's
    Markdown output read as MyST (where a citation in the data would come alive), MyST's extensions."""
    config = book_structure.config(ROOT)
    sphinx = config["sphinx"]["config"]
    return {"smartquotes": sphinx["smartquotes"], "nb_render_markdown_format": sphinx["nb_render_markdown_format"],
            "myst_enable_extensions": config["parse"]["myst_enable_extensions"]}


def csv_text(header: list, rows: list[list]) -> str:
    text = io.StringIO()
    csv.writer(text, lineterminator="\n").writerows([header, *rows])
    return text.getvalue()


@pytest.fixture(scope="module")
def hostile_page(tmp_path_factory):
    parties = [[name, bloc, 1000 * (index + 1)] for index, (name, bloc) in enumerate(HOSTILE_PARTIES.items())]
    outdir = fixture_book(tmp_path_factory.mktemp("hostile"), {
        "hostile.md": PAGE, "parties.csv": csv_text(["party", "bloc", "votes"], parties),
        "events.csv": csv_text(["day", "event"], [["1917-11-07", HOSTILE_EVENT]])},
        extra=("sphinx_design",), **book_settings())
    records = json.loads(records_path(outdir).read_text(encoding="utf-8"))
    assert (records["warnings"], records["failed_cells"]) == ([], [])  # a citation in the data would warn
    with serve(outdir) as url:
        yield f"{url}/hostile.html"


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture
def page(browser, hostile_page):
    """The fixture's page, every chart drawn; fails if a dialog opened."""
    dialogs = []
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    opened.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    opened.goto(hostile_page, wait_until="networkidle")
    assert draw_every_chart(opened) == 3  # the data's labels reach plotly.js
    yield opened
    opened.mouse.move(0, 0)
    context.close()
    assert dialogs == [], f"a script from the data ran: {dialogs}"


def assert_inert(page):
    assert page.locator('img[src="x"]').count() == 0
    assert page.evaluate("Array.from(document.querySelectorAll('a')).filter(a => "
                         "(a.getAttribute('href') || a.getAttribute('xlink:href') || '')"
                         ".match(/^javascript:|example\\.com/)).length") == 0
    # No script the browser runs holds the data's text (a chart's figure is JSON data, which it does not run).
    assert page.evaluate("Array.from(document.scripts).filter(s => s.textContent.includes('alert(')"
                         " && s.type !== 'application/json').length") == 0


def test_party_names_show_as_typed_in_charts_tables_and_prose(page):
    assert_inert(page)
    chart = page.locator("#fig-parties")
    ticks = chart.locator(".ytick text").all_text_contents()
    table = chart.locator("table").first.text_content()
    caption = chart.locator("figcaption").inner_text()
    for name in HOSTILE_PARTIES:
        assert name in ticks, f"{name!r} not a tick label of the chart: {ticks}"
        assert name in table, f"{name!r} not in the chart's data table"
    assert next(iter(HOSTILE_PARTIES)) in caption  # glued: the first party
    blocs = page.locator("#fig-blocs")
    hovers = []
    for bar in blocs.locator(".point").all():  # hover text lists each bloc's parties: the names as typed
        bar.scroll_into_view_if_needed()
        box = bar.bounding_box()
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        blocs.locator(".hoverlayer .hovertext").wait_for(timeout=5000)
        hovers.append("".join(blocs.locator(".hoverlayer .hovertext text").all_text_contents()))
    assert all(any(name in hover for hover in hovers) for name in HOSTILE_PARTIES), hovers


def test_an_event_shows_as_typed_in_a_markdown_table_and_a_chart(page):
    assert_inert(page)
    row = page.locator("article table, div.body table, section table").first.locator("tbody tr").first.inner_text()
    assert HOSTILE_EVENT in row, row
    ticks = page.locator("#fig-events .ytick text").all_text_contents()
    assert squeeze(HOSTILE_EVENT) in [squeeze(tick) for tick in ticks], ticks
