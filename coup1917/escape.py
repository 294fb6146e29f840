"""Text from the data reaches the page as the literal text typed in the CSV, never as markup.

Where a table's text goes, and what keeps it literal:

- Plotly labels (trace names, category labels, bar text, hover text through ``%{...}``): plotly.js reads every
  label as a subset of HTML: ``<b>``, ``<i>``, ``<br>``, ``<span style>``, ``<a href>`` with an http(s) link that
  opens a new tab. It drops other tags' attributes and ``javascript:`` links, so a label cannot run a script, but
  it swallows the tags, and a CSV cell could plant a link to anywhere. :func:`plotly_literal` escapes the text
  (plotly.js decodes ``&lt;`` ``&gt;`` ``&amp;`` back for display); :func:`coup1917.charts.glue_chart` applies it
  to every chart's data.
- Markdown a cell displays (the chronology's table, which the book parses as MyST so its citations work): MyST
  passes raw HTML through, and roles and emphasis would act. :func:`markdown_literal` backslash-escapes it.
- pandas tables (``DataFrame._repr_html_``) and glued strings (``{glue:text}``, a docutils text node) are escaped
  by pandas and docutils.
"""

from __future__ import annotations

import html
import re

#: The one piece of markup a chart label may carry: the line break the charts put in long labels.
LINE_BREAK = "<br>"
_MARKDOWN_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")  # every ASCII punctuation character


def plotly_literal(text: str) -> str:
    """``text`` as a plotly.js label that shows exactly ``text`` (line breaks ``<br>`` kept)."""
    return html.escape(text, quote=False).replace(html.escape(LINE_BREAK), LINE_BREAK)


def markdown_literal(text: str) -> str:
    """``text`` as Markdown (MyST) that renders as exactly ``text``: every ASCII punctuation mark escaped."""
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", text)
