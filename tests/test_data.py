"""coup1917.data: the tables load through their schemas, agree with the essay, and bad files stop with a message
naming the file, the row and the field. The broken fixtures are in tests/fixtures/election-1917/."""

from pathlib import Path

import nbformat
import pandas as pd
import pytest
from bs4 import BeautifulSoup
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from coup1917 import COPY_TEXT
from coup1917.build.checks.html_text import NOT_AUTHORIAL
from coup1917.data import DataError, load_table

FIXTURES = Path(__file__).parent / "fixtures" / "election-1917"
ELECTION_PAGE = "chapters/04-the-constituent-assembly-election.html"


def load_fixture(name: str):
    return load_table("election-1917", FIXTURES / name)


def error_for(name: str) -> str:
    with pytest.raises(DataError) as caught:
        load_fixture(name)
    message = str(caught.value)
    assert str(FIXTURES / name) in message, message
    return message


# --- the real tables ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["election-1917", "election-1917-pipes", "election-1917-pipes-groups",
                                  "bodies-1917", "chronology"])
def test_every_table_loads(name):
    assert len(load_table(name)) > 0


def test_the_election_csv_is_the_table_in_the_reading_text(built_pages):
    """Cell by cell: the CSV's printed columns against the table as the built book shows it (which the fidelity
    test holds to the copy-text)."""
    table = BeautifulSoup(built_pages[ELECTION_PAGE], "html.parser").select_one("table#table-election-results")
    assert table is not None, f"no table#table-election-results in {ELECTION_PAGE}"
    for editorial in table.select(NOT_AUTHORIAL):  # e.g. a slip's corrected reading: the CSV is as printed
        editorial.decompose()
    header = [" ".join(th.get_text().split()) for th in table.select("thead th")]
    assert header == ["Party", "# of Votes (000's)", "Percent of Vote"]
    shown = [[" ".join(td.get_text().split()) for td in tr.select("td")] for tr in table.select("tbody tr")]
    election = load_table("election-1917")
    from_csv = [[row.party, f"{row.votes_thousands:,}", f"{row.percent_printed:.1f}%"]
                for row in election.itertuples()]
    assert len(shown) == len(from_csv)
    for number, (in_book, in_csv) in enumerate(zip(shown, from_csv), start=1):
        assert in_book == in_csv, f"row {number}: the book shows {in_book}, the CSV holds {in_csv}"
    assert list(election.editorial_printed_row) == list(range(1, len(election) + 1))


def test_the_bodies_figures_are_the_essays_words():
    lines = COPY_TEXT.read_text(encoding="utf-8").split("\n")
    for body in load_table("bodies-1917").itertuples():
        line = lines[body.copy_text_line - 1]
        assert body.words_in_essay in line, f"{body.body}: not on copy-text line {body.copy_text_line}"
        assert body.name_in_essay in line
        for count in (body.members_total, body.bolshevik_members, body.bolshevik_left_sr_percent_printed):
            if not pd.isna(count) and count > 0:  # an empty cell is a figure the essay does not give
                assert f"{count:g}" in body.words_in_essay, f"{body.body}: {count} is not in the essay's words"


def test_every_pipes_row_matches_one_essay_row():
    essay = set(load_table("election-1917").party)
    pipes = load_table("election-1917-pipes")
    assert set(pipes.editorial_party_in_essay) == essay


# --- bad data, one case each ----------------------------------------------------------------------------------

def test_a_valid_fixture_loads():
    assert list(load_fixture("valid.csv").party) == ["Bolsheviks", "Left SRs"]


def test_a_missing_column_is_named():
    message = error_for("missing-column.csv")
    assert "header, field 'percent_printed'" in message or "header, field 'editorial_printed_row'" in message
    assert "missing-label" in message


def test_an_extra_column_is_reported():
    assert "extra-label" in error_for("extra-column.csv")


def test_a_wrong_header_is_named():
    message = error_for("wrong-header.csv")
    assert "header, field 'votes_thousands': incorrect-label" in message and 'Label "votes"' in message


def test_non_numeric_votes_name_the_row_and_field():
    assert "row 2 (line 3), field 'votes_thousands': type-error" in error_for("non-numeric-votes.csv")


def test_negative_votes_name_the_row_and_field():
    message = error_for("negative-votes.csv")
    assert "row 2 (line 3), field 'votes_thousands': constraint-error" in message and '"minimum"' in message


def test_a_duplicate_party_names_the_row():
    assert "row 2 (line 3): primary-key" in error_for("duplicate-party.csv")


def test_an_empty_file_is_refused():
    assert "the source is empty" in error_for("empty.csv")


def test_a_header_without_rows_is_refused():
    assert "number of rows is 0" in error_for("header-only.csv")


@pytest.mark.parametrize("name, row", [("percent-over-100.csv", "row 2 (line 3)"),
                                       ("percent-below-0.csv", "row 1 (line 2)")])
def test_a_percent_outside_0_to_100_names_the_row_and_field(name, row):
    assert f"{row}, field 'percent_printed': constraint-error" in error_for(name)


def test_an_unknown_table_is_refused():
    with pytest.raises(DataError, match="no table named 'elections'"):
        load_table("elections")


@pytest.mark.notebooks
def test_bad_data_stops_a_notebook_run():
    """The same exception stops a kernel run (and so the book build: tests/test_build.py)."""
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "from pathlib import Path\nfrom coup1917.data import load_table\n"
        f"load_table('election-1917', Path({str(FIXTURES / 'negative-votes.csv')!r}))"
    )])
    with pytest.raises(CellExecutionError) as caught:
        NotebookClient(notebook, kernel_name="python3", timeout=60).execute()
    assert "DataError" in str(caught.value) and "negative-votes.csv" in str(caught.value)
