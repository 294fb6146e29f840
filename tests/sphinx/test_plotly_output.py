"""coup1917.sphinx.charts.plotly_output: the bundle checks, the chart's markup and scripts in the built book, and the
names the static files share with the extension."""

import re

import plotly.offline
import pytest
from bs4 import BeautifulSoup
from sphinx.errors import ExtensionError

from coup1917 import ROOT
from coup1917.book import pages_on_disk
from coup1917.sphinx.charts import plotly_output
from tests.support import chart_figures


def test_the_bundle_registers_the_trace_types_the_book_uses():
    assert {"bar", "scatter", "pie"} <= plotly_output.bundle_trace_types()


def test_a_trace_type_outside_the_bundle_stops_the_build():
    with pytest.raises(ExtensionError, match=r"chapters/x.md, cell 3: .*\['choropleth'\]"):
        plotly_output.check_bundle_covers({"data": [{"type": "bar"}, {"type": "choropleth"}]}, "chapters/x.md, cell 3")


def test_the_bundle_is_the_plotly_js_the_python_package_writes_for():
    assert plotly_output.bundle_version() == plotly.offline.get_plotlyjs_version()


def test_a_chart_id_is_its_figure():
    figure = {"data": [{"type": "bar", "x": ["a"], "y": [1]}], "layout": {}}
    assert plotly_output.chart_id(figure) == plotly_output.chart_id({**figure})
    assert plotly_output.chart_id(figure) != plotly_output.chart_id({**figure, "layout": {"height": 300}})


def test_the_static_files_use_the_extensions_class_names():
    """charts.css styles the classes plotly_output writes; charts.js receives them from its <script> tag."""
    css = plotly_output.CHART_CSS.read_text(encoding="utf-8")
    assert set(re.findall(r"\.(plotly-[\w-]+|chart-[\w-]+)", css)) <= {
        plotly_output.CHART_CLASS, plotly_output.PLOT_CLASS}
    script = plotly_output.CHART_LOADER.read_text(encoding="utf-8")
    assert not re.search(r"[\"'`.](plotly-chart|plotly-graph-div|chart-data)\b", script)
    for name in ("plotly", "chart", "plot", "figure", "chartData"):
        assert f"names.{name}" in script


@pytest.mark.book
def test_plotly_js_is_loaded_only_on_chart_pages_and_only_by_the_loader(built_pages):
    chart_pages = 0
    for page, html in built_pages.items():
        soup = BeautifulSoup(html, "html.parser")
        charts = soup.select(f"div.{plotly_output.CHART_CLASS}")
        loaders = soup.select('script[src*="charts.js"]')
        assert len(loaders) == (1 if charts else 0), f"{page}: {len(loaders)} chart loaders"
        assert not soup.select('script[src*="plotly"]'), f"{page} loads plotly.js before a chart is seen"
        assert "cdn.plot.ly" not in html and "Plotly.js v" not in html, f"{page} inlines or fetches plotly.js"
        chart_pages += bool(charts)
        for loader in loaders:
            assert loader.has_attr("defer") and loader["data-plotly"] == plotly_output.plotly_bundle().name, page
    assert chart_pages == sum(bool(chart_figures(source)) for source in pages_on_disk(ROOT).values())


@pytest.mark.book
def test_every_chart_has_its_text_alternative_and_data_table_before_any_script(built_pages):
    charts = 0
    for page, html in built_pages.items():
        for chart in BeautifulSoup(html, "html.parser").select(f"div.{plotly_output.CHART_CLASS}"):
            figure = chart.find_parent("figure")
            assert chart["role"] == "group" and chart["aria-label"], page
            assert figure.find(id=chart["aria-describedby"]).get_text().startswith("Text alternative."), page
            assert figure.select_one(f"details.{plotly_output.CHART_DATA_CLASS}[open] table"), page
            assert not chart.select(f".{plotly_output.PLOT_CLASS} *"), page  # drawn by charts.js
            charts += 1
    assert charts == sum(chart_figures(source) for source in pages_on_disk(ROOT).values())
