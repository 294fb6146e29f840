"""What screen readers and accessibility checkers need of the theme: bibliography entries as list items (docutils'
``role="doc-biblioentry"``, deprecated in DPUB-ARIA 1.1, leaves ``role="list"`` without allowed children), and
hidden code cells' toggles named by their visible words (WCAG 2.5.3) in ``<span>``s, not myst-nb's ``<p>``s, which
a ``<summary>`` may not hold (edition.css restates myst-nb's rules for them); templates/ fix two theme components.
"""

from __future__ import annotations

import html
from pathlib import Path

import pydata_sphinx_theme
from docutils import nodes
from myst_nb.sphinx_ import HideCodeCellNode, depart_HideCellInput
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.writers.html5 import HTML5Translator

TEMPLATES = Path(__file__).parents[1] / "templates"
# The templates are copies of this version's components, less the faults named in each; a new version may fix them
# or change the markup around them, so the build stops until the copies are checked against it.
THEME_VERSION = "0.17.1"


def visit_citation(self: HTML5Translator, node: nodes.citation) -> None:
    if not isinstance(node.previous_sibling(), type(node)):
        self.body.append('<div role="list" class="citation-list">\n')
    self.body.append(self.starttag(node, "div", classes=[node.tagname], role="listitem"))


def visit_hidden_cell(self: HTML5Translator, node: HideCodeCellNode) -> None:
    self.body.append(f'<details class="admonition hide {" ".join(node["classes"])}">\n<summary>\n')
    self.body.append(f'<span class="collapsed admonition-title">{html.escape(node["prompt_show"])}</span>\n')
    self.body.append(f'<span class="expanded admonition-title">{html.escape(node["prompt_hide"])}</span>\n')
    self.body.append("</summary>\n")


def _add_templates(app: Sphinx, config) -> None:
    if pydata_sphinx_theme.__version__ != THEME_VERSION:
        raise ExtensionError(f"{TEMPLATES} holds copies of pydata-sphinx-theme {THEME_VERSION}'s components, but "
                             f"{pydata_sphinx_theme.__version__} is installed: compare them with its own and update "
                             "THEME_VERSION in coup1917/sphinx/theme/accessibility.py")
    config.templates_path.insert(0, str(TEMPLATES))  # before the theme's own components


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", _add_templates)
    app.add_node(nodes.citation, override=True, html=(visit_citation, HTML5Translator.depart_citation))
    app.add_node(HideCodeCellNode, override=True, html=(visit_hidden_cell, depart_HideCellInput))
    return {"parallel_read_safe": True, "parallel_write_safe": True}
