"""Hover previews: a glossary term shows its definition, a citation its bibliography entry, a cross-reference the
first lines of its target, on hover and on keyboard focus (and on a tap: static/reading.js).

The previews are sphinx-tippy's (https://github.com/sphinx-extensions2/sphinx-tippy), set up for an edition that
works offline:

- tippy.js and Popper are served from the book's own ``_static`` (pinned in package.json, installed by ``npm ci``),
  not from unpkg.com, sphinx-tippy's default;
- its Wikipedia and DOI previews are off: they fetch from the network while the book builds;
- a citation's preview is its bibliography entry (``div.citation``, added to the elements a preview may show);
- each page's preview data, which sphinx-tippy names ``<page>.<uuid4>.js`` so that a new build never reuses a
  browser's cached copy, gets a name that does not change between two builds of one commit (the book is
  reproducible). sphinx-tippy 0.4.3 has no setting for that (its own TODO, pointing at
  https://github.com/sphinx-doc/sphinx/issues/11133), so :func:`_stable_script_names` replaces the module's
  ``uuid4`` with a digest of the pages' sources; a version other than 0.4.3 stops the build, to be checked.
"""

from __future__ import annotations

import hashlib
import shutil
import uuid
from pathlib import Path

import sphinx_tippy
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError

from coup1917 import ROOT

SPHINX_TIPPY_VERSION = "0.4.3"
#: The browser files, from node_modules (package.json pins them), as the book serves them from _static.
SCRIPTS = {
    "popper.min.js": ROOT / "node_modules" / "@popperjs" / "core" / "dist" / "umd" / "popper.min.js",
    "tippy-bundle.umd.min.js": ROOT / "node_modules" / "tippy.js" / "dist" / "tippy-bundle.umd.min.js",
}
SPHINX_TIPPY_CACHES = ("tippy_wiki_cache.json", "tippy_doi_cache.json", "tippy_rtd_cache.json")
#: sphinx-tippy's default elements, and the bibliography's entries.
TIP_SELECTOR = "figure, table, img, p, aside, div.admonition, div.literal-block-wrapper, div.citation"


def _configure(app: Sphinx, config) -> None:
    if sphinx_tippy.__version__ != SPHINX_TIPPY_VERSION:
        raise ExtensionError(f"coup1917.sphinx.apparatus.previews was written for sphinx-tippy {SPHINX_TIPPY_VERSION}, not "
                             f"{sphinx_tippy.__version__}: check how it names its per-page scripts, then update")
    for source in SCRIPTS.values():
        if not source.is_file():
            raise ExtensionError(f"{source} is missing: `make book` installs it with `npm ci` (package.json)")
    config.tippy_js = tuple(SCRIPTS)
    config.tippy_enable_wikitips = False
    config.tippy_enable_doitips = False
    config.tippy_tip_selector = TIP_SELECTOR
    config.tippy_props = {"placement": "auto-start", "maxWidth": 360, "interactive": True}


def _stable_script_names(app: Sphinx, env) -> None:
    """Name the scripts after a digest of the pages' sources: the same for two builds of one commit, new when a
    page changes."""
    digest = hashlib.sha256()
    for docname in sorted(env.found_docs):
        digest.update(docname.encode() + b"\0" + Path(env.doc2path(docname)).read_bytes())
    stamp = uuid.UUID(digest.hexdigest()[:32])
    sphinx_tippy.uuid4 = lambda: stamp


def _ordered_references(app: Sphinx, exception: Exception | None) -> None:
    """Sort each page's references before sphinx-tippy writes its preview script: it keeps them in sets, whose
    order changes from one Python process to the next (hash randomisation), and would write the same previews in
    another order in each build."""
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
