"""Dates in the editors' notes, computed: ``{oldstyle}`` and ``{date}``.

``{oldstyle}`1917-10-24``` renders "24 October 1917 OS = 6 November 1917 NS": an Old Style day given once,
shown in both calendars, the New Style computed by :mod:`coup1917.calendar`.

``{date}`...``` takes a date as Russians wrote it on the day, whichever calendar that was: up to 31 January 1918
an Old Style date, rendered in both calendars as above; from 14 February 1918, when Russia had switched, a New
Style date, rendered as such ("10 July 1918 NS"). So the notes can follow the essay through 1924 without a New
Style date ever being typed beside an Old Style one.

Both are meant for editorial matter (margin notes, the apparatus); a date that is not a day of the calendar it
belongs to, or one of the thirteen days Russia skipped in February 1918, fails the build with the file and line.
"""

from docutils import nodes
from sphinx.application import Sphinx

from coup1917.calendar import as_written, dual_date


def _date_role(render):
    def role(name, rawtext, text, lineno, inliner, options=None, content=None):
        try:
            rendered = render(text)
        except ValueError as error:
            message = inliner.reporter.error(f"{{{name}}}: {error}", line=lineno)
            return [inliner.problematic(rawtext, rawtext, message)], [message]
        return [nodes.inline(rawtext, rendered, classes=["edition-date"])], []
    return role


oldstyle_role = _date_role(dual_date)
date_role = _date_role(as_written)


def setup(app: Sphinx) -> dict:
    app.add_role("oldstyle", oldstyle_role)
    app.add_role("date", date_role)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
