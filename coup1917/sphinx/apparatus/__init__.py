"""What the editors add around the author's words: the editorial/authorial divide, slip marks, dual dates, citations,
paragraph numbers and hover previews."""

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment


def per_page(env: BuildEnvironment, name: str) -> dict:
    """What each page gave a collection kept in the environment (``env.<name>``): docname -> its part."""
    if not hasattr(env, name):
        setattr(env, name, {})
    return getattr(env, name)


def keep_per_page(app: Sphinx, name: str) -> None:
    """Keep the collection ``name`` right when a page is read again (its part dropped) or pages are read in
    parallel (the parts merged)."""
    app.connect("env-purge-doc", lambda app, env, docname: per_page(env, name).pop(docname, None))
    app.connect("env-merge-info", lambda app, env, docnames, other: per_page(env, name).update(
        {docname: part for docname, part in per_page(other, name).items() if docname in docnames}))
