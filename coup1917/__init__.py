"""The edition's own Python: where its files are, how the book is checked, and its Sphinx extensions."""

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
#: The repository root, when the package runs from a checkout (installed in editable mode from it, or on the path).
ROOT = PACKAGE_DIR.parent
#: Where the wheel of the runnable downloads (coup1917.build.downloads.runnable) carries the edition's data, inside the package.
PACKAGED_DATA = PACKAGE_DIR / "edition-data"
#: The edition's data, found by one rule: the copy inside the package if it carries one (installed from the
#: wheel), else data/ beside the package (a checkout, where the package never carries a copy). Notebooks and tests
#: find the data through the package whatever their working directory.
DATA_DIR = PACKAGED_DATA if PACKAGED_DATA.is_dir() else ROOT / "data"
COPY_TEXT = DATA_DIR / "copy-text.txt"
