"""The register of persons, places and bodies: ``data/register.csv``, found in the text, listed on its page.

- The table is read through ``data/datapackage.json`` (:func:`coup1917.data.load_table`), so a row its schema
  refuses (a missing identification, an identifier of the wrong form) stops the build with one line,
  ``data/register.csv:LINE: ...``; so does an authority identifier given without the address of the stored copy
  that shows it.
- On a text page, every name form of an entry printed in the essay's paragraphs or its table is marked
  (:class:`register_mention`) as the page is read: the words stay the author's, byte for byte (the mark adds
  nothing to the HTML, the PDF or the EPUB, whose readers have the register page), and the TEI edition writes it as
  ``persName``, ``placeName`` or ``orgName``. In the editors' margin notes an entry occurs where a note links its glossary term
  (the term is marked as its name), or, for an entry without one, where a note names one of its forms.
- ``{register-entries}`person``` on the register page lists the entries of a type, each with its paragraphs
  and notes, computed once every page has been read; ``{register}`label <id>``` links to an entry (an unknown
  identifier stops the build with the file and line), and each glossary entry of a registered term links to its
  register entry. sphinx-tippy previews those links as it does the glossary's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import Directive, directives
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging
from sphinx.util.nodes import split_explicit_title

from coup1917.data import DataError, load_table, table_path
from coup1917.sphinx.apparatus import keep_per_page, per_page
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


# --- The table ------------------------------------------------------------------------------------------------

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
    """The entries, read once per build; a faulty table is reported once, as ``file:line: message``, and leaves
    the register empty (the build fails on the warning)."""
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


def _names_pattern(entries: dict[str, Entry]) -> tuple[re.Pattern | None, dict[str, str]]:
    """One pattern for every name form, the longest first (so "Left SRs" is not read as "SRs"), and each form's
    entry."""
    owner = {form: entry.id for entry in entries.values() for form in entry.name_forms}
    if not owner:
        return None, owner
    forms = sorted(owner, key=len, reverse=True)
    return re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, forms)) + r")(?![\w-])"), owner


# --- Finding the entries in a page as it is read --------------------------------------------------------------

def check_register(app: Sphinx) -> None:
    """Read the register as the build starts, so that a fault in it stops every build, even one that reads no
    page again."""
    register_of(app)


def mark_mentions(app: Sphinx, doctree: nodes.document) -> None:
    env = app.env
    env.note_dependency(str(app.config.register_file or table_path("register")))  # read again when it changes
    entries = register_of(app)
    _link_glossary(doctree, entries)
    if not is_text_page(env.metadata[env.docname]):
        return
    pattern, owner = _names_pattern(entries)
    by_term = {entry.glossary_term.casefold(): entry.id for entry in entries.values() if entry.glossary_term}
    untermed = {form for form, ref in owner.items() if not entries[ref].glossary_term}
    index = 0  # the essay paragraph the nodes so far belong to (a note belongs to the paragraph after it)
    notes: list[nodes.sidebar] = []
    occurrences = per_page(env, _ENV_KEY)[env.docname] = []
    for node in list(doctree.findall(nodes.Element)):
        if isinstance(node, nodes.paragraph) and any(isinstance(c, paragraph_number) for c in node.children):
            index = next(c for c in node.children if isinstance(c, paragraph_number))["index"]
            for note in notes:
                note["paragraph_index"] = index
            notes = []
            where = "text"
        elif isinstance(node, nodes.table) and EDITORIAL not in node["classes"]:
            where = "table"
        elif is_margin(node) and not isinstance(node.parent, addnodes.only):  # not a slip's note (HTML only)
            notes.append(node)
            node["paragraph_index"] = index  # until a later paragraph claims it
            refs = set()
            for xref in node.findall(addnodes.pending_xref):  # a glossary term of an entry: its name, marked
                if xref.get("reftype") == "term" and xref["reftarget"].casefold() in by_term:
                    ref = by_term[xref["reftarget"].casefold()]
                    refs.add(ref)
                    mention = register_mention("", "", *xref.children, ref=ref)
                    xref.children = []
                    xref += mention
            if pattern:
                refs |= {owner[match[0]] for text in node.findall(nodes.Text)
                         for match in pattern.finditer(text.astext()) if match[0] in untermed}
            occurrences += [{"docname": env.docname, "ref": ref, "where": "note", "index": node["paragraph_index"],
                             "note": node} for ref in sorted(refs)]
            continue
        else:
            continue
        if pattern:
            for ref in _wrap_names(node, pattern, owner):
                occurrences.append({"docname": env.docname, "ref": ref, "where": where, "index": index})
    # a note claims the paragraph after it; those after the page's last paragraph keep the last
    for item in occurrences:
        note = item.pop("note", None)
        if note is not None:
            item["index"] = note["paragraph_index"]


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
        parent = text.parent
        if _excluded(parent, block):
            continue
        value, pieces, last = str(text), [], 0
        for match in pattern.finditer(value):
            pieces.append(nodes.Text(value[last:match.start()]))
            pieces.append(register_mention(match[0], match[0], ref=owner[match[0]]))
            found.append(owner[match[0]])
            last = match.end()
        if pieces:
            pieces.append(nodes.Text(value[last:]))
            parent.replace(text, [piece for piece in pieces if piece.astext() or isinstance(piece, nodes.Element)])
    return found


def _excluded(node: nodes.Node, block: nodes.Element) -> bool:
    """Editorial matter, a slip's mark (its printed words and reading) and the printed citation markers."""
    while node is not None and node is not block.parent:
        if isinstance(node, (sic_mark, printed_citation, paragraph_number, register_mention)) or (
                isinstance(node, nodes.Element) and EDITORIAL in node["classes"]):
            return True
        node = node.parent
    return False


def _link_glossary(doctree: nodes.document, entries: dict[str, Entry]) -> None:
    """Each glossary entry of a registered term gets a last line: its register entry."""
    by_term = {entry.glossary_term: entry for entry in entries.values() if entry.glossary_term}
    for item in doctree.findall(nodes.definition_list_item):
        if not isinstance(item.parent.parent, addnodes.glossary):
            continue
        term = next(item.findall(nodes.term), None)
        entry = term and by_term.get(term.astext())
        if entry:
            definition = next(item.findall(nodes.definition))
            definition += nodes.paragraph("", "Register: ", register_reference(
                "", entry.preferred_name, ref=entry.id), classes=["register-link"])


# --- The role, the page, the links ----------------------------------------------------------------------------

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


class RegisterEntriesDirective(Directive):
    """The entries of one type (``person``, ``place``, ``org``), each a paragraph with the entry's anchor."""

    required_arguments = 1
    option_spec = {}

    def run(self):
        kind = directives.choice(self.arguments[0], list(TYPES))
        app = self.state.document.settings.env.app
        entries = sorted((entry for entry in register_of(app).values() if entry.type == kind),
                         key=lambda entry: entry.preferred_name.casefold())
        return [self._entry(entry) for entry in entries]

    def _entry(self, entry: Entry) -> nodes.paragraph:
        paragraph = nodes.paragraph("", "", ids=[ANCHOR.format(entry.id)], classes=["register-entry"])
        paragraph += nodes.strong("", entry.preferred_name)
        paragraph += nodes.Text(f" ({entry.dates}). " if entry.dates else ". ")
        source = f"{entry.source}{{{entry.locator}}}" if entry.locator else entry.source
        paragraph += self._inline(f"{entry.identification} {{cite:p}}`{source}`")
        forms = dict.fromkeys(entry.name_forms + entry.variants)
        paragraph += nodes.Text(f" Forms: {'; '.join(forms)}.")
        if entry.glossary_term:
            paragraph += nodes.Text(" Glossary: ")
            paragraph += self._inline(f"{{term}}`{entry.glossary_term}`")
            paragraph += nodes.Text(".")
        paragraph += nodes.Text(" Occurs: ")
        paragraph += register_occurrences("", "", ref=entry.id)
        if entry.authorities:
            paragraph += nodes.Text(" Identifiers: " + "; ".join(
                f"{name.upper() if name != 'wikidata' else 'Wikidata'} {value}"
                for name, value in entry.authorities.items()) + " (as shown in ")
            paragraph += nodes.reference("", entry.authority_source, refuri=entry.authority_source)
            paragraph += nodes.Text(").")
        return paragraph

    def _inline(self, text: str) -> list[nodes.Node]:
        parsed, messages = self.state.inline_text(text, self.lineno)
        return parsed + messages


def occurrences_of(env: BuildEnvironment, root: str) -> dict[str, list[tuple[str, int, str]]]:
    """Each entry's occurrences, in reading order: (docname, paragraph number, "text" | "table" | "note")."""
    page_offsets = offsets(env, root)
    found: dict[str, list] = {}
    for item in (item for page in per_page(env, _ENV_KEY).values() for item in page):
        number = page_offsets.get(item["docname"], 0) + item["index"]
        place = (item["docname"], number, item["where"])
        if place not in found.setdefault(item["ref"], []):
            found[item["ref"]].append(place)
    order = {"text": 0, "table": 1, "note": 2}
    return {ref: sorted(places, key=lambda place: (place[1], order[place[2]])) for ref, places in found.items()}


def resolve(app: Sphinx, doctree: nodes.document, fromdocname: str) -> None:
    html = app.builder.format == "html"

    def link(text: str, docname: str, anchor: str) -> nodes.Node:
        if not html:
            return nodes.Text(text)
        uri = app.builder.get_relative_uri(fromdocname, docname) + "#" + anchor
        return nodes.reference("", text, refuri=uri, internal=True)

    for placeholder in list(doctree.findall(register_reference)):
        placeholder.replace_self(link(placeholder.astext(), REGISTER_PAGE, ANCHOR.format(placeholder["ref"])))
    occurrences = None
    for placeholder in list(doctree.findall(register_occurrences)):
        occurrences = occurrences or occurrences_of(app.env, app.config.root_doc)
        places = occurrences.get(placeholder["ref"], [])
        listed: list[nodes.Node] = []
        for docname, number, where in places:
            label = {"text": f"¶{number}", "table": f"the table after ¶{number}", "note": f"note to ¶{number}"}[where]
            listed += [nodes.Text(", ")] if listed else []
            listed.append(link(label, docname, f"para-{number}"))
        placeholder.replace_self(listed + [nodes.Text(".")] if listed else [nodes.Text("nowhere in the text.")])


def rewrite_register_page(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """The register page lists what the other pages hold: write it again whenever any page was read."""
    return [REGISTER_PAGE] if REGISTER_PAGE in env.found_docs else []


# --- Writers: the mark adds nothing to the HTML, the PDF or the EPUB (their readers follow the register page); the
# TEI writes it as a name (coup1917.sphinx.editions.tei) ---------------------------------------------------------

def _pass(self, node: nodes.Node) -> None:
    pass


def setup(app: Sphinx) -> dict:
    app.add_config_value("register_file", None, "env")  # another CSV with the register's schema (the tests)
    app.add_node(register_mention, html=(_pass, _pass), typst=(_pass, _pass), text=(_pass, _pass))
    app.add_node(register_reference)
    app.add_node(register_occurrences)
    app.add_role("register", register_role)
    app.add_directive("register-entries", RegisterEntriesDirective)
    app.connect("builder-inited", check_register)
    # After the paragraph numbers (700), which tell the essay's paragraphs from the rest.
    app.connect("doctree-read", mark_mentions, priority=750)
    app.connect("doctree-resolved", resolve)
    keep_per_page(app, _ENV_KEY)
    app.connect("env-updated", rewrite_register_page)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "env_version": 2}
