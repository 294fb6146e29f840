"""The package's layers only look down: what a chapter imports (the top level) <- the book's structure (book/) <-
the Sphinx extensions (sphinx/) and the build (build/), which never import each other: an extension does not call
the publish step, and the distribution code does not import an extension."""

from pathlib import Path

import pytest

from coup1917 import PACKAGE_DIR
from coup1917.book import inputs

#: Each layer and the layers it may import.
MAY_IMPORT = {
    "top": {"top"},
    "book": {"top", "book"},
    "sphinx": {"top", "book", "sphinx"},
    "build": {"top", "book", "build"},
}
MODULES = sorted(PACKAGE_DIR.rglob("*.py"))


def layer(module: str) -> str:
    """The layer of a module of the package, by its dotted name."""
    parts = module.split(".")
    return parts[1] if len(parts) > 2 or (len(parts) == 2 and (PACKAGE_DIR / parts[1]).is_dir()) else "top"


@pytest.mark.parametrize("path", MODULES, ids=[str(path.relative_to(PACKAGE_DIR)) for path in MODULES])
def test_a_module_imports_only_its_own_layer_and_those_below(path):
    relative = path.relative_to(PACKAGE_DIR.parent).with_suffix("")
    own = layer(".".join(relative.parts[:-1] if relative.name == "__init__" else relative.parts))
    imported = inputs.imported_modules(inputs.parse(path.read_text(encoding="utf-8"), str(path)))
    crossing = sorted(module for module in imported
                      if module.startswith(f"{inputs.PACKAGE}.") and layer(module) not in MAY_IMPORT[own])
    assert crossing == [], f"{path.relative_to(PACKAGE_DIR.parent)} ({own}) imports {crossing}"


def test_the_layers_are_the_packages_folders():
    folders = {path.name for path in PACKAGE_DIR.iterdir() if (path / "__init__.py").is_file()}
    assert folders == MAY_IMPORT.keys() - {"top"}
