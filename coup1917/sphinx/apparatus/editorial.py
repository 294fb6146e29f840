"""Give everything the editors add the CSS class ``editorial``.

The rule of the edition: the author's words are the copy-text and nothing else is. A page holds the author's words
only if its front matter says ``copy-text: true``; on any other page (front matter, apparatus) the whole content
is editorial. On a text page these are the editors': every section heading (the division into chapters is
editorial), margin notes, admonitions, footnotes and their markers, rubrics, figures, Jupyter cells and their
outputs, and any block written as ``:::{div} editorial``. The fidelity test reads the built HTML by the same rule,
so a word added without the mark is reported as an alteration of the text.
"""

from docutils import nodes
from sphinx.application import Sphinx

EDITORIAL = "editorial"
TEXT_PAGE_FLAG = "copy-text"

_EDITORIAL_NODE_TYPES = (
    nodes.sidebar,  # {margin} and {sidebar}
    nodes.Admonition,
    nodes.footnote,
    nodes.footnote_reference,
    nodes.rubric,
    nodes.figure,
)


def is_text_page(metadata: dict) -> bool:
    return str(metadata.get(TEXT_PAGE_FLAG, "")).lower() == "true"


def mark_editorial(app: Sphinx, doctree: nodes.document) -> None:
    if not is_text_page(app.env.metadata[app.env.docname]):
        for child in doctree.children:
            if isinstance(child, nodes.Element):
                child["classes"].append(EDITORIAL)
        return
    for node in list(doctree.findall(nodes.Element)):
        if _is_editorial(node) and EDITORIAL not in node["classes"]:
            node["classes"].append(EDITORIAL)
            if isinstance(node, nodes.title):
                _bracket(node)


def _bracket(title: nodes.title) -> None:
    """Wrap a heading's text so the stylesheet can set it in square brackets, the sign of supplied matter."""
    supplied = nodes.inline("", "", *title.children, classes=["edition-supplied"])
    title.children = []
    title += supplied


def _is_editorial(node: nodes.Element) -> bool:
    if isinstance(node, nodes.title):
        return isinstance(node.parent, nodes.section)
    if isinstance(node, nodes.container):
        return "cell" in node["classes"]  # a myst-nb code cell with its outputs
    return isinstance(node, _EDITORIAL_NODE_TYPES)


def setup(app: Sphinx) -> dict:
    # After the metadata collector (priority 500) has read the page's front matter.
    app.connect("doctree-read", mark_editorial, priority=600)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
