"""The edition's one record, for every format: ``CITATION.cff`` (title, version, editors, keywords, licence) and
``edition_metadata`` in ``_config.yml`` (the essay, its author, language, publisher, source, rights, summary), dated
by ``SOURCE_DATE_EPOCH``. The HTML pages' ``<meta>`` tags (Highwire Press, Dublin Core) and schema.org JSON-LD are
each page's own record: the edition's on the landing page, a chapter's on a text page, the editors' elsewhere."""

from __future__ import annotations

import json
import os
import posixpath
import subprocess
import time
import uuid
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime, timezone
from html import escape
from pathlib import Path

import yaml
from sphinx.application import Sphinx
from sphinx.errors import ConfigError
from sphinx.util import logging

from coup1917 import book
from coup1917.sphinx.apparatus.editorial import is_text_page
from coup1917.sphinx.apparatus.paragraphs import reading_order

#: The licences CITATION.cff may name (SPDX identifiers), with the address of their text.
LICENSE_URLS = {"CC-BY-4.0": "https://creativecommons.org/licenses/by/4.0/"}

logger = logging.getLogger(__name__)

#: The viewport tag docutils' HTML5 writer adds to every page (docutils/writers/html5_polyglot, 0.21).
DOCUTILS_VIEWPORT = '<meta name="viewport" content="width=device-width, initial-scale=1" />\n'

#: The facts ``edition_metadata`` gives, by the record's name for them.
CONFIG_FACTS = {"author": "creator", "qualifier": "creator_qualifier", "essay": "essay", "language": "language",
                "publisher": "publisher", "source": "source", "rights": "rights", "summary": "summary", "type": "type"}

#: A fixed, random namespace for uuid5, so that the identifier depends only on the title, version and date.
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
        date, chapter = self.date.date(), page.kind == "chapter"
        return [
            ("citation_title", page.title), *(("citation_author", name) for name in self.authors(page)),
            *(("citation_editor", name) for name in self.editors if chapter),
            *([("citation_inbook_title", self.title)] if page.kind != "edition" else []),
            ("citation_publication_date", date.strftime("%Y/%m/%d")), ("citation_language", self.language),
            ("citation_publisher", self.publisher), *(("citation_keywords", keyword) for keyword in self.keywords),
            *([("citation_pdf_url", page.pdf_url)] if page.pdf_url else []), ("citation_public_url", page.url),
            ("DC.title", page.title), *(("DC.creator", name) for name in self.authors(page)),
            *(("DC.contributor", name) for name in self.contributors if chapter), ("DC.date", date.isoformat()),
            ("DC.relation", f"An edition of: {self.essay}" if page.kind == "edition" else f"Part of: {self.title}"),
            *(("DC.subject", keyword) for keyword in self.keywords), ("DC.type", self.type),
            ("DC.language", self.language), ("DC.publisher", self.publisher), ("DC.source", self.source),
            ("DC.rights", self.rights),
            ("description", self.summary),  # what search engines show (Lighthouse's SEO audit asks for it)
        ]

    def json_ld(self, page: Page) -> dict:
        """schema.org: the edition a ``Book``; a chapter a ``Chapter`` of it, with its position; another page a
        ``WebPage`` of it."""
        editors = [{"@type": "Organization", "name": name} for name in self.editors]
        author, publisher = {"@type": "Person", "name": self.author}, {"@type": "Organization", "name": self.publisher}
        date, chapter = self.date.date().isoformat(), page.kind == "chapter"
        book = {"@type": "Book", "name": self.title, "bookEdition": self.version, "url": page.edition_url,
                "editor": editors, "author": author, "publisher": publisher, "license": self.license_url,
                "inLanguage": self.language, "datePublished": date, "keywords": self.keywords}
        if page.kind == "edition":
            return {"@context": "https://schema.org", **book, "url": page.url}
        record = {"@context": "https://schema.org", "@type": "Chapter" if chapter else "WebPage", "name": page.title,
                  "url": page.url, "isPartOf": book, "author": [author] if chapter else editors,
                  "license": self.license_url, "inLanguage": self.language, "datePublished": date,
                  "publisher": publisher}
        return record | ({"position": page.position, "editor": editors} if chapter else {})


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
    with suppress(FileNotFoundError):  # no git on the machine
        done = subprocess.run(["git", "-C", str(book_dir), "log", "-1", "--format=%ct"], capture_output=True,
                              text=True, timeout=30)
        if done.returncode == 0 and done.stdout.strip():
            # for the tools that read the variable themselves: Sphinx's EPUB builder
            os.environ["SOURCE_DATE_EPOCH"] = done.stdout.strip()
            return int(done.stdout)
    logger.info(f"{book_dir}: neither SOURCE_DATE_EPOCH nor a git checkout; the PDF and EPUB are dated now, so "
                "two builds of these sources will differ")
    return int(time.time())


def edition(book_dir: Path, edition_metadata: dict) -> Edition:
    citation_path = book_dir / "CITATION.cff"
    if not citation_path.is_file():
        raise ConfigError(f"{citation_path}: missing; the edition's title, version, editors, keywords and licence "
                          "are read from it")
    citation = yaml.safe_load(citation_path.read_text(encoding="utf-8"))
    licence = citation["license"]
    if licence not in LICENSE_URLS:
        raise ConfigError(f"{citation_path}: licence {licence!r} has no address in "
                          "coup1917/sphinx/editions/metadata.py")
    missing = set(CONFIG_FACTS.values()) - edition_metadata.keys()
    if missing:
        raise ConfigError(f"_config.yml: edition_metadata lacks {sorted(missing)}")
    return Edition(title=citation["title"], version=str(citation["version"]),
                   editors=[author["name"] for author in citation["authors"]], keywords=list(citation["keywords"]),
                   license_url=LICENSE_URLS[licence],
                   date=datetime.fromtimestamp(source_date_epoch(book_dir), tz=timezone.utc),
                   **{field: edition_metadata[key] for field, key in CONFIG_FACTS.items()})


def edition_of(app: Sphinx) -> Edition:
    """The edition's metadata, read once per build."""
    if not hasattr(app, "_edition_metadata"):
        app._edition_metadata = edition(Path(app.srcdir), app.config.edition_metadata)
    return app._edition_metadata


def chapters(app: Sphinx) -> list[str]:
    """The text pages (the essay's chapters), in reading order."""
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
    if not epub:
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


def one_viewport_tag(app: Sphinx) -> None:
    """Sphinx's layout writes a viewport tag, and Sphinx passes on docutils' own too: its writer drops the first two
    of docutils' tags by position, from before docutils added one (sphinx-doc/sphinx#11699, in Sphinx 7.4). The
    translator the theme set is kept, without docutils' viewport."""
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
    app.connect("html-page-context", add_meta_tags)
    app.connect("env-updated", rewrite_when_the_date_changes)
    app.connect("builder-inited", one_viewport_tag, priority=900)  # after pydata-sphinx-theme sets its translator
    return {"parallel_read_safe": True, "parallel_write_safe": True}
