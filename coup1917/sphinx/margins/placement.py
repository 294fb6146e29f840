"""Where a margin note stands: beside the block it is written before.

A ``{margin}`` is a docutils ``sidebar`` with the class ``margin``; MyST authors put it just before the text it
comments on. The editions that set notes apart from the text ask here which block a note belongs to: the PDF sets it
in the margin column beside that block (:mod:`coup1917.sphinx.editions.typst_writer`), the EPUB makes it a footnote
of that paragraph (:mod:`coup1917.sphinx.editions.epub`); a later writer (TEI) can anchor it the same way.
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
