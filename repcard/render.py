"""Render the model into the site's files: {path inside site/: bytes}. Pure: no disk writes."""

from __future__ import annotations

import hashlib
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


def render_site(routine: Routine, env: jinja2.Environment, card: CardLayout, assets: dict[str, bytes],
                base_url: str = "") -> dict[str, bytes]:
    """Every page of the site, keyed by its path inside the output folder.

    All links are relative (through `root`), so the site works at any URL prefix.
    `base_url` is the absolute address of the site's root, or "" when unknown;
    `card` is the printed card's layout, planned by card.plan_card.
    """
    pages: dict[str, bytes] = {}

    def page(path: str, template: str, structured_data: dict | None = None, **context) -> None:
        html = env.get_template(template).render(
            routine=routine, path=path, url_path=page_url(path).removeprefix("./"), root=relative_root(path),
            base_url=base_url, structured_data=structured_data, **context
        )
        pages[path] = html.encode("utf-8")

    page("index.html", "routine.html", seo.routine_data(routine, base_url))
    exercises = routine.exercises
    circuits = {c.number: c for c in routine.circuits}
    for i, exercise in enumerate(exercises):
        circuit = circuits[exercise.circuit]
        page(
            f"exercises/{exercise.slug}/index.html",
            "exercise.html",
            seo.exercise_data(exercise, circuit.rest, base_url),
            exercise=exercise,
            circuit=circuit,
            previous=exercises[i - 1] if i > 0 else None,
            next=exercises[i + 1] if i + 1 < len(exercises) else None,
        )
    page("workout/index.html", "workout.html")
    page("card/index.html", "card.html", card=card, qr=qr_svg(base_url) if base_url else "")
    page("404.html", "404.html")
    page("manifest.webmanifest", "manifest.webmanifest")
    if base_url:  # search engines want absolute addresses
        listed = [page_url(p).removeprefix("./") for p in sorted(pages) if p.endswith("index.html")]
        page("sitemap.xml", "sitemap.xml", pages=listed)
        page("robots.txt", "robots.txt")
    files = pages | assets
    page("sw.js", "sw.js", version=content_hash(files), urls=[page_url(p) for p in sorted(files)])
    return pages | assets


def page_url(path: str) -> str:
    """The URL a file is asked for by, relative to the site root: 'exercises/x/' for its index.html."""
    if path == "index.html":
        return "./"
    return path.removesuffix("index.html")


def content_hash(files: dict[str, bytes]) -> str:
    """Changes whenever any file does: names the service worker's cache, so users get each build."""
    digest = hashlib.sha256()
    for path in sorted(files):
        digest.update(path.encode() + b"\0" + hashlib.sha256(files[path]).digest())
    return digest.hexdigest()[:16]
