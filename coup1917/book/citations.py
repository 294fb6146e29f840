"""The edition's author-year citation style ("Pipes 1990", "Presidential Library n.d."), one definition for the
book's bibliography (:mod:`coup1917.sphinx.apparatus.citations` registers it with pybtex) and the runnable
downloads' notes."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from pybtex.database import parse_file
from pybtex.style.formatting.unsrt import Style as UnsrtStyle
from pybtex.style.labels import BaseLabelStyle
from pybtex.style.sorting import BaseSortingStyle

STYLE_NAME = "edition_author_year"  # under which the styles are registered as pybtex plugins


class AuthorYearLabelStyle(BaseLabelStyle):
    """Works that would share a label are told apart by a letter, in the sorted order: "n.d.a", "n.d.b"."""

    def format_labels(self, sorted_entries):
        labels = [self._label(entry) for entry in sorted_entries]
        counts, seen = Counter(labels), Counter()
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
    def sorting_key(self, entry):
        return AuthorYearLabelStyle._label(entry).casefold()


class AuthorYearStyle(UnsrtStyle):
    """The order is a sorting style, not a ``sort`` method: pybtex's BaseStyle sets ``self.sort`` from its sorting
    style when it is made, which would shadow a method defined here."""

    default_label_style = STYLE_NAME
    default_sorting_style = STYLE_NAME


def author_year_labels(bibfile: Path) -> dict[str, str]:
    return {key: label for key, (label, _) in formatted_entries(bibfile, "text").items()}


def formatted_entries(bibfile: Path, markup: str) -> dict[str, tuple[str, str]]:
    """Each work's label and text as the bibliography page formats them, in ``markup`` (pybtex's backend name)."""
    bibliography = parse_file(str(bibfile), bib_format="bibtex")
    style = AuthorYearStyle(label_style=AuthorYearLabelStyle, sorting_style=AuthorYearSortingStyle)
    return {entry.key: (entry.label, entry.text.render_as(markup))
            for entry in style.format_entries(bibliography.entries.values())}
