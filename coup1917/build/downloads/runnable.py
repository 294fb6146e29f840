"""The runnable downloads: each chapter, and the whole book, as a zip that runs without this repository.

The build writes them once the HTML book is built and checked, from the built site, into it (``notebooks/``): the
notebooks the site offers (``_sources/<page>.ipynb``, with the outputs the pages show, glued values included). A
chapter's zip holds one folder, named after the chapter, with

- the notebook, its Markdown made plain by :mod:`coup1917.build.downloads.portable` and a first cell saying how
  to run it;
- ``data/``: the tables the notebook loads and a ``datapackage.json`` describing exactly those;
- what a chapter imports of the edition's package as a wheel with all its data inside (``coup1917/edition-data``,
  where :data:`coup1917.DATA_DIR` finds it once installed), built by pip from the pinned setuptools, reproducibly;
- ``requirements.txt``: the wheel, and every public package the notebook's code needs, pinned as
  ``requirements.lock`` pins it: the distributions its cells and the package modules they use import
  (:mod:`coup1917.book.inputs`), and everything those require.

The whole book's zip holds every notebook in one folder with the union of the data and requirements. Archives
and wheel are reproducible: entries sorted, timestamps fixed (:mod:`coup1917.book.archive`).
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import shutil
import subprocess
import sys
import tempfile
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import nbformat
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from coup1917 import PACKAGED_DATA, book, data
from coup1917.book import citations, inputs
from coup1917.book.archive import SOURCE_DATE_EPOCH, write_zip
from coup1917.build.downloads import portable

WHEEL_TIMEOUT = 300  # seconds for pip to build the wheel


class DownloadFailed(Exception):
    """A runnable download cannot be written; the message begins with the file at fault."""


# The wheel's own project: the edition's name and version, the package's top level and the data inside it.
WHEEL_PROJECT = """\
[build-system]
requires = ["setuptools>=61"]
build-backend = "setuptools.build_meta"

[project]
name = "{name}"
version = "{version}"
description = "What the edition's notebooks import: its data, loaded and checked, and its chart helpers"
requires-python = "{requires-python}"

[tool.setuptools]
packages = ["coup1917"]

[tool.setuptools.package-data]
coup1917 = ["edition-data/*"]
"""

FIRST_CELL = """\
**To run this notebook:** in its folder, `pip install -r requirements.txt` into a Python 3.11+ environment (a new \
virtual environment is best); it installs the edition's package `coup1917` (the wheel here, with the data) and the \
pinned packages the code needs.
Then open the notebook in Jupyter (JupyterLab, Notebook, VS Code...) with that environment's kernel and run all \
cells. The editors' margin notes show here as quotations; JupyterLab with `jupyterlab-myst` renders the chapters' \
MyST sources as the book does."""


def imported_distributions(modules: set[str]) -> set[str]:
    """The distributions (canonical names) that provide ``modules``, leaving out the edition's package and the
    standard library."""
    providers = _providers()
    tops = {module.partition(".")[0] for module in modules} - {inputs.PACKAGE, *sys.stdlib_module_names}
    unknown = sorted(tops - providers.keys())
    if unknown:
        raise LookupError(f"no installed distribution provides the module {unknown[0]!r}")
    return {canonicalize_name(name) for top in tops for name in providers[top]}


@cache
def _providers() -> dict[str, list[str]]:
    return importlib.metadata.packages_distributions()  # reads every installed distribution's files: seconds


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
    """Name -> version of each pin of a pip-compile lock (a requirement line ``name==version \\``, then its
    indented hashes and comments)."""
    pins = [Requirement(line.rstrip(" \\")) for line in lock.read_text(encoding="utf-8").splitlines()
            if line[:1].isalnum()]
    return {canonicalize_name(pin.name): next(iter(pin.specifier)).version for pin in pins}


def requirements_text(distributions: set[str], lock: Path, wheel: str, what: str) -> str:
    versions = locked_versions(lock)
    missing = sorted(distributions - versions.keys())
    if missing:
        raise DownloadFailed(f"{lock.name}: no pin for {', '.join(missing)}, which {what} needs")
    pins = [f"{name}=={versions[name]}" for name in sorted(distributions)]
    return "\n".join([
        f"# What {what} needs, pinned as the edition was built with them. Install from this folder:",
        "#   pip install -r requirements.txt",
        f"./{wheel}",
        *pins,
    ]) + "\n"


def build_wheel(book_dir: Path, out_dir: Path) -> Path:
    """What a chapter imports as a wheel, the data inside, built by pip with the environment's pinned setuptools.

    The wheel holds the package's top level (data, escape, charts, audit, calendar: what the chapters import) and
    not its subpackages: the book's structure, the Sphinx extensions and the build need Sphinx and Jupyter Book,
    which a reader running a notebook has no use for and which its requirements do not install."""
    project = tomllib.loads((book_dir / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    with tempfile.TemporaryDirectory() as staging:
        source = Path(staging) / inputs.PACKAGE
        source.mkdir()
        for module in (book_dir / inputs.PACKAGE).glob("*.py"):
            shutil.copy2(module, source / module.name)
        shutil.copytree(book_dir / "data", source / PACKAGED_DATA.name)
        (source.parent / "pyproject.toml").write_text(WHEEL_PROJECT.format(**project), encoding="utf-8")
        built = Path(staging) / "dist"
        try:
            pip = subprocess.run(
                [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "--no-index",
                 "--wheel-dir", str(built), str(source.parent)],
                timeout=WHEEL_TIMEOUT, capture_output=True, text=True,
                env={**os.environ, "SOURCE_DATE_EPOCH": str(SOURCE_DATE_EPOCH), "PYTHONHASHSEED": "0"},
                stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            raise DownloadFailed(f"pyproject.toml: pip wheel did not finish within {WHEEL_TIMEOUT} s") from None
        if pip.returncode:
            raise DownloadFailed(f"pyproject.toml: pip could not build the wheel of the runnable downloads: "
                                 f"{pip.stderr.strip().splitlines()[-1] if pip.stderr.strip() else pip.returncode}")
        (wheel,) = built.glob("*.whl")
        return Path(shutil.copy2(wheel, out_dir / wheel.name))


def data_package(descriptor: Path, tables: set[Path]) -> tuple[bytes, dict[str, Path]]:
    """``datapackage.json`` reduced to the resources of ``tables``, and those files by name."""
    package = json.loads(descriptor.read_text(encoding="utf-8"))
    files = {path.name: path for path in tables}
    package["resources"] = [resource for resource in package["resources"] if resource["path"] in files]
    return (json.dumps(package, indent=2, ensure_ascii=False) + "\n").encode("utf-8"), files


@dataclass
class Chapter:
    source: Path  # the page, for messages
    notebook: nbformat.NotebookNode  # as the site offers it, with the outputs the page shows
    tables: set[Path]
    distributions: set[str]


@dataclass
class Shared:
    """What every zip of one build shares."""
    book_dir: Path
    wheel: Path
    labels: dict[str, str]  # bibliography key -> author-year label
    works: dict[str, str]  # bibliography key -> the work in Markdown
    myst_extensions: frozenset[str]  # the book's (_config.yml), to read its Markdown as the book does


def write_downloads(book_dir: Path, html_dir: Path) -> list[Path]:
    """A zip for each notebook the built site offers (``html_dir/_sources/<page>.ipynb``), and one for all of them,
    into ``html_dir/notebooks``; the paths written."""
    out_dir = html_dir / book.RUNNABLE_DIR
    out_dir.mkdir(parents=True, exist_ok=True)
    sources = book.pages_on_disk(book_dir)
    chapters = []
    for docname in book.reading_order(book_dir):
        offered = html_dir / "_sources" / f"{docname}.ipynb"
        if offered.is_file():
            notebook = nbformat.read(offered, as_version=4)
            where = sources[docname].relative_to(book_dir)
            read = inputs.read_inputs([cell.source for cell in notebook.cells if cell.cell_type == "code"], str(where))
            try:
                distributions = requirement_closure(imported_distributions(read.modules))
            except LookupError as error:
                raise DownloadFailed(f"{where}: {error}") from None
            chapters.append(Chapter(sources[docname], notebook, inputs.table_files(read) - {data.DESCRIPTOR},
                                    distributions))
    bib = book_dir / "references.bib"
    with tempfile.TemporaryDirectory() as scratch:
        shared = Shared(book_dir, build_wheel(book_dir, Path(scratch)), citations.author_year_labels(bib),
                        citations.formatted_entries(bib, "markdown"),
                        frozenset(book.config(book_dir)["parse"]["myst_enable_extensions"]))
        zips = [(chapter.source.stem, [chapter], f"{chapter.source.stem}.ipynb") for chapter in chapters]
        zips.append((book.runnable_book_name(book_dir), chapters, "the book's notebooks"))
        return [_write_zip(out_dir / f"{name}.zip", included, shared, what) for name, included, what in zips]


def _write_zip(archive_path: Path, chapters: list[Chapter], shared: Shared, what: str) -> Path:
    tables = set().union(*(chapter.tables for chapter in chapters))
    descriptor, files = data_package(shared.book_dir / "data" / "datapackage.json", tables)
    distributions = set().union(*(chapter.distributions for chapter in chapters))
    lock = shared.book_dir / "requirements.lock"
    entries = {
        "requirements.txt": requirements_text(distributions, lock, shared.wheel.name, what).encode("utf-8"),
        shared.wheel.name: shared.wheel.read_bytes(),
        "data/datapackage.json": descriptor,
        **{f"data/{name}": path.read_bytes() for name, path in files.items()},
    }
    for chapter in chapters:
        context = portable.Context(labels=shared.labels, myst_extensions=shared.myst_extensions,
                                   data_files=set(files), pages_in_download={other.source.stem for other in chapters})
        try:
            notebook = portable.convert(chapter.notebook, context, FIRST_CELL)
        except portable.ConversionError as error:
            raise DownloadFailed(f"{chapter.source.relative_to(shared.book_dir)}: {error}") from None
        if context.cited:
            notebook.cells.append(nbformat.v4.new_markdown_cell(portable.references_markdown(shared.works, context)))
        for number, cell in enumerate(notebook.cells, start=1):  # stable ids: two builds give the same file
            cell.id = f"cell-{number}"
        entries[f"{chapter.source.stem}.ipynb"] = nbformat.writes(notebook).encode("utf-8") + b"\n"
    top = archive_path.stem
    return write_zip(archive_path, ((f"{top}/{name}", entries[name]) for name in sorted(entries)))
