"""Set ``{margin}`` notes as real margin notes in the PDF, not as the inline boxes Sphinx draws by default.

A ``{margin}`` is a sidebar node with the class ``margin``. In LaTeX it becomes ``\\marginnote`` (package
marginnote) attached to the first line of the paragraph that follows it, since MyST authors put a margin note just
before the text it comments on. The outer margin is made wide enough for it in :mod:`coup1917.sphinx.pdf`. Other
sidebars keep Sphinx's rendering.
"""

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.writers.latex import LaTeXTranslator

MARGIN_CLASS = "margin"

#: The style of every margin note: small, editorial (sans-serif), ragged so that narrow lines need no hyphens.
PREAMBLE = r"""
\usepackage{marginnote}
\renewcommand*{\raggedrightmarginnote}{\raggedright}
\renewcommand*{\raggedleftmarginnote}{\raggedright}
\newcommand{\editionmarginstyle}{\footnotesize\sffamily\color{editorial}}
"""


def visit_sidebar(self: LaTeXTranslator, node: nodes.sidebar) -> None:
    if MARGIN_CLASS not in node["classes"]:
        LaTeXTranslator.visit_sidebar(self, node)
        return
    if isinstance(node[0], nodes.title) and not node[0].astext():
        node.remove(node[0])  # an untitled {margin} has an empty title, which would set an empty line
    # \leavevmode opens the next paragraph here, so the note sits beside its first line; no blank line follows.
    self.body.append("\n\n\\leavevmode\\marginnote{\\editionmarginstyle ")


def depart_sidebar(self: LaTeXTranslator, node: nodes.sidebar) -> None:
    if MARGIN_CLASS not in node["classes"]:
        LaTeXTranslator.depart_sidebar(self, node)
        return
    self.body.append("}%")  # "%": the paragraph that follows continues this one


def setup(app: Sphinx) -> dict:
    app.add_node(nodes.sidebar, override=True, latex=(visit_sidebar, depart_sidebar))
    return {"parallel_read_safe": True, "parallel_write_safe": True}
