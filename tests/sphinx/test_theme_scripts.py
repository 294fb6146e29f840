"""coup1917.sphinx.theme.theme_scripts: no page declares an inline script twice; every page has the sidebar the theme's
script looks for (the browser tests check the console of every page)."""

import re
from collections import Counter

import pydata_sphinx_theme
import pytest
import sphinx
from sphinx.errors import ExtensionError

from coup1917.sphinx.theme import accessibility, theme_scripts


@pytest.mark.book
def test_every_inline_script_appears_once_per_page(built_pages):
    for page, html in built_pages.items():
        head = html.split("</head>")[0]
        inline = Counter(re.findall(r"<script>(.*?)</script>", head, flags=re.S))
        repeated = [script[:60] for script, count in inline.items() if count > 1]
        assert not repeated, f"{page} repeats inline scripts: {repeated}"
        assert head.count("const THEBE_JS_URL") <= 1, page


@pytest.mark.book
def test_every_page_carries_the_sidebar_stand_in(built_pages):
    for page, html in built_pages.items():
        assert html.count("standIn.className = \"bd-sidebar-secondary\"") == 1, page


def test_a_sphinx_with_the_upstream_fix_stops_the_build_until_the_work_around_goes(monkeypatch):
    monkeypatch.setattr(sphinx, "version_info", (8, 2, 2, "final", 0))
    with pytest.raises(ExtensionError, match=r"sphinx-doc/sphinx#13402"):
        theme_scripts.setup(None)


def test_another_theme_version_stops_the_build_until_the_templates_are_checked(monkeypatch):
    monkeypatch.setattr(pydata_sphinx_theme, "__version__", "0.18.0")
    with pytest.raises(ExtensionError, match=r"pydata-sphinx-theme 0\.17\.1's components, but 0\.18\.0"):
        accessibility._add_templates(None, None)
