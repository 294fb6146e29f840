"""Two faults of the theme's scripts, each an error in the browser console: a script registered after the builder
is set up is declared twice (Sphinx 7.4, fixed in 8.2.2: :func:`drop_duplicate_scripts`), and sphinx-book-theme's
script throws on a page without sections, where the secondary sidebar it hides near a margin note is missing.
"""

import sphinx
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError

FIXED_IN = (8, 2, 2)  # sphinx-doc/sphinx#13402

# An empty, hidden secondary sidebar for sphinx-book-theme's script to find on a page without sections.
SIDEBAR_STAND_IN = """document.addEventListener("DOMContentLoaded", function () {
  if (document.querySelector("div.bd-sidebar-secondary")) { return; }
  var standIn = document.createElement("div");
  standIn.className = "bd-sidebar-secondary";
  standIn.style.display = "none";
  standIn.setAttribute("aria-hidden", "true");
  document.body.appendChild(standIn);
});"""


def drop_duplicate_scripts(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Keep the first of each script: Sphinx 7.4 stores one added after the builder is set up (sphinx-thebe's
    configuration) with the filename None, then again with '' (https://github.com/sphinx-doc/sphinx/pull/13402)."""
    scripts = context.get("script_files")
    if scripts is None:
        return
    unique = {}
    for script in scripts:
        unique.setdefault((script.filename or "", script.priority, tuple(sorted(script.attributes.items()))), script)
    scripts[:] = unique.values()  # in place: Sphinx restores the list after each page


def setup(app: Sphinx) -> dict:
    if sphinx.version_info[:3] >= FIXED_IN:
        raise ExtensionError(f"Sphinx {sphinx.__version__} no longer adds a script twice (sphinx-doc/sphinx#13402): "
                             "remove drop_duplicate_scripts from coup1917/sphinx/theme/theme_scripts.py")
    app.add_js_file(None, body=SIDEBAR_STAND_IN)
    # Late, after any extension has added its page-specific scripts.
    app.connect("html-page-context", drop_duplicate_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
