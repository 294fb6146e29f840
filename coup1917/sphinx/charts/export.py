"""The charts as images (the PDF's SVGs, the EPUB's PNGs and cover) by kaleido in Debian's Chromium, never hanging:
kaleido's own sync server waits with no timeout on a browser thread that may have died (no Chromium: the build
waits forever), so one :class:`kaleido.Kaleido` runs in an event loop of our own, every call bounded.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from pathlib import Path

import kaleido
from choreographer.utils import get_browser_path

#: The browser kaleido drives, as choreographer finds it (``BROWSER_PATH`` first, then the PATH).
BROWSER_NAMES = ["chromium", "chromium-browser", "google-chrome"]
START_TIMEOUT = 60   # seconds for Chromium to start and load kaleido's page
EXPORT_TIMEOUT = 60  # seconds for one chart
INSTALL_HINT = "run `make system-deps` (it installs Debian's chromium)"
DEFAULT_HEIGHT = 420  # pixels: plotly's own default layout height, for a figure that does not set one


class ExportFailed(RuntimeError):
    """A chart could not be exported; the message says why and what to do."""


def browser_path() -> str:
    browser = get_browser_path(BROWSER_NAMES)
    if not browser or not Path(browser).is_file():
        where = f" at BROWSER_PATH={browser}" if browser else ""
        raise ExportFailed(f"Chromium not found{where}: the PDF's charts are drawn by kaleido in Chromium; "
                           f"{INSTALL_HINT}")
    return browser


class _Exporter:
    """One Chromium for a whole build, driven from an event loop in a daemon thread."""

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._kaleido: kaleido.Kaleido | None = None
        self._lock = threading.Lock()

    def _call(self, coroutine, timeout: float, what: str):
        try:
            return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout=timeout)
        except concurrent.futures.TimeoutError:
            self.stop()
            raise ExportFailed(f"Chromium did not {what} within {timeout} s (kaleido); {INSTALL_HINT}, "
                               "or look for a Chromium process left running") from None

    def _start(self) -> None:
        browser = browser_path()
        self._loop = asyncio.new_event_loop()
        threading.Thread(target=self._loop.run_forever, name="chart-export", daemon=True).start()
        try:
            self._kaleido = kaleido.Kaleido(n=1, timeout=EXPORT_TIMEOUT, path=browser)
            self._call(self._kaleido.open(), START_TIMEOUT, "start")
        except ExportFailed:
            raise
        except Exception as error:  # a browser that exits at once, a profile it cannot write
            self.stop()
            raise ExportFailed(f"Chromium ({browser}) could not start for kaleido: {error}") from error

    def export(self, figure: dict, format: str, width: int, height: int, scale: float) -> bytes:
        with self._lock:
            if self._kaleido is None:
                self._start()
            options = {"format": format, "width": width, "height": height, "scale": scale}
            return self._call(self._kaleido.calc_fig(figure, opts=options), EXPORT_TIMEOUT, "draw a chart")

    def stop(self) -> None:
        if self._kaleido is not None and self._loop is not None:
            try:
                asyncio.run_coroutine_threadsafe(self._kaleido.close(), self._loop).result(timeout=10)
            except Exception:  # closing is best effort: the process ends soon after
                pass
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
        self._kaleido = self._loop = None


_exporter = _Exporter()
#: Close the build's Chromium (the next export starts another).
stop = _exporter.stop


def chart_image(figure: dict, format: str, width: int, height: int | None = None, scale: float = 1) -> bytes:
    """The figure as a ``format`` file (pdf, png, svg), ``width`` pixels wide, at the height the figure gives."""
    height = height or figure.get("layout", {}).get("height", DEFAULT_HEIGHT)
    return _exporter.export(figure, format, width, height, scale)
