"""Charts in Chromium: drawn only when they near the viewport, and laid out again to fit a phone's screen."""

import pytest

from tests.support import draw_every_chart

pytestmark = [pytest.mark.book, pytest.mark.browser]

ELECTION = "chapters/04-the-constituent-assembly-election.html"  # two charts, both below a long table


def test_plotly_js_is_fetched_only_when_a_chart_nears_the_viewport(browser, book_url):
    context = browser.new_context(viewport={"width": 412, "height": 823})
    page = context.new_page()
    fetched = []
    page.on("request", lambda request: "plotly" in request.url.rsplit("/", 1)[-1] and fetched.append(request.url))
    page.goto(f"{book_url}/{ELECTION}", wait_until="networkidle")
    page.wait_for_timeout(500)
    assert fetched == [] and page.locator(".plotly-graph-div .main-svg").count() == 0
    assert page.locator("figure .chart-data").count() == 2  # the data tables are there before any chart
    assert draw_every_chart(page) == 2
    assert len(fetched) == 1  # once, for both charts
    context.close()


@pytest.mark.parametrize("width", [320, 1280])
def test_charts_fit_the_screen_with_labels_of_at_least_11_px(browser, book_url, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(f"{book_url}/{ELECTION}", wait_until="networkidle")
    draw_every_chart(page)
    for chart in page.locator(".plotly-chart").all():
        box = chart.bounding_box()
        drawn = chart.locator("svg.main-svg").first.bounding_box()
        assert drawn["width"] <= box["width"] + 1, f"{width} px: a chart {drawn['width']} px wide in {box['width']}"
        sizes = chart.locator("svg.main-svg text").evaluate_all(
            "texts => texts.filter(t => t.textContent.trim()).map(t => parseFloat(getComputedStyle(t).fontSize))")
        assert sizes and min(sizes) >= 11, f"{width} px: text of {min(sizes)} px"
        # Every category label is drawn whole, inside the chart (a narrow chart wraps long labels).
        for label in chart.locator(".ytick text").all():
            label_box = label.bounding_box()
            assert label_box["x"] >= box["x"] - 1, f"{width} px: {label.text_content()!r} cut at the left"
    context.close()
