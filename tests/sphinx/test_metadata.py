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
    assert (edition.creator, edition.language, edition.rights) == (CONFIG["creator"], "en", CONFIG["rights"])
    assert edition.date.isoformat() == "2023-11-14T22:13:20+00:00"


def test_identifiers_follow_the_date_and_the_document_id_does_not(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    first = metadata.edition(ROOT, CONFIG)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000001")
    second = metadata.edition(ROOT, CONFIG)
    assert first.instance_id != second.instance_id and first.document_id == second.document_id
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


def test_html_meta_tags_carry_no_date():
    """A page is rewritten only when its source changes: a date in it would be that of its last build."""
    names = [name for name, _ in metadata.edition(ROOT, CONFIG).meta_tags()]
    assert "DC.title" in names and "DC.creator" in names and "description" in names
    assert names.count("DC.subject") == len(CITATION["keywords"])
    assert not any("date" in name.lower() or "identifier" in name.lower() for name in names)
