"""Two faults in the theme's scripts, each of which puts an error in the browser console on every page it touches.

1. Sphinx 7.4 stores a script that an extension registers after the builder is set up (sphinx-thebe's and
   sphinx-togglebutton's configuration snippets) twice: once with the filename ``None`` when it is added, and again
   with ``''`` when ``prepare_writing`` re-adds the registry's scripts; the two compare unequal, so the page
   declares ``THEBE_JS_URL`` twice ("Identifier 'THEBE_JS_URL' has already been declared"). Fixed upstream in
   Sphinx 8.2.2 (https://github.com/sphinx-doc/sphinx/pull/13402); Jupyter Book 1 pins Sphinx 7.
   :func:`drop_duplicate_scripts` keeps the first copy of each, and the build stops once a Sphinx with the fix is
   installed, so that the work-around is removed rather than left to hide other duplicates.
2. sphinx-book-theme hides the secondary sidebar (the page's contents) while a margin note is on screen, and looks
   that sidebar up without checking that it exists; on a page without sections the theme leaves the sidebar out,
   and each margin note scrolled into view throws "Cannot read properties of null (reading 'classList')".
   :data:`SIDEBAR_STAND_IN` gives such a page an empty, hidden sidebar for the theme's script to find.
"""

import sphinx
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError

FIXED_IN = (8, 2, 2)  # sphinx-doc/sphinx#13402

SIDEBAR_STAND_IN = """document.addEventListener("DOMContentLoaded", function () {
  if (document.querySelector("div.bd-sidebar-secondary")) { return; }
  var standIn = document.createElement("div");
  standIn.className = "bd-sidebar-secondary";
  standIn.style.display = "none";
  standIn.setAttribute("aria-hidden", "true");
  document.body.appendChild(standIn);
});"""


def drop_duplicate_scripts(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    scripts = context.get("script_files")
    if scripts is None:
        return
    seen, unique = set(), []
    for script in scripts:
        key = (script.filename or "", script.priority, tuple(sorted(script.attributes.items())))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    scripts[:] = unique  # in place: Sphinx restores the list after each page


def setup(app: Sphinx) -> dict:
    if sphinx.version_info[:3] >= FIXED_IN:
        raise ExtensionError(f"Sphinx {sphinx.__version__} no longer adds a script twice (sphinx-doc/sphinx#13402): "
                             "remove drop_duplicate_scripts from coup1917/sphinx/theme/theme_scripts.py")
    app.add_js_file(None, body=SIDEBAR_STAND_IN)
    # Late, after any extension has added its page-specific scripts.
    app.connect("html-page-context", drop_duplicate_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
