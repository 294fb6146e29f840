"""Two clean builds of the same sources, in two different directories, give byte-identical HTML: chart ids come
from the figures (coup1917.sphinx.plotly_output), the pages carry no build date, and nothing else varies."""

import time
from concurrent.futures import ThreadPoolExecutor

from conftest import copy_book, make_book, tree_digest


def test_two_clean_builds_are_byte_identical(tmp_path):
    books = [copy_book(tmp_path / name) for name in ("first", "second")]
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=2) as pool:
        builds = list(pool.map(make_book, books))
    print(f"two clean builds side by side: {time.monotonic() - started:.0f} s")
    for done in builds:
        assert done.returncode == 0, done.stderr
    first, second = (tree_digest(book / "_build" / "html") for book in books)
    assert first.keys() == second.keys(), sorted(first.keys() ^ second.keys())
    differing = sorted(name for name in first if first[name] != second[name])
    assert not differing, f"files that differ between two builds: {differing}"
    assert len(first) > 50 and any(name.endswith("chronology.html") for name in first)
