"""JupyterLab opens every MyST chapter directly as a notebook, through jupytext's contents manager.

The test starts the Jupyter server of `make lab` on 127.0.0.1 and asks it for each chapter as a notebook, as
JupyterLab's "Open With → Jupytext Notebook" does.
"""

import json
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import jupytext
import pytest

from coup1917 import ROOT
from coup1917.build.notebooks import chapters

TOKEN = secrets.token_hex(16)

pytestmark = pytest.mark.notebooks  # every test here runs Jupyter kernels or a Jupyter server


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(url: str) -> dict:
    request = urllib.request.Request(url, headers={"Authorization": f"token {TOKEN}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


@pytest.fixture(scope="module")
def jupyter_server():
    port = free_port()
    jupyter = Path(sys.executable).with_name("jupyter")
    server = subprocess.Popen(
        [str(jupyter), "lab", "--no-browser", "--allow-root", "--ip=127.0.0.1", f"--port={port}",
         f"--IdentityProvider.token={TOKEN}", f"--ServerApp.root_dir={ROOT}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                get(f"{url}/api/status")
                break
            except OSError:
                if server.poll() is not None:
                    pytest.fail(f"JupyterLab did not start: {server.stderr.read()[-2000:]}")
                time.sleep(0.25)
        else:
            pytest.fail("JupyterLab did not answer within 30 s")
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.mark.parametrize("source", chapters(), ids=[path.stem for path in chapters()])
def test_jupyterlab_opens_the_chapter_as_a_notebook(jupyter_server, source):
    path = source.relative_to(ROOT).as_posix()
    model = get(f"{jupyter_server}/api/contents/{path}?type=notebook&content=1")
    assert model["type"] == "notebook"
    assert model["content"]["metadata"]["kernelspec"]["name"] == "python3"
    opened = [cell["source"] for cell in model["content"]["cells"] if cell["cell_type"] == "code"]
    expected = [cell.source for cell in jupytext.read(source).cells if cell.cell_type == "code"]
    assert opened == expected
