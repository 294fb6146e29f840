"""Every chapter ran as a notebook in the session's build with no error, and every chart is in its outputs (the
executed notebook the site offers, _build/html/_sources/; tests/test_runnable.py runs each chapter again, outside the
repository, from its runnable zip).

The chart check must not pass vacuously: the fixture notebooks below prove that it counts each ``glue_chart`` call
of a cell's code, and that it fails when a chart's Plotly output is missing.
"""

import statistics

import jupytext
import nbformat
import pytest

from coup1917.build.notebooks import CHART_MIME, Run, chapters, charts_drawn, missing_charts, run_notebook
from tests.support import HTML_DIR, chart_figures, chart_outputs

CHAPTERS = chapters()


def test_every_text_chapter_is_a_notebook():
    assert {"01-kerensky-and-the-bolsheviks", "02-the-second-congress", "03-the-coup",
            "04-the-constituent-assembly-election", "05-the-dissolution-and-the-third-congress"} <= {
        path.stem for path in CHAPTERS}


@pytest.mark.book
@pytest.mark.parametrize("source", CHAPTERS, ids=[path.stem for path in CHAPTERS])
def test_chapter_ran_in_the_build_with_every_chart(source, built_pages):
    executed = nbformat.read(HTML_DIR / "_sources" / source.relative_to(source.parents[1]).with_suffix(".ipynb"), 4)
    errors = [output for cell in executed.cells for output in cell.get("outputs", [])
              if output.output_type == "error"]
    assert errors == []
    figures = {index: count for index, cell in enumerate(executed.cells)
               if cell.cell_type == "code" and (count := charts_drawn(cell.source))}
    assert sum(figures.values()) == sum(charts_drawn(cell.source) for cell in jupytext.read(source).cells
                                        if cell.cell_type == "code")  # the notebook of this very source
    assert missing_charts(Run(source, executed, 0, figures)) == []
    assert chart_outputs(executed) == sum(figures.values())


def notebook(*sources: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source) for source in sources],
                                    metadata={"kernelspec": {"name": "python3", "display_name": "Python 3"}})


FIGURE = "import plotly.graph_objects as go\nfigure = go.Figure(go.Bar(x=['a', 'b'], y=[1, 2]))"


def test_charts_are_counted_from_the_code_however_glue_chart_is_imported():
    assert charts_drawn("from coup1917 import charts\ncharts.glue_chart('a', f)\ncharts.glue_chart('b', g)") == 2
    assert charts_drawn("from coup1917.charts import glue_chart as g\nfrom coup1917.charts import glue_chart\n"
                        "glue_chart('a', f)") == 1
    assert charts_drawn("%matplotlib inline\nx = 1  # glue_chart('a', f) in a comment is no call") == 0
    assert charts_drawn("for name in names:\n    charts.glue_chart(name, f)") == 1  # a call, not a count of runs


@pytest.mark.notebooks
def test_every_glued_chart_leaves_its_plotly_output(tmp_path):
    result = run_notebook(notebook(FIGURE, "from coup1917 import charts", "x = figure",
                                   "charts.glue_chart('a', figure)\ncharts.glue_chart('b', figure)"),
                          tmp_path, tmp_path / "fixture")
    assert result.figures == {3: 2}
    assert missing_charts(result) == []
    assert chart_outputs(result.notebook) == 2


@pytest.mark.notebooks
def test_a_chart_output_removed_after_the_run_is_reported(tmp_path):
    result = run_notebook(notebook(FIGURE, "from coup1917 import charts\ncharts.glue_chart('a', figure)"),
                          tmp_path, tmp_path / "fixture")
    result.notebook.cells[1].outputs = []
    assert missing_charts(result) == [
        f"{tmp_path / 'fixture'}: cell 1 ('from coup1917 import charts') draws 1 chart(s) but has 0 {CHART_MIME} "
        "output(s)"]


@pytest.mark.notebooks
def test_a_failing_cell_stops_the_run_naming_the_cell(tmp_path):
    with pytest.raises(RuntimeError, match=r"fixture: cell 1 \('1 / 0'\) failed"):
        run_notebook(notebook("x = 1", "1 / 0"), tmp_path, tmp_path / "fixture")


def code_cells() -> list[tuple[str, int, nbformat.NotebookNode, nbformat.NotebookNode | None]]:
    """(chapter, index, cell, the cell before it) for every code cell of the book's notebooks."""
    found = []
    for source in CHAPTERS:
        cells = jupytext.read(source).cells
        found += [(source.stem, index, cell, cells[index - 1] if index else None)
                  for index, cell in enumerate(cells) if cell.cell_type == "code"]
    return found


def test_the_chapters_code_draws_each_chart_its_text_shows():
    assert sum(charts_drawn(cell.source) for *_, cell, _ in code_cells()) == sum(map(chart_figures, CHAPTERS)) > 0


def test_each_code_cell_is_one_short_step_after_a_line_of_prose():
    """Short cells a reader running the chapter can follow: at most 20 lines, half of them at most 10, each after
    a Markdown cell that says what it does (in the notebook only: ``remove-cell`` keeps it out of the book, where the
    code is hidden)."""
    lengths = {(chapter, index): len(cell.source.strip().splitlines()) for chapter, index, cell, _ in code_cells()}
    assert lengths
    assert {cell: length for cell, length in lengths.items() if length > 20} == {}
    assert statistics.median(lengths.values()) <= 10
    for chapter, index, _, before in code_cells():
        assert before is not None and before.cell_type == "markdown" and before.source.strip(), (chapter, index)
