"""The edition's own Python: where its files are, how the book is checked, and its Sphinx extensions."""

from pathlib import Path

#: The repository root. The package is installed in editable mode from it, so notebooks and tests find the
#: data through the package whatever their working directory.
ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
COPY_TEXT = DATA_DIR / "copy-text.txt"
