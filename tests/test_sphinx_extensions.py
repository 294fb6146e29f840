"""The edition's Sphinx extensions, on a tiny throwaway book built in a temporary directory.

Each bad input must stop the build (``-W``) with a message that names the file and the line; the marks of slips
must be collected onto the Textual notes list also when pages are read in parallel. A plain Sphinx build with
myst-parser and the same extensions (not the whole Jupyter Book) keeps these tests to a few seconds.
"""

import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

CONF = """
extensions = ["myst_parser", "sphinxcontrib.bibtex", "coup1917.sphinx"]
bibtex_bibfiles = ["refs.bib"]
bibtex_default_style = "edition_author_year"
nitpicky = True
exclude_patterns = ["_build"]
"""
BIB = "@book{known, author = {Author, Ann}, title = {A Book}, publisher = {P}, address = {Q}, year = {2000}}\n"


def build(tmp_path: Path, pages: dict[str, str], *extra: str) -> subprocess.CompletedProcess:
    source = tmp_path / "src"
    source.mkdir()
    (source / "conf.py").write_text(CONF, encoding="utf-8")
    (source / "refs.bib").write_text(BIB, encoding="utf-8")
    for name, text in pages.items():
        (source / name).write_text(text, encoding="utf-8")
    return subprocess.run([sys.executable, "-m", "sphinx", "-b", "html", "-W", "--keep-going", "-q", *extra,
                           str(source), str(tmp_path / "out")], capture_output=True, text=True, timeout=120)


BAD_PAGE = """# A page

Line three cites an unknown key {cite:p}`nosuchkey`.

Line five uses an unknown term {term}`No such term`.

Line seven refers to {doc}`nosuchpage` and to {ref}`nosuchlabel`.

Line nine marks a slip without its correction: {sic}`teh`.

Line eleven gives a date after the switch: {oldstyle}`1918-02-01`.

Line thirteen links a printed marker to an unknown key: {printed-cite}`(A Book) <nokey>`.

Line fifteen names a real term {term}`Known term`, cites {cite:p}`known`, dates {oldstyle}`1917-10-25`.

Line seventeen gives a day Russia skipped: {date}`1918-02-05`.

Line nineteen dates {date}`1917-10-25` and {date}`1924-01-31`, both good.

```{glossary}
Known term
  Defined here.
```

```{bibliography}
```
"""


@pytest.fixture(scope="module")
def bad_build(tmp_path_factory) -> subprocess.CompletedProcess:
    return build(tmp_path_factory.mktemp("bad"), {"index.md": BAD_PAGE})


@pytest.mark.build
def test_the_bad_book_fails(bad_build):
    assert bad_build.returncode != 0


@pytest.mark.build
@pytest.mark.parametrize("line, message", [
    (3, 'could not find bibtex key "nosuchkey"'),
    (5, "term not in glossary: 'No such term'"),
    (7, "unknown document: 'nosuchpage'"),
    (7, "undefined label: 'nosuchlabel'"),
    (9, "needs the words as printed, the reading and the reason"),
    (11, "is after 1918-01-31, the last day Russia kept Old Style"),
    (13, 'could not find bibtex key "nokey"'),
    (17, "falls in the days Russia skipped"),
])
def test_each_bad_input_is_reported_with_file_and_line(bad_build, line, message):
    reported = [entry for entry in bad_build.stderr.splitlines() if message in entry]
    assert reported, f"no message containing {message!r} in:\n{bad_build.stderr}"
    assert any(f"index.md:{line}:" in entry for entry in reported), reported


@pytest.mark.build
def test_good_input_is_not_reported(bad_build):
    assert "index.md:15:" not in bad_build.stderr, bad_build.stderr
    assert "index.md:19:" not in bad_build.stderr, bad_build.stderr


CHAPTER = """---
copy-text: true
---
# Chapter {n}

The author wrote {{sic}}`teh{n} :: the{n} :: misspelling {n}` and {{printed-cite}}`(A Book) <known>`.
"""
NOTES = """# Notes

```{textual-notes}
```

```{bibliography}
```

```{toctree}
one
two
```
"""


@pytest.mark.build
def test_marks_are_collected_from_pages_read_in_parallel(tmp_path):
    result = build(tmp_path, {"index.md": NOTES, "one.md": CHAPTER.format(n=1), "two.md": CHAPTER.format(n=2)},
                   "-j", "2")
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    rows = [[cell.get_text(" ", strip=True) for cell in row.find_all("td")]
            for row in BeautifulSoup(html, "html.parser").select("table.textual-notes tbody tr")]
    assert rows == [["Chapter 1, source line 6", "teh1", "the1", "misspelling 1"],
                    ["Chapter 2, source line 6", "teh2", "the2", "misspelling 2"]]
    chapter = BeautifulSoup((tmp_path / "out" / "one.html").read_text(encoding="utf-8"), "html.parser")
    link = chapter.select_one("a.printed-citation")
    assert link.get_text() == "(A Book)" and link["href"].startswith("index.html#")
    # Paragraph numbers run on across pages in the order of the toctree, also when pages are read in parallel.
    for page, number in (("one", 1), ("two", 2)):
        paragraph = BeautifulSoup((tmp_path / "out" / f"{page}.html").read_text(encoding="utf-8"),
                                  "html.parser").find(id=f"para-{number}")
        assert paragraph is not None and paragraph.name == "p", page
        marker = paragraph.select_one("span.paragraph-number.editorial")
        assert marker.select_one("a.paragraph-link").get_text() == f"¶{number}"
        assert marker.select_one("a.paragraph-cite")["href"].endswith("how-to-cite.html#cite-a-paragraph")
    mark = chapter.select_one("span.sic")
    assert mark.select_one(".sic-printed").get_text() == "teh1"
    assert "editorial" not in mark.select_one(".sic-printed")["class"]
    assert "editorial" in mark.select_one(".sic-reading")["class"]
