"""Render the model into the site's files: (path inside site/, bytes) pairs. Pure: no disk writes."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from pathlib import Path

import jinja2

from . import seo
from .card import CardLayout, qr_svg
from .model import Routine


def make_environment(templates_dir: Path) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir),
        autoescape=True,  # every template is HTML; content text is escaped unless marked safe
        undefined=jinja2.StrictUndefined,  # a typo in a template fails the build
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def relative_root(path: str) -> str:
    """The prefix that leads from the page at `path` back to the site's root, e.g. '../../'."""
    return "../" * path.count("/") or "./"


PageCache = dict[tuple, bytes]  # what a page was rendered from -> its bytes
SiteFile = tuple[str, Iterable[bytes]]  # path inside the output folder, its contents in pieces
CHUNK = 1 << 16  # bytes: pieces of a page are gathered to this size before they are written


def render_site(routine: Routine, env: jinja2.Environment, card: CardLayout, assets: dict[str, bytes],
                base_url: str = "", cache: PageCache | None = None) -> Iterator[SiteFile]:
    """Every file of the site, one at a time, each as its path and its bytes in pieces.

    All links are relative (through `root`), so the site works at any URL prefix.
    `base_url` is the absolute address of the site's root, or "" when unknown;
    `card` is the printed card's layout, planned by card.plan_card.

    Files and their contents stream, so that the pages listing 10,000 exercises are
    never whole in memory. The service worker, last, names a hash of every file, so
    each file's pieces must be read before the next file is asked for.

    `cache` (kept by the dev server) reuses an exercise page whose inputs are unchanged:
    its key holds everything the page shows, so a hit is the page a render would give.
    """
    digests: dict[str, bytes] = {}
    templates = templates_fingerprint(env) if cache is not None else b""
    used: set[tuple] = set()

    def variables(path: str, structured_data: dict | None, context: dict) -> dict:
        return {"routine": routine, "path": path, "url_path": page_url(path).removeprefix("./"),
                "root": relative_root(path), "base_url": base_url, "structured_data": structured_data,
                **context}

    def page(path: str, template: str, structured_data: dict | None = None, **context) -> SiteFile:
        """A page that may be large: streamed in pieces."""
        pieces = env.get_template(template).generate(variables(path, structured_data, context))
        return emit(path, _gathered(pieces))

    def emit(path: str, chunks: bytes | Iterable[bytes]) -> SiteFile:
        if isinstance(chunks, bytes):  # a small file, whole already
            digests[path] = hashlib.sha256(chunks).digest()
            return path, (chunks,)

        def hashed() -> Iterator[bytes]:
            digest = hashlib.sha256()
            for chunk in chunks:
                digest.update(chunk)
                yield chunk
            digests[path] = digest.digest()

        return path, hashed()

    yield page("index.html", "routine.html", seo.routine_data(routine, base_url))
    exercises = routine.exercises
    circuits = {c.number: c for c in routine.circuits}
    header = (routine.title, routine.description, routine.checkin, routine.rest)
    for i, exercise in enumerate(exercises):
        path = f"exercises/{exercise.slug}/index.html"
        context = {
            "exercise": exercise,
            "circuit": circuits[exercise.circuit],
            "previous": exercises[i - 1] if i > 0 else None,
            "next": exercises[i + 1] if i + 1 < len(exercises) else None,
        }
        data = None
        if cache is not None:  # the key hashes much of the model: only worth it with a cache
            key = (templates, base_url, path, header, routine.next_up(exercise), *context.values())
            used.add(key)
            data = cache.get(key)
        if data is None:
            structured = seo.exercise_data(exercise, context["circuit"].rest, base_url)
            data = env.get_template("exercise.html").render(variables(path, structured, context)).encode()
            if cache is not None:
                cache[key] = data
        yield emit(path, data)
    if cache is not None:  # forget pages that no longer exist as they were
        for stale in cache.keys() - used:
            del cache[stale]
    yield page("workout/index.html", "workout.html")
    yield page("history/index.html", "history.html")
    yield page("card/index.html", "card.html", card=card, qr=qr_svg(base_url) if base_url else "")
    yield page("404.html", "404.html")
    yield page("manifest.webmanifest", "manifest.webmanifest")
    if base_url:  # search engines want absolute addresses
        listed = [page_url(p).removeprefix("./") for p in sorted(digests) if p.endswith("index.html")]
        yield page("sitemap.xml", "sitemap.xml", pages=listed)
        yield page("robots.txt", "robots.txt")
    for path, data in assets.items():
        yield emit(path, data)
    yield page("sw.js", "sw.js", version=content_hash(digests), urls=[page_url(p) for p in sorted(digests)])


def _gathered(pieces: Iterable[str]) -> Iterator[bytes]:
    """A template's many small pieces of text as fewer, larger pieces of UTF-8."""
    batch: list[str] = []
    size = 0
    for piece in pieces:
        batch.append(piece)
        size += len(piece)
        if size >= CHUNK:
            yield "".join(batch).encode()
            batch, size = [], 0
    yield "".join(batch).encode()


def templates_fingerprint(env: jinja2.Environment) -> bytes:
    """Changes when any template does, so cached pages never outlive their template."""
    digest = hashlib.sha256()
    for name in env.list_templates():
        digest.update(name.encode() + b"\0" + env.loader.get_source(env, name)[0].encode())
    return digest.digest()


def page_url(path: str) -> str:
    """The URL a file is asked for by, relative to the site root: 'exercises/x/' for its index.html."""
    if path == "index.html":
        return "./"
    return path.removesuffix("index.html")


def content_hash(digests: dict[str, bytes]) -> str:
    """Changes whenever any file does: names the service worker's cache, so users get each build."""
    digest = hashlib.sha256()
    for path in sorted(digests):
        digest.update(path.encode() + b"\0" + digests[path])
    return digest.hexdigest()[:16]
