"""Citations in author-year style, and the essay's own citation markers linked without changing their words.

``{printed-cite}`(The Russian Revolution) <pipes1990>``` keeps the essay's printed marker as the visible text
(it stays the author's words) and makes it a link to the entry in the bibliography. Underneath it is
sphinxcontrib-bibtex's own ``cite:p`` role, so the entry is listed in the bibliography and an unknown key fails
the build with the file and line, as for any other citation; once references are resolved, the formatted citation
("Pipes 1990") is swapped for the printed words.

The bibliography page lists the works with author-year labels ("Pipes 1990"), in the alphabetical order of the labels,
through a pybtex formatting style registered here under the name ``edition_author_year``.
"""

from __future__ import annotations

from collections import Counter

from docutils import nodes
from docutils.parsers.rst import roles
from pybtex.plugin import register_plugin
from pybtex.style.formatting.unsrt import Style as UnsrtStyle
from pybtex.style.labels import BaseLabelStyle
from pybtex.style.sorting import BaseSortingStyle
from sphinx.application import Sphinx
from sphinx.util.nodes import split_explicit_title


class printed_citation(nodes.inline):
    """The essay's citation marker, holding a ``cite:p`` reference until references are resolved."""


def printed_cite_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    has_key, printed, key = split_explicit_title(text)
    if not has_key:
        message = inliner.reporter.error(
            f"{{{name}}} {text!r} names no bibliography key: write {{{name}}}`printed words <key>`", line=lineno)
        return [inliner.problematic(rawtext, rawtext, message)], [message]
    cite, messages = roles.role("cite:p", inliner.language, lineno, inliner.reporter)
    cite_nodes, cite_messages = cite("cite:p", f"{{cite:p}}`{key}`", key, lineno, inliner, {}, [])
    return [printed_citation(rawtext, "", *cite_nodes, printed=printed)], messages + cite_messages


def show_printed_words(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    for marker in list(doctree.findall(printed_citation)):
        link = next(marker.findall(nodes.reference), None)
        if link is None:  # an unknown key: sphinxcontrib-bibtex has already reported it with file and line
            marker.replace_self(nodes.Text(marker["printed"]))
            continue
        attributes = {key: link[key] for key in ("refuri", "refid", "reftitle", "internal") if key in link}
        marker.replace_self(nodes.reference("", marker["printed"], classes=["printed-citation"], **attributes))


class AuthorYearLabelStyle(BaseLabelStyle):
    """Labels such as "Pipes 1990" or "Presidential Library n.d."; a ``shorthand`` field wins if there is one.

    Works that would share a label are told apart by a letter, in the sorted order: "n.d.a", "n.d.b".
    """

    def format_labels(self, sorted_entries):
        labels = [self._label(entry) for entry in sorted_entries]
        counts = Counter(labels)
        seen: Counter = Counter()
        for label in labels:
            if counts[label] > 1:
                seen[label] += 1
                label += "abcdefghijklmnopqrstuvwxyz"[seen[label] - 1]
            yield label

    @staticmethod
    def _label(entry) -> str:
        if "shorthand" in entry.fields:  # a work known by a short name, such as the copy-text
            return _plain(entry.fields["shorthand"])
        persons = entry.persons.get("author") or entry.persons.get("editor") or []
        surnames = [" ".join(person.last_names) for person in persons]
        if len(surnames) > 2:
            who = f"{surnames[0]} et al."
        elif surnames:
            who = " and ".join(surnames)
        else:
            who = entry.fields.get("organization", entry.fields.get("title", "Anonymous"))
        return f"{_plain(who)} {entry.fields.get('year', 'n.d.')}"


def _plain(text: str) -> str:
    return str(text).replace("{", "").replace("}", "")


class AuthorYearSortingStyle(BaseSortingStyle):
    """The alphabetical order of the author-year labels."""

    def sorting_key(self, entry):
        return AuthorYearLabelStyle._label(entry).casefold()


class AuthorYearStyle(UnsrtStyle):
    """Unsrt's entries, labelled by author and year and listed in the alphabetical order of their labels.

    The order is a sorting style, not a ``sort`` method: pybtex's BaseStyle sets ``self.sort`` from its sorting
    style when it is made, which would shadow a method defined here.
    """

    default_label_style = "edition_author_year"
    default_sorting_style = "edition_author_year"


def setup(app: Sphinx) -> dict:
    register_plugin("pybtex.style.labels", "edition_author_year", AuthorYearLabelStyle)
    register_plugin("pybtex.style.sorting", "edition_author_year", AuthorYearSortingStyle)
    register_plugin("pybtex.style.formatting", "edition_author_year", AuthorYearStyle)
    app.add_role("printed-cite", printed_cite_role)
    app.connect("doctree-resolved", show_printed_words)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
