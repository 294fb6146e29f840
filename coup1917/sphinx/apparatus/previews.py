"""Hover previews (sphinx-tippy) for an edition that works offline: tippy.js and Popper served from ``_static``
(package.json pins them), no Wikipedia or DOI previews (they fetch while the book builds), a citation previewing its
bibliography entry, and per-page scripts named the same in two builds of one commit (the book is reproducible)."""

import hashlib
import shutil
import uuid
from pathlib import Path

import sphinx_tippy
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError

from coup1917 import ROOT
from coup1917.sphinx.apparatus.paragraphs import PARAGRAPH_LINK

SPHINX_TIPPY_VERSION = "0.4.3"
#: The browser files, from node_modules (package.json pins them), as the book serves them from _static.
SCRIPTS = {
    "popper.min.js": ROOT / "node_modules" / "@popperjs" / "core" / "dist" / "umd" / "popper.min.js",
    "tippy-bundle.umd.min.js": ROOT / "node_modules" / "tippy.js" / "dist" / "tippy-bundle.umd.min.js",
}
SPHINX_TIPPY_CACHES = ("tippy_wiki_cache.json", "tippy_doi_cache.json", "tippy_rtd_cache.json")


def _configure(app: Sphinx, config) -> None:
    if sphinx_tippy.__version__ != SPHINX_TIPPY_VERSION:
        raise ExtensionError(f"coup1917.sphinx.apparatus.previews was written for sphinx-tippy {SPHINX_TIPPY_VERSION}, "
                             f"not {sphinx_tippy.__version__}: check how it names its per-page scripts, then update")
    for source in SCRIPTS.values():
        if not source.is_file():
            raise ExtensionError(f"{source} is missing: `make book` installs it with `npm ci` (package.json)")
    config.tippy_js = tuple(SCRIPTS)
    config.tippy_enable_wikitips = False
    config.tippy_enable_doitips = False
    # sphinx-tippy's default elements, and the bibliography's entries
    config.tippy_tip_selector = "figure, table, img, p, aside, div.admonition, div.literal-block-wrapper, div.citation"
    config.tippy_props = {"placement": "auto-start", "maxWidth": 360, "interactive": True}
    # A ¶ number's link, like a heading's, leads to where the reader is: its preview would be the paragraph itself,
    # and a keyboard user tabbing past it would land in the copy's links.
    config.tippy_skip_anchor_classes = (*config.tippy_skip_anchor_classes, PARAGRAPH_LINK)


def _stable_script_names(app: Sphinx, env) -> None:
    """sphinx-tippy names each page's script ``<page>.<uuid4>.js`` and 0.4.3 has no setting for it (its TODO, after
    https://github.com/sphinx-doc/sphinx/issues/11133): a digest of the pages' sources instead, new when one changes."""
    digest = hashlib.sha256()
    for docname in sorted(env.found_docs):
        digest.update(docname.encode() + b"\0" + Path(env.doc2path(docname)).read_bytes())
    stamp = uuid.UUID(digest.hexdigest()[:32])
    sphinx_tippy.uuid4 = lambda: stamp


def _ordered_references(app: Sphinx, exception: Exception | None) -> None:
    """sphinx-tippy keeps each page's references in sets, whose order changes from one process to the next (hash
    randomisation): sorted before it writes them, so that each build writes the same scripts."""
    for data in getattr(app.env, "tippy_data", {}).get("pages", {}).values():
        for key in ("refs_in_page", "custom_in_page", "wiki_titles", "dois", "rtd_urls"):
            if isinstance(data.get(key), set):
                data[key] = sorted(data[key], key=lambda item: tuple(part or "" for part in item)
                                   if isinstance(item, tuple) else item)


def _copy_scripts(app: Sphinx, exception: Exception | None) -> None:
    if exception is None and app.builder.format == "html":
        static = Path(app.outdir) / "_static"
        static.mkdir(parents=True, exist_ok=True)
        for name, source in SCRIPTS.items():
            shutil.copyfile(source, static / name)
        for cache in SPHINX_TIPPY_CACHES:  # what its network previews (off) would have fetched: nothing to publish
            (Path(app.outdir) / cache).unlink(missing_ok=True)


def setup(app: Sphinx) -> dict:
    app.setup_extension("sphinx_tippy")
    app.connect("config-inited", _configure)
    app.connect("env-updated", _stable_script_names)
    app.connect("build-finished", _ordered_references, priority=400)  # before sphinx-tippy writes (500)
    app.connect("build-finished", _copy_scripts)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
