"""The download menu of every page offers the chapter's executed notebook, the runnable zips, and the PDF, EPUB and
TEI editions of the whole book.

The theme lists a page's ``.ipynb`` only when a launch provider (Binder, JupyterHub...) is configured, which would
point readers at the network. Instead the build copies the notebook myst-nb executed for the page, the one whose
outputs the page shows, beside the page's source in ``_sources``. The theme's ".pdf" entry prints the page from
the browser; it becomes the link to the PDF edition, which ``make pdf`` copies into the site's root, and the EPUB
edition (``make epub``) follows it. The EPUB builder renders the same pages but has no download menu.
"""

import logging
from pathlib import Path

import nbformat
from sphinx.application import Sphinx

from coup1917.build.downloads import runnable


def offer_notebook(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if app.builder.name == "epub":  # an e-book has no download menu, and an .ipynb has no place in it
        return
    notebooks = getattr(app.env, "mystnb_config", None)  # absent from a Sphinx build without myst-nb
    executed = notebooks and Path(notebooks.output_folder) / f"{pagename}.ipynb"
    if not executed or not executed.is_file():  # not a notebook page
        return
    copy = Path(app.outdir) / "_sources" / f"{pagename}.ipynb"
    copy.parent.mkdir(parents=True, exist_ok=True)
    # The outputs the page shows (myst-nb writes a notebook taken from its cache without them). Cell ids are
    # random (nbformat gives each cell of a MyST page a new one as it reads it): number them, so that two builds
    # of one commit offer the same file.
    notebook = runnable.executed_notebook(Path(app.env.doc2path(pagename)), executed, _cache_dir(notebooks))
    for number, cell in enumerate(notebook.cells, start=1):
        cell.id = f"cell-{number}"
    nbformat.write(notebook, copy)
    context["ipynb_source"] = f"{pagename}.ipynb"


def pdf_name(app: Sphinx) -> str:
    """The PDF's file name, from the LaTeX target named in ``_config.yml`` (latex.latex_documents.targetname)."""
    return Path(app.config.latex_documents[0][1]).with_suffix(".pdf").name


def epub_name(app: Sphinx) -> str:
    """The EPUB's file name: the PDF's, with the EPUB's extension."""
    return Path(pdf_name(app)).with_suffix(".epub").name


def tei_name(app: Sphinx) -> str:
    """The TEI edition's file name: the PDF's, with ``.xml``."""
    return Path(pdf_name(app)).with_suffix(".xml").name


def link_pdf_edition(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    for group in context.get("header_buttons", []):
        if group.get("label") != "download-buttons":
            continue
        for index, button in enumerate(group["buttons"]):
            if button.get("label") == "download-pdf-button":
                group["buttons"][index:index + 1] = [{
                    "type": "link",
                    "url": context["pathto"](pdf_name(app), 1),
                    "text": "PDF edition",
                    "tooltip": "Download the whole book as a PDF",
                    "icon": "fas fa-file-pdf",
                    "label": "download-pdf-button",
                }, {
                    "type": "link",
                    "url": context["pathto"](epub_name(app), 1),
                    "text": "EPUB edition",
                    "tooltip": "Download the whole book as an EPUB, for e-readers",
                    "icon": "fas fa-book",
                    "label": "download-epub-button",
                }, {
                    "type": "link",
                    "url": context["pathto"](tei_name(app), 1),
                    "text": "TEI edition (XML)",
                    "tooltip": "Download the whole edition encoded in TEI P5 XML: text, notes, register, bibliography",
                    "icon": "fas fa-file-code",
                    "label": "download-tei-button",
                }]
                break


# --- The runnable downloads (coup1917.build.downloads.runnable): a zip per notebook page and one for the whole book -----------

RUNNABLE_DIR = "notebooks"


class _WarningCount(logging.Handler):
    """Counts the warnings and errors of the build, logged as Sphinx logs them (under the ``sphinx`` logger)."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


_WARNINGS = _WarningCount()


def runnable_book_name(app: Sphinx) -> str:
    return f"{Path(pdf_name(app)).stem}-notebooks"


def offer_runnable_zips(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    buttons = [{"type": "link", "url": context["pathto"](f"{RUNNABLE_DIR}/{runnable_book_name(app)}.zip", 1),
                "text": "Runnable book (.zip)", "tooltip": "Every chapter as a notebook, with its data and "
                "requirements, to run in your own Jupyter", "icon": "fas fa-file-zipper", "label": "runnable-book"}]
    if context.get("ipynb_source"):  # a notebook page (offer_notebook)
        buttons.insert(0, {"type": "link", "url": context["pathto"](
            f"{RUNNABLE_DIR}/{Path(pagename).name}.zip", 1), "text": "Runnable notebook (.zip)",
            "tooltip": "This chapter as a notebook, with its data and requirements, to run in your own Jupyter",
            "icon": "fas fa-file-zipper", "label": "runnable-notebook"})
    for group in context.get("header_buttons", []):
        if group.get("label") == "download-buttons":
            group["buttons"].extend(buttons)


def write_runnable_zips(app: Sphinx, exception) -> None:
    notebooks = getattr(app.env, "mystnb_config", None)
    if exception or app.builder.format != "html" or not notebooks:
        return
    executed = {Path(app.env.doc2path(docname)): Path(notebooks.output_folder) / f"{docname}.ipynb"
                for docname in sorted(app.env.found_docs)}
    executed = {source: path for source, path in executed.items() if path.is_file()}
    if _WARNINGS.count:  # the build fails (-W) and has said why; a failed cell leaves no outputs to offer
        return
    runnable.write_downloads(Path(app.srcdir), executed, Path(app.outdir) / RUNNABLE_DIR, runnable_book_name(app),
                             _cache_dir(notebooks))


def _cache_dir(notebooks) -> Path | None:
    """myst-nb's execution cache, when it uses one."""
    return Path(notebooks.execution_cache_path) if notebooks.execution_mode == "cache" else None


def setup(app: Sphinx) -> dict:
    # Around the theme's add_header_buttons (priority 501): the notebook before it, the PDF link after it.
    app.connect("html-page-context", offer_notebook, priority=500)
    app.connect("html-page-context", link_pdf_edition, priority=502)
    app.connect("html-page-context", offer_runnable_zips, priority=502)
    app.connect("build-finished", write_runnable_zips)
    _WARNINGS.count = 0
    logging.getLogger("sphinx").addHandler(_WARNINGS)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
