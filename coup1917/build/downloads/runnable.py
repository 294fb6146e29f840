"""The runnable downloads: each chapter, and the whole book, as a zip that runs without this repository.

A chapter's zip holds one folder, named after the chapter, with

- the executed notebook, its Markdown made plain by :mod:`coup1917.build.downloads.portable` and a first cell saying how to run it;
- ``data/``: the tables the notebook loads and a ``datapackage.json`` describing exactly those;
- the edition's package as a wheel with all its data inside (``coup1917/edition-data``, where
  :data:`coup1917.DATA_DIR` finds it once installed), built by pip from the pinned setuptools, reproducibly;
- ``requirements.txt``: the wheel, and every public package the notebook's code needs, pinned as
  ``requirements.lock`` pins it: the distributions its cells and the package modules they use import (read with
  ``ast``, as :mod:`coup1917.sphinx.execution_inputs` reads them), and everything those require.

The whole book's zip holds every notebook in one folder with the union of the data and requirements. Archives
and wheel are reproducible: entries sorted, timestamps fixed (``SOURCE_DATE_EPOCH`` for the wheel).
"""

from __future__ import annotations

import ast
import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from contextlib import suppress
from pathlib import Path

import jupytext
import nbformat
from jupyter_cache import get_cache
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from coup1917 import PACKAGED_DATA
from coup1917.build.downloads import portable
from coup1917.sphinx.execution_inputs import execution_inputs

PACKAGE = "coup1917"
SOURCE_DATE_EPOCH = 946684800  # 2000-01-01T00:00:00Z, the timestamp of the site zip's entries too
ZIP_TIMESTAMP = (2000, 1, 1, 0, 0, 0)
WHEEL_TIMEOUT = 300  # seconds for pip to build the wheel
LOCK_PIN = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>[^\s\\;]+)", re.M)

FIRST_CELL = """\
**To run this notebook:** in its folder, `pip install -r requirements.txt` into a Python 3.11+ environment (a new \
virtual environment is best); it installs the edition's package `coup1917` (the wheel here, with the data) and the \
pinned packages the code needs.
Then open the notebook in Jupyter (JupyterLab, Notebook, VS Code...) with that environment's kernel and run all \
cells. The editors' margin notes show here as quotations; JupyterLab with `jupyterlab-myst` renders the chapters' \
MyST sources as the book does."""


def imported_distributions(code: list[str], package_dir: Path) -> set[str]:
    """The distributions (canonical names) whose modules ``code`` imports, directly or through the edition's
    package modules it imports (followed through their own imports); the package itself and the standard
    library are left out."""
    providers = importlib.metadata.packages_distributions()
    pending = [_parse(source) for source in code]
    seen_modules: set[str] = set()
    distributions: set[str] = set()
    while pending:
        for module in _imports(pending.pop()):
            top = module.partition(".")[0]
            if top == PACKAGE:
                path = _package_module(module, package_dir)
                if path and path not in seen_modules:
                    seen_modules.add(path)
                    pending.append(_parse(Path(path).read_text(encoding="utf-8")))
            elif top not in sys.stdlib_module_names:
                if top not in providers:
                    raise LookupError(f"no installed distribution provides the module {top!r}")
                distributions |= {canonicalize_name(name) for name in providers[top]}
    return distributions


def _parse(source: str) -> ast.AST:
    # IPython magics and shell escapes are not Python (as in coup1917.sphinx.execution_inputs).
    return ast.parse("\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))))


def _imports(tree: ast.AST) -> set[str]:
    modules = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.add(node.module)
            if node.module == PACKAGE or node.module.startswith(PACKAGE + "."):
                modules |= {f"{node.module}.{alias.name}" for alias in node.names}
    return modules


def _package_module(module: str, package_dir: Path) -> str | None:
    """The source file of one of the package's modules, or None when the name is not a module (a function)."""
    parts = module.split(".")[1:]
    for candidate in (package_dir.joinpath(*parts).with_suffix(".py"), package_dir.joinpath(*parts, "__init__.py")):
        if candidate.is_file():
            return str(candidate)
    return None


def requirement_closure(distributions: set[str]) -> set[str]:
    """``distributions`` and everything they require here (markers evaluated for this Python), canonical names."""
    closure: set[str] = set()
    pending = [(name, frozenset()) for name in distributions]
    seen = set()
    while pending:
        name, extras = pending.pop()
        if (name, extras) in seen:
            continue
        seen.add((name, extras))
        closure.add(name)
        for text in importlib.metadata.distribution(name).requires or []:
            requirement = Requirement(text)
            if requirement.marker is None or any(requirement.marker.evaluate({"extra": extra})
                                                 for extra in {"", *extras}):
                pending.append((canonicalize_name(requirement.name), frozenset(requirement.extras)))
    return closure


def locked_versions(lock: Path) -> dict[str, str]:
    return {canonicalize_name(match["name"]): match["version"]
            for match in LOCK_PIN.finditer(lock.read_text(encoding="utf-8"))}


def requirements_text(distributions: set[str], lock: Path, wheel: str, what: str) -> str:
    versions = locked_versions(lock)
    missing = sorted(distributions - versions.keys())
    if missing:
        raise LookupError(f"{lock}: no pin for {', '.join(missing)}, which {what} needs")
    pins = [f"{name}=={versions[name]}" for name in sorted(distributions)]
    return "\n".join([
        f"# What {what} needs, pinned as the edition was built with them. Install from this folder:",
        "#   pip install -r requirements.txt",
        f"./{wheel}",
        *pins,
    ]) + "\n"


def build_wheel(book_dir: Path, out_dir: Path) -> Path:
    """The edition's package as a wheel, its data inside, built by pip with the environment's pinned setuptools."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as staging:
        source = Path(staging) / PACKAGE
        shutil.copy2(book_dir / "pyproject.toml", source.parent / "pyproject.toml")
        shutil.copytree(book_dir / PACKAGE, source, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        shutil.copytree(book_dir / "data", source / PACKAGED_DATA.name)
        built = Path(staging) / "dist"
        subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "--no-index",
             "--wheel-dir", str(built), str(source.parent)],
            check=True, timeout=WHEEL_TIMEOUT, capture_output=True, text=True,
            env={**os.environ, "SOURCE_DATE_EPOCH": str(SOURCE_DATE_EPOCH), "PYTHONHASHSEED": "0"},
            stdin=subprocess.DEVNULL)
        (wheel,) = built.glob("*.whl")
        return Path(shutil.copy2(wheel, out_dir / wheel.name))


def data_package(descriptor: Path, tables: set[Path]) -> tuple[bytes, dict[str, Path]]:
    """``datapackage.json`` reduced to the resources of ``tables``, and those files by name."""
    package = json.loads(descriptor.read_text(encoding="utf-8"))
    files = {path.name: path for path in tables}
    package["resources"] = [resource for resource in package["resources"] if resource["path"] in files]
    return (json.dumps(package, indent=2, ensure_ascii=False) + "\n").encode("utf-8"), files


def executed_notebook(source: Path, written: Path, cache_dir: Path | None) -> nbformat.NotebookNode:
    """The chapter with the outputs the book shows.

    myst-nb writes the executed notebook (``written``), but when it takes the outputs from its execution cache it
    writes the notebook as read, without them (myst-nb 1.4.0, ``myst_nb/sphinx_.py``: ``nb_renderer.write_file``
    gets the notebook before ``merge_match_into_notebook``); the outputs are then taken from the cache, matched
    as myst-nb matches them."""
    if cache_dir is not None:
        with suppress(KeyError):
            return get_cache(cache_dir).merge_match_into_notebook(jupytext.read(source, fmt="md:myst"))[1]
    return nbformat.read(written, as_version=4)


def write_downloads(book_dir: Path, executed: dict[Path, Path], out_dir: Path, book_name: str,
                    cache_dir: Path | None = None) -> list[Path]:
    """A zip for each chapter (source page -> the executed notebook myst-nb wrote) and ``book_name``.zip for all
    of them, in ``out_dir``; the paths written. ``cache_dir``: myst-nb's execution cache, if it uses one."""
    out_dir.mkdir(parents=True, exist_ok=True)
    lock = book_dir / "requirements.lock"
    labels = portable.author_year_labels(book_dir / "references.bib")
    with tempfile.TemporaryDirectory() as scratch:
        wheel = build_wheel(book_dir, Path(scratch))
        chapters = {}
        for source, notebook_path in executed.items():
            code = [cell.source for cell in jupytext.read(source).cells if cell.cell_type == "code"]
            tables = {Path(path) for path in execution_inputs(source) if path.endswith(".csv")}
            distributions = requirement_closure(imported_distributions(code, book_dir / PACKAGE))
            notebook = executed_notebook(source, notebook_path, cache_dir)
            chapters[source] = (notebook, portable.glued_outputs(notebook_path), tables, distributions)
        written = []
        for source, (notebook, glued, tables, distributions) in chapters.items():
            written.append(_write_zip(out_dir / f"{source.stem}.zip", book_dir, {source: (notebook, glued)},
                                      tables, distributions, wheel, labels, lock, f"{source.stem}.ipynb"))
        every_table = set().union(*(tables for _, _, tables, _ in chapters.values()))
        every_distribution = set().union(*(distributions for _, _, _, distributions in chapters.values()))
        written.append(_write_zip(out_dir / f"{book_name}.zip", book_dir,
                                  {source: (notebook, glued) for source, (notebook, glued, _, _) in chapters.items()},
                                  every_table, every_distribution, wheel, labels, lock, "the book's notebooks"))
    return written


def _write_zip(archive_path, book_dir, notebooks, tables, distributions, wheel, labels, lock, what) -> Path:
    descriptor, files = data_package(book_dir / "data" / "datapackage.json", tables)
    stems = {source.stem for source in notebooks}
    bib = book_dir / "references.bib"
    entries = {
        "requirements.txt": requirements_text(distributions, lock, wheel.name, what).encode("utf-8"),
        wheel.name: wheel.read_bytes(),
        "data/datapackage.json": descriptor,
        **{f"data/{name}": path.read_bytes() for name, path in files.items()},
    }
    for source, (executed, glued) in notebooks.items():
        context = portable.Context(labels=labels, pages_in_download=stems, data_files=set(files), glued=glued)
        notebook = portable.convert(executed, context, FIRST_CELL)
        if context.cited:
            notebook.cells.append(nbformat.v4.new_markdown_cell(
                portable.references_markdown(bib, context.cited, labels)))
        for number, cell in enumerate(notebook.cells, start=1):  # stable ids: two builds give the same file
            cell.id = f"cell-{number}"
        entries[f"{source.stem}.ipynb"] = nbformat.writes(notebook).encode("utf-8") + b"\n"
    top = archive_path.stem
    with zipfile.ZipFile(archive_path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(entries):
            entry = zipfile.ZipInfo(f"{top}/{name}", date_time=ZIP_TIMESTAMP)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            archive.writestr(entry, entries[name])
    return archive_path
