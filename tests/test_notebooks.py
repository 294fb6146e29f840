"""Every chapter runs as a notebook in a fresh kernel outside the repository, and every chart is in its outputs.

The chart check must not pass vacuously: the fixture notebooks below prove that it counts a figure displayed by
its value or by ``.show()``, and that it fails when a chart's Plotly output is missing.
"""

import nbformat
import pytest

from coup1917 import ROOT
from coup1917.notebooks import CHART_MIME, chapters, chart_outputs, missing_charts, run, run_notebook

CHAPTERS = chapters()

pytestmark = pytest.mark.notebooks  # every test here runs Jupyter kernels or a Jupyter server


def test_every_text_chapter_is_a_notebook():
    assert {"01-kerensky-and-the-bolsheviks", "02-the-second-congress", "03-the-coup",
            "04-the-constituent-assembly-election", "05-the-dissolution-and-the-third-congress"} <= {
        path.stem for path in CHAPTERS}


@pytest.mark.parametrize("source", CHAPTERS, ids=[path.stem for path in CHAPTERS])
def test_chapter_runs_standalone_with_every_chart(source, tmp_path):
    assert ROOT not in tmp_path.parents  # the kernel starts outside the repository
    result = run(source, tmp_path)  # raises, naming the cell, if a cell fails
    assert missing_charts(result) == []
    assert chart_outputs(result.notebook) == sum(result.figures.values())


def notebook(*sources: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source) for source in sources],
                                    metadata={"kernelspec": {"name": "python3", "display_name": "Python 3"}})


FIGURE = "import plotly.graph_objects as go\nfigure = go.Figure(go.Bar(x=['a', 'b'], y=[1, 2]))"
# A helper that glues a bundle a Plotly renderer prepared, as the edition's chart helper may do.
PREPARED_BUNDLE = """\
import plotly.io as pio
from myst_nb import glue
class Prepared:
    def __init__(self, figure):
        self.bundle = pio.renderers["plotly_mimetype"].to_mimebundle(figure.to_dict())
    def _repr_mimebundle_(self, include=None, exclude=None):
        return self.bundle
"""


def test_charts_displayed_by_value_by_show_and_by_glue_are_found(tmp_path):
    result = run_notebook(notebook(FIGURE, "figure", "figure.show()", "x = figure",
                                   "from myst_nb import glue\nglue('a', figure, display=False)\nglue('b', figure)",
                                   PREPARED_BUNDLE + "glue('c', Prepared(figure))"),
                          tmp_path, tmp_path / "fixture")
    assert result.figures == {1: 1, 2: 1, 4: 2, 5: 1}
    assert missing_charts(result) == []
    assert chart_outputs(result.notebook) == 5


def test_a_chart_rendered_without_plotly_output_is_reported(tmp_path):
    """A figure shown through another renderer (here plain JSON) is a chart missing from the outputs."""
    result = run_notebook(notebook(FIGURE, "import plotly.io as pio\npio.renderers.default = 'json'", "figure"),
                          tmp_path, tmp_path / "fixture")
    assert result.figures == {2: 1}
    assert missing_charts(result) == [
        f"{tmp_path / 'fixture'}: cell 2 ('figure') displays 1 figure(s) but has 0 {CHART_MIME} output(s)"]


def test_a_chart_output_removed_after_the_run_is_reported(tmp_path):
    result = run_notebook(notebook(FIGURE, "from myst_nb import glue\nglue('a', figure, display=False)"),
                          tmp_path, tmp_path / "fixture")
    result.notebook.cells[1].outputs = []
    assert len(missing_charts(result)) == 1


def test_a_failing_cell_stops_the_run_naming_the_cell(tmp_path):
    with pytest.raises(RuntimeError, match=r"fixture: cell 1 \('1 / 0'\) failed"):
        run_notebook(notebook("x = 1", "1 / 0"), tmp_path, tmp_path / "fixture")
