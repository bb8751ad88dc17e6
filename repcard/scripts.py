"""A page's scripts: the words they say, written into the page by the build in the site's
language, and the one file they are served from (Bundles).

Each script of the theme asks for its messages as `t("...")` and `tn("...", "...", n)`
(assets/text.js); Babel's JavaScript extractor finds them in the script's own source, so the
list never drifts from the code. A page carries, in one `<script type="application/json"
id="words">` (data, never run: the Content-Security-Policy is untouched), the messages of the
scripts it loads or may load later, and no others.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
from collections.abc import Mapping
from pathlib import Path

from .i18n import Language, script_messages_of
from .problem import ContentError, Problem
from .write import whole_file

WORDS_FILE = "script-words.json"  # beside the compiled templates: each script's messages, by its digest
_known: dict[str, tuple] = {}  # the same, in this process (the dev server's rebuilds)


class ScriptWords:
    """The messages of each script among a site's assets (`assets/<name>.js` -> its bytes).

    For a site with a language other than English (`needed`), every script's are found at once:
    Babel's extractor took a fifth of such a site's build (its import 55 ms, the theme's scripts
    120 ms), so what it found is kept in `kept` for the next build, by each script's digest."""

    def __init__(self, assets: Mapping[str, object], needed: bool = False, kept: Path | None = None):
        self.sources = {path.removeprefix("assets/"): data for path, data in assets.items()
                        if path.startswith("assets/") and path.endswith(".js") and isinstance(data, bytes)}
        self.found = _found(self.sources, kept) if needed else {}

    def page_messages(self, language: Language, names: list[str]) -> dict:
        """The translations a page's scripts `names` ask for (empty in English)."""
        if language.code == "en":
            return {}
        wanted = [message for name in names for message in self.found[name]]
        return language.script_messages(wanted)


def _found(sources: Mapping[str, bytes], kept: Path | None) -> dict[str, tuple]:
    """Each script's messages: known in this process, else read from `kept`, else found by Babel
    and `kept` written again with this site's scripts' alone (a damaged file costs only time)."""
    digests = {name: hashlib.sha256(data).hexdigest() for name, data in sources.items()}
    if kept is not None and not all(digest in _known for digest in digests.values()):
        with contextlib.suppress(OSError, ValueError, AttributeError):
            _known.update({digest: _messages(messages) for digest, messages in json.loads(kept.read_bytes()).items()})
    missing = {digest: name for name, digest in digests.items() if digest not in _known}
    for digest, name in missing.items():
        # A script in another encoding (a site's own, vendored) holds none of the theme's messages.
        _known[digest] = script_messages_of(sources[name].decode(errors="replace"))
    if missing and kept is not None:
        with contextlib.suppress(OSError):
            os.makedirs(kept.parent, exist_ok=True)
            whole_file(kept, json.dumps({d: _known[d] for d in sorted(set(digests.values()))}).encode(), 0o600)
    return {name: _known[digest] for name, digest in digests.items()}


def _messages(stored: object) -> tuple:
    """A script's messages as the kept file holds them, each a text or a plural's [singular, plural];
    ValueError for anything else (a damaged or hand-edited file)."""
    if not isinstance(stored, list):
        raise ValueError(stored)
    found = []
    for message in stored:
        if isinstance(message, str):
            found.append(message)
        elif (isinstance(message, list) and len(message) == 2 and isinstance(message[0], str)
              and isinstance(message[1], (str, type(None)))):
            found.append(tuple(message))
        else:
            raise ValueError(message)
    return tuple(found)


class Bundles:
    """Each page's scripts joined into one file, the way Hugo's `resources.Concat` does: a phone
    fetches, compiles and runs one script a page instead of up to eight, which cost a page up to a
    third of its main-thread time (bench/RESULTS.md). The theme's scripts stay files of their
    own, each a small module the tests load by itself.

    A template asks for its scripts by name (`path`, a Jinja global) and gets the file they are
    served from, named after the names alone: a page is the same when a script's code changes.
    `files` joins every file asked for; the dev server keeps `asked` from build to build, as it
    draws again only the pages an edit reaches, and each page's (`by_page`) to forget the files no
    page loads any more (`keep_only`)."""

    NAMED = re.compile(r"assets/scripts-[0-9a-f]{12}\.js")  # what `path` names them: an asset's own is refused

    def __init__(self, asked: Mapping[str, tuple[str, ...]] | None = None):
        self.asked: dict[str, tuple[str, ...]] = dict(asked or {})  # path -> its scripts' names, in order
        self.asking: dict[str, tuple[str, ...]] = {}  # the same, asked since `by_page`

    def path(self, names: list[str]) -> str:
        """Where the scripts `names` are served from, joined in this order (relative to the site)."""
        names = tuple(names)
        path = f"assets/scripts-{hashlib.sha256(' '.join(names).encode()).hexdigest()[:12]}.js"
        self.asked[path] = self.asking[path] = names
        return path

    def by_page(self) -> dict[str, tuple[str, ...]]:
        """What was asked since the last call: called before and after a page is drawn, the files it
        loads (a forked worker's are handed to the process that writes the site)."""
        asked, self.asking = self.asking, {}
        return asked

    def keep_only(self, used: set[str]) -> list[str]:
        """Forget the files no page loads any more (the dev server's, after a template's scripts changed);
        returns them."""
        unused = sorted(self.asked.keys() - used)
        for path in unused:
            del self.asked[path]
        return unused

    def files(self, assets: Mapping[str, object]) -> dict[str, bytes]:
        """Each file asked for, from the site's assets as served (`assets/<name>.js` -> bytes); a
        line first names its scripts. A script that is not among the assets is a ContentError."""
        missing = sorted({name for names in self.asked.values() for name in names
                          if not isinstance(assets.get(f"assets/{name}"), bytes)})
        if missing:
            raise ContentError([Problem("templates", None, f"a page's scripts name assets/{name}, which is not "
                                        "among the assets (the theme's or the site's own)") for name in missing])
        # Joined by a line holding only `;`: a script whose last statement lacks its own does not run on into the next.
        return {path: "/* {} */\n".format(" ".join(names)).encode() +
                b"\n;\n".join(assets[f"assets/{name}"].rstrip(b"\n") for name in names) + b"\n"
                for path, names in sorted(self.asked.items())}
