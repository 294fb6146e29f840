"""Old Style <-> New Style, against dates whose both forms are well attested."""

from datetime import date

import pytest

from convertdate import julian

from coup1917.calendar import as_written, calendar_of, dual_date, new_style_of, to_new_style


def to_old_style(new_style: date) -> str:
    """The Old Style date of a New Style day, as yyyy-mm-dd: the inverse the conversion must agree with."""
    year, month, day = julian.from_gregorian(new_style.year, new_style.month, new_style.day)
    return f"{year:04d}-{month:02d}-{day:02d}"


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
    assert (calendar_of("1918-01-31"), new_style_of("1918-01-31")) == ("OS", date(1918, 2, 13))
    assert (calendar_of("1918-02-14"), new_style_of("1918-02-14")) == ("NS", date(1918, 2, 14))
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


@pytest.mark.parametrize("written, calendar, new_style, rendered", [
    ("1917-10-25", "OS", date(1917, 11, 7), "25 October 1917 OS = 7 November 1917 NS"),
    ("1918-01-31", "OS", date(1918, 2, 13), "31 January 1918 OS = 13 February 1918 NS"),
    ("1918-02-14", "NS", date(1918, 2, 14), "14 February 1918 NS"),   # the first day of the New Style in Russia
    ("1918-07-10", "NS", date(1918, 7, 10), "10 July 1918 NS"),       # the first Soviet constitution adopted
    ("1922-12-30", "NS", date(1922, 12, 30), "30 December 1922 NS"),  # the treaty forming the USSR approved
])
def test_dates_as_russians_wrote_them(written, calendar, new_style, rendered):
    assert calendar_of(written) == calendar
    assert new_style_of(written) == new_style
    assert as_written(written) == rendered


@pytest.mark.parametrize("skipped", ["1918-02-01", "1918-02-07", "1918-02-13"])
def test_the_skipped_days_of_february_1918_are_refused(skipped):
    with pytest.raises(ValueError, match="the days Russia skipped"):
        as_written(skipped)


@pytest.mark.parametrize("bad, message", [
    ("1923-02-29", "not a day of the Gregorian calendar"),
    ("1917-02-29", "not a day of the Julian calendar"),
    ("10 July 1918", "not a date written yyyy-mm-dd"),
])
def test_bad_written_dates_are_refused(bad, message):
    with pytest.raises(ValueError, match=message):
        as_written(bad)
