"""coup1917.sphinx.execution_inputs: an edit to a table or a package module re-executes exactly the pages that read
it, on a small book built in a temporary copy of the package and its data.

Each page prints a fresh random token when it runs: a page re-executed shows a new token, a page served from the
cache the old one.
"""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from coup1917 import ROOT
from coup1917.sphinx.execution_inputs import execution_inputs

CONF = """
extensions = ["myst_nb", "coup1917.sphinx.execution_inputs"]
nb_execution_mode = "cache"
nb_execution_raise_on_error = True
exclude_patterns = ["_build"]
"""
HEADER = """---
jupytext:
  text_representation:
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---

# {title}

"""
CELL = "```{{code-cell}} ipython3\nimport uuid\n{code}\nprint('run', uuid.uuid4().hex, 'value', value)\n```\n"
PAGES = {
    "bodies": "from coup1917.data import load_table\nvalue = int(load_table('bodies-1917')['members_total'].sum())",
    "election": "from coup1917 import data\nvalue = len(data.load_table('election-1917'))",
    "calendar": "from coup1917 import calendar\nvalue = calendar.__name__",
    "plain": "value = 1",
}


@pytest.fixture(scope="module")
def book(tmp_path_factory) -> Path:
    """A copy of the package and its data (imported instead of the repository's) and a book of four pages."""
    root = tmp_path_factory.mktemp("execution-inputs")
    shutil.copytree(ROOT / "coup1917", root / "coup1917", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "data", root / "data")
    source = root / "book"
    source.mkdir()
    (source / "conf.py").write_text(CONF, encoding="utf-8")
    toctree = "```{toctree}\n" + "\n".join(PAGES) + "\n```\n"
    (source / "index.md").write_text("# Index\n\n" + toctree, encoding="utf-8")
    for name, code in PAGES.items():
        (source / f"{name}.md").write_text(HEADER.format(title=name) + CELL.format(code=code), encoding="utf-8")
    return root


def build(root: Path) -> dict[str, tuple[str, str]]:
    """Build the book incrementally; page -> (run token, value) as the page shows them. Sphinx and the kernel run
    in the copy (``python -m`` puts the working directory first on sys.path), so they import the copied package."""
    done = subprocess.run([sys.executable, "-m", "sphinx", "-b", "html", "-W", "-q", str(root / "book"),
                           str(root / "out")], capture_output=True, text=True, timeout=300, cwd=root,
                          env={"PATH": str(Path(sys.executable).parent), "PYTHONPATH": str(root),
                               "HOME": str(root)})
    assert done.returncode == 0, done.stderr[-3000:]
    runs = {}
    for name in PAGES:
        html = (root / "out" / f"{name}.html").read_text(encoding="utf-8")
        runs[name] = re.search(r"run (\w+) value (\S+)", html).groups()
    return runs


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def re_executed(before: dict, after: dict) -> set[str]:
    return {name for name in PAGES if before[name][0] != after[name][0]}


@pytest.mark.build
def test_an_edit_re_executes_exactly_the_pages_that_read_the_edited_file(book):
    first = build(book)
    assert re_executed(first, build(book)) == set()  # nothing changed: every page from the cache

    edit(book / "data" / "bodies-1917.csv", "Ispolkom,Iskolpom,101,", "Ispolkom,Iskolpom,102,")
    after_table = build(book)
    assert re_executed(first, after_table) == {"bodies"}
    assert int(after_table["bodies"][1]) == int(first["bodies"][1]) + 1  # the page shows the new data

    edit(book / "coup1917" / "calendar.py", '"""', '"""An edited docstring. ', )
    after_module = build(book)
    assert re_executed(after_table, after_module) == {"calendar"}

    edit(book / "coup1917" / "data.py", '"""', '"""An edited docstring. ')
    assert re_executed(after_module, build(book)) == {"bodies", "election"}


def test_the_inputs_of_the_chapters_are_their_tables_and_the_modules_they_import():
    inputs = set(execution_inputs(ROOT / "chapters" / "03-the-coup.md"))  # named by their path in the book
    assert {path for path in inputs if path.startswith("data/")} == {"data/bodies-1917.csv", "data/datapackage.json"}
    assert {"coup1917/__init__.py", "coup1917/charts.py", "coup1917/data.py"} <= inputs
    assert not any(path.startswith("coup1917/sphinx/") for path in inputs)  # the extensions compute nothing
    assert execution_inputs(ROOT / "chapters" / "01-kerensky-and-the-bolsheviks.md") == {}
