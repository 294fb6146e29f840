"""Citation files for reference managers (BibTeX by pybtex, RIS by rispy, CSL-JSON), for the edition (a book by its
editors) and each chapter (the essay author's chapter of it), from the record the pages' tags carry; written to
``cite/``, offered in the download menus, listed by ``{citation-files}``; each chapter ends with its citation."""

from __future__ import annotations

import json
from pathlib import Path

import rispy
from docutils import nodes
from docutils.parsers.rst import Directive
from pybtex.database import BibliographyData, Entry, Person
from sphinx.application import Sphinx
from sphinx.util.osutil import relative_uri

from coup1917.sphinx.apparatus.editorial import EDITORIAL
from coup1917.sphinx.editions.downloads import download_menu, menu_link
from coup1917.sphinx.editions.metadata import Edition, Page, chapters, edition_of, page_of

CITE_DIR = "cite"
FORMATS = {"bib": "BibTeX", "ris": "RIS", "json": "CSL-JSON"}


def file_stem(page: Page) -> str:
    return "edition" if page.kind == "edition" else Path(page.docname).name


def key(page: Page) -> str:
    return f"coup1917-{file_stem(page)}"


def bibtex(edition: Edition, page: Page) -> str:
    date = edition.date.date()
    # an address only when it is absolute (html_baseurl set), in every format: a relative one means nothing in a file
    fields = {"title": page.title, "year": str(date.year), "month": str(date.month), "publisher": edition.publisher,
              "version": edition.version, "language": edition.language,
              **({"url": page.url} if "://" in page.url else {})}
    editors = [Person("{" + name + "}") for name in edition.editors]  # a body, not a person's first and last names
    if page.kind == "edition":
        entry = Entry("book", fields=fields, persons={"author": editors})
    else:
        entry = Entry("incollection", fields=fields | {"booktitle": edition.title},
                      persons={"author": [Person(name) for name in edition.authors(page)], "editor": editors})
        if page.position:
            entry.fields["chapter"] = str(page.position)
    return BibliographyData({key(page): entry}).to_string("bibtex")


def _csl_name(name: str, edition: Edition) -> dict:
    if name in edition.editors:
        return {"literal": name}
    person = Person(name)
    return {"family": " ".join(person.last_names), "given": " ".join(person.first_names + person.middle_names)}


def csl_json(edition: Edition, page: Page) -> str:
    date = edition.date.date()
    item = {"id": key(page), "type": "book" if page.kind == "edition" else "chapter", "title": page.title,
            "author": [_csl_name(name, edition) for name in edition.authors(page)],
            "issued": {"date-parts": [[date.year, date.month, date.day]]}, "publisher": edition.publisher,
            "version": edition.version, "language": edition.language,
            **({"URL": page.url} if "://" in page.url else {})}
    if page.kind != "edition":
        item |= {"container-title": edition.title, "editor": [{"literal": name} for name in edition.editors]}
        if page.position:
            item["chapter-number"] = str(page.position)
    return json.dumps([item], ensure_ascii=False, indent=2) + "\n"


class _RisWriter(rispy.RisWriter):
    """RIS as the format defines it: a record starts with its TY line (rispy numbers records "1." by default)."""

    def set_header(self, count: int) -> str:
        return ""


def ris(edition: Edition, page: Page) -> str:
    date = edition.date.date()
    names = [_csl_name(name, edition) for name in edition.authors(page)]  # "Family, Given" for a person, as RIS asks
    record = {"type_of_reference": "BOOK" if page.kind == "edition" else "CHAP", "id": key(page),
              "title": page.title, "authors": [name.get("literal") or f"{name['family']}, {name['given']}"
                                               for name in names],
              "year": str(date.year), "date": date.strftime("%Y/%m/%d"), "publisher": edition.publisher,
              "edition": edition.version, "language": edition.language,
              **({"urls": [page.url]} if "://" in page.url else {})}
    if page.kind != "edition":
        record |= {"secondary_title": edition.title, "secondary_authors": list(edition.editors)}
    return rispy.dumps([record], implementation=_RisWriter)


WRITERS = {"bib": bibtex, "ris": ris, "json": csl_json}


def cited_pages(app: Sphinx) -> list[Page]:
    return [page_of(app, docname) for docname in [app.config.root_doc, *chapters(app)]]


def _in_site(app: Sphinx) -> bool:
    """The HTML site's build: the EPUB's pages are HTML too, but an e-book has no ``cite/`` files to link."""
    return app.builder.format == "html" and app.builder.name != "epub"


def write_files(app: Sphinx, exception: Exception | None) -> None:
    if exception or not _in_site(app):
        return
    edition, directory = edition_of(app), Path(app.outdir) / CITE_DIR
    directory.mkdir(parents=True, exist_ok=True)
    for page in cited_pages(app):
        for suffix, writer in WRITERS.items():
            (directory / f"{file_stem(page)}.{suffix}").write_text(writer(edition, page), encoding="utf-8")


def _file_links(app: Sphinx, fromdocname: str, page: Page) -> list[nodes.Node]:
    here = app.builder.get_target_uri(fromdocname)
    links = [nodes.reference("", label, refuri=relative_uri(here, f"{CITE_DIR}/{file_stem(page)}.{suffix}"),
                             classes=["citation-file"]) for suffix, label in FORMATS.items()]
    return [node for link in links for node in (nodes.Text(", "), link)][1:]


def add_citation(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """At the end of each chapter: how to cite it, by chapter and by paragraph, and its files."""
    if not _in_site(app) or docname not in chapters(app):
        return
    edition, page = edition_of(app), page_of(app, docname)
    editors = ", ".join(edition.editors)
    block = nodes.container("", classes=[EDITORIAL, "chapter-citation"])
    block += nodes.rubric("", "Cite this chapter")
    block += nodes.paragraph("", f"{edition.author}, \u201c{page.title}\u201d, chapter {page.position} of {editors} "
                                 f"(eds.), {edition.title}, version {edition.version}, {edition.date.year}.")
    block += nodes.paragraph("", f"A paragraph: {edition.author}, \u201c{edition.essay}\u201d, \u00b6N, in "
                                 f"{editors} (eds.), {edition.title}, version {edition.version}, "
                                 f"{edition.date.year}, chapter {page.position}.")
    block += nodes.paragraph("", "For a reference manager: ", *_file_links(app, docname, page), nodes.Text("."))
    next(doctree.findall(nodes.section), doctree).append(block)


class CitationFilesDirective(Directive):
    """A placeholder for the list of citation files and the edition's BibTeX, filled in when the page is
    written (the chapters' titles and positions are known only once every page has been read)."""

    def run(self):
        return [citation_files_list("")]


class citation_files_list(nodes.General, nodes.Element):
    pass


def fill_list(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    for placeholder in list(doctree.findall(citation_files_list)):
        edition, items = edition_of(app), nodes.bullet_list()
        for page in cited_pages(app):
            label = "The edition" if page.kind == "edition" else f"Chapter {page.position}, {page.title}"
            links = _file_links(app, docname, page) if _in_site(app) else [nodes.Text(
                ", ".join(f"{CITE_DIR}/{file_stem(page)}.{suffix}" for suffix in FORMATS))]
            items += nodes.list_item("", nodes.paragraph("", f"{label}: ", *links))
        edition_bibtex = bibtex(edition, cited_pages(app)[0])
        placeholder.replace_self([items, nodes.literal_block(edition_bibtex, edition_bibtex, language="bibtex")])


def offer_files(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if app.builder.name == "epub" or pagename not in [app.config.root_doc, *chapters(app)]:
        return
    page = page_of(app, pagename)
    download_menu(context).extend(
        menu_link(context, f"{CITE_DIR}/{file_stem(page)}.{suffix}", f"Cite ({label})",
                  f"This {'edition' if page.kind == 'edition' else 'chapter'}'s citation as {label}, for a reference "
                  "manager", "fa-quote-right", f"cite-{suffix}") for suffix, label in FORMATS.items())


def setup(app: Sphinx) -> dict:
    app.add_node(citation_files_list)
    app.add_directive("citation-files", CitationFilesDirective)
    app.connect("doctree-resolved", add_citation)
    app.connect("doctree-resolved", fill_list)
    app.connect("html-page-context", offer_files, priority=503)  # after the theme's download menu (501)
    app.connect("build-finished", write_files)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
