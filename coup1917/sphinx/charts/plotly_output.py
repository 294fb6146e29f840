"""Plotly's output type (:data:`coup1917.charts.CHART_MIME`) as a :class:`plotly_chart` node: in the HTML book a box
that ``static/charts.js`` draws into with the one plotly.js bundle of ``package.json``, served by the site, fetched
when the first chart nears the viewport; in the PDF a vector SVG and in the EPUB a PNG, exported by kaleido
(:mod:`coup1917.sphinx.charts.export`). The figure around a chart names and describes it.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
from functools import lru_cache
from pathlib import Path

import plotly.offline
import plotly.utils
from docutils import nodes
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.nodes import traverse_parent
from sphinx.writers.html5 import HTML5Translator
from sphinx_design.shared import is_component

from coup1917 import ROOT
from coup1917.charts import CHART_MIME
from coup1917.sphinx import STATIC_DIR
from coup1917.sphinx.charts import export as chart_export

# The chart's markup, named once here: charts.js receives these names from its <script> tag; charts.css and the
# tests use the same names (tests/sphinx/test_plotly_output.py checks the static files against them).
CHART_CLASS = "plotly-chart"              # the container: role, name, description
PLOT_CLASS = "plotly-graph-div"           # the box plotly.js draws into (Plotly's own name for it)
FIGURE_CLASS = "plotly-chart-figure"      # <script type="application/json">: the figure and its config
NO_SCRIPT_CLASS = "chart-without-script"  # the note shown when scripts are off
CHART_DATA_CLASS = "chart-data"           # the figure's data table (a dropdown), open until a script closes it
TEXT_ALTERNATIVE = "Text alternative."

CHART_CSS = STATIC_DIR / "charts.css"
CHART_LOADER = STATIC_DIR / "charts.js"
CHART_IMAGE_CLASS = "chart-image"       # a chart exported as an image (EPUB)
PDF_CHART_WIDTH = 700  # pixels of the exported chart; the PDF scales it to the text width
# The reader's interactions: hover and zoom, but no logo and no mode bar button that calls a web service
# (plotly.js 4 names it "sendChartToCloud", "Share chart...": it posts the chart to cloud.plotly.com).
PLOTLY_CONFIG = {"displaylogo": False, "responsive": True,
                 "modeBarButtonsToRemove": ["sendDataToCloud", "sendChartToCloud"]}
# The trace types each official partial bundle registers, as its README states ("Contains trace modules `bar`,
# `pie` and `scatter`"); a bundle not listed here stops the build until its traces are added.
BUNDLE_TRACE_TYPES = {"plotly.js-basic-dist-min": frozenset({"bar", "pie", "scatter"})}
NO_SCRIPT_NOTE = (f'<noscript><p class="{NO_SCRIPT_CLASS}">The chart needs JavaScript, which is off: its data are '
                  "in the table below, and the caption's text alternative describes it.</p></noscript>")

logger = logging.getLogger(__name__)


class plotly_chart(nodes.General, nodes.Element):
    """``figure`` holds Plotly's JSON (a dict); ``label`` and ``describedby`` are set by :class:`NameCharts`."""


@lru_cache
def _bundle() -> tuple[Path, dict]:
    """The one plotly.js package that ``package.json`` depends on (installed by ``npm ci``), and its manifest."""
    dependencies = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))["dependencies"]
    (package,) = [name for name in dependencies if name.startswith("plotly.js")]
    package_dir = ROOT / "node_modules" / package
    if not package_dir.is_dir():
        raise ExtensionError(f"{package_dir} is missing: run `npm ci` (make book does) to install {package}")
    return package_dir, json.loads((package_dir / "package.json").read_text(encoding="utf-8"))


def plotly_bundle() -> Path:
    package_dir, manifest = _bundle()
    return package_dir / manifest["main"]


def bundle_version() -> str:
    return _bundle()[1]["version"]


def bundle_trace_types() -> frozenset[str]:
    name = _bundle()[0].name
    if name not in BUNDLE_TRACE_TYPES:
        raise ExtensionError(f"package.json names {name}, whose trace types coup1917/sphinx/charts/plotly_output.py "
                             "does not know: add them to BUNDLE_TRACE_TYPES from the bundle's README")
    return BUNDLE_TRACE_TYPES[name]


def check_bundle_covers(figure: dict, where: str) -> None:
    missing = {trace.get("type", "scatter") for trace in figure.get("data", [])} - bundle_trace_types()
    if missing:
        raise ExtensionError(
            f"{where}: the chart uses trace type(s) {sorted(missing)}, which {_bundle()[0].name} does not "
            f"include (it has {sorted(bundle_trace_types())}); use a larger official bundle in package.json"
        )


class PlotlyMimeRenderer:
    """myst-nb's renderer for Plotly's output type (entry point in ``pyproject.toml``), preferred by every builder;
    Jupyter shows the same output with its own renderer, so a chapter needs no setup cell."""

    mime_priority_overrides = [(builder, CHART_MIME, 1)
                               for builder in ("html", "dirhtml", "singlehtml", "typst", "epub")]

    @staticmethod
    def handle_mime(renderer, data, inline: bool) -> list[nodes.Element] | None:
        if data.mime_type != CHART_MIME:
            return None
        figure = data.content if isinstance(data.content, dict) else json.loads(data.content)
        builder = renderer.renderer.sphinx_env.app.builder.name
        if builder == "epub":  # e-readers run no plotly.js: an image, which Sphinx collects and packs
            chart = chart_image(figure, "png", renderer.source)
            images = renderer.render_image(dataclasses.replace(
                data, mime_type="image/png", content=base64.b64encode(chart).decode()))
            for image in images:
                image["classes"].append(CHART_IMAGE_CLASS)
            return images
        check_bundle_covers(figure, f"{renderer.source}, cell {data.cell_index}")
        if builder == "typst":
            # The PDF's charts need Chromium, which kaleido drives when the pages are written: if it is missing,
            # stop now, naming the first page that needs it, not after every page has been read.
            try:
                _browser()
            except chart_export.ExportFailed as failure:
                raise ExtensionError(f"{renderer.source}: {failure}") from None
        return [plotly_chart(figure=figure, classes=["output"])]


@lru_cache
def _browser() -> str:
    return chart_export.browser_path()


def chart_image(figure: dict, format: str, page: str) -> bytes:
    """A vector SVG (the PDF), or a PNG at twice its pixel size, sharp on e-readers' screens (the EPUB)."""
    try:
        return chart_export.chart_image(figure, format, PDF_CHART_WIDTH, scale=2 if format == "png" else 1)
    except chart_export.ExportFailed as failure:
        raise ExtensionError(f"{page}: {failure}") from None


def chart_id(figure: dict) -> str:
    """An id that two builds of the same figure share (reproducible pages)."""
    return "chart-" + hashlib.sha1(json.dumps(figure, sort_keys=True).encode()).hexdigest()[:12]


class NameCharts(SphinxPostTransform):
    """Name (``aria-label``: the caption) and describe (``aria-describedby``: the "*Text alternative.*" paragraph)
    each chart, or warn; write the figure's data table open, for readers without scripts (charts.js closes it)."""

    # After myst-nb has chosen each output's MIME type (priority 4), before sphinx-design writes its dropdowns (199).
    default_priority = 150
    formats = ("html",)

    def run(self, **kwargs) -> None:
        for chart in self.document.findall(plotly_chart):
            described = described_by(chart)
            if described is None:
                logger.warning(f"a chart needs a figure with a caption and a '*{TEXT_ALTERNATIVE}*' paragraph, "
                               "which name and describe it to readers who cannot see it", location=chart)
                continue
            figure, caption, alternative = described
            if not alternative["ids"]:
                alternative["ids"].append(f"{figure['ids'][0]}-text-alternative")
            chart["label"] = " ".join(caption.astext().split())
            chart["describedby"] = alternative["ids"][0]
            for dropdown in figure.findall(is_dropdown):
                dropdown["opened"] = True
                dropdown["container_classes"].append(CHART_DATA_CLASS)


def is_dropdown(node: nodes.Node) -> bool:
    """A sphinx-design dropdown, before its HTML transform (priority 199) makes it a ``<details>``."""
    return is_component(node, "dropdown")


def described_by(chart: nodes.Node) -> tuple[nodes.figure, nodes.caption, nodes.paragraph] | None:
    """The figure around a chart, its caption and its "*Text alternative.*" paragraph; None if one is missing."""
    figure = next(traverse_parent(chart, nodes.figure), None)
    if figure is None:
        return None
    caption = figure.next_node(nodes.caption)
    alternative = next((paragraph for paragraph in figure.findall(nodes.paragraph)
                        if paragraph.children and isinstance(paragraph[0], nodes.emphasis)
                        and paragraph[0].astext().strip() == TEXT_ALTERNATIVE), None)
    return None if caption is None or alternative is None else (figure, caption, alternative)


def chart_alt_text(node: nodes.Node) -> str | None:
    """The caption and the text alternative as one text (the EPUB's alt text, the PDF's /Alt)."""
    described = described_by(node)
    if described is None:
        return None
    _, caption, alternative = described
    description = alternative.astext().removeprefix(TEXT_ALTERNATIVE).strip()
    return " ".join(f"{caption.astext().rstrip('.')}. {description}".split())


def _script_json(value: dict) -> str:
    """JSON that cannot close or comment out the <script> element holding it."""
    # Plotly's encoder writes NaN as null (JSON.parse rejects NaN) and numpy values as numbers.
    # Keys sorted: a figure reads the same whether the notebook ran in this build or came from the execution cache
    # (which stores it with sorted keys), so two builds of one commit write the same bytes.
    text = json.dumps(value, cls=plotly.utils.PlotlyJSONEncoder, separators=(",", ":"), ensure_ascii=False,
                      sort_keys=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def visit_chart_html(self: HTML5Translator, node: plotly_chart) -> None:
    """The container with its role, name and description, an empty box of the chart's height, the figure as JSON
    and a note for readers without JavaScript."""
    figure = node["figure"]
    attributes = {"role": "group", "aria-roledescription": "chart"}
    if node.get("label"):
        attributes["aria-label"] = node["label"]
        attributes["aria-describedby"] = node["describedby"]
    self.body.append(self.starttag(node, "div", CLASS=CHART_CLASS, **attributes))
    height = figure.get("layout", {}).get("height", chart_export.DEFAULT_HEIGHT)  # reserved before it is drawn
    self.body.append(f'<div id="{chart_id(figure)}" class="{PLOT_CLASS}" style="height: {height}px"></div>\n')
    payload = {"data": figure.get("data", []), "layout": figure.get("layout", {}), "config": PLOTLY_CONFIG}
    self.body.append(f'<script type="application/json" class="{FIGURE_CLASS}">{_script_json(payload)}</script>\n')
    self.body.append(NO_SCRIPT_NOTE + "</div>\n")
    raise nodes.SkipNode


def _serving_bundle(app: Sphinx) -> bool:
    return app.builder.format == "html" and app.builder.name != "epub" and app.config.edition_plotly_bundle


def _add_chart_assets(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Only pages with a chart get the loader, deferred: it holds up neither the text nor its first paint."""
    if doctree is None or not _serving_bundle(app) or next(doctree.findall(plotly_chart), None) is None:
        return
    app.add_js_file(CHART_LOADER.name, loading_method="defer", **{
        "data-plotly": plotly_bundle().name, "data-chart": CHART_CLASS, "data-plot": PLOT_CLASS,
        "data-figure": FIGURE_CLASS, "data-chart-data": CHART_DATA_CLASS})
    app.add_css_file(CHART_CSS.name)


def _serve_bundle(app: Sphinx) -> None:
    """The bundle, checked against the plotly that writes the figures, among the site's static files (no CDN)."""
    if not _serving_bundle(app):
        return
    written_for = plotly.offline.get_plotlyjs_version()
    if bundle_version() != written_for:
        raise ExtensionError(f"{plotly_bundle()} is plotly.js {bundle_version()}, but plotly "
                             f"{plotly.__version__} writes figures for plotly.js {written_for}: pin "
                             f"{written_for} in package.json")
    app.config.html_static_path.append(str(plotly_bundle()))  # copied into _static with the site's own files


def visit_chart_typst(self, node: plotly_chart) -> None:
    """The chart as kaleido's SVG, its text alternative as the PDF's /Alt (PDF/UA): a chart without one stops the
    build."""
    alt = chart_alt_text(node)
    if alt is None:
        raise ExtensionError(f"{node.source}: a chart needs a figure with a caption and a '*{TEXT_ALTERNATIVE}*' "
                             "paragraph, its text alternative in the PDF")
    name = f"charts/{chart_id(node['figure'])}.svg"
    path = Path(self.builder.outdir) / name
    if not path.exists():  # a figure's id is its content: an exported file is the same chart
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(chart_image(node["figure"], "svg", node.source or "a chart of the PDF"))
    self.body.append(f'#image("{name}", alt: {json.dumps(alt, ensure_ascii=False)}, width: 100%)\n')
    raise nodes.SkipNode


def skip_chart(self, node: plotly_chart) -> None:
    """Builders without a chart (text, manual pages, Texinfo): the figure's text alternative stands for it."""
    raise nodes.SkipNode


def setup(app: Sphinx) -> dict:
    # False only in the benchmark's baseline (bench/), whose pages inline Plotly's own full plotly.js instead.
    app.add_config_value("edition_plotly_bundle", True, "html", types=[bool])
    app.add_node(plotly_chart, html=(visit_chart_html, None), typst=(visit_chart_typst, None),
                 text=(skip_chart, None), man=(skip_chart, None), texinfo=(skip_chart, None))
    app.add_post_transform(NameCharts)
    app.connect("builder-inited", _serve_bundle)
    app.connect("html-page-context", _add_chart_assets)
    app.connect("build-finished", lambda app, exception: chart_export.stop())
    return {"parallel_read_safe": True, "parallel_write_safe": True}
