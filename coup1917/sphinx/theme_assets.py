"""Theme assets the book does without: pydata-sphinx-theme's fontawesome.js.

The theme loads Font Awesome twice: as a web font through its style sheet, which draws every icon the pages use
(`<i class="fa-solid fa-bars">` and the like), and as fontawesome.js (1.5 MB, the largest file a reader downloads),
which only turns those icons into inline SVG and watches the whole page for new ones, chart drawing included. The
template in ``templates/static/webpack-macros.html`` takes the theme's own asset macros and drops that one
``<script>``; the icons stay, drawn by the web font.
"""

from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config

TEMPLATES_DIR = Path(__file__).parent / "templates"


def _add_templates(app: Sphinx, config: Config) -> None:
    config.templates_path.append(str(TEMPLATES_DIR))


def setup(app: Sphinx) -> dict:
    # Before the builder loads its templates (config-inited comes before builder-inited).
    app.connect("config-inited", _add_templates)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
