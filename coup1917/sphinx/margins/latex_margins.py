"""Set ``{margin}`` notes as real margin notes in the PDF, not as the inline boxes Sphinx draws by default.

A ``{margin}`` is a sidebar node with the class ``margin``; MyST authors put it just before the text it comments
on. For LaTeX the note is moved to the start of the first paragraph after it and set there as a ``\\marginpar``,
so it stands beside that paragraph's first line (a note with no paragraph after it stays where it is). Several
notes before one paragraph stand beside the same line; the package marginfix stacks them down the margin without
overlap and carries what does not fit over to the next page. The outer margin is made wide enough in
:mod:`coup1917.sphinx.editions.pdf`. Other sidebars keep Sphinx's rendering.
"""

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.writers.latex import LaTeXTranslator

MARGIN_CLASS = "margin"

#: The style of every margin note: small, editorial (sans-serif, red), ragged so that narrow lines need no hyphens.
PREAMBLE = r"""
\usepackage{marginfix}
\setlength{\marginparpush}{7pt}
\newcommand{\editionmarginstyle}{\footnotesize\sffamily\raggedright\color{editorial}}
"""


_BOXED = (nodes.table, nodes.figure, nodes.footnote, nodes.Admonition, nodes.sidebar, nodes.literal_block)


def _is_boxed(node: nodes.Node) -> bool:
    return isinstance(node, _BOXED)


def is_margin(node: nodes.Node) -> bool:
    return isinstance(node, nodes.sidebar) and MARGIN_CLASS in node["classes"]


class AttachMarginsToParagraphs(SphinxPostTransform):
    """Move each margin note to the start of the first paragraph that follows it (LaTeX only)."""

    default_priority = 790  # before coup1917.sphinx.editions.pdf wraps the author's blocks
    formats = ("latex",)

    def run(self, **kwargs) -> None:
        for margin in list(self.document.findall(is_margin)):
            paragraph = self._next_paragraph(margin)
            if paragraph is None:
                continue
            margin.parent.remove(margin)
            paragraph.insert(sum(is_margin(child) for child in paragraph.children), margin)
            if isinstance(margin[0], nodes.title) and not margin[0].astext():
                margin.remove(margin[0])  # an untitled {margin} has an empty title, which would set an empty line

    @staticmethod
    def _next_paragraph(margin: nodes.sidebar) -> nodes.paragraph | None:
        siblings = margin.parent.children[margin.parent.index(margin) + 1:]
        for sibling in siblings:
            if is_margin(sibling) or isinstance(sibling, nodes.Invisible):  # another note, a target
                continue
            if isinstance(sibling, nodes.paragraph):
                return sibling
            # Into plain containers (a div) only: LaTeX allows no \marginpar in a table, figure, note or box.
            if isinstance(sibling, nodes.container) and not sibling.next_node(_is_boxed):
                return sibling.next_node(nodes.paragraph)
            return None
        return None


def visit_sidebar(self: LaTeXTranslator, node: nodes.sidebar) -> None:
    if is_margin(node):
        self.body.append(r"\marginpar{\editionmarginstyle ")
    else:
        LaTeXTranslator.visit_sidebar(self, node)


def depart_sidebar(self: LaTeXTranslator, node: nodes.sidebar) -> None:
    if is_margin(node):
        self.body.append("}")
    else:
        LaTeXTranslator.depart_sidebar(self, node)


def setup(app: Sphinx) -> dict:
    app.add_node(nodes.sidebar, override=True, latex=(visit_sidebar, depart_sidebar))
    app.add_post_transform(AttachMarginsToParagraphs)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
