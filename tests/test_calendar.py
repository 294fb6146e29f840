"""Old Style <-> New Style, against dates whose both forms are well attested."""

from datetime import date

import pytest

from coup1917.calendar import dual_date, russian_date, to_new_style, to_old_style


@pytest.mark.parametrize("old_style, new_style", [
    ("1917-02-23", date(1917, 3, 8)),     # the February Revolution began on International Women's Day, 8 March NS
    ("1917-10-25", date(1917, 11, 7)),    # the October Revolution, celebrated in the USSR on 7 November
    ("1918-01-05", date(1918, 1, 18)),    # the Constituent Assembly opened
    ("1917-12-31", date(1918, 1, 13)),    # the Julian New Year's Eve falls in the Gregorian new year
    ("1918-01-31", date(1918, 2, 13)),    # the last Old Style day
    ("1900-02-29", date(1900, 3, 13)),    # a Julian leap day that the Gregorian calendar lacks ...
    ("1900-02-28", date(1900, 3, 12)),    # ... before which the difference was 12 days, not 13
])
def test_known_dates(old_style, new_style):
    assert to_new_style(old_style) == new_style
    assert to_old_style(new_style) == old_style


def test_the_february_1918_switch():
    """Russia went from 31 January 1918 OS straight to 14 February 1918 NS."""
    assert russian_date(date(1918, 2, 13)) == ("1918-01-31", "OS")
    assert russian_date(date(1918, 2, 14)) == ("1918-02-14", "NS")
    with pytest.raises(ValueError, match="after 1918-01-31, the last day Russia kept Old Style"):
        to_new_style("1918-02-01")


@pytest.mark.parametrize("bad, message", [
    ("1917-02-29", "not a day of the Julian calendar"),   # 1917 was no leap year in either calendar
    ("24 October 1917", "not an Old Style date written yyyy-mm-dd"),
    ("1917-13-01", "not a day of the Julian calendar"),
])
def test_bad_dates_are_refused(bad, message):
    with pytest.raises(ValueError, match=message):
        to_new_style(bad)


def test_dual_date_wording():
    assert dual_date("1917-10-24") == "24 October 1917 OS = 6 November 1917 NS"
