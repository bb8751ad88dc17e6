"""The generated HTML, read as structure: order, links, escaping. Rendered in memory."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from repcard import csp
from repcard.pipeline import Options, build_files
from repcard.problem import ContentError
from repcard.static import served

from .conftest import MINIMAL_INDEX, ROOT, SEED, build_site, exercise_text, write_tree
from .htmltools import parse, references, resolve, scripts_of

SEED_ORDER = ["1A Glute Bridge", "1B Band Walking", "2A Hip Extension With Leg Curl", "2B Step-Ups",
              "3A Reverse Lunge", "3B Romanian Deadlift"]


@pytest.fixture(scope="module")
def site() -> dict[str, bytes]:
    return build_files(Options(SEED, output=ROOT / "unused", base_url=""))


def test_the_site_has_the_promised_paths(site):
    pages = sorted(p for p in site if p.endswith(".html"))
    assert pages == ["404.html", "card/index.html"] + [
        f"exercises/{slug}/index.html" for slug in sorted(
            ["glute-bridge", "band-walking", "hip-extension-with-leg-curl", "step-ups", "reverse-lunge",
             "romanian-deadlift"])
    ] + ["history/index.html", "index.html", "workout/index.html"]
    assert {"assets/style.css", "assets/app.js", "assets/log.js", "assets/workout.js", "assets/history.js",
            "assets/records.js", "assets/progress.js", "assets/chart.js", "assets/files.js", "assets/backup.js",
            "manifest.webmanifest", "sw.js"} <= set(site)


def test_the_history_lists_every_exercise_an_import_can_match_a_name_to(site):
    choices = json.loads(site["history/exercises.json"])
    assert {"slug": "romanian-deadlift", "title": "Romanian Deadlift"} in choices and len(choices) == 6
    assert b"history/exercises.json" in site["sw.js"]  # offline too


def test_charts_load_only_on_the_pages_that_show_them(site):
    for path, page in site.items():
        if path.endswith(".html"):
            charted = path.startswith(("exercises/", "history/"))
            assert ("chart.js" in scripts_of(site, path)) == charted, path
            assert "files.js" not in scripts_of(site, path), path  # loaded by the history page when a file is chosen


def test_each_page_runs_its_scripts_from_one_file_that_joins_them_in_order(site):
    joined = set()
    for path, page in site.items():
        if path.endswith(".html"):
            files = [resolve(path, e.attrs["src"]) for e in parse(page).iter() if e.tag == "script" and "src" in e.attrs]
            assert len(files) == 1, path  # one request, compile and run a page, not seven
            names = scripts_of(site, path)
            assert names[0] == "text.js" and names[-1] == "app.js", path  # the words first, then the page's own
            assert site[files[0]] == (f"/* {' '.join(names)} */\n".encode() + b"\n;\n".join(
                served(f"assets/{name}", (ROOT / "assets" / name).read_bytes()).rstrip(b"\n") for name in names) + b"\n")
            joined.add(files[0])
    assert len(joined) == 5  # the exercise pages', the history's, workout mode's, the card's, the rest's
    assert all(f'"{path}"'.encode() in site["sw.js"] for path in joined)  # offline too


def test_routine_page_lists_circuits_in_order_with_sets_and_reps(site):
    page = parse(site["index.html"])
    circuits = page.find_all("section", "circuit")
    assert [c.find("h3").text for c in circuits] == ["1 Alarm Clock", "2 Circuit 2", "3 Circuit 3"]
    rows = [li for c in circuits for li in c.find("ol", "exercises").find_all("li")]
    assert [li.find("a").text for li in rows] == SEED_ORDER
    assert rows[1].find("span", "prescription").text == "2 sets × 20 total each side"
    assert rows[2].find("span", "prescription").text == "2 sets × 10–12 reps"
    for section in ("Check in", "How to do it"):
        assert section in [h.text for h in page.find_all("h2")]


def test_exercise_page_shows_everything_and_links_partner_and_neighbours(site):
    page = parse(site["exercises/hip-extension-with-leg-curl/index.html"])
    assert page.find("h1").text == "2A Hip Extension With Leg Curl"
    assert page.find("p", "stats").text == "2 sets 10–12 reps"
    assert len(page.find("div", "steps").find("ol").find_all("li")) == 3
    assert [d.text for d in page.find_all("div", "variation")] == [
        "Easier Leave out the curl; only raise and lower your hips.", "Harder One leg at a time."]
    assert page.find("ul", "equipment").text == "exercise ball"
    assert "Circuit 2" in page.find("p", "kicker").text
    order = page.find("p", "order")
    assert [a.attrs["href"] for a in order.find_all("a")] == ["../../exercises/step-ups/"]
    assert page.find("a", rel="prev").attrs["href"] == "../../exercises/band-walking/"
    assert page.find("a", rel="next").attrs["href"] == "../../exercises/step-ups/"


def test_first_and_last_exercises_lead_back_to_the_routine(site):
    first = parse(site["exercises/glute-bridge/index.html"])
    last = parse(site["exercises/romanian-deadlift/index.html"])
    assert first.find("a", rel="prev").attrs["href"] == "../../"
    assert last.find("a", rel="next").attrs["href"] == "../../"


def test_card_lists_every_exercise_in_order_with_sets_and_reps(site):
    page = parse(site["card/index.html"])
    items = [li.text for li in page.find("main").find_all("li")]
    assert [" ".join(i.split()[:len(n.split())]) for i, n in zip(items, SEED_ORDER)] == SEED_ORDER
    assert "2 × 10 reps" in items[0]
    assert page.find("span", "ticks").attrs["aria-label"] == "2 sets to tick"
    assert len(page.find("span", "ticks").find_all("span", "box")) == 2


def test_every_internal_reference_is_relative_and_exists(site):
    for path, data in site.items():
        if not path.endswith(".html"):
            continue
        for url in references(parse(data)):
            assert not url.startswith(("/", "http:", "https:")), f"{path}: {url} is not relative"
            assert resolve(path, url) in site, f"{path}: {url} leads nowhere"


def test_text_from_content_is_escaped(tmp_path):
    root = write_tree(tmp_path, {
        "index.md": '---\ntitle: "Legs & <b>Lungs</b>"\ncircuits:\n  1: "<script>x</script>"\n---\nIntro\n',
        "exercises/a.md": exercise_text('"Q & <i>A</i>"', "1A",
                                        extra="cue: <img src=x onerror=alert(1)>\n"
                                              "variations:\n  easier: a < b & c\n"),
    })
    site = build_files(Options(root, tmp_path / "out", ""))
    home = site["index.html"].decode()
    assert "<title>Legs &amp; &lt;b&gt;Lungs&lt;/b&gt;</title>" in home
    assert "<script>x</script>" not in home and "&lt;script&gt;x&lt;/script&gt;" in home
    assert "&lt;img src=x onerror=alert(1)&gt;" in home
    exercise = site["exercises/a/index.html"].decode()
    assert "Q &amp; &lt;i&gt;A&lt;/i&gt;" in exercise and "<i>A</i>" not in exercise
    assert "a &lt; b &amp; c" in exercise


def test_a_template_typo_fails_the_build_naming_the_template(tmp_path):
    templates = Path(shutil.copytree(ROOT / "templates", tmp_path / "templates"))  # inline/ too
    card = templates / "card.html"
    card.write_text(card.read_text().replace("{{ routine.title }}", "{{ routine.titel }}", 1))
    with pytest.raises(ContentError) as caught:
        build_files(Options(SEED, tmp_path / "out", "", templates=templates))
    [problem] = caught.value.problems
    assert problem.path == str(card) and problem.line
    assert "template error:" in problem.message and "titel" in problem.message


def test_the_404_page_gets_a_base_only_with_a_base_url(tmp_path):
    without = build_files(Options(SEED, tmp_path, ""))["404.html"].decode()
    with_base = build_files(Options(SEED, tmp_path, "https://me.github.io/repcard/"))["404.html"].decode()
    assert "<base" not in without
    assert '<base href="https://me.github.io/repcard/">' in with_base


def test_minimal_routine_without_optional_fields_builds(tmp_path):
    root = write_tree(tmp_path, {"index.md": MINIMAL_INDEX, "exercises/a.md": exercise_text("A", "1A")})
    site = build_files(Options(root, tmp_path / "out", ""))
    assert "A" in parse(site["exercises/a/index.html"]).find("h1").text


def test_workout_page_lists_every_set_and_rest_in_doing_order(site):
    page = parse(site["workout/index.html"])
    steps = [li.attrs["data-step"] for li in page.find("ol", "workout").find_all("li", "step")]
    assert steps[:7] == ["glute-bridge:1", "band-walking:1", "rest:1:1", "glute-bridge:2", "band-walking:2",
                         "rest:1:2", "hip-extension-with-leg-curl:1"]
    assert steps[-1] == "finish" and len(steps) == 12 + 5 + 1
    nexts = [p.text for p in page.find_all("p", "next")]
    assert nexts[:3] == ["Next: 1B Band Walking (set 1 of 2)", "Next: Rest 60 s",
                         "Next: 1A Glute Bridge (set 2 of 2)"]
    assert "Next: Circuit 2 · 2A Hip Extension With Leg Curl (set 1 of 2)" in nexts
    assert nexts[-1] == "Next: the end of the routine"


def test_exercise_page_says_what_comes_next_including_rest_and_the_next_circuit(site):
    first = [li.text for li in parse(site["exercises/glute-bridge/index.html"]).find("ul", "next-up").find_all("li")]
    assert first == ["Next, after set 1: 1B Band Walking (set 1 of 2).",
                     "Next, after set 2: 1B Band Walking (set 2 of 2)."]
    second = [li.text for li in parse(site["exercises/band-walking/index.html"]).find("ul", "next-up").find_all("li")]
    assert second == ["Next, after set 1: Rest 60 s, then 1A Glute Bridge (set 2 of 2).",
                      "Next, after set 2: Rest 60 s, then Circuit 2 · 2A Hip Extension With Leg Curl (set 1 of 2)."]
    ticks = parse(site["exercises/band-walking/index.html"]).find("fieldset", "ticks").find_all("input")
    assert [t.attrs["data-step"] for t in ticks] == ["band-walking:1", "band-walking:2"]


def test_manifest_and_service_worker_use_relative_urls(site):
    manifest = json.loads(site["manifest.webmanifest"])
    assert manifest["start_url"] == "./" and manifest["scope"] == "./"
    for icon in manifest["icons"]:
        assert icon["src"] in site
    worker = site["sw.js"].decode()
    files = json.loads(worker.split("const FILES = ", 1)[1].split(";\n", 1)[0])
    assert "./" in files and "workout/" in files and "exercises/step-ups/" in files and "assets/app.js" in files
    assert all(not f.startswith(("/", "http")) for f in files)
    assert "sw.js" not in files


def test_workout_mode_is_told_which_sets_are_timed_and_which_go_side_by_side(tmp_path):
    content = write_tree(tmp_path / "content", {
        "index.md": MINIMAL_INDEX,
        "exercises/plank.md": exercise_text("Plank", "1A", reps="30-second hold"),
        "exercises/lunge.md": exercise_text("Lunge", "1B", reps="8 each leg"),
    })
    html = (build_site(content, tmp_path / "site") / "workout/index.html").read_text()
    steps = dict(re.findall(r'<li class="step set[^"]*" data-step="([^"]+)"([^>]*)>', html))
    assert "data-timed" in steps["plank:1"] and "data-sides" not in steps["plank:1"]
    assert "data-sides" in steps["lunge:1"] and "data-timed" not in steps["lunge:1"]


@pytest.mark.parametrize("fixture", ["glutes", "library"])
def test_every_page_carries_the_policy_first_and_nothing_inline_it_would_refuse(fixture, tmp_path):
    """Every page's first element after its charset is the Content-Security-Policy, before any
    script, style sheet or <base>; no style or event-handler attribute; every inline script
    that runs is one the policy names by its hash."""
    files = build_files(Options(SEED.parent / fixture, output=tmp_path / "unused",
                                base_url="https://you.github.io/repcard/", cache=tmp_path / "cache"))
    for path, data in files.items():
        if not path.endswith(".html"):
            continue
        page = parse(data)
        head = [e for e in page.find("head").children if not isinstance(e, str)]
        assert head[0].attrs == {"charset": "utf-8"} and head[1].attrs.get("http-equiv") == "Content-Security-Policy", path
        policy = dict((d.split()[0], d.split()[1:]) for d in head[1].attrs["content"].split(";"))
        assert policy["script-src"][0] == "'self'" and policy["style-src"] == ["'self'"], path
        assert policy["object-src"] == ["'none'"] and policy["base-uri"] == ["'self'"], path
        for element in page.iter():
            assert "style" not in element.attrs and not any(name.startswith("on") for name in element.attrs), \
                (path, element.tag, element.attrs)
            if element.tag == "script" and not element.attrs:  # inline, and run
                assert csp.source_hash("".join(element.children)) in policy["script-src"], path
