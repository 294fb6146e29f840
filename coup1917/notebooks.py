"""Run the chapters as Jupyter notebooks, outside the book build, and check that every chart made it out.

A chapter is a MyST Markdown notebook (Jupytext). It is read with Jupytext and executed with nbclient in a fresh
kernel whose working directory is wherever the caller says: the chapters find their data through the edition
package (:data:`coup1917.DATA_DIR`), never through a path relative to the notebook.

A chart cell is a code cell that ends by displaying a Plotly figure: its last expression's value is a figure
(read back from the kernel's ``Out`` history after the run, so that how the figure was rendered does not matter)
or its last statement calls ``.show()``. Each must have Plotly's own output, :data:`CHART_MIME`, which the HTML
book renders as the interactive chart and the PDF as a vector figure.

``python -m coup1917.notebooks [DIR]`` writes the executed notebooks into DIR (default ``_build/notebooks``).
"""

from __future__ import annotations

import ast
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import jupytext
import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from coup1917 import ROOT
from coup1917.fidelity import toc_pages

CHART_MIME = "application/vnd.plotly.v1+json"
KERNEL = "python3"
TIMEOUT = 120  # seconds per cell, as for the book build (_config.yml, execute.timeout)

# Run after the notebook in the same kernel: the execution counts of the cells whose displayed value is a figure.
_FIGURE_PROBE = """\
import json as _json, plotly.basedatatypes as _plotly_types
print(_json.dumps(sorted(n for n, v in Out.items() if isinstance(v, _plotly_types.BaseFigure))))
"""


@dataclass
class Run:
    source: Path
    notebook: nbformat.NotebookNode
    seconds: float
    chart_cells: list[int]  # indexes of the cells that display a figure


def chapters(book_dir: Path = ROOT) -> list[Path]:
    """The book's pages that are notebooks (they name a kernel), in reading order."""
    pages = [book_dir / Path(page).with_suffix(".md") for page in toc_pages(book_dir)]
    return [page for page in pages if "kernelspec" in jupytext.read(page).metadata]


def run(source: Path, working_dir: Path) -> Run:
    """Execute a chapter in a fresh kernel started in ``working_dir``; a failing cell raises naming the cell."""
    return run_notebook(jupytext.read(source), working_dir, source)


def run_notebook(notebook: nbformat.NotebookNode, working_dir: Path, source: Path) -> Run:
    client = NotebookClient(notebook, timeout=TIMEOUT, kernel_name=KERNEL,
                            resources={"metadata": {"path": str(working_dir)}})
    started = time.perf_counter()
    with client.setup_kernel():
        for index, cell in enumerate(notebook.cells):
            try:
                client.execute_cell(cell, index)
            except CellExecutionError as error:
                raise RuntimeError(f"{source}: {_describe(notebook, index)} failed:\n{error}") from error
        seconds = time.perf_counter() - started
        probe = nbformat.v4.new_code_cell(_FIGURE_PROBE)
        notebook.cells.append(probe)  # nbclient executes cells of its notebook only; removed again below
        client.execute_cell(probe, len(notebook.cells) - 1, store_history=False)
        notebook.cells.pop()
    figure_counts = set(json.loads("".join(o.text for o in probe.outputs if o.output_type == "stream")))
    chart_cells = [index for index, cell in enumerate(notebook.cells) if cell.cell_type == "code"
                   and (cell.get("execution_count") in figure_counts or _ends_with_show(cell.source))]
    return Run(source, notebook, seconds, chart_cells)


def missing_charts(result: Run) -> list[str]:
    """One message for each chart cell without Plotly's output."""
    return [f"{result.source}: {_describe(result.notebook, index)} displays a figure but has no {CHART_MIME} output"
            for index in result.chart_cells
            if not any(CHART_MIME in output.get("data", {}) for output in result.notebook.cells[index].outputs)]


def chart_outputs(notebook: nbformat.NotebookNode) -> int:
    return sum(CHART_MIME in output.get("data", {})
               for cell in notebook.cells if cell.cell_type == "code" for output in cell.outputs)


def _ends_with_show(source: str) -> bool:
    try:
        body = ast.parse(source).body
    except SyntaxError:  # IPython syntax (a magic): not a plain .show() call
        return False
    last = body[-1] if body else None
    return (isinstance(last, ast.Expr) and isinstance(last.value, ast.Call)
            and isinstance(last.value.func, ast.Attribute) and last.value.func.attr == "show")


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
        print(f"{source.relative_to(ROOT)}: {result.seconds:.1f} s, {len(result.chart_cells)} chart(s)")
        results.append(result)
    return results


if __name__ == "__main__":
    write_executed(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "_build" / "notebooks")
