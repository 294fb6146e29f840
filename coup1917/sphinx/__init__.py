"""Sphinx extensions of the edition, registered from ``_config.yml`` as ``coup1917.sphinx``."""

from pathlib import Path

from sphinx.application import Sphinx


STATIC_DIR = Path(__file__).parent / "static"


def setup(app: Sphinx) -> dict:
    app.setup_extension("coup1917.sphinx.editorial")
    app.setup_extension("coup1917.sphinx.metadata")
    app.setup_extension("coup1917.sphinx.root_redirect")
    app.setup_extension("coup1917.sphinx.dates")
    app.setup_extension("coup1917.sphinx.sic")
    app.setup_extension("coup1917.sphinx.citations")
    app.setup_extension("coup1917.sphinx.paragraphs")
    app.setup_extension("coup1917.sphinx.plotly_output")
    app.setup_extension("coup1917.sphinx.theme_scripts")
    app.setup_extension("coup1917.sphinx.pdf")
    app.setup_extension("coup1917.sphinx.epub")
    app.setup_extension("coup1917.sphinx.downloads")
    app.setup_extension("coup1917.sphinx.accessibility")
    app.setup_extension("coup1917.sphinx.execution_inputs")
    app.connect("builder-inited", _add_static_files)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


def _add_static_files(app: Sphinx) -> None:
    app.config.html_static_path.append(str(STATIC_DIR))
    app.add_css_file("edition.css")
