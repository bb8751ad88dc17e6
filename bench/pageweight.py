"""What each page costs to render: its HTML plus the CSS and JS it loads, gzipped.

    python -m bench.pageweight [SITE_DIR]      (default: site/)

The budget is 14 KB gzipped a page, what one round trip of a new connection carries.
"""

from __future__ import annotations

import gzip
import re
import sys
from pathlib import Path

BUDGET = 14_000  # bytes, gzipped: what renders a page (HTML, CSS, scripts that block), one round trip
WITH_DEFERRED = 32_000  # bytes, gzipped: the same with the deferred scripts, which run after the paint
# Stylesheets and scripts a page loads (the templates write them in this one form).
RESOURCE = re.compile(r'<(?:link rel="stylesheet" href|script src)="([^"]+)"')
DEFERRED = re.compile(r'<script src="([^"]+)" defer>')


def gzipped(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=9, mtime=0))


def page_weights(site: Path) -> dict[str, dict[str, int]]:
    """{page: {file: gzipped bytes}} for every HTML page: the page and what it loads."""
    weights = {}
    for page in sorted(site.rglob("*.html")):
        html = page.read_bytes()
        files = {page.relative_to(site).as_posix(): gzipped(html)}
        for url in RESOURCE.findall(html.decode()):
            target = (page.parent / url).resolve()
            files[target.relative_to(site.resolve()).as_posix()] = gzipped(target.read_bytes())
        weights[page.relative_to(site).as_posix()] = files
    return weights


def render_weights(site: Path) -> dict[str, tuple[int, int]]:
    """{page: (bytes that render it, bytes with its deferred scripts)}, gzipped."""
    weights = {}
    for page, files in page_weights(site).items():
        deferred = {(site / page).parent.joinpath(url).resolve().relative_to(site.resolve()).as_posix()
                    for url in DEFERRED.findall((site / page).read_text())}
        total = sum(files.values())
        weights[page] = (total - sum(size for name, size in files.items() if name in deferred), total)
    return weights


def main() -> None:
    site = Path(sys.argv[1] if len(sys.argv) > 1 else "site")
    print(f"{'page':48} {'gzipped':>8}  (budget {BUDGET:,} B)")
    for page, files in page_weights(site).items():
        total = sum(files.values())
        parts = ", ".join(f"{name.rsplit('/', 1)[-1]} {size:,}" for name, size in files.items())
        print(f"{page:48} {total:>8,}  {'ok' if total <= BUDGET else 'OVER'}  ({parts})")


if __name__ == "__main__":
    main()
