"""The PDF edition (``make pdf``): the joined book written as one Typst document
(:mod:`~coup1917.sphinx.editions.typst_writer`) and compiled by Typst into a tagged PDF that declares PDF/UA-1 and
PDF/A-2a, dated by the edition's date so that two builds of one commit are the same bytes (README: "The PDF edition").
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import typst
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ExtensionError

from coup1917 import ROOT
from coup1917.book import edition_name
from coup1917.sphinx.apparatus.paragraphs import CITE_TARGET
from coup1917.sphinx.editions import add_output_priorities
from coup1917.sphinx.editions.metadata import Edition, edition_of
from coup1917.sphinx.editions.typst_writer import TypstTranslator, string
from coup1917.sphinx.editions.whole_book import WholeBookBuilder

TEMPLATE = Path(__file__).parent / "typst" / "edition.typ"
#: The editors' sans-serif: Source Sans 3 (SIL Open Font License), the npm package pinned by package-lock.json.
SANS_FONTS = ROOT / "node_modules" / "@expo-google-fonts" / "source-sans-3"
#: Both standards at once: PDF/UA-1 (tagged, accessible) and PDF/A-2a (archival, tagged).
PDF_STANDARDS = ["ua-1", "a-2a"]
#: The fields the title page shows under the title, with their labels.
TITLE_PAGE_FIELDS = {"publisher": "Publisher", "language": "Language", "source": "Source", "rights": "Rights"}
_TYPST_PLACE = re.compile(r"┌─ (?P<file>[^\s:]+):(?P<line>\d+):\d+")


class TypstPdfBuilder(WholeBookBuilder):
    """The whole book as one Typst document, compiled into ``<name>.pdf``."""

    name = "typst"
    format = "typst"
    epilog = "The PDF is in %(outdir)s."
    default_translator_class = TypstTranslator
    supported_image_types = ["image/svg+xml", "image/png", "image/jpeg"]

    def init(self) -> None:
        #: Labels the writer must write though no reference node names them: the paragraph numbers' "cite" link.
        self.extra_targets = {CITE_TARGET}

    def get_target_uri(self, docname: str, typ: str | None = None) -> str:
        return "%" + docname  # one document: the writer turns "%page#id" into the label of that id

    def get_relative_uri(self, from_: str, to: str, typ: str | None = None) -> str:
        return self.get_target_uri(to, typ)

    def write(self, *ignored) -> None:
        tree = self.whole_book()
        self.post_process_images(tree)
        translator = self.create_translator(tree, self)
        tree.walkabout(translator)
        self.source.write_text(translator.astext(), encoding="utf-8")

    @property
    def source(self) -> Path:
        return Path(self.outdir, edition_name(Path(self.srcdir), ".typ"))

    def preamble(self) -> str:
        return preamble(edition_of(self.app))

    def finish(self) -> None:
        shutil.copyfile(TEMPLATE, Path(self.outdir, TEMPLATE.name))
        for source, name in self.images.items():
            shutil.copyfile(Path(self.srcdir, source), Path(self.outdir, name))
        compile_pdf(self.source, self.source.with_suffix(".pdf"), edition_of(self.app))


def preamble(metadata: Edition) -> str:
    """The document's head: the template, the metadata and the title page from the edition's record."""
    fields = ", ".join(f"({string(label)}, {string(getattr(metadata, field))})"
                       for field, label in TITLE_PAGE_FIELDS.items())
    return (
        f'#import "{TEMPLATE.name}": *\n'
        f"#show: edition.with(\n"
        f"  title: {string(metadata.title)},\n"
        f"  author: ({', '.join(string(name) for name in [metadata.creator, *metadata.contributors])},),\n"
        f"  description: {string(metadata.summary)},\n"
        f"  keywords: ({', '.join(string(keyword) for keyword in metadata.keywords)},),\n"
        f"  lang: {string(metadata.language)},\n"
        f"  front: title-page(title: {string(metadata.title)}, essay: {string(metadata.essay)},\n"
        f"    creator: {string(metadata.creator)}, editors: ({', '.join(map(string, metadata.editors))},),\n"
        f"    fields: ({fields},), version: {string(metadata.version)},\n"
        f"    date: {string(f'{metadata.date:%d %B %Y}')}),\n"
        f")\n\n"
    )


def compile_pdf(source: Path, pdf: Path, metadata: Edition) -> None:
    """Typst: ``source`` into ``pdf``, tagged, PDF/UA-1 and PDF/A-2a, dated by the edition's date; its fonts the
    wheel's and the editors' sans only (never the machine's, so that every machine writes the same file)."""
    if not SANS_FONTS.is_dir():
        raise ExtensionError(f"{SANS_FONTS} is missing: `make pdf` installs it with `npm ci` (package.json)")
    try:
        typst.compile(str(source), output=str(pdf), root=str(source.parent), font_paths=[str(SANS_FONTS)],
                      ignore_system_fonts=True, pdf_standards=PDF_STANDARDS,
                      timestamp=int(metadata.date.timestamp()))
    except typst.TypstError as error:
        # typst-py gives the error's place only inside its rendered diagnostic ("┌─ file:line:column"), as TeX
        # does in its log: read from there, the one place it is.
        place = _TYPST_PLACE.search(error.diagnostic or "")
        where = f"{Path(place['file']).resolve()}:{place['line']}" if place else str(source)  # file: from the cwd
        raise ExtensionError(f"{where}: Typst: {error.message}") from None


#: The outputs of a code cell the PDF takes, best first: Markdown (the chronology's), a DataFrame's HTML table
#: (rebuilt as a table, :class:`~coup1917.sphinx.editions.epub.DataFramesAsTables`), images, plain text. Charts:
#: their own renderer (plotly_output).
MIME_PRIORITY = ["text/markdown", "text/html", "image/svg+xml", "image/png", "image/jpeg", "text/plain"]


def prefer_outputs(app: Sphinx, config: Config) -> None:
    add_output_priorities(config, TypstPdfBuilder.name,
                          ((mime, rank) for rank, mime in enumerate(MIME_PRIORITY, start=10)))


def setup(app: Sphinx) -> dict:
    app.add_builder(TypstPdfBuilder)
    app.connect("config-inited", prefer_outputs)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
