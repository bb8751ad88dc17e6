"""The dev server: serve the site, rebuild when content, templates or assets change.

The first build swaps a whole new folder in; later rebuilds render every file first and
then replace only the files that changed, each by a rename. A failed rebuild prints its
problems and touches nothing, so the browser never sees a half-written or broken site.
"""

from __future__ import annotations

import os
import sys

from livereload import Server
from livereload.handlers import StaticFileHandler

from .pipeline import BuildCache, Options, build, report

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


class SiteFileHandler(StaticFileHandler):
    """Answers every refusal (a missing file, a path outside the site, a folder) with a 404
    and the site's own 404.html, as GitHub Pages does: nothing tells what lies outside."""

    def write_error(self, status_code: int, **kwargs) -> None:
        page = os.path.join(self.root, "404.html")
        if status_code in (403, 404) and os.path.isfile(page):
            self.set_status(404)
            with open(page, "rb") as file:
                self.finish(file.read())
        else:
            super().write_error(status_code, **kwargs)


def serve(options: Options, host: str, port: int) -> int:
    if host not in LOCAL_HOSTS:
        print(f"repcard: warning: serving on {host}, so other machines can reach this dev server",
              file=sys.stderr)

    cache = BuildCache()  # what is unchanged between rebuilds is neither parsed, rendered nor written again

    def rebuild() -> None:
        problems = build(options, cache)
        if problems:
            report(problems, options.output)
        else:
            print(f"repcard: rebuilt {options.output}", flush=True)

    rebuild()
    server = Server()
    server.SFH = SiteFileHandler
    for folder in (options.content, options.templates, options.assets):
        server.watch(str(folder), rebuild, delay=0.1)
    print(f"repcard: serving {options.output} at http://{host}:{port}/ (Ctrl-C stops)", flush=True)
    try:
        server.serve(host=host, port=port, root=str(options.output), restart_delay=0)
    except KeyboardInterrupt:
        pass
    return 0
