"""Text from the data reaches the page as typed, never as markup: plotly.js reads every label as a subset of HTML
(tags swallowed, a link planted by a CSV cell), and MyST passes raw HTML through and acts on roles and emphasis.
pandas tables and glued strings (docutils text) are escaped by pandas and docutils.
"""

from __future__ import annotations

import html
import re

#: The one piece of markup a chart label may carry: the line break the charts put in long labels.
LINE_BREAK = "<br>"
_MARKDOWN_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")  # every ASCII punctuation character


def plotly_literal(text: str) -> str:
    """``text`` as a plotly.js label showing exactly ``text`` (plotly.js decodes the entities); ``<br>`` kept."""
    return html.escape(text, quote=False).replace(html.escape(LINE_BREAK), LINE_BREAK)


def markdown_literal(text: str) -> str:
    """``text`` as Markdown (MyST) that renders as exactly ``text``: every ASCII punctuation mark escaped."""
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", text)
