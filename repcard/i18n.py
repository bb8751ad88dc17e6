"""The site's language: gettext catalogues compiled in memory, CLDR plurals, the words scripts need.

Every word repcard writes (templates, the card, workout mode, the log) is a message of one
catalogue per language, `repcard/locale/<lang>/LC_MESSAGES/messages.po`, kept in step with the
sources by `python -m repcard.i18n` (Babel extracts `messages.pot` from what babel.cfg names, then
updates each .po). English is the sources' own language and has no catalogue. A build reads a .po
with Babel and compiles it in memory into a `gettext.GNUTranslations`: no binary .mo is committed,
so a catalogue edit reaches the next build and a review sees only text.

Scripts get their words from the page: `script_messages` picks the messages a page's scripts use
(found in their source by Babel's JavaScript extractor: `t("...")` and `tn("...", "...", n)`),
each plural keyed by its CLDR category (one, few, many, ...), which assets/text.js chooses with
`Intl.PluralRules`. Pages in English carry none: the sources' words are English already.
"""

from __future__ import annotations

import gettext
import io
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

# Babel and its locale data (8 MB of a process) load only for a site in another language than the sources'.
if TYPE_CHECKING:
    from babel import Locale
    from babel.messages.catalog import Catalog

LOCALE = Path(__file__).resolve().parent / "locale"
SOURCE = "en"  # the language the sources are written in: its words need no catalogue
DOMAIN = "messages"
JS_KEYWORDS = {"t": None, "tn": (1, 2)}  # assets/text.js: t(message, values), tn(one, other, n, values)


def shipped() -> tuple[str, ...]:
    """Every language repcard speaks: English, then each catalogue's, alphabetically."""
    return (SOURCE, *sorted(path.parent.parent.name for path in LOCALE.glob(f"*/LC_MESSAGES/{DOMAIN}.po")))


@lru_cache(maxsize=None)
def catalogue(code: str) -> Catalog:
    """A language's messages, as Babel reads its .po."""
    from babel.messages.pofile import read_po

    with open(LOCALE / code / "LC_MESSAGES" / f"{DOMAIN}.po", "rb") as file:
        return read_po(file, locale=code, domain=DOMAIN)


@lru_cache(maxsize=None)
def translations(code: str) -> gettext.NullTranslations:
    """The language's gettext translations, compiled in memory from its .po (English: the sources' own words)."""
    if code == SOURCE:
        return gettext.NullTranslations()
    from babel.messages.mofile import write_mo

    compiled = io.BytesIO()
    write_mo(compiled, catalogue(code))  # fuzzy entries are left out, as msgfmt does
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


@dataclass(frozen=True)
class Language:
    """A language a site is written in: its code (`fr`), its writing direction and its words."""

    code: str

    @cached_property
    def locale(self) -> Locale:
        from babel import Locale

        return Locale.parse(self.code)

    @property
    def dir(self) -> str:
        """`rtl` or `ltr`, as <html dir> takes it (the sources' English without asking Babel)."""
        if self.code == SOURCE:
            return "ltr"
        return "rtl" if self.locale.character_order == "right-to-left" else "ltr"

    @property
    def name(self) -> str:
        """The language's name in itself, as a switcher shows it: `Français`, `العربية`."""
        name = self.locale.get_display_name(self.code)
        return name[:1].upper() + name[1:]

    @property
    def translations(self) -> gettext.NullTranslations:
        return translations(self.code)

    def gettext(self, message: str) -> str:
        return self.translations.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.translations.ngettext(singular, plural, n)

    @cached_property
    def categories(self) -> dict[str, int]:
        """Each CLDR plural category of the language -> the index of its form in the catalogue:
        a number of that category is given to gettext's own plural rule (the .po's Plural-Forms)."""
        rule = self.locale.plural_form
        found: dict[str, int] = {}
        for n in (*range(0, 200), 1_000_000):
            category = rule(n)
            if category not in found:
                found[category] = _plural_index(self.code, n)
        return found

    def script_messages(self, messages: Iterable[str | tuple[str, str]]) -> dict[str, str | dict[str, str]]:
        """The translations of `messages` (a message, or a plural's (singular, plural)), for a
        page's scripts, each by its key(): {key: its words}, and for a plural {key of its
        singular: {category: its words}}. Empty in English, whose words the scripts hold already."""
        if self.code == SOURCE:
            return {}
        found: dict[str, str | dict[str, str]] = {}
        for message in sorted(set(messages), key=str):
            if isinstance(message, tuple):
                entry = catalogue(self.code).get(message[0])
                forms = entry.string if entry is not None and isinstance(entry.string, (list, tuple)) else ()
                found[key(message[0])] = {category: forms[index] for category, index in sorted(self.categories.items())
                                          if index < len(forms) and forms[index]}
            else:
                found[key(message)] = self.gettext(message)
        return dict(sorted(found.items()))


def key(message: str) -> str:
    """A message's key in a page's words: FNV-1a (32 bits) over its UTF-16 code units, in base 36,
    as assets/text.js works it out from the English it holds; a page need not carry the English
    a second time. (A test checks no two messages share a key.)"""
    value = 0x811C9DC5
    data = message.encode("utf-16-le")
    for i in range(0, len(data), 2):
        value = ((value ^ (data[i] | data[i + 1] << 8)) * 16777619) & 0xFFFFFFFF
    digits = ""
    while True:
        value, digit = divmod(value, 36)
        digits = "0123456789abcdefghijklmnopqrstuvwxyz"[digit] + digits
        if not value:
            return digits


def _plural_index(code: str, n: int) -> int:
    """Which form gettext takes for `n` in the language, by the Plural-Forms of its catalogue."""
    return gettext.c2py(catalogue(code).plural_expr)(n)


def script_messages_of(source: str) -> tuple[str | tuple[str, str], ...]:
    """The messages a script's source asks for, as Babel's JavaScript extractor finds them."""
    from babel.messages.extract import extract_javascript

    found = []
    for _line, function, message, _comments in extract_javascript(io.BytesIO(source.encode()), JS_KEYWORDS, [], {}):
        strings = (message,) if isinstance(message, str) else tuple(message)  # later arguments: None, not strings
        found.append(strings[:2] if function == "tn" else strings[0])
    return tuple(found)


# --- keeping the catalogues in step with the sources ---------------------------------------------

ROOT = Path(__file__).resolve().parent.parent  # the checkout: babel.cfg, templates/, assets/


def extract() -> Catalog:
    """Every message of the sources, as `pybabel extract -F babel.cfg` finds them."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_dir
    from babel.messages.frontend import parse_mapping_cfg

    with open(ROOT / "babel.cfg") as file:
        method_map, options_map = parse_mapping_cfg(file)
    template = Catalog(project="repcard", domain=DOMAIN, fuzzy=False, header_comment="# The messages of repcard's "
                       "sources: made by `python -m repcard.i18n`, never edited by hand.")
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2), **JS_KEYWORDS}
    for path, line, message, comments, context in extract_from_dir(ROOT, method_map, options_map, keywords=keywords,
                                                                   comment_tags=("Translators:",), strip_comment_tags=True):
        template.add(message, None, [(path, 0)], auto_comments=comments, context=context)
    return template


def po_text(catalog: Catalog) -> bytes:
    """A catalogue as messages.pot and each .po hold it: sorted, locations without line numbers,
    no dates, so that it changes only when a message does."""
    from babel.messages.pofile import write_po

    out = io.BytesIO()
    write_po(out, catalog, include_lineno=False, sort_output=True, width=100, ignore_obsolete=True)
    return b"\n".join(line for line in out.getvalue().split(b"\n")
                      if not line.startswith((b'"POT-Creation-Date', b'"PO-Revision-Date')))


def update() -> None:
    """Writes messages.pot from the sources and brings each language's .po in step with it: a new
    message comes in untranslated (the tests then fail until it is), one gone is dropped."""
    template = extract()
    (LOCALE / f"{DOMAIN}.pot").write_bytes(po_text(template))
    for code in shipped()[1:]:
        found = catalogue(code)
        found.update(template, no_fuzzy_matching=True)
        (LOCALE / code / "LC_MESSAGES" / f"{DOMAIN}.po").write_bytes(po_text(found))
        print(f"{code}: {sum(1 for m in found if m.id and not m.string)} messages to translate", file=sys.stderr)


if __name__ == "__main__":
    update()
