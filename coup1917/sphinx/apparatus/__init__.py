"""What the editors add around the author's words, and what its modules share: what each page adds to a collection
kept in the build environment, links that only the HTML follows, marks around matched words."""

import re
from typing import Callable

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment


def per_page(env: BuildEnvironment, name: str) -> dict:
    """What each page gave a collection kept in the environment (``env.<name>``): docname -> its part."""
    return vars(env).setdefault(name, {})


def keep_per_page(app: Sphinx, name: str) -> None:
    """A page's part dropped when the page is read again, the parts of pages read in parallel merged."""
    app.connect("env-purge-doc", lambda app, env, docname: per_page(env, name).pop(docname, None))
    app.connect("env-merge-info", lambda app, env, docnames, other: per_page(env, name).update(
        {docname: part for docname, part in per_page(other, name).items() if docname in docnames}))


def link(app: Sphinx, fromdocname: str, text: str, docname: str, anchor: str) -> nodes.Node:
    """A link in the HTML; the words alone in the PDF and the TEI."""
    if app.builder.format != "html":
        return nodes.Text(text)
    uri = app.builder.get_relative_uri(fromdocname, docname) + "#" + anchor
    return nodes.reference("", text, refuri=uri, internal=True)


def mark_matches(text: nodes.Text, pattern: re.Pattern, mark: Callable[[re.Match], nodes.Node]) -> list[re.Match]:
    """Split ``text`` around each match, ``mark(match)`` standing for it: the words themselves are never changed."""
    value, pieces, last = str(text), [], 0
    matches = list(pattern.finditer(value))
    for match in matches:
        pieces += [nodes.Text(value[last:match.start()]), mark(match)]
        last = match.end()
    if matches:
        pieces.append(nodes.Text(value[last:]))
        text.parent.replace(text, [piece for piece in pieces if isinstance(piece, nodes.Element) or piece.astext()])
    return matches
