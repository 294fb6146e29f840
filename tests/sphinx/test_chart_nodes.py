"""coup1917.sphinx.charts.plotly_output in process, on a small project built with ``sphinx.testing`` (as sphinx-design's
tests do): Plotly's output becomes a chart node, the figure around it names and describes it, and only the pages
with a chart get the chart assets.

The project's notebooks carry their outputs already (no kernel): one page with a chart glued into a figure, one
with a chart outside any figure, one with none.
"""

import json
from io import StringIO

import nbformat
import pytest
from bs4 import BeautifulSoup
from docutils import nodes
from myst_nb.ext.glue import GLUE_PREFIX
from sphinx.testing.util import SphinxTestApp
from sphinx_design.dropdown import dropdown_main

from coup1917.charts import CHART_MIME
from coup1917.sphinx.charts import plotly_output
from coup1917.sphinx.charts.plotly_output import plotly_chart

FIGURE = {"data": [{"type": "bar", "x": [1, 2], "y": ["a", "</script><b>"], "orientation": "h"}],
          "layout": {"height": 300}}
CONF = """
extensions = ["myst_nb", "sphinx_design", "coup1917.sphinx.charts.plotly_output"]
nb_execution_mode = "off"
myst_enable_extensions = ["colon_fence"]
exclude_patterns = ["_build"]
"""
CHART_PAGE = """
# A chart

::::{glue:figure} fig-a
:name: fig-a

The caption of the chart.

*Text alternative.* Two bars.

:::{dropdown} The data of this chart
A table.
:::
::::
"""


def notebook(markdown: str, outputs: list) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell("charts.glue_chart('fig-a', figure)", outputs=outputs)
    return nbformat.v4.new_notebook(
        cells=[cell, nbformat.v4.new_markdown_cell(markdown)],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    source = tmp_path_factory.mktemp("charts")
    glued = nbformat.v4.new_output("display_data", data={GLUE_PREFIX + CHART_MIME: FIGURE},
                                   metadata={"scrapbook": {"name": "fig-a", "mime_prefix": GLUE_PREFIX}})
    shown = nbformat.v4.new_output("display_data", data={CHART_MIME: FIGURE})
    nbformat.write(notebook(CHART_PAGE, [glued]), source / "figure.ipynb")
    nbformat.write(notebook("# A chart without a figure", [shown]), source / "bare.ipynb")
    (source / "index.md").write_text("# Text only\n\n```{toctree}\nfigure\nbare\n```\n", encoding="utf-8")
    (source / "conf.py").write_text(CONF, encoding="utf-8")
    built = SphinxTestApp("html", srcdir=source, status=StringIO(), warning=StringIO())
    built.build()
    yield built
    built.cleanup()


def resolved(app, docname: str) -> nodes.document:
    return app.env.get_and_resolve_doctree(docname, app.builder)


def html(app, docname: str) -> BeautifulSoup:
    return BeautifulSoup((app.outdir / f"{docname}.html").read_text(encoding="utf-8"), "html.parser")


def test_plotly_output_becomes_a_chart_node_carrying_the_figure(app):
    (chart,) = resolved(app, "figure").findall(plotly_chart)
    assert chart["figure"] == FIGURE
    assert not list(resolved(app, "index").findall(plotly_chart))


def test_the_figure_names_and_describes_its_chart_and_opens_its_data(app):
    doctree = resolved(app, "figure")
    (chart,) = doctree.findall(plotly_chart)
    assert chart["label"] == "The caption of the chart."
    (described,) = [paragraph for paragraph in doctree.findall(nodes.paragraph)
                    if chart["describedby"] in paragraph["ids"]]
    assert described.astext() == "Text alternative. Two bars."
    (dropdown,) = doctree.findall(dropdown_main)
    assert dropdown["opened"] and plotly_output.CHART_DATA_CLASS in dropdown["classes"]


def test_a_chart_outside_a_figure_is_reported_with_its_page(app):
    warnings = app._warning.getvalue()
    assert warnings.count("a chart needs a figure with a caption") == 1
    assert "bare.ipynb" in warnings


def test_the_html_chart_carries_role_name_description_and_figure(app):
    chart = html(app, "figure").select_one(f"div.{plotly_output.CHART_CLASS}")
    assert (chart["role"], chart["aria-roledescription"]) == ("group", "chart")
    assert chart["aria-label"] == "The caption of the chart."
    assert html(app, "figure").find(id=chart["aria-describedby"]).get_text().startswith("Text alternative.")
    plot = chart.select_one(f"div.{plotly_output.PLOT_CLASS}")
    assert plot["style"] == "height: 300px" and not plot.contents  # drawn by charts.js, not by the page
    script = chart.select_one(f"script.{plotly_output.FIGURE_CLASS}")
    assert script["type"] == "application/json"
    assert "</script><b>" not in script.string  # the data cannot end the script element
    payload = json.loads(script.string)
    assert (payload["data"], payload["layout"]) == (FIGURE["data"], FIGURE["layout"])
    assert payload["config"] == plotly_output.PLOTLY_CONFIG
    assert chart.select_one(f"noscript .{plotly_output.NO_SCRIPT_CLASS}")


def test_only_pages_with_a_chart_load_the_chart_assets(app):
    for page, has_chart in {"figure": True, "bare": True, "index": False}.items():
        loaders = html(app, page).select('script[src*="charts.js"]')
        assert len(loaders) == has_chart, page
        assert len(html(app, page).select('link[href*="charts.css"]')) == has_chart, page
    (loader,) = html(app, "figure").select('script[src*="charts.js"]')
    assert loader.has_attr("defer") and loader["data-plotly"] == plotly_output.plotly_bundle().name
    assert loader["data-chart"] == plotly_output.CHART_CLASS and loader["data-plot"] == plotly_output.PLOT_CLASS
    assert not html(app, "figure").select('script[src*="plotly"]')  # plotly.js waits for a chart to be near
    assert (app.outdir / "_static" / plotly_output.plotly_bundle().name).is_file()
