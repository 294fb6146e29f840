"""What a notebook page's code loads (``load_table("name")``) and imports (the package's modules followed through
their own imports), read with :mod:`ast`, never run: one analysis for the re-execution of changed pages, the
runnable downloads' data and requirements and the chart count of ``make notebooks``."""

from __future__ import annotations

import ast
import importlib.util
from dataclasses import dataclass, field
from pathlib import Path

import jupytext

from coup1917 import data

PACKAGE = "coup1917"


@dataclass
class Inputs:
    package_modules: set[Path] = field(default_factory=set)  # source files of the package's modules
    tables: set[str] = field(default_factory=set)  # names of data/datapackage.json's resources
    modules: set[str] = field(default_factory=set)  # every module imported, the package's included


def parse(source: str, where: str) -> ast.AST:
    # IPython magics and shell escapes are not Python; they cannot load a table or import a module.
    lines = [line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))]
    try:
        return ast.parse("\n".join(lines))
    except SyntaxError as error:
        raise SyntaxError(f"{where}: cannot read the code to find its inputs: {error}") from error


def read_inputs(code: list[str], where: str) -> Inputs:
    inputs = Inputs()
    pending = [parse(source, f"{where}, cell {index}") for index, source in enumerate(code)]
    while pending:
        tree = pending.pop()
        named = (call.args[0] for call in calls(tree, "load_table") if call.args)
        inputs.tables |= {name.value for name in named
                          if isinstance(name, ast.Constant) and isinstance(name.value, str)}
        for module in imported_modules(tree) - inputs.modules:
            inputs.modules.add(module)
            if path := _package_module(module):
                inputs.package_modules.add(path)
                pending.append(parse(path.read_text(encoding="utf-8"), str(path)))
    return inputs


def page_inputs(page: Path) -> Inputs:
    # Every .md page is read as a MyST notebook, as myst-nb reads it, whatever the detail of its jupytext header.
    notebook = jupytext.read(page, fmt="md:myst" if page.suffix == ".md" else None)
    return read_inputs([cell.source for cell in notebook.cells if cell.cell_type == "code"], str(page))


def table_files(inputs: Inputs) -> set[Path]:
    return {data.table_path(table) for table in inputs.tables} | ({data.DESCRIPTOR} if inputs.tables else set())


def calls(tree: ast.AST, name: str) -> list[ast.Call]:
    """However imported: ``name(...)``, ``module.name(...)``."""
    return [node for node in ast.walk(tree) if isinstance(node, ast.Call) and
            (node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)) == name]


def imported_modules(tree: ast.AST) -> set[str]:
    """``from coup1917 import x`` names ``coup1917.x`` too when x is a module."""
    modules = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.add(node.module)
            modules |= {f"{node.module}.{alias.name}" for alias in node.names
                        if _package_module(f"{node.module}.{alias.name}")}
    return modules


def _package_module(module: str) -> Path | None:
    if module.partition(".")[0] != PACKAGE:
        return None
    try:
        spec = importlib.util.find_spec(module)
    except ModuleNotFoundError:  # the parent is a module, not a package: the name is a function or class
        return None
    return Path(spec.origin) if spec and spec.origin else None
