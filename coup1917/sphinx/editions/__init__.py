"""The editions other than the HTML book (PDF, EPUB, TEI), the metadata record every format reads, and the downloads."""


def add_output_priorities(config, builder: str, priorities) -> None:
    """myst-nb chooses each notebook output by a priority list per builder: give ``builder`` its ``(mime, rank)``
    pairs (at ``config-inited``). A project without myst-nb has no outputs to choose, and is left as it is."""
    if "nb_mime_priority_overrides" not in config:
        return
    config.nb_mime_priority_overrides = [*(config.nb_mime_priority_overrides or []),
                                         *((builder, mime, rank) for mime, rank in priorities)]
