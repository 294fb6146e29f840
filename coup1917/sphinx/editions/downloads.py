"""The download menu of every page: the notebook myst-nb executed for it (the theme offers one only with a launch
provider, which points readers at the network), the runnable zips, and the PDF, EPUB and TEI editions in place of
the theme's "print this page" (:mod:`coup1917.book` names the files the build writes)."""

from contextlib import suppress
from pathlib import Path

import jupytext
import nbformat
from jupyter_cache import get_cache
from sphinx.application import Sphinx

from coup1917 import book


def offer_notebook(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """The notebook with the outputs the page shows, beside the page's source in ``_sources``."""
    if app.builder.name == "epub":  # an e-book has no download menu, and an .ipynb has no place in it
        return
    notebooks = getattr(app.env, "mystnb_config", None)  # absent from a Sphinx build without myst-nb
    executed = notebooks and Path(notebooks.output_folder) / f"{pagename}.ipynb"
    if not executed or not executed.is_file():  # not a notebook page
        return
    notebook = None
    if notebooks.execution_mode == "cache":
        # myst-nb writes a notebook it takes from its cache without the outputs (myst-nb 1.4.0, myst_nb/sphinx_.py:
        # nb_renderer.write_file gets it before merge_match_into_notebook): match them as myst-nb matches them.
        with suppress(KeyError):
            source = jupytext.read(Path(app.env.doc2path(pagename)), fmt="md:myst")
            notebook = get_cache(Path(notebooks.execution_cache_path)).merge_match_into_notebook(source)[1]
    if notebook is None:
        notebook = nbformat.read(executed, as_version=4)
    # Cell ids are random (nbformat gives each cell of a MyST page a new one as it reads it): number them, so that
    # two builds of one commit offer the same file.
    for number, cell in enumerate(notebook.cells, start=1):
        cell.id = f"cell-{number}"
    copy = Path(app.outdir) / "_sources" / f"{pagename}.ipynb"
    copy.parent.mkdir(parents=True, exist_ok=True)
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


def setup(app: Sphinx) -> dict:
    # Around the theme's add_header_buttons (priority 501): the notebook before it, the PDF link after it.
    app.connect("html-page-context", offer_notebook, priority=500)
    app.connect("html-page-context", link_editions, priority=502)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
