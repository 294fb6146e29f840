"""coup1917.sphinx.plotly_output: the bundle's coverage check, the stable chart markup, and the built pages."""

import re

import plotly.offline
import pytest
from sphinx.errors import ExtensionError

from coup1917.sphinx import plotly_output


def test_the_bundle_registers_the_trace_types_the_book_uses():
    assert {"bar", "scatter", "pie"} <= plotly_output.bundle_trace_types()


def test_a_trace_type_outside_the_bundle_stops_the_build():
    with pytest.raises(ExtensionError, match=r"chapters/x.md, cell 3: .*\['choropleth'\]"):
        plotly_output.check_bundle_covers({"data": [{"type": "bar"}, {"type": "choropleth"}]}, "chapters/x.md, cell 3")


def test_the_bundle_is_the_plotly_js_the_python_package_writes_for():
    assert plotly_output.bundle_version() == plotly.offline.get_plotlyjs_version()


def test_chart_html_carries_no_plotly_js_and_a_stable_id():
    figure = {"data": [{"type": "bar", "x": ["a"], "y": [1]}], "layout": {}}
    html = plotly_output.chart_html(figure)
    assert html == plotly_output.chart_html(figure)
    assert 'id="chart-' in html and len(html) < 5000 and "cdn" not in html.lower()


def test_plotly_js_is_loaded_only_on_chart_pages_and_once(built_pages):
    for page, html in built_pages.items():
        has_chart = plotly_output.CHART_MARKER in html
        loads = re.findall(r'<script[^>]+data-plotly="plotly-basic\.min\.js"[^>]*src="[^"]*charts\.js', html)
        assert len(loads) == (1 if has_chart else 0), f"{page}: {len(loads)} plotly.js loaders"
        assert "cdn.plot.ly" not in html and "Plotly.js v" not in html, f"{page} inlines or fetches plotly.js"


def test_a_chart_is_drawn_by_a_module_script_which_waits_for_plotly_js():
    html = plotly_output.chart_html({"data": [{"type": "bar", "x": ["a"], "y": [1]}], "layout": {}})
    assert re.findall(r"<script[^>]*>\S*", html) == ['<script type="module">await']
    assert '<script type="module">await window.editionPlotly;' in html


def test_no_script_holds_up_the_text_of_a_chart_page(built_pages):
    for page, html in built_pages.items():
        if plotly_output.CHART_MARKER in html:
            head = html.split("</head>")[0]
            (loader,) = re.findall(r"<script[^>]*charts\.js[^>]*>", head)
            assert "defer" in loader, page
            assert not re.search(r'<script[^>]*src="[^"]*plotly', head), page  # the loader fetches plotly.js
