"""Re-execute exactly the notebooks whose data or package code changed.

myst-nb's execution cache keys a notebook on its code cells alone, and Sphinx re-reads a page only when its own
file changes: after an edit to a CSV file the book would keep the charts and glued figures of the old data. This
extension finds each page's *execution inputs* by reading its code cells (:mod:`coup1917.book.inputs`): the CSV
files of the tables it loads, the descriptor that holds their schemas, and the modules of the edition's package it
imports, followed through their own imports, so that an edit to ``coup1917/audit.py`` re-executes the pages that
use it, and no other.

A digest of each input is recorded next to the jupyter-cache database (``execution-inputs.json``), because it
describes the cached outputs, not Sphinx's environment: a fresh environment over a kept cache stays correct. Pages
and inputs are named relative to the book, as jupyter-cache matches a notebook by its code, not its path: a copy of
the book given the cache (a clean build, a test's copy) executes nothing that did not change. When
a page's inputs differ from the recorded ones, the extension tells Sphinx to re-read the page and removes the
page's records from the cache first, so myst-nb executes it again; pages whose inputs did not change keep their
cached outputs.
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
    """The files the page's code reads or imports from the edition, by their path in the book (the package's
    parent folder), each with the sha256 of its content."""
    read = inputs.page_inputs(page)
    files = read.package_modules | inputs.table_files(read)
    return {Path(os.path.relpath(path, ROOT)).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(files)}


class _Recorded:
    """The inputs each cached notebook was executed with, by page (its source path in the book), beside the
    jupyter-cache database."""

    def __init__(self, app: Sphinx):
        self.cache_dir = Path(app.env.mystnb_config.execution_cache_path)
        self.file = self.cache_dir / RECORD_NAME
        self.inputs = json.loads(self.file.read_text(encoding="utf-8")) if self.file.exists() else {}

    def save(self) -> None:
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        self.file.write_text(json.dumps(self.inputs, indent=1, sort_keys=True), encoding="utf-8")


def _caching(app: Sphinx) -> bool:
    """Whether myst-nb is loaded and caches its executions (a plain Sphinx build of the tests has no myst-nb)."""
    config = getattr(app.env, "mystnb_config", None)
    return config is not None and config.execution_mode == "cache"


def _changed_inputs(env: BuildEnvironment, recorded: _Recorded, docname: str) -> dict[str, str] | None:
    """The page's current inputs if they differ from those its cached outputs were made with, else None."""
    current = execution_inputs(Path(env.doc2path(docname)))
    return None if recorded.inputs.get(_page(env, docname), {}) == current else current


def _page(env: BuildEnvironment, docname: str) -> str:
    return Path(env.doc2path(docname, False)).as_posix()


def _outdated(app: Sphinx, env: BuildEnvironment, added, changed, removed) -> list[str]:
    if not _caching(app):
        return []
    recorded = _Recorded(app)
    return [docname for docname in sorted(env.found_docs - added - changed)
            if _changed_inputs(env, recorded, docname) is not None]


def _invalidate(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    if not _caching(app):
        return
    recorded = _Recorded(app)
    cache = None
    for docname in docnames:
        current = _changed_inputs(env, recorded, docname)
        if current is None:
            continue
        source = str(env.doc2path(docname))
        previous = recorded.inputs.get(_page(env, docname), {})
        edited = sorted(Path(path).name for path in current.keys() | previous.keys()
                        if current.get(path) != previous.get(path))
        cache = cache or get_cache(recorded.cache_dir)
        stale = {record.pk for record in cache.list_cache_records() if record.uri == source}
        # A cache copied from another checkout holds the page's outputs under another path: match its code too.
        with suppress(KeyError):
            stale.add(cache.match_cache_notebook(jupytext.read(source, fmt="md:myst")).pk)
        for pk in stale:
            cache.remove_cache(pk)
        if stale:
            logger.info(f"{docname}: execution inputs changed ({', '.join(edited)}); it will be executed again")
        recorded.inputs[_page(env, docname)] = current
    pages = {_page(env, docname) for docname in env.found_docs}  # a page removed (or a record of an older form)
    recorded.inputs = {page: files for page, files in recorded.inputs.items() if page in pages}
    recorded.save()


def setup(app: Sphinx) -> dict:
    app.connect("env-get-outdated", _outdated)
    app.connect("env-before-read-docs", _invalidate)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
