"""Every kind of reader, on every page of the built site: links and anchors that resolve, no serious or critical
accessibility fault (axe-core, light and dark mode), charts with a name and a description, each chart's data table
within a keyboard's reach and shown when scripts are off, and text and chart colours of WCAG AA contrast."""

import re
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from bs4 import BeautifulSoup

from tests.support import HTML_DIR, draw_every_chart
from coup1917 import ROOT
from coup1917.charts import contrast_ratio
from tests.browser.test_pages import CHART_PAGES, PAGES

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
MODES = ("light", "dark")
LINKING = {"a": "href", "link": "href", "script": "src", "img": "src", "iframe": "src", "source": "src"}

pytestmark = [pytest.mark.book, pytest.mark.browser]  # the built book, read from disk and in Chromium


def open_page(browser, url: str, mode: str = "light", javascript: bool = True):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=javascript)
    page = context.new_page()
    page.add_init_script(f"localStorage.setItem('mode', '{mode}'); localStorage.setItem('theme', '{mode}');")
    page.goto(url, wait_until="load")
    if javascript:  # charts are drawn as they come near the viewport
        draw_every_chart(page)
    return context, page


# --- links and anchors ------------------------------------------------------------------------------------------

@lru_cache
def ids_of(path: Path) -> frozenset[str]:
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    return frozenset([tag["id"] for tag in soup.find_all(id=True)]
                     + [anchor["name"] for anchor in soup.find_all("a", attrs={"name": True})])


@pytest.mark.parametrize("page", PAGES)
def test_every_internal_link_and_anchor_resolves(page):
    source = HTML_DIR / page
    soup = BeautifulSoup(source.read_text(encoding="utf-8"), "html.parser")
    broken = []
    for tag, attribute in LINKING.items():
        for element in soup.find_all(tag, attrs={attribute: True}):
            url = urlparse(element[attribute])
            if url.scheme or url.netloc:  # a link out (a cited web page); test_pages checks nothing is fetched
                continue
            target = (source.parent / unquote(url.path)).resolve() if url.path else source
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                broken.append(f"{element[attribute]} (no file {target})")
            elif url.fragment and target.suffix == ".html" and unquote(url.fragment) not in ids_of(target):
                broken.append(f"{element[attribute]} (no id {url.fragment!r} in {target.name})")
    assert not broken, f"{page}: " + "; ".join(broken)


def page_forwarded_to(page: str) -> str:
    refresh = BeautifulSoup((HTML_DIR / page).read_text(encoding="utf-8"), "html.parser").find(
        "meta", attrs={"http-equiv": re.compile("^refresh$", re.IGNORECASE)})
    target = refresh["content"].split("url=", 1)[1]
    return str((Path(page).parent / target).as_posix()).removeprefix("./")


# --- axe-core --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("page", PAGES)
def test_no_serious_or_critical_accessibility_violation(browser, book_url, page, mode):
    assert AXE.is_file(), f"{AXE} is missing: run `npm ci` (make book does)"
    if 'http-equiv="refresh"' in (HTML_DIR / page).read_text(encoding="utf-8").lower():
        page = page_forwarded_to(page)  # the site's root only forwards to the book's first page
    context, tab = open_page(browser, f"{book_url}/{page}", mode)
    assert tab.evaluate("document.documentElement.dataset.theme") == mode
    tab.add_script_tag(path=str(AXE))
    results = tab.evaluate("axe.run(document, {resultTypes: ['violations']})")
    context.close()
    faults = [f"{violation['id']} ({violation['impact']}): {[node['target'] for node in violation['nodes']]}"
              for violation in results["violations"] if violation["impact"] in ("serious", "critical")]
    assert not faults, f"{page} ({mode} mode): " + "; ".join(faults)


# --- charts: name, description, keyboard, without JavaScript ---------------------------------------------------

@pytest.mark.parametrize("page", CHART_PAGES)
def test_each_chart_is_named_and_described(browser, book_url, page):
    context, tab = open_page(browser, f"{book_url}/{page}")
    charts = tab.locator(".plotly-chart[role=group]")  # the chart's container: the plot and its mode bar
    assert charts.count() == CHART_PAGES[page]
    for chart in charts.all():
        caption = " ".join(chart.locator("xpath=ancestor::figure//figcaption").first.inner_text().split())
        assert chart.get_attribute("aria-label") in caption  # the caption, words without its number
        description = tab.locator(f"#{chart.get_attribute('aria-describedby')}")
        assert description.inner_text().startswith("Text alternative."), description.inner_text()
    context.close()


TABLE_SHOWN = "document.activeElement.parentElement.querySelector('table').checkVisibility()"


@pytest.mark.parametrize("page", CHART_PAGES)
def test_a_keyboard_reaches_and_opens_each_charts_data_table(browser, book_url, page):
    context, tab = open_page(browser, f"{book_url}/{page}")
    summaries = tab.locator("figure details.chart-data > summary")
    assert summaries.count() == CHART_PAGES[page]
    reached = 0
    for _ in range(400):  # Tab through the page, from the top, until every chart's data summary had focus
        tab.keyboard.press("Tab")
        if tab.evaluate("document.activeElement.matches('figure details.chart-data > summary')"):
            reached += 1
            assert not tab.evaluate(TABLE_SHOWN)  # closed while scripts run...
            tab.keyboard.press("Enter")
            assert tab.evaluate(TABLE_SHOWN)  # ... and opened by the keyboard
            if reached == CHART_PAGES[page]:
                break
    context.close()
    assert reached == CHART_PAGES[page], f"{page}: Tab reached {reached} of {CHART_PAGES[page]} data tables"


@pytest.mark.parametrize("page", CHART_PAGES)
def test_without_javascript_each_chart_shows_its_data_table(browser, book_url, page):
    context, tab = open_page(browser, f"{book_url}/{page}", javascript=False)
    figures = tab.locator("figure:has(.plotly-chart)")
    assert figures.count() == CHART_PAGES[page]
    for figure in figures.all():
        assert figure.locator(".js-plotly-plot").count() == 0  # no chart drawn...
        assert figure.locator("details.chart-data table").first.is_visible()  # ... its data instead
        assert figure.locator(".chart-without-script").is_visible()
        box = figure.locator(".plotly-chart").bounding_box()
        assert box["height"] < 120, f"{page}: an empty chart box {box['height']} px high"
    context.close()


# --- contrast ---------------------------------------------------------------------------------------------------

COLOURS = """() => {
  const solid = fill => {  // a bar's fill may be a pattern: its colour is the pattern's background
    const match = fill.match(/url\\("#(.+)"\\)/);
    return match ? getComputedStyle(document.getElementById(match[1]).querySelector("rect")).fill : fill;
  };
  const texts = [...document.querySelectorAll(".plotly-chart .main-svg text")]
    .filter(t => !t.closest(".hoverlayer") && t.textContent.trim());
  return {
    page: getComputedStyle(document.body).backgroundColor,
    text: texts.filter(t => !t.classList.contains("bartext-inside")).map(t => getComputedStyle(t).fill),
    inside: texts.filter(t => t.classList.contains("bartext-inside"))
      .map(t => [getComputedStyle(t).fill, solid(getComputedStyle(t.closest(".point").querySelector("path")).fill)]),
    bars: [...document.querySelectorAll(".plotly-chart .bars .point path")].map(p => {
      const style = getComputedStyle(p);
      return [solid(style.fill), style.stroke, parseFloat(style.strokeWidth)];
    }),
  };
}"""


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("page", CHART_PAGES)
def test_chart_text_and_bars_have_aa_contrast(browser, book_url, page, mode):
    context, tab = open_page(browser, f"{book_url}/{page}", mode)
    colours = tab.evaluate(COLOURS)
    context.close()
    background = colours["page"]
    assert colours["text"], f"{page}: no chart text found"
    for fill in set(colours["text"]):
        assert contrast_ratio(fill, background) >= 4.5, f"{page} ({mode}): text {fill} on {background}"
    for fill, bar in set(map(tuple, colours["inside"])):
        assert contrast_ratio(fill, bar) >= 4.5, f"{page} ({mode}): text {fill} inside a bar {bar}"
    for fill, stroke, width in set(map(tuple, colours["bars"])):  # WCAG 1.4.11: the bar, or its outline, 3:1
        assert contrast_ratio(fill, background) >= 3 or (width >= 1 and contrast_ratio(stroke, background) >= 3), \
            f"{page} ({mode}): a bar {fill} outlined {stroke} ({width} px) on {background}"
