"""The edition's own Python: where its files are, how the book is checked, and its Sphinx extensions."""

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
#: The repository root, when the package runs from a checkout (installed in editable mode from it, or on the path).
ROOT = PACKAGE_DIR.parent
#: The edition's data inside the package, where the runnable downloads' wheel carries it.
PACKAGED_DATA = PACKAGE_DIR / "edition-data"
#: The edition's data: the package's copy if it carries one (installed from the wheel), else data/ beside it (a
#: checkout), so that notebooks and tests find it whatever their working directory.
DATA_DIR = PACKAGED_DATA if PACKAGED_DATA.is_dir() else ROOT / "data"
COPY_TEXT = DATA_DIR / "copy-text.txt"
