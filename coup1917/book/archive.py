"""One zip writer for the runnable downloads, the site zip and the EPUB: every entry dated alike and readable by all,
in the order given, so that two builds of one commit give the same bytes."""

from __future__ import annotations

import zipfile
from collections.abc import Iterable
from pathlib import Path

FIXED_DATE = (2000, 1, 1, 0, 0, 0)  # the entries' date when the sources give none
SOURCE_DATE_EPOCH = 946684800  # FIXED_DATE as seconds since 1970, for tools that read SOURCE_DATE_EPOCH


def write_zip(path: Path, entries: Iterable[tuple[str, bytes]], date_time: tuple = FIXED_DATE,
              stored: frozenset[str] = frozenset()) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, content in entries:
            entry = zipfile.ZipInfo(name, date_time=date_time)
            entry.compress_type = zipfile.ZIP_STORED if name in stored else zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            archive.writestr(entry, content)
    return path
