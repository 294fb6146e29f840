"""Sphinx extensions of the edition, registered from ``_config.yml`` as ``coup1917.sphinx``."""

from pathlib import Path

from sphinx.application import Sphinx


STATIC_DIR = Path(__file__).parent / "static"


def setup(app: Sphinx) -> dict:
    app.setup_extension("coup1917.sphinx.problems")  # first, to record what the others warn about
    app.setup_extension("coup1917.sphinx.apparatus.editorial")
    app.setup_extension("coup1917.sphinx.editions.metadata")
    app.setup_extension("coup1917.sphinx.theme.root_redirect")
    app.setup_extension("coup1917.sphinx.apparatus.dates")
    app.setup_extension("coup1917.sphinx.apparatus.sic")
    app.setup_extension("coup1917.sphinx.apparatus.citations")
    app.setup_extension("coup1917.sphinx.apparatus.paragraphs")
    app.setup_extension("coup1917.sphinx.apparatus.register")
    app.setup_extension("coup1917.sphinx.charts.plotly_output")
    app.setup_extension("coup1917.sphinx.theme.theme_scripts")
    app.setup_extension("coup1917.sphinx.editions.pdf")
    app.setup_extension("coup1917.sphinx.editions.epub")
    app.setup_extension("coup1917.sphinx.editions.tei")
    app.setup_extension("coup1917.sphinx.editions.citation_files")
    app.setup_extension("coup1917.sphinx.editions.downloads")
    app.setup_extension("coup1917.sphinx.theme.accessibility")
    app.setup_extension("coup1917.sphinx.margins.margin_notes")
    app.setup_extension("coup1917.sphinx.apparatus.previews")
    app.setup_extension("coup1917.sphinx.theme.page_speed")
    app.setup_extension("coup1917.sphinx.execution_inputs")
    app.connect("builder-inited", _add_static_files)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


def _add_static_files(app: Sphinx) -> None:
    app.config.html_static_path.append(str(STATIC_DIR))
    app.add_css_file("edition.css")
