"""The site in the author's language, in Chromium, WebKit and Firefox: workout mode and the history
in French, on the sample in two languages (content/en/ and content/fr/, one log between them); the
card printed in German on one A4 and one Letter page; the Arabic site laid out right to left."""

from __future__ import annotations

import re

import pytest

from bench.generate import generate

from ..conftest import ROOT, build_site
from .conftest import SiteServer
from .engines import PHONE
from .seedlog import seed_log
from .test_card import print_card
from .test_log import fields_above_the_controls, start, step_of, stored, type_into

MULTILINGUAL = ROOT / "tests/fixtures/multilingual"
ARABIC = ROOT / "tests/fixtures/arabic"
ENGLISH_WORDS = ("Done", "Rest", "Skip the rest", "Go on", "Last time", "Next", "Reps", "Weight", "Unit", "Set",
                 "round", "Back", "Start over", "Screen", "sets done", "History", "Delete", "Edit", "session", "sets")


@pytest.fixture(scope="module")
def two_languages(tmp_path_factory):
    folder = tmp_path_factory.mktemp("multilingual")
    server = SiteServer(build_site(MULTILINGUAL, folder / "site", "--cache", folder / "cache"))
    yield server
    server.close()


def no_english(text: str) -> list[str]:
    return [word for word in ENGLISH_WORDS if re.search(rf"\b{re.escape(word.strip())}\b", text)]


def test_workout_mode_walked_in_french(page, two_languages):
    start(page, two_languages, "fr/routines/whole-workout/workout/", clear_from="404.html")
    assert page.attribute("html", "lang") == "fr"
    assert page.text("#done") == "Terminé" and page.text("#reset") == "Recommencer"
    assert page.text("#progress") == "0 sur 12 séries faites"
    assert page.text(".step.current .set") == "Série 1 sur 2"
    page.wait_for("document.querySelector('.step.current .log .last').innerText === 'La dernière fois : rien encore'")
    assert page.evaluate("[...document.querySelectorAll('.step.current .log label')].map(l => l.firstChild.textContent.trim())") == \
        ["Répétitions", "Charge", "Unité"]
    type_into(page, ".step.current .log .weight", "12,5")  # a decimal comma, as a French keypad offers
    page.click("#done")
    assert step_of(page) == "band-walking:1"
    assert page.text(".step.current .big") == "20 au total de chaque côté"
    assert page.text(".step.current .side button") == "Côté gauche"  # per side, in French words
    # French's longer words put the button low: in the middle of the screen, not under the fixed controls.
    page.evaluate("document.querySelector('.step.current .side button').scrollIntoView({ block: 'center' })")
    page.click(".step.current .side button")
    assert page.text(".step.current .side button") == "Côté droit"
    page.click("#done")
    assert step_of(page) == "rest"
    assert page.text("#done") == "Passer le repos"
    assert page.text(".step.current h2") == "Repos"
    assert page.text("#progress") == "2 sur 12 séries faites"
    page.reload()  # a reload keeps the step and says it in French
    assert step_of(page) == "rest" and page.text("#done") == "Passer le repos"
    page.click("#done")
    page.wait_for("document.querySelector('.step.current .log .last').innerText.startsWith('La dernière fois')")
    page.wait_for("document.querySelector('.step.current .log .weight').value === '12,5'")  # set 1's weight, the French way
    type_into(page, ".step.current .log .weight", "abc")
    page.click("#done")
    assert page.text(".step.current .problem") == "Charge : saisissez un nombre de 0 à 9999, comme 42,5 ou 42.5."
    type_into(page, ".step.current .log .weight", "12,5")
    shown = page.text(".step.current") + page.text("#controls") + page.text("h1") + page.text("#progress")
    assert no_english(shown) == [], shown
    page.wait_for("document.getElementById('wake').innerText !== ''")
    assert page.text("#wake") in ("L’écran reste allumé pendant l’entraînement.",
                                  "L’écran peut se mettre en veille (le navigateur a refusé de le garder allumé).",
                                  "Ce navigateur ne peut pas garder l’écran allumé ; tout le reste fonctionne.")
    stored(page)


def test_history_walked_in_french_and_the_log_shared_with_the_english_pages(page, two_languages):
    start(page, two_languages, "fr/routines/before-a-run/workout/", clear_from="404.html")
    type_into(page, ".step.current .log .weight", "12,5")
    page.click("#done")
    page.click("#done")
    stored(page)
    page.goto(two_languages.url + "fr/history/")
    page.wait_for("document.getElementById('history').dataset.ready === 'true'")
    assert page.text("#summary") == "1 séance, 2 séries enregistrées dans ce navigateur."
    assert page.text("h1") == "Historique"
    summary = page.text("#sessions summary")
    assert summary.endswith("· Avant la course"), summary
    meta = page.text("#sessions .meta")
    assert meta.endswith("2 séries · volume 125 kg · pas terminée"), meta  # 12,5 kg × 10
    assert page.texts("#sessions .logged li span")[0] == "Pont fessier · série 1 : 12,5 kg × 10"
    assert page.text("#save-backup") == "Sauvegarder" and page.text("#export-csv") == "Exporter en CSV"
    assert page.text("#storage").endswith("Dernière sauvegarde : jamais.")
    assert page.text("#streak").startswith("Série en cours : 1 semaine d’affilée")
    page.click("#sessions .logged li button")  # Modifier
    assert page.evaluate("[...document.querySelectorAll('#sessions form.edit button')].map(b => b.innerText)") == \
        ["Enregistrer", "Annuler"]
    assert page.evaluate("document.querySelector('#sessions form.edit .weight').value") == "12,5"
    text = page.text("main")
    assert no_english(text.replace("Historique", "")) == [], text
    # The English pages read the same log: one database for the site, whichever language wrote it.
    page.goto(two_languages.url + "history/")
    page.wait_for("document.getElementById('history').dataset.ready === 'true'")
    assert page.text("#summary") == "1 session, 2 sets logged in this browser."
    page.goto(two_languages.url + "exercises/glute-bridge/")
    page.wait_for("document.querySelector('p.last') !== null")
    assert page.text("p.last") == "Last time: 12.5 kg × 10"


def test_the_switcher_leads_to_the_same_page_in_the_other_language(page, two_languages):
    page.goto(two_languages.url + "routines/whole-workout/")
    page.click('nav.languages a[hreflang="fr"]')  # a click may return before the next page is there (WebKit)
    page.wait_for("location.pathname.endsWith(arg)", arg="/repcard/fr/routines/whole-workout/")
    assert page.text("h1") == "La séance complète"
    page.click('nav.languages a[hreflang="en"]')
    page.wait_for("location.pathname === arg", arg="/repcard/routines/whole-workout/")
    assert page.text("h1") == "The Whole Workout"


@pytest.fixture(scope="module")
def long_words(tmp_path_factory):
    """The sample in German and in Spanish, whose words for the fields are the longest."""
    sites = {}
    for code in ("de", "es"):
        folder = tmp_path_factory.mktemp(code)
        (folder / "repcard.toml").write_text(f'language = "{code}"\n')
        sites[code] = SiteServer(build_site(ROOT / "tests/fixtures/glutes", folder / "site", "--config",
                                            folder / "repcard.toml"))
    yield sites
    for server in sites.values():
        server.close()


@pytest.mark.parametrize("code", ["de", "es"])
def test_a_short_phone_shows_a_sides_fields_and_its_side_button_in_german_and_spanish(page, long_words, code):
    """At 320 x 640 the reps, weight and unit fields share one row and a per-side move's side button
    is above the controls, as in English ("Wiederholungen" took a row of its own and pushed it under)."""
    page.set_viewport(320, 640)
    try:
        start(page, long_words[code])
        page.wait_for("innerWidth === 320 && innerHeight === 640")
        page.click("#done")
        assert step_of(page) == "band-walking:1"  # 20 each side
        page.wait_for("document.querySelector('.step.current .log .last').textContent !== ''")
        assert fields_above_the_controls(page)
        assert page.evaluate("""(() => {
          const box = (selector) => document.querySelector('.step.current ' + selector).getBoundingClientRect();
          return box('.log .reps').top === box('.log .unit').top &&
            box('.side').bottom <= document.getElementById('controls').getBoundingClientRect().top;
        })()""")
    finally:
        page.set_viewport(*PHONE)


@pytest.fixture(scope="module")
def german_cards(tmp_path_factory):
    """The sample's card and a generated one of twelve moves at the length limits, in German."""
    folder = tmp_path_factory.mktemp("german")
    (folder / "repcard.toml").write_text('language = "de"\n')
    long = generate(folder / "long", 12, per_circuit=2, long=True)
    return {"seed": build_site(ROOT / "tests/fixtures/glutes", folder / "seed", "--config", folder / "repcard.toml",
                               "--base-url", "https://someone.github.io/repcard/"),
            "6x2-long": build_site(long, folder / "long-site", "--config", folder / "repcard.toml",
                                   "--base-url", "https://someone.github.io/repcard/")}


@pytest.mark.parametrize("routine", ["seed", "6x2-long"])
@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_the_card_prints_in_german_on_one_page(page, german_cards, routine, paper):
    reader = print_card(page, german_cards[routine], paper)
    assert len(reader.pages) == 1, f"{page.engine}: the German {routine} card prints {len(reader.pages)} pages on {paper}"
    text = " ".join(reader.pages[0].extract_text().split())
    if routine == "seed":
        assert "Du brauchst:" in text and "Pause 60 s" in text and "Wiederholungen" in text, text


@pytest.fixture(scope="module")
def arabic(tmp_path_factory):
    server = SiteServer(build_site(ARABIC, tmp_path_factory.mktemp("arabic") / "site"))
    yield server
    server.close()


def test_the_arabic_site_is_laid_out_right_to_left(page, arabic, tmp_path):
    for width in (360, 320):
        page.set_viewport(width, 740)
        for path in ("", "workout/", "card/", "exercises/glute-bridge/", "history/"):
            page.goto(arabic.url + path)
            assert page.attribute("html", "dir") == "rtl"
            assert page.evaluate("document.documentElement.scrollWidth") <= width, (path, width)
    page.set_viewport(360, 740)
    page.goto(arabic.url)
    box = page.evaluate("(({left, right}) => ({left, right}))(document.querySelector('h1').getBoundingClientRect())")
    assert abs(box["right"] - (360 - 16)) <= 1  # the title starts at the right margin
    page.goto(arabic.url + "workout/")
    page.wait_for("document.documentElement.classList.contains('workout-started')")
    heading = page.evaluate("""(() => {
      const slot = document.querySelector('.step.current h2 .slot').getBoundingClientRect();
      const range = document.createRange();
      range.selectNodeContents(document.querySelector('.step.current h2'));
      return { slot: slot.left, heading: range.getBoundingClientRect().left };
    })()""")
    assert heading["slot"] > heading["heading"] + 100  # "1A" on the right, the name to its left
    assert page.text("#done") == "تم" and page.text(".step.current .set") == "المجموعة 1 من 2"
    page.screenshot(tmp_path / f"arabic-{page.engine}.png")
    page.click("#done")
    page.click("#done")
    assert step_of(page) == "rest"
    assert page.evaluate("getComputedStyle(document.querySelector('.step.current .timer')).direction") == "ltr"
    assert page.text(".step.current .next").startswith("التالي:")


# Each of the chart's texts: outside the chart, or (a figure of the y axis) over its lines.
STRAYING_LABELS = """(() => {
  const chart = document.querySelector('#exercise-progress svg.chart');
  const width = chart.viewBox.baseVal.width;
  const lines = Number(chart.querySelector('line.grid').getAttribute('x1'));
  const figures = new Set([...chart.querySelectorAll('line.grid')].map((line) => line.nextElementSibling));
  return [...chart.querySelectorAll('text')].filter((text) => {
    const box = text.getBBox();
    return box.x < 0 || box.x + box.width > width || (figures.has(text) && box.x + box.width > lines);
  }).map((text) => text.textContent);
})()"""


@pytest.mark.parametrize("site, path", [("two_languages", "fr/exercises/band-walking/"),
                                        ("arabic", "exercises/romanian-deadlift/")])
def test_a_charts_labels_stay_on_it_in_french_and_right_to_left(page, request, site, path):
    """"répétitions", right-aligned to the y axis's figures, began off the chart (cut at a phone's
    edge); in Arabic those figures stood over the lines: an SVG text's anchor follows the page's direction."""
    server = request.getfixturevalue(site)
    page.goto(server.url + path)
    seed_log(page, weeks=3, per_week=2)
    page.goto(server.url + path)
    page.wait_for("document.querySelector('#exercise-progress svg.chart')")
    assert page.evaluate(STRAYING_LABELS) == []


def test_every_language_is_kept_offline_by_one_service_worker(page, tmp_path):
    site = build_site(MULTILINGUAL, tmp_path / "site", "--cache", tmp_path / "cache")
    server = SiteServer(site)  # its own server, to switch off: the phone loses its signal
    try:
        page.goto(server.url + "fr/")  # a French page registers the site's one worker
        page.evaluate("navigator.serviceWorker.ready.then(() => true)")
        page.reload()
        assert page.evaluate("navigator.serviceWorker.ready.then(r => r.scope)") == server.url
    finally:
        server.close()
    for path, heading in (("routines/whole-workout/", "The Whole Workout"), ("fr/routines/whole-workout/", "La séance complète"),
                          ("fr/routines/whole-workout/workout/", "Entraînement"), ("fr/history/", "Historique")):
        page.goto(server.url + path)
        assert page.text("main h1") == heading, (page.engine, path)
    page.goto(server.url + "fr/nowhere/")  # a missed address under /fr/: the French 404 page
    assert page.text("main h1") == "Page introuvable"
