"""`make bench`: build the edition and a default-Plotly baseline side by side, measure both, write RESULTS.md.

Both books are copies of the working tree in a temporary directory (never the repository's _build), built with
the project's virtual environment. They differ only in how Plotly reaches the page:

- ours: the edition's setup. Charts are Plotly's JSON output, turned into a chart node by the edition's myst-nb
  renderer and written as a <div> with the figure's data; the pages with a chart load one local plotly.js file,
  the official partial bundle pinned in package.json, when a chart nears the viewport
  (coup1917/sphinx/charts/plotly_output.py, static/charts.js).
- baseline: Jupyter Book's default Plotly setup. PLOTLY_RENDERER=notebook (Plotly's `notebook` renderer, whose
  HTML output the book inlines), a hidden first cell on every chart page that activates that renderer (it writes
  the whole plotly.js, plotly.py's own copy, into the page), and the edition's plotly.js switched off
  (`edition_plotly_bundle: false`). Everything else, the execution cache's data awareness included, is the same.

Run from the repository with the project's python: `python bench/bench.py` (make bench does, after installing
Lighthouse with `npm ci --prefix bench`). `python bench/bench.py --mobile [SITE]` runs only Lighthouse's mobile
preset on every page type of a site already built (by default _build/html).
"""

from __future__ import annotations

import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import psutil
import yaml
from playwright.sync_api import sync_playwright

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # the tests' helpers (tests/support.py), shared with the benchmark
from tests import support as testing  # noqa: E402
RESULTS = REPO / "bench" / "RESULTS.md"
LIGHTHOUSE = REPO / "bench" / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = str(testing.CHROMIUM)  # the tests' Chromium, its flags and its server (tests/support.py)
CHROMIUM_ARGS = testing.CHROMIUM_ARGS
JB_FLAGS = ["-W", "-n", "--keep-going"]
RENDER_LOADS = 7  # page loads per chart page; the median is reported
EDITED_TABLE = "bodies-1917"
PROSE_PAGE = "chapters/03-the-coup.md"
LANDING_PAGE = "chapters/index.html"  # the site's index.html only redirects to it
BASELINE_SETUP_CELL = """
```{code-cell} ipython3
:tags: [remove-input]

# Jupyter Book's default Plotly setup: the notebook renderer, with plotly.js written into the page.
import plotly.io

plotly.io.renderers["notebook"].activate()
```
"""


@dataclass
class Book:
    name: str
    root: Path
    env: dict
    figures: dict = field(default_factory=dict)

    @property
    def html(self) -> Path:
        return self.root / "_build" / "html"


# --- the two books -----------------------------------------------------------------------------------------------

def environment(root: Path, **extra: str) -> dict:
    """Sphinx and the kernels import the copy's package (PYTHONPATH and the working directory come first)."""
    return {**os.environ, "PYTHONPATH": str(root), "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
            **extra}


def make_baseline(root: Path) -> None:
    config_file = root / "_config.yml"
    config = yaml.safe_load(config_file.read_text(encoding="utf-8"))
    config["sphinx"]["config"]["edition_plotly_bundle"] = False
    config_file.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    for page in chart_pages_sources(root):
        text = page.read_text(encoding="utf-8")
        end_of_front_matter = text.index("\n---\n", 4) + len("\n---\n")
        page.write_text(text[:end_of_front_matter] + BASELINE_SETUP_CELL + text[end_of_front_matter:],
                        encoding="utf-8")


def chart_pages_sources(root: Path) -> list[Path]:
    return sorted(page for page in (root / "chapters").glob("*.md") if "charts.glue_chart(" in page.read_text())


# --- builds ------------------------------------------------------------------------------------------------------

@dataclass
class Build:
    seconds: float
    peak_rss: int
    executed: list[str]
    read: int
    ok: bool
    tail: str


def timed_build(book: Book, *args: str) -> Build:
    """Run jupyter-book in the copy, sampling the resident memory of its whole process tree (kernels included)."""
    command = [str(Path(sys.executable).parent / "jupyter-book"), "build", ".", *args]
    log = book.root / "_build-log.txt"
    started = time.perf_counter()
    with log.open("w") as output:
        process = psutil.Popen(command, cwd=book.root, env=book.env, stdout=output, stderr=subprocess.STDOUT)
        peak = 0
        while process.poll() is None:
            peak = max(peak, tree_rss(process))
            time.sleep(0.05)
    seconds = time.perf_counter() - started
    text = re.sub(r"\x1b\[[0-9;]*m", "", log.read_text(errors="replace"))  # without the terminal colours
    executed = sorted(set(re.findall(r"(chapters/[\w-]+)\.md: Executing notebook", text)))
    read = len(set(re.findall(r"reading sources\.\.\. \[\s*\d+%\] (\S+)", text)))
    return Build(seconds, peak, executed, read, process.returncode == 0, "\n".join(text.splitlines()[-15:]))


def tree_rss(process: psutil.Process) -> int:
    total = 0
    for member in [process, *process.children(recursive=True)]:
        try:
            total += member.memory_info().rss
        except psutil.NoSuchProcess:
            pass
    return total


def edit_prose_line(root: Path) -> None:
    """Add a word to the first line of running text of a chart chapter (outside any directive or cell)."""
    page = root / PROSE_PAGE
    lines = page.read_text(encoding="utf-8").splitlines(keepends=True)
    depth, front_matter = 0, 0
    for index, line in enumerate(lines):
        if line.strip() == "---" and front_matter < 2:
            front_matter += 1
        elif front_matter == 2 and re.match(r"^(`{3,}|:{3,})\{", line):
            depth += 1
        elif front_matter == 2 and re.match(r"^(`{3,}|:{3,})\s*$", line):
            depth -= 1
        elif front_matter == 2 and depth == 0 and re.match(r"^[A-Z][a-z]", line):
            lines[index] = line.rstrip("\n") + " Edited.\n"
            page.write_text("".join(lines), encoding="utf-8")
            return
    raise RuntimeError(f"{page}: no line of running text found to edit")


def edit_table(root: Path) -> None:
    """Add a word to the editorial note (the last, quoted field) of the table's first row: a valid edit that
    changes no figure the chapters check, made as text so that the rest of the file stays byte for byte."""
    path = root / "data" / f"{EDITED_TABLE}.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    header, first_row = lines[0].rstrip("\n"), lines[1].rstrip("\n")
    if not (header.endswith(",editorial_note") and first_row.endswith('"')):
        raise RuntimeError(f"{path}: expected a quoted editorial_note as the last field of line 2")
    lines[1] = first_row[:-1] + ' Edited."\n'
    path.write_text("".join(lines), encoding="utf-8")


def pages_reading(root: Path, table: str) -> list[str]:
    """The chapters whose code loads the table, found independently of the extension (a plain text search)."""
    return sorted(f"chapters/{page.stem}" for page in (root / "chapters").glob("*.md")
                  if re.search(rf"load_table\(\s*['\"]{re.escape(table)}['\"]", page.read_text()))


# --- pages in the browser ----------------------------------------------------------------------------------------

def chart_pages(html: Path) -> list[str]:
    return sorted(page.relative_to(html).as_posix() for page in html.rglob("*.html")
                  if "plotly-graph-div" in page.read_text(encoding="utf-8", errors="replace"))


def plotly_js_bytes(html: Path, page: str) -> int:
    """plotly.js as the page carries it: the local file it loads (named by a script's src, or by the edition's
    loader's data-plotly, beside the loader), or the copy written into the page."""
    text = (html / page).read_text(encoding="utf-8")
    files = []
    for attributes in re.findall(r"<script([^>]*)>", text):
        src = re.search(r'src="([^"?]+)', attributes)
        named = re.search(r'data-plotly="([^"]+)"', attributes)
        if src and named:
            files.append(((html / page).parent / src.group(1)).parent / named.group(1))
        elif src and "plotly" in src.group(1):
            files.append((html / page).parent / src.group(1))
    return sum(file.stat().st_size for file in files) + inline_plotly_js_bytes(html, page)


def inline_plotly_js_bytes(html: Path, page: str) -> int:
    text = (html / page).read_text(encoding="utf-8")
    return sum(len(script.encode()) for script in re.findall(r"<script[^>]*>(.*?)</script>", text, flags=re.S)
               if "plotly.js v" in script[:2000])


def first_load(browser, url: str) -> dict:
    """A load with an empty cache: bytes and requests served, requests blocked (anything not on 127.0.0.1), and
    the milliseconds from navigation start until every chart is drawn."""
    context = browser.new_context()
    page = context.new_page()
    served_requests, blocked = [], []
    context.route(re.compile(r"^(?!http://127\.0\.0\.1[:/]).*"),
                  lambda route: (blocked.append(route.request.url), route.abort()))
    page.on("requestfinished", lambda request: served_requests.append(request))
    page.goto(url, wait_until="domcontentloaded")
    testing.draw_every_chart(page, timeout_ms=30_000)
    rendered_ms = page.evaluate("performance.now()")
    page.wait_for_load_state("networkidle")
    sizes = [request.sizes() for request in served_requests]
    context.close()
    return {"ms": rendered_ms, "requests": len(served_requests), "blocked": len(blocked),
            "bytes": sum(size["responseBodySize"] + size["responseHeadersSize"] for size in sizes)}


def measure_pages(book: Book, browser) -> dict:
    results = {}
    with testing.serve(book.html) as base:
        for page in chart_pages(book.html):
            loads = [first_load(browser, f"{base}/{page}") for _ in range(RENDER_LOADS)]
            results[page] = {"bytes": loads[0]["bytes"], "requests": loads[0]["requests"],
                             "blocked": loads[0]["blocked"], "plotly_js": plotly_js_bytes(book.html, page),
                             "render_ms": statistics.median(load["ms"] for load in loads)}
    return results


def lighthouse(book: Book, pages: list[str]) -> dict:
    """Lighthouse's four category scores (0-100) per page, desktop preset, on Debian's chromium."""
    scores = {}
    with testing.serve(book.html) as base:
        for page in pages:
            report = book.root / f"lighthouse-{page.replace('/', '-')}.json"
            done = subprocess.run(
                [str(LIGHTHOUSE), f"{base}/{page}", "--preset=desktop", "--quiet", "--output=json",
                 f"--output-path={report}", "--only-categories=performance,accessibility,best-practices,seo",
                 f"--chrome-flags={' '.join(CHROMIUM_ARGS)}"],
                env={**os.environ, "CHROME_PATH": CHROMIUM}, capture_output=True, text=True, timeout=240)
            if done.returncode != 0:
                raise RuntimeError(f"Lighthouse failed on {page}:\n{done.stderr[-2000:]}")
            categories = json.loads(report.read_text())["categories"]
            scores[page] = {name: round(category["score"] * 100) for name, category in categories.items()}
            scores[page]["failing"] = failing_audits(json.loads(report.read_text()))
    return scores


def chart_page_at_load(html: Path, page: str, report: Path) -> dict:
    """A chart page as a phone first loads it, before any chart scrolls into view: Lighthouse's default (mobile)
    preset, the page served gzip-compressed. Total blocking time, bytes transferred, and whether plotly.js was
    among them (Lighthouse does not scroll: a chart below the first screen is not drawn)."""
    with testing.serve(html, compress=True) as base:
        done = subprocess.run(
            [str(LIGHTHOUSE), f"{base}/{page}", "--quiet", "--output=json", f"--output-path={report}",
             "--only-categories=performance", f"--chrome-flags={' '.join(CHROMIUM_ARGS)}"],
            env={**os.environ, "CHROME_PATH": CHROMIUM}, capture_output=True, text=True, timeout=240)
    if done.returncode != 0:
        raise RuntimeError(f"Lighthouse failed on {page}:\n{done.stderr[-2000:]}")
    audits = json.loads(report.read_text())["audits"]
    requests = audits["network-requests"]["details"]["items"]
    return {"tbt_ms": audits["total-blocking-time"]["numericValue"],
            "bytes": audits["total-byte-weight"]["numericValue"],
            "plotly_js_fetched": any("plotly" in request["url"].rsplit("/", 1)[-1] for request in requests)}


def failing_audits(report: dict) -> list[str]:
    audits = report["audits"]
    return sorted({f"{category_id}: {ref['id']}" for category_id, category in report["categories"].items()
                   for ref in category["auditRefs"]
                   if ref["weight"] > 0 and (audits[ref["id"]].get("score") or 0) < 0.9
                   and audits[ref["id"]].get("scoreDisplayMode") in ("binary", "numeric")})


# --- Lighthouse's default (mobile) preset, every page type, served compressed (issue 11) -------------------------

#: One page of each type a reader meets.
MOBILE_PAGES = {
    "landing": LANDING_PAGE,
    "text chapter": "chapters/01-kerensky-and-the-bolsheviks.html",
    "chart chapter": "chapters/04-the-constituent-assembly-election.html",
    "audit": "chapters/election-audit.html",
    "chronology": "chapters/chronology.html",
    "glossary": "chapters/glossary.html",
}
MOBILE_GOALS = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": None}
#: Lighthouse's figures kept beside the scores: milliseconds, and bytes transferred.
MOBILE_METRICS = {"first-contentful-paint": "FCP", "largest-contentful-paint": "LCP", "total-blocking-time": "TBT",
                  "total-byte-weight": "bytes"}


#: Lighthouse runs per page; the run of median performance is reported (its simulated timings move with the load
#: of the machine, which other builds share).
MOBILE_RUNS = 3


def lighthouse_mobile(html: Path, workdir: Path) -> dict:
    """Lighthouse's default preset (a mid-range phone on a slow 4G network, simulated) on each page type, the site
    served gzip-compressed as GitHub Pages serves it: the four scores, the metrics and the failing audits of the run
    of median performance."""
    results = {}
    with testing.serve(html, compress=True) as base:
        for kind, page in MOBILE_PAGES.items():
            runs = sorted((mobile_run(base, page, workdir / f"lighthouse-mobile-{index}.json")
                           for index in range(MOBILE_RUNS)), key=lambda run: run["performance"])
            results[kind] = {"page": page, **runs[len(runs) // 2],
                             "performance_runs": [run["performance"] for run in runs]}
            print(f"[bench] Lighthouse mobile, {kind}: " + ", ".join(
                f"{name} {results[kind][name]}" for name in MOBILE_GOALS)
                + f" (performance in {MOBILE_RUNS} runs: {results[kind]['performance_runs']})", flush=True)
    return results


def mobile_run(base: str, page: str, report_file: Path) -> dict:
    done = subprocess.run(
        [str(LIGHTHOUSE), f"{base}/{page}", "--quiet", "--output=json", f"--output-path={report_file}",
         "--only-categories=performance,accessibility,best-practices,seo",
         f"--chrome-flags={' '.join(CHROMIUM_ARGS)}"],
        env={**os.environ, "CHROME_PATH": CHROMIUM}, capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        raise RuntimeError(f"Lighthouse (mobile) failed on {page}:\n{done.stderr[-2000:]}")
    data = json.loads(report_file.read_text())
    return {**{name: round(category["score"] * 100) for name, category in data["categories"].items()},
            **{label: round(data["audits"][audit]["numericValue"]) for audit, label in MOBILE_METRICS.items()},
            "failing": failing_audits(data)}


def mobile_report(results: dict) -> list[str]:
    lines = [
        "## Lighthouse (mobile)",
        "",
        "Lighthouse's default preset (a mid-range phone, simulated slow 4G and CPU), the site served gzip-compressed "
        f"as GitHub Pages serves it (`tests.support.serve`); of {MOBILE_RUNS} runs a page, the run of median "
        "performance (all runs' performance in the last column). FCP, LCP: first and largest contentful paint; "
        "TBT: total blocking time; bytes: transferred.",
        "",
        "| page type | page | " + " | ".join(MOBILE_GOALS) + " | FCP | LCP | TBT | bytes | goals | runs |",
        "|---|---|" + "---|" * (len(MOBILE_GOALS) + 6),
    ]
    for kind, result in results.items():
        met = all(result[name] >= minimum for name, minimum in MOBILE_GOALS.items() if minimum)
        lines.append(f"| {kind} | {result['page']} | " + " | ".join(str(result[name]) for name in MOBILE_GOALS)
                     + f" | {result['FCP']:,} ms | {result['LCP']:,} ms | {result['TBT']:,} ms | "
                     f"{result['bytes']:,} B | {verdict(met)} | {result['performance_runs']} |")
    goals = ", ".join(f"{name} ≥ {minimum}" for name, minimum in MOBILE_GOALS.items() if minimum)
    lines += ["", f"Goals on every page type: {goals}.", "", "Audits scoring under 0.9:", ""]
    for kind, result in results.items():
        lines.append(f"- {kind}: {', '.join(result['failing']) or 'none'}")
    return lines + [""]


# --- the report --------------------------------------------------------------------------------------------------

def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    os_name = next((line.split("=", 1)[1].strip('"') for line in Path("/etc/os-release").read_text().splitlines()
                    if line.startswith("PRETTY_NAME=")), platform.platform())
    chromium = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True).stdout.strip()
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    return (f"{cpu}, {os.cpu_count()} cores, {psutil.virtual_memory().total / 2**30:.1f} GiB memory; {os_name}; "
            f"Python {platform.python_version()}; {chromium}; load average at the end of the run {load}")


def ratio(ours: float | None, baseline: float | None) -> str:
    return f"{ours / baseline:.2f}" if ours is not None and baseline else "–"


def verdict(met: bool | None) -> str:
    return "–" if met is None else "met" if met else "**missed**"


def row(label: str, ours, baseline, unit: str = "", goal: str = "", met: bool | None = None,
        digits: int = 1) -> str:
    def show(value):
        if value is None:
            return "–"
        if isinstance(value, float):
            return f"{value:,.{digits}f}{unit}"
        if isinstance(value, int):
            return f"{value:,}{unit}"
        return str(value)
    numeric = all(isinstance(value, (int, float)) for value in (ours, baseline))
    return (f"| {label} | {show(ours)} | {show(baseline)} | {ratio(ours, baseline) if numeric else '–'} | "
            f"{goal} | {verdict(met)} |")


def report(started: datetime, minutes: float, ours: Book, baseline: Book) -> str:
    o, b = ours.figures, baseline.figures
    mib = 2 ** 20
    lines = [
        "# Benchmark results",
        "",
        "Written by `make bench` (bench/bench.py); do not edit by hand.",
        "",
        f"- Date: {started:%Y-%m-%d %H:%M} UTC; the run took {minutes:.1f} min.",
        f"- Machine: {machine()}.",
        "- **ours**: the edition (Plotly's JSON output rendered as a chart node by the edition's myst-nb renderer; "
        "one local plotly.js, the official partial bundle pinned in package.json, fetched by a small deferred "
        "loader on chart pages only, when the first chart nears the viewport, each chart drawn as it comes near; "
        "the theme's fontawesome.js left out).",
        "- **baseline**: the same chapters with Jupyter Book's default Plotly setup: Plotly's `notebook` renderer "
        "(PLOTLY_RENDERER=notebook and a hidden first cell that activates it), so plotly.py's full plotly.js is "
        "written into each chart page; the edition's plotly.js switched off. All else identical, including the "
        "data-aware execution cache and the theme without fontawesome.js.",
        "- Ratio = ours / baseline. Builds run one after another in copies of the working tree in /tmp, with "
        f"`jupyter-book build {' '.join(JB_FLAGS)}`. Peak memory is the resident set of the build's whole process "
        "tree (Jupyter Book, Sphinx and the kernels), sampled every 50 ms.",
        f"- Pages are served by Python's http.server on 127.0.0.1 (no compression; `Cache-Control: max-age=600`, as "
        f"GitHub Pages sends) to Debian's chromium, headless; "
        f"any request not to 127.0.0.1 is blocked and counted. Render time: from navigation start until every "
        f"`.plotly-graph-div` holds its `.main-svg`, scrolling to each chart in turn as soon as the page is parsed "
        f"(the edition draws a chart when it nears the viewport), median of {RENDER_LOADS} loads with an empty "
        "cache.",
        "- Lighthouse 12.8.2 (bench/package.json), `--preset=desktop`, on the same chromium.",
        "",
        "## Builds",
        "",
        "| measure | ours | baseline | ratio | goal | |",
        "|---|---|---|---|---|---|",
        row("clean HTML build", o["clean"].seconds, b["clean"].seconds, " s", "≤ 60 s", o["clean"].seconds <= 60),
        row("peak memory of the clean build", o["clean"].peak_rss / mib, b["clean"].peak_rss / mib, " MiB",
            digits=0),
        row("notebooks executed in the clean build", len(o["clean"].executed), len(b["clean"].executed)),
        row("rebuild after editing one prose line", o["prose"].seconds, b["prose"].seconds, " s", "≤ 5 s",
            o["prose"].seconds <= 5),
        row("pages re-read after the prose edit", o["prose"].read, b["prose"].read),
        row("notebooks re-executed after the prose edit", len(o["prose"].executed), len(b["prose"].executed),
            goal="0", met=not o["prose"].executed),
        row(f"rebuild after editing data/{EDITED_TABLE}.csv", o["table"].seconds, b["table"].seconds, " s"),
        row("pages re-read after the data edit", o["table"].read, b["table"].read),
        row("notebooks re-executed after the data edit", ", ".join(o["table"].executed) or "none",
            ", ".join(b["table"].executed) or "none", goal=", ".join(o["table_readers"]),
            met=o["table"].executed == o["table_readers"]),
        row("PDF build (ours Typst, baseline XeLaTeX; every page read afresh)", o["pdf"].seconds, b["pdf"].seconds, " s"),
        row("PDF build passes with -W", "yes" if o["pdf"].ok else "no", "yes" if b["pdf"].ok else
            "no: the notebook renderer's charts have no LaTeX form (timed without -W)"),
        "",
        "## Chart pages (first load, empty cache)",
        "",
        "| page | measure | ours | baseline | ratio | goal | |",
        "|---|---|---|---|---|---|---|",
    ]
    heaviest = max(o["pages"], key=lambda page: o["pages"][page]["bytes"])
    for page, mine in o["pages"].items():
        theirs = b["pages"].get(page, {})
        for key, label, unit, goal, met in [
            ("bytes", "bytes", " B", "≤ 40 % of baseline" if page == heaviest else "",
             mine["bytes"] <= 0.4 * theirs["bytes"] if page == heaviest and theirs else None),
            ("requests", "requests served", "", "", None),
            ("blocked", "requests blocked (not 127.0.0.1)", "", "0", mine["blocked"] == 0),
            ("plotly_js", "bytes of plotly.js", " B", "", None),
            ("render_ms", "all charts drawn after", " ms", "≤ 1000 ms", mine["render_ms"] <= 1000),
        ]:
            lines.append(f"| {page} " + row(label, mine[key], theirs.get(key), unit, goal, met, digits=0))
    lines += [
        "",
        f"Heaviest chart page (ours): {heaviest}. plotly.js transferred for a second chart page, after a "
        f"first one: ours {o['second_page_plotly_bytes']:,} B (one URL for all pages, from the browser's cache), "
        f"baseline {b['second_page_plotly_bytes']:,} B (written into every chart page).",
        "",
        f"## The heaviest chart page at load, on a phone ({heaviest})",
        "",
        "Lighthouse's default (mobile) preset, the page served gzip-compressed (as GitHub Pages serves it), before "
        "any chart scrolls into view.",
        "",
        "| measure | ours | baseline | ratio | goal | |",
        "|---|---|---|---|---|---|",
        row("total blocking time", o["at_load"]["tbt_ms"], b["at_load"]["tbt_ms"], " ms", "≤ 200 ms",
            o["at_load"]["tbt_ms"] <= 200, digits=0),
        row("bytes transferred", o["at_load"]["bytes"], b["at_load"]["bytes"], " B", "≤ 400 KB",
            o["at_load"]["bytes"] <= 400_000, digits=0),
        row("plotly.js fetched", "yes" if o["at_load"]["plotly_js_fetched"] else "no",
            "yes" if b["at_load"]["plotly_js_fetched"] else "no (written into the page)"),
        "",
        "## Lighthouse (desktop)",
        "",
        "| page | category | ours | baseline | ratio | goal | |",
        "|---|---|---|---|---|---|---|",
    ]
    goals = {"performance": 90, "accessibility": 100, "best-practices": 95, "seo": None}
    for page, mine in o["lighthouse"].items():
        theirs = b["lighthouse"][page]
        for category, minimum in goals.items():
            goal = f"≥ {minimum}" if minimum else ""
            met = mine[category] >= minimum if minimum else None
            lines.append(f"| {page} " + row(category, mine[category], theirs[category], "", goal, met))
    lines += ["", "Audits scoring under 0.9 (ours):", ""]
    for page, mine in o["lighthouse"].items():
        lines.append(f"- {page}: {', '.join(mine['failing']) or 'none'}")
    lines += [""] + mobile_report(o["lighthouse_mobile"])
    lines += ["Build logs of failed builds, if any:", ""]
    for book in (ours, baseline):
        for name, build in book.figures.items():
            if isinstance(build, Build) and not build.ok:
                lines += [f"- {book.name}, {name}:", "", "```", build.tail, "```"]
    return "\n".join(lines) + "\n"


# --- the run -----------------------------------------------------------------------------------------------------

def second_page_plotly_bytes(book: Book, browser) -> int:
    """Bytes of plotly.js transferred for a second chart page, in the browser that loaded a first one: a file
    comes from the browser's cache (or a 304 revalidation, headers only), a copy inside the page comes again."""
    first, second = chart_pages(book.html)[:2]
    with testing.serve(book.html) as base:
        context = browser.new_context()
        page = context.new_page()
        page.goto(f"{base}/{first}", wait_until="networkidle")
        testing.draw_every_chart(page, timeout_ms=30_000)
        page.goto(f"{base}/{second}", wait_until="networkidle")
        testing.draw_every_chart(page, timeout_ms=30_000)
        transferred = page.evaluate("""performance.getEntriesByType('resource')
            .filter(entry => entry.name.includes('plotly')).map(entry => entry.transferSize)""")
        context.close()
    return sum(transferred) + inline_plotly_js_bytes(book.html, second)


def run() -> None:
    started = datetime.now(timezone.utc)
    clock = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="coup1917-bench-"))
    try:
        ours_root = testing.copy_book(work / "ours")
        baseline_root = testing.copy_book(work / "baseline")
        make_baseline(baseline_root)
        books = [Book("ours", ours_root, environment(ours_root)),
                 Book("baseline", baseline_root, environment(baseline_root, PLOTLY_RENDERER="notebook"))]
        for book in books:
            print(f"[bench] {book.name}: clean HTML build", flush=True)
            book.figures["clean"] = timed_build(book, *JB_FLAGS)
            if not book.figures["clean"].ok:
                raise RuntimeError(f"{book.name}: the clean build failed:\n{book.figures['clean'].tail}")
        for book in books:
            print(f"[bench] {book.name}: rebuilds after a prose edit and a data edit", flush=True)
            edit_prose_line(book.root)
            book.figures["prose"] = timed_build(book, *JB_FLAGS)
            edit_table(book.root)
            book.figures["table"] = timed_build(book, *JB_FLAGS)
            book.figures["table_readers"] = pages_reading(book.root, EDITED_TABLE)
        with sync_playwright() as playwright:
            browser = testing.launch_chromium(playwright)
            for book in books:
                print(f"[bench] {book.name}: chart pages in chromium", flush=True)
                book.figures["pages"] = measure_pages(book, browser)
                book.figures["second_page_plotly_bytes"] = second_page_plotly_bytes(book, browser)
            browser.close()
        heaviest = max(books[0].figures["pages"], key=lambda page: books[0].figures["pages"][page]["bytes"])
        for book in books:
            print(f"[bench] {book.name}: Lighthouse", flush=True)
            book.figures["lighthouse"] = lighthouse(book, [LANDING_PAGE, heaviest])
            book.figures["at_load"] = chart_page_at_load(book.html, heaviest, book.root / "lighthouse-at-load.json")
        print("[bench] ours: Lighthouse, mobile preset", flush=True)
        books[0].figures["lighthouse_mobile"] = lighthouse_mobile(books[0].html, work)
        # Ours through Typst (coup1917/sphinx/editions/pdf.py); the baseline through Jupyter Book's XeLaTeX, which
        # needs TeX Live: on a machine without it the baseline's PDF is recorded as failed.
        pdf_builders = {"ours": ("--builder", "custom", "--custom-builder", "typst"), "baseline": ("--builder", "pdflatex")}
        for book in books:
            print(f"[bench] {book.name}: PDF build", flush=True)
            builder = pdf_builders[book.name]
            for output in ("latex", "typst"):
                shutil.rmtree(book.root / "_build" / output, ignore_errors=True)
            book.figures["pdf"] = pdf = timed_build(book, *builder, "--all", *JB_FLAGS)
            if not pdf.ok:  # time the PDF the build makes without -W, keeping the failure on record
                shutil.rmtree(book.root / "_build" / "latex", ignore_errors=True)
                without_w = timed_build(book, *builder, "--all", "-n", "--keep-going")
                pdf.seconds = without_w.seconds if without_w.ok else None
        RESULTS.write_text(report(started, (time.perf_counter() - clock) / 60, *books), encoding="utf-8")
        print(f"[bench] wrote {RESULTS.relative_to(REPO)}", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run_mobile(html: Path) -> None:
    """Only Lighthouse's mobile preset, on a site already built (`python bench/bench.py --mobile _build/html`)."""
    with tempfile.TemporaryDirectory(prefix="coup1917-lighthouse-") as work:
        print("\n".join(mobile_report(lighthouse_mobile(html.resolve(), Path(work)))))


if __name__ == "__main__":
    if sys.argv[1:2] == ["--mobile"]:
        run_mobile(Path(sys.argv[2]) if len(sys.argv) > 2 else REPO / "_build" / "html")
    else:
        run()
