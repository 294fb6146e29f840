"""The zipped site opens from disk (file://) in Chromium: navigation, search, charts, no error, no network.

`make test` builds _build/site.zip before the tests run. The chart check visits every page of the book and
requires exactly as many drawn charts (each with its SVG) as the page's source has chart figures.
"""

import zipfile
from pathlib import Path

import pytest

from coup1917 import ROOT, book
from tests.support import chart_figures

SITE_ZIP = ROOT / "_build" / "site.zip"

pytestmark = [pytest.mark.book, pytest.mark.pdf, pytest.mark.browser]  # the site zip (make site-zip) in Chromium


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    if not SITE_ZIP.exists():
        pytest.fail(f"no {SITE_ZIP}: run the tests with `make test`, which builds it first")
    target = tmp_path_factory.mktemp("site")
    with zipfile.ZipFile(SITE_ZIP) as archive:
        archive.extractall(target)
    return target / SITE_ZIP.stem


@pytest.fixture
def page(browser):  # the session's Chromium, from conftest.py
    """A page that records console errors, uncaught exceptions and every request that leaves the disk."""
    context = browser.new_context()
    page = context.new_page()
    page.problems = []
    page.on("console", lambda message: message.type == "error" and page.problems.append(message.text))
    page.on("pageerror", lambda error: page.problems.append(str(error)))
    page.on("request", lambda request: request.url.startswith(("file:", "data:", "blob:"))
            or page.problems.append(f"network request: {request.url}"))
    yield page
    context.close()


def test_navigation_from_the_landing_page(site, page):
    page.goto((site / "index.html").as_uri())
    page.wait_for_url("**/chapters/index.html")
    page.click("a.right-next")
    assert "Kerensky and the Bolsheviks" in page.inner_text("h1")
    page.click("nav.bd-links a:text('The Coup')")
    assert page.url.endswith("chapters/03-the-coup.html")
    assert "Lenin now secretly returned to Petrograd" in page.inner_text("article")
    assert page.problems == []


def test_search_finds_the_text(site, page):
    page.goto((site / "search.html").as_uri() + "?q=Sovnarkom")
    results = page.locator("#search-results ul.search li a")
    results.first.wait_for(timeout=15_000)
    assert any("03-the-coup.html" in href for href in results.evaluate_all("links => links.map(a => a.href)"))
    assert page.problems == []


def test_the_download_menu_offers_the_notebook_and_the_pdf_and_both_are_there(site, page):
    page.goto((site / "chapters" / "03-the-coup.html").as_uri())
    links = page.locator(".dropdown-download-buttons a").evaluate_all("links => links.map(a => a.href)")
    notebook = next(link for link in links if link.endswith(".ipynb"))
    pdf = next(link for link in links if link.endswith(".pdf"))
    for link in (notebook, pdf):
        assert Path(link.removeprefix("file://")).is_file(), link


def test_the_download_menu_offers_the_runnable_zips_and_both_are_there(site, page):
    page.goto((site / "chapters" / "03-the-coup.html").as_uri())
    links = page.locator(".dropdown-download-buttons a").evaluate_all("links => links.map(a => a.href)")
    zips = [link for link in links if link.endswith(".zip")]
    assert [Path(link).name for link in zips] == ["03-the-coup.zip", f"{book.runnable_book_name(ROOT)}.zip"]
    for link in zips:
        assert zipfile.is_zipfile(link.removeprefix("file://")), link


@pytest.mark.parametrize("docname", book.reading_order(ROOT))
def test_every_chart_on_every_page_renders(site, page, docname):
    page.goto((site / f"{docname}.html").as_uri())
    page.wait_for_load_state("load")
    charts = page.locator(".plotly-graph-div")
    assert charts.count() == chart_figures(book.pages_on_disk(ROOT)[docname])
    for index in range(charts.count()):
        charts.nth(index).scroll_into_view_if_needed()
        charts.nth(index).locator("svg.main-svg").first.wait_for(timeout=15_000)
    assert page.problems == []
