"""coup1917.sphinx.inline_scripts: no page of the built book declares an inline script twice."""

import re
from collections import Counter


def test_every_inline_script_appears_once_per_page(built_pages):
    for page, html in built_pages.items():
        head = html.split("</head>")[0]
        inline = Counter(re.findall(r"<script>(.*?)</script>", head, flags=re.S))
        repeated = [script[:60] for script, count in inline.items() if count > 1]
        assert not repeated, f"{page} repeats inline scripts: {repeated}"
        assert head.count("const THEBE_JS_URL") <= 1, page
