"""The download menu of every page offers the chapter's executed notebook, the runnable zips, and the PDF and EPUB
of the whole book. The extension writes the notebooks; the zips, the PDF and the EPUB are made by the build and
linked here by their names (:mod:`coup1917.book`).

The theme lists a page's ``.ipynb`` only when a launch provider (Binder, JupyterHub...) is configured, which would
point readers at the network. Instead the build copies the notebook myst-nb executed for the page, the one whose
outputs the page shows, beside the page's source in ``_sources``. The theme's ".pdf" entry prints the page from
the browser; it becomes the link to the PDF edition, which ``make pdf`` copies into the site's root, and the EPUB
edition (``make epub``) follows it. The EPUB builder renders the same pages but has no download menu.
"""

from contextlib import suppress
from pathlib import Path

import jupytext
import nbformat
from jupyter_cache import get_cache
from sphinx.application import Sphinx

from coup1917 import book


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
    notebook = executed_notebook(Path(app.env.doc2path(pagename)), executed, _cache_dir(notebooks))
    for number, cell in enumerate(notebook.cells, start=1):
        cell.id = f"cell-{number}"
    nbformat.write(notebook, copy)
    context["ipynb_source"] = f"{pagename}.ipynb"


def epub_name(app: Sphinx) -> str:
    """The EPUB's file name: the PDF's, with the EPUB's extension."""
    return str(Path(book.pdf_name(Path(app.srcdir))).with_suffix(".epub"))


def link_pdf_edition(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    for group in context.get("header_buttons", []):
        if group.get("label") != "download-buttons":
            continue
        for index, button in enumerate(group["buttons"]):
            if button.get("label") == "download-pdf-button":
                group["buttons"][index:index + 1] = [{
                    "type": "link",
                    "url": context["pathto"](book.pdf_name(Path(app.srcdir)), 1),
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


def offer_runnable_zips(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Links to the runnable zips, which the build writes into the site once the book is built
    (:mod:`coup1917.build.downloads.runnable`), under the names :mod:`coup1917.book` gives them."""
    book_zip = f"{book.RUNNABLE_DIR}/{book.runnable_book_name(Path(app.srcdir))}.zip"
    buttons = [{"type": "link", "url": context["pathto"](book_zip, 1),
                "text": "Runnable book (.zip)", "tooltip": "Every chapter as a notebook, with its data and "
                "requirements, to run in your own Jupyter", "icon": "fas fa-file-zipper", "label": "runnable-book"}]
    if context.get("ipynb_source"):  # a notebook page (offer_notebook)
        buttons.insert(0, {"type": "link", "url": context["pathto"](
            f"{book.RUNNABLE_DIR}/{Path(pagename).name}.zip", 1), "text": "Runnable notebook (.zip)",
            "tooltip": "This chapter as a notebook, with its data and requirements, to run in your own Jupyter",
            "icon": "fas fa-file-zipper", "label": "runnable-notebook"})
    for group in context.get("header_buttons", []):
        if group.get("label") == "download-buttons":
            group["buttons"].extend(buttons)


def executed_notebook(source: Path, written: Path, cache_dir: Path | None) -> nbformat.NotebookNode:
    """The chapter with the outputs the book shows.

    myst-nb writes the executed notebook (``written``), but when it takes the outputs from its execution cache it
    writes the notebook as read, without them (myst-nb 1.4.0, ``myst_nb/sphinx_.py``: ``nb_renderer.write_file``
    gets the notebook before ``merge_match_into_notebook``); the outputs are then taken from the cache, matched
    as myst-nb matches them."""
    if cache_dir is not None:
        with suppress(KeyError):
            return get_cache(cache_dir).merge_match_into_notebook(jupytext.read(source, fmt="md:myst"))[1]
    return nbformat.read(written, as_version=4)


def _cache_dir(notebooks) -> Path | None:
    """myst-nb's execution cache, when it uses one."""
    return Path(notebooks.execution_cache_path) if notebooks.execution_mode == "cache" else None


def setup(app: Sphinx) -> dict:
    # Around the theme's add_header_buttons (priority 501): the notebook before it, the PDF link after it.
    app.connect("html-page-context", offer_notebook, priority=500)
    app.connect("html-page-context", link_pdf_edition, priority=502)
    app.connect("html-page-context", offer_runnable_zips, priority=502)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
