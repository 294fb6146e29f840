"""Every page of the built site in Chromium (the book's pages, and every other HTML file Sphinx writes: the index,
the search page): charts render, hover shows the data, nothing leaves 127.0.0.1, no console error; a full-page
screenshot of each chart page goes to tests/artefacts/."""

import json
from dataclasses import dataclass, field
from urllib.parse import urlparse

import pytest

from coup1917 import ROOT, book
from tests.support import HTML_DIR, draw_every_chart
from coup1917.data import load_table

#: Folders of the site that hold assets and downloads, not pages.
NOT_PAGES = {"_static", "_sources", "_downloads", "_images"}

pytestmark = [pytest.mark.book, pytest.mark.browser]  # the built book in Chromium


def site_pages() -> list[str]:
    """The book's pages (from _toc.yml, so a missing build fails rather than finds nothing) and every other HTML
    file of the built site."""
    built = {str(path.relative_to(HTML_DIR)) for path in HTML_DIR.rglob("*.html")
             if not NOT_PAGES & set(path.relative_to(HTML_DIR).parts)}
    return sorted(set(book.html_pages(ROOT)) | built)


PAGES = site_pages()
CHART_PAGES = {
    "chapters/03-the-coup.html": 1,
    "chapters/04-the-constituent-assembly-election.html": 2,
    "chapters/05-the-dissolution-and-the-third-congress.html": 1,
    "chapters/election-audit.html": 1,
    "chapters/chronology.html": 1,
}


@dataclass
class Visit:
    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    charts: int = 0
    bytes_received: int = 0


def visit(browser, url: str, screenshot=None, color_scheme="light") -> Visit:
    seen = Visit()
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=color_scheme)
    page = context.new_page()
    page.on("request", lambda request: seen.requests.append(request.url))
    page.on("console", lambda message: message.type == "error" and seen.console_errors.append(message.text))
    page.on("pageerror", lambda error: seen.console_errors.append(str(error)))
    page.on("response", lambda response: response.status >= 400
            and seen.console_errors.append(f"HTTP {response.status} for {response.url}"))
    page.goto(url, wait_until="networkidle")
    draw_every_chart(page)
    # A chart counts as rendered once plotly.js has drawn at least one trace of it.
    seen.charts = page.locator(".plotly-chart .js-plotly-plot:has(.cartesianlayer .trace)").count()
    seen.bytes_received = page.evaluate(
        "performance.getEntriesByType('resource').concat(performance.getEntriesByType('navigation'))"
        ".reduce((sum, entry) => sum + entry.encodedBodySize, 0)")
    if screenshot is not None:
        page.screenshot(path=str(screenshot), full_page=True)
    context.close()
    return seen


PAGE_WEIGHTS = {}


@pytest.fixture(scope="module", autouse=True)
def page_weights_artefact(artefacts):
    """Bytes and requests of every page, first visit with an empty cache, written to tests/artefacts/."""
    yield
    (artefacts / "page-weights.json").write_text(json.dumps(PAGE_WEIGHTS, indent=2), encoding="utf-8")


def off_host(requests: list[str]) -> list[str]:
    return [url for url in requests if urlparse(url).hostname != "127.0.0.1" and not url.startswith("data:")]


@pytest.mark.parametrize("page", PAGES)
def test_page_loads_cleanly_and_offline(browser, book_url, artefacts, page):
    charts_expected = CHART_PAGES.get(page, 0)
    shot = artefacts / (page.replace("/", "_").removesuffix(".html") + ".png") if charts_expected else None
    seen = visit(browser, f"{book_url}/{page}", screenshot=shot)
    PAGE_WEIGHTS[page] = {"bytes": seen.bytes_received, "requests": len(seen.requests), "charts": seen.charts}
    assert not off_host(seen.requests), f"{page} requested off-host: {off_host(seen.requests)}"
    assert not seen.console_errors, f"{page} console errors: {seen.console_errors}"
    assert seen.charts == charts_expected, f"{page}: {seen.charts} rendered charts, expected {charts_expected}"
    plotly_loads = [url for url in seen.requests if "plotly" in urlparse(url).path]
    assert len(plotly_loads) == (1 if charts_expected else 0), f"{page} loaded plotly.js: {plotly_loads}"


def test_dark_mode_charts_have_light_text(browser, book_url):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.add_init_script("localStorage.setItem('mode', 'dark'); localStorage.setItem('theme', 'dark');")
    page.goto(f"{book_url}/chapters/04-the-constituent-assembly-election.html", wait_until="networkidle")
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    draw_every_chart(page)
    fill = page.locator(".plotly-chart .main-svg .ytick text").first.evaluate("e => getComputedStyle(e).fill")
    context.close()
    assert fill == "rgb(230, 230, 230)", fill


def test_hovering_the_bolshevik_bar_shows_its_votes(browser, book_url):
    bolsheviks = load_table("election-1917").set_index("party").loc["Bolsheviks"]
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{book_url}/chapters/04-the-constituent-assembly-election.html", wait_until="networkidle")
    draw_every_chart(page)
    chart = page.locator("#fig-votes-by-party .js-plotly-plot")
    chart.scroll_into_view_if_needed()
    # The bar of the Bolsheviks: the y tick labelled "Bolsheviks" shares its vertical centre with the bar.
    tick = chart.locator(".ytick text", has_text="Bolsheviks").first
    tick_box = tick.bounding_box()
    plot_box = chart.locator(".nsewdrag").first.bounding_box()
    page.mouse.move(plot_box["x"] + 20, tick_box["y"] + tick_box["height"] / 2)
    hover = chart.locator(".hoverlayer .hovertext")
    hover.wait_for(timeout=5000)
    text = " ".join(hover.locator("text").all_text_contents())
    context.close()
    assert "Bolsheviks" in text and f"{bolsheviks.votes_thousands:,} thousand votes" in text, text
    assert f"{bolsheviks.percent_printed:.1f}% as printed" in text, text


def test_plotly_js_is_fetched_once_and_reused_by_the_next_chart_page(browser, book_url):
    """Every chart page names the same plotly.js URL, so the second chart page takes it from the browser's cache
    (or a 304 revalidation), not over the wire again."""
    context = browser.new_context()
    page = context.new_page()
    transferred = []
    for chapter in ("03-the-coup", "04-the-constituent-assembly-election"):
        page.goto(f"{book_url}/chapters/{chapter}.html", wait_until="networkidle")
        draw_every_chart(page)
        transferred.append(page.evaluate(
            "performance.getEntriesByType('resource').filter(e => e.name.includes('plotly-basic.min.js'))"
            ".map(e => e.transferSize)"))
    context.close()
    first, second = transferred
    assert len(first) == len(second) == 1
    assert first[0] > 1_000_000, first  # the whole bundle, once
    assert second[0] < 10_000, second   # headers at most
