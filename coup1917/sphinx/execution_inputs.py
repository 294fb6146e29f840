"""Re-execute exactly the notebooks whose data or package code changed.

myst-nb's execution cache keys a notebook on its code cells alone, and Sphinx re-reads a page only when its own
file changes: after an edit to a CSV file the book would keep the charts and glued figures of the old data. This
extension finds each page's *execution inputs* by reading its code cells (with ``ast``, never running them):

- the tables it loads, ``load_table("name")``, resolved to their CSV files through ``data/datapackage.json``
  (the descriptor is an input too, as it holds the schema);
- the modules of the edition's package it imports, followed through their own imports (and the tables they load),
  so that an edit to ``coup1917/audit.py`` re-executes the pages that use it, and no other.

A digest of each input is recorded next to the jupyter-cache database (``execution-inputs.json``), because it
describes the cached outputs, not Sphinx's environment: a fresh environment over a kept cache stays correct. When
a page's inputs differ from the recorded ones, the extension tells Sphinx to re-read the page and removes the
page's records from the cache first, so myst-nb executes it again; pages whose inputs did not change keep their
cached outputs.
"""

from __future__ import annotations

import ast
import hashlib
import importlib.util
import json
from contextlib import suppress
from pathlib import Path

import jupytext
from jupyter_cache import get_cache
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

from coup1917 import data

PACKAGE = "coup1917"
RECORD_NAME = "execution-inputs.json"
logger = logging.getLogger(__name__)


def execution_inputs(page: Path) -> dict[str, str]:
    """The files the page's code reads or imports from the edition, each with the sha256 of its content."""
    # Every .md page is read as a MyST notebook, as myst-nb reads it, whatever the detail of its jupytext header.
    notebook = jupytext.read(page, fmt="md:myst" if page.suffix == ".md" else None)
    trees = [_parse(cell.source, f"{page}, cell {index}")
             for index, cell in enumerate(notebook.cells) if cell.cell_type == "code"]
    files = _inputs_of(trees)
    return {str(path): hashlib.sha256(path.read_bytes()).hexdigest() for path in sorted(files)}


def _inputs_of(trees: list[ast.AST]) -> set[Path]:
    files: set[Path] = set()
    pending, seen = list(trees), set()
    while pending:
        tree = pending.pop()
        for table in _loaded_tables(tree):
            files |= {data.table_path(table), data.DESCRIPTOR}
        for module in _package_modules(tree) - seen:
            seen.add(module)
            path = Path(importlib.util.find_spec(module).origin)
            files.add(path)
            pending.append(_parse(path.read_text(encoding="utf-8"), str(path)))
    return files


def _parse(source: str, where: str) -> ast.AST:
    # IPython magics and shell escapes are not Python; they cannot load a table or import the package.
    lines = [line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))]
    try:
        return ast.parse("\n".join(lines))
    except SyntaxError as error:
        raise SyntaxError(f"{where}: cannot read the code to find its data inputs: {error}") from error


def _loaded_tables(tree: ast.AST) -> set[str]:
    return {node.args[0].value for node in ast.walk(tree)
            if isinstance(node, ast.Call) and _called_name(node.func) == "load_table"
            and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)}


def _called_name(function: ast.expr) -> str | None:
    return function.id if isinstance(function, ast.Name) else getattr(function, "attr", None)


def _package_modules(tree: ast.AST) -> set[str]:
    """``import coup1917.x``, ``from coup1917 import x`` and ``from coup1917.x import y``, as module names."""
    modules = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules |= {alias.name for alias in node.names if _in_package(alias.name)}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and _in_package(node.module or ""):
            modules.add(node.module)
            modules |= {f"{node.module}.{alias.name}" for alias in node.names
                        if _is_module(f"{node.module}.{alias.name}")}
    return modules


def _is_module(name: str) -> bool:
    """Whether ``from package import name`` names a module rather than a function or class."""
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:  # the parent is a module, not a package
        return False


def _in_package(module: str) -> bool:
    return module == PACKAGE or module.startswith(PACKAGE + ".")


class _Recorded:
    """The inputs each cached notebook was executed with, by source path, beside the jupyter-cache database."""

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
    source = str(env.doc2path(docname))
    current = execution_inputs(Path(source))
    return None if recorded.inputs.get(source, {}) == current else current


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
        previous = recorded.inputs.get(source, {})
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
        recorded.inputs[source] = current
    recorded.save()


def setup(app: Sphinx) -> dict:
    app.connect("env-get-outdated", _outdated)
    app.connect("env-before-read-docs", _invalidate)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
