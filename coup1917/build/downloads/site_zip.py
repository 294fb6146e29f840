"""Zip the built site so that a reader can open it from disk (``file://``), offline, charts and search included.

The site needs no server: every page, script, font and the plotly.js bundle are local files, and Sphinx loads its
search index with a ``<script>`` tag, which works from disk. One thing does not: Sphinx's search page fetches each
result page to show a summary under it, and browsers refuse ``fetch`` on ``file://`` URLs. The zip's copy of
``documentation_options.js`` therefore switches the summaries off (results are listed by title); the published
site keeps them. The archive is reproducible: entries sorted, with a fixed timestamp.

``python -m coup1917.build.downloads.site_zip HTML_DIR ZIP`` writes ZIP with the site under a folder named after it.
"""

import sys
from pathlib import Path

from coup1917.book.archive import write_zip

OPTIONS = Path("_static") / "documentation_options.js"
SUMMARIES_ON, SUMMARIES_OFF = "SHOW_SEARCH_SUMMARY: true", "SHOW_SEARCH_SUMMARY: false"


def offline_options(html_dir: Path) -> bytes:
    text = (html_dir / OPTIONS).read_text(encoding="utf-8")
    if SUMMARIES_ON not in text:
        raise ValueError(f"{html_dir / OPTIONS}: no '{SUMMARIES_ON}' to switch off; has Sphinx changed the file?")
    return text.replace(SUMMARIES_ON, SUMMARIES_OFF).encode("utf-8")


def write(html_dir: Path, archive_path: Path) -> None:
    if not (html_dir / "index.html").is_file():
        raise ValueError(f"{html_dir}: no index.html; build the site first (make book pdf)")
    top = archive_path.stem
    replaced = {OPTIONS: offline_options(html_dir)}
    files = (path.relative_to(html_dir) for path in sorted(html_dir.rglob("*")) if path.is_file())
    write_zip(archive_path, ((f"{top}/{file.as_posix()}", replaced.get(file) or (html_dir / file).read_bytes())
                             for file in files))


if __name__ == "__main__":
    write(Path(sys.argv[1]), Path(sys.argv[2]))
