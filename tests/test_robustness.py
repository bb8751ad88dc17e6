"""Adversarial input: fuzzed content, killed builds, hostile strings, paths out of the tree,
and builds under other environments. Each test states a promise from the README."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir

from bench.generate import generate
from repcard.pipeline import Options, build_files
from repcard.exercise import parse_exercise
from repcard.problem import ContentError
from repcard.routine import parse_routine

from .conftest import (MINIMAL_INDEX, ROOT, SEED, build_site, exercise_text, read_tree, run_build,
                       wait_until_gone, write_tree)
from .htmltools import parse

PATH = "content/exercises/fuzz.md"
# A problem line: the path, maybe a line number, then the message; one line, nothing else.
PROBLEM_LINE = re.compile(r"^(?P<path>[^\n]+?)(:\d+)?: \S[^\n]*$")
# Long runs live behind HYPOTHESIS_PROFILE=long (make fuzz); CI runs the default few thousand.
# Tests write nothing into the repository: no example database, Hypothesis's caches in /tmp.
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "repcard-hypothesis")
settings.register_profile("ci", max_examples=1500, deadline=2000, database=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("long", max_examples=50_000, deadline=2000, database=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# --- fuzzed content -----------------------------------------------------------------------

awkward_text = st.lists(
    st.one_of(
        # any code point a UTF-8 file can hold (no lone surrogates): RTL, emoji, combining
        # marks, NUL and control characters
        st.characters(exclude_categories=["Cs"]),
        st.sampled_from(["\r", "\n", "\r\n", "\ufeff", "\u202e", "\u0301", "---", "...", ":", "- ", "[", "{",
                         "&a", "*a", "!!python/object:os.system", "{{ x }}", "<script>", "\t", "#", "x" * 500]),
    ),
    max_size=60,
).map("".join)
scalars = st.one_of(st.none(), st.booleans(), st.integers(min_value=-10**30, max_value=10**30),
                    st.floats(), awkward_text)
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                       st.dictionaries(awkward_text, inner, max_size=4)),
                      max_leaves=12)
keys = st.one_of(st.sampled_from(["title", "pair", "sets", "reps", "cue", "muscles", "equipment",
                                  "variations", "titel", "circuits", "rest"]), awkward_text)
front_matter = st.dictionaries(keys, values, max_size=9)


def dumped(data: dict) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


fuzzed_files = st.one_of(
    # well-formed YAML with wrong or odd values
    st.builds(lambda fm, body: f"---\n{dumped(fm)}---\n{body}", front_matter, awkward_text),
    # plausible exercises with one field replaced
    st.builds(lambda key, value, body: exercise_text("Move", "1A") .replace("---\n1.", f"{key}: {json.dumps(value)}\n---\n1.") + body,
              keys, st.one_of(scalars, st.lists(scalars, max_size=3)), awkward_text),
    # raw text that may not be YAML at all, with or without fences
    st.builds(lambda head, body: f"---\n{head}\n---\n{body}", awkward_text, awkward_text),
    awkward_text,
    # line endings and a byte order mark around a good file
    st.builds(lambda ending, bom: ("\ufeff" if bom else "") + exercise_text("Move", "1A").replace("\n", ending),
              st.sampled_from(["\n", "\r\n", "\r"]), st.booleans()),
)


def assert_problems_are_lines(problems, path: str) -> None:
    assert problems, "a refused file must say why"
    for problem in problems:
        line = str(problem)
        assert PROBLEM_LINE.match(line), line
        assert line.startswith(path)


@given(fuzzed_files)
def test_any_exercise_file_parses_or_says_why_in_lines(text):
    parsed, problems = parse_exercise(PATH, text)
    if problems:
        assert_problems_are_lines(problems, PATH)
        # At most what its photos, images and pair need checking: no sets or reps to build with.
        assert parsed is None or parsed[1] is None or (parsed[1].sets, parsed[1].reps) == (None, None)
    else:
        exercise, placement = parsed
        assert problems == [] and exercise.title and (placement.sets is None or placement.sets >= 1)


@given(fuzzed_files)
def test_any_routine_file_parses_or_says_why_in_lines(text):
    header, problems = parse_routine("content/index.md", text)
    if header is None:
        assert_problems_are_lines(problems, "content/index.md")


@settings(max_examples=300)
@given(fuzzed_files, fuzzed_files)
def test_any_content_renders_a_site_or_fails_with_problems(tmp_path_factory, exercise, index):
    root = write_tree(tmp_path_factory.mktemp("fuzz"), {
        "index.md": index, "exercises/a.md": exercise, "exercises/b.md": exercise_text("B", "1B")})
    try:
        files = build_files(Options(root, root / "unused", ""))
    except ContentError as error:
        for problem in error.problems:
            assert PROBLEM_LINE.match(str(problem)), str(problem)
    else:
        assert "index.html" in files and "exercises/a/index.html" in files


@settings(max_examples=25, deadline=None)
@given(fuzzed_files)
def test_the_command_line_never_shows_a_traceback_or_a_partial_site(tmp_path_factory, text):
    folder = tmp_path_factory.mktemp("cli")
    content = Path(shutil.copytree(SEED, folder / "content"))
    out = build_site(content, folder / "site")
    before = read_tree(out)
    (content / "exercises/fuzz.md").write_text(text, encoding="utf-8", newline="")
    result = run_build("--content", content, "--output", out)
    assert result.returncode in (0, 1), result.stderr
    assert "Traceback" not in result.stderr
    if result.returncode == 1:
        *problems, summary = result.stderr.splitlines()
        assert summary.endswith("was left as it was") and problems
        assert all(PROBLEM_LINE.match(line) for line in problems), problems
        assert read_tree(out) == before
    assert sorted(p.name for p in folder.iterdir()) == ["content", "site"]


def test_billion_laughs_is_refused_at_once():
    laughs = "---\na: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8)) + "---\n"
    started = time.monotonic()
    [problem] = parse_exercise(PATH, laughs)[1]
    assert time.monotonic() - started < 1
    assert str(problem) == f"{PATH}:2: YAML anchors and aliases (&name, *name) are not supported"


def test_deep_nesting_is_refused_not_crashed():
    # libyaml's composer recurses per level: 30,000 brackets crashed the process before the scan.
    [problem] = parse_exercise(PATH, "---\ntitle: " + "[" * 40000 + "]" * 40000 + "\n---\n")[1]
    assert str(problem) == f"{PATH}:2: front matter is over 64 KiB"
    [problem] = parse_exercise(PATH, "---\ntitle: " + "[" * 20000 + "]" * 20000 + "\n---\n")[1]
    assert str(problem) == f"{PATH}:2: front matter is nested more than 8 levels deep"


def test_huge_numbers_are_refused_before_they_make_a_huge_workout():
    problems = parse_exercise(PATH, exercise_text("X", "1A", sets=10**12, reps=str(10**40)))[1]
    assert [str(p) for p in problems] == [
        f"{PATH}:4: sets: expected a whole number from 1 to 20, got 1000000000000",
        f"{PATH}:5: reps: expected a count from 1 to 999, got {10**40}",
    ]


def test_a_value_yaml_resolves_but_cannot_make_is_a_problem_on_its_line_not_a_traceback():
    for value, said in (("2024-13-45", "'2024-13-45' cannot be read as a date (month must be in 1..12)"),
                        ("!!int abc", "'abc' cannot be read as a whole number"),
                        ("!!bool maybe", "'maybe' cannot be read as true or false"),
                        ("9" * 5000, "'" + "9" * 40 + "' cannot be read as a whole number (Exceeds the limit")):
        [problem] = parse_exercise(PATH, f"---\ntitle: X\npair: 1A\nsets: {value}\n---\n")[1]
        assert str(problem).startswith(f"{PATH}:4: invalid YAML: {said}"), value
        assert str(problem).endswith("; put it in quotes if it is text")
    from repcard.config import parse_config

    assert [str(p) for p in parse_config("repcard.toml", f"weight_unit = {'9' * 5000}\n")[1]] == [
        "repcard.toml: cannot read a value: Exceeds the limit (4300 digits) for integer string conversion: value has "
        "5000 digits"]


def test_a_muscle_too_long_for_its_pages_folder_is_a_problem_on_its_line():
    problems = parse_exercise(PATH, exercise_text("X", "1A") .replace("---\n", f"---\nmuscles: [{'a' * 300}]\n", 1))[1]
    assert [str(p) for p in problems] == [f"{PATH}:2: muscles: expected items of at most 100 characters, got one of 300"]


def test_a_body_of_more_brackets_than_links_need_is_refused_not_built_for_hours():
    """Python-Markdown reads each '[' against the rest of its paragraph: 4,000 took 3 s, 20,000 did
    not end; a contributor's file stalled the build. 500 are built in a fifth of a second."""
    body = "A step.\n" + "[a](" * 500 + "\nthen [" + "[" * 20000 + "\n"
    problems = parse_exercise(PATH, exercise_text("X", "1A", sets="lots") + body)[1]
    assert [str(p) for p in problems] == [  # the front matter checked all the same
        f"{PATH}:10: 20501 '[' in the text, from this line on: expected at most 500 (links, images); Markdown reads "
        "each against the rest of its paragraph, and this many would take minutes to build",
        f"{PATH}:4: sets: expected a whole number from 1 to 20, got 'lots'"]
    assert parse_exercise(PATH, exercise_text("X", "1A") + "A step.\n" + "[a](" * 500 + "\n")[1] == []


def test_control_characters_in_messages_are_escaped_to_keep_one_line():
    [problem] = parse_exercise("content/exercises/a\nb.md", exercise_text("X", "1A"))[1]
    assert str(problem).startswith("content/exercises/a\\nb.md: file name")
    # The marks that turn text around in a terminal: U+202E showed a name ending "exe.jpg" as "gpj.exe".
    [problem] = parse_exercise("content/exercises/a\u202egpj.exe.md", exercise_text("X", "1A"))[1]
    assert str(problem).startswith("content/exercises/a\\u202egpj.exe.md: file name")
    [problem] = parse_exercise(PATH, "---\ntitle: a\x00b\n---\n")[1]
    assert str(problem) == f"{PATH}:2: invalid YAML: control character U+0000 is not allowed"
    [problem] = parse_exercise(PATH, exercise_text("X", "1A") + "\nA step.\nx\x00y\n")[1]  # in the body too
    assert str(problem) == f"{PATH}:10: control character U+0000 in the text: remove it"
    many = parse_exercise(PATH, exercise_text("X", "1A") + "\f\n" * 20000)[1]  # ten lines, then how many more
    assert len(many) == 11 and str(many[-1]) == f"{PATH}:18: and control characters on 19990 more lines"
    problems = parse_exercise(PATH, exercise_text("X", "1A") + "\fa\v\x1c\nok\nb\x1c\n")[1]  # each line, in one run
    assert [str(p) for p in problems] == [f"{PATH}:8: control characters U+000B, U+000C, U+001C in the text: remove them",
                                          f"{PATH}:10: control character U+001C in the text: remove it"]
    # The front matter is checked all the same; the body once they are gone (Markdown drops some of them:
    # a link or image found in it would be said at the wrong line, or as what was not written).
    problems = parse_exercise(PATH, exercise_text("X", "1A", sets="lots") + "[z](java\x03script:x) ![a](p\x02.png)\n")[1]
    assert [str(p) for p in problems] == [f"{PATH}:8: control characters U+0002, U+0003 in the text: remove them",
                                          f"{PATH}:4: sets: expected a whole number from 1 to 20, got 'lots'"]


# --- a killed build ----------------------------------------------------------------------------


def test_a_build_killed_at_any_moment_leaves_the_previous_site_intact(tmp_path):
    content = generate(tmp_path / "big", 1500, words=120)
    command = [sys.executable, str(ROOT / "build.py"), "--content", str(content), "--cache", str(tmp_path / "cache")]
    for _ in range(2):  # timed as the killed builds run: with what the first one parsed kept
        started = time.monotonic()
        assert subprocess.run([*command, "--output", str(tmp_path / "timed")], capture_output=True).returncode == 0
    whole = time.monotonic() - started  # to kill while reading, rendering and writing alike
    new = read_tree(tmp_path / "timed")
    shutil.rmtree(tmp_path / "timed")
    out = build_site(SEED, tmp_path / "site")
    old = read_tree(out)
    killed = 0
    for fraction in (0.1, 0.3, 0.5, 0.65, 0.8, 0.9, 0.95):
        process = subprocess.Popen([*command, "--output", str(out)],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(whole * fraction)
        process.send_signal(signal.SIGKILL)
        killed += process.wait() != 0
        # Its pool workers die with it, not spin on as orphans.
        assert not wait_until_gone(str(content)), f"killed at {fraction:.0%}: workers outlived the build"
        # The old site or the whole new one (a kill after the swap), never a mix.
        site = read_tree(out)
        assert site == old or site == new, f"killed at {fraction:.0%} of a build: a mixed site"
        if site == new:
            break
    assert killed >= 3
    # The next build clears what a killed one left beside site/, and succeeds.
    assert run_build("--content", SEED, "--output", out).returncode == 0
    assert (out / "exercises/glute-bridge/index.html").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big", "cache", "site"]


# --- escaping -----------------------------------------------------------------------------------

HOSTILE = "</title><script>alert('x')</script> & \"q\" 'a' javascript:alert(1) {{ 7*7 }} </script>"


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    quoted = json.dumps(HOSTILE)
    content = write_tree(root / "content", {
        "index.md": f"---\ntitle: {quoted}\ndescription: {quoted}\ncheckin: {quoted}\n"
                    f"circuits:\n  1: {{name: {quoted}, note: {quoted}}}\n---\nIntro.\n",
        "exercises/move.md": f"---\ntitle: {quoted}\npair: 1A\nsets: 2\nreps: {quoted[:41]}\"\n"
                             f"cue: {quoted}\nequipment: [{quoted}]\nmuscles: [{quoted}]\n"
                             f"variations:\n  easier: {quoted}\n---\n"
                             "1. Step with <em>raw HTML</em> and [a link](https://example.com/).\n",
    })
    return build_site(content, root / "site", "--base-url", "https://someone.github.io/repcard/")


def test_hostile_text_reaches_every_html_page_as_text(hostile_site):
    for path in sorted(hostile_site.rglob("*.html")):
        html = path.read_text()
        page = parse(html)
        # Only the site's own scripts: the one file the theme's are joined in, the JSON-LD block, and workout
        # mode's one line that sets its layout before the first paint.
        scripts = page.find_all("script")
        assert all(re.fullmatch(r"(\./|(\.\./)*)assets/scripts-[0-9a-f]{12}\.js", s.attrs.get("src", "")) or
                   s.attrs.get("type") == "application/ld+json" or
                   s.text == 'document.documentElement.classList.add("workout-mode");' for s in scripts), path
        assert "<script>alert" not in html and "</title><script" not in html, path
        title = page.find("head").find_all("title")
        assert len(title) == 1 and "{{ 7*7 }}" in title[0].text, path


def test_hostile_text_round_trips_through_titles_attributes_and_json(hostile_site):
    home = parse((hostile_site / "index.html").read_bytes())
    assert home.find("h1").text == " ".join(HOSTILE.split())
    meta = {m.attrs.get("property") or m.attrs.get("name"): m.attrs.get("content")
            for m in home.find_all("meta")}
    assert meta["description"] == HOSTILE and meta["og:description"] == HOSTILE
    [data] = [json.loads(s.text) for s in home.find_all("script", type="application/ld+json")]
    assert data["name"] == HOSTILE and data["hasPart"][0]["description"] == HOSTILE
    raw = (hostile_site / "index.html").read_text()
    assert "</script>" not in raw.split('type="application/ld+json">')[1].split("</script>")[0]
    manifest = json.loads((hostile_site / "manifest.webmanifest").read_text())
    assert manifest["name"] == HOSTILE and manifest["description"] == HOSTILE
    worker = (hostile_site / "sw.js").read_text()
    assert "alert" not in worker  # it holds only file names and the build's hash


def test_raw_html_in_a_markdown_body_is_shown_as_text_by_default(hostile_site):
    # As Hugo's renderer (unsafe = false): a body's HTML is shown, not run, unless index.md says raw_html.
    exercise = (hostile_site / "exercises/move/index.html").read_text()
    assert "<em>raw HTML</em>" not in exercise and "&lt;em&gt;raw HTML&lt;/em&gt;" in exercise
    assert 'href="https://example.com/"' in exercise
    exercise_page = parse(exercise)
    assert exercise_page.find("p", "cue").text == " ".join(HOSTILE.split())
    card = (hostile_site / "card/index.html").read_text()
    assert "<em>raw HTML</em>" not in card and "&lt;script&gt;alert" in card


# --- paths ------------------------------------------------------------------------------------


def test_an_exercise_linking_outside_content_is_refused(tmp_path):
    secret = tmp_path / "secret.md"
    secret.write_text(exercise_text("Secret", "1A"))
    content = write_tree(tmp_path / "content", {"index.md": MINIMAL_INDEX})
    (content / "exercises").mkdir()
    (content / "exercises/leak.md").symlink_to(secret)
    result = run_build("check", "--content", content)
    assert result.returncode == 1
    assert f"{content}/exercises/leak.md: is a link to {secret}, outside {content}" in result.stderr


def test_an_exercise_that_is_a_link_to_nothing_is_said_so(tmp_path):
    content = write_tree(tmp_path / "content", {"index.md": MINIMAL_INDEX, "exercises/a.md": exercise_text("A", "1A")})
    (content / "exercises/ghost.md").symlink_to("gone.md")
    result = run_build("check", "--content", content)
    assert result.returncode == 1 and result.stderr.splitlines()[0] == (
        f"{content}/exercises/ghost.md: cannot read the file: it is a link to gone.md, which is not there")


def test_an_asset_linking_outside_assets_is_refused(tmp_path):
    from repcard.read import load_assets

    assets = tmp_path / "assets"
    assets.mkdir()
    (assets / "style.css").write_text("body{}")
    (assets / "passwd").symlink_to("/etc/passwd")
    with pytest.raises(ContentError) as caught:
        load_assets((assets,))
    assert [str(p) for p in caught.value.problems] == [
        f"{assets}/passwd: is a link to /etc/passwd, outside {assets}: copy the file in instead"]


def test_a_site_path_cannot_leave_the_output_folder(tmp_path):
    from repcard.write import write_site

    for path in ("../escape.html", "/etc/evil", "a/../../b", "a\\..\\b", ""):
        with pytest.raises(ValueError):
            write_site({path: b"x"}, tmp_path / "site")
    assert not (tmp_path / "escape.html").exists()


# --- the same bytes in any environment --------------------------------------------------------


def test_builds_are_identical_across_hash_seeds_locales_timezones_and_file_order(tmp_path):
    forward = Path(shutil.copytree(SEED, tmp_path / "forward"))
    backward = tmp_path / "backward"
    (backward / "exercises").mkdir(parents=True)
    for path in sorted(SEED.rglob("*.md"), reverse=True):  # created in the opposite order
        target = backward / path.relative_to(SEED)
        target.write_bytes(path.read_bytes())
    locales = subprocess.run(["locale", "-a"], capture_output=True, text=True).stdout.split()
    other_locale = next((name for name in locales if name.lower() in ("en_us.utf8", "en_us.utf-8")), "C.UTF-8")
    runs = [
        (forward, {"PYTHONHASHSEED": "0", "LC_ALL": "C", "TZ": "UTC"}),
        (backward, {"PYTHONHASHSEED": "4242", "LC_ALL": other_locale, "TZ": "Pacific/Kiritimati"}),
    ]
    trees = []
    for i, (content, env) in enumerate(runs):
        out = tmp_path / f"site{i}"
        result = subprocess.run([sys.executable, str(ROOT / "build.py"), "--content", str(content),
                                 "--output", str(out), "--base-url", "https://someone.github.io/repcard/",
                                 "--cache", str(tmp_path / f"cache{i}")],  # each run parses for itself
                                env=os.environ | env, capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        trees.append(read_tree(out))
    assert trees[0] == trees[1]
