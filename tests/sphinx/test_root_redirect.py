"""The site's index.html forwards to the root page and names the edition's icon (no request for /favicon.ico)."""

import pytest
from bs4 import BeautifulSoup

from tests.support import HTML_DIR

pytestmark = pytest.mark.book


def test_root_page_forwards_with_icon_and_link():
    page = BeautifulSoup((HTML_DIR / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert page.html["lang"] == "en"
    assert page.select_one('meta[http-equiv="refresh"]')["content"] == "0; url=chapters/index.html"
    icon = page.select_one('link[rel="icon"]')["href"]
    assert (HTML_DIR / icon).is_file()
    assert page.select_one("body a")["href"] == "chapters/index.html"
