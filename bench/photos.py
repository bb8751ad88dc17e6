"""What the photos of a library cost: cold (no cache) and warm, and the size of each width.

    python -m bench.photos [EXERCISES_DIR] [--workers N] [--settings]

EXERCISES_DIR holds free-exercise-db's `<Id>/*.jpg` (default: the 32-exercise sample in
../shared/free-exercise-db-sample/exercises; a clone of the whole project's exercises/ has 1,746). --settings also times each candidate
quality and method on one core, to show what the chosen ones trade.
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image

from repcard import photos
from repcard.photos import RenditionCache, renditions_many

SAMPLE = Path(__file__).resolve().parent.parent.parent / "shared/free-exercise-db-sample/exercises"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.photos")
    parser.add_argument("folder", nargs="?", type=Path, default=SAMPLE)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--settings", action="store_true")
    options = parser.parse_args(argv)
    files = sorted(options.folder.glob("*/*.jpg"))
    print(f"{len(files)} photos from {options.folder}, {options.workers} workers, {photos.VERSION}")
    with tempfile.TemporaryDirectory() as folder:
        cache = RenditionCache(Path(folder))
        start, cpu = time.perf_counter(), _cpu()
        results = renditions_many(files, cache, options.workers)
        cold, cold_cpu = time.perf_counter() - start, _cpu() - cpu
        start = time.perf_counter()
        renditions_many(files, cache, options.workers)
        warm = time.perf_counter() - start
        # Sizes while the cache's files are still there: a rendition in the cache holds no bytes.
        sizes = {width: [r.file.stat().st_size if r.file else len(r.webp) for result in results
                         if not isinstance(result, str) for r in result if r.width == width] for width in photos.WIDTHS}
    problems = [r for r in results if isinstance(r, str)]
    print(f"cold {cold:.2f} s ({cold / len(files) * 1000:.0f} ms a photo; CPU {cold_cpu / len(files) * 1000:.0f} ms "
          f"a photo, all processes), warm {warm:.3f} s; {len(problems)} problems; load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    for width, found in sizes.items():
        if found:
            over = sum(size > photos.BYTE_BUDGET for size in found)
            print(f"{width} px WebP: median {statistics.median(found):,.0f} B, mean {statistics.mean(found):,.0f} B, "
                  f"largest {max(found):,} B; {over} over {photos.BYTE_BUDGET:,} B")
    if options.settings:
        settings(files[:16])
    return 0


def _cpu() -> float:
    """CPU seconds of this process and of its children that have ended (the pool's workers)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def settings(files: list[Path]) -> None:
    """Each quality and method on the same photos, on one core: time and size."""
    images = []
    for path in files:
        image = Image.open(path)
        image.draft("RGB", (720, 480))
        images.append(image.convert("RGB"))
    for width in photos.WIDTHS:
        resized = [image.resize((width, round(width * image.height / image.width)), Image.Resampling.LANCZOS)
                   for image in images]
        for quality in (70, 75, 80):
            for method in (2, 4, 6):
                start = time.process_time()
                sizes = []
                for image in resized:
                    out = io.BytesIO()
                    image.save(out, "WEBP", quality=quality, method=method)
                    sizes.append(len(out.getvalue()))
                took = (time.process_time() - start) / len(resized) * 1000
                print(f"  {width} px q{quality} m{method}: {statistics.mean(sizes) / 1024:5.1f} KB, {took:5.1f} ms CPU to encode")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
