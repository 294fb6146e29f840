"""Charts in a browser page: charts.js draws each chart only when it nears the viewport."""

from playwright.sync_api import Page

CHART = ".plotly-chart .plotly-graph-div"  # the box plotly.js draws into (coup1917/sphinx/plotly_output.py)


def draw_every_chart(page: Page, timeout: float = 15_000) -> int:
    """Scroll to each chart in turn, as a reader would, and wait until plotly.js has drawn it; back to the top of the
    page. The number of charts drawn."""
    charts = page.locator(CHART).all()
    for chart in charts:
        chart.scroll_into_view_if_needed()
        chart.locator("svg.main-svg").first.wait_for(timeout=timeout)
    page.evaluate("window.scrollTo(0, 0)")
    return len(charts)
