"""The runnable downloads, written from the built site into it (``notebooks/``): for each notebook the site offers,
and for all of them, a zip with the notebooks made plain (:mod:`~coup1917.build.downloads.portable`), the tables
they load with their ``datapackage.json``, the package's top level as a wheel with the data inside, and a
``requirements.txt`` pinned as ``requirements.lock`` pins what their code imports and all that requires.
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
_providers = cache(importlib.metadata.packages_distributions)  # reads every installed distribution's files: seconds


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
    """Canonical names, leaving out the edition's package and the standard library."""
    providers = _providers()
    tops = {module.partition(".")[0] for module in modules} - {inputs.PACKAGE, *sys.stdlib_module_names}
    if unknown := sorted(tops - providers.keys()):
        raise LookupError(f"no installed distribution provides the module {unknown[0]!r}")
    return {canonicalize_name(name) for top in tops for name in providers[top]}


def requirement_closure(distributions: set[str]) -> set[str]:
    """``distributions`` and everything they require (markers evaluated for this Python), canonical names."""
    pending, seen = [(name, frozenset()) for name in distributions], set()
    while pending:
        if (name_extras := pending.pop()) in seen:
            continue
        seen.add(name_extras)
        name, extras = name_extras
        for text in importlib.metadata.distribution(name).requires or []:
            requirement = Requirement(text)
            if requirement.marker is None or any(requirement.marker.evaluate({"extra": extra})
                                                 for extra in {"", *extras}):
                pending.append((canonicalize_name(requirement.name), frozenset(requirement.extras)))
    return {name for name, _ in seen}


def locked_versions(lock: Path) -> dict[str, str]:
    """A pip-compile lock: a line ``name==version \\``, then its indented hashes and comments."""
    pins = [Requirement(line.rstrip(" \\")) for line in lock.read_text(encoding="utf-8").splitlines()
            if line[:1].isalnum()]
    return {canonicalize_name(pin.name): next(iter(pin.specifier)).version for pin in pins}


def requirements_text(distributions: set[str], lock: Path, wheel: str, what: str) -> str:
    versions = locked_versions(lock)
    if missing := sorted(distributions - versions.keys()):
        raise DownloadFailed(f"{lock.name}: no pin for {', '.join(missing)}, which {what} needs")
    pins = [f"{name}=={versions[name]}" for name in sorted(distributions)]
    return "\n".join([f"# What {what} needs, pinned as the edition was built with them. Install from this folder:",
                      "#   pip install -r requirements.txt", f"./{wheel}", *pins]) + "\n"


def build_wheel(book_dir: Path, out_dir: Path) -> Path:
    """Into an empty ``out_dir``: the package's top level (what the chapters import) with the data inside, built by
    pip with the pinned setuptools; not its subpackages, which need Sphinx and Jupyter Book."""
    project = tomllib.loads((book_dir / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    with tempfile.TemporaryDirectory() as staging:
        source = Path(staging) / inputs.PACKAGE
        source.mkdir()
        for module in (book_dir / inputs.PACKAGE).glob("*.py"):
            shutil.copy2(module, source / module.name)
        shutil.copytree(book_dir / "data", source / PACKAGED_DATA.name)
        (source.parent / "pyproject.toml").write_text(WHEEL_PROJECT.format(**project), encoding="utf-8")
        try:
            pip = subprocess.run(
                [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "--no-index",
                 "--wheel-dir", str(out_dir), str(source.parent)],
                timeout=WHEEL_TIMEOUT, capture_output=True, text=True,
                env={**os.environ, "SOURCE_DATE_EPOCH": str(SOURCE_DATE_EPOCH), "PYTHONHASHSEED": "0"},
                stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            raise DownloadFailed(f"pyproject.toml: pip wheel did not finish within {WHEEL_TIMEOUT} s") from None
        if pip.returncode:
            raise DownloadFailed(f"pyproject.toml: pip could not build the wheel of the runnable downloads: "
                                 f"{pip.stderr.strip().splitlines()[-1] if pip.stderr.strip() else pip.returncode}")
    (wheel,) = out_dir.glob("*.whl")
    return wheel


def data_package(descriptor: Path, tables: set[Path]) -> tuple[bytes, dict[str, Path]]:
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


def write_downloads(book_dir: Path, html_dir: Path) -> list[Path]:
    """From the notebooks the site offers (``_sources/<page>.ipynb``, with the outputs the pages show)."""
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
    works = citations.formatted_entries(book_dir / "references.bib", "markdown")
    labels = {key: label for key, (label, _) in works.items()}
    myst_extensions = frozenset(book.config(book_dir)["parse"]["myst_enable_extensions"])
    zips = [(chapter.source.stem, [chapter], f"{chapter.source.stem}.ipynb") for chapter in chapters]
    zips.append((book.runnable_book_name(book_dir), chapters, "the book's notebooks"))
    written = []
    with tempfile.TemporaryDirectory() as scratch:
        wheel = build_wheel(book_dir, Path(scratch))
        for name, included, what in zips:
            descriptor, files = data_package(book_dir / "data" / "datapackage.json",
                                             set().union(*(chapter.tables for chapter in included)))
            distributions = set().union(*(chapter.distributions for chapter in included))
            entries = {
                "requirements.txt": requirements_text(distributions, book_dir / "requirements.lock", wheel.name,
                                                      what).encode("utf-8"),
                wheel.name: wheel.read_bytes(),
                "data/datapackage.json": descriptor,
                **{f"data/{file}": path.read_bytes() for file, path in files.items()},
            }
            for chapter in included:
                context = portable.Context(labels, myst_extensions, data_files=set(files),
                                           pages_in_download={other.source.stem for other in included})
                try:
                    notebook = portable.convert(chapter.notebook, context, FIRST_CELL)
                except portable.ConversionError as error:
                    raise DownloadFailed(f"{chapter.source.relative_to(book_dir)}: {error}") from None
                if context.cited:
                    notebook.cells.append(nbformat.v4.new_markdown_cell(portable.references_markdown(works, context)))
                for number, cell in enumerate(notebook.cells, start=1):  # stable ids: two builds give the same file
                    cell.id = f"cell-{number}"
                entries[f"{chapter.source.stem}.ipynb"] = nbformat.writes(notebook).encode("utf-8") + b"\n"
            written.append(write_zip(out_dir / f"{name}.zip", ((f"{name}/{entry}", entries[entry])
                                                               for entry in sorted(entries))))
    return written
