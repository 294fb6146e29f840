"""The edition's metadata: one record from CITATION.cff and edition_metadata, dated by SOURCE_DATE_EPOCH, written
into the PDF's Typst preamble (Info, XMP, title page) and the HTML pages' <meta> tags."""

import shutil
import subprocess

import pytest
import yaml
from sphinx.errors import ConfigError

from coup1917 import ROOT
from coup1917.sphinx.editions import metadata
from coup1917.sphinx.editions.pdf import preamble
from coup1917.sphinx.editions.typst_writer import string

CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["sphinx"]["config"]["edition_metadata"]
CITATION = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))


def test_the_record_takes_each_fact_from_its_one_source(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    edition = metadata.edition(ROOT, CONFIG)
    assert (edition.title, edition.version, edition.keywords) == (
        CITATION["title"], CITATION["version"], CITATION["keywords"])
    assert edition.editors == [author["name"] for author in CITATION["authors"]]
    assert edition.license_url == "https://creativecommons.org/licenses/by/4.0/"
    assert (edition.author, edition.language, edition.rights) == (CONFIG["creator"], "en", CONFIG["rights"])
    assert edition.creator == f"{CONFIG['creator']} ({CONFIG['creator_qualifier']})"  # the PDF's and EPUB's
    assert edition.date.isoformat() == "2023-11-14T22:13:20+00:00"


def test_the_identifier_follows_the_date(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    first = metadata.edition(ROOT, CONFIG)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000001")
    second = metadata.edition(ROOT, CONFIG)
    assert first.instance_id != second.instance_id
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert metadata.edition(ROOT, CONFIG).instance_id == first.instance_id  # a function of its inputs alone
    assert first.instance_id.startswith("uuid:") and len(first.instance_id) == len("uuid:") + 36


def test_without_the_variable_the_date_is_the_last_commits(monkeypatch):
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    last_commit = int(subprocess.run(["git", "-C", str(ROOT), "log", "-1", "--format=%ct"], capture_output=True,
                                     text=True, check=True).stdout)
    assert metadata.source_date_epoch(ROOT) == last_commit


def test_a_missing_fact_or_citation_file_stops_the_build(tmp_path):
    with pytest.raises(ConfigError, match=r"edition_metadata lacks \['rights'\]"):
        metadata.edition(ROOT, {key: value for key, value in CONFIG.items() if key != "rights"})
    with pytest.raises(ConfigError, match="CITATION.cff: missing"):
        metadata.edition(tmp_path, CONFIG)


def test_the_pdf_preamble_carries_the_record():
    """The Typst document's metadata (Info and XMP) and title page, from the record alone."""
    edition = metadata.edition(ROOT, CONFIG)
    head = preamble(edition)
    for value in (edition.title, edition.creator, edition.summary,
                  *edition.keywords, *edition.contributors, edition.rights):
        assert string(value) in head, value
    assert f"lang: {string(edition.language)}" in head


def _page(kind: str) -> metadata.Page:
    return metadata.Page(docname="chapters/03-the-coup", title="The Coup", kind=kind,
                         position=3 if kind == "chapter" else None, url="03-the-coup.html",
                         edition_url="index.html", pdf_url="../russian-coup-1917.pdf")


def test_a_chapters_tags_are_its_own_record_within_the_editions(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    edition = metadata.edition(ROOT, CONFIG)
    tags = metadata.edition(ROOT, CONFIG).meta_tags(_page("chapter"))
    values = lambda name: [value for key, value in tags if key == name]
    assert values("citation_title") == values("DC.title") == ["The Coup"]
    assert values("citation_author") == values("DC.creator") == [CONFIG["creator"]]
    assert values("citation_editor") == edition.editors
    assert values("citation_inbook_title") == [CITATION["title"]]
    assert values("citation_publication_date") == ["2023/11/14"] and values("DC.date") == ["2023-11-14"]
    assert values("DC.subject") == values("citation_keywords") == CITATION["keywords"]
    record = edition.json_ld(_page("chapter"))
    assert (record["@type"], record["position"], record["isPartOf"]["name"]) == ("Chapter", 3, CITATION["title"])


def test_other_pages_are_the_editors_and_the_landing_page_is_the_book(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    edition = metadata.edition(ROOT, CONFIG)
    assert [value for key, value in edition.meta_tags(_page("page")) if key == "citation_author"] == edition.editors
    assert "citation_editor" not in dict(edition.meta_tags(_page("page")))
    book = edition.json_ld(_page("edition"))
    assert book["@type"] == "Book" and "isPartOf" not in book and book["bookEdition"] == CITATION["version"]
