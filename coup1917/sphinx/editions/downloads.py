"""The download menu of every page offers the chapter's executed notebook, the runnable zips, and the PDF, EPUB
and TEI editions of the whole book. The extension writes the notebooks; the zips and the editions are made by the
build and linked here by their names (:mod:`coup1917.book`).

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


def menu_link(context: dict, path: str, text: str, tooltip: str, icon: str, label: str) -> dict:
    """A button of the theme's download menu that links a file of the site."""
    return {"type": "link", "url": context["pathto"](path, 1), "text": text, "tooltip": tooltip,
            "icon": f"fas {icon}", "label": label}


def download_menu(context: dict) -> list[dict]:
    return next((group["buttons"] for group in context.get("header_buttons", [])
                 if group.get("label") == "download-buttons"), [])


def link_editions(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """The theme's ".pdf" entry (print this page) gives way to the PDF and EPUB editions; the runnable zips,
    which the build writes into the site (:mod:`coup1917.build.downloads.runnable`), follow."""
    buttons, srcdir = download_menu(context), Path(app.srcdir)
    if not (srcdir / book.CONFIG).is_file():  # a plain Sphinx project (the tests' fixtures): no editions, no zips
        return
    runnable = f"{book.RUNNABLE_DIR}/{book.runnable_book_name(srcdir)}.zip"
    what = "as a notebook, with its data and requirements, to run in your own Jupyter"
    buttons[:] = [button for button in buttons if button.get("label") != "download-pdf-button"] + [
        menu_link(context, book.edition_name(srcdir), "PDF edition", "Download the whole book as a PDF", "fa-file-pdf",
                  "download-pdf-button"),
        menu_link(context, book.edition_name(srcdir, ".epub"), "EPUB edition",
                  "Download the whole book as an EPUB, for e-readers", "fa-book", "download-epub-button"),
        menu_link(context, book.edition_name(srcdir, ".xml"), "TEI edition (XML)",
                  "Download the whole edition encoded in TEI P5 XML: text, notes, register, bibliography",
                  "fa-file-code", "download-tei-button"),
        *([menu_link(context, f"{book.RUNNABLE_DIR}/{Path(pagename).name}.zip", "Runnable notebook (.zip)",
                     f"This chapter {what}", "fa-file-zipper", "runnable-notebook")]
          if context.get("ipynb_source") else []),  # a notebook page (offer_notebook)
        menu_link(context, runnable, "Runnable book (.zip)", f"Every chapter {what}", "fa-file-zipper",
                  "runnable-book")]


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
    app.connect("html-page-context", link_editions, priority=502)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
