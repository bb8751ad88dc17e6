"""The words a page's scripts say, written into the page by the build in the site's language.

Each script of the theme asks for its messages as `t("...")` and `tn("...", "...", n)`
(assets/text.js); Babel's JavaScript extractor finds them in the script's own source, so the
list never drifts from the code. A page carries, in one `<script type="application/json"
id="words">` (data, never run: the Content-Security-Policy is untouched), the messages of the
scripts it loads or may load later, and no others.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

from .i18n import Language, script_messages_of


@lru_cache(maxsize=64)
def _messages(source: bytes) -> tuple:
    return script_messages_of(source.decode())


class ScriptWords:
    """The messages of each script among a site's assets (`assets/<name>.js` -> its bytes)."""

    def __init__(self, assets: Mapping[str, object]):
        self.sources = {path.removeprefix("assets/"): data for path, data in assets.items()
                        if path.startswith("assets/") and path.endswith(".js") and isinstance(data, bytes)}

    def page_messages(self, language: Language, names: list[str]) -> dict:
        """The translations a page's scripts `names` ask for (empty in English)."""
        if language.code == "en":
            return {}
        wanted = [message for name in names for message in _messages(self.sources[name])]
        return language.script_messages(wanted)
