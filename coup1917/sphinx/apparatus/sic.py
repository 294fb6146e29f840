"""Slips of the copy-text: ``{sic}`as printed :: reading :: reason``` keeps the printed words as the author's, with
a marker; the reading and reason are editorial (HTML: on hover, in a margin note, in place when the reader switches
to "corrected"; PDF: a footnote). ``{textual-notes}`` lists every mark of the book, collected as pages are read."""

from docutils import nodes
from docutils.parsers.rst import Directive
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.util.nodes import traverse_parent

from coup1917.sphinx.apparatus import keep_per_page, link, per_page
from coup1917.sphinx.apparatus.editorial import EDITORIAL
from coup1917.sphinx.editions.typst_writer import escape

SEPARATOR = "::"
_ENV_KEY = "edition_sic_marks"
_MARKER = "\u2020"  # a dagger: the visible sign that the words beside it are a slip, kept as printed


class sic_mark(nodes.inline):
    """The printed words of a slip, with the reading and the reason as attributes."""


class textual_notes_list(nodes.General, nodes.Element):
    """Where the Textual notes table goes; filled in once every chapter has been read."""


def sic_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    parts = [part.strip() for part in text.split(SEPARATOR)]
    if len(parts) != 3 or not all(parts):
        message = inliner.reporter.error(
            f"{{{name}}} mark {text!r} needs the words as printed, the reading and the reason: "
            f"write {{{name}}}`as printed {SEPARATOR} reading {SEPARATOR} reason`", line=lineno)
        return [inliner.problematic(rawtext, rawtext, message)], [message]
    printed, reading, reason = parts
    words = {"printed": printed, "reading": reading, "reason": reason}
    env = inliner.document.settings.env
    mark_id = f"sic-{env.new_serialno('sic') + 1}"
    per_page(env, _ENV_KEY).setdefault(env.docname, []).append({"docname": env.docname, "line": lineno,
                                                                 "id": mark_id, **words})
    mark = sic_mark(rawtext, "", ids=[mark_id], classes=["sic"], **words)
    mark += nodes.inline(printed, printed, classes=["sic-printed"])
    mark += nodes.inline(reading, reading, classes=["sic-reading", EDITORIAL])
    mark += nodes.inline(_MARKER, _MARKER, classes=["sic-marker", EDITORIAL])
    return [mark], []


def _note_text(mark: sic_mark) -> str:
    reason = mark["reason"] if mark["reason"].endswith((".", "!", "?")) else mark["reason"] + "."
    return f"As printed: \u201c{mark['printed']}\u201d. Read \u201c{mark['reading']}\u201d: {reason}"


def visit_sic_html(self, node: sic_mark) -> None:
    self.body.append(self.starttag(node, "span", "", title=_note_text(node)))


def depart_sic_html(self, node: sic_mark) -> None:
    self.body.append("</span>")


def visit_sic_typst(self, node: sic_mark) -> None:
    """The printed words, the author's, and a footnote with the reading and the reason, the editors'."""
    self.body.append(f"{escape(node['printed'])}#editorial[#footnote[{escape(_note_text(node))}]]")
    raise nodes.SkipNode


def visit_sic_text(self, node: sic_mark) -> None:
    self.add_text(f"{node['printed']} [{node['reading']}]")
    raise nodes.SkipNode


def add_margin_notes(app: Sphinx, doctree: nodes.document) -> None:
    """Put a margin note (HTML only) beside each block that holds marks: the reading and reason of each."""
    blocks: dict[nodes.Element, list[sic_mark]] = {}
    for mark in doctree.findall(sic_mark):
        block = next(node for node in traverse_parent(mark) if isinstance(node.parent, (nodes.section, nodes.document)))
        blocks.setdefault(block, []).append(mark)
    for block, marks in blocks.items():
        margin = nodes.sidebar("", *[nodes.paragraph("", "", nodes.strong("", "Textual note. "),
                                                     nodes.Text(_note_text(mark))) for mark in marks],
                               classes=["margin", "sic-notes", EDITORIAL])
        block.parent.insert(block.parent.index(block), addnodes.only("", margin, expr="html"))


class TextualNotesDirective(Directive):
    def run(self):
        return [textual_notes_list("")]


def fill_textual_notes(app: Sphinx, doctree: nodes.document, fromdocname: str) -> None:
    marks = sorted((mark for page in per_page(app.env, _ENV_KEY).values() for mark in page),
                   key=lambda mark: (mark["docname"], mark["line"]))  # chapters are numbered
    for placeholder in doctree.findall(textual_notes_list):
        body = nodes.tbody()
        for mark in marks:
            where = f"{app.env.titles[mark['docname']].astext()}, source line {mark['line']}"
            body += _row(link(app, fromdocname, where, mark["docname"], mark["id"]), mark["printed"], mark["reading"],
                         mark["reason"])
        group = nodes.tgroup("", *(nodes.colspec(colwidth=width) for width in (25, 20, 20, 35)), cols=4)
        group += [nodes.thead("", _row("Where", "As printed", "Reading", "Reason")), body]
        placeholder.replace_self(nodes.table("", group, classes=["textual-notes"]))


def _row(*cells: nodes.Node | str) -> nodes.row:
    return nodes.row("", *(nodes.entry("", nodes.paragraph("", "", nodes.Text(cell) if isinstance(cell, str) else cell))
                           for cell in cells))


def setup(app: Sphinx) -> dict:
    app.add_node(sic_mark, html=(visit_sic_html, depart_sic_html),
                 typst=(visit_sic_typst, None), text=(visit_sic_text, None))
    app.add_node(textual_notes_list)
    app.add_role("sic", sic_role)
    app.add_directive("textual-notes", TextualNotesDirective)
    # Before coup1917.sphinx.apparatus.editorial (600) so that the margin notes are marked editorial with the rest.
    app.connect("doctree-read", add_margin_notes, priority=550)
    app.connect("doctree-resolved", fill_textual_notes)
    keep_per_page(app, _ENV_KEY)
    app.add_js_file("textual-notes.js")
    return {"parallel_read_safe": True, "parallel_write_safe": True, "env_version": 2}
