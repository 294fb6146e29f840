"""Slips of the copy-text: marked in place, listed on the Textual notes page, switchable by the reader.

In a chapter, ``{sic}`as printed :: reading :: reason``` marks a slip. The words as printed stay in the reading
text as the author's (no editorial class), followed by a small marker; the reading and the reason are editorial:
in HTML they show on hover, in a margin note beside the block and, when the reader switches the text to
"corrected", in place of the printed words; in the PDF they become a footnote. A mark without its reading or its
reason stops the build with the file and line.

``{textual-notes}`` (a directive, on the Textual notes page) lists every mark of the book, collected in the build
environment as the chapters are read, so the list is never kept by hand.
"""

from __future__ import annotations

from docutils import nodes
from docutils.parsers.rst import Directive
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from coup1917.sphinx.apparatus import keep_per_page, per_page
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
    env: BuildEnvironment = inliner.document.settings.env
    mark_id = f"sic-{env.new_serialno('sic') + 1}"
    per_page(env, _ENV_KEY).setdefault(env.docname, []).append(
        {"docname": env.docname, "line": lineno, "id": mark_id, "printed": printed, "reading": reading,
         "reason": reason})
    mark = sic_mark(rawtext, "", ids=[mark_id], classes=["sic"], printed=printed, reading=reading, reason=reason)
    mark += nodes.inline(printed, printed, classes=["sic-printed"])
    mark += nodes.inline(reading, reading, classes=["sic-reading", EDITORIAL])
    mark += nodes.inline(_MARKER, _MARKER, classes=["sic-marker", EDITORIAL])
    return [mark], []


def _note_text(mark: sic_mark) -> str:
    reason = mark["reason"] if mark["reason"].endswith((".", "!", "?")) else mark["reason"] + "."
    return f"As printed: \u201c{mark['printed']}\u201d. Read \u201c{mark['reading']}\u201d: {reason}"


# --- In place -------------------------------------------------------------------------------------------------

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
    blocks: dict[int, tuple[nodes.Element, list[sic_mark]]] = {}
    for mark in doctree.findall(sic_mark):
        block = mark
        while not isinstance(block.parent, (nodes.section, nodes.document)):
            block = block.parent
        blocks.setdefault(id(block), (block, []))[1].append(mark)
    for block, marks in blocks.values():
        margin = nodes.sidebar("", classes=["margin", "sic-notes", EDITORIAL])
        for mark in marks:
            margin += nodes.paragraph("", "", nodes.strong("", "Textual note. "), nodes.Text(_note_text(mark)))
        only_html = addnodes.only(expr="html")
        only_html += margin
        block.parent.insert(block.parent.index(block), only_html)


# --- The Textual notes page ------------------------------------------------------------------------------------

class TextualNotesDirective(Directive):
    has_content = False

    def run(self):
        return [textual_notes_list("")]


def fill_textual_notes(app: Sphinx, doctree: nodes.document, fromdocname: str) -> None:
    marks = sorted((mark for page in per_page(app.env, _ENV_KEY).values() for mark in page),
                   key=lambda mark: (mark["docname"], mark["line"]))  # chapters are numbered
    for placeholder in doctree.findall(textual_notes_list):
        placeholder.replace_self(_table(app, fromdocname, marks))


def _table(app: Sphinx, fromdocname: str, marks: list[dict]) -> nodes.table:
    headings = ["Where", "As printed", "Reading", "Reason"]
    table = nodes.table(classes=["textual-notes"])
    group = nodes.tgroup(cols=len(headings))
    table += group
    group += [nodes.colspec(colwidth=width) for width in (25, 20, 20, 35)]
    group += nodes.thead("", _row([nodes.Text(heading) for heading in headings]))
    body = nodes.tbody()
    for mark in marks:
        where = f"{app.env.titles[mark['docname']].astext()}, source line {mark['line']}"
        if app.builder.format == "html":
            uri = app.builder.get_relative_uri(fromdocname, mark["docname"]) + "#" + mark["id"]
            location = nodes.reference("", where, refuri=uri, internal=True)
        else:
            location = nodes.Text(where)
        body += _row([location, nodes.Text(mark["printed"]), nodes.Text(mark["reading"]), nodes.Text(mark["reason"])])
    group += body
    return table


def _row(cells: list[nodes.Node]) -> nodes.row:
    row = nodes.row()
    for cell in cells:
        row += nodes.entry("", nodes.paragraph("", "", cell))
    return row


def setup(app: Sphinx) -> dict:
    app.add_node(sic_mark, html=(visit_sic_html, depart_sic_html), typst=(visit_sic_typst, None),
                 text=(visit_sic_text, None))
    app.add_node(textual_notes_list)
    app.add_role("sic", sic_role)
    app.add_directive("textual-notes", TextualNotesDirective)
    # Before coup1917.sphinx.apparatus.editorial (600) so that the margin notes are marked editorial with the rest.
    app.connect("doctree-read", add_margin_notes, priority=550)
    app.connect("doctree-resolved", fill_textual_notes)
    keep_per_page(app, _ENV_KEY)
    app.add_js_file("textual-notes.js")
    return {"parallel_read_safe": True, "parallel_write_safe": True, "env_version": 2}
