"""The TEI P5 edition (``make tei``): the text pages of the joined book as ``text/body`` of one ``<name>.xml``,
with the edition's record as ``teiHeader``, the register as ``standOff`` and the bibliography in ``text/back``. The
README's "The edition as data" describes the encoding; :mod:`coup1917.build.checks.tei_check` checks the file."""

from __future__ import annotations

from pathlib import Path

from docutils import nodes
from lxml import etree
from lxml.builder import ElementMaker
from sphinx import addnodes
from sphinx.application import Sphinx

from coup1917.book import edition_name
from coup1917.sphinx.apparatus.dates import EDITION_DATE, ESSAY_DATE
from coup1917.sphinx.apparatus.editorial import EDITORIAL
from coup1917.sphinx.apparatus.paragraphs import ANCHOR as PARAGRAPH_ANCHOR, offsets, paragraph_number
from coup1917.sphinx.apparatus.register import TYPES, register_mention, register_of
from coup1917.sphinx.apparatus.sic import sic_mark
from coup1917.sphinx.editions import add_output_priorities
from coup1917.sphinx.editions.metadata import edition_of
from coup1917.sphinx.editions.whole_book import WholeBookBuilder, WholeBookTranslator

TEI_NS = "http://www.tei-c.org/ns/1.0"
XML_NS = "{http://www.w3.org/XML/1998/namespace}"
XML_ID = XML_NS + "id"
E = ElementMaker(namespace=TEI_NS, nsmap={None: TEI_NS})
BIB_ID = "bib-{}"
#: Blocks of the author's words that are not paragraphs: written as ``ab`` lines.
LINES = {"original-title", "original-navigation"}
ENCODING = (
    "The author's words are transcribed from the copy-text word for word, slips included; every slip is a "
    "choice of sic (as printed) and corr (the editors' reading), with the reason in a textual note. The essay's "
    "paragraphs are numbered as in the HTML and PDF editions (p/@n). Headings are supplied by the editors "
    "(head type=\"editorial\"). Dates carry the New Style day in @when and, where Russians wrote the Old Style "
    "(Julian) one, that day in @when-custom. Persons, places and bodies are linked to the register in standOff "
    "by @ref. The editors' margin notes are notes with place=\"margin\" pointing to their paragraph. Charts are "
    "figures with their caption and text alternative; the code that computes them is in the notebooks.")
#: The register's list of each type of entry.
LISTS = {"person": "listPerson", "place": "listPlace", "org": "listOrg"}
#: The nodes written as one element around their content: class name -> the element's tag and attributes.
ELEMENTS = {"emphasis": ("hi", {"rend": "italic"}), "strong": ("hi", {"rend": "bold"}),
            "literal": ("hi", {"rend": "code"}), "table": ("table", {}), "entry": ("cell", {})}


def _tei(tag: str) -> str:
    return f"{{{TEI_NS}}}{tag}"


def sub(parent: etree._Element, tag: str, text: str | None = None, **attributes: str) -> etree._Element:
    element = etree.SubElement(parent, _tei(tag))
    for name, value in attributes.items():
        element.set(XML_ID if name == "xml_id" else name.replace("_", "-"), value)
    if text:
        element.text = text
    return element


def header(edition) -> etree._Element:
    date = edition.date.date().isoformat()
    return E.teiHeader(
        E.fileDesc(
            E.titleStmt(E.title(edition.title, type="main"), E.author(edition.author),
                        *(E.editor(editor) for editor in edition.editors)),
            E.editionStmt(E.edition(f"Version {edition.version}", E.date(date, when=date), n=edition.version)),
            E.publicationStmt(E.publisher(edition.publisher), E.date(date, when=date),
                              E.availability(E.licence(edition.rights, target=edition.license_url))),
            E.sourceDesc(E.bibl(E.title(edition.essay, level="a"), E.author(edition.author),
                                E.note(f"Author {edition.qualifier}: the copy-text names no author.",
                                       type="attribution"),
                                E.note(edition.source)))),
        E.encodingDesc(E.editorialDecl(E.p(ENCODING))),
        E.profileDesc(
            E.langUsage(E.language("English", ident=edition.language)),
            E.calendarDesc(E.calendar({XML_ID: "julian"},
                                      E.p("The Julian calendar (Old Style), kept in Russia until 31 January 1918.")))))


def register_entry(entry) -> etree._Element:
    """An entry of the register: its names, dates, authority identifiers and identification (with its source)."""
    name = getattr(E, TYPES[entry.type])
    element = E(entry.type, {XML_ID: entry.id}, name(entry.preferred_name, type="preferred"),
                *(name(form, type="variant") for form in dict.fromkeys(entry.name_forms + entry.variants)
                  if form != entry.preferred_name))
    if entry.type == "person":
        element.extend(E(tag, when=when) for tag, when in (("birth", entry.start), ("death", entry.end)) if when)
    for authority, value in entry.authorities.items():
        element.append(E.idno(value, type=authority, source=entry.authority_source))
    if entry.type == "org" and entry.dates:  # founded, dissolved
        span = {key: value for key, value in (("from", entry.start), ("to", entry.end)) if value}
        element.append(E.event(E.label(entry.dates), type="existence", **span))
    source = E.bibl(E.ptr(target="#" + BIB_ID.format(entry.source)))
    if entry.locator:
        source.append(E.citedRange(entry.locator))
    element.append(E.note(entry.identification + " ", source, type="identification"))
    return element


class TeiBuilder(WholeBookBuilder):
    name = "tei"
    format = "tei"
    epilog = "The TEI edition is in %(outdir)s."

    def get_target_uri(self, docname: str, typ: str | None = None) -> str:
        """Cross-references point into the HTML book, published beside the TEI file."""
        return f"{docname}.html"

    def write(self, *ignored) -> None:
        document = TeiTranslator(self.whole_book(), self).tei()
        target = Path(self.outdir) / edition_name(Path(self.srcdir), ".xml")
        target.parent.mkdir(parents=True, exist_ok=True)
        document.write(str(target), xml_declaration=True, encoding="utf-8", pretty_print=True)


class TeiTranslator(WholeBookTranslator):
    """Writes the text pages into ``text/body``. A visitor opens at most one element (``_open``) for its node's
    content; the node's departure closes it. Outside a text page (no element open) only pages are visited."""

    def __init__(self, document: nodes.document, builder: TeiBuilder):
        super().__init__(document, builder)
        self.offsets = offsets(self.env, builder.config.root_doc)
        self.citation_keys = {citation.citation_id: citation.key
                              for citation in self.env.get_domain("cite").citations}
        self.body = E.body()
        self.stack: list[etree._Element | None] = [None]
        self.depths: list[int] = []
        self.chapter = 0

    def tei(self) -> etree._ElementTree:
        edition = edition_of(self.builder.app)
        root = E.TEI({XML_NS + "lang": edition.language}, header(edition))
        entries = register_of(self.builder.app).values()
        if entries:
            root.append(E.standOff(*(E(tag, *map(register_entry, listed)) for kind, tag in LISTS.items()
                                     if (listed := [entry for entry in entries if entry.type == kind]))))
        self.document.walkabout(self)
        citations = sorted({citation.key: citation for citation in self.env.get_domain("cite").citations}.values(),
                           key=lambda citation: citation.formatted_entry.label.casefold())
        bibliography = E.listBibl(*(E.bibl(citation.formatted_entry.text.render_as("text"), {
            XML_ID: BIB_ID.format(citation.key), "n": citation.formatted_entry.label}) for citation in citations))
        root.append(E.text(self.body, E.back(E.div(bibliography, type="bibliography"))))
        return etree.ElementTree(root)

    @property
    def current(self) -> etree._Element | None:
        return self.stack[-1]

    def _open(self, tag: str, **attributes: str) -> None:
        self.stack.append(sub(self.current, tag, **attributes))

    def dispatch_visit(self, node: nodes.Node) -> None:
        depth = len(self.stack)
        if self.current is not None or isinstance(node, addnodes.start_of_file):
            super().dispatch_visit(node)
        elif node.next_node(addnodes.start_of_file) is None:
            raise nodes.SkipNode
        self.depths.append(depth)

    def dispatch_departure(self, node: nodes.Node) -> None:
        del self.stack[self.depths.pop():]
        super().dispatch_departure(node)

    def unknown_visit(self, node: nodes.Node) -> None:
        """A node of :data:`ELEMENTS` as its element; anything else without a TEI form of its own: its content in
        place, unless it is editorial matter, which becomes an editorial note (in a block) or is left out (inline)."""
        element = next((ELEMENTS[cls.__name__] for cls in type(node).__mro__ if cls.__name__ in ELEMENTS), None)
        if element:
            self._open(element[0], **element[1])
        elif isinstance(node, nodes.Element) and EDITORIAL in node["classes"]:
            if isinstance(node, nodes.Inline):
                raise nodes.SkipNode
            self._open("note", type="editorial", resp="#editors")

    def unknown_departure(self, node: nodes.Node) -> None:
        pass

    def visit_start_of_file(self, node: addnodes.start_of_file) -> None:
        super().visit_start_of_file(node)
        self.stack.append(self.body if self.text_page() else None)

    def visit_section(self, node: nodes.section) -> None:
        if self.current is self.body:
            self.chapter += 1
            self._open("div", type="chapter", n=str(self.chapter), xml_id=f"chapter-{self.chapter}")
        else:
            self._open("div", type="section")

    def visit_title(self, node: nodes.title) -> None:
        if isinstance(node.parent, nodes.sidebar):  # a margin note's (empty) title
            raise nodes.SkipNode
        # a section's heading is the editors'; a table's title is the author's words
        self._open("head", **({"type": "editorial"} if isinstance(node.parent, nodes.section) else {}))

    def visit_Text(self, node: nodes.Text) -> None:
        if len(self.current):
            self.current[-1].tail = (self.current[-1].tail or "") + node.astext()
        else:
            self.current.text = (self.current.text or "") + node.astext()

    def visit_paragraph(self, node: nodes.paragraph) -> None:
        if self.current.tag in (_tei("cell"), _tei("head")):
            return
        if self.current.tag == _tei("ab"):  # a line of the title or of the navigation
            if len(self.current) or self.current.text:
                sub(self.current, "lb")
            return
        number = next((child["number"] for child in node.children if isinstance(child, paragraph_number)), None)
        self._open("p", **({} if number is None else {"n": str(number), "xml_id": PARAGRAPH_ANCHOR.format(number)}))

    def visit_container(self, node: nodes.container) -> None:
        if "cell" in node["classes"]:  # a code cell and its outputs: the notebooks carry them
            raise nodes.SkipNode
        if set(node["classes"]) & LINES:
            self._open("ab", type=next(iter(set(node["classes"]) & LINES)))
        else:
            self.unknown_visit(node)

    def visit_sidebar(self, node: nodes.sidebar) -> None:
        attributes = {"place": "margin", "type": "editorial", "resp": "#editors"}
        if "paragraph_index" in node and self.docname in self.offsets and node["paragraph_index"]:
            number = self.offsets[self.docname] + node["paragraph_index"]
            attributes["target"] = "#" + PARAGRAPH_ANCHOR.format(number)
        self._open("note", **attributes)

    def visit_block_quote(self, node: nodes.block_quote) -> None:
        cited = [reference for reference in node.findall(nodes.reference) if "printed-citation" in reference["classes"]]
        key = self._citation_key(cited[0]) if cited else None
        self._open("quote", **({"source": "#" + BIB_ID.format(key)} if key else {}))

    def _citation_key(self, reference: nodes.reference) -> str | None:
        anchor = reference.get("refid") or reference.get("refuri", "").rpartition("#")[2]
        return self.citation_keys.get(anchor)

    def visit_reference(self, node: nodes.reference) -> None:
        key = self._citation_key(node)
        if key:
            self._open("ref", type="citation", target="#" + BIB_ID.format(key))
        elif node.get("refuri"):
            self._open("ref", target=node["refuri"])
        elif node.get("refid"):
            self._open("ref", target=f"{self.docname}.html#{node['refid']}")

    def visit_sic_mark(self, node: sic_mark) -> None:
        mark_id = f"chapter-{self.chapter}-{node['ids'][0]}"  # a page's marks are numbered within the page
        choice = sub(self.current, "choice", xml_id=mark_id)
        sub(choice, "sic", node["printed"])
        sub(choice, "corr", node["reading"], resp="#editors")
        sub(self.current, "note", node["reason"], type="textual", target="#" + mark_id, resp="#editors")
        raise nodes.SkipNode

    def visit_register_mention(self, node: register_mention) -> None:
        self._open(TYPES[register_of(self.builder.app)[node["ref"]].type], ref="#" + node["ref"])

    def visit_inline(self, node: nodes.inline) -> None:
        if {EDITION_DATE, ESSAY_DATE} & set(node["classes"]):  # the essay's dates; the editors' {oldstyle}, {date}
            attributes = {"when": node["when"]}
            if node.get("old_style"):
                attributes |= {"when_custom": node["old_style"], "datingMethod": "#julian"}
            self._open("date", **attributes)

    def visit_figure(self, node: nodes.figure) -> None:
        figure = sub(self.current, "figure", type="chart", resp="#editors")
        caption = next(node.findall(nodes.caption), None)
        if caption is not None:
            sub(figure, "head", caption.astext())
        legend = next(node.findall(nodes.legend), None)
        if legend is not None:
            sub(figure, "figDesc", " ".join(child.astext() for child in legend.children
                                           if isinstance(child, nodes.paragraph)))
        raise nodes.SkipNode

    def visit_row(self, node: nodes.row) -> None:
        self._open("row", **({"role": "label"} if isinstance(node.parent, nodes.thead) else {}))

    visit_literal_block = visit_raw = visit_image = visit_paragraph_number = WholeBookTranslator._skip


def _overrides(app: Sphinx, config) -> None:
    """myst-nb chooses each output by a priority list per builder: the TEI builder takes the LaTeX builder's
    (text rather than HTML), plus Plotly's own type (a chart node, written as a figure)."""
    from myst_nb.core.render import base_render_priority

    add_output_priorities(config, TeiBuilder.name, base_render_priority()["latex"].items())


def setup(app: Sphinx) -> dict:
    app.add_builder(TeiBuilder)
    app.connect("config-inited", _overrides)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
