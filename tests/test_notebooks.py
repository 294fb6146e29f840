"""Each chart chapter, run as a plain notebook (jupytext, then a kernel, as in Jupyter), shows its charts as
Plotly's own output type, which Jupyter draws with Plotly's renderer: no setup cell only the book needs."""

import jupytext
import pytest
from nbclient import NotebookClient

from coup1917 import ROOT
from coup1917.sphinx.plotly_output import PLOTLY_MIME_TYPE

CHART_CHAPTERS = {
    "03-the-coup": 1,
    "04-the-constituent-assembly-election": 2,
    "05-the-dissolution-and-the-third-congress": 1,
    "election-audit": 1,
}


@pytest.mark.parametrize("chapter, charts", CHART_CHAPTERS.items())
def test_a_chapter_run_in_jupyter_shows_its_charts(chapter, charts):
    notebook = jupytext.read(ROOT / "chapters" / f"{chapter}.md")
    NotebookClient(notebook, kernel_name="python3", timeout=120, resources={"metadata": {"path": str(ROOT)}}).execute()
    shown = [output for cell in notebook.cells if cell.cell_type == "code" for output in cell.outputs
             if output.output_type == "display_data" and PLOTLY_MIME_TYPE in output.get("data", {})]
    assert len(shown) == charts
    for output in shown:
        assert output.data[PLOTLY_MIME_TYPE]["data"], "a chart without traces"
