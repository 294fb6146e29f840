"""In `make lab`'s JupyterLab, a chapter opens as a notebook, runs, and reads as MyST: margin notes rendered (by
jupyterlab-myst, laid out by lab/custom/custom.css) and the chart drawn (by plotly's JupyterLab renderer).

The test runs `make lab` itself (the Makefile's command, with a port and a token through LAB_FLAGS, and JupyterLab's
application object exposed to drive it), opens the chapter with jupytext's "Jupytext Notebook" view, runs all cells
in Debian's Chromium, and leaves a screenshot in tests/artefacts/.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
import urllib.request

import pytest

from coup1917 import ROOT
from tests.support import VENV, chart_figures

CHAPTER = ROOT / "chapters" / "03-the-coup.md"
TOKEN = secrets.token_hex(16)
START_TIMEOUT = 60  # seconds for JupyterLab to answer
RUN_TIMEOUT_MS = 180_000  # for the chapter to run and its chart to be drawn

pytestmark = pytest.mark.notebooks  # a Jupyter server and kernel (the browser fixture adds `browser`)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """`make lab` on a copy of the chapters: JupyterLab saves a notebook it runs back into its MyST file."""
    port = free_port()
    folder = tmp_path_factory.mktemp("lab")
    log = folder / "jupyterlab.log"
    chapters = shutil.copytree(ROOT / "chapters", folder / "chapters")
    flags = (f"--port={port} --ServerApp.port_retries=0 --IdentityProvider.token={TOKEN} "
             "--LabApp.expose_app_in_browser=True")
    with open(log, "w") as output:
        server = subprocess.Popen(
            ["make", "--no-print-directory", "lab", f"VENV={VENV}", "-o", f"{VENV}/.installed", f"LAB_FLAGS={flags}",
             f"LAB_DIR={chapters}"],
            cwd=ROOT, stdout=output, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                urllib.request.urlopen(f"{url}/api/status?token={TOKEN}", timeout=5)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"{log}: make lab did not answer within {START_TIMEOUT} s:\n{log.read_text()[-2000:]}")
                time.sleep(0.25)
        yield url
    finally:
        os.killpg(server.pid, signal.SIGTERM)  # make and the JupyterLab it started, and only them
        server.wait(timeout=30)


def test_a_chapter_runs_in_jupyterlab_with_its_margin_notes_and_chart_rendered(lab, browser, artefacts):
    context = browser.new_context(viewport={"width": 1400, "height": 1800})
    page = context.new_page()
    try:
        page.goto(f"{lab}/lab/workspaces/{TOKEN}?reset&token={TOKEN}")  # a workspace of its own, empty
        page.wait_for_function("window.jupyterapp !== undefined", timeout=60_000)
        page.evaluate("async () => { await window.jupyterapp.started; await window.jupyterapp.restored; }")
        page.evaluate("path => window.jupyterapp.commands.execute('docmanager:open', "
                      "{path, factory: 'Jupytext Notebook'})", CHAPTER.name)
        notebook = page.locator(".jp-Notebook")  # the only document of the workspace
        notebook.locator(".jp-MarkdownCell").first.wait_for(timeout=60_000)
        # Run every cell once the notebook's kernel is up; the promise settles when the last cell has run.
        page.evaluate("""async () => {
            const panel = window.jupyterapp.shell.currentWidget;
            await panel.context.ready;
            await panel.sessionContext.ready;
            await window.jupyterapp.commands.execute('notebook:run-all-cells');
        }""")
        charts = notebook.locator(".js-plotly-plot")
        try:
            page.wait_for_function("() => document.querySelector("
                                   "'.jp-Notebook .js-plotly-plot svg.main-svg') !== null",
                                   timeout=RUN_TIMEOUT_MS)
        finally:
            page.screenshot(path=artefacts / "jupyterlab-03-the-coup.png")
        text = notebook.inner_text()
        assert "{margin}" not in text and "::::" not in text
        assert notebook.locator("[data-mime-type='application/vnd.jupyter.stderr']").count() == 0  # no error
        notes = notebook.locator("aside.myst-aside")
        assert notes.count() == CHAPTER.read_text(encoding="utf-8").count("{margin}") == 5
        assert "Lenin came back secretly from Finland" in notes.first.inner_text()
        first, second = notes.nth(0).bounding_box(), notes.nth(1).bounding_box()
        assert first["height"] > 20 and first["y"] + first["height"] <= second["y"]  # in the flow, not overlapping
        assert charts.count() == chart_figures(CHAPTER) == 1
    finally:
        context.close()
