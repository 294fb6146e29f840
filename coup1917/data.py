"""Load the edition's tables through ``data/datapackage.json``, validated by frictionless.

Every chapter cell that needs a figure calls :func:`load_table`; nothing else reads the CSV files. A file that
breaks its schema (a missing, extra or renamed column, a non-numeric or negative count, a duplicate key, a
percentage outside 0-100, a value past the bounds the descriptor sets, no data rows, a row another table refers to
missing) raises :class:`DataError` naming the file, the row and the field, so a notebook run stops on it; the book
build checks every table the same way before any chapter runs (:func:`table_problems`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from frictionless import Checklist, FrictionlessException, Package, Resource, checks

from coup1917 import DATA_DIR

DESCRIPTOR = DATA_DIR / "datapackage.json"

# pandas dtypes for the Table Schema types the descriptor uses (dates are parsed); nullable, as cells may be empty.
_DTYPES = {"string": "string", "integer": "Int64", "number": "Float64"}


class DataError(ValueError):
    """A data file does not match its schema in data/datapackage.json.

    ``path`` is the file at fault and ``lines`` its faults as (line or None, message), for callers that report
    one line per fault (the register, read by a Sphinx extension)."""

    def __init__(self, message: str, path: Path | None = None, lines: list[tuple[int | None, str]] = ()):
        super().__init__(message)
        self.path = path
        self.lines = list(lines)


def load_table(name: str, path: Path | None = None) -> pd.DataFrame:
    """The table ``name`` of the data package as a DataFrame, after validating it against its schema.

    ``path`` reads another file against the same schema (the tests use it for broken fixtures).
    """
    resource = _resource(name, path)
    report = _validate(resource)
    if not report.valid:
        raise DataError(_describe(resource, report), _file(resource),
                        [(fault.line, fault.in_row) for fault in _faults(report)])
    fields = resource.schema.fields
    dates = [field.name for field in fields if field.type == "date"]
    dtypes = {field.name: _DTYPES[field.type] for field in fields if field.type != "date"}
    return pd.read_csv(_file(resource), dtype=dtypes, parse_dates=dates, encoding=resource.encoding)


def table_path(name: str) -> Path:
    """The CSV file of the table ``name``, as the descriptor gives it."""
    return _file(_resource(name, None))


def _file(resource: Resource) -> Path:
    return Path(resource.basepath) / resource.path


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
    """Every fault of every table of the data package, one line each, ``data/file.csv:line: ...`` with the row and
    the field (the build checks them all before any chapter runs); a missing or broken descriptor is one line."""
    try:
        package = _package(descriptor)
    except DataError as error:
        return [str(error)]
    problems = []
    for resource in package.resources:
        where = _file(resource)
        for fault in _faults(_validate(resource)):
            problems.append(f"{where}{f':{fault.line}' if fault.line else ''}: does not match its schema (table "
                            f"{resource.name!r} in {DESCRIPTOR.name}): {fault.described}")
    return problems


def _validate(resource: Resource):
    return resource.validate(checklist=Checklist(checks=[checks.table_dimensions(min_rows=1)]))


def _describe(resource: Resource, report) -> str:
    lines = [f"{_file(resource)} does not match its schema (table {resource.name!r} in {DESCRIPTOR.name}):"]
    lines += [f"  {fault.described}" for fault in _faults(report)]
    return "\n".join(lines)


@dataclass(frozen=True)
class Fault:
    """One error of a validation report: where it is and what it is."""
    kind: str
    row: int | None  # frictionless's row number: the line of the file, the header being line 1
    field: str | None
    message: str

    @property
    def line(self) -> int | None:
        return self.row or (1 if self.kind.endswith("label") else None)

    @property
    def in_row(self) -> str:
        """The fault within its line: the field, the kind, the message."""
        return f"{f'field {self.field!r}: ' if self.field else ''}{self.kind}: {self.message}"

    @property
    def described(self) -> str:
        """The fault with its row and field spelt out, for a message that names the file only."""
        place = ", ".join(part for part in (
            f"row {self.row - 1} (line {self.row})" if self.row else "header" if self.kind.endswith("label") else "",
            f"field {self.field!r}" if self.field else "") if part)
        return f"{place or 'file'}: {self.kind}: {self.message}"


def _faults(report) -> list[Fault]:
    return [Fault(*fault) for fault in report.flatten(["type", "rowNumber", "fieldName", "message"])]
