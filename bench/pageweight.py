"""What each page costs to render: its HTML plus the CSS and JS it loads, gzipped.

    python -m bench.pageweight [SITE_DIR]      (default: site/)

The budget is 14 KB gzipped a page, what one round trip of a new connection carries.
"""

from __future__ import annotations

import sys
from pathlib import Path

# The measure and the budget are repcard check-site's, which the Pages workflow runs.
from repcard.sitecheck import BUDGET, WITH_DEFERRED, page_weights, render_weights  # noqa: F401


def main() -> None:
    site = Path(sys.argv[1] if len(sys.argv) > 1 else "site")
    print(f"{'page':48} {'gzipped':>8}  (budget {BUDGET:,} B)")
    for page, files in page_weights(site).items():
        total = sum(files.values())
        parts = ", ".join(f"{name.rsplit('/', 1)[-1]} {size:,}" for name, size in files.items())
        print(f"{page:48} {total:>8,}  {'ok' if total <= BUDGET else 'OVER'}  ({parts})")


if __name__ == "__main__":
    main()
