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
from tornado.web import HTTPError

from . import write
from .pipeline import BuildCache, Options, build, report

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


class SiteFileHandler(StaticFileHandler):
    """Answers every refusal (a missing file, a path outside the site, a folder, a NUL in
    the path, a method other than GET or HEAD) with a 404 and the site's own 404.html, as
    GitHub Pages does: nothing tells what lies outside."""

    def validate_absolute_path(self, root: str, absolute_path: str) -> str | None:
        if "\0" in absolute_path:  # every file call refuses it, with a ValueError: a 500
            raise HTTPError(404)
        try:
            return super().validate_absolute_path(root, absolute_path)
        except (ValueError, OSError):  # a path the system cannot take, a loop of links
            raise HTTPError(404) from None

    def write_error(self, status_code: int, **kwargs) -> None:
        page = os.path.join(self.root, "404.html")
        if os.path.isfile(page):
            self.set_status(404)
            with open(page, "rb") as file:
                self.finish(file.read())
        else:
            super().write_error(status_code, **kwargs)


class NotInSiteHandler(SiteFileHandler):
    """Every request no other handler takes, such as an absolute-form URL
    (`GET http://host/x`): the site's 404 page, not tornado's bare one."""

    async def get(self, *args, **kwargs) -> None:
        raise HTTPError(404)


class SiteServer(Server):
    def get_web_handlers(self, script):
        return [*super().get_web_handlers(script), (r".*", NotInSiteHandler, {"path": self.root})]


def serve(options: Options, host: str, port: int) -> int:
    if host not in LOCAL_HOSTS:
        print(f"repcard: warning: serving on {host}, so other machines can reach this dev server",
              file=sys.stderr)

    cache = BuildCache()  # what is unchanged between rebuilds is neither parsed, rendered nor written again

    def rebuild() -> None:
        problems = build(options, cache)
        if problems and write.half_updated(options.output):  # a rename failed: say so
            for problem in problems:
                print(problem, file=sys.stderr)
            print(f"repcard: {options.output} was left half-updated; the next rebuild builds it whole",
                  file=sys.stderr, flush=True)
        elif problems:
            report(problems, options.output)
        else:
            print(f"repcard: rebuilt {options.output}", flush=True)

    rebuild()
    server = SiteServer()
    server.SFH = SiteFileHandler
    for folder in (options.content, options.templates, options.assets):
        server.watch(str(folder), rebuild, delay=0.1)
    print(f"repcard: serving {options.output} at http://{host}:{port}/ (Ctrl-C stops)", flush=True)
    server.serve(host=host, port=port, root=str(options.output), restart_delay=0)
    # livereload returns once Ctrl-C or SIGTERM stopped it, having caught the interrupt:
    # raise it again, for the command line to say so.
    raise KeyboardInterrupt
