"""bench/bench.py's helpers (the benchmark itself runs with `make bench`, not in the test suite): the edits it
times, its independent list of the pages a table feeds, and the baseline it builds."""

import importlib.util
import sys
from pathlib import Path

import pytest
import yaml

from coup1917 import ROOT
from tests.support import copy_book
from coup1917.sphinx.execution_inputs import execution_inputs

# bench/ is a script's folder, not a package: load the script as a module (registered, for its dataclasses).
spec = importlib.util.spec_from_file_location("coup1917_bench", ROOT / "bench" / "bench.py")
bench = sys.modules["coup1917_bench"] = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bench)


@pytest.fixture(scope="module")
def copy(tmp_path_factory) -> Path:
    return copy_book(tmp_path_factory.mktemp("bench") / "book")


def changed_lines(before: str, after: str) -> list[tuple[str, str]]:
    return [(old, new) for old, new in zip(before.splitlines(), after.splitlines()) if old != new]


def test_the_prose_edit_changes_one_line_of_running_text(copy):
    page = copy / bench.PROSE_PAGE
    before = page.read_text()
    bench.edit_prose_line(copy)
    ((old, new),) = changed_lines(before, page.read_text())
    assert new == old + " Edited." and not old.startswith(("#", ":", "`", "{"))


def test_the_data_edit_changes_one_cell_of_the_table(copy):
    table = copy / "data" / f"{bench.EDITED_TABLE}.csv"
    before = table.read_text()
    bench.edit_table(copy)
    ((old, new),) = changed_lines(before, table.read_text())
    assert new.replace(' Edited."', '"') == old


def test_the_pages_a_table_feeds_agree_with_the_execution_inputs():
    expected = bench.pages_reading(ROOT, bench.EDITED_TABLE)
    assert expected  # the benchmark's data edit must re-execute some page
    table = f"data/{bench.EDITED_TABLE}.csv"
    assert expected == sorted(f"chapters/{page.stem}" for page in (ROOT / "chapters").glob("*.md")
                              if table in execution_inputs(page))


def test_the_baseline_inlines_plotly_js_and_switches_the_editions_off(copy):
    bench.make_baseline(copy)
    assert yaml.safe_load((copy / "_config.yml").read_text())["sphinx"]["config"]["edition_plotly_bundle"] is False
    chart_pages = bench.chart_pages_sources(copy)
    assert len(chart_pages) >= 4
    for page in chart_pages:
        front_matter, after = page.read_text().split("\n---\n", 1)
        assert after.startswith(bench.BASELINE_SETUP_CELL), page


def test_lighthouse_mobile_covers_every_page_type_and_the_report_judges_each_against_the_goals():
    assert set(bench.MOBILE_PAGES) == {"landing", "text chapter", "chart chapter", "audit", "chronology", "glossary"}
    assert all((ROOT / "chapters" / Path(page).with_suffix(".md").name).exists()
               for page in bench.MOBILE_PAGES.values())
    figures = {"FCP": 1500, "LCP": 1800, "TBT": 20, "bytes": 300_000, "failing": [], "seo": 100}
    results = {"landing": {"page": "chapters/index.html", "performance": 95, "accessibility": 100,
                           "best-practices": 100, "performance_runs": [94, 95, 97], **figures},
               "glossary": {"page": "chapters/glossary.html", "performance": 94, "accessibility": 100,
                            "best-practices": 100, "performance_runs": [94, 94, 99], **figures}}
    rows = {line.split(" | ")[0].lstrip("| "): line for line in bench.mobile_report(results) if line.startswith("| ")
            and "page type" not in line}
    assert "| met |" in rows["landing"] and "| **missed** |" in rows["glossary"]
