"""The TEI P5 edition: a Sphinx builder and a docutils translator over the one resolved document tree.

``jupyter-book build --builder custom --custom-builder tei`` (``make tei``) reads the pages as every edition
does, joins them in the order of the table of contents (as the LaTeX builder does), resolves references, and
writes one file, ``<name>.xml``, with lxml:

- ``teiHeader``: title, the essay's author as the editors attribute it, the editors, version, publisher, date and
  licence from the one record (:mod:`coup1917.sphinx.editions.metadata`); ``sourceDesc`` names the essay and the
  copy-text; ``encodingDesc`` says how the edition is encoded; the Julian calendar is declared for
  ``@when-custom``.
- ``standOff``: the register (:mod:`coup1917.sphinx.apparatus.register`) as ``listPerson``, ``listPlace`` and
  ``listOrg``, each entry with its names, dates, identification (its source a pointer into the bibliography) and
  any authority identifier.
- ``text/body``: each text chapter a ``div``, its supplied heading ``head type="editorial"``; the essay's
  paragraphs ``<p n="5" xml:id="para-5">``; the title lines and the closing navigation ``ab``; slips
  ``choice/sic/corr`` with the reason as a textual note; the essay's dates and the editors' ``<date when="NS"
  when-custom="OS" datingMethod="#julian">``; names ``persName``/``placeName``/``orgName`` with ``@ref`` into
  the register; the editors' margin notes ``<note place="margin" target="#para-N">``; block quotations ``quote``
  with ``@source`` pointing to the work their printed marker cites; the essay's table a ``table``; charts a
  ``figure`` with its caption and text alternative. Code cells are left to the notebooks.
- ``text/back``: the bibliography, as the book formats it, a ``listBibl``.

Pages that are not text pages (the landing page, companions, apparatus) are not in the body: their substance is
the header, the register and the bibliography. The build validates the file against ``tei_all.rng`` and reads the
author's words back from it (:mod:`coup1917.build.checks.tei_check`).
"""

from __future__ import annotations

from pathlib import Path

from docutils import nodes
from lxml import etree
from sphinx import addnodes
from sphinx.application import Sphinx

from coup1917.sphinx.apparatus.dates import EDITION_DATE, ESSAY_DATE
from coup1917.sphinx.apparatus.editorial import EDITORIAL
from coup1917.sphinx.apparatus.paragraphs import ANCHOR as PARAGRAPH_ANCHOR, offsets, paragraph_number
from coup1917.sphinx.apparatus.register import TYPES, register_mention, register_of
from coup1917.sphinx.apparatus.sic import sic_mark
from coup1917.sphinx.editions import add_output_priorities
from coup1917.book import edition_name
from coup1917.sphinx.editions.metadata import edition_of
from coup1917.sphinx.editions.whole_book import WholeBookBuilder, WholeBookTranslator

TEI_NS = "http://www.tei-c.org/ns/1.0"
XML_NS = "http://www.w3.org/XML/1998/namespace"
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


def _tei(tag: str) -> str:
    return f"{{{TEI_NS}}}{tag}"


def _xml_id(value: str) -> str:
    return f"{{{XML_NS}}}{value}"


def _append_text(element: etree._Element, text: str) -> None:
    """Text at the end of ``element``: its own text if it has no children yet, else the last child's tail."""
    if len(element):
        element[-1].tail = (element[-1].tail or "") + text
    else:
        element.text = (element.text or "") + text


def sub(parent: etree._Element, tag: str, text: str | None = None, **attributes: str) -> etree._Element:
    element = etree.SubElement(parent, _tei(tag))
    for name, value in attributes.items():
        element.set(_xml_id("id") if name == "xml_id" else name.replace("_", "-"), value)
    if text:
        element.text = text
    return element


# --- The builder ----------------------------------------------------------------------------------------------

class TeiBuilder(WholeBookBuilder):
    name = "tei"
    format = "tei"
    epilog = "The TEI edition is in %(outdir)s."
    out_suffix = ".xml"
    supported_image_types: list[str] = []
    allow_parallel = False

    def get_target_uri(self, docname: str, typ: str | None = None) -> str:
        """Cross-references point into the HTML book, published beside the TEI file."""
        return f"{docname}.html"

    def write(self, *ignored) -> None:
        document = TeiTranslator(self.whole_book(), self).tei()
        target = Path(self.outdir) / edition_name(Path(self.srcdir), ".xml")
        target.parent.mkdir(parents=True, exist_ok=True)
        document.write(str(target), xml_declaration=True, encoding="utf-8", pretty_print=True)


# --- The translator -------------------------------------------------------------------------------------------

class TeiTranslator(WholeBookTranslator):
    """Writes the text pages of the joined tree into ``text/body``; everything else is skipped."""

    def __init__(self, document: nodes.document, builder: TeiBuilder):
        super().__init__(document, builder)
        self.offsets = offsets(self.env, builder.config.root_doc)
        self.citation_keys = {citation.citation_id: citation.key
                              for citation in self.env.get_domain("cite").citations}
        self.root = etree.Element(_tei("TEI"), nsmap={None: TEI_NS})
        self.root.set(_xml_id("lang"), edition_of(builder.app).language)
        self.stack: list[etree._Element | None] = []
        self.chapter = 0

    # the whole file

    def tei(self) -> etree._ElementTree:
        self._header()
        self._register()
        text = sub(self.root, "text")
        self.body = sub(text, "body")
        self.stack = [None]  # nothing is written until a text page starts
        self.document.walkabout(self)
        self._bibliography(sub(text, "back"))
        return etree.ElementTree(self.root)

    def _header(self) -> None:
        edition = edition_of(self.builder.app)
        date = edition.date.date().isoformat()
        header = sub(self.root, "teiHeader")
        file_description = sub(header, "fileDesc")
        statement = sub(file_description, "titleStmt")
        sub(statement, "title", edition.title, type="main")
        sub(statement, "author", edition.author)
        for editor in edition.editors:
            sub(statement, "editor", editor)
        edition_statement = sub(sub(file_description, "editionStmt"), "edition", f"Version {edition.version}",
                                n=edition.version)
        sub(edition_statement, "date", date, when=date)
        publication = sub(file_description, "publicationStmt")
        sub(publication, "publisher", edition.publisher)
        sub(publication, "date", date, when=date)
        sub(sub(publication, "availability"), "licence", edition.rights, target=edition.license_url)
        source = sub(sub(file_description, "sourceDesc"), "bibl")
        sub(source, "title", edition.essay, level="a")
        sub(source, "author", edition.author)
        sub(source, "note", f"Author {edition.qualifier}: the copy-text names no author.", type="attribution")
        sub(source, "note", edition.source)
        encoding = sub(header, "encodingDesc")
        sub(sub(encoding, "editorialDecl"), "p", ENCODING)
        profile = sub(header, "profileDesc")
        sub(sub(profile, "langUsage"), "language", "English", ident=edition.language)
        julian = sub(sub(profile, "calendarDesc"), "calendar", xml_id="julian")
        sub(julian, "p", "The Julian calendar (Old Style), kept in Russia until 31 January 1918.")

    def _register(self) -> None:
        entries = register_of(self.builder.app).values()
        if not entries:
            return
        stand_off = sub(self.root, "standOff")
        kinds = {"person": ("listPerson", "person", "birth", "death"), "place": ("listPlace", "place", None, None),
                 "org": ("listOrg", "org", None, None)}
        for kind, (list_tag, entry_tag, start_tag, end_tag) in kinds.items():
            listed = [entry for entry in entries if entry.type == kind]
            if not listed:
                continue
            register_list = sub(stand_off, list_tag)
            for entry in listed:
                element = sub(register_list, entry_tag, xml_id=entry.id)
                sub(element, TYPES[kind], entry.preferred_name, type="preferred")
                for form in dict.fromkeys(entry.name_forms + entry.variants):
                    if form != entry.preferred_name:
                        sub(element, TYPES[kind], form, type="variant")
                if start_tag and entry.start:
                    sub(element, start_tag, when=entry.start)
                if end_tag and entry.end:
                    sub(element, end_tag, when=entry.end)
                for name, value in entry.authorities.items():
                    sub(element, "idno", value, type=name, source=entry.authority_source)
                note = sub(element, "note", entry.identification + " ", type="identification")
                reference = sub(note, "bibl")
                sub(reference, "ptr", target="#" + BIB_ID.format(entry.source))
                if entry.locator:
                    sub(reference, "citedRange", entry.locator)
                if kind == "org" and entry.dates:  # founded, dissolved
                    event = etree.Element(_tei("event"), type="existence", attrib={
                        key: value for key, value in (("from", entry.start), ("to", entry.end)) if value})
                    sub(event, "label", entry.dates)
                    note.addprevious(event)

    def _bibliography(self, back: etree._Element) -> None:
        citations = sorted({citation.key: citation for citation in self.env.get_domain("cite").citations}.values(),
                           key=lambda citation: citation.formatted_entry.label.casefold())
        bibliography = sub(sub(back, "div", type="bibliography"), "listBibl")
        for citation in citations:
            sub(bibliography, "bibl", citation.formatted_entry.text.render_as("text"),
                xml_id=BIB_ID.format(citation.key), n=citation.formatted_entry.label)

    # where the translator writes

    @property
    def current(self) -> etree._Element | None:
        return self.stack[-1]

    def _open(self, tag: str, **attributes: str) -> None:
        self.stack.append(sub(self.current, tag, **attributes))

    def _close(self, node: nodes.Node = None) -> None:
        self.stack.pop()

    def _transparent(self, node: nodes.Node) -> None:
        pass

    def unknown_visit(self, node: nodes.Node) -> None:
        """Anything without a TEI form of its own: its content is written in place, unless it is editorial
        matter, which becomes an editorial note (in a block) or is left out (inline)."""
        if self.current is not None and isinstance(node, nodes.Element) and EDITORIAL in node["classes"]:
            if isinstance(node, nodes.Inline):
                raise nodes.SkipNode
            self._open("note", type="editorial", resp="#editors")
            node["tei_opened"] = True

    def unknown_departure(self, node: nodes.Node) -> None:
        if isinstance(node, nodes.Element) and node.get("tei_opened"):
            self._close()

    # the pages

    def visit_start_of_file(self, node: addnodes.start_of_file) -> None:
        super().visit_start_of_file(node)
        self.stack.append(self.body if self.text_page() else None)

    def depart_start_of_file(self, node: addnodes.start_of_file) -> None:
        super().depart_start_of_file(node)
        self.stack.pop()

    def visit_section(self, node: nodes.section) -> None:
        if self.current is None:
            return
        if self.current is self.body:
            self.chapter += 1
            self._open("div", type="chapter", n=str(self.chapter), xml_id=f"chapter-{self.chapter}")
        else:
            self._open("div", type="section")

    def depart_section(self, node: nodes.section) -> None:
        if self.current is not None:
            self._close()

    def visit_title(self, node: nodes.title) -> None:
        if self.current is None or isinstance(node.parent, nodes.sidebar):  # a margin note's (empty) title
            raise nodes.SkipNode
        if isinstance(node.parent, nodes.section):
            self._open("head", type="editorial")
        else:  # a table's title: the author's words
            self._open("head")

    depart_title = _close

    def visit_Text(self, node: nodes.Text) -> None:
        if self.current is not None:
            _append_text(self.current, node.astext())

    def depart_Text(self, node: nodes.Text) -> None:
        pass

    def visit_paragraph(self, node: nodes.paragraph) -> None:
        if self.current is None:
            raise nodes.SkipNode
        if self.current.tag in (_tei("cell"), _tei("head")):
            node["tei_in_line"] = True
            return
        if self.current.tag == _tei("ab"):  # a line of the title or of the navigation
            if len(self.current) or self.current.text:
                sub(self.current, "lb")
            node["tei_in_line"] = True
            return
        number = next((child["number"] for child in node.children if isinstance(child, paragraph_number)), None)
        if number is not None:
            self._open("p", n=str(number), xml_id=PARAGRAPH_ANCHOR.format(number))
        else:
            self._open("p")

    def depart_paragraph(self, node: nodes.paragraph) -> None:
        if not node.get("tei_in_line"):
            self._close()

    def visit_container(self, node: nodes.container) -> None:
        if self.current is None:
            return
        if "cell" in node["classes"]:  # a code cell and its outputs: the notebooks carry them
            raise nodes.SkipNode
        if set(node["classes"]) & LINES:
            self._open("ab", type=next(iter(set(node["classes"]) & LINES)))
            node["tei_opened"] = True
        else:
            self.unknown_visit(node)

    def depart_container(self, node: nodes.container) -> None:
        self.unknown_departure(node)

    def visit_sidebar(self, node: nodes.sidebar) -> None:
        if self.current is None:
            raise nodes.SkipNode
        attributes = {"place": "margin", "type": "editorial", "resp": "#editors"}
        if "paragraph_index" in node and self.docname in self.offsets and node["paragraph_index"]:
            number = self.offsets[self.docname] + node["paragraph_index"]
            attributes["target"] = "#" + PARAGRAPH_ANCHOR.format(number)
        self._open("note", **attributes)

    depart_sidebar = _close

    def visit_block_quote(self, node: nodes.block_quote) -> None:
        if self.current is None:
            return
        cited = [reference for reference in node.findall(nodes.reference) if "printed-citation" in reference["classes"]]
        key = self._citation_key(cited[0]) if cited else None
        self._open("quote", **({"source": "#" + BIB_ID.format(key)} if key else {}))

    def depart_block_quote(self, node: nodes.block_quote) -> None:
        if self.current is not None:
            self._close()

    def _citation_key(self, reference: nodes.reference) -> str | None:
        anchor = reference.get("refid") or reference.get("refuri", "").rpartition("#")[2]
        return self.citation_keys.get(anchor)

    def visit_reference(self, node: nodes.reference) -> None:
        if self.current is None:
            raise nodes.SkipNode
        key = self._citation_key(node)
        if key:
            self._open("ref", type="citation", target="#" + BIB_ID.format(key))
        elif node.get("refuri"):
            self._open("ref", target=node["refuri"])
        elif node.get("refid"):
            self._open("ref", target=f"{self.docname}.html#{node['refid']}")
        else:
            self.stack.append(self.current)

    depart_reference = _close

    def visit_sic_mark(self, node: sic_mark) -> None:
        if self.current is None:
            raise nodes.SkipNode
        mark_id = f"chapter-{self.chapter}-{node['ids'][0]}"  # a page's marks are numbered within the page
        choice = sub(self.current, "choice", xml_id=mark_id)
        sub(choice, "sic", node["printed"])
        sub(choice, "corr", node["reading"], resp="#editors")
        sub(self.current, "note", node["reason"], type="textual", target="#" + mark_id, resp="#editors")
        raise nodes.SkipNode

    def visit_register_mention(self, node: register_mention) -> None:
        kind = register_of(self.builder.app)[node["ref"]].type
        self._open(TYPES[kind], ref="#" + node["ref"])

    depart_register_mention = _close

    def visit_inline(self, node: nodes.inline) -> None:
        if self.current is None:
            return
        if {EDITION_DATE, ESSAY_DATE} & set(node["classes"]):  # the essay's dates; the editors' {oldstyle}, {date}
            attributes = {"when": node["when"]}
            if node.get("old_style"):
                attributes |= {"when_custom": node["old_style"], "datingMethod": "#julian"}
            self._open("date", **attributes)
            node["tei_opened"] = True

    def depart_inline(self, node: nodes.inline) -> None:
        if node.get("tei_opened"):
            self._close()

    def visit_paragraph_number(self, node: paragraph_number) -> None:
        raise nodes.SkipNode

    def _hi(rend: str):
        def visit(self, node: nodes.Element) -> None:
            if self.current is None:
                raise nodes.SkipNode
            self._open("hi", rend=rend)
        return visit

    visit_emphasis, depart_emphasis = _hi("italic"), _close
    visit_strong, depart_strong = _hi("bold"), _close
    visit_literal, depart_literal = _hi("code"), _close
    del _hi

    def visit_figure(self, node: nodes.figure) -> None:
        if self.current is None:
            raise nodes.SkipNode
        figure = sub(self.current, "figure", type="chart", resp="#editors")
        caption = next(node.findall(nodes.caption), None)
        if caption is not None:
            sub(figure, "head", caption.astext())
        legend = next(node.findall(nodes.legend), None)
        if legend is not None:
            description = " ".join(child.astext() for child in legend.children
                                   if isinstance(child, nodes.paragraph))
            sub(figure, "figDesc", description)
        raise nodes.SkipNode

    def visit_table(self, node: nodes.table) -> None:
        if self.current is None:
            raise nodes.SkipNode
        self._open("table")

    depart_table = _close

    def visit_row(self, node: nodes.row) -> None:
        self._open("row", **({"role": "label"} if isinstance(node.parent, nodes.thead) else {}))

    depart_row = _close

    def visit_entry(self, node: nodes.entry) -> None:
        self._open("cell")

    depart_entry = _close

    visit_literal_block = visit_raw = visit_image = WholeBookTranslator._skip

    # structure that TEI's table, div and p already express: the content is written in place
    visit_document = depart_document = visit_tgroup = depart_tgroup = visit_colspec = depart_colspec = _transparent
    visit_thead = depart_thead = visit_tbody = depart_tbody = visit_compound = depart_compound = _transparent
    visit_target = depart_target = _transparent


def _overrides(app: Sphinx, config) -> None:
    """myst-nb chooses each output by a priority list per builder: the TEI builder takes the LaTeX builder's
    (text rather than HTML), plus Plotly's own type (a chart node, written as a figure)."""
    from myst_nb.core.render import base_render_priority

    add_output_priorities(config, TeiBuilder.name, base_render_priority()["latex"].items())


def setup(app: Sphinx) -> dict:
    app.add_builder(TeiBuilder)
    app.connect("config-inited", _overrides)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
