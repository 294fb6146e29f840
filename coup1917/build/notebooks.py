"""``python -m coup1917.build.notebooks [DIR]``: run the chapters with nbclient outside the book build, in a fresh
kernel in DIR (default ``_build/notebooks``), write them there executed, and check that each cell left one Plotly
output per :func:`coup1917.charts.glue_chart` call in its code (counted with :mod:`coup1917.book.inputs`).
"""

from __future__ import annotations

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
from coup1917.book import html_pages, inputs
from coup1917.charts import CHART_MIME, glue_chart

CHART_MIMES = {CHART_MIME, GLUE_PREFIX + CHART_MIME}  # displayed, or glued without display
KERNEL = "python3"
TIMEOUT = 120  # seconds per cell, as for the book build (_config.yml, execute.timeout)


@dataclass
class Run:
    source: Path
    notebook: nbformat.NotebookNode
    seconds: float
    figures: dict[int, int]  # index of each cell that draws charts -> how many (its glue_chart calls)


def chapters(book_dir: Path = ROOT) -> list[Path]:
    """The pages that name a kernel, in reading order."""
    pages = [book_dir / Path(page).with_suffix(".md") for page in html_pages(book_dir)]
    return [page for page in pages if "kernelspec" in jupytext.read(page).metadata]


def run_notebook(notebook: nbformat.NotebookNode, working_dir: Path, source: Path) -> Run:
    """A failing cell raises naming the cell."""
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
    figures = {index: count for index, cell in enumerate(notebook.cells)
               if cell.cell_type == "code" and (count := charts_drawn(cell.source))}
    return Run(source, notebook, seconds, figures)


def charts_drawn(code: str) -> int:
    return len(inputs.calls(inputs.parse(code, "a code cell"), glue_chart.__name__))


def missing_charts(result: Run) -> list[str]:
    return [f"{result.source}: {_describe(result.notebook, index)} draws {count} chart(s) but has "
            f"{charts_in_outputs(result.notebook.cells[index])} {CHART_MIME} output(s)"
            for index, count in result.figures.items()
            if charts_in_outputs(result.notebook.cells[index]) < count]


def charts_in_outputs(cell: nbformat.NotebookNode) -> int:
    return sum(bool(CHART_MIMES & output.get("data", {}).keys()) for output in cell.get("outputs", []))


def _describe(notebook: nbformat.NotebookNode, index: int) -> str:
    first_line = notebook.cells[index].source.strip().split("\n")[0]
    return f"cell {index} ({first_line!r})"


if __name__ == "__main__":
    out_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "_build" / "notebooks"
    out_dir.mkdir(parents=True, exist_ok=True)
    missing = []
    for source in chapters():
        result = run_notebook(jupytext.read(source), out_dir, source)
        nbformat.write(result.notebook, out_dir / f"{source.stem}.ipynb")
        print(f"{source.relative_to(ROOT)}: {result.seconds:.1f} s, {sum(result.figures.values())} chart(s)")
        missing += missing_charts(result)
    sys.exit("\n".join(missing) or None)  # each missing chart on stderr, and a failure
