"""Every problem of a build as records in ``_build/problems.json`` (:func:`coup1917.book.records_path`), which
``coup1917.build`` prints as ``file[:line]: message``: Sphinx's warnings (as Sphinx's own warning stream filters
them), the cells that failed (myst-nb's records), the exception that stopped the build; with ``COUP1917_BUILD_LEDGER``
set, each build's record (with the notebooks it executed) is also appended to that file (tests/conftest.py).
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
    """A WarningStreamHandler, so that ``pending_warnings()`` holds back and replays its records as Sphinx's (each
    recorded once); Sphinx's ``logging.setup`` removes it when the next application starts in the process."""

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
        """From a docname, ``(docname, line)``, a node, or ``path:line`` (as Sphinx's warning stream made it)."""
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


def _executions(app: Sphinx, since: float) -> tuple[list[dict], list[str]]:
    """The cells that failed and the pages executed in this build (a page taken from the cache is dated when it was
    cached, before the build began), from myst-nb's records."""
    if "myst_nb" not in app.extensions or not hasattr(app, "env"):  # a plain Sphinx project of the tests
        return [], []
    from myst_nb.sphinx_ import NbMetadataCollector

    failed, executed = [], []
    for docname in sorted(getattr(app.env, "nb_metadata", {})):
        if not (execution := NbMetadataCollector.get_exec_data(app.env, docname)):
            continue
        if execution["mtime"] >= since:
            executed.append(docname)
        if not execution["succeeded"]:
            cell = _error_cell(Path(app.env.mystnb_config.output_folder) / f"{docname}.ipynb")
            failed.append({"file": app.env.doc2path(docname), "error": execution["error"], **cell})
    return failed, executed


def _error_cell(notebook_path: Path) -> dict:
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
    """Of the chain, root cause first (as Python prints it), the first exception with a frame in ``own_code`` (not
    its virtual environment), at its innermost such frame; else the root cause where it happened."""
    chain, current = [], exception
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or (None if current.__suppress_context__ else current.__context__)
    own = f"{own_code.resolve()}/"
    for candidate in reversed(chain):
        frames = [frame for frame in traceback.extract_tb(candidate.__traceback__)
                  if frame.filename.startswith(own) and "/.venv/" not in frame.filename]
        if frames:
            break
    else:
        candidate, frames = chain[-1], traceback.extract_tb(chain[-1].__traceback__)
    frame = frames[-1] if frames else None
    return {"name": type(candidate).__name__, "message": str(candidate).strip(),
            "file": frame.filename if frame else None, "line": frame.lineno if frame else None}


def write_records(app: Sphinx, recorder: ProblemRecorder, started: float, exception: BaseException | None) -> None:
    failed, executed = _executions(app, started)
    record = {"builder": getattr(getattr(app, "builder", None), "name", None), "srcdir": str(app.srcdir),
              "warnings": recorder.records, "failed_cells": failed,
              "exception": stopping_exception(exception, Path(app.srcdir)) if exception else None, "executed": executed}
    path = records_path(app.outdir)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record, indent=1), encoding="utf-8")
    if ledger := os.environ.get(LEDGER_VARIABLE):
        with open(ledger, "a", encoding="utf-8") as lines:
            lines.write(json.dumps({**record, "finished": time.time()}) + "\n")


def _record_uncaught(kind, value, trace) -> None:
    """One raised as Sphinx starts (``builder-inited``) never reaches ``build-finished``: jupyter-book re-raises it
    and Python reports it here, for the build that has no record yet."""
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
