"""Write the edition's metadata (``edition_metadata`` in ``_config.yml``) into every page as ``<meta>`` tags."""

from html import escape

from sphinx.application import Sphinx


def add_meta_tags(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    tags = "".join(
        f'<meta name="{escape(name)}" content="{escape(str(value))}">\n'
        for name, value in app.config.edition_metadata.items()
    )
    context["metatags"] = context.get("metatags", "") + tags


def setup(app: Sphinx) -> dict:
    app.add_config_value("edition_metadata", {}, "html", types=[dict])
    app.connect("html-page-context", add_meta_tags)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
