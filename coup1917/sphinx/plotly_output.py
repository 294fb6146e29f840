"""Plotly charts in the HTML book, interactive and offline.

Under a kernel, plotly displays a figure as ``application/vnd.plotly.v1+json``, which myst-nb does not know.
:class:`PlotlyMimeRenderer` (registered for myst-nb in ``pyproject.toml``, entry point group
``myst_nb.mime_renderers``) turns that JSON into a ``<div>`` with ``plotly.io.to_html`` and no plotly.js inside;
Jupyter shows the same output with its own renderer, so a chapter needs no setup cell. The Sphinx extension in
this module copies ONE plotly.js file, the official partial bundle pinned in ``package.json`` (installed by
``npm ci``), into ``_static``; the pages that hold a chart, and only they, get a small deferred loader
(``static/charts.js``) that fetches it once the text has painted, and each chart's script waits for it. One URL
for every page, so the browser caches it, and no CDN.

The build stops if a chart uses a trace type the bundle does not register, or if the bundle's plotly.js version is
not the one the installed plotly Python package writes figures for.

For the LaTeX builder (the PDF edition) the same output becomes a vector figure: kaleido exports it as a PDF
through Debian's Chromium, one browser kept for the whole build, and myst-nb includes it as an image. For the EPUB
builder it becomes a PNG image (e-readers run no plotly.js), which :mod:`coup1917.sphinx.epub` names and describes.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import re
import shutil
from functools import lru_cache
from pathlib import Path

import plotly.io
import plotly.offline
from docutils import nodes
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError

from coup1917 import ROOT, chart_export

PLOTLY_MIME_TYPE = "application/vnd.plotly.v1+json"
CHART_MARKER = 'class="plotly-graph-div"'
CHART_IMAGE_CLASS = "chart-image"  # a chart exported as an image (EPUB)
CHART_CSS = Path(__file__).parent / "static" / "charts.css"
CHART_LOADER = Path(__file__).parent / "static" / "charts.js"
PDF_CHART_WIDTH = 700  # pixels of the exported chart; LaTeX scales it to the text width
# The reader's interactions: hover and zoom, but no logo and no mode bar button that calls a web service
# (plotly.js 4 names it "sendChartToCloud", "Share chart...": it posts the chart to cloud.plotly.com).
PLOTLY_CONFIG = {"displaylogo": False, "responsive": True,
                 "modeBarButtonsToRemove": ["sendDataToCloud", "sendChartToCloud"]}


@lru_cache
def plotly_bundle() -> Path:
    """The minified plotly.js file of the one plotly.js package that ``package.json`` depends on."""
    dependencies = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))["dependencies"]
    (package,) = [name for name in dependencies if name.startswith("plotly.js")]
    package_dir = ROOT / "node_modules" / package
    if not package_dir.is_dir():
        raise ExtensionError(f"{package_dir} is missing: run `npm ci` (make book does) to install {package}")
    return package_dir / json.loads((package_dir / "package.json").read_text(encoding="utf-8"))["main"]


@lru_cache
def bundle_version() -> str:
    match = re.search(r"plotly\.js \(.*?\) v(\d+\.\d+\.\d+)", plotly_bundle().read_text(encoding="utf-8")[:500])
    if match is None:
        raise ExtensionError(f"{plotly_bundle()}: no plotly.js version in its header")
    return match.group(1)


@lru_cache
def bundle_trace_types() -> frozenset[str]:
    """The trace types the bundle registers (its modules declare ``moduleType:"trace",name:"bar"``)."""
    source = plotly_bundle().read_text(encoding="utf-8")
    return frozenset(re.findall(r'moduleType:"trace",name:"(\w+)"', source))


def check_bundle_covers(figure: dict, where: str) -> None:
    used = {trace.get("type", "scatter") for trace in figure.get("data", [])}
    missing = used - bundle_trace_types()
    if missing:
        raise ExtensionError(
            f"{where}: the chart uses trace type(s) {sorted(missing)}, which {plotly_bundle().name} does not "
            f"include (it has {sorted(bundle_trace_types())}); use a larger official bundle in package.json"
        )


def chart_html(figure: dict) -> str:
    """The chart as a ``<div>`` and the call that draws it, without plotly.js; the id is stable across builds."""
    div_id = "chart-" + hashlib.sha1(json.dumps(figure, sort_keys=True).encode()).hexdigest()[:12]
    html = plotly.io.to_html(figure, include_plotlyjs=False, include_mathjax=False, full_html=False,
                             config=PLOTLY_CONFIG, div_id=div_id, validate=False)
    # A module script runs once the page is parsed; it waits for plotly.js, which charts.js fetches after the
    # text has painted.
    return html.replace("<script>", '<script type="module">await window.editionPlotly;', 1)


class PlotlyMimeRenderer:
    """myst-nb renderer plugin for Plotly's own output type; HTML builders prefer it to any other output."""

    mime_priority_overrides = [(builder, PLOTLY_MIME_TYPE, 1)
                               for builder in ("html", "dirhtml", "singlehtml", "latex", "epub")]

    @staticmethod
    def handle_mime(renderer, data, inline: bool) -> list[nodes.Element] | None:
        if data.mime_type != PLOTLY_MIME_TYPE:
            return None
        figure = data.content if isinstance(data.content, dict) else json.loads(data.content)
        builder = renderer.renderer.sphinx_env.app.builder
        if builder.format == "latex":
            chart = chart_image(figure, "pdf", renderer.source)
            return renderer.render_image(dataclasses.replace(
                data, mime_type="application/pdf", content=base64.b64encode(chart).decode()))
        if builder.name == "epub":  # e-readers run no plotly.js: a static image (coup1917.sphinx.epub gives its alt)
            chart = chart_image(figure, "png", renderer.source)
            images = renderer.render_image(dataclasses.replace(
                data, mime_type="image/png", content=base64.b64encode(chart).decode()))
            for image in images:
                image["classes"].append(CHART_IMAGE_CLASS)
            return images
        check_bundle_covers(figure, f"{renderer.source}, cell {data.cell_index}")
        return [nodes.raw("", chart_html(figure), format="html", classes=["output", "plotly-chart"])]


def chart_image(figure: dict, format: str, page: str) -> bytes:
    """The chart as a vector PDF (the PDF edition) or a PNG at twice its pixel size, sharp on e-readers' screens
    (the EPUB); one Chromium for the whole build, every export under a time limit."""
    try:
        return chart_export.chart_image(figure, format, PDF_CHART_WIDTH, scale=2 if format == "png" else 1)
    except chart_export.ExportFailed as failure:
        raise ExtensionError(f"{page}: {failure}") from None


def _stop_exporter(app: Sphinx, exception: Exception | None) -> None:
    chart_export.stop()


def _serving_bundle(app: Sphinx) -> bool:
    return app.builder.format == "html" and app.builder.name != "epub" and app.config.edition_plotly_bundle


def _copy_bundle(app: Sphinx, exception: Exception | None) -> None:
    if exception is None and _serving_bundle(app):
        static = Path(app.outdir) / "_static"
        static.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(plotly_bundle(), static / plotly_bundle().name)


def _add_chart_assets(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if _serving_bundle(app) and CHART_MARKER in context.get("body", ""):
        # Neither plotly.js nor its loader holds up the text: charts.js fetches the bundle after the first paint.
        app.add_js_file(CHART_LOADER.name, loading_method="defer", **{"data-plotly": plotly_bundle().name})
        app.add_css_file(CHART_CSS.name)


def _check_versions(app: Sphinx) -> None:
    if not _serving_bundle(app):
        return
    written_for = plotly.offline.get_plotlyjs_version()
    if bundle_version() != written_for:
        raise ExtensionError(f"{plotly_bundle()} is plotly.js {bundle_version()}, but plotly "
                             f"{plotly.__version__} writes figures for plotly.js {written_for}: pin "
                             f"{written_for} in package.json")


def setup(app: Sphinx) -> dict:
    # False only in the benchmark's baseline (bench/), whose pages inline Plotly's own full plotly.js instead.
    app.add_config_value("edition_plotly_bundle", True, "html", types=[bool])
    app.connect("builder-inited", _check_versions)
    app.connect("html-page-context", _add_chart_assets)
    app.connect("build-finished", _copy_bundle)
    app.connect("build-finished", _stop_exporter)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
