"""The EPUB 3 edition: Sphinx's EPUB builder with the edition's record and a cover drawn from it, margin notes as
EPUB footnotes, charts as images with alt text and their data shown, no scripts and no downloads (a scripted EPUB
must declare it, and most readers ignore it), and an archive dated by ``SOURCE_DATE_EPOCH``."""

from __future__ import annotations

import html
import os
import time
from pathlib import Path
from xml.dom import minidom

import plotly.graph_objects as go
from bs4 import BeautifulSoup
from docutils import nodes
from myst_nb.sphinx_ import HideCodeCellNode
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.builders.epub3 import Epub3Builder
from sphinx.config import Config
from sphinx.errors import ExtensionError
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging

from coup1917.book import edition_name
from coup1917.book.archive import write_zip
from coup1917.sphinx.charts import export as chart_export
from coup1917.sphinx.apparatus.editorial import EDITORIAL
from coup1917.sphinx.margins.placement import is_margin, paragraph_of
from coup1917.sphinx.editions.metadata import edition_of
from coup1917.sphinx.charts.plotly_output import CHART_IMAGE_CLASS, chart_alt_text, is_dropdown

logger = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).parent / "epub_static"
STYLESHEET = "edition-epub.css"  # the author's words in a serif, the editors' in a sans-serif
COVER_IMAGE = "_static/epub-cover.png"
COVER_SIZE = (1200, 1800)  # pixels, the 2:3 of most e-book covers
EDITORIAL_RED = "#7a1f1f"  # the headings' colour in the HTML book and the PDF


class EditionEpubBuilder(Epub3Builder):
    """Sphinx's EPUB 3 builder with the edition's keywords in the package and a reproducible archive."""

    def build_content(self) -> None:
        super().build_content()
        path = Path(self.outdir, "content.opf")
        package = minidom.parse(str(path))
        before = package.getElementsByTagName("dc:creator")[0]
        for keyword in edition_of(self.app).keywords:
            subject = package.createElement("dc:subject")
            subject.appendChild(package.createTextNode(keyword))
            before.parentNode.insertBefore(subject, before)
        path.write_bytes(package.toxml(encoding="UTF-8"))

    def toc_metadata(self, level: int, navpoints: list) -> dict:
        # The NCX's dtb:uid must be the package's identifier; Sphinx 7.4 writes epub_uid (the identifier's XML id).
        metadata = super().toc_metadata(level, navpoints)
        metadata["uid"] = html.escape(self.config.epub_identifier)
        return metadata

    def build_epub(self) -> None:
        """The archive as Sphinx writes it (``mimetype`` first and stored), each entry dated SOURCE_DATE_EPOCH."""
        stamp = time.gmtime(int(os.environ.get("SOURCE_DATE_EPOCH", edition_of(self.app).date.timestamp())))
        names = ["mimetype", "META-INF/container.xml", "content.opf", "toc.ncx", *self.files]
        entries = ((name, Path(self.outdir, name).read_bytes()) for name in names)
        write_zip(Path(self.outdir, edition_name(Path(self.srcdir), ".epub")), entries, date_time=stamp[:6],
                  stored=frozenset({"mimetype"}))


def configure_epub(app: Sphinx, config: Config) -> None:
    metadata = edition_of(app)
    settings = {
        "title": metadata.title, "author": metadata.creator, "contributor": ", ".join(metadata.contributors),
        "publisher": metadata.publisher, "copyright": metadata.rights, "language": metadata.language,
        "description": metadata.summary, "identifier": f"urn:{metadata.instance_id}", "scheme": "uuid",
        "uid": "edition-id", "cover": (COVER_IMAGE, "epub-cover.html"), "css_files": [STYLESHEET],
        "exclude_files": ["index.html"],  # sphinx-external-toc's redirect to the root page
        "use_index": False,  # the glossary is the book's index; a generated one lists its terms again
        "show_urls": "no",  # an address spelled out after its link would stand in the text as words
        "tocdepth": 2,
        # The whole table of contents, with paths from the package's root: with the root page in chapters/, Sphinx
        # 7.4's default scope writes the navigation's links relative to chapters/ and they lead nowhere.
        "tocscope": "includehidden"}
    for name, value in settings.items():
        setattr(config, f"epub_{name}", value)


def prepare_epub(app: Sphinx) -> None:
    """Once the EPUB builder is known to be the one: its version, stylesheet and cover."""
    if app.builder.name != "epub":
        return
    metadata = edition_of(app)
    app.config.version = metadata.version  # EPUB 3 wants one; the HTML pages do not show it
    app.config.html_static_path.append(str(STATIC_DIR))
    # The cover, drawn from the record by the book's chart exporter, so it never disagrees with the title page.
    width, height = COVER_SIZE
    lines = [(metadata.title.replace(" — ", "<br>— "), 0.62, 56), (metadata.creator, 0.40, 40),
             ("Editors: " + ", ".join(metadata.editors), 0.33, 34)]
    figure = go.Figure(layout={
        "width": width, "height": height, "paper_bgcolor": EDITORIAL_RED, "plot_bgcolor": EDITORIAL_RED,
        "margin": {"l": 0, "r": 0, "t": 0, "b": 0},
        "xaxis": {"visible": False, "range": [0, 1]}, "yaxis": {"visible": False, "range": [0, 1]},
        "annotations": [{"text": text, "x": 0.5, "y": y, "xref": "paper", "yref": "paper", "showarrow": False,
                         "font": {"size": size, "color": "white", "family": "FreeSans, sans-serif"}}
                        for text, y, size in lines],
    })
    cover = Path(app.outdir, COVER_IMAGE)
    cover.parent.mkdir(parents=True, exist_ok=True)
    try:
        cover.write_bytes(chart_export.chart_image(figure.to_dict(), "png", width, height))
    except chart_export.ExportFailed as failure:
        raise ExtensionError(f"the EPUB's cover: {failure}") from None


class edition_note(nodes.Element, nodes.General):
    """A margin note set as an EPUB footnote (``<aside epub:type="footnote">``)."""


class edition_noteref(nodes.Inline, nodes.TextElement):
    """The link to an :class:`edition_note`, at the start of the paragraph the note stands beside."""


class OpenDropdowns(SphinxPostTransform):
    """A chart's data dropdown becomes a plain block: e-readers show ``<details>`` unevenly, and sphinx-design's
    summary (an inline SVG chevron) is not valid EPUB content."""

    default_priority = 150  # before sphinx-design turns the dropdown into its HTML form (199)
    builders = ("epub",)

    def run(self, **kwargs) -> None:
        for dropdown in list(self.document.findall(is_dropdown)):
            dropdown.replace_self(nodes.container("", *dropdown.children, classes=["dropdown-content"]))


class ReaderFriendlyPages(SphinxPostTransform):
    """Margin notes as numbered EPUB footnotes after the paragraph they stood beside (e-readers open them as pop-ups
    from the number at the paragraph's start); chart images described; the code cells the HTML book hides left out
    (the notebook is one download away from the HTML book); download links as their file names."""

    default_priority = 790
    builders = ("epub",)

    def run(self, **kwargs) -> None:
        notes_after: dict[int, int] = {}  # paragraph -> notes already set after it, kept in the page's order
        for number, margin in enumerate(list(self.document.findall(is_margin)), start=1):
            note_id = f"margin-note-{number}"
            note = edition_note("", *margin.children, ids=[note_id], classes=[*margin["classes"], EDITORIAL])
            if note.children and isinstance(note[0], nodes.title) and not note[0].astext():
                note.remove(note[0])
            paragraph = paragraph_of(margin)
            if paragraph is None:  # no paragraph follows (a table does): the note stays, an aside no reader hides
                note["footnote"] = False
                margin.replace_self(note)
                continue
            margin.parent.remove(margin)
            before = notes_after.get(id(paragraph), 0)
            paragraph.insert(before, edition_noteref("", str(number), refid=note_id, classes=[EDITORIAL]))
            paragraph.parent.insert(paragraph.parent.index(paragraph) + 1 + before, note)
            notes_after[id(paragraph)] = before + 1
        for hidden_input in list(self.document.findall(HideCodeCellNode)):
            hidden_input.parent.remove(hidden_input)
        for image in list(self.document.findall(nodes.image)):
            if CHART_IMAGE_CLASS in image["classes"]:
                alt = chart_alt_text(image)
                if alt is None:
                    logger.warning("a chart needs a figure with a caption and a '*Text alternative.*' paragraph, "
                                   "its alt text in the EPUB", location=image)
                else:
                    image["alt"] = alt
        for download in list(self.document.findall(addnodes.download_reference)):
            download.replace_self(nodes.literal("", download.astext()))


class DataFramesAsTables(SphinxPostTransform):
    """A pandas DataFrame's HTML output becomes a docutils table, which the EPUB writes as valid XHTML (pandas'
    ``<style scoped>`` is not) and the PDF sets and Typst tags (TH, TD); other raw HTML the PDF leaves out."""

    default_priority = 800
    builders = ("epub", "typst")

    def run(self, **kwargs) -> None:
        for raw in list(self.document.findall(nodes.raw)):
            if raw.get("format") == "html" and 'class="dataframe"' in raw.astext():
                raw.replace_self(dataframe_table(raw.astext()))


def dataframe_table(html_text: str) -> nodes.table:
    """Header rows, then body rows, the index in the first column as pandas shows it."""
    table_html = BeautifulSoup(html_text, "html.parser").find("table")
    head, body = ([[cell.get_text(" ", strip=True) for cell in row.find_all(["th", "td"])]
                   for row in table_html.select(f"{part} tr")] for part in ("thead", "tbody"))
    columns = max(len(row) for row in head + body)
    numeric = [all(_is_number(row[i]) for row in body if i < len(row)) for i in range(columns)]
    group = nodes.tgroup("", *(nodes.colspec(colwidth=1) for _ in range(columns)), cols=columns)
    for part, cells_of_rows in ((nodes.thead, head), (nodes.tbody, body)):
        rows = [nodes.row("", *(nodes.entry("", nodes.paragraph(text, text),
                                            classes=["text-right"] if numeric[column] else [])
                                for column, text in enumerate(cells + [""] * (columns - len(cells)))))
                for cells in cells_of_rows]
        if rows or part is nodes.tbody:
            group += part("", *rows)
    return nodes.table("", group, classes=["dataframe"])


def _is_number(text: str) -> bool:
    try:
        float(text.replace(",", ""))
    except ValueError:
        return False
    return True


def drop_scripts(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Scripts written into the page as raw HTML (sphinx-thebe's configuration) stay out of the EPUB."""
    if app.builder.name != "epub":
        return
    for raw in list(doctree.findall(nodes.raw)):
        if raw.get("format") == "html" and raw.astext().lstrip().startswith("<script"):
            raw.parent.remove(raw)


def visit_note(self, node: edition_note) -> None:
    footnote = {"epub:type": "footnote"} if node.get("footnote", True) else {}
    self.body.append(self.starttag(node, "aside", "", **footnote))


def depart_note(self, node: edition_note) -> None:
    self.body.append("</aside>\n")


def visit_noteref(self, node: edition_noteref) -> None:
    self.body.append(self.starttag(node, "a", "", href=f"#{node['refid']}", CLASS="noteref",
                                   **{"epub:type": "noteref"}))
    self.body.append(f"<sup>{node.astext()}</sup></a>")
    raise nodes.SkipNode


#: The stylesheets an EPUB page keeps: the epub theme's, Pygments' and the edition's. The others style the HTML
#: book's interactive parts (buttons, Thebe, togglers), which the EPUB has not.
EPUB_STYLESHEETS = ("epub.css", "pygments.css", STYLESHEET)


def reader_assets(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if app.builder.name == "epub":
        context["script_files"] = []
        context["css_files"] = [css for css in context.get("css_files", [])
                                if Path(getattr(css, "filename", str(css))).name in EPUB_STYLESHEETS]


def setup(app: Sphinx) -> dict:
    app.add_builder(EditionEpubBuilder, override=True)
    app.connect("config-inited", configure_epub)
    app.connect("builder-inited", prepare_epub, priority=400)  # before Sphinx checks the EPUB's settings
    app.add_node(edition_note, html=(visit_note, depart_note))
    app.add_node(edition_noteref, html=(visit_noteref, None))
    app.add_post_transform(OpenDropdowns)
    app.add_post_transform(ReaderFriendlyPages)
    app.add_post_transform(DataFramesAsTables)
    app.connect("doctree-resolved", drop_scripts, priority=900)  # after sphinx-thebe has added its scripts
    app.connect("html-page-context", reader_assets, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
