"""The edition's metadata, from one source, for every format it is published in.

Two files hold the facts, each fact once:

- ``CITATION.cff`` (what citation managers read): the edition's title, version, editors, keywords and licence;
- ``edition_metadata`` in ``_config.yml``: the essay's title and its author as the editors attribute it, the
  language, the publisher, the source, the rights statement and the summary.

:func:`edition` merges them, with the date of the edition taken from ``SOURCE_DATE_EPOCH`` (the date of the last
commit: the Makefile exports it; without it, ``git log`` in the book's directory), so that two builds of one
commit carry the same date and identifiers. Sphinx's EPUB builder and xdvipdfmx read the same variable. From that
one record come the HTML pages' ``<meta>`` tags (below), the PDF's Info dictionary and XMP packet
(:mod:`coup1917.sphinx.editions.pdf`) and the EPUB's package metadata (:mod:`coup1917.sphinx.editions.epub`).
"""

from __future__ import annotations

import os
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

CITATION_FILE = "CITATION.cff"

#: The licences CITATION.cff may name (SPDX identifiers), with the address of their text.
LICENSE_URLS = {"CC-BY-4.0": "https://creativecommons.org/licenses/by/4.0/"}

logger = logging.getLogger(__name__)

#: The namespace of the edition's UUIDs (uuid5): a fixed, random UUID, so that identifiers depend only on the
#: edition's title and date.
_NAMESPACE = uuid.UUID("6f0d4a43-7a1e-4d51-9d4c-2c8f3e6b1a57")


@dataclass(frozen=True)
class Edition:
    title: str
    version: str
    creator: str  # the essay's author, as the editors attribute it
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
    def contributors(self) -> list[str]:
        """The editors, named as such, where a format has a single list of names (the PDF's Author)."""
        return [f"{name} (editors)" for name in self.editors]

    @property
    def document_id(self) -> str:
        """XMP's DocumentID: the same for every version and rendition of the edition."""
        return f"uuid:{uuid.uuid5(_NAMESPACE, self.title)}"

    @property
    def instance_id(self) -> str:
        """The identifier of this version of the edition (XMP's InstanceID, the EPUB's dc:identifier)."""
        return f"uuid:{uuid.uuid5(_NAMESPACE, f'{self.title} {self.version} {self.date.isoformat()}')}"

    def meta_tags(self) -> list[tuple[str, str]]:
        """Dublin Core ``<meta>`` names and contents, for every HTML page.

        No date or identifier: an HTML page is rewritten only when its source changes, so a date in it would be
        that of the page's last build, not the edition's."""
        return [
            ("DC.title", self.title),
            ("DC.creator", self.creator),
            ("DC.relation", f"An edition of: {self.essay}"),
            *(("DC.contributor", name) for name in self.contributors),
            *(("DC.subject", keyword) for keyword in self.keywords),
            ("DC.type", self.type),
            ("DC.language", self.language),
            ("DC.publisher", self.publisher),
            ("DC.source", self.source),
            ("DC.rights", self.rights),
            # the summary search engines show (Lighthouse's SEO audit asks for one on every page)
            ("description", self.summary),
        ]


def source_date_epoch(book_dir: Path) -> int:
    """``SOURCE_DATE_EPOCH`` if set, else the date of the book's last commit, else (not a checkout) now."""
    if os.environ.get("SOURCE_DATE_EPOCH"):
        return int(os.environ["SOURCE_DATE_EPOCH"])
    try:
        done = subprocess.run(["git", "-C", str(book_dir), "log", "-1", "--format=%ct"], capture_output=True,
                              text=True, timeout=30)
        if done.returncode == 0 and done.stdout.strip():
            # for the tools that read the variable themselves: xdvipdfmx (the PDF's /ID), Sphinx's EPUB builder
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
    missing = {"creator", "essay", "language", "publisher", "source", "rights", "summary", "type"} - edition_metadata.keys()
    if missing:
        raise ConfigError(f"_config.yml: edition_metadata lacks {sorted(missing)}")
    return Edition(
        title=citation["title"],
        version=str(citation["version"]),
        creator=edition_metadata["creator"],
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


def add_meta_tags(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    tags = "".join(f'<meta name="{escape(name)}" content="{escape(value)}" />\n'
                   for name, value in edition_of(app).meta_tags())
    context["metatags"] = context.get("metatags", "") + tags


def setup(app: Sphinx) -> dict:
    app.add_config_value("edition_metadata", {}, "html", types=[dict])
    app.connect("html-page-context", add_meta_tags)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
