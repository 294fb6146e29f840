"""The register of persons, places and bodies (``data/register.csv``, its faults reported as ``file:line``): its names
marked in the essay's paragraphs and table (the words unchanged; the TEI's ``persName``, ``placeName``, ``orgName``)
and in the editors' notes (a linked glossary term, or a form of an entry without one), listed on the register page
(``{register-entries}``) with where they occur; ``{register}`label <id>``` links to an entry."""

import re
from dataclasses import dataclass
from itertools import takewhile
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective
from sphinx.util.nodes import split_explicit_title, traverse_parent

from coup1917.data import DataError, load_table, table_path
from coup1917.sphinx.apparatus import keep_per_page, link, mark_matches, per_page
from coup1917.sphinx.apparatus.citations import printed_citation
from coup1917.sphinx.apparatus.editorial import EDITORIAL, is_text_page
from coup1917.sphinx.apparatus.paragraphs import offsets, paragraph_number
from coup1917.sphinx.apparatus.sic import sic_mark
from coup1917.sphinx.margins.placement import is_margin

REGISTER_PAGE = "chapters/register"
ANCHOR = "register-{}"
TYPES = {"person": "persName", "place": "placeName", "org": "orgName"}  # the TEI element of each type's names
AUTHORITIES = ("wikidata", "viaf", "gnd")
_ENV_KEY = "edition_register_occurrences"
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Entry:
    id: str
    type: str
    preferred_name: str
    name_forms: tuple[str, ...]
    variants: tuple[str, ...]
    start: str
    end: str
    identification: str
    source: str
    locator: str
    glossary_term: str
    authorities: dict  # wikidata, viaf, gnd -> identifier (only those given)
    authority_source: str

    @property
    def dates(self) -> str:
        return f"{self.start}–{self.end}" if self.start or self.end else ""


class register_mention(nodes.inline):
    """The author's words naming a register entry (``ref``); adds no text."""


class register_reference(nodes.inline):
    """A link to a register entry (``ref``), made a reference once the pages' addresses are known."""


class register_occurrences(nodes.inline):
    """Where the entry ``ref`` occurs: filled in once every page has been read."""


def _split(cell) -> tuple[str, ...]:
    return tuple(part.strip() for part in str(cell or "").split(";") if part.strip())


def read_register(path: Path | None = None) -> dict[str, Entry]:
    """The register's entries by identifier, or :class:`DataError` with the file's faults line by line."""
    table = load_table("register", path).astype(object).where(lambda frame: frame.notna(), "")
    path = Path(path) if path else table_path("register")
    entries, faults = {}, []
    for line, row in enumerate(table.to_dict("records"), start=2):
        authorities = {name: str(row[name]) for name in AUTHORITIES if row[name]}
        if authorities and not row["authority_source"]:
            faults.append((line, f"{', '.join(authorities)} given without authority_source, the address of the "
                                 "stored copy that shows it"))
        entries[row["id"]] = Entry(
            id=row["id"], type=row["type"], preferred_name=row["preferred_name"], name_forms=_split(row["name_forms"]),
            variants=_split(row["variants"]), start=str(row["from"]), end=str(row["to"]),
            identification=row["identification"], source=row["source"], locator=str(row["locator"]),
            glossary_term=row["glossary_term"], authorities=authorities, authority_source=row["authority_source"])
    if faults:
        raise DataError("\n".join(f"{path}:{line}: {message}" for line, message in faults), path, faults)
    return entries


def register_of(app: Sphinx) -> dict[str, Entry]:
    """The entries, read once per build (first as the build starts, so that a fault stops even a build that reads
    no page); a faulty table is reported as ``file:line: message`` and leaves the register empty."""
    if not hasattr(app, "_edition_register"):
        try:
            app._edition_register = read_register(app.config.register_file)
        except DataError as error:
            if not error.path:  # the data package itself is missing or broken: its message names it
                logger.warning(str(error), location=str(error))
            for line, message in error.lines or [(None, str(error))]:
                logger.warning(message, location=f"{error.path}:{line}" if line else f"{error.path}")
            app._edition_register = {}
            app._edition_register_failed = True
    return app._edition_register


def mark_mentions(app: Sphinx, doctree: nodes.document) -> None:
    env = app.env
    env.note_dependency(str(app.config.register_file or table_path("register")))  # read again when it changes
    entries = register_of(app)
    _link_glossary(doctree, entries)
    if not is_text_page(env.metadata[env.docname]):
        return
    # one pattern for every name form, the longest first (so "Left SRs" is not read as "SRs"); without any, none
    owner = {form: entry.id for entry in entries.values() for form in entry.name_forms}
    pattern = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, sorted(owner, key=len, reverse=True)))
                         + r")(?![\w-])" if owner else "(?!)")
    by_term = {entry.glossary_term.casefold(): entry.id for entry in entries.values() if entry.glossary_term}
    # the essay paragraph the nodes so far belong to, the notes since, each name found (a note's paragraph known later)
    index, notes, found = 0, [], []
    for node in list(doctree.findall(nodes.Element)):
        if isinstance(node, paragraph_number):
            index = node["index"]
            for note in notes:  # a note belongs to the paragraph after it
                note["paragraph_index"] = index
            notes = []
            found += [(ref, "text", index) for ref in _wrap_names(node.parent, pattern, owner)]
        elif isinstance(node, nodes.table) and EDITORIAL not in node["classes"]:
            found += [(ref, "table", index) for ref in _wrap_names(node, pattern, owner)]
        elif is_margin(node) and not isinstance(node.parent, addnodes.only):  # not a slip's note (HTML only)
            notes.append(node)
            node["paragraph_index"] = index  # the page's last paragraph unless a later one claims it
            refs = set()
            for xref in node.findall(addnodes.pending_xref):  # a glossary term of an entry: its name, marked
                ref = by_term.get(xref["reftarget"].casefold()) if xref.get("reftype") == "term" else None
                if ref:
                    refs.add(ref)
                    xref[:] = [register_mention("", "", *xref.children, ref=ref)]
            refs |= {owner[match[0]] for text in node.findall(nodes.Text) for match in pattern.finditer(text.astext())
                     if not entries[owner[match[0]]].glossary_term}
            found += [(ref, "note", node) for ref in sorted(refs)]
    per_page(env, _ENV_KEY)[env.docname] = [{"docname": env.docname, "ref": ref, "where": where,
                                             "index": at["paragraph_index"] if where == "note" else at}
                                            for ref, where, at in found]


def _wrap_names(block: nodes.Element, pattern: re.Pattern, owner: dict[str, str]) -> list[str]:
    """Mark each name form in the author's words of ``block``: the text split around it, never changed."""
    found = []
    for mark in list(block.findall(sic_mark)):  # a slip that is a name as printed ("Kazahkstan")
        if mark["printed"] in owner:
            mention = register_mention("", "", ref=owner[mark["printed"]])
            mark.parent.replace(mark, mention)  # not replace_self, which would give the mention the mark's ids
            mention += mark
            found.append(owner[mark["printed"]])
    for text in list(block.findall(nodes.Text)):
        if not _excluded(text, block):
            found += [owner[match[0]] for match in mark_matches(
                text, pattern, lambda match: register_mention(match[0], match[0], ref=owner[match[0]]))]
    return found


def _excluded(text: nodes.Text, block: nodes.Element) -> bool:
    """Editorial matter, a slip's mark (its printed words and reading), the printed citation markers, names marked."""
    within = takewhile(lambda node: node is not block.parent, traverse_parent(text.parent))
    return any(isinstance(node, (sic_mark, printed_citation, paragraph_number, register_mention))
               or EDITORIAL in node["classes"] for node in within)


def _link_glossary(doctree: nodes.document, entries: dict[str, Entry]) -> None:
    """Each glossary entry of a registered term gets a last line: its register entry."""
    by_term = {entry.glossary_term: entry for entry in entries.values() if entry.glossary_term}
    for item in doctree.findall(nodes.definition_list_item):
        term = next(item.findall(nodes.term), None)
        entry = isinstance(item.parent.parent, addnodes.glossary) and term and by_term.get(term.astext())
        if entry:
            next(item.findall(nodes.definition)).append(nodes.paragraph("", "Register: ", register_reference(
                "", entry.preferred_name, ref=entry.id), classes=["register-link"]))


def register_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    app = inliner.document.settings.env.app
    has_title, title, ref = split_explicit_title(text)
    entries = register_of(app)
    if ref not in entries:
        if getattr(app, "_edition_register_failed", False):  # the table's own fault is reported already
            return [nodes.Text(title)], []
        message = inliner.reporter.error(f"{{{name}}} {ref!r} is not in the register (data/register.csv)",
                                         line=lineno)
        return [inliner.problematic(rawtext, rawtext, message)], [message]
    return [register_reference(rawtext, title if has_title else entries[ref].preferred_name, ref=ref)], []


class RegisterEntriesDirective(SphinxDirective):
    """The entries of one type (``person``, ``place``, ``org``), each a paragraph with the entry's anchor."""

    required_arguments = 1

    def run(self):
        kind = directives.choice(self.arguments[0], list(TYPES))
        entries = sorted((entry for entry in register_of(self.env.app).values() if entry.type == kind),
                         key=lambda entry: entry.preferred_name.casefold())
        return [self._entry(entry) for entry in entries]

    def _entry(self, entry: Entry) -> nodes.paragraph:
        paragraph = nodes.paragraph("", "", nodes.strong("", entry.preferred_name),
                                    nodes.Text(f" ({entry.dates}). " if entry.dates else ". "),
                                    ids=[ANCHOR.format(entry.id)], classes=["register-entry"])
        source = f"{entry.source}{{{entry.locator}}}" if entry.locator else entry.source
        paragraph += self._inline(f"{entry.identification} {{cite:p}}`{source}`")
        paragraph += nodes.Text(f" Forms: {'; '.join(dict.fromkeys(entry.name_forms + entry.variants))}.")
        if entry.glossary_term:
            paragraph += [nodes.Text(" Glossary: "), *self._inline(f"{{term}}`{entry.glossary_term}`"), nodes.Text(".")]
        paragraph += [nodes.Text(" Occurs: "), register_occurrences("", "", ref=entry.id)]
        if entry.authorities:
            paragraph += [nodes.Text(" Identifiers: " + "; ".join(
                f"{name.upper() if name != 'wikidata' else 'Wikidata'} {value}"
                for name, value in entry.authorities.items()) + " (as shown in "),
                nodes.reference("", entry.authority_source, refuri=entry.authority_source), nodes.Text(").")]
        return paragraph

    def _inline(self, text: str) -> list[nodes.Node]:
        parsed, messages = self.parse_inline(text)
        return parsed + messages


def occurrences_of(env: BuildEnvironment, root: str) -> dict[str, list[tuple[str, int, str]]]:
    """Each entry's occurrences, in reading order: (docname, paragraph number, "text" | "table" | "note")."""
    page_offsets, found = offsets(env, root), {}
    for item in (item for page in per_page(env, _ENV_KEY).values() for item in page):
        place = (item["docname"], page_offsets.get(item["docname"], 0) + item["index"], item["where"])
        if place not in found.setdefault(item["ref"], []):
            found[item["ref"]].append(place)
    order = {"text": 0, "table": 1, "note": 2}
    return {ref: sorted(places, key=lambda place: (place[1], order[place[2]])) for ref, places in found.items()}


def resolve(app: Sphinx, doctree: nodes.document, fromdocname: str) -> None:
    for placeholder in list(doctree.findall(register_reference)):
        placeholder.replace_self(link(app, fromdocname, placeholder.astext(), REGISTER_PAGE,
                                      ANCHOR.format(placeholder["ref"])))
    occurrences = None
    for placeholder in list(doctree.findall(register_occurrences)):
        occurrences = occurrences or occurrences_of(app.env, app.config.root_doc)
        listed: list[nodes.Node] = []
        for docname, number, where in occurrences.get(placeholder["ref"], []):
            label = {"text": "¶{}", "table": "the table after ¶{}", "note": "note to ¶{}"}[where].format(number)
            listed += [nodes.Text(", ")] if listed else []
            listed.append(link(app, fromdocname, label, docname, f"para-{number}"))
        placeholder.replace_self(listed + [nodes.Text(".")] if listed else [nodes.Text("nowhere in the text.")])


def _pass(self, node: nodes.Node) -> None:
    """The mark adds nothing to the HTML, the PDF or the EPUB, whose readers follow the register page; the TEI
    writes it as a name (:mod:`coup1917.sphinx.editions.tei`)."""


def setup(app: Sphinx) -> dict:
    app.add_config_value("register_file", None, "env")  # another CSV with the register's schema (the tests)
    app.add_node(register_mention, html=(_pass, _pass), typst=(_pass, _pass), text=(_pass, _pass))
    app.add_node(register_reference)
    app.add_node(register_occurrences)
    app.add_role("register", register_role)
    app.add_directive("register-entries", RegisterEntriesDirective)
    app.connect("builder-inited", register_of)
    # After the paragraph numbers (700), which tell the essay's paragraphs from the rest.
    app.connect("doctree-read", mark_mentions, priority=750)
    app.connect("doctree-resolved", resolve)
    keep_per_page(app, _ENV_KEY)
    # the register page lists what the other pages hold: written again whenever any page was read
    app.connect("env-updated", lambda app, env: [REGISTER_PAGE] if REGISTER_PAGE in env.found_docs else [])
    return {"parallel_read_safe": True, "parallel_write_safe": True, "env_version": 2}
