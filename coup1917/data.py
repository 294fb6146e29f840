"""The edition's tables through ``data/datapackage.json``, validated by frictionless: a file that breaks its schema
raises :class:`DataError` naming the file, the row and the field, so a notebook run stops on it; the book build
checks every table the same way before any chapter runs (:func:`table_problems`).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from frictionless import Checklist, FrictionlessException, Package, Resource, checks

from coup1917 import DATA_DIR

DESCRIPTOR = DATA_DIR / "datapackage.json"

# pandas dtypes for the Table Schema types the descriptor uses (dates are parsed); nullable, as cells may be empty.
_DTYPES = {"string": "string", "integer": "Int64", "number": "Float64"}


class DataError(ValueError):
    """A data file does not match its schema; ``lines`` are its faults as (line or None, message), for the register's
    one warning per fault."""

    def __init__(self, message: str, path: Path | None = None, lines: list[tuple[int | None, str]] = ()):
        super().__init__(message)
        self.path = path
        self.lines = list(lines)


def load_table(name: str, path: Path | None = None) -> pd.DataFrame:
    """The table ``name`` as a DataFrame, once valid; ``path`` reads another file against its schema (the tests'
    broken fixtures)."""
    resource = _resource(name, path)
    file = Path(resource.normpath)
    faults = _faults(resource)
    if faults:
        heading = f"{file} does not match its schema (table {resource.name!r} in {DESCRIPTOR.name}):"
        raise DataError("\n".join([heading] + [f"  {described}" for _, _, described in faults]), file,
                        [(line, in_row) for line, in_row, _ in faults])
    fields = resource.schema.fields
    dates = [field.name for field in fields if field.type == "date"]
    dtypes = {field.name: _DTYPES[field.type] for field in fields if field.type != "date"}
    return pd.read_csv(file, dtype=dtypes, parse_dates=dates, encoding=resource.encoding)


def table_path(name: str) -> Path:
    return Path(_resource(name, None).normpath)


def _package(descriptor: Path = DESCRIPTOR) -> Package:
    if not descriptor.is_file():
        raise DataError(f"{descriptor}: missing; it describes every table of the edition "
                        "(restore it: git checkout -- data/datapackage.json)")
    try:
        return Package(str(descriptor))
    except FrictionlessException as error:  # not JSON, or not a data package
        raise DataError(f"{descriptor}: not a valid data package: {error.error.message}") from None


def _resource(name: str, path: Path | None) -> Resource:
    package = _package()
    if not package.has_resource(name):
        raise DataError(f"{DESCRIPTOR}: no table named {name!r}; it has {package.resource_names}")
    resource = package.get_resource(name)
    if path is not None:
        path = Path(path).resolve()
        resource = Resource(name=name, path=path.name, basepath=str(path.parent), schema=resource.schema,
                            format="csv", encoding=resource.encoding)
    return resource


def table_problems(descriptor: Path = DESCRIPTOR) -> list[str]:
    """Every fault of every table, one line each (``data/file.csv:line: ...``); a broken descriptor is one line."""
    try:
        package = _package(descriptor)
    except DataError as error:
        return [str(error)]
    return [f"{Path(resource.normpath)}{f':{line}' if line else ''}: does not match its schema (table "
            f"{resource.name!r} in {DESCRIPTOR.name}): {described}"
            for resource in package.resources for line, _, described in _faults(resource)]


def _faults(resource: Resource) -> list[tuple[int | None, str, str]]:
    """Each error of the validation: its line (the header is line 1), the error within its line, and the error
    with its row and field spelt out."""
    report = resource.validate(checklist=Checklist(checks=[checks.table_dimensions(min_rows=1)]))
    faults = []
    for kind, row, field, message in report.flatten(["type", "rowNumber", "fieldName", "message"]):
        header = kind.endswith("label")  # row is frictionless's row number: the line of the file
        in_field = f"field {field!r}: " if field else ""
        place = f"row {row - 1} (line {row})" if row else "header" if header else ""
        place = ", ".join(part for part in (place, in_field.removesuffix(": ")) if part) or "file"
        faults.append((row or (1 if header else None), f"{in_field}{kind}: {message}", f"{place}: {kind}: {message}"))
    return faults
