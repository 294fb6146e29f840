"""Old Style (Julian) and New Style (Gregorian) dates of the revolutionary period.

Russia kept the Julian calendar until the Soviet decree that made the day after 31 January 1918 (Old Style) the
14 February 1918 (New Style). The essay and the edition name events by the date Russians wrote at the time, the
Old Style one, and give the New Style one beside it. The arithmetic is convertdate's (a maintained calendar
library), not a hand-kept "+13 days": the difference was 12 days before March 1900 and 13 days after it.

An Old Style date is written as an ISO string ("1917-10-25") whose year, month and day are the Julian ones.

A date "as Russians wrote it" (:func:`as_written`) is the one for any day of the period: Old Style up to
31 January 1918, New Style from 14 February 1918. The thirteen days between (1-13 February 1918 in either
calendar's numbering) were never written in Russia, so they are refused.
"""

from __future__ import annotations

import re
from datetime import date

from convertdate import julian

#: The last day Russia kept Old Style, and the first day it kept New Style.
LAST_OLD_STYLE_DAY = "1918-01-31"
FIRST_NEW_STYLE_DAY = date(1918, 2, 14)

_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"]


def _julian_parts(old_style: str) -> tuple[int, int, int]:
    match = _ISO.fullmatch(old_style.strip())
    if not match:
        raise ValueError(f"{old_style!r} is not an Old Style date written yyyy-mm-dd")
    year, month, day = (int(part) for part in match.groups())
    if not 1 <= month <= 12 or not 1 <= day <= julian.month_length(year, month):
        raise ValueError(f"{old_style!r} is not a day of the Julian calendar")
    if (year, month, day) > _parts(LAST_OLD_STYLE_DAY):
        raise ValueError(f"{old_style!r} is after {LAST_OLD_STYLE_DAY}, the last day Russia kept Old Style")
    return year, month, day


def _parts(iso: str) -> tuple[int, int, int]:
    year, month, day = (int(part) for part in iso.split("-"))
    return year, month, day


def to_new_style(old_style: str) -> date:
    """The New Style (Gregorian) date of an Old Style (Julian) one given as yyyy-mm-dd."""
    return date(*julian.to_gregorian(*_julian_parts(old_style)))


def spelled(iso: str) -> str:
    """'1917-10-25' -> '25 October 1917' (no calendar arithmetic: the same numbers, written out)."""
    year, month, day = _parts(iso)
    return f"{day} {MONTHS[month - 1]} {year}"


def calendar_of(written: str) -> str:
    """"OS" for a date Russians wrote in the Old Style (to 31 January 1918), "NS" for one after the switch."""
    match = _ISO.fullmatch(written.strip())
    if not match:
        raise ValueError(f"{written!r} is not a date written yyyy-mm-dd")
    parts = tuple(int(part) for part in match.groups())
    if parts <= _parts(LAST_OLD_STYLE_DAY):
        return "OS"
    if parts < (FIRST_NEW_STYLE_DAY.year, FIRST_NEW_STYLE_DAY.month, FIRST_NEW_STYLE_DAY.day):
        raise ValueError(f"{written!r} falls in the days Russia skipped: {LAST_OLD_STYLE_DAY} (Old Style) was "
                         f"followed by {FIRST_NEW_STYLE_DAY.isoformat()} (New Style)")
    try:
        date(*parts)
    except ValueError:
        raise ValueError(f"{written!r} is not a day of the Gregorian calendar") from None
    return "NS"


def new_style_of(written: str) -> date:
    """The New Style day of a date as Russians wrote it: converted before the switch, the same day after it."""
    if calendar_of(written) == "OS":
        return to_new_style(written)
    return date.fromisoformat(written.strip())


def as_written(written: str) -> str:
    """A date as Russians wrote it, in the form of the margin notes: both calendars before the switch
    ("24 October 1917 OS = 6 November 1917 NS"), the New Style alone after it ("10 July 1918 NS")."""
    if calendar_of(written) == "OS":
        return dual_date(written)
    return f"{spelled(written.strip())} NS"


def dual_date(old_style: str) -> str:
    """'1917-10-24' -> '24 October 1917 OS = 6 November 1917 NS', the form of the margin notes."""
    new_style = to_new_style(old_style)
    return f"{spelled(old_style.strip())} OS = {spelled(new_style.isoformat())} NS"
