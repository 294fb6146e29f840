"""A chapter's executed notebook with its MyST made plain Markdown, which any Jupyter front end reads: each Markdown
cell (and Markdown output) is parsed with myst-parser's own markdown-it parser and written back node by node. A
role, directive or node not written here (only those the chapters use) stops the conversion with its name, so that
no raw MyST reaches a reader unnoticed.
"""

from __future__ import annotations

import ast
import copy
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import nbformat
from docutils.parsers.rst import Directive, directives
from markdown_it.renderer import RendererHTML
from markdown_it.tree import SyntaxTreeNode
from myst_parser.config.main import MdParserConfig
from myst_parser.parsers.directives import parse_directive_text
from myst_parser.parsers.mdit import create_md_parser
from sphinx.util.nodes import split_explicit_title
from sphinxcontrib.bibtex.citation_target import parse_citation_targets

from coup1917.calendar import as_written, dual_date

EDITORS_NOTE = "*Editors' note (a margin note in the book)*"
STYLE = re.compile(r"<style[^>]*>.*?</style>\s*", re.S)  # pandas' <style scoped>, which front ends show as text
MARKDOWN_SPECIALS = re.compile(r"([\\`*_])")  # what plain text escapes to stay text when written back
DROPPED = {"myst_target", "myst_line_comment", "myst_block_break", "front_matter"}  # the book's, not the reader's


class ConversionError(ValueError):
    """MyST the conversion does not know how to make readable."""


@dataclass
class Context:
    labels: dict[str, str]  # bibliography key -> author-year label ("Pipes 1990")
    myst_extensions: frozenset[str] = frozenset({"colon_fence"})  # the book's (_config.yml)
    pages_in_download: set[str] = field(default_factory=set)  # page stems whose notebooks travel with this one
    data_files: set[str] = field(default_factory=set)  # CSV file names in the download's data/ folder
    cited: list[str] = field(default_factory=list)  # keys in order of first citation (filled while converting)
    glued: dict[str, dict] = field(default_factory=dict)  # glued name -> its MIME bundle (filled from the notebook)
    chart_cells: dict[str, int] = field(default_factory=dict)  # glued name -> the index of the cell that glued it
    cell: int = 0  # the index of the cell being converted


class _AnyDirective(Directive):
    """The shape of every directive the chapters use: an optional argument, options, a body."""

    optional_arguments = 1
    final_argument_whitespace = True
    has_content = True
    option_spec = {"name": directives.unchanged}  # any option is read (as YAML, as myst-nb reads cell options)


class _DirectiveWithoutOptions(_AnyDirective):
    """A body that opens with a nested colon fence has no options, though its first line starts with a colon."""

    option_spec = None


@cache
def _parser(extensions: frozenset[str]):
    return create_md_parser(MdParserConfig(enable_extensions=set(extensions)), RendererHTML)


def convert(executed: nbformat.NotebookNode, context: Context, first_cell: str) -> nbformat.NotebookNode:
    notebook = copy.deepcopy(executed)
    for index, cell in enumerate(notebook.cells):
        for output in cell.get("outputs", []):
            # myst-nb's glue: the value under its name, the MIME prefix removed
            if record := output.get("metadata", {}).get("scrapbook"):
                prefix = record.get("mime_prefix", "")
                context.glued[record["name"]] = {mime.removeprefix(prefix): data for mime, data in output.data.items()}
                context.chart_cells[record["name"]] = index
    for context.cell, cell in enumerate(notebook.cells):
        if cell.cell_type == "markdown":
            cell.source = markdown(cell.source, context)
        elif cell.cell_type == "code":
            cell.metadata.pop("execution", None)  # nbclient's timings: two builds must give the same file
            # What glue stores without displaying it is no output to a reader (Jupyter shows "no renderer").
            cell.outputs = [output for output in cell.get("outputs", [])
                            if not output.get("metadata", {}).get("scrapbook", {}).get("mime_prefix")]
            for output in cell.outputs:
                if "text/markdown" in output.get("data", {}):
                    output.data["text/markdown"] = markdown(output.data["text/markdown"], context)
    notebook.cells.insert(0, nbformat.v4.new_markdown_cell(first_cell))
    return notebook


def markdown(source: str, context: Context) -> str:
    return _blocks(SyntaxTreeNode(_parser(context.myst_extensions).parse(source)).children, context)


def _blocks(children: list[SyntaxTreeNode], context: Context) -> str:
    return "\n\n".join(text for text in (_block(node, context) for node in children) if text)


def _prefixed(text: str, first: str, rest: str) -> str:
    return "\n".join(((first if number == 0 else rest) + line).rstrip() for number, line in enumerate(text.split("\n")))


def _block(node: SyntaxTreeNode, context: Context) -> str:
    kind = node.type
    if kind in DROPPED:
        return ""
    if kind == "paragraph":
        return _inline(node.children, context)
    if kind == "heading":
        return f"{node.markup} {_inline(node.children, context)}"
    if kind == "blockquote":
        return _prefixed(_blocks(node.children, context), "> ", "> ")
    if kind == "bullet_list":
        return "\n".join(_prefixed(_blocks(item.children, context), f"{node.markup} ", "  ") for item in node.children)
    if kind == "table":
        return _table(node, context)
    if kind in ("fence", "colon_fence") and node.info.startswith("{"):
        name, _, first_line = node.info[1:].partition("}")
        return _directive(name, first_line.strip(), node.content, context)
    raise ConversionError(f"Markdown {kind!r} has no plain-Markdown form in coup1917/build/downloads/portable.py")


def _table(node: SyntaxTreeNode, context: Context) -> str:
    rows = [row for section in node.children for row in section.children]
    aligns = [cell.attrs.get("style", "") for cell in rows[0].children]
    rule = {"text-align:left": ":--", "text-align:right": "--:", "text-align:center": ":-:"}
    lines = ["| " + " | ".join(_inline(cell.children, context) for cell in row.children) + " |" for row in rows]
    lines.insert(1, "| " + " | ".join(rule.get(align, "---") for align in aligns) + " |")
    return "\n".join(lines)


def _directive(name: str, first_line: str, content: str, context: Context) -> str:
    shape = _DirectiveWithoutOptions if content.lstrip().startswith(":::") else _AnyDirective
    parsed = parse_directive_text(shape, first_line, content, validate_options=False)
    argument = parsed.arguments[0] if parsed.arguments else ""
    body = markdown("\n".join(parsed.body), context)
    if name == "margin":
        return _prefixed(f"{EDITORS_NOTE}\n\n{body}", "> ", "> ")
    if name == "dropdown":
        return f"<details><summary>{markdown(argument, context)}</summary>\n\n{body}\n\n</details>"
    if name == "div":
        return body
    if name == "table":
        return f"**{markdown(argument, context)}**\n\n{body}"
    if name == "glue":
        bundle = _glued(argument, context)
        if "text/markdown" in bundle:
            return bundle["text/markdown"]
        if "text/html" in bundle:  # a DataFrame: its table
            return STYLE.sub("", bundle["text/html"])
        return "```\n" + bundle.get("text/plain", "") + "\n```"
    if name == "glue:figure":
        if argument not in context.chart_cells:
            raise ConversionError(f"{{glue:figure}} {argument!r}: no cell of the notebook glued it")
        distance = context.chart_cells[argument] - context.cell
        cell = f"{'the' if abs(distance) == 1 else 'a'} code cell {'above' if distance < 0 else 'below'}"
        return f"**Figure.** *The chart is the output of {cell}.*\n\n{body}"
    raise ConversionError(f"directive {{{name}}} has no plain-Markdown form in coup1917/build/downloads/portable.py")


def _glued(name: str, context: Context) -> dict:
    if name not in context.glued:
        raise ConversionError(f"nothing glued under {name!r}")
    return context.glued[name]


def _inline(children: list[SyntaxTreeNode], context: Context) -> str:
    return "".join(_inline_node(node, context) for node in children)


def _inline_node(node: SyntaxTreeNode, context: Context) -> str:
    kind = node.type
    if kind == "inline":
        return _inline(node.children, context)
    if kind == "text":
        return MARKDOWN_SPECIALS.sub(r"\\\1", node.content)
    if kind == "softbreak":
        return "\n"
    if kind in ("em", "strong"):
        return f"{node.markup}{_inline(node.children, context)}{node.markup}"
    if kind == "code_inline":
        return f"{node.markup}{node.content}{node.markup}"
    if kind == "link":  # to another chapter: its notebook if the download carries it, else its words
        href, words = str(node.attrs["href"]), _inline(node.children, context)
        page, _, anchor = href.partition("#")
        if "://" in href or not page.endswith(".md"):
            return f"[{words}]({href})"
        if (stem := Path(page).stem) not in context.pages_in_download:
            return words
        return f"[{words}]({stem}.ipynb{'#' + anchor if anchor else ''})"
    if kind == "myst_role":
        return _role(node.meta["name"], node.content, context)
    raise ConversionError(f"Markdown {kind!r} has no plain-Markdown form in coup1917/build/downloads/portable.py")


def _role(name: str, text: str, context: Context) -> str:
    _, words, target = split_explicit_title(text)
    if name in ("term", "doc", "ref", "numref", "printed-cite"):
        return words
    if name == "oldstyle":
        return dual_date(text)
    if name == "date":
        return as_written(text)
    if name == "sic":
        printed, reading, _reason = (part.strip() for part in text.split("::"))
        return f"{printed} [*sic*; read: {reading}]"
    if name == "download":
        file = Path(target).name
        return f"[{words}](data/{file})" if file in context.data_files else words
    if name in ("glue:text", "glue"):
        key, _, spec = text.partition(":")
        plain = _glued(key, context).get("text/plain", "")
        try:
            value = ast.literal_eval(plain)
        except (ValueError, SyntaxError):
            return plain
        return format(value, spec) if spec else str(value)
    if name in ("cite:p", "cite:t", "cite"):
        parts = []
        for cited in parse_citation_targets(text):
            if cited.key not in context.labels:
                raise ConversionError(f"{{{name}}}: {cited.key!r} is not a key of references.bib")
            if cited.key not in context.cited:
                context.cited.append(cited.key)
            parts.append(" ".join(filter(None, (cited.pre, context.labels[cited.key])))
                         + (f", {cited.post}" if cited.post else ""))
        return "; ".join(parts) if name == "cite:t" else f"({'; '.join(parts)})"
    raise ConversionError(f"role {{{name}}} has no plain-Markdown form in coup1917/build/downloads/portable.py")


def references_markdown(works: dict[str, tuple[str, str]], context: Context) -> str:
    """``works``: each work's label and Markdown, by key (``citations.formatted_entries``)."""
    lines = sorted(f"- **{context.labels[key]}.** {works[key][1]}" for key in context.cited)
    return "## Works cited\n\n*Editorial: the works cited in this notebook's notes.*\n\n" + "\n".join(lines)
