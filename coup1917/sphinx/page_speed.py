"""A page that paints sooner on a phone (Lighthouse's mobile preset, issue 11).

Every extension's script loads ``defer``: fetched while the page is read and run, in order, once it is parsed,
instead of holding up the first paint. Each of these scripts waits for the document anyway (DOMContentLoaded or
``readyState``); three stay as they are: ``documentation_options.js``, whose object an inline script of the page
extends as it is read; the edition's ``textual-notes.js``, which sets the reader's text (as printed or corrected)
before the first paint so that the text does not change under the reader's eyes; and ``sphinx-book-theme.js``,
which must wait for DOMContentLoaded, after the stand-in sidebar of coup1917.sphinx.theme_scripts exists (run
deferred, it starts before and throws on a page without sections).

A page loads only the style sheets and scripts it uses: the extensions Jupyter Book switches on add theirs to
every page, render-blocking style sheets included, whether or not the page has a code block (Pygments, the copy
button), a toggle, a sphinx-design component, or a Thebe launch button (the edition has none).

The theme's search index on every page is left out by templates/layout.html, and its style sheet theme.css, which
only imports Sphinx's basic.css (one more round trip before the first paint), is replaced by basic.css itself in
templates/static/webpack-macros.html.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx

KEEP_BLOCKING = {"documentation_options.js", "textual-notes.js", "sphinx-book-theme.js"}


def defer_scripts(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if doctree is None:  # Sphinx's own pages (search, index): their templates' scripts call doctools.js as read
        return
    scripts = context.get("script_files")
    if scripts is None:
        return
    # New script entries, not the shared ones changed: Sphinx reuses them for every page, its own pages included.
    scripts[:] = [type(script)(script.filename, priority=script.priority, **script.attributes, defer="defer")
                  if _name(script) and _name(script) not in KEEP_BLOCKING
                  and not {"async", "defer"} & set(script.attributes) else script
                  for script in scripts]


def _uses(doctree: nodes.document, app: Sphinx) -> dict[str, bool]:
    """What on the page needs each optional asset."""
    elements = list(doctree.findall(nodes.Element))
    code = any(isinstance(node, nodes.literal_block) for node in elements)
    toggle = any({"toggle", "dropdown"} & set(node.get("classes", [])) for node in elements)
    design = any(type(node).__module__.startswith("sphinx_design") for node in elements)
    thebe = bool((app.config.html_theme_options.get("launch_buttons") or {}).get("thebe"))
    return {"pygments.css": code, "copybutton.css": code, "copybutton.js": code, "clipboard.min.js": code,
            "togglebutton.css": toggle, "togglebutton.js": toggle,
            "sphinx-design.min.css": design, "design-tabs.js": design,
            "sphinx-thebe.css": thebe, "sphinx-thebe.js": thebe}


def _name(asset) -> str:
    return str(asset.filename or "").split("?")[0].rsplit("/", 1)[-1]


def drop_unused_assets(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if doctree is None:  # the search page and the index: Sphinx's own pages keep everything
        return
    uses = _uses(doctree, app)
    for key in ("css_files", "script_files"):
        assets = context.get(key)
        if assets is not None:  # in place: Sphinx restores both lists after each page
            assets[:] = [asset for asset in assets if uses.get(_name(asset), True)]


def setup(app: Sphinx) -> dict:
    # After every extension has added its scripts for the page (theme_scripts drops duplicates at 900).
    app.connect("html-page-context", drop_unused_assets, priority=950)
    app.connect("html-page-context", defer_scripts, priority=950)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
