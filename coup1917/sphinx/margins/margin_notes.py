"""Margin notes on every screen, after Tufte CSS: beside their paragraph where the window has room (edition.css); on
a phone, behind a :class:`margin_note_toggle` marker (a ``<button>`` that ``static/reading.js`` makes open the note
inline). Without scripts the markers are hidden and the notes shown inline (a ``<noscript>`` style, layout.html).
"""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.writers.html5 import HTML5Translator

from coup1917.sphinx.apparatus.editorial import EDITORIAL
from coup1917.sphinx.margins.placement import is_margin

SCRIPT = "reading.js"  # also the previews' touch behaviour and keyboard stops of scroll boxes
TOGGLE_CLASS = "margin-note-toggle"


class margin_note_toggle(nodes.Element, nodes.General):
    """The marker that opens a collapsed margin note: ``note`` is the note's id, ``number`` its place on the page."""


class AddMarginNoteToggles(SphinxPostTransform):
    """Give every margin note an id and put its marker just before it: in the HTML book only (the PDF has a real
    margin, the EPUB makes the notes footnotes: coup1917.sphinx.editions.epub)."""

    default_priority = 400
    builders = ("html", "dirhtml", "singlehtml")

    def run(self, **kwargs) -> None:
        for number, note in enumerate(list(self.document.findall(is_margin)), start=1):
            if not note["ids"]:
                note_id = f"margin-note-{number}"
                while note_id in self.document.ids:
                    note_id += "-"
                note["ids"].append(note_id)
                self.document.ids[note_id] = note
            note.parent.insert(note.parent.index(note),
                               margin_note_toggle(note=note["ids"][0], number=number,
                                                  classes=[TOGGLE_CLASS, EDITORIAL]))


def visit_toggle_html(self: HTML5Translator, node: margin_note_toggle) -> None:
    self.body.append(self.starttag(node, "button", type="button", **{
        "aria-controls": node["note"], "aria-expanded": "false",
        "aria-label": f"Editorial note {node['number']}", "data-note-number": str(node["number"])}))
    self.body.append('<span aria-hidden="true">⊕</span></button>')
    raise nodes.SkipNode


def setup(app: Sphinx) -> dict:
    app.add_node(margin_note_toggle, html=(visit_toggle_html, None))
    app.add_post_transform(AddMarginNoteToggles)
    app.add_js_file(SCRIPT, loading_method="defer")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
