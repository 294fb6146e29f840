"""A chapter's executed notebook made readable in any Jupyter front end, for the runnable download.

The chapters are MyST notebooks: the book (and JupyterLab with ``jupyterlab-myst``) renders their margin notes,
glossary terms, citations, computed dates and glued figures; plain Jupyter, VS Code or Colab would show the MyST
itself. The download's copy of the notebook is converted here, at download time (the chapters' sources are never
edited), into plain Markdown that every front end reads:

- a margin note becomes a blockquote headed as the editors' note; a dropdown, a ``<details>`` block;
- ``{term}``, ``{doc}`` and the essay's printed citation markers become their words; ``{cite:p}`` the author-year
  citation ("Pipes 1990, ch. 11") with the works cited listed at the end; ``{oldstyle}`` and ``{date}`` the dates
  as the book prints them; a ``{sic}`` mark the words as printed with the reading in brackets;
- ``{glue:text}`` the value the notebook computed, a glued table the table itself, and a glued figure its caption,
  which points to the code cell whose own output is the chart (the chart never needs myst-nb's glue to be seen).

A role or directive this module does not know stops the conversion with its name, so that no raw MyST reaches a
reader unnoticed. The Markdown outputs of code cells (the chronology's table cites its sources) are converted too.
"""

from __future__ import annotations

import ast
import copy
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from pybtex.database import parse_file

from coup1917.calendar import as_written, dual_date

ROLE = re.compile(r"\{(?P<name>[a-z][\w:-]*)\}`(?P<text>[^`]*)`")
FENCE = re.compile(r"^(?P<fence>:{3,}|`{3,})\{(?P<name>[\w:-]+)\}[ \t]*(?P<argument>.*)$")
OPTION = re.compile(r"^:(?P<name>[\w-]+):[ \t]*(?P<value>.*)$")
TARGET = re.compile(r"^\((?P<label>[^)\s]+)\)=\s*$")
EXPLICIT = re.compile(r"^(?P<text>.*?)\s*<(?P<target>[^<>]+)>$", re.S)
CITATION = re.compile(r"(?:\{(?P<pre>[^}]*)\})?(?P<key>[^{},\s]+)(?:\{(?P<post>[^}]*)\})?")
PAGE_LINK = re.compile(r"\[(?P<text>[^\]]+)\]\((?P<page>[\w.-]+)\.md(?P<anchor>#[\w-]+)?\)")
STYLE = re.compile(r"<style[^>]*>.*?</style>\s*", re.S)


class ConversionError(ValueError):
    """MyST the conversion does not know how to make readable."""


@dataclass
class Context:
    """What the conversion of one notebook needs besides the notebook."""

    labels: dict[str, str]  # bibliography key -> author-year label ("Pipes 1990")
    pages_in_download: set[str] = field(default_factory=set)  # page stems whose notebooks travel with this one
    data_files: set[str] = field(default_factory=set)  # CSV file names in the download's data/ folder
    # Glued name -> MIME bundle of what the notebook glued without displaying it: myst-nb keeps those outputs out of
    # the executed notebook, in a sidecar file (glued_outputs reads it).
    glued: dict[str, dict] = field(default_factory=dict)
    cited: list[str] = field(default_factory=list)  # keys in order of first citation (filled while converting)


def author_year_labels(bibfile: Path) -> dict[str, str]:
    """The labels the book prints for each work of ``references.bib`` (the style of coup1917.sphinx.apparatus.citations)."""
    from coup1917.sphinx.apparatus.citations import AuthorYearLabelStyle, AuthorYearSortingStyle

    entries = list(parse_file(str(bibfile), bib_format="bibtex").entries.values())
    ordered = AuthorYearSortingStyle().sort(entries)
    return {entry.key: label for entry, label in zip(ordered, AuthorYearLabelStyle().format_labels(ordered))}


def references_markdown(bibfile: Path, keys: list[str], labels: dict[str, str]) -> str:
    """The works cited, as a Markdown list in the order of their labels, formatted as the bibliography page is."""
    from coup1917.sphinx.apparatus.citations import AuthorYearLabelStyle, AuthorYearSortingStyle, AuthorYearStyle

    bibliography = parse_file(str(bibfile), bib_format="bibtex")
    style = AuthorYearStyle(label_style=AuthorYearLabelStyle, sorting_style=AuthorYearSortingStyle)
    formatted = style.format_entries(bibliography.entries[key] for key in keys)
    lines = sorted(f"- **{labels[entry.key]}.** {entry.text.render_as('markdown')}" for entry in formatted)
    return "## Works cited\n\n*Editorial: the works cited in this notebook's notes.*\n\n" + "\n".join(lines)


def glued_outputs(executed_path: Path) -> dict[str, dict]:
    """The glued values myst-nb wrote beside an executed notebook (``<page>.glue.json``), by name."""
    sidecar = executed_path.with_suffix(".glue.json")
    if not sidecar.is_file():
        return {}
    return {name: output["data"] for name, output in json.loads(sidecar.read_text(encoding="utf-8")).items()}


def convert(executed: nbformat.NotebookNode, context: Context, first_cell: str) -> nbformat.NotebookNode:
    """A copy of ``executed`` whose Markdown is plain, with ``first_cell`` first and the works cited last."""
    notebook = copy.deepcopy(executed)
    glued = {**context.glued, **_glued_values(notebook)}
    chart_cells = _chart_cells(notebook)
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "markdown":
            cell.source = _convert_markdown(cell.source, context, glued, chart_cells, index)
        elif cell.cell_type == "code":
            cell.metadata.pop("execution", None)  # nbclient's timings: two builds must give the same file
            # What glue stores without displaying it is no output to a reader (Jupyter shows "no renderer").
            cell.outputs = [output for output in cell.get("outputs", [])
                            if not output.get("metadata", {}).get("scrapbook", {}).get("mime_prefix")]
            for output in cell.outputs:
                if "text/markdown" in output.get("data", {}):
                    output.data["text/markdown"] = _inline(output.data["text/markdown"], context, glued)
    notebook.cells.insert(0, nbformat.v4.new_markdown_cell(first_cell))
    return notebook


def _glued_values(notebook: nbformat.NotebookNode) -> dict[str, dict]:
    """Glued name -> its MIME bundle (prefix removed), from the outputs of myst-nb's ``glue``."""
    values = {}
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            record = output.get("metadata", {}).get("scrapbook")
            if record:
                prefix = record.get("mime_prefix", "")
                values[record["name"]] = {mime.removeprefix(prefix): value for mime, value in output.data.items()}
    return values


def _chart_cells(notebook: nbformat.NotebookNode) -> dict[str, int]:
    """Glued name -> index of the code cell that glued it."""
    return {output.metadata.scrapbook["name"]: index for index, cell in enumerate(notebook.cells)
            for output in cell.get("outputs", []) if output.get("metadata", {}).get("scrapbook")}


def _convert_markdown(source: str, context: Context, glued: dict, chart_cells: dict, index: int) -> str:
    lines, _ = _block(source.splitlines(), 0, None, context, glued, chart_cells, index)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")


def _closes(line: str, fence: str) -> bool:
    stripped = line.strip()
    return len(stripped) >= len(fence) and set(stripped) == {fence[0]}


def _block(lines, start, fence, context, glued, chart_cells, index):
    """Convert ``lines`` from ``start`` up to the line closing ``fence``; the lines and the index after it."""
    out, position = [], start
    while position < len(lines):
        line = lines[position]
        if fence and _closes(line, fence):
            return out, position + 1
        opened = FENCE.match(line)
        if opened:
            position += 1
            options = {}
            while position < len(lines) and OPTION.match(lines[position]):
                option = OPTION.match(lines[position])
                options[option["name"]] = option["value"]
                position += 1
            body, position = _block(lines, position, opened["fence"], context, glued, chart_cells, index)
            out += ["", *_directive(opened["name"], opened["argument"].strip(), body, glued, chart_cells,
                                    index, context), ""]
            continue
        if not TARGET.match(line) and not line.startswith("% "):
            out.append(_inline(line, context, glued))
        position += 1
    if fence:
        raise ConversionError(f"a {fence} fence is not closed")
    return out, position


def _directive(name, argument, body, glued, chart_cells, index, context) -> list[str]:
    if name == "margin":
        return ["> *Editors' note (a margin note in the book)*", ">", *[f"> {line}".rstrip() for line in body]]
    if name == "dropdown":
        return [f"<details><summary>{_inline(argument, context, glued)}</summary>", "", *body, "", "</details>"]
    if name == "div":
        return body
    if name == "table":
        return [f"**{_inline(argument, context, glued)}**", "", *body]
    if name == "glue":
        return [_glued_block(argument, glued)]
    if name == "glue:figure":
        if argument not in chart_cells:
            raise ConversionError(f"{{glue:figure}} {argument!r}: no cell of the notebook glued it")
        where = "above" if chart_cells[argument] < index else "below"
        cell = f"the code cell {where}" if abs(chart_cells[argument] - index) == 1 else f"a code cell {where}"
        return [f"**Figure.** *The chart is the output of {cell}.*", "", *body]
    raise ConversionError(f"directive {{{name}}} has no plain-Markdown form in coup1917/build/downloads/portable.py")


def _glued_block(name: str, glued: dict) -> str:
    bundle = _glued(name, glued)
    if "text/markdown" in bundle:
        return bundle["text/markdown"]
    if "text/html" in bundle:  # a DataFrame: its table, without the <style> front ends show as text
        return STYLE.sub("", bundle["text/html"])
    return "```\n" + bundle.get("text/plain", "") + "\n```"


def _glued(name: str, glued: dict) -> dict:
    if name not in glued:
        raise ConversionError(f"nothing glued under {name!r}")
    return glued[name]


def _inline(text: str, context: Context, glued: dict) -> str:
    text = ROLE.sub(lambda match: _role(match["name"], match["text"], context, glued), text)
    return PAGE_LINK.sub(lambda match: _page_link(match, context), text)


def _page_link(match: re.Match, context: Context) -> str:
    if match["page"] in context.pages_in_download:
        return f"[{match['text']}]({match['page']}.ipynb{match['anchor'] or ''})"
    return match["text"]


def _words(text: str) -> str:
    explicit = EXPLICIT.match(text)
    return explicit["text"] if explicit else text


def _role(name: str, text: str, context: Context, glued: dict) -> str:
    if name in ("term", "doc", "ref", "numref", "printed-cite"):
        return _words(text)
    if name == "oldstyle":
        return dual_date(text)
    if name == "date":
        return as_written(text)
    if name == "sic":
        printed, reading, _reason = (part.strip() for part in text.split("::"))
        return f"{printed} [*sic*; read: {reading}]"
    if name == "download":
        explicit = EXPLICIT.match(text)
        words, target = (explicit["text"], explicit["target"]) if explicit else (text, text)
        file = Path(target).name
        return f"[{words}](data/{file})" if file in context.data_files else words
    if name in ("glue:text", "glue"):
        key, _, spec = text.partition(":")
        return _glued_text(_glued(key, glued), spec)
    if name in ("cite:p", "cite:t", "cite"):
        return _citation(name, text, context)
    raise ConversionError(f"role {{{name}}} has no plain-Markdown form in coup1917/build/downloads/portable.py")


def _glued_text(bundle: dict, spec: str) -> str:
    plain = bundle.get("text/plain", "")
    try:
        value = ast.literal_eval(plain)
    except (ValueError, SyntaxError):
        return plain
    return format(value, spec) if spec else str(value)


def _citation(name: str, text: str, context: Context) -> str:
    parts = []
    for cited in CITATION.finditer(text):
        if cited["key"] not in context.labels:
            raise ConversionError(f"{{{name}}}: {cited['key']!r} is not a key of references.bib")
        if cited["key"] not in context.cited:
            context.cited.append(cited["key"])
        label = context.labels[cited["key"]]
        parts.append(" ".join(filter(None, (cited["pre"], label))) + (f", {cited['post']}" if cited["post"] else ""))
    joined = "; ".join(parts)
    return joined if name == "cite:t" else f"({joined})"
