"""The book's structure as Jupyter Book and Sphinx read it, for the build, the checks, the tests and the benchmark:
the reading order by ``sphinx_external_toc``'s parser, the pages on disk by Sphinx's project discovery, the
editions' file names from ``_config.yml``."""

from __future__ import annotations

from pathlib import Path

import yaml
from sphinx.project import Project
from sphinx_external_toc.parsing import parse_toc_yaml

PAGE_SUFFIXES = (".md", ".ipynb", ".rst")
RUNNABLE_DIR = "notebooks"  # where the site keeps the runnable zips (coup1917.build.downloads.runnable)
# Excluded by Jupyter Book whatever _config.yml says (jupyter_book/config.py).
ALWAYS_EXCLUDED = ["_build", "Thumbs.db", ".DS_Store", "**.ipynb_checkpoints", ".*", "**/.*"]
CONFIG = "_config.yml"


def config(book: Path) -> dict:
    return yaml.safe_load((book / CONFIG).read_text(encoding="utf-8")) or {}


def reading_order(book: Path) -> list[str]:
    """Depth first from the root, as a reader meets them."""
    site_map = parse_toc_yaml(book / "_toc.yml")
    order: list[str] = []

    def visit(docname: str) -> None:
        order.append(docname)
        for subtree in site_map[docname].subtrees:
            for item in subtree.items:
                if isinstance(item, str) and item in site_map:  # a FileItem; globs and URLs are not pages
                    visit(item)

    visit(site_map.root.docname)
    return order


def pages_on_disk(book: Path) -> dict[str, Path]:
    project = Project(book, PAGE_SUFFIXES)
    excluded = [*ALWAYS_EXCLUDED, *config(book).get("exclude_patterns", [])]
    return {docname: Path(project.doc2path(docname, absolute=True))
            for docname in sorted(project.discover(exclude_paths=excluded))}


def html_pages(book: Path) -> list[str]:
    return [f"{docname}.html" for docname in reading_order(book)]


def edition_name(book: Path, suffix: str = ".pdf") -> str:
    """The editions share one name, the LaTeX target of ``_config.yml``."""
    target = config(book)["latex"]["latex_documents"]["targetname"]
    return str(Path(target).with_suffix(suffix))


def runnable_book_name(book: Path) -> str:
    return f"{Path(edition_name(book)).stem}-notebooks"


def records_path(outdir: str | Path) -> Path:
    """``_build/html`` -> ``_build/problems.json``: written by :mod:`coup1917.sphinx.problems`, read by the build."""
    return Path(outdir).parent / "problems.json"
