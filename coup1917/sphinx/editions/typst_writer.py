"""The PDF edition's Typst source: a docutils translator over the joined book (the edition's own nodes register their
visitors with ``app.add_node(typst=...)``), calling ``typst/edition.typ`` and Typst's elements, which Typst tags.
The author's words are set in the serif, the rest in the sans-serif; a margin note stands beside its block in one
``noted`` row. Text has its ASCII punctuation escaped, so that nothing of the copy-text is read as markup."""

from __future__ import annotations

import re
from collections.abc import Iterable

from docutils import nodes
from sphinx import addnodes
from sphinx.util import logging

from coup1917.sphinx.charts.plotly_output import chart_alt_text, is_dropdown
from coup1917.sphinx.editions.whole_book import WholeBookTranslator, is_authorial, pages, within_page
from coup1917.sphinx.margins.placement import block_of, is_margin

logger = logging.getLogger(__name__)

_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
_LABEL_UNSAFE = re.compile(r"[^\w.:-]")
#: Typst's name for a column's alignment, from MyST's class on each cell of an aligned Markdown column.
_ALIGNMENTS = {"text-left": "left", "text-right": "right", "text-center": "center"}


def escape(text: str) -> str:
    """Text as Typst markup that reads as exactly that text: punctuation escaped, line breaks made spaces."""
    return _PUNCTUATION.sub(r"\\\1", text.replace("\n", " "))


def string(text: str) -> str:
    """A Typst string literal."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def label(docname: str, node_id: str = "") -> str:
    """The Typst label of a document (``node_id`` empty) or of an id in it: ids are unique per page only."""
    return _LABEL_UNSAFE.sub("-", docname.replace("/", ".") + (":" + node_id if node_id else ""))


class TypstTranslator(WholeBookTranslator):
    """Docutils nodes -> Typst markup in ``self.body``; a block's margin notes and a table's or figure's parts are
    written into buffers of their own (:meth:`written`)."""

    #: Table structure inside ``table(...)``: arguments, not markup, so never wrapped in a typeface.
    _STRUCTURAL = (nodes.tgroup, nodes.colspec, nodes.thead, nodes.tbody, nodes.row, nodes.entry)

    def __init__(self, document: nodes.document, builder) -> None:
        super().__init__(document, builder)
        self.body: list[str] = []
        self.fignumbers = builder.env.toc_fignumbers
        self._typefaces: list[bool] = [False]  # authorial? for each open node that changed the typeface
        self._switched: list[bool] = []  # for each node visited, whether it changed the typeface
        self._written_labels: set[str] = set()
        self._noted_count = 0
        self._in_noted_row = False  # writing the block of a noted row: the margin column is taken
        # the labels the book can have (each page's and each id's), and those a link leads to: only these are written
        self.targets = {label(builder.config.root_doc)}
        self.referenced = {label(*target) for target in builder.extra_targets}
        self.notes: dict[int, list[nodes.sidebar]] = {}  # by id() of a block, the margin notes beside it
        for note in document.findall(is_margin):
            if (block := block_of(note)) is not None:
                self.notes.setdefault(id(block), []).append(note)
        for docname, node in pages(document, builder.config.root_doc):
            self.targets.update([label(docname)] + [label(docname, node_id) for node_id in node.get("ids", [])])
            if isinstance(node, nodes.reference) and (target := self._target_of(node, docname)):
                self.referenced.add(target)

    def astext(self) -> str:
        return "".join(self.body)

    def dispatch_visit(self, node: nodes.Node) -> None:
        if is_margin(node) and block_of(node) is not None:
            raise nodes.SkipNode  # written with its block (visit of the block, below)
        notes = self.notes.pop(id(node), None)
        if notes:
            self._in_noted_row = True
            block = self.written([node])
            self._in_noted_row = False
            self._noted_row(block, notes)
            raise nodes.SkipNode
        switched = self._switch_typeface(node)
        self._write_labels(node)
        try:
            super().dispatch_visit(node)
        except nodes.SkipNode:
            if switched:
                self._close_typeface()
            raise
        self._switched.append(switched)

    def dispatch_departure(self, node: nodes.Node) -> None:
        super().dispatch_departure(node)
        if self._switched.pop():
            self._close_typeface()

    def _switch_typeface(self, node: nodes.Node) -> bool:
        if not isinstance(node, nodes.Element) or isinstance(node, self._STRUCTURAL + (nodes.section,)):
            return False
        authorial = is_authorial(node, self.text_page())
        if authorial == self._typefaces[-1]:
            return False
        self._typefaces.append(authorial)
        self.body.append("#authorial[" if authorial else "#editorial[")
        return True

    def _close_typeface(self) -> None:
        self._typefaces.pop()
        self.body.append("]")

    def _write_labels(self, node: nodes.Node) -> None:
        """A label for each id of the node that a link leads to (Typst refuses a label twice, or a link to none)."""
        if not isinstance(node, nodes.Element) or isinstance(node, self._STRUCTURAL):
            return
        for node_id in node.get("ids", []):
            name = label(self.docname, node_id)
            if name in self.referenced and name not in self._written_labels:
                self._written_labels.add(name)
                self.body.append(f"#metadata(none)<{name}>")

    @staticmethod
    def _target_of(node: nodes.reference, docname: str) -> str | None:
        """The label an internal reference leads to, or None for an address outside the book."""
        if node.get("refid"):
            return label(docname, node["refid"])
        uri = node.get("refuri", "")
        if uri.startswith("%"):  # the builder's target URI of a page (TypstPdfBuilder.get_target_uri)
            page, _, anchor = uri[1:].partition("#")
            return label(page, anchor)
        if uri.startswith("#"):
            return label(docname, uri[1:])
        return None

    def written(self, children: Iterable[nodes.Node]) -> str:
        """The markup of ``children``, written into a buffer of its own."""
        saved, self.body = self.body, []
        for child in children:
            child.walkabout(self)
        text, self.body = "".join(self.body), saved
        return text

    def _noted_row(self, block: str, notes: list[nodes.sidebar]) -> None:
        """The ``noted`` row: the block's markup beside its notes (the editors', in the sans-serif)."""
        self._noted_count += 1
        self._typefaces.append(False)
        written = self.written(child for note in notes for child in note.children
                               if not (isinstance(child, nodes.title) and not child.astext()))  # untitled {margin}
        self._typefaces.pop()
        self.body.append(f'\n#noted("noted-{self._noted_count}", [\n{block}\n], [\n{written}\n])\n\n')

    def visit_start_of_file(self, node: addnodes.start_of_file) -> None:
        super().visit_start_of_file(node)
        if label(node["docname"]) in self.referenced:
            self.body.append(f"\n#metadata(none)<{label(node['docname'])}>\n")

    def visit_title(self, node: nodes.title) -> None:
        if isinstance(node.parent, nodes.section):
            level = sum(isinstance(parent, nodes.section) for parent in within_page(node.parent))
            self.body.append(f"\n#heading(level: {min(level, 3)}, outlined: {str(level <= 2).lower()})[")
        elif isinstance(node.parent, (nodes.table, nodes.sidebar, nodes.topic, nodes.Admonition)):
            raise nodes.SkipNode  # written by the table or box itself
        else:
            self.body.append("#strong[")

    def visit_container(self, node: nodes.container) -> None:
        if "cell_input" in node["classes"]:
            raise nodes.SkipNode  # a cell's code: the HTML book hides it, the notebooks hold it
        if is_dropdown(node):  # a chart's data (an affordance of the HTML page): open, under its title
            title = node.next_node(nodes.rubric)
            heading = escape(title.astext() if title is not None else "") or "Details"
            self.body.append(f"\n#block(above: 0.8em, sticky: true)[#strong[{heading}]]\n")
            self.body.append(self.written(child for child in node.children if child is not title) + "\n")
            raise nodes.SkipNode

    def visit_literal_block(self, node: nodes.literal_block) -> None:
        self.body.append(f"\n#raw(block: true, {string(node.astext())})\n\n")
        raise nodes.SkipNode

    def visit_sidebar(self, node: nodes.sidebar) -> None:
        self._noted_row("", [node])  # a margin note with no block after it: beside nothing
        raise nodes.SkipNode

    def visit_Admonition(self, node: nodes.Element) -> None:  # note, tip, seealso...: by class
        title = node.next_node(nodes.title)
        heading = escape(title.astext()) if title is not None else escape(type(node).__name__.capitalize())
        self.body.append(f"\n#block(inset: 8pt, stroke: (left: 2pt + editorial-red), width: 100%)"
                         f"[#strong[{heading}]\n\n")

    def visit_table(self, node: nodes.table) -> None:
        group = node.next_node(nodes.tgroup)
        align = ", ".join(self._column_alignments(group))
        tracks = ", ".join(["auto"] * group["cols"])  # each column as wide as it needs: a party's name on one line
        cells = [f"table.header({self._cells(part)})," if isinstance(part, nodes.thead) else self._cells(part)
                 for part in group.children if isinstance(part, (nodes.thead, nodes.tbody))]
        table = f"table(columns: ({tracks},), align: ({align},),\n" + "\n".join(cells) + "\n)"
        caption = self._caption(node, "table", node.next_node(nodes.title))
        figure = f"#figure(kind: table, numbering: none, {table}{caption})"
        if not self._typefaces[-1]:  # the editors' tables (data, apparatus): smaller, wide where no note is beside
            figure = f"#text(size: 0.85em)[{figure}]"
            if not self._in_noted_row:
                figure = f"#wide[{figure}]"
        self.body.append(f"\n{figure}\n\n")
        raise nodes.SkipNode

    def _cells(self, part: nodes.Element) -> str:
        return "\n".join(", ".join(f"[{self.written(entry.children)}]" for entry in row.children) + ","
                         for row in part.children if isinstance(row, nodes.row))

    @staticmethod
    def _column_alignments(group: nodes.tgroup) -> list[str]:
        """A column whose cells all say right (or centre) is set so: the votes and percentages of Table 4.1."""
        columns: list[set[str]] = [set() for _ in range(group["cols"])]
        for row in group.findall(nodes.row):
            for column, entry in zip(columns, row.children):
                column.add(next((_ALIGNMENTS[c] for c in entry["classes"] if c in _ALIGNMENTS), "left"))
        return [column.pop() if len(column) == 1 else "left" for column in columns]

    def _caption(self, node: nodes.Element, kind: str, title: nodes.Element | None) -> str:
        """A table's or figure's caption: the editors' number, as Sphinx numbered it for the HTML ("Table 4.1: "),
        and its title."""
        if title is None:
            return ""
        numbers = self.fignumbers.get(self.docname, {}).get(kind, {})
        number = next((numbers[i] for i in node.get("ids", []) if i in numbers), None)
        prefix = "" if number is None else f"#editorial[{kind.capitalize()} {'.'.join(map(str, number))}: ]"
        return f", caption: [{prefix}{self.written(title.children)}]"

    def visit_figure(self, node: nodes.figure) -> None:
        caption = self._caption(node, "figure", node.next_node(nodes.caption))
        parts = [child for child in node.children if not isinstance(child, (nodes.caption, nodes.legend))]
        legend = [child for child in node.children if isinstance(child, nodes.legend)]
        self.body.append(f"\n#figure(kind: image, numbering: none, block[\n{self.written(parts)}\n]"
                         f"{caption})\n\n{self.written(legend)}\n")
        raise nodes.SkipNode

    def visit_image(self, node: nodes.image) -> None:
        uri = self.builder.images.get(node["candidates"].get("*", node["uri"]), node["uri"])
        alt = node.get("alt") or chart_alt_text(node)
        if alt is None:
            logger.warning("an image needs alt text (PDF/UA): give it :alt:, or a figure with a caption",
                           location=node)
            alt = ""
        self.body.append(f"#image({string(uri)}, alt: {string(alt)}, width: 100%)\n")
        raise nodes.SkipNode

    def visit_literal(self, node: nodes.Element) -> None:
        self.body.append(f"#raw({string(node.astext())})")
        raise nodes.SkipNode

    visit_download_reference = visit_literal  # a file the HTML page offers: its name (a PDF has no downloads)

    def visit_reference(self, node: nodes.reference) -> None:
        target = self._target_of(node, self.docname)
        if target is None:
            self.body.append(f"#link({string(node.get('refuri', ''))})[")
        elif target in self.targets:
            self.body.append(f"#link(<{target}>)[")
        else:
            logger.warning(f"the PDF has no target {target!r} for the link {node.astext()!r}", location=node)
            self.body.append("#[")

    visit_citation_reference = visit_reference

    def visit_citation(self, node: nodes.citation) -> None:
        label_node = node.next_node(nodes.label)
        lead = f"#strong[{escape(label_node.astext())}] " if label_node is not None else ""
        paragraphs = "".join(self.written(child.children) for child in node.children
                             if isinstance(child, nodes.paragraph))
        self.body.append(f"#par(hanging-indent: 1.5em)[{lead}{paragraphs}]\n\n")
        raise nodes.SkipNode

    def visit_raw(self, node: nodes.raw) -> None:
        if "typst" in node.get("format", "").split():
            self.body.append(node.astext())
        raise nodes.SkipNode

    # footnotes are written in place, where their reference stands (the sic marks' visitor)
    visit_footnote_reference = WholeBookTranslator._skip

    def unknown_visit(self, node: nodes.Node) -> None:
        markup = _markup(node)
        if markup is None:
            logger.warning(f"the PDF writer has no visitor for {type(node).__module__}.{type(node).__name__}",
                           location=node)
            raise nodes.SkipNode
        self.body.append(markup[0] if isinstance(markup[0], str) else markup[0](self, node))

    def unknown_departure(self, node: nodes.Node) -> None:
        self.body.append(_markup(node)[1])


def _markup(node: nodes.Node) -> tuple[str, str] | None:
    return next((_MARKUP[cls.__name__] for cls in type(node).__mro__ if cls.__name__ in _MARKUP), None)


#: The nodes written as their children between an opening (or a function of the translator and the node that
#: writes it) and a closing markup: class name -> (opening, closing).
_MARKUP = {
    "document": (lambda self, node: self.builder.preamble(), "\n"),
    "Text": (lambda self, node: escape(node.astext()), ""),
    "inline": (lambda self, node: "#supplied[" if "edition-supplied" in node["classes"] else "#[", "]"),
    "list_item": (lambda self, node: "#enum.item[" if isinstance(node.parent, nodes.enumerated_list) else "#list.item[",
                  "]\n"),
    "paragraph": ("#par[", "]\n\n"), "compact_paragraph": ("#par[", "]\n\n"),
    "block_quote": ("\n#quote(block: true)[", "]\n\n"),
    "bullet_list": ("\n", "\n"), "enumerated_list": ("\n", "\n"), "definition_list": ("\n", "\n"),
    "term": ("#block(above: 1em, below: 0.4em, sticky: true)[#strong[", "]]\n"),
    "definition": ("#pad(left: 1.2em)[", "]\n"),
    "rubric": ("\n#block(above: 1em)[#strong[", "]]\n"),
    "line_block": ("\n#block[", "]\n\n"), "line": ("", " \\\n"),
    "subtitle": ("#emph[", "]\n\n"), "transition": ("\n#line(length: 30%)\n\n", ""),
    "emphasis": ("#emph[", "]"), "strong": ("#strong[", "]"), "superscript": ("#super[", "]"),
    "subscript": ("#sub[", "]"),
    # only their children: sections (headings come from their titles), wrappers and targets
    **{name: ("", "") for name in ("section", "compound", "definition_list_item", "glossary", "legend", "target",
                                   "problematic")},
    # opened by their visitors above
    "title": ("", "]\n\n"), "container": ("", "\n"), "Admonition": ("", "]\n\n"), "reference": ("", "]"),
    "citation_reference": ("", "]"),
}
