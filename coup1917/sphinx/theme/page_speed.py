"""A page that paints sooner on a phone (Lighthouse's mobile preset, issue 11): scripts deferred, only the style
sheets and scripts a page uses, and the theme's icon font (156 KB) cut to the icons the site uses. The theme's
search index and theme.css (which only imports basic.css: one more round trip) are left out by the templates.
"""

from __future__ import annotations

import re
from pathlib import Path

import pydata_sphinx_theme
from docutils import nodes
from fontTools import subset
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError

# Deferred scripts run once the page is parsed, and each waits for the document anyway, but for these:
# documentation_options.js, whose object an inline script of the page extends as it is read; textual-notes.js,
# which sets the reader's text (as printed or corrected) before the first paint, so it does not change under the
# reader's eyes; sphinx-book-theme.js, which must wait for DOMContentLoaded, after theme_scripts' stand-in sidebar
# exists (deferred, it starts before and throws on a page without sections).
KEEP_BLOCKING = {"documentation_options.js", "textual-notes.js", "sphinx-book-theme.js"}
ICON_FONT = Path("_static") / "vendor" / "fontawesome" / "webfonts" / "fa-solid-900.woff2"
THEME_STATIC = Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme" / "static"
# .fa-bars:before,.fa-navicon:before{content:"\f0c9"}
ICON_RULE = re.compile(r'([^{}]+)\{content:"\\(f[0-9a-f]{3,4})"\}')
ICON_NAME = re.compile(r"\bfa-[a-z0-9-]+")
PRIVATE_USE = re.compile("[\ue000-\uf8ff]")


def _name(asset) -> str:
    return str(asset.filename or "").split("?")[0].rsplit("/", 1)[-1]


def lighten_page(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Drop the assets Jupyter Book's extensions add to every page where the page does not use them, and defer its
    scripts, in place (Sphinx restores both lists after each page); Sphinx's own pages (search, index: no doctree)
    keep theirs, as their templates' scripts call doctools.js as they are read."""
    if doctree is None:
        return
    elements = list(doctree.findall(nodes.Element))
    code = any(isinstance(node, nodes.literal_block) for node in elements)
    toggle = any({"toggle", "dropdown"} & set(node.get("classes", [])) for node in elements)
    design = any(type(node).__module__.startswith("sphinx_design") for node in elements)
    thebe = bool((app.config.html_theme_options.get("launch_buttons") or {}).get("thebe"))
    uses = {"pygments.css": code, "copybutton.css": code, "copybutton.js": code, "clipboard.min.js": code,
            "togglebutton.css": toggle, "togglebutton.js": toggle, "sphinx-design.min.css": design,
            "design-tabs.js": design, "sphinx-thebe.css": thebe, "sphinx-thebe.js": thebe}
    for key in ("css_files", "script_files"):
        if context.get(key) is not None:
            context[key][:] = [asset for asset in context[key] if uses.get(_name(asset), True)]
    # New script entries, not the shared ones changed: Sphinx reuses them for every page, its own pages included.
    if context.get("script_files") is not None:
        context["script_files"][:] = [
            type(script)(script.filename, priority=script.priority, **script.attributes, defer="defer")
            if _name(script) and _name(script) not in KEEP_BLOCKING and not {"async", "defer"} & set(script.attributes)
            else script for script in context["script_files"]]


def subset_icon_font(app: Sphinx, exception: Exception | None) -> None:
    """Cut the site's copy of the icon font to the icons its pages and scripts name (``fa-bars``, ...) and those
    its style sheets draw themselves (private-use characters); each build cuts the theme's full font afresh."""
    out = Path(app.outdir)
    if exception is not None or app.builder.format != "html" or not (out / ICON_FONT).is_file():  # another theme
        return
    source = THEME_STATIC / ICON_FONT.relative_to("_static")
    if not source.is_file():
        raise ExtensionError(f"{source}: the theme's icon font is not where coup1917.sphinx.theme.page_speed looks "
                             "for it")
    styles = [path.read_text(encoding="utf-8") for path in (out / "_static").rglob("*.css")]
    named = set()
    for path in [*out.rglob("*.html"), *(out / "_static").rglob("*.js")]:
        if path.name != "fontawesome.js":  # the theme's icon script (left out of the pages) names every icon
            named |= set(ICON_NAME.findall(path.read_text(encoding="utf-8", errors="replace")))
    codepoints = {ord(character) for style in styles for character in PRIVATE_USE.findall(style)}
    codepoints |= {int(codepoint, 16) for style in styles for selectors, codepoint in ICON_RULE.findall(style)
                   if any(selector.strip().removesuffix(":before").removeprefix(".") in named
                          for selector in selectors.split(","))}
    subset.main([str(source), f"--output-file={out / ICON_FONT}", "--flavor=woff2", "--layout-features=*",
                 "--unicodes=" + ",".join(f"{codepoint:x}" for codepoint in sorted(codepoints))])


def setup(app: Sphinx) -> dict:
    # After every extension has added its scripts for the page (theme_scripts drops duplicates at 900).
    app.connect("html-page-context", lighten_page, priority=950)
    app.connect("build-finished", subset_icon_font)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
