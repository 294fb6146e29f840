"""The PDF edition: page layout, title page and the edition's typographic rule in LaTeX.

The rule of the HTML book holds in the PDF too: the author's words are set in a serif, everything the editors add
in a sans-serif. In LaTeX it is simplest to say it the other way round: the document's default family is the
sans-serif, so whatever the editors add (headings, notes, captions, code, apparatus, title page, running heads)
is sans-serif without further ado, and the author's words, the blocks of a ``copy-text: true`` page that are not
marked editorial (:mod:`coup1917.sphinx.apparatus.editorial`), are wrapped in the class ``authorial``, set in the serif.
The PDF fidelity check (:mod:`coup1917.build.checks.pdf_text`) reads the serif words back.

Headings the editors supplied inside the text stand in square brackets, as in the HTML. Margin notes are set in
the wide outer margin by :mod:`coup1917.sphinx.margins.latex_margins`.

Charts: LaTeX cannot set a Plotly output (``application/vnd.plotly.v1+json``); myst-nb then falls back to the
output's ``text/plain`` silently. The edition's chart renderer (the myst-nb MIME renderer plugin for Plotly) must
also claim that MIME type for the ``latex`` builder (``mime_priority_overrides``) and, there, export the figure
with kaleido as a PDF (``plotly.io.to_image(figure, format="pdf")``) and return it through
``renderer.render_image`` as ``application/pdf``: a vector graphic inside the glued, captioned figure.
``tests/test_pdf.py`` fails while any chart the HTML shows is not so set.
"""

from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.builders.latex.constants import DEFAULT_SETTINGS
from sphinx.config import Config
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.texescape import escape

from coup1917.sphinx.apparatus.editorial import EDITORIAL, is_text_page
from coup1917.sphinx.margins.latex_margins import PREAMBLE as MARGIN_PREAMBLE
from coup1917.sphinx.editions.metadata import Edition, edition_of

AUTHORIAL = "authorial"
LATEX_DIR = Path(__file__).parent / "latex"

#: A4 with a text block of about 12 cm and a 4.6 cm outer margin for the notes; one-sided, since the PDF is read
#: on screen far more often than printed, so the notes are always on the right.
GEOMETRY = r"""\usepackage[a4paper, top=2.5cm, bottom=2.8cm, left=2.4cm, right=6.6cm,
  marginparwidth=4.6cm, marginparsep=0.6cm, headheight=14pt]{geometry}"""

PREAMBLE = r"""
\definecolor{editorial}{RGB}{122,31,31}
% The editors' words in the sans-serif, the author's in the serif (class "authorial").
\renewcommand{\familydefault}{\sfdefault}
\newenvironment{sphinxclassauthorial}{\rmfamily\ignorespaces}{}
\newenvironment{sphinxclasseditorial}{\sffamily}{}
% A caption's number ("Table 4.1:") is the edition's even where the caption is the author's: sans-serif.
\makeatletter
\long\def\@makecaption#1#2{%
  \vskip\abovecaptionskip
  \sbox\@tempboxa{{\sffamily #1:} #2}%
  \ifdim\wd\@tempboxa>\hsize {\sffamily #1:} #2\par
  \else \global\@minipagefalse \hb@xt@\hsize{\hfil\box\@tempboxa\hfil}%
  \fi
  \vskip\belowcaptionskip}
\makeatother
% A table's header row takes the family of its table: the author's table has the author's header.
\protected\def\sphinxstyletheadfamily{}
% A citation in a figure caption puts \hyperlink into a moving argument, where it breaks: make it robust.
\usepackage{etoolbox}
\robustify{\hyperlink}
% No automatic hyphenation: every hyphen in the PDF's text is the copy-text's own. Lines stay justified.
\hyphenpenalty=10000
\exhyphenpenalty=50
\emergencystretch=3em
"""


def configure_latex(app: Sphinx, config: Config) -> None:
    metadata = edition_of(app)
    elements = config.latex_elements
    elements["geometry"] = GEOMETRY
    elements["extraclassoptions"] = "openany,oneside"
    elements["fncychap"] = ""  # plain chapter heads in the header family (sans-serif)
    elements["sphinxsetup"] = "TitleColor={RGB}{122,31,31}"  # headings in the editorial red of the HTML book
    elements["preamble"] = elements.get("preamble", "") + PREAMBLE + MARGIN_PREAMBLE
    # hyperref's pdfa option: link annotations printable, no actions PDF/A forbids; it must come at loading.
    elements["passoptionstopackages"] = (elements.get("passoptionstopackages", "")
                                         + r"\PassOptionsToPackage{pdfa}{hyperref}")
    elements["hyperref"] = elements.get("hyperref", DEFAULT_HYPERREF) + pdf_metadata(metadata) + OUTPUT_INTENT
    elements["maketitle"] = title_page(metadata)
    config.latex_additional_files = [*config.latex_additional_files, str(LATEX_DIR / "bbm.sty")]


#: Sphinx's own loading of hyperref (sphinx.builders.latex.constants.DEFAULT_SETTINGS), which the metadata follows.
DEFAULT_HYPERREF = DEFAULT_SETTINGS["hyperref"]

#: PDF/A's output intent: the sRGB profile that ships with TeX Live (package colorprofiles, in texlive-base),
#: embedded and named in the catalogue, through xdvipdfmx's own specials (the way pdfx does it for XeTeX).
OUTPUT_INTENT = r"""
\special{pdf:fstream @editioniccprofile (sRGB.icc)}
\special{pdf:put @editioniccprofile << /N 3 >>}
\special{pdf:obj @editionoutputintent << /Type /OutputIntent /S /GTS_PDFA1
  /DestOutputProfile @editioniccprofile /OutputConditionIdentifier (sRGB IEC61966-2.1)
  /Info (sRGB IEC61966-2.1) /RegistryName (http://www.color.org) >>}
\special{pdf:put @catalog << /OutputIntents [ @editionoutputintent ] >>}
"""


def pdf_metadata(metadata: Edition) -> str:
    """The edition's metadata for hyperref (the Info dictionary) and hyperxmp (the XMP packet, PDF/A-2b's id).

    The dates are the edition's (SOURCE_DATE_EPOCH), so that two builds of one commit are the same file; xdvipdfmx
    derives the trailer's /ID from the same variable."""
    pdf_date = "D:" + metadata.date.strftime("%Y%m%d%H%M%S") + "Z"
    xmp_date = metadata.date.strftime("%Y-%m-%dT%H:%M:%SZ")
    fields = {
        "pdftitle": metadata.title,
        # One name list, as PDF/A wants Info's Author equal to XMP's dc:creator: ";" keeps hyperxmp from splitting it
        "pdfauthor": "; ".join([metadata.creator, *metadata.contributors]),
        "pdfsubject": metadata.summary,
        "pdfkeywords": ", ".join(metadata.keywords),
        "pdflang": metadata.language,
        "pdfpublisher": metadata.publisher,
        "pdfcopyright": metadata.rights,
        "pdflicenseurl": metadata.license_url,
        "pdfsource": metadata.source,
        "pdftype": metadata.type,
        "pdfversionid": metadata.version,
        "pdfcreationdate": pdf_date,
        "pdfmoddate": pdf_date,
        "pdfdate": xmp_date,
        "pdfmetadate": xmp_date,
        "pdfdocumentid": metadata.document_id,
        "pdfinstanceid": metadata.instance_id,
        "pdfapart": "2",
        "pdfaconformance": "B",
    }
    return ("\n\\usepackage{hyperxmp}\n\\hypersetup{\n"
            + ",\n".join(f"  {key}={{{escape(value)}}}" for key, value in fields.items()) + ",\n  keeppdfinfo}\n"
            + XMP_ON_LAST_PAGE)


#: hyperxmp writes its XMP packet with ``\AtEndDocument``; after Sphinx's index (two columns, closed by its own
#: page break) that material stands on no page, and the packet is lost. The kernel's ``shipout/lastpage`` hook
#: (what hyperxmp's ``\AtEndDvi`` branch uses) writes it with the last page instead. hyperxmp 5.9 (TeX Live 2022)
#: names its steps so; ``keeppdfinfo`` above keeps Author and Keywords in the Info dictionary, which hyperxmp
#: otherwise drops in favour of XMP's lists.
XMP_ON_LAST_PAGE = r"""\makeatletter
\RemoveFromHook{enddocument}[hyperxmp]
\AddToHook{shipout/lastpage}{%
  \hyxmp@auto@assign@data\hyxmp@check@standards\hyxmp@warn@if@no@metadata\hyxmp@embed@packet}
\makeatother
"""


#: The fields the title page shows under the title, with their labels.
TITLE_PAGE_FIELDS = {"publisher": "Publisher", "language": "Language", "source": "Source", "rights": "Rights"}


def title_page(metadata: Edition) -> str:
    """A title page from the edition's metadata (:mod:`coup1917.sphinx.editions.metadata`), the PDF's Info and XMP."""
    lines = [
        rf"{{\Large\bfseries {escape(metadata.title)}\par}}\vspace{{1cm}}",
        rf"{{\large An edition of the essay {{\itshape {escape(metadata.essay)}}}\par}}\vspace{{0.5cm}}",
        rf"{{\large Author of the essay: {escape(metadata.creator)}\par}}\vspace{{0.3cm}}",
        rf"{{\large Editors: {escape(', '.join(metadata.editors))}\par}}\vspace{{1cm}}",
        *(rf"{label}: {escape(getattr(metadata, field))}\par" for field, label in TITLE_PAGE_FIELDS.items()),
        rf"Version {escape(metadata.version)}, {metadata.date:%d %B %Y}\par",
    ]
    return "\\begin{titlepage}\\centering\\sffamily\\vspace*{3cm}\n" + "\n".join(lines) + "\n\\end{titlepage}\n"


class MarkAuthorialBlocks(SphinxPostTransform):
    """Wrap the author's blocks in the class ``authorial`` and bracket supplied headings, for LaTeX only.

    Runs on the book assembled into one doctree, after sphinx-jupyterbook-latex has arranged it (priority 700).
    """

    default_priority = 800
    formats = ("latex",)

    def run(self, **kwargs) -> None:
        for supplied in list(self.document.findall(nodes.inline)):
            if "edition-supplied" in supplied["classes"]:
                supplied.insert(0, nodes.Text("["))
                supplied.append(nodes.Text("]"))
        for page in list(self.document.findall(addnodes.start_of_file)):
            if is_text_page(self.env.metadata[page["docname"]]):
                for section in page.findall(nodes.section):
                    self._wrap_authorial_children(section)

    @staticmethod
    def _wrap_authorial_children(section: nodes.section) -> None:
        for child in list(section.children):
            if isinstance(child, (nodes.title, nodes.section, addnodes.start_of_file, nodes.compound)):
                continue
            if not isinstance(child, nodes.Body) or isinstance(child, nodes.Invisible):
                continue  # a target or comment sets nothing; wrapped, it would leave a space before the text
            if EDITORIAL in child.get("classes", []):
                continue
            wrapper = nodes.container(classes=[AUTHORIAL])
            child.replace_self(wrapper)
            wrapper += child


class AlignTableColumns(SphinxPostTransform):
    """Set each table's columns in the PDF as the HTML sets them: numbers right-aligned (LaTeX only).

    MyST gives every cell of an aligned Markdown column a class (``| --: |`` -> ``text-right``), which the HTML
    theme styles and Sphinx's LaTeX writer ignores. A column whose cells all say right (or centre) gets that
    alignment in a ``tabular_col_spec``, the node Sphinx's ``tabularcolumns`` directive makes: tabulary's ``R``
    and ``C`` beside its default ``T``; in a longtable (more than 30 rows), which knows no tabulary column,
    paragraph columns of equal width, aligned by ``\\raggedleft`` or ``\\centering``.
    """

    default_priority = 700
    formats = ("latex",)

    def run(self, **kwargs) -> None:
        for table in list(self.document.findall(nodes.table)):
            group = table.next_node(nodes.tgroup)
            if group is None or isinstance(table.previous_sibling(), addnodes.tabular_col_spec):
                continue
            alignments = self._column_alignments(group)
            if set(alignments) <= {"left"}:
                continue
            long = sum(1 for _ in group.findall(nodes.row)) > 30
            spec = "".join(self._column(alignment, len(alignments), long) for alignment in alignments)
            table.parent.insert(table.parent.index(table), addnodes.tabular_col_spec(spec=spec))

    @staticmethod
    def _column_alignments(group: nodes.tgroup) -> list[str]:
        columns: list[set[str]] = [set() for _ in range(group["cols"])]
        for row in group.findall(nodes.row):
            if any(entry.get("morecols") for entry in row.children):
                return ["left"] * group["cols"]  # spanned cells: leave the table as Sphinx sets it
            for column, entry in zip(columns, row.children):
                column.add(next((c[len("text-"):] for c in entry["classes"] if c.startswith("text-")), "left"))
        return [column.pop() if len(column) == 1 else "left" for column in columns]

    @staticmethod
    def _column(alignment: str, count: int, long: bool) -> str:
        if not long:
            return {"right": "R", "center": "C"}.get(alignment, "T")
        align = {"right": r">{\raggedleft\arraybackslash}", "center": r">{\centering\arraybackslash}"}
        return align.get(alignment, "") + rf"\X{{1}}{{{count}}}"


class ChartDataAsDownloadLine(SphinxPostTransform):
    """In the PDF, a chart's data dropdown (an affordance of the HTML page) gives way to its download line.

    A glued DataFrame has no LaTeX form, so LaTeX would print its plain-text repr in a code box; the figure's text
    alternative already states the numbers, and the download line names the CSV file that holds them all.
    """

    default_priority = 700
    formats = ("latex",)

    def run(self, **kwargs) -> None:
        for dropdown in list(self.document.findall(nodes.container)):
            if dropdown.get("design_component") == "dropdown":
                dropdown.replace_self([paragraph for paragraph in dropdown.findall(nodes.paragraph)
                                       if any(paragraph.findall(addnodes.download_reference))])


def setup(app: Sphinx) -> dict:
    app.setup_extension("coup1917.sphinx.margins.latex_margins")
    app.add_post_transform(ChartDataAsDownloadLine)
    app.add_post_transform(AlignTableColumns)
    app.connect("config-inited", configure_latex)
    app.add_post_transform(MarkAuthorialBlocks)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
