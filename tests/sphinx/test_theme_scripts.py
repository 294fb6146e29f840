"""coup1917.sphinx.theme_scripts: no page declares an inline script twice; every page has the sidebar the theme's
script looks for (the browser tests check the console of every page)."""

import re
from collections import Counter


def test_every_inline_script_appears_once_per_page(built_pages):
    for page, html in built_pages.items():
        head = html.split("</head>")[0]
        inline = Counter(re.findall(r"<script>(.*?)</script>", head, flags=re.S))
        repeated = [script[:60] for script, count in inline.items() if count > 1]
        assert not repeated, f"{page} repeats inline scripts: {repeated}"
        assert head.count("const THEBE_JS_URL") <= 1, page


def test_every_page_carries_the_sidebar_stand_in(built_pages):
    for page, html in built_pages.items():
        assert html.count("standIn.className = \"bd-sidebar-secondary\"") == 1, page
