"""What screen readers, keyboards and accessibility checkers (axe-core) need from the HTML book.

- Each chart (a Plotly ``<div>`` in a numbered figure) gets a name and a description: ``aria-label`` = the figure's
  caption, ``aria-describedby`` = the figure's "*Text alternative.*" paragraph. Its role is a group announced as a
  "chart", not an image: an image may not hold controls, and Plotly puts its mode bar's buttons inside the
  ``<div>``. A chart without a caption or without a text alternative stops the build, naming the page and line.
- Without JavaScript a chart cannot be drawn, so its data table (the dropdown in its figure) is written open, with a
  note saying why, and :data:`CLOSE_CHART_DATA` closes the dropdowns when scripts run: readers with scripts see
  the chart, readers without see its table, and the chart's empty box collapses.
- Bibliography entries are list items: docutils marks them ``role="doc-biblioentry"``, a role deprecated in
  DPUB-ARIA 1.1, which leaves the surrounding ``role="list"`` with no allowed children (axe: critical).
- A hidden code cell's toggle is named by its visible words ("Show code cell source"), not myst-nb's
  ``aria-label="Toggle hidden content"``, and two theme components (``templates/``) drop labels that hide their
  visible words: WCAG 2.5.3, Label in Name.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from docutils import nodes
from myst_nb.sphinx_ import HideCodeCellNode, depart_HideCellInput
from sphinx_design.dropdown import dropdown_main
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.writers.html5 import HTML5Translator

TEMPLATES = Path(__file__).parent / "templates"
TEXT_ALTERNATIVE = "Text alternative."
_CHART_DIV = re.compile(r'(<div id="(?P<id>chart-[0-9a-f]+)" class="plotly-graph-div")')
CHART_DATA_CLASS = "chart-data"
NO_SCRIPT_NOTE = (
    '<noscript><p class="chart-without-script">The chart needs JavaScript, which is off: its data are in the '
    'table below, and the caption\'s text alternative describes it.</p>'
    "<style>.plotly-chart > div[style] { height: auto !important; }</style></noscript>"
)
CLOSE_CHART_DATA = f"""document.addEventListener("DOMContentLoaded", function () {{
  document.querySelectorAll("details.{CHART_DATA_CLASS}[open]").forEach(function (d) {{ d.open = false; }});
}});"""

logger = logging.getLogger(__name__)


def name_charts(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    if app.builder.format != "html":
        return
    for raw in list(doctree.findall(nodes.raw)):
        if "plotly-chart" not in raw["classes"]:
            continue
        figure = next((node for node in _ancestors(raw) if isinstance(node, nodes.figure)), None)
        caption = figure.next_node(nodes.caption) if figure is not None else None
        alternative = _text_alternative(figure) if figure is not None else None
        if caption is None or alternative is None:
            logger.warning(f"a chart needs a figure with a caption and a '*{TEXT_ALTERNATIVE}*' paragraph, "
                           "which name and describe it to readers who cannot see it", location=raw)
            continue
        if not alternative["ids"]:
            alternative["ids"].append(f"{figure['ids'][0]}-text-alternative")
        attributes = (f' role="group" aria-roledescription="chart" aria-label="{html.escape(" ".join(caption.astext().split()))}"'
                      f' aria-describedby="{alternative["ids"][0]}"')
        text = _CHART_DIV.sub(lambda match: match.group(1) + attributes, raw.astext(), count=1)
        raw.replace(raw[0], nodes.Text(text + NO_SCRIPT_NOTE))
        for dropdown in figure.findall(dropdown_main):  # the chart's data: open until a script closes it
            dropdown["opened"] = True
            dropdown["classes"].append(CHART_DATA_CLASS)


def _ancestors(node: nodes.Node):
    while node.parent is not None:
        node = node.parent
        yield node


def _text_alternative(figure: nodes.figure) -> nodes.paragraph | None:
    for paragraph in figure.findall(nodes.paragraph):
        first = paragraph.children[0] if paragraph.children else None
        if isinstance(first, nodes.emphasis) and first.astext().strip() == TEXT_ALTERNATIVE:
            return paragraph
    return None


def visit_citation(self: HTML5Translator, node: nodes.citation) -> None:
    if not isinstance(node.previous_sibling(), type(node)):
        self.body.append('<div role="list" class="citation-list">\n')
    self.body.append(self.starttag(node, "div", classes=[node.tagname], role="listitem"))


def visit_hidden_cell(self: HTML5Translator, node: HideCodeCellNode) -> None:
    self.body.append(f'<details class="admonition hide {" ".join(node["classes"])}">\n<summary>\n')
    self.body.append(f'<p class="collapsed admonition-title">{html.escape(node["prompt_show"])}</p>\n')
    self.body.append(f'<p class="expanded admonition-title">{html.escape(node["prompt_hide"])}</p>\n')
    self.body.append("</summary>\n")


def _add_templates(app: Sphinx, config) -> None:
    config.templates_path.insert(0, str(TEMPLATES))  # before the theme's own components


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", _add_templates)
    app.add_js_file(None, body=CLOSE_CHART_DATA)
    app.connect("doctree-resolved", name_charts)
    app.add_node(nodes.citation, override=True, html=(visit_citation, HTML5Translator.depart_citation))
    app.add_node(HideCodeCellNode, override=True, html=(visit_hidden_cell, depart_HideCellInput))
    return {"parallel_read_safe": True, "parallel_write_safe": True}
