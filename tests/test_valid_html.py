"""Every page of the built book is valid HTML: the W3C Nu HTML Checker (npm `vnu-jar`, pinned in package.json and
installed by `npm ci`; it runs on the Java the EPUB check uses, `make java-deps`) reports no error on any of them."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from coup1917 import ROOT
from tests.support import HTML_DIR

pytestmark = pytest.mark.book

VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
VNU_TIMEOUT = 300  # s; about 5 s over the whole book here
# The checker's GNU format: "file":line.column-line.column: error: message (the range's first line is reported)
GNU_LINE = re.compile(r'^"(?P<file>[^"]+)":(?P<line>\d+)[.\d-]*: (?P<kind>[a-z ]+): (?P<message>.*)$')


def book_pages() -> list[str]:
    return sorted(str(page.relative_to(HTML_DIR)) for page in HTML_DIR.rglob("*.html")
                  if "_static" not in page.relative_to(HTML_DIR).parts)


def nu_errors(site, pages: list[str]) -> list[str]:
    """The checker's errors as `file:line: message`, the file relative to the site."""
    if shutil.which("java") is None:
        pytest.fail("java is missing: run `make java-deps`")
    if not VNU_JAR.is_file():
        pytest.fail(f"{VNU_JAR} is missing: run `npm ci` (make book does)")
    done = subprocess.run(["java", "-jar", str(VNU_JAR), "--errors-only", "--format", "gnu", *pages],
                          cwd=site, capture_output=True, text=True, timeout=VNU_TIMEOUT)
    errors = []
    for line in done.stderr.splitlines():
        found = GNU_LINE.match(line)
        if found:  # the checker names a file by its URL: file:/.../page.html
            page = Path(found["file"].removeprefix("file:")).relative_to(site)
            errors.append(f"{page}:{found['line']}: {found['message']}")
        else:
            errors.append(line)
    if done.returncode != 0 and not errors:
        pytest.fail(f"vnu.jar exited {done.returncode} and printed nothing on stderr:\n{done.stdout[-2000:]}")
    return errors


def test_every_page_of_the_book_is_valid_html():
    pages = book_pages()
    assert len(pages) >= len(list((ROOT / "chapters").glob("*.md"))), pages
    errors = nu_errors(HTML_DIR, pages)
    assert errors == [], f"{len(errors)} errors from the Nu HTML Checker:\n" + "\n".join(errors)


def test_the_checker_reports_what_the_book_once_had(tmp_path):
    """The two kinds of error the book's pages had (issue 24): a paragraph in a <summary> (myst-nb's code toggles)
    and <style scoped> (pandas' table HTML). The check must see them, with their file and line."""
    (tmp_path / "page.html").write_text(
        '<!DOCTYPE html><html lang="en"><head><title>t</title></head><body>\n'
        "<details><summary><p>Show code cell source</p></summary></details>\n"
        "<div><style scoped>td { color: red; }</style></div>\n</body></html>\n", encoding="utf-8")
    errors = nu_errors(tmp_path, ["page.html"])
    assert any(error.startswith("page.html:2: ") and "\u201cp\u201d" in error for error in errors), errors
    assert any(error.startswith("page.html:3: ") and "scoped" in error for error in errors), errors
