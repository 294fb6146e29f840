"""The edition's metadata, from one source, for every format it is published in.

Two files hold the facts, each fact once:

- ``CITATION.cff`` (what citation managers read): the edition's title, version, editors, keywords and licence;
- ``edition_metadata`` in ``_config.yml``: the essay's title and its author as the editors attribute it, the
  language, the publisher, the source, the rights statement and the summary.

:func:`edition` merges them, with the date of the edition taken from ``SOURCE_DATE_EPOCH`` (the date of the last
commit: the Makefile exports it; without it, ``git log`` in the book's directory), so that two builds of one
commit carry the same date and identifier. Sphinx's EPUB builder reads the same variable. From that
one record come the HTML pages' ``<meta>`` tags (below), the PDF's Info dictionary and XMP packet
(:mod:`coup1917.sphinx.editions.pdf`), the EPUB's package metadata (:mod:`coup1917.sphinx.editions.epub`), the TEI
header (:mod:`coup1917.sphinx.editions.tei`) and the citation files (:mod:`coup1917.sphinx.editions.citation_files`).

Each HTML page carries its own record (:class:`Page`): the edition's on the landing page (a ``Book``); a chapter's
on each text page, its title, its position and the essay's author, within the edition (a ``Chapter``); the
editors' own on every other page. In the head: Highwire Press ``citation_*`` tags (what Google Scholar and
Zotero read), Dublin Core, and schema.org JSON-LD, written into Sphinx's ``metatags``. Pages carry the edition's
date, so when it changes (a new commit) every page is written again.
"""

from __future__ import annotations

import json
import os
import posixpath
import subprocess
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from html import escape
from pathlib import Path

import yaml
from sphinx.application import Sphinx
from sphinx.errors import ConfigError
from sphinx.util import logging

from coup1917 import book

CITATION_FILE = "CITATION.cff"

#: The licences CITATION.cff may name (SPDX identifiers), with the address of their text.
LICENSE_URLS = {"CC-BY-4.0": "https://creativecommons.org/licenses/by/4.0/"}

logger = logging.getLogger(__name__)

#: The namespace of the edition's UUID (uuid5): a fixed, random UUID, so that the identifier depends only on the
#: edition's title, version and date.
_NAMESPACE = uuid.UUID("6f0d4a43-7a1e-4d51-9d4c-2c8f3e6b1a57")


@dataclass(frozen=True)
class Edition:
    title: str
    version: str
    author: str  # the essay's author, by name
    qualifier: str  # how the editors hold the name to be the author's ("attributed")
    essay: str  # the essay's title, with its series
    editors: list[str]
    summary: str
    keywords: list[str]
    language: str
    publisher: str
    source: str
    rights: str
    license_url: str
    type: str
    date: datetime  # the date of the last commit (SOURCE_DATE_EPOCH), UTC

    @property
    def creator(self) -> str:
        """The essay's author with the editors' qualification, where a format has room for a statement."""
        return f"{self.author} ({self.qualifier})"

    @property
    def contributors(self) -> list[str]:
        """The editors, named as such, where a format has a single list of names (the PDF's Author)."""
        return [f"{name} (editors)" for name in self.editors]

    @property
    def instance_id(self) -> str:
        """The identifier of this version of the edition (the EPUB's dc:identifier)."""
        return f"uuid:{uuid.uuid5(_NAMESPACE, f'{self.title} {self.version} {self.date.isoformat()}')}"

    def authors(self, page: Page) -> list[str]:
        """Whose words a page holds: the essay's author on a chapter, the editors elsewhere."""
        return [self.author] if page.kind == "chapter" else list(self.editors)

    def meta_tags(self, page: Page) -> list[tuple[str, str]]:
        """Highwire Press and Dublin Core ``<meta>`` names and contents for ``page``."""
        date = self.date.date()
        part_of = [("citation_inbook_title", self.title)] if page.kind != "edition" else []
        return [
            ("citation_title", page.title),
            *(("citation_author", name) for name in self.authors(page)),
            *(("citation_editor", name) for name in self.editors if page.kind == "chapter"),
            *part_of,
            ("citation_publication_date", date.strftime("%Y/%m/%d")),
            ("citation_language", self.language),
            ("citation_publisher", self.publisher),
            *(("citation_keywords", keyword) for keyword in self.keywords),
            *([("citation_pdf_url", page.pdf_url)] if page.pdf_url else []),
            ("citation_public_url", page.url),
            ("DC.title", page.title),
            *(("DC.creator", name) for name in self.authors(page)),
            *(("DC.contributor", name) for name in self.contributors if page.kind == "chapter"),
            ("DC.date", date.isoformat()),
            ("DC.relation", f"An edition of: {self.essay}" if page.kind == "edition" else f"Part of: {self.title}"),
            *(("DC.subject", keyword) for keyword in self.keywords),
            ("DC.type", self.type),
            ("DC.language", self.language),
            ("DC.publisher", self.publisher),
            ("DC.source", self.source),
            ("DC.rights", self.rights),
            # the summary search engines show (Lighthouse's SEO audit asks for one on every page)
            ("description", self.summary),
        ]

    def json_ld(self, page: Page) -> dict:
        """schema.org: the edition a ``Book``; a chapter a ``Chapter`` of it, with its position; another page a
        ``WebPage`` of it."""
        book = {"@type": "Book", "name": self.title, "bookEdition": self.version, "url": page.edition_url,
                "editor": [_organization(name) for name in self.editors], "author": _person(self.author),
                "publisher": _organization(self.publisher), "license": self.license_url,
                "inLanguage": self.language, "datePublished": self.date.date().isoformat(),
                "keywords": self.keywords}
        if page.kind == "edition":
            return {"@context": "https://schema.org", **book, "url": page.url}
        record = {"@context": "https://schema.org", "@type": "Chapter" if page.kind == "chapter" else "WebPage",
                  "name": page.title, "url": page.url, "isPartOf": book,
                  "author": [_person(self.author)] if page.kind == "chapter" else [
                      _organization(name) for name in self.editors],
                  "license": self.license_url, "inLanguage": self.language,
                  "datePublished": self.date.date().isoformat(), "publisher": _organization(self.publisher)}
        if page.kind == "chapter":
            record |= {"position": page.position, "editor": [_organization(name) for name in self.editors]}
        return record


def _person(name: str) -> dict:
    return {"@type": "Person", "name": name}


def _organization(name: str) -> dict:
    return {"@type": "Organization", "name": name}


@dataclass(frozen=True)
class Page:
    """What a page's own record needs: its title, kind, position among the chapters and addresses (relative to
    the page, or absolute when ``html_baseurl`` is set)."""
    docname: str
    title: str
    kind: str  # "edition" (the landing page), "chapter" (a text page), "page" (any other)
    position: int | None
    url: str
    edition_url: str
    pdf_url: str | None  # None: a plain Sphinx project (no _config.yml), which has no PDF edition


def source_date_epoch(book_dir: Path) -> int:
    """``SOURCE_DATE_EPOCH`` if set, else the date of the book's last commit, else (not a checkout) now."""
    if os.environ.get("SOURCE_DATE_EPOCH"):
        return int(os.environ["SOURCE_DATE_EPOCH"])
    try:
        done = subprocess.run(["git", "-C", str(book_dir), "log", "-1", "--format=%ct"], capture_output=True,
                              text=True, timeout=30)
        if done.returncode == 0 and done.stdout.strip():
            # for the tools that read the variable themselves: Sphinx's EPUB builder
            os.environ["SOURCE_DATE_EPOCH"] = done.stdout.strip()
            return int(done.stdout)
    except FileNotFoundError:  # no git on the machine
        pass
    logger.info(f"{book_dir}: neither SOURCE_DATE_EPOCH nor a git checkout; the PDF and EPUB are dated now, so "
                "two builds of these sources will differ")
    return int(time.time())


def edition(book_dir: Path, edition_metadata: dict) -> Edition:
    citation_path = book_dir / CITATION_FILE
    if not citation_path.is_file():
        raise ConfigError(f"{citation_path}: missing; the edition's title, version, editors, keywords and licence "
                          "are read from it")
    citation = yaml.safe_load(citation_path.read_text(encoding="utf-8"))
    licence = citation["license"]
    if licence not in LICENSE_URLS:
        raise ConfigError(f"{citation_path}: licence {licence!r} has no address in coup1917/sphinx/editions/metadata.py")
    missing = ({"creator", "creator_qualifier", "essay", "language", "publisher", "source", "rights", "summary", "type"}
               - edition_metadata.keys())
    if missing:
        raise ConfigError(f"_config.yml: edition_metadata lacks {sorted(missing)}")
    return Edition(
        title=citation["title"],
        version=str(citation["version"]),
        author=edition_metadata["creator"],
        qualifier=edition_metadata["creator_qualifier"],
        essay=edition_metadata["essay"],
        editors=[author["name"] for author in citation["authors"]],
        summary=edition_metadata["summary"],
        keywords=list(citation["keywords"]),
        language=edition_metadata["language"],
        publisher=edition_metadata["publisher"],
        source=edition_metadata["source"],
        rights=edition_metadata["rights"],
        license_url=LICENSE_URLS[licence],
        type=edition_metadata["type"],
        date=datetime.fromtimestamp(source_date_epoch(book_dir), tz=timezone.utc),
    )


def edition_of(app: Sphinx) -> Edition:
    """The edition's metadata, read once per build."""
    if not hasattr(app, "_edition_metadata"):
        app._edition_metadata = edition(Path(app.srcdir), app.config.edition_metadata)
    return app._edition_metadata


def chapters(app: Sphinx) -> list[str]:
    """The text pages (the essay's chapters), in reading order."""
    from coup1917.sphinx.apparatus.editorial import is_text_page
    from coup1917.sphinx.apparatus.paragraphs import reading_order

    return [docname for docname in reading_order(app.env, app.config.root_doc)
            if is_text_page(app.env.metadata.get(docname, {}))]


def page_of(app: Sphinx, docname: str) -> Page:
    srcdir = Path(app.srcdir)
    text_pages = chapters(app)
    root = app.config.root_doc
    kind = "edition" if docname == root else "chapter" if docname in text_pages else "page"
    title = edition_of(app).title if kind == "edition" else app.env.titles[docname].astext()
    return Page(docname=docname, title=title, kind=kind,
                position=text_pages.index(docname) + 1 if kind == "chapter" else None,
                url=address(app, docname, app.builder.get_target_uri(docname)),
                edition_url=address(app, docname, app.builder.get_target_uri(root)),
                pdf_url=address(app, docname, book.edition_name(srcdir)) if (srcdir / book.CONFIG).is_file() else None)


def address(app: Sphinx, fromdocname: str, target: str) -> str:
    """``target`` (a path in the site) as seen from the page ``fromdocname``, or absolute under ``html_baseurl``."""
    if app.config.html_baseurl:
        return app.config.html_baseurl.rstrip("/") + "/" + target
    here = posixpath.dirname(app.builder.get_target_uri(fromdocname))
    return posixpath.relpath(target, here or ".")


def add_meta_tags(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if pagename not in app.env.titles:  # generated pages (search, genindex): no record of their own
        return
    edition, page = edition_of(app), page_of(app, pagename)
    epub = app.builder.name == "epub"  # an e-book's pages keep to Dublin Core; its package has the record
    tags = "".join(f'<meta name="{escape(name)}" content="{escape(value)}" />\n'
                   for name, value in edition.meta_tags(page) if not (epub and name.startswith("citation_")))
    if epub:
        context["metatags"] = context.get("metatags", "") + tags
        return
    # "</" cannot end the script early: JSON may write it as "<\/"
    record = json.dumps(edition.json_ld(page), ensure_ascii=False, indent=1).replace("</", "<\\/")
    tags += f'<script type="application/ld+json">\n{record}\n</script>\n'
    context["metatags"] = context.get("metatags", "") + tags


def rewrite_when_the_date_changes(app: Sphinx, env) -> list[str]:
    """Every page carries the edition's date: when it changes, write every page again."""
    date = edition_of(app).date.date().isoformat()
    previous = getattr(env, "edition_date_written", None)
    env.edition_date_written = date
    return sorted(env.found_docs) if previous not in (None, date) else []


#: The viewport tag docutils' HTML5 writer adds to every page (docutils/writers/html5_polyglot, 0.21).
DOCUTILS_VIEWPORT = '<meta name="viewport" content="width=device-width, initial-scale=1" />\n'


def one_viewport_tag(app: Sphinx) -> None:
    """Sphinx's basic layout writes a viewport tag, and Sphinx also passes on docutils' own, because its writer
    drops the first two of docutils' tags by position, from before docutils added a viewport
    (https://github.com/sphinx-doc/sphinx/issues/11699, not fixed in Sphinx 7.4): the translator, as the theme
    set it, is kept, without docutils' viewport."""
    if app.builder.format != "html":
        return
    base = app.registry.get_translator_class(app.builder) or app.builder.default_translator_class

    class Translator(base):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.meta = [tag for tag in self.meta if tag != DOCUTILS_VIEWPORT]

    app.set_translator(app.builder.name, Translator, override=True)


def setup(app: Sphinx) -> dict:
    app.add_config_value("edition_metadata", {}, "html", types=[dict])
    app.connect("builder-inited", one_viewport_tag, priority=900)  # after pydata-sphinx-theme sets its translator
    app.connect("html-page-context", add_meta_tags)
    app.connect("env-updated", rewrite_when_the_date_changes)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
