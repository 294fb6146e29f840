"""The chronology page: every event of data/chronology.csv, its New Style date computed, its source cited."""

import json

import pytest
from bs4 import BeautifulSoup

from coup1917 import calendar
from coup1917.data import load_table

pytestmark = pytest.mark.book

PAGE = "chapters/chronology.html"


def chronology_rows(built_pages) -> list[list]:
    table = BeautifulSoup(built_pages[PAGE], "html.parser").select_one("article table")
    header = [th.get_text(strip=True) for th in table.select("thead th")]
    assert header == ["Old Style", "New Style", "Event", "Source", "Essay", "Note"]
    return table.select("tbody tr")


def test_every_event_is_listed_with_both_dates(built_pages):
    events = load_table("chronology")
    rows = chronology_rows(built_pages)
    assert len(rows) == len(events)
    for row, event in zip(rows, events.itertuples()):
        old_style, new_style, text = (cell.get_text(" ", strip=True) for cell in row.select("td")[:3])
        written = event.date.strftime("%Y-%m-%d")
        assert text == event.event
        assert row.select("td")[5].get_text(" ", strip=True) == (event.note if isinstance(event.note, str) else ""), event.event
        if calendar.calendar_of(written) == "OS":
            assert old_style == calendar.spelled(written)
            assert new_style == calendar.spelled(calendar.to_new_style(written).isoformat()), event.event
        else:  # after the switch Russia wrote the New Style date only
            assert old_style == "—"
            assert new_style == calendar.spelled(written), event.event


def test_the_chronology_reaches_the_dates_the_essay_names_after_the_switch(built_pages):
    rows = [[cell.get_text(" ", strip=True) for cell in row.select("td")[:2]] for row in chronology_rows(built_pages)]
    assert ["—", "10 July 1918"] in rows       # the first Soviet constitution (the quotation's "name")
    assert ["—", "31 January 1924"] in rows    # the first constitution of the USSR (the quotation's "1924")


def test_every_date_links_to_its_source(built_pages):
    for row in chronology_rows(built_pages):
        links = row.select("td")[3].select("a[href*='bibliography.html#id']")
        assert links, f"no citation link for {row.get_text(' ', strip=True)[:60]!r}"


def test_the_timeline_has_a_point_per_event(built_pages):
    figure = BeautifulSoup(built_pages[PAGE], "html.parser").select_one("figure#fig-chronology")
    script = figure.select_one(".plotly-graph-div + script").string
    for event in load_table("chronology").event:
        assert json.dumps(event)[1:-1] in script, f"the timeline lacks {event!r}"
