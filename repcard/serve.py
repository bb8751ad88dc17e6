"""The dev server: serve the site, rebuild when content, templates or assets change.

A failed rebuild prints its problems and leaves the last good site in place (the writer
swaps whole folders), so the browser never sees a half-written or broken site.
"""

from __future__ import annotations

import sys

from livereload import Server

from .cli import Options, build, report

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


def serve(options: Options, host: str, port: int) -> int:
    if host not in LOCAL_HOSTS:
        print(f"repcard: warning: serving on {host}, so other machines can reach this dev server",
              file=sys.stderr)

    def rebuild() -> None:
        problems = build(options)
        if problems:
            report(problems, options.output)
        else:
            print(f"repcard: rebuilt {options.output}", flush=True)

    rebuild()
    server = Server()
    for folder in (options.content, options.templates, options.assets):
        server.watch(str(folder), rebuild, delay=0.1)
    print(f"repcard: serving {options.output} at http://{host}:{port}/ (Ctrl-C stops)", flush=True)
    try:
        server.serve(host=host, port=port, root=str(options.output), restart_delay=0)
    except KeyboardInterrupt:
        pass
    return 0
