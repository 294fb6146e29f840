"""What the two editions written whole (the PDF's Typst and the TEI) share: the pages joined in the order of the table
of contents into one resolved doctree, as Sphinx's LaTeX builder does, and a walk over it that knows each node's page
and leaves out what neither edition writes."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import takewhile

from docutils import nodes
from sphinx import addnodes
from sphinx.builders import Builder
from sphinx.util.console import darkgreen
from sphinx.util.docutils import SphinxTranslator
from sphinx.util.nodes import inline_all_toctrees, traverse_parent

from coup1917.sphinx.apparatus.editorial import EDITORIAL, is_text_page


class WholeBookBuilder(Builder):
    """A builder that writes the whole book at once, from :meth:`whole_book` (``write`` is the subclass's)."""

    def get_outdated_docs(self) -> str:
        return "all documents"

    def prepare_writing(self, docnames: set[str]) -> None:
        pass

    def whole_book(self) -> nodes.document:
        root = self.config.root_doc
        tree = inline_all_toctrees(self, set(), root, self.env.get_doctree(root), darkgreen, [root])
        tree["docname"] = root
        self.env.resolve_references(tree, root, self)
        return tree


def pages(document: nodes.document, root: str) -> Iterator[tuple[str, nodes.Element]]:
    """Every element of the joined book with the page it comes from (a page's children keep their parent, the page's
    own document: ``inline_all_toctrees`` moves them into ``start_of_file`` without re-parenting them)."""
    docnames = [root]

    def walk(node: nodes.Element):
        if isinstance(node, addnodes.start_of_file):
            docnames.append(node["docname"])
        yield docnames[-1], node
        for child in node.children:
            if isinstance(child, nodes.Element):
                yield from walk(child)
        if isinstance(node, addnodes.start_of_file):
            docnames.pop()

    return walk(document)


def within_page(node: nodes.Element) -> Iterator[nodes.Element]:
    """The node and its ancestors up to its page's ``start_of_file`` (or the document)."""
    return takewhile(lambda node: not isinstance(node, (nodes.document, addnodes.start_of_file)), traverse_parent(node))


def is_authorial(node: nodes.Element, text_page: bool) -> bool:
    """The author's words: on a text page, outside anything marked editorial."""
    return text_page and not any(EDITORIAL in node["classes"] for node in within_page(node))


class WholeBookTranslator(SphinxTranslator):
    """The walk over the joined book: the page of the node at hand, and the nodes no whole-book edition writes."""

    def __init__(self, document: nodes.document, builder: Builder) -> None:
        super().__init__(document, builder)
        self.env = builder.env
        self.docnames = [builder.config.root_doc]

    @property
    def docname(self) -> str:
        return self.docnames[-1]

    def text_page(self) -> bool:
        return is_text_page(self.env.metadata.get(self.docname, {}))

    def visit_start_of_file(self, node: addnodes.start_of_file) -> None:
        self.docnames.append(node["docname"])

    def depart_start_of_file(self, node: addnodes.start_of_file) -> None:
        self.docnames.pop()

    def _skip(self, node: nodes.Node) -> None:
        raise nodes.SkipNode

    visit_comment = visit_substitution_definition = visit_system_message = visit_meta = visit_index = _skip
    visit_toctree = visit_only = _skip
    visit_HiddenCellNode = _skip  # sphinx-jupyterbook-latex's cell that no builder renders
