"""The PDF edition: page layout, title page and the edition's typographic rule in LaTeX.

The rule of the HTML book holds in the PDF too: the author's words are set in a serif, everything the editors add
in a sans-serif. In LaTeX it is simplest to say it the other way round: the document's default family is the
sans-serif, so whatever the editors add (headings, notes, captions, code, apparatus, title page, running heads)
is sans-serif without further ado, and the author's words, the blocks of a ``copy-text: true`` page that are not
marked editorial (:mod:`coup1917.sphinx.editorial`), are wrapped in the class ``authorial``, set in the serif.
The PDF fidelity check (:mod:`coup1917.pdf`) reads the serif words back.

Headings the editors supplied inside the text stand in square brackets, as in the HTML. Margin notes are set in
the wide outer margin by :mod:`coup1917.sphinx.latex_margins`.

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
from sphinx.config import Config
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.texescape import escape

from coup1917.sphinx.editorial import EDITORIAL, is_text_page
from coup1917.sphinx.latex_margins import PREAMBLE as MARGIN_PREAMBLE

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
    elements = config.latex_elements
    elements["geometry"] = GEOMETRY
    elements["extraclassoptions"] = "openany,oneside"
    elements["fncychap"] = ""  # plain chapter heads in the header family (sans-serif)
    elements["sphinxsetup"] = "TitleColor={RGB}{122,31,31}"  # headings in the editorial red of the HTML book
    elements["preamble"] = elements.get("preamble", "") + PREAMBLE + MARGIN_PREAMBLE
    elements["maketitle"] = title_page(config)
    config.latex_additional_files = [*config.latex_additional_files, str(LATEX_DIR / "bbm.sty")]


#: The fields of ``edition_metadata`` the title page shows under the title, with their labels.
TITLE_PAGE_FIELDS = {"DC.publisher": "Publisher", "DC.language": "Language", "DC.source": "Source",
                     "DC.rights": "Rights"}


def title_page(config: Config) -> str:
    """A title page from the edition's metadata (``edition_metadata`` in ``_config.yml``), one source for both."""
    metadata = config.edition_metadata
    lines = [
        rf"{{\Large\bfseries {escape(str(metadata.get('DC.title', config.project)))}\par}}\vspace{{1.5cm}}",
        rf"{{\large {escape(config.author)}\par}}\vspace{{1cm}}",
        *(rf"{label}: {escape(str(metadata[key]))}\par"
          for key, label in TITLE_PAGE_FIELDS.items() if key in metadata),
        rf"\copyright\ {escape(config.copyright)}\par",
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
    app.setup_extension("coup1917.sphinx.latex_margins")
    app.add_post_transform(ChartDataAsDownloadLine)
    app.connect("config-inited", configure_latex)
    app.add_post_transform(MarkAuthorialBlocks)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
