"""Run the chapters as Jupyter notebooks, outside the book build, and check that every chart made it out.

A chapter is a MyST Markdown notebook (Jupytext). It is read with Jupytext and executed with nbclient in a fresh
kernel whose working directory is wherever the caller says: the chapters find their data through the edition
package (:data:`coup1917.DATA_DIR`), never through a path relative to the notebook.

A chart cell is a code cell that brings a Plotly figure to the display machinery: it gives a figure to IPython's
display formatter (its last expression is a figure, or it calls ``display(figure)`` or myst-nb's
``glue(name, figure)``), or it has one of Plotly's renderers turn a figure into a MIME bundle (``figure.show()``,
or a helper that glues a prepared bundle). The kernel records this while the notebook runs, counting each figure
once, so that how the figure ends up rendered does not matter. Each figure must leave Plotly's own output,
:data:`CHART_MIME` (glued figures under myst-nb's glue prefix), which the HTML book renders as the interactive
chart and the PDF as a vector figure. Renderers that open a browser instead of producing output are not counted.

``python -m coup1917.notebooks [DIR]`` writes the executed notebooks into DIR (default ``_build/notebooks``).
"""

from __future__ import annotations

import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import jupytext
import nbformat
from myst_nb.ext.glue import GLUE_PREFIX
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from coup1917 import ROOT
from coup1917.book import html_pages

CHART_MIME = "application/vnd.plotly.v1+json"
CHART_MIMES = {CHART_MIME, GLUE_PREFIX + CHART_MIME}  # displayed, or glued without display
KERNEL = "python3"
TIMEOUT = 120  # seconds per cell, as for the book build (_config.yml, execute.timeout)

# Run in the kernel before the notebook: count the figures that reach the display machinery, per cell (the runner
# sets _edition_cell to each cell's index before running it). A figure is counted at the outermost of the hooked
# calls only: displaying a figure calls a renderer in turn, and that is the same figure.
_RECORD_FIGURES = """\
import collections as _edition_collections, functools as _edition_functools
from plotly.basedatatypes import BaseFigure as _EditionFigure
from plotly.io._base_renderers import MimetypeRenderer as _EditionMimetypeRenderer
from plotly.io import renderers as _edition_renderers_config
_edition_figures, _edition_cell, _edition_depth = _edition_collections.Counter(), [None], [0]

def _edition_counting(function, is_figure):
    @_edition_functools.wraps(function)
    def counting(*args, **kwargs):
        if _edition_depth[0] or not is_figure(*args):
            return function(*args, **kwargs)
        _edition_figures[_edition_cell[0]] += 1
        _edition_depth[0] += 1
        try:
            return function(*args, **kwargs)
        finally:
            _edition_depth[0] -= 1
    return counting

def _edition_renderers(cls):
    for subclass in cls.__subclasses__():
        yield subclass
        yield from _edition_renderers(subclass)

get_ipython().display_formatter.format = _edition_counting(
    get_ipython().display_formatter.format, lambda obj, *rest: isinstance(obj, _EditionFigure))
type(_edition_renderers_config)._build_mime_bundle = _edition_counting(
    type(_edition_renderers_config)._build_mime_bundle, lambda *args: True)
for _edition_renderer in _edition_renderers(_EditionMimetypeRenderer):
    if "to_mimebundle" in vars(_edition_renderer):
        _edition_renderer.to_mimebundle = _edition_counting(_edition_renderer.to_mimebundle, lambda *args: True)
"""
_REPORT_FIGURES = "import json as _edition_json; print(_edition_json.dumps(_edition_figures))"


@dataclass
class Run:
    source: Path
    notebook: nbformat.NotebookNode
    seconds: float
    figures: dict[int, int]  # index of each cell that displays figures -> how many it displays


def chapters(book_dir: Path = ROOT) -> list[Path]:
    """The book's pages that are notebooks (they name a kernel), in reading order."""
    pages = [book_dir / Path(page).with_suffix(".md") for page in html_pages(book_dir)]
    return [page for page in pages if "kernelspec" in jupytext.read(page).metadata]


def run(source: Path, working_dir: Path) -> Run:
    """Execute a chapter in a fresh kernel started in ``working_dir``; a failing cell raises naming the cell."""
    return run_notebook(jupytext.read(source), working_dir, source)


def run_notebook(notebook: nbformat.NotebookNode, working_dir: Path, source: Path) -> Run:
    client = NotebookClient(notebook, timeout=TIMEOUT, kernel_name=KERNEL,
                            resources={"metadata": {"path": str(working_dir)}})
    started = time.perf_counter()
    with client.setup_kernel():
        _run_hidden(client, _RECORD_FIGURES)
        for index, cell in enumerate(notebook.cells):
            if cell.cell_type == "code":
                _run_hidden(client, f"_edition_cell[0] = {index}")
            try:
                client.execute_cell(cell, index)
            except CellExecutionError as error:
                raise RuntimeError(f"{source}: {_describe(notebook, index)} failed:\n{error}") from error
        seconds = time.perf_counter() - started
        figures = json.loads(_run_hidden(client, _REPORT_FIGURES))
    return Run(source, notebook, seconds, {int(index): count for index, count in figures.items()})


def _run_hidden(client: NotebookClient, code: str) -> str:
    """Run code in the notebook's kernel without leaving a cell or using an execution count; its printed text."""
    cell = nbformat.v4.new_code_cell(code)
    client.nb.cells.append(cell)  # nbclient executes cells of its notebook only
    try:
        client.execute_cell(cell, len(client.nb.cells) - 1, store_history=False)
    finally:
        client.nb.cells.pop()
    return "".join(output.text for output in cell.outputs if output.output_type == "stream")


def missing_charts(result: Run) -> list[str]:
    """One message for each chart cell with fewer Plotly outputs than the figures it displays."""
    return [f"{result.source}: {_describe(result.notebook, index)} displays {count} figure(s) but has "
            f"{_chart_outputs(result.notebook.cells[index])} {CHART_MIME} output(s)"
            for index, count in result.figures.items()
            if _chart_outputs(result.notebook.cells[index]) < count]


def chart_outputs(notebook: nbformat.NotebookNode) -> int:
    return sum(_chart_outputs(cell) for cell in notebook.cells if cell.cell_type == "code")


def _chart_outputs(cell: nbformat.NotebookNode) -> int:
    return sum(bool(CHART_MIMES & output.get("data", {}).keys()) for output in cell.get("outputs", []))


def _describe(notebook: nbformat.NotebookNode, index: int) -> str:
    """A cell as a reader can find it in the chapter: its number and its first line."""
    first_line = notebook.cells[index].source.strip().split("\n")[0]
    return f"cell {index} ({first_line!r})"


def write_executed(out_dir: Path) -> list[Run]:
    out_dir.mkdir(parents=True, exist_ok=True)
    results = []
    for source in chapters():
        result = run(source, out_dir)
        nbformat.write(result.notebook, out_dir / f"{source.stem}.ipynb")
        print(f"{source.relative_to(ROOT)}: {result.seconds:.1f} s, {sum(result.figures.values())} chart(s)")
        results.append(result)
    return results


if __name__ == "__main__":
    write_executed(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "_build" / "notebooks")
