"""The runnable downloads: each chapter's zip, taken from the built site, runs in a fresh environment.

The book tier makes one new virtual environment outside the repository with exactly what the whole book's zip
requires (every chapter's pins are among them: the requirements are one lock), checks once that it runs the
package from the wheel with its own data and nothing of the checkout, then unzips each chapter's zip into a
temporary folder and executes its notebook in that environment's kernel from the folder: no cell may fail, every
chart of the chapter (each ``{glue:figure}`` of its source) must be in the outputs, and every output must be the one
the book's own execution gave (its offered .ipynb). That second execution, in another folder and environment, is
the suite's check that the chapters' outputs are reproducible: the clean build of tests/test_build.py takes them
from the session's execution cache.

The unit tier checks the conversion of the notebook for front ends without MyST on a small notebook.
"""

from __future__ import annotations

import io
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from coup1917 import ROOT, book
from coup1917.book import citations, inputs
from coup1917.build.downloads import portable, runnable
from coup1917.build.notebooks import KERNEL, TIMEOUT, chapters
from tests.support import HTML_DIR, chart_figures, chart_outputs, directives

RUNNABLE = HTML_DIR / "notebooks"
CHAPTERS = chapters()
PIP_TIMEOUT = 900


# --- The unit tier: the conversion for front ends without MyST ----------------------------------------------

def executed(*cells) -> nbformat.NotebookNode:
    return nbformat.v4.new_notebook(cells=list(cells))


def chart_cell(name: str) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell("charts.glue_chart(...)")
    cell.outputs = [nbformat.v4.new_output("display_data", data={"application/vnd.plotly.v1+json": {},
                                                                  "text/plain": "<Plotly chart>"},
                                           metadata={"scrapbook": {"name": name, "mime_prefix": ""}})]
    return cell


def glued_cell(name: str, bundle: dict) -> nbformat.NotebookNode:
    """A cell that glued ``bundle`` without displaying it (myst-nb prefixes its MIME types)."""
    cell = nbformat.v4.new_code_cell("glue(...)")
    prefix = "application/papermill.record/"
    cell.outputs = [nbformat.v4.new_output("display_data", data={prefix + mime: data for mime, data in bundle.items()},
                                           metadata={"scrapbook": {"name": name, "mime_prefix": prefix}})]
    return cell


LABELS = {"pipes1990": "Pipes 1990", "rabinowitch1976": "Rabinowitch 1976"}


def converted(markdown: str, *cells, **context) -> nbformat.NotebookNode:
    notebook = executed(*cells, nbformat.v4.new_markdown_cell(markdown))
    return portable.convert(notebook, portable.Context(labels=LABELS, **context), "How to run it.")


def test_margin_notes_terms_citations_and_dates_become_plain_markdown():
    notebook = converted(
        "(a-label)=\n"
        "::::{margin}\n**Note.** The {term}`Sovnarkom` and {term}`Kerensky <Alexander Kerensky>` on "
        "{oldstyle}`1917-10-25` {cite:p}`rabinowitch1976{chs. 11, 14},pipes1990`.\n::::\n\n"
        "A {sic}`Iskolpom :: Ispolkom :: letters transposed` of {cite:t}`pipes1990`.")
    first, text = notebook.cells[0].source, notebook.cells[-1].source
    assert first == "How to run it."
    assert text == (
        "> *Editors' note (a margin note in the book)*\n>\n"
        "> **Note.** The Sovnarkom and Kerensky on 25 October 1917 OS = 7 November 1917 NS "
        "(Rabinowitch 1976, chs. 11, 14; Pipes 1990).\n\n"
        "A Iskolpom [*sic*; read: Ispolkom] of Pipes 1990.")


def test_a_glued_figure_points_to_its_chart_cell_and_glued_text_is_the_value():
    notebook = converted(
        "::::::{glue:figure} fig-a\n:name: fig-a\n\nThe caption, {glue:text}`total:,` members "
        "({download}`bodies.csv <../data/bodies.csv>`).\n\n:::::{dropdown} The data\n```{glue} table-a\n```\n"
        ":::::\n::::::",
        chart_cell("fig-a"), glued_cell("total", {"text/plain": "12345"}),
        glued_cell("table-a", {"text/html": "<style>x</style><table></table>"}), data_files={"bodies.csv"})
    assert notebook.cells[-1].source == (
        "**Figure.** *The chart is the output of a code cell above.*\n\n"
        "The caption, 12,345 members ([bodies.csv](data/bodies.csv)).\n\n"
        "<details><summary>The data</summary>\n\n<table></table>\n\n</details>")
    assert notebook.cells[1].outputs[0].data["text/plain"] == "<Plotly chart>"  # the chart stays the output


def test_unknown_myst_stops_the_conversion_naming_it():
    with pytest.raises(portable.ConversionError, match=r"role \{nosuchrole\}"):
        converted("a {nosuchrole}`x`")
    with pytest.raises(portable.ConversionError, match=r"directive \{nosuchdirective\}"):
        converted(":::{nosuchdirective}\nx\n:::")
    with pytest.raises(portable.ConversionError, match="'nosuchkey' is not a key"):
        converted("{cite:p}`nosuchkey`")


def test_labels_are_the_books_author_year_labels():
    labels = citations.author_year_labels(ROOT / "references.bib")
    assert labels["pipes1990"] == "Pipes 1990"
    assert labels["rabinowitch1976"] == "Rabinowitch 1976"


def test_requirements_pin_the_closure_from_the_lock():
    read = inputs.read_inputs(["import plotly.express as px\nfrom coup1917.data import load_table"], "a test")
    distributions = runnable.requirement_closure(runnable.imported_distributions(read.modules))
    assert {"plotly", "pandas", "frictionless", "numpy", "narwhals"} <= distributions  # narwhals: plotly's
    text = runnable.requirements_text(distributions, ROOT / "requirements.lock", "coup1917-0.1.0-py3-none-any.whl",
                                      "a test")
    assert "./coup1917-0.1.0-py3-none-any.whl\n" in text
    assert "\nplotly==7.1.0\n" in text and "\npandas==3.1.1\n" in text


# --- The book tier: every chapter's zip in one fresh environment -------------------------------------------

BOOK_ZIP = RUNNABLE / f"{book.runnable_book_name(ROOT)}.zip"


def unzip(archive: Path, target: Path) -> Path:
    with zipfile.ZipFile(archive) as opened:
        opened.extractall(target)
    return target / archive.stem


def pins(folder: Path) -> set[str]:
    return {line for line in (folder / "requirements.txt").read_text().splitlines() if not line.startswith("#")}


@pytest.fixture(scope="module")
def environment(tmp_path_factory) -> Path:
    """A virtual environment outside the repository with exactly what the book's zip requires (the union of the
    chapters' requirements, one lock) and ipykernel, pinned, to run it (nbclient runs on the test's side)."""
    assert BOOK_ZIP.is_file(), f"{BOOK_ZIP}: missing; run make book"
    folder = unzip(BOOK_ZIP, tmp_path_factory.mktemp("book"))
    venv = tmp_path_factory.mktemp("venv")
    assert ROOT not in venv.parents
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    started = time.perf_counter()
    # The kernel to run it with is the reader's Jupyter's; a chapter without code needs none of its own.
    kernel = f"ipykernel=={runnable.locked_versions(ROOT / 'requirements.lock')['ipykernel']}"
    pip = subprocess.run([str(python), "-m", "pip", "install", "--quiet", "-r", "requirements.txt", kernel],
                         cwd=folder, capture_output=True, text=True, timeout=PIP_TIMEOUT)
    assert pip.returncode == 0, f"{folder / 'requirements.txt'}: pip install failed:\n{pip.stderr[-3000:]}"
    print(f"\n{BOOK_ZIP.name}: requirements installed in a fresh environment in {time.perf_counter() - started:.0f} s")
    subprocess.run([str(python), "-m", "ipykernel", "install", "--sys-prefix", "--name", "python3"],
                   check=True, capture_output=True, timeout=120)
    return venv


@pytest.fixture
def kernel_of(environment, monkeypatch) -> Path:
    """The fresh environment's kernel, found before any other: nothing of the repository's .venv runs."""
    monkeypatch.setenv("JUPYTER_PATH", str(environment / "share" / "jupyter"))
    monkeypatch.delenv("PYTHONPATH", raising=False)
    return environment


ISOLATION_CHECK = """\
import sys, coup1917
print(coup1917.__file__, coup1917.DATA_DIR, sys.prefix, [p for p in sys.path if p.startswith({root!r})])
"""


@pytest.mark.book
@pytest.mark.notebooks
def test_the_environment_runs_the_package_from_its_wheel_not_the_checkout(kernel_of, tmp_path):
    check = execute(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        ISOLATION_CHECK.format(root=str(ROOT)))]), tmp_path)
    package_file, data_dir, prefix, repository_paths = check.cells[0].outputs[0].text.split(" ", 3)
    assert Path(prefix) == kernel_of
    assert Path(package_file).is_relative_to(kernel_of) and Path(data_dir) == Path(package_file).parent / "edition-data"
    assert repository_paths.strip() == "[]"


@pytest.mark.book
@pytest.mark.notebooks
@pytest.mark.parametrize("source", CHAPTERS, ids=[path.stem for path in CHAPTERS])
def test_the_chapters_zip_runs_in_the_fresh_environment(source, kernel_of, tmp_path):
    archive = RUNNABLE / f"{source.stem}.zip"
    assert archive.is_file(), f"{archive}: missing; run make book"
    folder = unzip(archive, tmp_path)
    assert ROOT not in folder.parents
    assert {path.name for path in folder.iterdir()} >= {f"{source.stem}.ipynb", "requirements.txt", "data"}
    with zipfile.ZipFile(BOOK_ZIP) as opened:  # the one environment has what this zip requires, as pinned
        assert pins(folder) <= set(opened.read(f"{BOOK_ZIP.stem}/requirements.txt").decode().splitlines())
    notebook = nbformat.read(folder / f"{source.stem}.ipynb", as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    executed = execute(notebook, folder)  # raises CellExecutionError, naming the cell, if a cell fails
    assert chart_outputs(executed) == chart_figures(source)
    in_the_book = nbformat.read(HTML_DIR / "_sources" / "chapters" / f"{source.stem}.ipynb", as_version=4)
    assert outputs_by_cell(executed) == outputs_by_cell(in_the_book)


def outputs_by_cell(notebook: nbformat.NotebookNode) -> list[tuple[str, list[dict]]]:
    """Each code cell's source and what it output, without the execution counts."""
    return [(cell.source, [{key: value for key, value in output.items() if key != "execution_count"}
                           for output in cell.outputs])
            for cell in notebook.cells if cell.cell_type == "code"]


def execute(notebook: nbformat.NotebookNode, folder: Path) -> nbformat.NotebookNode:
    """Run ``notebook`` with nbclient in the kernel named python3 (the fresh environment's), in ``folder``."""
    return NotebookClient(notebook, timeout=TIMEOUT, kernel_name=KERNEL,
                          resources={"metadata": {"path": str(folder)}}).execute()


@pytest.mark.book
def test_the_wheel_carries_what_the_chapters_import_and_the_data_not_the_build():
    with zipfile.ZipFile(BOOK_ZIP) as opened:
        (wheel,) = [name for name in opened.namelist() if name.endswith(".whl")]
        with zipfile.ZipFile(io.BytesIO(opened.read(wheel))) as packaged:
            names = set(packaged.namelist())
    modules = {name for name in names if name.endswith(".py")}
    imported = set().union(*(inputs.page_inputs(source).package_modules for source in CHAPTERS))
    assert {f"coup1917/{path.name}" for path in imported} <= modules  # every module a chapter reaches
    assert modules == {f"coup1917/{path.name}" for path in (ROOT / "coup1917").glob("*.py")}  # the top level only
    data_files = {path.relative_to(ROOT / "data").as_posix() for path in (ROOT / "data").rglob("*") if path.is_file()}
    assert {f"coup1917/edition-data/{name}" for name in data_files} <= names


@pytest.mark.book
def test_the_book_zip_holds_every_chapter_with_its_data_and_the_wheel():
    with zipfile.ZipFile(BOOK_ZIP) as opened:
        names = set(opened.namelist())
        requirements = opened.read(f"{BOOK_ZIP.stem}/requirements.txt").decode()
    top = BOOK_ZIP.stem
    assert {f"{top}/{source.stem}.ipynb" for source in CHAPTERS} <= names
    tables = set().union(*(inputs.table_files(inputs.page_inputs(source)) for source in CHAPTERS))
    assert tables and {f"{top}/data/{path.name}" for path in tables} <= names
    wheel = next(name for name in names if name.endswith(".whl"))
    assert f"./{Path(wheel).name}" in requirements.splitlines()


@pytest.mark.book
def test_the_downloaded_notebook_starts_with_how_to_run_it_and_has_no_raw_myst():
    with zipfile.ZipFile(RUNNABLE / "03-the-coup.zip") as opened:
        notebook = nbformat.reads(opened.read("03-the-coup/03-the-coup.ipynb").decode(), as_version=4)
    assert notebook.cells[0].cell_type == "markdown"
    assert notebook.cells[0].source.startswith("**To run this notebook:**")
    assert len(notebook.cells[0].source.splitlines()) == 2
    markdown = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "markdown")
    for raw in ("{margin}", "{term}", "{cite:p}", "{glue:figure}", "{glue:text}", "{oldstyle}", "{sic}"):
        assert raw not in markdown
    assert markdown.count(f"> {portable.EDITORS_NOTE}") == directives(ROOT / "chapters" / "03-the-coup.md", "margin")
    assert "(Rabinowitch 1976, chs. 11, 14)" in markdown
    assert notebook.cells[-1].source.startswith("## Works cited")


@pytest.mark.book
def test_a_role_without_a_plain_form_stops_the_downloads_naming_the_page(tmp_path):
    """What the build prints (README, failures): the page and the role; no zip is written."""
    offered = tmp_path / "_sources" / "chapters" / "03-the-coup.ipynb"
    offered.parent.mkdir(parents=True)
    notebook = nbformat.read(HTML_DIR / offered.relative_to(tmp_path), as_version=4)
    notebook.cells.append(nbformat.v4.new_markdown_cell("The {abbr}`MRC (Military Revolutionary Committee)`."))
    nbformat.write(notebook, offered)
    with pytest.raises(runnable.DownloadFailed, match=r"^chapters/03-the-coup\.md: role \{abbr\} has no plain"):
        runnable.write_downloads(ROOT, tmp_path)
    assert list((tmp_path / "notebooks").iterdir()) == []


@pytest.mark.book
@pytest.mark.parametrize("source", CHAPTERS, ids=[path.stem for path in CHAPTERS])
def test_the_offered_ipynb_holds_the_outputs_the_page_shows(source):
    """The page's .ipynb (download menu) carries the executed outputs, taken from the execution cache when myst-nb
    read the page from it: every chart of the chapter is there."""
    docname = source.relative_to(ROOT).with_suffix("").as_posix()
    notebook = nbformat.read(HTML_DIR / "_sources" / f"{docname}.ipynb", as_version=4)
    assert chart_outputs(notebook) == chart_figures(source)
