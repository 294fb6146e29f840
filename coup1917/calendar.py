"""Old Style (Julian) and New Style (Gregorian) dates, by convertdate's arithmetic (12 days before March 1900, 13
after). Russia wrote Old Style dates up to 31 January 1918 and New Style ones from 14 February 1918; the days between
were never written there, so they are refused. An Old Style date is an ISO string of the Julian year, month and day.
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


def _parts(iso: str, what: str = "a date") -> tuple[int, int, int]:
    match = _ISO.fullmatch(iso.strip())
    if not match:
        raise ValueError(f"{iso!r} is not {what} written yyyy-mm-dd")
    return int(match[1]), int(match[2]), int(match[3])


def to_new_style(old_style: str) -> date:
    """The New Style (Gregorian) date of an Old Style (Julian) one given as yyyy-mm-dd."""
    year, month, day = _parts(old_style, "an Old Style date")
    if not 1 <= month <= 12 or not 1 <= day <= julian.month_length(year, month):
        raise ValueError(f"{old_style!r} is not a day of the Julian calendar")
    if (year, month, day) > _parts(LAST_OLD_STYLE_DAY):
        raise ValueError(f"{old_style!r} is after {LAST_OLD_STYLE_DAY}, the last day Russia kept Old Style")
    return date(*julian.to_gregorian(year, month, day))


def spelled(iso: str) -> str:
    """'1917-10-25' -> '25 October 1917' (no calendar arithmetic: the same numbers, written out)."""
    year, month, day = (int(part) for part in iso.split("-"))
    return f"{day} {MONTHS[month - 1]} {year}"


def calendar_of(written: str) -> str:
    """"OS" for a date Russians wrote in the Old Style (to 31 January 1918), "NS" for one after the switch."""
    parts = _parts(written)
    if parts <= _parts(LAST_OLD_STYLE_DAY):
        return "OS"
    if parts < FIRST_NEW_STYLE_DAY.timetuple()[:3]:
        raise ValueError(f"{written!r} falls in the days Russia skipped: {LAST_OLD_STYLE_DAY} (Old Style) was "
                         f"followed by {FIRST_NEW_STYLE_DAY.isoformat()} (New Style)")
    try:
        date(*parts)
    except ValueError:
        raise ValueError(f"{written!r} is not a day of the Gregorian calendar") from None
    return "NS"


def new_style_of(written: str) -> date:
    """The New Style day of a date as Russians wrote it: converted before the switch, the same day after it."""
    return to_new_style(written) if calendar_of(written) == "OS" else date.fromisoformat(written.strip())


def as_written(written: str) -> str:
    """A date as Russians wrote it, as the margin notes give it: both calendars before the switch, the New Style
    alone after it ("10 July 1918 NS")."""
    return dual_date(written) if calendar_of(written) == "OS" else f"{spelled(written.strip())} NS"


def dual_date(old_style: str) -> str:
    """'1917-10-24' -> '24 October 1917 OS = 6 November 1917 NS', the form of the margin notes."""
    return f"{spelled(old_style.strip())} OS = {spelled(to_new_style(old_style).isoformat())} NS"
