"""A page that paints sooner on a phone (Lighthouse's mobile preset, issue 11).

Every extension's script loads ``defer``: fetched while the page is read and run, in order, once it is parsed,
instead of holding up the first paint. Each of these scripts waits for the document anyway (DOMContentLoaded or
``readyState``); three stay as they are: ``documentation_options.js``, whose object an inline script of the page
extends as it is read; the edition's ``textual-notes.js``, which sets the reader's text (as printed or corrected)
before the first paint so that the text does not change under the reader's eyes; and ``sphinx-book-theme.js``,
which must wait for DOMContentLoaded, after the stand-in sidebar of coup1917.sphinx.theme.theme_scripts exists (run
deferred, it starts before and throws on a page without sections).

A page loads only the style sheets and scripts it uses: the extensions Jupyter Book switches on add theirs to
every page, render-blocking style sheets included, whether or not the page has a code block (Pygments, the copy
button), a toggle, a sphinx-design component, or a Thebe launch button (the edition has none).

The theme's icon font (Font Awesome's solid face, 156 KB, which every page fetches for its header's icons while it
is first drawn) is cut down, once the site is written, to the icons the site uses: those its pages and scripts
name (``fa-bars``, ``fa-magnifying-glass``, ...) and those the style sheets draw themselves (the theme's
admonition and navigation icons, written as private-use characters). The full font stays in the theme's package;
each build cuts it afresh.

The theme's search index on every page is left out by templates/layout.html, and its style sheet theme.css, which
only imports Sphinx's basic.css (one more round trip before the first paint), is replaced by basic.css itself in
templates/static/webpack-macros.html.
"""

from __future__ import annotations

import re
from pathlib import Path

import pydata_sphinx_theme
from docutils import nodes
from fontTools import subset
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError

KEEP_BLOCKING = {"documentation_options.js", "textual-notes.js", "sphinx-book-theme.js"}
ICON_FONT = Path("_static") / "vendor" / "fontawesome" / "webfonts" / "fa-solid-900.woff2"
THEME_STATIC = Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme" / "static"
ICON_RULE = re.compile(r'([^{}]+)\{content:"\\(f[0-9a-f]{3,4})"\}')  # .fa-bars:before,.fa-navicon:before{content:"\f0c9"}
ICON_NAME = re.compile(r"\bfa-[a-z0-9-]+")
PRIVATE_USE = re.compile("[\ue000-\uf8ff]")


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


def subset_icon_font(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    out = Path(app.outdir)
    if not (out / ICON_FONT).is_file():  # a site without the theme's icons (another theme)
        return
    source = THEME_STATIC / ICON_FONT.relative_to("_static")
    if not source.is_file():
        raise ExtensionError(f"{source}: the theme's icon font is not where coup1917.sphinx.theme.page_speed looks for it")
    styles = [path.read_text(encoding="utf-8") for path in (out / "_static").rglob("*.css")]
    named = set()
    for path in [*out.rglob("*.html"), *(out / "_static").rglob("*.js")]:
        if path.name != "fontawesome.js":  # the theme's icon script (left out of the pages) names every icon
            named |= set(ICON_NAME.findall(path.read_text(encoding="utf-8", errors="replace")))
    codepoints = {ord(character) for style in styles for character in PRIVATE_USE.findall(style)}
    for style in styles:
        for selectors, codepoint in ICON_RULE.findall(style):
            if any(selector.strip().removesuffix(":before").removeprefix(".") in named
                   for selector in selectors.split(",")):
                codepoints.add(int(codepoint, 16))
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]
    font = subset.load_font(str(source), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(codepoints))
    subsetter.subset(font)
    subset.save_font(font, str(out / ICON_FONT), options)


def setup(app: Sphinx) -> dict:
    # After every extension has added its scripts for the page (theme_scripts drops duplicates at 900).
    app.connect("html-page-context", drop_unused_assets, priority=950)
    app.connect("html-page-context", defer_scripts, priority=950)
    app.connect("build-finished", subset_icon_font)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
