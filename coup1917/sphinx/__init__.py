"""Sphinx extensions of the edition, registered from ``_config.yml`` as ``coup1917.sphinx``."""

from pathlib import Path

from sphinx.application import Sphinx

STATIC_DIR = Path(__file__).parent / "static"
# In this order: problems first, to record what the others warn about.
EXTENSIONS = ("problems", "apparatus.editorial", "editions.metadata", "theme.root_redirect", "apparatus.dates",
              "apparatus.sic", "apparatus.citations", "apparatus.paragraphs", "apparatus.register",
              "charts.plotly_output", "theme.theme_scripts", "editions.pdf", "editions.epub", "editions.tei",
              "editions.citation_files", "editions.downloads", "theme.accessibility", "margins.margin_notes",
              "apparatus.previews", "theme.page_speed", "execution_inputs")


def setup(app: Sphinx) -> dict:
    for name in EXTENSIONS:
        app.setup_extension(f"{__name__}.{name}")
    app.connect("builder-inited", _add_static_files)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


def _add_static_files(app: Sphinx) -> None:
    app.config.html_static_path.append(str(STATIC_DIR))
    app.add_css_file("edition.css")
