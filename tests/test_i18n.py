"""The site in the author's language: the catalogues against the sources, plural forms in each
language, every page of the sample in each shipped language without a word of English left, the
language setting and its mistakes, a site in two languages with its switcher and hreflang."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest

from repcard import i18n
from repcard.card import LAYOUTS, _Estimate, plan_card
from repcard.content import load
from repcard.i18n import Language, key, script_messages_of, shipped
from repcard.model import Reps
from repcard.sitecheck import BUDGET, WITH_DEFERRED, render_weights
from repcard.words import Words

from .conftest import ROOT, build_site, read_tree, run_build, write_tree

LIBRARY = ROOT / "tests/fixtures/library"
ARABIC = ROOT / "tests/fixtures/arabic"
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
TRANSLATED = [code for code in shipped() if code != "en"]


# --- the catalogues ---------------------------------------------------------------------------------

def test_the_catalogue_template_is_in_step_with_the_sources():
    # `python -m repcard.i18n` writes it; a message added to a template or script without running it fails here.
    assert i18n.po_text(i18n.extract()) == (i18n.LOCALE / "messages.pot").read_bytes()


def test_repcard_ships_english_french_german_spanish_and_arabic():
    assert shipped() == ("en", "ar", "de", "es", "fr")
    assert [Language(code).dir for code in shipped()] == ["ltr", "rtl", "ltr", "ltr", "ltr"]


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_message_is_translated_with_the_same_placeholders(code):
    catalogue = i18n.catalogue(code)
    assert {m.id for m in catalogue if m.id} == {m.id for m in _template() if m.id}, \
        "messages.po and messages.pot differ: run python -m repcard.i18n"
    for message in catalogue:
        if not message.id:
            continue
        assert not message.fuzzy, (code, message.id)
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        assert len(forms) == (catalogue.num_plurals if message.pluralizable else 1), (code, message.id)
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        needed = set().union(*(PLACEHOLDER.findall(text) for text in ids))
        for form in forms:
            assert form, (code, message.id)
            said = set(PLACEHOLDER.findall(form))
            # A plural's form may leave its count out ("une répétition de plus", "تكراران").
            assert said <= needed and needed - said <= {"num", "count"}, (code, message.id, form)
            assert "%" not in PLACEHOLDER.sub("", form).replace("%%", ""), (code, message.id, form)


def _template():
    from babel.messages.pofile import read_po
    with open(i18n.LOCALE / "messages.pot", "rb") as file:
        return read_po(file)


def test_every_message_a_script_asks_for_is_found_by_the_extractor():
    # Babel's JavaScript lexer misses a call nested in another's arguments or in a template literal,
    # and reads a regular expression after `return` as a division: each t()/tn() must be found.
    for script in sorted((ROOT / "assets").glob("*.js")):
        source = script.read_text()
        found = {m if isinstance(m, str) else m[0] for m in script_messages_of(source)}
        for call in re.finditer(r'\btn?\(\s*"((?:[^"\\]|\\.)*)"', source):
            assert call[1].replace('\\"', '"') in found, f"{script.name}: {call[1]!r} is not extracted"


def test_no_two_messages_share_a_key():
    ids = [m.id if isinstance(m.id, str) else m.id[0] for m in _template() if m.id]
    assert len({key(message) for message in ids}) == len(set(ids))


def test_the_key_is_the_one_text_js_works_out():
    assert [key(m) for m in ("Last time: %(figures)s", "é—×", "%(num)s set")] == ["nbbve", "rd3td1", "61wuo"]


# --- plurals ----------------------------------------------------------------------------------------

PLURALS = {
    "en": {0: "0 sets", 1: "1 set", 2: "2 sets", 5: "5 sets", 11: "11 sets"},
    "fr": {0: "0 série", 1: "1 série", 2: "2 séries", 11: "11 séries", 1_000_000: "1000000 séries"},
    "de": {0: "0 Sätze", 1: "1 Satz", 2: "2 Sätze", 11: "11 Sätze"},
    "es": {0: "0 series", 1: "1 serie", 2: "2 series", 11: "11 series"},
    # zero, one, two, few (3-10), many (11-99), other (100-102)
    "ar": {0: "0 مجموعة", 1: "مجموعة واحدة", 2: "مجموعتان", 3: "3 مجموعات", 10: "10 مجموعات", 11: "11 مجموعة",
           99: "99 مجموعة", 100: "100 مجموعة", 103: "103 مجموعات"},
}


@pytest.mark.parametrize("code", shipped())
def test_plurals_take_each_languages_forms(code):
    words = Words(Language(code))
    assert {n: words.sets(n) for n in PLURALS[code]} == PLURALS[code]


def test_each_cldr_category_finds_its_form_in_the_catalogue():
    assert Language("ar").categories == {"zero": 0, "one": 1, "two": 2, "few": 3, "many": 4, "other": 5}
    assert Language("fr").categories == {"one": 0, "other": 2, "many": 1}
    assert Language("de").categories == {"other": 1, "one": 0}
    words = Language("ar").script_messages([("%(num)s set", "%(num)s sets"), "Done"])
    assert words == {key("%(num)s set"): {"few": "%(num)s مجموعات", "many": "%(num)s مجموعة", "one": "مجموعة واحدة",
                                          "other": "%(num)s مجموعة", "two": "مجموعتان", "zero": "%(num)s مجموعة"},
                     key("Done"): "تم"}
    assert Language("en").script_messages(["Done"]) == {}  # English pages carry none


def test_the_words_around_the_content_follow_the_language():
    reps, week = Reps(10, 12, ""), Reps(8, 8, "each leg")
    assert [Words(Language(c)).reps(reps) for c in shipped()] == [
        "10–12 reps", "10–12 تكرارًا", "10–12 Wiederholungen", "10–12 repeticiones", "10–12 répétitions"]
    assert Words(Language("fr")).reps(week) == "8 each leg"  # the author's own words stay
    assert Words(Language("ar")).arrow == "\u200f←\u200f" and Words(Language("fr")).arrow == "→"


# --- every page in each language --------------------------------------------------------------------

class _Text(HTMLParser):
    """The text of each element a person sees or hears, and the attributes read out; not the
    author's Markdown (`.prose`, the steps: the fixture's content is English) or scripts."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.skip: list[str] = []  # the tags of the elements being skipped, innermost last

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if self.skip or tag in ("script", "style") or {"prose"} & set((attributes.get("class") or "").split()):
            if tag not in ("br", "img", "input", "meta", "link"):
                self.skip.append(tag)
            return
        for name, value in attrs:
            if name in ("aria-label", "alt", "title", "data-label") and value:
                self.texts.append(value)

    def handle_endtag(self, tag):
        if self.skip and self.skip[-1] == tag:
            self.skip.pop()

    def handle_data(self, data):
        if not self.skip and data.strip():
            self.texts.append(" ".join(data.split()))


def english_left(html: str, code: str) -> list[str]:
    """The English catalogue's words in a page of another language: a message (or, for one with
    placeholders, its longest fixed part of two words or more) that the language says otherwise."""
    parser = _Text()
    parser.feed(html)
    text = "\n".join(parser.texts)
    catalogue = i18n.catalogue(code)
    found = []
    for message in catalogue:
        if not message.id:
            continue
        for english, said in zip(message.id if isinstance(message.id, tuple) else (message.id,),
                                 message.string if isinstance(message.string, tuple) else (message.string,)):
            parts = [p.strip(" .,:;") for p in PLACEHOLDER.split(english)[::2]]
            longest = max(parts, key=len)
            if english == said or longest in said or len(longest) < 4:
                continue
            if (" " in longest and longest in text) or longest in parser.texts:
                found.append(english)
    return found


@pytest.fixture(scope="module", params=TRANSLATED)
def translated_site(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp(request.param)
    (folder / "repcard.toml").write_text(f'language = "{request.param}"\n')
    site = build_site(LIBRARY, folder / "site", "--config", folder / "repcard.toml", "--base-url",
                      "https://someone.github.io/repcard/", "--cache", folder / "cache")
    return request.param, site


def test_each_shipped_language_builds_the_sample_with_no_english_left(translated_site):
    code, site = translated_site
    pages = sorted(site.rglob("*.html"))
    assert len(pages) == 44
    for page in pages:
        html = page.read_text()
        assert f'<html lang="{code}" dir="{Language(code).dir}"' in html, page
        assert english_left(html, code) == [], page
    manifest = json.loads((site / "manifest.webmanifest").read_text())
    assert (manifest["lang"], manifest["dir"]) == (code, Language(code).dir)


def test_each_page_carries_the_words_of_its_own_scripts_and_no_others(translated_site):
    code, site = translated_site
    history = (site / "history/index.html").read_text()
    words = json.loads(re.search(r'<script type="application/json" id="words">(.*?)</script>', history)[1])
    assert words[key("Nothing logged yet: the sets you mark Done in workout mode appear here.")] == \
        i18n.translations(code).gettext("Nothing logged yet: the sets you mark Done in workout mode appear here.")
    assert key("it is not JSON") in words  # files.js's, loaded when a file is chosen
    assert key("Skip the rest") not in words  # workout mode's
    card = (site / "routines/whole-workout/card/index.html").read_text()
    assert len(json.loads(re.search(r'id="words">(.*?)</script>', card)[1])) == 1  # app.js's "Last time"


def test_each_language_keeps_the_page_budget(translated_site):
    code, site = translated_site
    for page, (render, total) in render_weights(site).items():
        assert render <= BUDGET and total <= WITH_DEFERRED, (code, page, render, total)


def test_the_sample_card_fits_one_page_in_every_language():
    routines = load(LIBRARY).routines
    for code in shipped():
        for routine in routines:
            assert plan_card(routine, with_qr=True, words=Words(Language(code))).pages == 1, (code, routine.slug)


def test_the_card_measures_the_words_it_prints():
    # German's longer words ("10 Wiederholungen", "Pause 60 s") wrap to more lines in a card's
    # narrow column than English's: the plan sees them, so the card it picks still fits the sheet.
    routine = load(LIBRARY).routines[1]
    heights = {}
    for code in ("en", "de"):
        words = Words(Language(code))
        known = [[None] * len(LAYOUTS) for _ in routine.circuits]
        heights[code] = _Estimate(2, 1.0, False, words).card(routine, routine.equipment, known,
                                                             LAYOUTS.index((2, 1.0, False)), True)
    assert heights["de"] > heights["en"]


# --- the setting -------------------------------------------------------------------------------------

def test_index_md_names_the_language_and_wins_over_repcard_toml(tmp_path):
    write_tree(tmp_path / "content", {"index.md": "---\ntitle: Jambes\nlanguage: fr\n---\n",
                                      "exercises/pont.md": "---\ntitle: Pont\npair: 1A\nsets: 2\nreps: 10\n---\n1. Montez.\n"})
    (tmp_path / "repcard.toml").write_text('language = "de"\n')
    site = build_site(tmp_path / "content", tmp_path / "site", "--config", tmp_path / "repcard.toml")
    html = (site / "index.html").read_text()
    assert '<html lang="fr" dir="ltr"' in html and "2 séries × 10 répétitions" in html


def test_an_unknown_language_is_a_path_line_problem_naming_the_shipped_ones(tmp_path):
    write_tree(tmp_path / "content", {"index.md": "---\ntitle: Legs\nlanguage: pl\n---\n",
                                      "exercises/bridge.md": "---\ntitle: Bridge\npair: 1A\nsets: 2\nreps: 10\n---\n"})
    result = run_build("--content", tmp_path / "content", "--output", tmp_path / "site")
    assert result.returncode == 1
    assert f"{tmp_path}/content/index.md:3: language: expected one of the languages repcard speaks, " \
           "en, ar, de, es, fr; got 'pl'" in result.stderr


# --- several languages in one site -------------------------------------------------------------------

@pytest.fixture(scope="module")
def two_languages(tmp_path_factory):
    """The sample in English and French, content/en/ and content/fr/, as content/ holds it."""
    folder = tmp_path_factory.mktemp("multilingual")
    return build_site(ROOT / "tests/fixtures/multilingual", folder / "site", "--base-url",
                      "https://someone.github.io/repcard/", "--cache", folder / "cache")


def test_a_two_language_site_has_each_language_under_its_folder(two_languages):
    site = two_languages
    english = {p.relative_to(site).as_posix() for p in site.rglob("*.html") if not p.is_relative_to(site / "fr")}
    french = {p.relative_to(site / "fr").as_posix() for p in (site / "fr").rglob("*.html")}
    assert len(english) == len(french) == 44
    # The same file names, the same pages; a muscle's page is named in its language (fessiers).
    assert {p for p in english if not p.startswith(("muscles/", "equipment/"))} == \
        {p for p in french if not p.startswith(("muscles/", "equipment/"))}
    assert '<html lang="fr" dir="ltr" data-root="../../../" data-site="../../../../"' in \
        (site / "fr/routines/whole-workout/workout/index.html").read_text()
    assert "<h1>La séance complète</h1>" in (site / "fr/routines/whole-workout/index.html").read_text()
    # One service worker over both, one log: pages of both languages name the same site root.
    assert not (site / "fr/sw.js").exists() and not (site / "fr/assets").exists()
    sw = (site / "sw.js").read_text()
    assert '"fr/routines/whole-workout/workout/"' in sw and '"routines/whole-workout/workout/"' in sw
    assert 'const LANGUAGES = ["fr/"];' in sw
    manifest = json.loads((site / "fr/manifest.webmanifest").read_text())  # the French home screen app
    assert (manifest["lang"], manifest["start_url"]) == ("fr", "./")
    assert all((site / "fr" / icon["src"]).resolve().is_file() for icon in manifest["icons"])


def test_every_page_has_a_switcher_and_hreflang_to_the_same_page_in_each_language(two_languages):
    site = two_languages
    base = "https://someone.github.io/repcard/"
    for page in [*site.rglob("*.html")]:
        path = page.relative_to(site).as_posix()
        html = page.read_text()
        here = path.removeprefix("fr/").removesuffix("index.html")
        if path.startswith(("muscles/", "equipment/", "fr/muscles/", "fr/equipment/")):
            assert 'hreflang="fr" href=' not in html.split("</head>")[0] or "fr/" in path, path  # no such page there
            continue
        assert f'<link rel="alternate" hreflang="en" href="{base}{here}">' in html, path
        assert f'<link rel="alternate" hreflang="fr" href="{base}fr/{here}">' in html, path
        assert f'<link rel="alternate" hreflang="x-default" href="{base}{here}">' in html, path
        nav = re.search(r'<nav class="languages" aria-label="[^"]+">(.*?)</nav>', html, re.S)
        assert nav, path
        current = "fr" if path.startswith("fr/") else "en"
        assert f'<span aria-current="page" lang="{current}">' in nav[1], path
    exercise = (site / "fr/exercises/glute-bridge/index.html").read_text()
    assert '<a href="../../../exercises/glute-bridge/" hreflang="en" lang="en">English</a>' in exercise
    assert '<nav class="languages" aria-label="Langue">' in exercise


def test_the_sitemap_lists_the_pages_of_each_language(two_languages):
    sitemap = (two_languages / "sitemap.xml").read_text()
    assert "<loc>https://someone.github.io/repcard/routines/whole-workout/</loc>" in sitemap
    assert "<loc>https://someone.github.io/repcard/fr/routines/whole-workout/</loc>" in sitemap
    assert sitemap.count("<loc>") == 2 * 43  # every page but the 404, in each language


def test_a_language_folder_that_says_another_language_is_a_problem(tmp_path):
    write_tree(tmp_path / "content", {
        "en/index.md": "---\ntitle: Legs\n---\n", "en/exercises/bridge.md": "---\ntitle: Bridge\npair: 1A\nsets: 2\nreps: 10\n---\n",
        "fr/index.md": "---\ntitle: Jambes\nlanguage: de\n---\n", "fr/exercises/bridge.md": "---\ntitle: Pont\npair: 1A\nsets: 0\nreps: 10\n---\n"})
    result = run_build("--content", tmp_path / "content", "--output", tmp_path / "site")
    assert result.returncode == 1 and result.stderr.splitlines()[:2] == [  # at its line, beside the folder's other problems
        f"{tmp_path}/content/fr/index.md:3: language: de in the folder of fr: a multilingual site's language is its "
        "folder's name; remove the key",
        f"{tmp_path}/content/fr/exercises/bridge.md:4: sets: expected a whole number from 1 to 20, got 0"]


def test_a_language_folder_without_its_index_or_a_folder_that_is_no_language_is_a_problem(tmp_path):
    """Not left out without a word: the French pages were missing from the site and `check` said valid."""
    content = write_tree(tmp_path / "content", {
        "en/index.md": "---\ntitle: Legs\n---\n", "en/exercises/bridge.md": "---\ntitle: Bridge\npair: 1A\nsets: 2\nreps: 10\n---\n",
        "fr/Index.md": "---\ntitle: Jambes\n---\n", "fr/exercises/bridge.md": "---\ntitle: Pont\npair: 1A\nsets: 0\nreps: 10\n---\n",
        "fr-FR/index.md": "---\ntitle: Jambes\n---\n"})
    result = run_build("check", "--content", content)
    assert result.returncode == 1 and result.stderr.splitlines() == [
        f"{content}/fr-FR: not a language's folder: expected one of the languages repcard speaks, en, ar, de, es, fr",
        f"{content}/fr/index.md: missing: the title and intro live in this file",
        f"{content}/fr/exercises/bridge.md:4: sets: expected a whole number from 1 to 20, got 0",
        "repcard: 3 problems; nothing was written"]


def test_the_french_sample_renders_its_pages_within_budget(two_languages):
    weights = render_weights(two_languages)
    assert max(total for _, total in weights.values()) <= WITH_DEFERRED
    history = weights["fr/history/index.html"][1]
    assert history <= WITH_DEFERRED


def test_the_right_to_left_fixture_builds_in_arabic(tmp_path):
    site = build_site(ARABIC, tmp_path / "site")
    html = (site / "index.html").read_text()
    assert '<html lang="ar" dir="rtl"' in html and "ابدأ التمرين" in html
    card = (site / "card/index.html").read_text()
    assert "1A \u200f←\u200f 1B × 2 · راحة 45 ث" in card  # the arrow points the way the line reads
    workout = (site / "workout/index.html").read_text()
    assert '<span class="s"> ث</span>' in workout
    assert "المجموعة 1 من 2" in workout and english_left(workout, "ar") == []


def test_a_site_script_in_another_encoding_does_not_stop_a_translated_build(tmp_path):
    from repcard.config import Settings
    from repcard.pipeline import Options, build

    write_tree(tmp_path / "site/assets", {"vendor/old.js": ""})
    (tmp_path / "site/assets/vendor/old.js").write_bytes("// Réglé\nvar x = 'é';\n".encode("latin-1"))
    options = Options(LIBRARY, tmp_path / "out", "", cache=tmp_path / "cache", overrides=tmp_path / "site",
                      settings=Settings(language="fr"))
    assert build(options) == []
    assert (tmp_path / "out/assets/vendor/old.js").read_bytes() == "var x = 'é';\n".encode("latin-1")


def test_what_babel_found_in_the_scripts_is_kept_for_the_next_build(tmp_path, monkeypatch):
    from repcard import scripts
    from repcard.config import Settings
    from repcard.pipeline import Options, build

    def built(name: str) -> dict[str, bytes]:
        scripts._known.clear()  # a new process
        options = Options(LIBRARY, tmp_path / name, "", cache=tmp_path / "cache", settings=Settings(language="fr"))
        assert build(options) == []
        return read_tree(tmp_path / name)

    first = built("first")
    [kept] = (tmp_path / "cache/templates").glob(f"*/{scripts.WORDS_FILE}")
    assert json.loads(kept.read_text())  # every script's messages, by its digest

    def no_babel(source):
        raise AssertionError("Babel's extractor asked again")

    with monkeypatch.context() as patched:
        patched.setattr(scripts, "script_messages_of", no_babel)
        assert built("second") == first
    digest = next(iter(json.loads(kept.read_text())))  # a script's, its messages then damaged
    for damaged in ('{"not": "what was kept"', '{"a": [["one"]]}', '[1, 2]',
                    *(json.dumps({digest: messages}) for messages in ("Done", [[1, 2]], [[["a"], "b"]]))):
        # found again, the same words
        kept.write_text(damaged)
        assert built("third") == first
    assert json.loads(kept.read_text())
