"""Emit each inline ``<script>`` once per page.

Sphinx 7.4 stores a script that an extension registers after the builder is set up (sphinx-thebe's and
sphinx-togglebutton's configuration snippets) twice: once with the filename ``None`` when it is added, and again
with ``''`` when ``prepare_writing`` re-adds the registry's scripts; the two compare unequal, so the page declares
``THEBE_JS_URL`` twice and the browser reports "Identifier 'THEBE_JS_URL' has already been declared". This drops
the second copy from each page's ``script_files``.
"""

from sphinx.application import Sphinx


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
    # Late, after any extension has added its page-specific scripts.
    app.connect("html-page-context", drop_duplicate_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
