"""The ``{oldstyle}`` role: an Old Style date given once, shown in both calendars.

``{oldstyle}`1917-10-24``` renders "24 October 1917 OS = 6 November 1917 NS", computed by
:mod:`coup1917.calendar`, so no New Style date in the edition is typed by hand. It is meant for editorial matter
(margin notes); a date that is not a valid Old Style day fails the build with the file and line.
"""

from docutils import nodes
from sphinx.application import Sphinx

from coup1917.calendar import dual_date


def oldstyle_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    try:
        rendered = dual_date(text)
    except ValueError as error:
        message = inliner.reporter.error(f"{{{name}}}: {error}", line=lineno)
        return [inliner.problematic(rawtext, rawtext, message)], [message]
    return [nodes.inline(rawtext, rendered, classes=["edition-date"])], []


def setup(app: Sphinx) -> dict:
    app.add_role("oldstyle", oldstyle_role)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
