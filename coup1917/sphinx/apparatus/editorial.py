"""Give everything the editors add the CSS class ``editorial``: a whole page unless its front matter says
``copy-text: true``; on such a page its section headings, notes, admonitions, footnotes, rubrics, figures, code cells
and ``:::{div} editorial`` blocks. The fidelity test reads the HTML by the same rule."""

from docutils import nodes
from sphinx.application import Sphinx

EDITORIAL = "editorial"
TEXT_PAGE_FLAG = "copy-text"
#: {margin} and {sidebar}, admonitions, footnotes and their markers, rubrics, figures.
_EDITORIAL_NODE_TYPES = (nodes.sidebar, nodes.Admonition, nodes.footnote, nodes.footnote_reference, nodes.rubric,
                         nodes.figure)


def is_text_page(metadata: dict) -> bool:
    return str(metadata.get(TEXT_PAGE_FLAG, "")).lower() == "true"


def mark_editorial(app: Sphinx, doctree: nodes.document) -> None:
    if not is_text_page(app.env.metadata[app.env.docname]):
        for child in doctree.children:
            if isinstance(child, nodes.Element):
                child["classes"].append(EDITORIAL)
        return
    for node in list(doctree.findall(_is_editorial)):
        if EDITORIAL not in node["classes"]:
            node["classes"].append(EDITORIAL)
            if isinstance(node, nodes.title):  # a span the stylesheet sets in square brackets: supplied matter
                node[:] = [nodes.inline("", "", *node.children, classes=["edition-supplied"])]


def _is_editorial(node: nodes.Node) -> bool:
    if isinstance(node, nodes.title):
        return isinstance(node.parent, nodes.section)
    if isinstance(node, nodes.container):
        return "cell" in node["classes"]  # a myst-nb code cell with its outputs
    return isinstance(node, _EDITORIAL_NODE_TYPES)


def setup(app: Sphinx) -> dict:
    # After the metadata collector (priority 500) has read the page's front matter.
    app.connect("doctree-read", mark_editorial, priority=600)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
