"""Dates in the editors' notes, computed: ``{oldstyle}`` and ``{date}``.

``{oldstyle}`1917-10-24``` renders "24 October 1917 OS = 6 November 1917 NS": an Old Style day given once,
shown in both calendars, the New Style computed by :mod:`coup1917.calendar`.

``{date}`...``` takes a date as Russians wrote it on the day, whichever calendar that was: up to 31 January 1918
an Old Style date, rendered in both calendars as above; from 14 February 1918, when Russia had switched, a New
Style date, rendered as such ("10 July 1918 NS"). So the notes can follow the essay through 1924 without a New
Style date ever being typed beside an Old Style one.

The essay's own dates, "October 24 (old calendar)", are marked where they stand, the words
unchanged (a ``<span class="essay-date">``), with the day they name in both calendars, for the TEI edition's
``<date>``.

Both roles are meant for editorial matter (margin notes, the apparatus); a date that is not a day of the calendar it
belongs to, or one of the thirteen days Russia skipped in February 1918, fails the build with the file and line.
"""

import re

from docutils import nodes
from sphinx.application import Sphinx

from coup1917.calendar import MONTHS, as_written, calendar_of, dual_date, new_style_of, to_new_style
from coup1917.sphinx.apparatus.editorial import is_text_page
from coup1917.sphinx.apparatus.paragraphs import _is_essay_paragraph

#: The class of an editors' date (the roles below), and of a date in the essay's words.
EDITION_DATE, ESSAY_DATE = "edition-date", "essay-date"


def _date_role(render):
    def role(name, rawtext, text, lineno, inliner, options=None, content=None):
        try:
            rendered = render(text)
        except ValueError as error:
            message = inliner.reporter.error(f"{{{name}}}: {error}", line=lineno)
            return [inliner.problematic(rawtext, rawtext, message)], [message]
        return [nodes.inline(rawtext, rendered, classes=[EDITION_DATE], **_calendars(text.strip()))], []
    return role


def _calendars(written: str) -> dict[str, str]:
    """The node's record of the day for writers that encode dates (the TEI): ``when`` the New Style day,
    ``old_style`` the Old Style one when Russians wrote that."""
    when = {"when": new_style_of(written).isoformat()}
    return when | {"old_style": written} if calendar_of(written) == "OS" else when


oldstyle_role = _date_role(dual_date)
date_role = _date_role(as_written)


#: The essay names Old Style days by month and day, all of them in 1917, the year of its title.
ESSAY_YEAR = 1917
_ESSAY_DATE_WORDS = re.compile(r"\b(?P<month>" + "|".join(MONTHS) + r") (?P<day>\d{1,2}) \(old calendar\)")


def mark_essay_dates(app: Sphinx, doctree: nodes.document) -> None:
    if not is_text_page(app.env.metadata[app.env.docname]):
        return
    for text in list(doctree.findall(nodes.Text)):
        if not (isinstance(text.parent, nodes.paragraph) and _is_essay_paragraph(text.parent)):
            continue
        value, pieces, last = str(text), [], 0
        for match in _ESSAY_DATE_WORDS.finditer(value):
            old_style = f"{ESSAY_YEAR}-{MONTHS.index(match['month']) + 1:02d}-{int(match['day']):02d}"
            # the words unchanged (no editorial class: they are the author's); the day for the TEI's <date>
            pieces += [nodes.Text(value[last:match.start()]),
                       nodes.inline(match[0], match[0], classes=[ESSAY_DATE], old_style=old_style,
                                    when=to_new_style(old_style).isoformat())]
            last = match.end()
        if pieces:
            text.parent.replace(text, [*pieces, nodes.Text(value[last:])])


def setup(app: Sphinx) -> dict:
    # After the paragraph numbers (700), which tell the essay's paragraphs; before the register's names (750).
    app.connect("doctree-read", mark_essay_dates, priority=740)
    app.add_role("oldstyle", oldstyle_role)
    app.add_role("date", date_role)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
