"""Every problem of a build as a record: one JSON file per build (``_build/problems.json`` beside the builder's
output, :func:`records_path`), which ``coup1917.build`` reads to print each problem as ``file[:line]: message``.

- **Sphinx's warnings and errors**, as Sphinx's logging hands them to its own warning stream: a handler on the
  ``sphinx`` logger that is itself a :class:`~sphinx.util.logging.WarningStreamHandler`, so that
  ``pending_warnings()`` holds back and replays its records as it does Sphinx's (each is recorded once), and that
  leaves out what ``suppress_warnings`` suppresses and repeats of a ``once`` warning, by Sphinx's own rules
  (``is_suppressed_warning``, ``OnceFilter``). Sphinx's ``logging.setup`` removes it with the others when the next
  application starts in the same process.
- **The cells that failed**, from myst-nb's own data: a page whose execution record (myst-nb's
  ``NbMetadataCollector``) says it failed, and, in the notebook myst-nb wrote for it, the cell with an ``error``
  output (its exception's name and value).
- **An exception that stopped the build**, handed to ``build-finished``: of its chain, the first exception (the
  root cause first, as Python prints it) with a frame in the book's own code, at its innermost such frame.
- **The notebooks this build executed** (not taken from the execution cache), and the builder: with the
  environment variable ``COUP1917_BUILD_LEDGER`` set, each build also appends its record as one JSON line to that
  file (``make test`` counts the builds and executions it made with it, tests/conftest.py).
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
import time
import traceback
from pathlib import Path

import nbformat
from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging as sphinx_logging

from coup1917.book import records_path

LEDGER_VARIABLE = "COUP1917_BUILD_LEDGER"
# IPython writes the line of the cell that raised only into its traceback's text ("Cell In[3], line 2"): the
# kernel has no other interface for it.
_CELL_LINE = re.compile(r"Cell In\[\d+\], line (\d+)")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


class ProblemRecorder(sphinx_logging.WarningStreamHandler):
    """Sphinx's warnings and errors as records, located as Sphinx locates them."""

    def __init__(self, app: Sphinx):
        super().__init__()
        self.app = app
        self.records: list[dict] = []
        self.setLevel(logging.WARNING)
        self.addFilter(sphinx_logging.OnceFilter())

    def emit(self, record: logging.LogRecord) -> None:
        kind, subkind = getattr(record, "type", None), getattr(record, "subtype", None)
        if sphinx_logging.is_suppressed_warning(kind, subkind, getattr(self.app.config, "suppress_warnings", ())):
            return
        file, line = self._location(getattr(record, "location", None))
        message = logging.LogRecord.getMessage(record)  # without the location and level Sphinx's stream prefixes
        shown_type = f" [{kind}.{subkind}]" if subkind else f" [{kind}]" if kind else ""
        self.records.append({"level": record.levelname, "type": kind, "subtype": subkind, "file": file,
                             "line": line, "message": message.removesuffix(shown_type)})

    def _location(self, location) -> tuple[str | None, int | None]:
        """(file, line) of a warning's location, given as Sphinx's loggers accept it: a docname, ``(docname, line)``,
        a node, or ``path:line`` (what Sphinx's own warning stream has already made of the others)."""
        if isinstance(location, nodes.Node):
            location = sphinx_logging.get_node_location(location)
        if isinstance(location, tuple):
            docname, line = location
            return (self.app.env.doc2path(docname) if docname else None), line
        if not location:
            return None, None
        path, separator, line = str(location).rpartition(":")
        if not separator:  # a docname, or the file Sphinx's own warning stream has already made of it
            return (str(location) if os.path.isabs(location) else self.app.env.doc2path(str(location))), None
        return path, int(line) if line.isdigit() else None


def failed_cells(app: Sphinx) -> list[dict]:
    """The cell that raised on each page whose execution failed in this build, from myst-nb's records."""
    from myst_nb.sphinx_ import NbMetadataCollector  # myst-nb is the book's; a plain Sphinx project may lack it

    failed = []
    for docname in sorted(getattr(app.env, "nb_metadata", {})):
        execution = NbMetadataCollector.get_exec_data(app.env, docname)
        if not execution or execution["succeeded"]:
            continue
        cell = _error_cell(Path(app.env.mystnb_config.output_folder) / f"{docname}.ipynb")
        failed.append({"file": app.env.doc2path(docname), "error": execution["error"], **cell})
    return failed


def _error_cell(notebook_path: Path) -> dict:
    """The source, exception and line in the cell of the first ``error`` output of the notebook myst-nb wrote."""
    notebook = nbformat.read(notebook_path, as_version=4) if notebook_path.is_file() else None
    for cell in notebook.cells if notebook else []:
        for output in cell.get("outputs", []):
            if output.output_type == "error":
                lines = [int(match[1]) for entry in output.traceback
                         if (match := _CELL_LINE.search(_ANSI.sub("", entry)))]
                return {"source": cell.source, "name": output.ename, "value": output.evalue,
                        "line_in_cell": lines[-1] if lines else None}
    return {"source": None, "name": None, "value": None, "line_in_cell": None}


def stopping_exception(exception: BaseException, own_code: Path) -> dict:
    """The exception that stopped the build, at its innermost frame in ``own_code`` (the book's directory, not its
    virtual environment): of the chain, the root cause first, the first exception that passes through the book's
    code; else the root cause where it happened."""
    chain, current = [], exception
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or (None if current.__suppress_context__ else current.__context__)
    chain.reverse()
    own = f"{own_code.resolve()}/"
    for candidate in chain:
        frames = traceback.extract_tb(candidate.__traceback__)
        in_book = [frame for frame in frames if frame.filename.startswith(own) and "/.venv/" not in frame.filename]
        if in_book:
            return _exception_record(candidate, in_book[-1])
    root = chain[0]
    frames = traceback.extract_tb(root.__traceback__)
    return _exception_record(root, frames[-1] if frames else None)


def _exception_record(exception: BaseException, frame) -> dict:
    return {"name": type(exception).__name__, "message": str(exception).strip(),
            "file": frame.filename if frame else None, "line": frame.lineno if frame else None}


def executed_notebooks(app: Sphinx, since: float) -> list[str]:
    """The pages whose notebooks myst-nb executed in this build (a page taken from the cache is dated when it was
    cached, before the build began)."""
    from myst_nb.sphinx_ import NbMetadataCollector

    return [docname for docname in sorted(getattr(app.env, "nb_metadata", {}))
            if (execution := NbMetadataCollector.get_exec_data(app.env, docname)) and execution["mtime"] >= since]


def write_records(app: Sphinx, recorder: ProblemRecorder, started: float, exception: BaseException | None) -> None:
    notebooks = "myst_nb" in app.extensions and hasattr(app, "env")
    record = {
        "builder": getattr(getattr(app, "builder", None), "name", None),
        "srcdir": str(app.srcdir),
        "warnings": recorder.records,
        "failed_cells": failed_cells(app) if notebooks else [],
        "exception": stopping_exception(exception, Path(app.srcdir)) if exception else None,
        "executed": executed_notebooks(app, started) if notebooks else [],
    }
    path = records_path(app.outdir)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record, indent=1), encoding="utf-8")
    if ledger := os.environ.get(LEDGER_VARIABLE):
        with open(ledger, "a", encoding="utf-8") as lines:
            lines.write(json.dumps({**record, "finished": time.time()}) + "\n")


def _record_uncaught(kind, value, trace) -> None:
    """An exception that Sphinx never hands to ``build-finished`` (one raised as it starts, in ``builder-inited``:
    jupyter-book re-raises it, chained, and Python reports it here): recorded for the build that has none yet."""
    if _current and not records_path(_current[0].outdir).exists():
        write_records(*_current, exception=value)
    _previous_excepthook(kind, value, trace)


_current: tuple | None = None  # the application of this process, its recorder and when it started
_previous_excepthook = sys.excepthook


def setup(app: Sphinx) -> dict:
    global _current
    recorder = ProblemRecorder(app)
    records_path(app.outdir).unlink(missing_ok=True)  # a build that stops before it ends leaves no stale record
    logging.getLogger(sphinx_logging.NAMESPACE).addHandler(recorder)
    started = time.time()
    _current = (app, recorder, started)
    sys.excepthook = _record_uncaught
    # Last of the build-finished handlers, which may warn too; Sphinx emits the event again with the exception when
    # one of them raises, so this one runs then as well.
    app.connect("build-finished", lambda app, exception: write_records(app, recorder, started, exception),
                priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
