"""Dates: ``{oldstyle}`1917-10-24``` in both calendars; ``{date}`` as Russians wrote it on the day (Old Style up to
31 January 1918, then New Style), for the editors' notes, a day not of its calendar failing the build; the essay's
"October 24 (old calendar)" marked in place, words unchanged, with its day in both calendars for the TEI's <date>."""

import re
from functools import partial

from docutils import nodes
from sphinx.application import Sphinx

from coup1917.calendar import MONTHS, as_written, calendar_of, dual_date, new_style_of, to_new_style
from coup1917.sphinx.apparatus import mark_matches
from coup1917.sphinx.apparatus.paragraphs import paragraph_number

#: The class of an editors' date (the roles below), and of a date in the essay's words.
EDITION_DATE, ESSAY_DATE = "edition-date", "essay-date"
#: The essay names Old Style days by month and day, all of them in 1917, the year of its title.
ESSAY_YEAR = 1917
_ESSAY_DATE_WORDS = re.compile(r"\b(?P<month>" + "|".join(MONTHS) + r") (?P<day>\d{1,2}) \(old calendar\)")


def _date_role(render, name, rawtext, text, lineno, inliner, options=None, content=None):
    try:
        rendered = render(text)
    except ValueError as error:
        message = inliner.reporter.error(f"{{{name}}}: {error}", line=lineno)
        return [inliner.problematic(rawtext, rawtext, message)], [message]
    written = text.strip()
    # for writers that encode dates (the TEI): the New Style day, and the Old Style one when Russians wrote that
    calendars = {"when": new_style_of(written).isoformat()}
    calendars |= {"old_style": written} if calendar_of(written) == "OS" else {}
    return [nodes.inline(rawtext, rendered, classes=[EDITION_DATE], **calendars)], []


def _essay_date(match: re.Match) -> nodes.inline:
    """The words unchanged (no editorial class: they are the author's), the day for the TEI's <date>."""
    old_style = f"{ESSAY_YEAR}-{MONTHS.index(match['month']) + 1:02d}-{int(match['day']):02d}"
    return nodes.inline(match[0], match[0], classes=[ESSAY_DATE], old_style=old_style,
                        when=to_new_style(old_style).isoformat())


def mark_essay_dates(app: Sphinx, doctree: nodes.document) -> None:
    """In the essay's paragraphs: those the paragraph numbers have found (a number starts each)."""
    for marker in list(doctree.findall(paragraph_number)):
        for text in [child for child in marker.parent.children if isinstance(child, nodes.Text)]:
            mark_matches(text, _ESSAY_DATE_WORDS, _essay_date)


def setup(app: Sphinx) -> dict:
    # After the paragraph numbers (700), which tell the essay's paragraphs; before the register's names (750).
    app.connect("doctree-read", mark_essay_dates, priority=740)
    app.add_role("oldstyle", partial(_date_role, dual_date))
    app.add_role("date", partial(_date_role, as_written))
    return {"parallel_read_safe": True, "parallel_write_safe": True}
