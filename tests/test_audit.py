"""coup1917.audit: the arithmetic the audit page and chapter 5 glue, on the real tables and on small cases."""

import pandas as pd
import pytest

from coup1917 import audit
from coup1917.data import load_table


@pytest.fixture(scope="module")
def essay():
    return load_table("election-1917")


@pytest.fixture(scope="module")
def pipes():
    return load_table("election-1917-pipes")


def table(rows):
    return pd.DataFrame(rows, columns=["party", "votes_thousands", "percent_printed", "editorial_printed_row"])


def test_shares_flag_a_percentage_that_is_not_a_rounding_of_its_votes():
    checked = audit.shares(table([("A", 75, 75.0, 1), ("B", 25, 24.0, 2)]))
    assert list(checked.agrees) == [True, False]
    assert checked.percent_recomputed.tolist() == [75.0, 25.0]


def test_the_implied_total_is_the_range_every_printed_percentage_allows():
    implied = audit.implied_total(table([("A", 40, 40.0, 1), ("B", 60, 60.0, 2)]))
    # 60 of T rounds to 60.0% only for 99.92 <= T <= 100.08, the narrower of the two rows' ranges
    assert 100 in implied and 99.95 in implied and 100.05 in implied
    assert 99.9 not in implied and 100.1 not in implied


def test_the_essays_printed_percentages_do_not_fit_its_own_total(essay):
    assert essay.votes_thousands.sum() not in audit.implied_total(essay)
    assert round(essay.percent_printed.sum(), 1) == 100.3


def test_pipes_total_fits_the_printed_percentages(essay, pipes):
    assert pipes.votes_thousands.sum() in audit.implied_total(essay)
    assert audit.shares(pipes.assign(party=pipes.editorial_party_in_essay)).agrees.all()


def test_the_one_row_that_differs_from_pipes_repeats_the_next_row(essay, pipes):
    changed = audit.differences_from_source(essay, pipes)
    assert list(changed.party) == ["Alash Orda (Kazahkstan)"]
    assert audit.repeats_of_next_row(essay, changed.party) == [
        ("Alash Orda (Kazahkstan)", "Other National Minority Parties")]


def test_governing_share_printed_and_recomputed(essay):
    printed, recomputed = audit.governing_share(essay)
    assert printed == pytest.approx(25.0)
    assert recomputed == pytest.approx(100 * (10661 + 451) / 44577)


def test_governing_share_of_bodies_from_members_or_printed_percent():
    bodies = load_table("bodies-1917")
    share = audit.governing_share_of_bodies(bodies)
    assert share["Sovnarkom"] == 100 and share["Ispolkom"] == pytest.approx(9100 / 101)
    assert share["Third Congress of Soviets"] == 94


def test_a_body_without_members_or_percent_is_refused():
    bodies = load_table("bodies-1917").copy()
    bodies.loc[bodies.body == "Third Congress of Soviets", "bolshevik_left_sr_percent_printed"] = pd.NA
    with pytest.raises(ValueError, match="Third Congress of Soviets"):
        audit.governing_share_of_bodies(bodies)
