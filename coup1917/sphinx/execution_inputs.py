"""Re-execute exactly the notebooks whose data or package code changed: myst-nb's cache keys a notebook on its code
cells alone, and Sphinx re-reads a page only when its own file changes. Each page's inputs (:mod:`coup1917.book.inputs`)
are recorded with their digests beside the jupyter-cache database, as they describe the cached outputs, named
relative to the book so that a copy given the cache (a clean build, a test's copy) executes nothing unchanged.
"""

from __future__ import annotations

import hashlib
import json
import os
from contextlib import suppress
from pathlib import Path

import jupytext
from jupyter_cache import get_cache
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

from coup1917 import ROOT
from coup1917.book import inputs

RECORD_NAME = "execution-inputs.json"
logger = logging.getLogger(__name__)


def execution_inputs(page: Path) -> dict[str, str]:
    """The files the page's code reads or imports from the edition, by path in the book, with their sha256."""
    read = inputs.page_inputs(page)
    files = read.package_modules | inputs.table_files(read)
    return {Path(os.path.relpath(path, ROOT)).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(files)}


def _record_file(app: Sphinx) -> Path | None:
    """None unless myst-nb is loaded and caches its executions (a plain Sphinx build of the tests has no myst-nb)."""
    config = getattr(app.env, "mystnb_config", None)
    if config is not None and config.execution_mode == "cache":
        return Path(config.execution_cache_path) / RECORD_NAME
    return None


def _changed(env: BuildEnvironment, recorded: dict, docnames) -> dict[str, dict[str, str]]:
    """The current inputs of the pages whose inputs differ from those their cached outputs were made with."""
    current = {docname: execution_inputs(Path(env.doc2path(docname))) for docname in sorted(docnames)}
    return {docname: files for docname, files in current.items() if recorded.get(_page(env, docname), {}) != files}


def _recorded(file: Path) -> dict[str, dict[str, str]]:
    return json.loads(file.read_text(encoding="utf-8")) if file.exists() else {}


def _page(env: BuildEnvironment, docname: str) -> str:
    return Path(env.doc2path(docname, False)).as_posix()


def _outdated(app: Sphinx, env: BuildEnvironment, added, changed, removed) -> list[str]:
    file = _record_file(app)
    return list(_changed(env, _recorded(file), env.found_docs - added - changed)) if file else []


def _invalidate(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """Removes a page's cached outputs when its inputs changed, so that myst-nb executes it again."""
    if not (file := _record_file(app)):
        return
    recorded, cache = _recorded(file), None
    for docname, current in _changed(env, recorded, docnames).items():
        previous = recorded.get(_page(env, docname), {})
        source = str(env.doc2path(docname))
        edited = sorted(Path(path).name for path in current.keys() | previous.keys()
                        if current.get(path) != previous.get(path))
        cache = cache or get_cache(file.parent)
        stale = {record.pk for record in cache.list_cache_records() if record.uri == source}
        # A cache copied from another checkout holds the page's outputs under another path: match its code too.
        with suppress(KeyError):
            stale.add(cache.match_cache_notebook(jupytext.read(source, fmt="md:myst")).pk)
        for pk in stale:
            cache.remove_cache(pk)
        if stale:
            logger.info(f"{docname}: execution inputs changed ({', '.join(edited)}); it will be executed again")
        recorded[_page(env, docname)] = current
    pages = {_page(env, docname) for docname in env.found_docs}  # a page removed (or a record of an older form)
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(json.dumps({page: files for page, files in recorded.items() if page in pages}, indent=1,
                               sort_keys=True), encoding="utf-8")


def setup(app: Sphinx) -> dict:
    app.connect("env-get-outdated", _outdated)
    app.connect("env-before-read-docs", _invalidate)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
