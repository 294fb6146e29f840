"""Author-year citations (pybtex style ``edition_author_year``, :mod:`coup1917.book.citations`), and the essay's
own markers: ``{printed-cite}`(The Russian Revolution) <pipes1990>``` is sphinxcontrib-bibtex's ``cite:p`` (the
entry listed, an unknown key failing the build) shown in the printed words, which stay the author's."""

from docutils import nodes
from docutils.parsers.rst import roles
from pybtex.plugin import register_plugin
from sphinx.application import Sphinx
from sphinx.util.nodes import split_explicit_title

from coup1917.book.citations import STYLE_NAME, AuthorYearLabelStyle, AuthorYearSortingStyle, AuthorYearStyle


class printed_citation(nodes.inline):
    """The essay's citation marker, holding a ``cite:p`` reference until references are resolved."""


def printed_cite_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    has_key, printed, key = split_explicit_title(text)
    if not has_key:
        message = inliner.reporter.error(
            f"{{{name}}} {text!r} names no bibliography key: write {{{name}}}`printed words <key>`", line=lineno)
        return [inliner.problematic(rawtext, rawtext, message)], [message]
    cite, messages = roles.role("cite:p", inliner.language, lineno, inliner.reporter)
    cite_nodes, cite_messages = cite("cite:p", f"{{cite:p}}`{key}`", key, lineno, inliner, {}, [])
    return [printed_citation(rawtext, "", *cite_nodes, printed=printed)], messages + cite_messages


def show_printed_words(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    for marker in list(doctree.findall(printed_citation)):
        link = next(marker.findall(nodes.reference), None)
        if link is None:  # an unknown key: sphinxcontrib-bibtex has already reported it with file and line
            marker.replace_self(nodes.Text(marker["printed"]))
            continue
        attributes = {key: link[key] for key in ("refuri", "refid", "reftitle", "internal") if key in link}
        marker.replace_self(nodes.reference("", marker["printed"], classes=["printed-citation"], **attributes))


def setup(app: Sphinx) -> dict:
    register_plugin("pybtex.style.labels", STYLE_NAME, AuthorYearLabelStyle)
    register_plugin("pybtex.style.sorting", STYLE_NAME, AuthorYearSortingStyle)
    register_plugin("pybtex.style.formatting", STYLE_NAME, AuthorYearStyle)
    app.add_role("printed-cite", printed_cite_role)
    app.connect("doctree-resolved", show_printed_words)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
