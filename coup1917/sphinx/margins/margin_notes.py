"""Margin notes on every screen, after Tufte CSS's sidenotes and margin notes.

Where the window has room, a margin note (the ``{margin}`` directive: a docutils ``sidebar`` with the class
``margin``) stands in the margin beside its paragraph (static/edition.css). On a phone there is no margin: each note
collapses to a small marker in the text that opens it inline, on tap and on keyboard focus. The marker is a
:class:`margin_note_toggle` node, inserted before each note by :class:`AddMarginNoteToggles` in the HTML book only
and written as a ``<button>`` that names the note it opens (``aria-controls``, ``aria-expanded``);
static/reading.js makes it work. Without scripts the markers are hidden and the notes shown inline: a
``<noscript>`` style in the page's head (templates/layout.html) says so, and the page paints only once, with no
note collapsing after the first paint.
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
    self.body.append('<span aria-hidden="true">⊕</span>')


def depart_toggle_html(self: HTML5Translator, node: margin_note_toggle) -> None:
    self.body.append("</button>")


def setup(app: Sphinx) -> dict:
    app.add_node(margin_note_toggle, html=(visit_toggle_html, depart_toggle_html))
    app.add_post_transform(AddMarginNoteToggles)
    app.add_js_file(SCRIPT, loading_method="defer")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
