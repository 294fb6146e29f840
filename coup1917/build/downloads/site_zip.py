"""``python -m coup1917.build.downloads.site_zip HTML_DIR ZIP``: the site, to open from disk offline. Browsers refuse
``fetch`` on ``file://``, with which Sphinx's search shows a summary under each result: the zip's copy of
``documentation_options.js`` switches the summaries off (results are listed by title); the published site keeps them.
"""

import sys
from pathlib import Path

from coup1917.book.archive import write_zip

OPTIONS = Path("_static") / "documentation_options.js"
SUMMARIES_ON, SUMMARIES_OFF = "SHOW_SEARCH_SUMMARY: true", "SHOW_SEARCH_SUMMARY: false"


def write(html_dir: Path, archive_path: Path) -> None:
    if not (html_dir / "index.html").is_file():
        raise ValueError(f"{html_dir}: no index.html; build the site first (make book pdf)")
    options = (html_dir / OPTIONS).read_text(encoding="utf-8")
    if SUMMARIES_ON not in options:
        raise ValueError(f"{html_dir / OPTIONS}: no '{SUMMARIES_ON}' to switch off; has Sphinx changed the file?")
    replaced = {OPTIONS: options.replace(SUMMARIES_ON, SUMMARIES_OFF).encode("utf-8")}
    files = (path.relative_to(html_dir) for path in sorted(html_dir.rglob("*")) if path.is_file())
    write_zip(archive_path, ((f"{archive_path.stem}/{file.as_posix()}",
                              replaced.get(file) or (html_dir / file).read_bytes()) for file in files))


if __name__ == "__main__":
    write(Path(sys.argv[1]), Path(sys.argv[2]))
