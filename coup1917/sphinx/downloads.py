"""The download menu of every page offers the chapter's executed notebook and the PDF and EPUB of the whole book.

The theme lists a page's ``.ipynb`` only when a launch provider (Binder, JupyterHub...) is configured, which would
point readers at the network. Instead the build copies the notebook myst-nb executed for the page, the one whose
outputs the page shows, beside the page's source in ``_sources``. The theme's ".pdf" entry prints the page from
the browser; it becomes the link to the PDF edition, which ``make pdf`` copies into the site's root, and the EPUB
edition (``make epub``) follows it. The EPUB builder renders the same pages but has no download menu.
"""

from pathlib import Path

import nbformat
from sphinx.application import Sphinx


def offer_notebook(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if app.builder.name == "epub":  # an e-book has no download menu, and an .ipynb has no place in it
        return
    notebooks = getattr(app.env, "mystnb_config", None)  # absent from a Sphinx build without myst-nb
    executed = notebooks and Path(notebooks.output_folder) / f"{pagename}.ipynb"
    if not executed or not executed.is_file():  # not a notebook page
        return
    copy = Path(app.outdir) / "_sources" / f"{pagename}.ipynb"
    copy.parent.mkdir(parents=True, exist_ok=True)
    # Cell ids are random (nbformat gives each cell of a MyST page a new one as it reads it): number them, so
    # that two builds of one commit offer the same file.
    notebook = nbformat.read(executed, as_version=4)
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
                }]
                break


def setup(app: Sphinx) -> dict:
    # Around the theme's add_header_buttons (priority 501): the notebook before it, the PDF link after it.
    app.connect("html-page-context", offer_notebook, priority=500)
    app.connect("html-page-context", link_pdf_edition, priority=502)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
