"""A whole exercise library with photos: repcard against Hugo, cold and with their photo caches warm.

    make bench/.venv/.installed && python bench/library.py [--exercises 873] [--runs 3]

Both tools build the same library: N exercises imported from free-exercise-db's layout,
each with its two photos resized to 360 and 720 px WebP at quality 75 (Hugo: page
bundles and `.Resize "360x webp q75"`; repcard: its own build with `photos:`), a page per
exercise and an index. With no full clone of free-exercise-db on this machine, the
library is made from its 32-exercise sample: exercise k is sample move k mod 32 with its
photos cropped by a few pixels and saved again, so every one of the 2N photos is a
different image and no cache can share work between copies (say so beside the figures).

Cold: no photo cache (repcard's .cache, Hugo's resources/) and no output. Warm: the cache
from the run before, a fresh output folder. Wall time is the median of the runs; memory
the peak PSS of the process tree (bench.bench.measure).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
from datetime import date
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))

from bench.bench import HUGO, PYTHON, measure  # noqa: E402
from repcard.importer import import_exercises  # noqa: E402

SAMPLES = [ROOT.parent / "shared/free-exercise-db-sample", ROOT / "tests/fixtures/free-exercise-db"]
RESULTS = BENCH / "RESULTS.md"
START, END = "<!-- library: start -->", "<!-- library: end -->"


def make_source(out: Path, count: int) -> Path:
    """`count` moves in free-exercise-db's layout, every photo a distinct image."""
    from PIL import Image

    sample = next(s for s in SAMPLES if (s / "exercises").is_dir()) / "exercises"
    moves = sorted(sample.glob("*.json"))
    (out / "exercises").mkdir(parents=True)
    for k in range(count):
        move = json.loads(moves[k % len(moves)].read_text())
        ident = f"{move['id']}_{k:04d}"
        images = []
        for n, image in enumerate(move["images"]):
            photo = Image.open(sample / image)
            trim = 1 + k // len(moves)  # a few pixels more each copy: a different image every time
            (out / "exercises" / ident).mkdir(exist_ok=True)
            photo.crop((trim, trim, photo.width - trim, photo.height - trim)).save(
                out / "exercises" / ident / f"{n}.jpg", quality=90)
            images.append(f"{ident}/{n}.jpg")
        move |= {"id": ident, "name": f"{move['name']} {k + 1}", "images": images}
        (out / "exercises" / f"{ident}.json").write_text(json.dumps(move))
    return out


def setup_repcard(source: Path, work: Path) -> list[str]:
    content = work / "content"
    written, problems = import_exercises([source], content)
    assert not problems, problems[:3]
    (content / "index.md").write_text("---\ntitle: Library\n---\nEvery move.\n")
    return [str(PYTHON), str(ROOT / "build.py"), "--content", str(content), "--output", str(work / "site"),
            "--cache", str(work / "cache")]


def setup_hugo(source: Path, work: Path) -> list[str]:
    """Page bundles: each exercise's index.md beside its photos, resized by Hugo itself."""
    for path in sorted((source / "exercises").glob("*.json")):
        move = json.loads(path.read_text())
        bundle = work / "content/exercises" / move["id"].lower()
        bundle.mkdir(parents=True)
        steps = "\n".join(f"{n}. {step}" for n, step in enumerate(move["instructions"], 1))
        (bundle / "index.md").write_text(f"---\ntitle: {json.dumps(move['name'])}\n---\n{steps}\n")
        for n, image in enumerate(move["images"]):
            shutil.copy(source / "exercises" / image, bundle / f"{n}.jpg")
    (work / "hugo.toml").write_text('baseURL = "https://example.org/"\ntitle = "Bench"\n'
                                    'disableKinds = ["taxonomy", "term", "RSS", "sitemap"]\n')
    layouts = work / "layouts/_default"
    layouts.mkdir(parents=True)
    (layouts / "single.html").write_text(
        "<!doctype html><title>{{ .Title }}</title><h1>{{ .Title }}</h1>"
        '{{ range .Resources.ByType "image" }}{{ $s := .Resize "360x webp q75" }}{{ $l := .Resize "720x webp q75" }}'
        '<img src="{{ $s.RelPermalink }}" srcset="{{ $s.RelPermalink }} 360w, {{ $l.RelPermalink }} 720w" '
        'width="{{ $s.Width }}" height="{{ $s.Height }}" alt="{{ $.Title }}">{{ end }}{{ .Content }}\n')
    (layouts / "list.html").write_text("<!doctype html><title>{{ .Title }}</title><ul>{{ range .Pages }}"
                                       '<li><a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}</ul>\n')
    return [str(HUGO), "--quiet", "--destination", str(work / "public")]


CACHES = {"repcard": ("cache", "site"), "Hugo": ("resources", "public")}


def run(tool: str, command: list[str], work: Path, warm: bool) -> tuple[float, int]:
    cache, output = CACHES[tool]
    shutil.rmtree(work / output, ignore_errors=True)
    if not warm:
        shutil.rmtree(work / cache, ignore_errors=True)
    return measure(command, work)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--exercises", type=int, default=873)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--warm-runs", type=int, default=3, help="warm builds after each cold one")
    args = parser.parse_args()
    args.load = os.getloadavg()[0]
    if HUGO is None:
        sys.exit("Hugo is missing: run `make bench/.venv/.installed` first")
    with tempfile.TemporaryDirectory(prefix="repcard-library-") as tmp:
        tmp = Path(tmp)
        source = make_source(tmp / "source", args.exercises)
        commands = {"repcard": setup_repcard(source, tmp / "repcard"), "Hugo": setup_hugo(source, tmp / "Hugo")}
        figures: dict[tuple[str, str], list[tuple[float, int]]] = {}
        for _ in range(args.runs):  # every tool once a round, cold then warm
            for tool, command in commands.items():
                for state in ("cold", *["warm"] * args.warm_runs):
                    figures.setdefault((tool, state), []).append(run(tool, command, tmp / tool, state == "warm"))
                    print(tool, state, figures[(tool, state)][-1], flush=True)
        sizes = sorted(p.stat().st_size for p in (tmp / "repcard/site/exercises").glob("*/*-360.webp"))
    write_results(args, figures, sizes)


def write_results(args, figures, sizes) -> None:
    def cell(tool, state):
        runs = figures[(tool, state)]
        return (f"{statistics.median(w for w, _ in runs):.2f} s", f"{max(m for _, m in runs) / 2**20:.0f} MiB")

    rows = [f"| {tool} | {' | '.join(cell(tool, 'cold'))} | {' | '.join(cell(tool, 'warm'))} |"
            for tool in ("repcard", "Hugo")]
    ratio = {s: statistics.median(w for w, _ in figures[("Hugo", s)]) / statistics.median(
        w for w, _ in figures[("repcard", s)]) for s in ("cold", "warm")}
    section = "\n".join([
        START,
        "## A library with photos",
        "",
        f"Run on {date.today()} with `python bench/library.py --exercises {args.exercises} --runs {args.runs} "
        f"--warm-runs {args.warm_runs}` ({os.cpu_count()} cores, {platform.python_version()}, load average "
        f"before the run {args.load:.1f}): {args.exercises} exercises with 2 photos each, every photo a "
        "distinct image made from free-exercise-db's 32-exercise sample (no full clone here), each resized "
        "to 360 and 720 px WebP at quality 75 by both tools. Warm: each tool's cache from the build before "
        "(Hugo's resources/, its resized images; repcard's .cache/, its resized photos and parsed files) "
        "and no output folder. Median of the runs; peak PSS of the process tree.",
        "",
        "| tool | cold | peak memory cold | warm (caches kept) | peak memory warm |",
        "|---|---|---|---|---|",
        *rows,
        "",
        f"Hugo's time over repcard's: {ratio['cold']:.2f}× cold, {ratio['warm']:.2f}× warm (above 1: repcard is "
        f"faster). A 360 px photo: median {statistics.median(sizes) / 1000:.1f} KB, largest "
        f"{sizes[-1] / 1000:.1f} KB.",
        END,
    ])
    text = RESULTS.read_text()
    if START in text:
        text = text[:text.index(START)] + section + text[text.index(END) + len(END):]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    RESULTS.write_text(text)
    print(section)


if __name__ == "__main__":
    main()
