"""The site's ``index.html``, forwarding to the root page: sphinx-external-toc's bare ``<meta http-equiv="Refresh">``
page names no icon, so the browser asks for a ``/favicon.ico`` the site lacks (a 404 in the console); this one
names the edition's icon, has a language and a title, and links its target. Written before sphinx-external-toc looks.
"""

from html import escape
from pathlib import Path

from sphinx.application import Sphinx

PAGE = """<!DOCTYPE html>
<html lang="{language}">
<head>
<meta charset="utf-8">
<title>{title}</title>
<meta http-equiv="refresh" content="0; url={target}">
<link rel="canonical" href="{target}">
<link rel="icon" href="_static/{icon}">
</head>
<body>
<p><a href="{target}">{title}</a></p>
</body>
</html>
"""


def write_root_redirect(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.name != "html" or app.config.root_doc == "index":
        return
    (Path(app.outdir) / "index.html").write_text(PAGE.format(
        language=escape(app.config.language or "en"),
        title=escape(app.config.html_title or app.config.project),
        target=escape(app.builder.get_target_uri(app.config.root_doc)),
        icon=escape(Path(app.config.html_favicon or "favicon.ico").name),
    ), encoding="utf-8")


def setup(app: Sphinx) -> dict:
    app.connect("build-finished", write_root_redirect, priority=400)  # before sphinx-external-toc (500)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
