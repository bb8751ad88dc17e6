"""The dev server: serve the site, rebuild when content, templates or assets change.

The first build swaps a whole new folder in; later rebuilds render every file first and
then replace only the files that changed, each by a rename. A failed rebuild touches
nothing: the last good site stays served, with the problems shown over every page.

livereload serves the site and tells the browser to reload; watchfiles (inotify) notices
the saves. livereload's own watcher polls every 0.8 s and ignores a reload that comes
within `3 - delay` seconds of the last one, so it drops the second of two quick saves:
here a thread waits on watchfiles, rebuilds, and has the IOLoop send the reload itself.
"""

from __future__ import annotations

import errno
import gc
import html
import logging
import os
import re
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import watchfiles
from livereload import Server
from livereload.handlers import LiveReloadHandler, StaticFileHandler
from livereload.watcher import Watcher
from tornado.ioloop import IOLoop
from tornado.netutil import bind_sockets
from tornado.web import HTTPError

from . import csp, write
from .pages import FETCHED_LATER
from .pipeline import BuildCache, Options, build, report
from .problem import Problem

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
SETTLE_MS = 10  # a save is a burst of events (truncate, write, close, rename), all within a ms or two: wait for its end


class SiteFileHandler(StaticFileHandler):
    """Answers every refusal (a missing file, a path outside the site, a folder, a NUL in
    the path, a method other than GET or HEAD) with a 404 and the site's own 404.html, as
    GitHub Pages does: nothing tells what lies outside."""

    livereload_snippet = b"<script></script>"  # livereload's inline loader, added to every page: set by SiteServer

    def validate_absolute_path(self, root: str, absolute_path: str) -> str | None:
        if "\0" in absolute_path:  # every file call refuses it, with a ValueError: a 500
            raise HTTPError(404)
        try:
            return super().validate_absolute_path(root, absolute_path)
        except (ValueError, OSError):  # a path the system cannot take, a loop of links
            raise HTTPError(404) from None

    def write_error(self, status_code: int, **kwargs) -> None:
        path = os.path.join(self.root, "404.html")
        page = NO_SITE  # no site yet: its first build failed
        if os.path.isfile(path):
            with open(path, "rb") as file:
                page = file.read()
        self.set_status(404)
        self.finish(dev_policy(self.shown(page, built=page is not NO_SITE), self.livereload_snippet,
                               self.request.host))

    def shown(self, page: bytes, built: bool = True) -> bytes:
        """A page as this handler serves it."""
        return page


# With a head: livereload adds its script before </head>, and this page must reload once there is a site.
NO_SITE = (b"<!doctype html><html lang=en><head><meta charset=utf-8><meta name=viewport content=width=device-width>"
           b"<title>No site yet</title></head>"
           b"<body><p>No site yet.</p></body></html>")


class NotInSiteHandler(SiteFileHandler):
    """Every request no other handler takes, such as an absolute-form URL
    (`GET http://host/x`): the site's 404 page, not tornado's bare one."""

    async def get(self, *args, **kwargs) -> None:
        raise HTTPError(404)


class SiteServer(Server):
    def _setup_logging(self):
        """livereload's logging, but only its warnings: repcard says what happens, one line each
        (not "Serving on", "Reload 0 waiters" at every save, "Shutting down..." before Ctrl-C's line)."""
        super()._setup_logging()
        logging.getLogger("livereload").setLevel(logging.WARNING)
        logging.getLogger("tornado.access").setLevel(logging.ERROR)  # not a line for every 404

    def get_web_handlers(self, script):
        SiteFileHandler.livereload_snippet = script  # its inline loader: let through the pages' policy by its hash
        return [*super().get_web_handlers(script), (r".*", NotInSiteHandler, {"path": self.root})]


class Latest:
    """What the latest rebuild left: its problems and its number. Written by the rebuilding
    thread, each field replaced whole; read by the handler on the IOLoop thread."""

    def __init__(self) -> None:
        self.problems: tuple[Problem, ...] = ()
        self.build = 0  # counts rebuilds: a page names the one it was served after
        self.started = 0  # rebuilds begun: while it differs from `build`, files are being replaced
        self.server = str(time.time_ns())  # a page from an earlier server never takes a build for its own

    def name(self, build: int) -> str:
        return f"{self.server}.{build}"


BUILD_URL = "__repcard__/build"  # no site path has underscores (file names are URL slugs)

# The site's service worker, while developing, would show saved pages when the server is
# slow (after 2.5 s) and fetch every page of the site again after each save (its cache is
# named after the build): the dev server answers for sw.js with one that removes itself
# and its caches, so every reload shows the latest build. site/sw.js is left as built.
DEV_SERVICE_WORKER = b"""// repcard's dev server: no offline copies, so that every reload shows the latest build.
self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(
  caches.keys()
    .then((keys) => Promise.all(keys.filter((key) => key.startsWith("repcard-")).map((key) => caches.delete(key))))
    .then(() => self.registration.unregister())));
"""


# What keeps the open page on the latest build (see its comments): inlined first in every page.
LIVE_SCRIPT = Path(__file__).with_name("live.js").read_bytes()
ONLY_PAGES = "repcard:pages"  # the reload's path when only HTML pages changed: the open page may update in place
BUILD_HEADER = "X-Repcard-Build"  # the build a page was read from, when no rebuild overlapped the read


def live_script(build: str) -> bytes:
    """live.js, told this page's build and the names it shares with this server."""
    return (f'<script id="repcard-live" data-build="{build}" data-latest="/{BUILD_URL}" data-pages="{ONLY_PAGES}" '
            f'data-header="{BUILD_HEADER}">').encode() + LIVE_SCRIPT + b"</script>"


OVERLAY_STYLE = (
    "#repcard-problems{position:fixed;top:0;left:0;right:0;z-index:2147483647;max-height:60vh;overflow:auto;"
    "margin:0;padding:.75rem 1rem;background:#fff1f0;color:#6b0000;border-bottom:3px solid #c00;"
    "font:14px/1.45 ui-monospace,Menlo,Consolas,monospace;text-align:left}"
    "#repcard-problems ul{margin:.4rem 0 0;padding-left:1.2rem;white-space:pre-wrap}"
)


def overlay(problems: tuple[Problem, ...], built: bool) -> bytes:
    """A box at the top of the page naming every problem, escaped: messages quote content.
    `built`: whether the page is of the last good build (else the server's own: none built yet)."""
    count = f"repcard: {len(problems)} problem" + ("s" if len(problems) != 1 else "")
    lines = "".join(f"<li>{html.escape(str(problem))}</li>" for problem in problems)
    note = "(the page shows the last good build)" if built else "(no site has been built yet)"
    return (
        f'<style>{OVERLAY_STYLE}</style><div id="repcard-problems" role="alert">'
        f'<strong>{html.escape(count)}</strong> <span>{note}</span>'
        f"<ul>{lines}</ul></div>"
    ).encode()


_POLICY = re.compile(rb'(<meta http-equiv="Content-Security-Policy" content=")([^"]*)(")', re.IGNORECASE)


def _unbindable(host: str, port: int) -> str | None:
    """Why the server could not listen at host:port, or None when it can (tried, then let go)."""
    try:
        for bound in bind_sockets(port, address=host):  # as tornado will
            bound.close()
    except OSError as error:
        return _cannot_serve(host, port, error)
    return None


def _cannot_serve(host: str, port: int, error: OSError) -> str:
    hint = "choose another with --port" if error.errno == errno.EADDRINUSE else \
        "--host must be an address of this machine" if error.errno == errno.EADDRNOTAVAIL else ""
    return f"repcard: cannot serve at http://{host}:{port}/: {error.strerror or error}" + (f"; {hint}" if hint else "")


def dev_policy(page: bytes, livereload_snippet: bytes, host: str) -> bytes:
    """The page's Content-Security-Policy, widened for what only the dev server adds: its
    inline scripts (live.js, livereload's loader), the problems' box's style, and the
    websocket livereload.js reloads by."""
    found = _POLICY.search(page)
    if not found:  # a page of the author's own without the policy
        return page
    loader = livereload_snippet[livereload_snippet.index(b">") + 1:livereload_snippet.rindex(b"</script>")]
    widened = csp.widened(html.unescape(found[2].decode()),
                          scripts=[csp.source_hash(LIVE_SCRIPT), csp.source_hash(loader)],
                          styles=[csp.source_hash(OVERLAY_STYLE)], connect=[f"ws://{host}"])
    return page[:found.start(2)] + html.escape(widened, quote=True).encode() + page[found.end(2):]


_BODY = re.compile(rb"<body\b[^>]*>", re.IGNORECASE)


def served_page(page: bytes, problems: tuple[Problem, ...], build: str, built: bool = True) -> bytes:
    """The page with the live script, and the problems' box if any, first in its body
    (dev_policy lets them through the page's policy)."""
    added = live_script(build) + (overlay(problems, built) if problems else b"")
    found = _BODY.search(page)
    return page[:found.end()] + added + page[found.end():] if found else added + page


class DevSiteHandler(SiteFileHandler):
    """The site's files; every HTML page carries the live script and, while the latest
    rebuild failed, the problems' box (added here as it is served: site/ holds only the
    last good build)."""

    latest: Latest  # set by serve() on the class it hands to livereload
    hosts: frozenset[str] | None = None  # the names the site answers to; None: any (set by serve())
    untagged = False  # this response is made here (a page with additions): no ETag, so never a 304 for it

    def prepare(self) -> None:
        # Served on this machine only, the site answers only to its names: a page elsewhere whose
        # name was made to point here (DNS rebinding) gets an empty 404, not the site (nor its
        # 404 page, which would show the problems' box, paths and all).
        if self.hosts is not None and self.request.host_name not in self.hosts:
            self.set_status(404)
            self.finish()

    async def get(self, path: str, include_body: bool = True) -> None:
        # Read once: a rebuild may end meanwhile (its files are renamed in before its number counts).
        started, build, shown = self.latest.started, self.latest.build, self.latest.problems
        if path in (BUILD_URL, "sw.js"):
            self.set_header("Content-Type", "text/plain" if path == BUILD_URL else "text/javascript")
            self.set_header("Cache-Control", "no-store")
            self.untagged = True
            self.finish(self.latest.name(build) if path == BUILD_URL else DEV_SERVICE_WORKER)
            return None
        # Resolved as StaticFileHandler.get resolves it, so every refusal stays a refusal.
        self.path = self.parse_url_path(path)
        absolute = self.validate_absolute_path(self.root, self.get_absolute_path(self.root, self.path))
        if absolute is None:  # redirected (a folder without its slash)
            return None
        if not absolute.endswith(".html"):
            return await super().get(path, include_body)
        label = self.latest.name(build)
        with open(absolute, "rb") as file:
            page = dev_policy(served_page(file.read(), shown, label), self.livereload_snippet, self.request.host)
        # The page is that build's only if no rebuild was under way or began while it was read.
        whole = started == build == self.latest.started
        self.absolute_path, self.untagged = absolute, True
        self.set_header("Content-Type", "text/html; charset=UTF-8")
        self.set_header("Cache-Control", "no-store")
        # live.js takes a page as the base of its updates only from the build it shows.
        self.set_header(BUILD_HEADER, label if whole else "changing")
        if include_body:
            self.write(page)
        return None

    def compute_etag(self) -> str | None:
        return None if self.untagged else super().compute_etag()

    def shown(self, page: bytes, built: bool = True) -> bytes:
        """The site's 404 page, or a page of the server's own while there is no site (not
        `built`), with the latest rebuild's problems over it."""
        self.untagged = True
        return served_page(page, self.latest.problems, self.latest.name(self.latest.build), built)


class NoPolling(Watcher):
    """livereload's watcher, idle: watchfiles notices changes, and livereload must not
    poll (or, with nothing to watch, watch the working directory) beside it."""

    def start(self, callback) -> bool:
        return True  # "started": livereload then sets up no polling of its own

    def examine(self):
        return None, None


IDLE_MS = 300  # after this long without a save, the garbage of the last rebuilds is collected


def rebuild_on_change(folders: list[Path], rebuild: Callable[[set[Path]], None], tidy: Callable[[], bool],
                      stop: threading.Event) -> None:
    """Rebuild with the paths each burst of saves changed, until `stop` is set; tidy up
    when the saves pause (`tidy` says whether it could: not while a build runs).

    watchfiles keeps collecting events while a rebuild runs, so a save made during one
    is in the next batch: it brings one more rebuild, never none.
    """
    untidy = True  # the first build's garbage, before any save
    for changes in watchfiles.watch(*folders, debounce=1600, step=SETTLE_MS, stop_event=stop,
                                     rust_timeout=IDLE_MS, yield_on_timeout=True, raise_interrupt=False):
        if changes:
            rebuild({Path(path) for _, path in changes})
            untidy = True
        elif untidy:
            untidy = not tidy()


def collect_garbage() -> None:
    """Collect everything now, while no save waits, then freeze what is left (the caches)
    out of the collector's sight, so that the collections between rebuilds stay short. Left
    to itself the collector walked the caches during rebuilds: at 1,000 exercises in one
    routine, 57 ms of a rebuild (18 ms once frozen; none now that rebuilds pause it). What
    the rebuilds since the last freeze left behind is collected here, so memory stays flat
    (60 rebuilds: 80 -> 82 MiB)."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def reload_browsers(loop: IOLoop, what: str) -> None:
    """Tell every open page to reload (`what`: "*", or ONLY_PAGES), from the IOLoop's thread
    (tornado is not thread-safe). LiveReloadHandler.reload_waiters sends at once: no "too
    soon" check stands in its way."""
    loop.add_callback(LiveReloadHandler.reload_waiters, what)


def what_changed(before: write.Site | None, after: write.Site | None) -> str:
    """ONLY_PAGES when the rebuild rewrote HTML pages and nothing else a page loads (the
    service worker, which the dev server replaces, and what scripts fetch later, aside);
    otherwise "*"."""
    if before is None or after is None or before.digests.keys() != after.digests.keys():
        return "*"
    changed = [path for path, digest in after.digests.items() if before.digests[path] != digest]
    return ONLY_PAGES if all(path.endswith((".html", FETCHED_LATER)) or path == "sw.js" for path in changed) else "*"


def serve(options: Options, host: str, port: int) -> int:
    if host not in LOCAL_HOSTS:
        print(f"repcard: warning: serving on {host}, so other machines can reach this dev server",
              file=sys.stderr)

    if refused := _unbindable(host, port):  # before the first build: it would write over a site another serves
        print(refused, file=sys.stderr)
        return 1
    cache = BuildCache()  # what is unchanged between rebuilds is neither parsed, rendered nor written again
    latest = Latest()

    def rebuild(changed: set[Path] | None) -> str:
        """Build; say how it went; return what changed, for reload_browsers."""
        started, cpu = time.perf_counter(), time.thread_time()  # the rebuild runs on this one thread
        before = cache.site
        latest.started += 1
        found = build(options, cache, changed)
        latest.problems = tuple(found)
        latest.build += 1  # after the problems: a page that sees this number sees them too
        if found and write.half_updated(options.output):  # a rename failed: say so
            for problem in found:
                print(problem, file=sys.stderr)
            print(f"repcard: {options.output} was left half-updated; the next rebuild builds it whole",
                  file=sys.stderr, flush=True)
        elif found:
            report(found, options.output)
        else:
            print(f"repcard: rebuilt {options.output} in {(time.perf_counter() - started) * 1000:.0f} ms "
                  f"({(time.thread_time() - cpu) * 1000:.0f} ms of CPU)", flush=True)
        return what_changed(before, cache.site) if not found else "*"  # a failure: the page shows the box

    lock = threading.Lock()  # one rebuild at a time: the first one and the watcher's

    def rebuild_and_reload(changed: set[Path]) -> None:
        with lock:
            gc.disable()  # no collection while the page waits: collect_garbage runs when the saves pause
            try:
                what = rebuild(changed)
            finally:
                gc.freeze()  # or the first allocation after enable() walks all the rebuild made
                gc.enable()
        reload_browsers(loop, what)

    def tidy() -> bool:
        if not lock.acquire(blocking=False):  # a build is running: later
            return False
        try:
            collect_garbage()
        finally:
            lock.release()
        return True  # after a failure too: the page shows the problems

    loop = IOLoop.current()  # the loop server.serve runs, on this thread
    stop = threading.Event()
    # The site's own templates/ and assets/ as well as the theme's: an override is a save like any other.
    folders = [folder.resolve() for folder in (options.content, *options.template_folders, *options.asset_folders)
               if folder.is_dir()]
    # Watching starts before the first build, so a save made while it runs is not missed.
    watcher = threading.Thread(target=rebuild_on_change, name="repcard-watch", daemon=True,
                               args=(folders, rebuild_and_reload, tidy, stop))
    watcher.start()
    with lock:
        rebuild(None)
    server = SiteServer(watcher=NoPolling())
    hosts = frozenset((*LOCAL_HOSTS, "[::1]")) if host in LOCAL_HOSTS else None  # "[::1]:8000" is named so
    server.SFH = type("ServedSite", (DevSiteHandler,), {"latest": latest, "hosts": hosts})
    # Said once the loop runs, so once the port is ours.
    loop.add_callback(print, f"repcard: serving {options.output} at http://{host}:{port}/ (Ctrl-C stops)", flush=True)
    try:
        server.serve(host=host, port=port, root=str(options.output), restart_delay=0)
    except OSError as error:  # taken meanwhile
        print(_cannot_serve(host, port, error), file=sys.stderr)
        return 1
    finally:
        stop.set()
        watcher.join(timeout=2)
    # livereload returns once Ctrl-C or SIGTERM stopped it, having caught the interrupt:
    # raise it again, for the command line to say so.
    raise KeyboardInterrupt
