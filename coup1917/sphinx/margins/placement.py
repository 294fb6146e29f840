"""Where a margin note (a ``sidebar`` of class ``margin``, written just before the text it comments on) stands: beside
that block, in the PDF's margin column (:mod:`coup1917.sphinx.editions.typst_writer`) or as a footnote of that
paragraph in the EPUB (:mod:`coup1917.sphinx.editions.epub`).
"""

from __future__ import annotations

from docutils import nodes

MARGIN_CLASS = "margin"

#: Blocks that cannot hold a note's anchor inside them: the note stands beside the whole block instead.
_BOXED = (nodes.table, nodes.figure, nodes.footnote, nodes.Admonition, nodes.sidebar, nodes.literal_block)


def is_margin(node: nodes.Node) -> bool:
    return isinstance(node, nodes.sidebar) and MARGIN_CLASS in node["classes"]


def block_of(margin: nodes.sidebar) -> nodes.Element | None:
    """The block after the note (another note or a target between them skipped), or None at the end of a section."""
    for sibling in margin.parent.children[margin.parent.index(margin) + 1:]:
        if is_margin(sibling) or isinstance(sibling, nodes.Invisible):
            continue
        return sibling if isinstance(sibling, nodes.Element) else None
    return None


def paragraph_of(margin: nodes.sidebar) -> nodes.paragraph | None:
    """The paragraph the note belongs to: its block, or a plain container's first paragraph; None before a table,
    figure or other box, which has no paragraph of its own to carry the note."""
    block = block_of(margin)
    if isinstance(block, nodes.paragraph):
        return block
    if isinstance(block, nodes.container) and not block.next_node(lambda node: isinstance(node, _BOXED)):
        return block.next_node(nodes.paragraph)
    return None
