"""Where templates and assets come from: a site's own folders first, then repcard's theme.

A site overrides the theme file by file, as MkDocs' `custom_dir` and Hugo's `layouts/` do:
a file in the site's `templates/` or `assets/` wins over the theme's file of the same name,
and nothing is copied, so a release's other templates reach the site when it upgrades.
The theme is `templates/` and `assets/` inside the package once installed (the wheel maps
them in), and beside the package in a checkout of the repository.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def packaged(name: str) -> Path:
    """The theme's folder `name`: inside the installed package, else the checkout's."""
    inside = PACKAGE / name
    return inside if inside.is_dir() else PACKAGE.parent / name


TEMPLATES = packaged("templates")
ASSETS = packaged("assets")


def search_path(own: Path | None, theme: Path) -> tuple[Path, ...]:
    """The folders to look in, first found wins: the site's own folder when it has one that
    is not the theme itself (a checkout of repcard builds with its own templates/)."""
    if own is None or not own.is_dir() or own.resolve() == theme.resolve():
        return (theme,)
    return (own, theme)


def own_files(folders: tuple[Path, ...]) -> list[tuple[Path, bool]]:
    """The site's own files in the first of `folders`, each with whether it overrides a
    file of the theme (False: a file the theme does not have, such as a new partial)."""
    if len(folders) < 2:
        return []
    own, *theme = folders
    found = []
    for path in sorted(own.rglob("*")):
        if path.is_file():
            name = path.relative_to(own)
            found.append((path, any((folder / name).is_file() for folder in theme)))
    return found


def shown(path: Path) -> Path:
    """A path as messages show it: relative to the working directory when inside it."""
    return path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path
