"""A coach's library: exercises written once, routines in routines/ that use them, browse pages."""

from __future__ import annotations

import ast
import json
import re
import shutil

import pytest

from repcard.content import load
from repcard.pipeline import Options, build_files
from repcard.pages import LIBRARY_PAGE
from repcard.problem import ContentError

from .conftest import ROOT, SEED, exercise_text, write_tree
from .htmltools import parse, references, resolve

LIBRARY = ROOT / "tests/fixtures/library"

CLASSIC_PAGES = ["404.html", "card/index.html", "exercises/band-walking/index.html",
                 "exercises/glute-bridge/index.html", "exercises/hip-extension-with-leg-curl/index.html",
                 "exercises/reverse-lunge/index.html", "exercises/romanian-deadlift/index.html",
                 "exercises/step-ups/index.html", "index.html", "manifest.webmanifest", "workout/index.html"]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return build_files(Options(LIBRARY, tmp_path_factory.mktemp("out"), ""))


def test_the_classic_layout_still_builds_the_same_pages_at_the_same_urls(tmp_path):
    files = build_files(Options(SEED, tmp_path, ""))
    pages = sorted(p for p in files if not p.startswith("assets/") and p != "sw.js")
    # the gym log's history is the one addition, with the exercises an import can match its names to
    assert pages == sorted(CLASSIC_PAGES + ["history/index.html", "history/exercises.json"])


def test_the_library_has_two_routines_sharing_the_alarm_clock_pair():
    site = load(LIBRARY)
    assert [r.slug for r in site.routines] == ["before-a-run", "whole-workout"]
    before, whole = site.routines
    assert [s.pair + " " + s.slug for s in before.slots] == ["1A glute-bridge", "1B band-walking"]
    assert before.slots[0].exercise is whole.slots[0].exercise  # written once
    assert [(u.routine.slug, u.slot.pair) for u in site.uses("glute-bridge")] == [
        ("before-a-run", "1A"), ("whole-workout", "1A")]
    assert before.rest == 30 and whole.slots[1].sets == 2  # sets and reps from the exercise file


def test_every_routine_has_its_page_workout_and_card_under_a_readable_url(site):
    for slug in ("before-a-run", "whole-workout"):
        for page in ("", "workout/", "card/"):
            assert f"routines/{slug}/{page}index.html" in site
    home = parse(site["index.html"])
    names = [a.text for a in home.find_all("a", "routine-name")]
    assert names == ["Before a Run", "The Whole Workout"]
    facts = [s.text for s in home.find_all("span", "facts")]
    assert facts[0] == "2 moves · 4 sets · mini band"
    workout = parse(site["routines/before-a-run/workout/index.html"])
    assert workout.find("ol", "workout").attrs["data-routine"] == "../../../routines/before-a-run/"
    assert len(workout.find_all("li", "set")) == 4


def test_an_exercise_page_says_which_routines_use_it_and_what_comes_next_in_each(site):
    page = parse(site["exercises/band-walking/index.html"])
    uses = page.find_all("section", "use")
    assert [u.find("h2").text for u in uses] == ["Before a Run : 1B 2 sets × 20 total each side",
                                                 "The Whole Workout : 1B 2 sets × 20 total each side"]
    assert uses[0].find("ul", "next-up").find_all("li")[1].text == "Next, after set 2: the end of the routine."
    assert "Circuit 2 · 2A" in uses[1].find("ul", "next-up").find_all("li")[1].text
    # Ticks are kept per routine: each set of boxes names its routine.
    assert [f.attrs["data-routine"] for f in page.find_all("fieldset", "ticks")] == [
        "../../routines/before-a-run/", "../../routines/whole-workout/"]


def test_the_library_index_and_its_muscle_and_equipment_pages(site):
    index = parse(site["exercises/index.html"])
    assert len(index.find("ul", "library").find_all("li")) == 6
    glutes = parse(site["muscles/glutes/index.html"])
    assert "Glute Bridge" in glutes.find("ul", "library").text
    ball = parse(site["equipment/exercise-ball/index.html"])
    assert [a.text for a in ball.find("ul", "library").find_all("a")] == ["Hip Extension With Leg Curl"]


def test_every_link_in_the_library_leads_somewhere(site):
    for path, data in site.items():
        if path.endswith(".html"):
            for url in references(parse(data)):
                assert resolve(path, url) in site, f"{path}: {url}"


def test_each_routine_has_its_own_json_ld_and_manifest_names_the_site(tmp_path):
    files = build_files(Options(LIBRARY, tmp_path, "https://me.github.io/legs/"))
    page = parse(files["routines/before-a-run/index.html"])
    [data] = [json.loads(s.text) for s in page.find_all("script", type="application/ld+json")]
    assert data["url"] == "https://me.github.io/legs/routines/before-a-run/" and len(data["hasPart"]) == 2
    assert "https://me.github.io/legs/routines/before-a-run/card/" in files["sitemap.xml"].decode()


def test_only_exercises_build_a_browsable_library_without_routines(tmp_path):
    root = write_tree(tmp_path / "content", {
        "index.md": "---\ntitle: Moves\n---\n",
        "exercises/plank.md": "---\ntitle: Plank\nmuscles: [core]\n---\n1. Hold.\n",
    })
    files = build_files(Options(root, tmp_path / "out", ""))
    assert {"index.html", "exercises/index.html", "exercises/plank/index.html", "muscles/core/index.html"} <= set(files)
    assert "workout/index.html" not in files


def problems(root) -> list[str]:
    with pytest.raises(ContentError) as caught:
        load(root)
    return [str(p) for p in caught.value.problems]


def test_a_routine_is_validated_as_strictly_all_at_once(tmp_path):
    root = write_tree(tmp_path / "content", {
        "index.md": "---\ntitle: Moves\n---\n",
        "exercises/plank.md": "---\ntitle: Plank\n---\n",
        "exercises/bridge.md": "---\ntitle: Bridge\nsets: 2\nreps: 10\n---\n",
        "routines/core.md": "---\ntitle: Core\nexercises:\n  1A: plank\n  1B: brige\n  2A: bridge\n"
                            "  2a: {exercise: plank, sets: 2, reps: 30 s hold}\n---\n",
    })
    assert problems(root) == [
        f"{root}/routines/core.md:4: 1A: sets: missing; give them here (1A: {{exercise: plank, sets: 2, "
        f"reps: 10}}) or in {root}/exercises/plank.md",
        f"{root}/routines/core.md:4: 1A: reps: missing; give them here (1A: {{exercise: plank, sets: 2, "
        f"reps: 10}}) or in {root}/exercises/plank.md",
        f"{root}/routines/core.md:5: 1B: no exercise 'brige' in exercises/ (did you mean 'bridge'?)",
        f"{root}/routines/core.md:7: exercises: 2A is also used by line 6; give each exercise its own slot",
    ]


def test_did_you_mean_finds_an_exercise_with_problems_of_its_own(tmp_path):
    """`glute-bridg` is glute-bridge.md, whose `sets: 30` is a problem: the hint named another file."""
    root = write_tree(tmp_path / "content", {
        "index.md": "---\ntitle: Moves\n---\n",
        "exercises/glute-bridge.md": "---\ntitle: Glute Bridge\nsets: 30\nreps: 10\n---\n",
        "exercises/barbell-glute-bridge.md": "---\ntitle: Barbell Glute Bridge\nsets: 2\nreps: 10\n---\n",
        "routines/legs.md": "---\ntitle: Legs\nexercises:\n  1A: glute-bridg\n---\n",
    })
    assert problems(root) == [
        f"{root}/exercises/glute-bridge.md:3: sets: expected a whole number from 1 to 20, got 30",
        f"{root}/routines/legs.md:4: 1A: no exercise 'glute-bridg' in exercises/ (did you mean 'glute-bridge'?)"]


def test_a_slot_used_twice_and_an_exercise_used_twice_in_a_routine(tmp_path):
    root = write_tree(tmp_path / "content", {
        "index.md": "---\ntitle: Moves\n---\n",
        "exercises/bridge.md": "---\ntitle: Bridge\nsets: 2\nreps: 10\n---\n",
        "exercises/plank.md": "---\ntitle: Plank\nsets: 2\nreps: 10\n---\n",
        "routines/core.md": "---\ntitle: Core\nexercises:\n  1A: bridge\n  1a: plank\n  2A: bridge\n---\n",
    })
    assert problems(root) == [
        f"{root}/routines/core.md:5: exercises: 1A is also used by line 4; give each exercise its own slot",
        f"{root}/routines/core.md:6: 2A: bridge is already in 1A; a routine uses an exercise once",
    ]
    # The same where a move fails or is not there: each said in the same run.
    (root / "exercises/plank.md").write_text("---\ntitle: Plank\nsets: lots\nreps: 10\n---\n")
    (root / "routines/core.md").write_text("---\ntitle: Core\nexercises:\n  1A: bridge\n  1a: nope\n  1B: plank\n"
                                          "  1C: plank\n---\n")
    assert problems(root) == [
        f"{root}/exercises/plank.md:3: sets: expected a whole number from 1 to 20, got 'lots'",
        f"{root}/routines/core.md:5: 1A: no exercise 'nope' in exercises/",
        f"{root}/routines/core.md:5: exercises: 1A is also used by line 4; give each exercise its own slot",
        f"{root}/routines/core.md:7: 1C: plank is already in 1B; a routine uses an exercise once"]


def test_a_slot_written_twice_in_a_routine_is_refused_rather_than_dropping_an_exercise(tmp_path):
    root = write_tree(tmp_path / "content", {
        "index.md": "---\ntitle: Moves\n---\n",
        "exercises/side-lunge.md": "---\ntitle: Side Lunge\nsets: 2\nreps: 10\n---\n",
        "exercises/dead-bug.md": "---\ntitle: Dead Bug\nsets: 2\nreps: 10\n---\n",
        "routines/core.md": "---\ntitle: Core\nexercises:\n  2A: side-lunge\n  2B: dead-bug\n  2A: dead-bug\n---\n",
    })
    assert problems(root) == [f"{root}/routines/core.md:6: exercises.2A: written twice, on lines 4 and 6; keep one"]


def test_files_whose_names_differ_only_in_the_case_of_md_are_said_not_one_kept(tmp_path):
    """legs.md and legs.MD are one page: the home page listed both routines, linking to the page
    of the one read last, and nothing was said. Exercises, routines and programs alike."""
    root = tmp_path / "content"
    shutil.copytree(LIBRARY, root)
    for twin in ("routines/before-a-run", "exercises/step-ups", "programs/six-weeks"):
        shutil.copy(root / f"{twin}.md", root / f"{twin}.MD")
    said = "(only the case of .md differs): rename or remove one"
    assert sorted(problems(root)) == [f"{root}/exercises/step-ups.MD: the same page as step-ups.md {said}",
                                      f"{root}/programs/six-weeks.MD: the same page as six-weeks.md {said}",
                                      f"{root}/routines/before-a-run.MD: the same page as before-a-run.md {said}"]


def test_routine_file_names_are_slugs_and_a_misspelt_exercise_key_is_said_once(tmp_path):
    root = write_tree(tmp_path / "content", {
        "index.md": "---\ntitle: Moves\n---\n",
        "exercises/plank.md": "---\ntitle: Plank\nsets: 2\nreps: 10\n---\n",
        "routines/Quick Core.md": "---\ntitle: Core\nexercises:\n  1A: plank\n---\n",
        "routines/quick_core.md": "---\ntitle: Core\nexercises:\n  1A: plank\n---\n",
        "routines/core.md": "---\ntitle: Core\nexercises:\n  1A: {exercse: plank}\n  1B: [plank]\n---\n",
    })
    assert problems(root) == [
        f"{root}/routines/Quick Core.md: file name 'Quick Core' is not a URL slug: use lowercase letters, digits "
        "and hyphens, like quick-core.md",
        f"{root}/routines/core.md:4: unknown key 'exercises.1A.exercse' (did you mean 'exercise'?); "
        "allowed: exercise, sets, reps",
        f"{root}/routines/core.md:5: exercises.1B: expected the file name of an exercise without .md, like "
        "glute-bridge, got a list",
        f"{root}/routines/quick_core.md: file name 'quick_core' is not a URL slug: use lowercase letters, digits "
        "and hyphens, like quick-core.md",
    ]


def test_an_exercise_with_a_problem_of_its_own_is_the_only_line_about_it(tmp_path):
    root = write_tree(tmp_path / "content", {
        "index.md": "---\ntitle: Moves\n---\n",
        "exercises/plank.md": "---\ntitle: Plank\nequipmnet: [mat]\n---\n",
        "exercises/dead-bug.md": "---\ntitle: Dead Bug\nsets: 2\nreps: 10\n---\n",
        "routines/core.md": "---\ntitle: Core\nexercises:\n  1A: plank\n  1B: dead-bug\n---\n",
    })
    assert problems(root) == [f"{root}/exercises/plank.md:3: unknown key 'equipmnet' (did you mean 'equipment'?); "
                              "allowed: title, pair (classic layout only), sets, reps, cue, muscles, equipment, variations, photos"]


def test_every_mistake_in_a_routine_and_its_moves_is_said_once_in_one_run(tmp_path):
    """A routine's own mistake, a move that is not there, a move whose file fails and a gap, together;
    and no line about what depends on them (the gap's neighbours, a program's weeks)."""
    root = write_tree(tmp_path / "content", {
        "index.md": "---\ntitle: Moves\n---\n",
        "exercises/plank.md": "---\ntitle: Plank\nsets: 2\nreps: 30 s hold\n---\n",
        "exercises/Dead-Bug.md": "---\ntitle: Dead Bug\nsets: 2\nreps: 10\n---\n",
        "exercises/bridge.md": "---\ntitle: [Bridge]\nsets: 2\nreps: 10\n---\n",
        "exercises/bird-dog.md": "---\ntitle: Bird Dog\nsets: 2\nreps: 10\n---\n",
        "routines/core.md": "---\ntitle: Core\nrest: sixty\nrepeat: 3\nexercises:\n  1A: plank\n  1B: dead-bug\n"
                            "  2A: bridge\n  2C: bird-dog\n  3A: planks\n---\n",
        "programs/four-weeks.md": "---\ntitle: Four Weeks\nweeks:\n  1-4: {routine: core}\nprogression:\n"
                                  "  bird-dog: {add_reps: 1, up_to: 15}\n---\n",
        "programs/Two_Weeks.md": "---\ntitle: Two\nweeks:\n  1-2: {routine: cor}\n---\n",
    })
    assert problems(root) == [
        f"{root}/exercises/Dead-Bug.md: file name 'Dead-Bug' is not a URL slug: use lowercase letters, digits and "
        "hyphens, like glute-bridge.md",
        f"{root}/exercises/bridge.md:2: title: expected text, got a list",
        f"{root}/routines/core.md:3: rest: expected a whole number from 0 to 3600, got 'sixty'",
        f"{root}/routines/core.md:4: unknown key 'repeat' (did you mean 'rest'?); allowed: title, description, checkin, "
        "rest, circuits, exercises",
        f"{root}/routines/core.md:9: exercises: circuit 2 has no 2B, so 2C leaves a gap; expected 2B",
        f"{root}/routines/core.md:10: 3A: no exercise 'planks' in exercises/ (did you mean 'plank'?)",
        f"{root}/programs/Two_Weeks.md: file name 'Two_Weeks' is not a URL slug: use lowercase letters, digits and "
        "hyphens, like six-weeks.md",
        f"{root}/programs/Two_Weeks.md:4: weeks.1-2: no routine 'cor' in routines/ (did you mean 'core'?)"]


def test_a_misspelt_exercises_key_is_one_problem(tmp_path):
    root = write_tree(tmp_path / "content", {
        "index.md": "---\ntitle: Moves\n---\n",
        "exercises/plank.md": "---\ntitle: Plank\nsets: 2\nreps: 10\n---\n",
        "routines/core.md": "---\ntitle: Core\ncircuits:\n  1: Warm-up\nexercise:\n  1A: plank\n---\n",
    })
    assert problems(root) == [  # not "circuit 1 is named but no exercise has a pair 1A" besides
        f"{root}/routines/core.md:5: unknown key 'exercise' (did you mean 'exercises'?); allowed: title, description, "
        "checkin, rest, circuits, exercises"]


def test_a_routines_key_in_a_librarys_index_md_is_said_to_belong_in_a_routine_file(tmp_path):
    root = write_tree(tmp_path / "content", {
        "index.md": "---\ntitle: Moves\nrest: 30\n---\n",
        "exercises/plank.md": "---\ntitle: Plank\nsets: 2\nreps: 10\n---\n",
        "routines/core.md": "---\ntitle: Core\nexercises:\n  1A: plank\n---\n",
    })
    assert problems(root) == [f"{root}/index.md:3: rest: belongs in a routine file, routines/<name>.md, not here; "
                              "move it there"]


def test_with_routines_a_pair_in_an_exercise_file_is_refused(tmp_path):
    root = write_tree(tmp_path / "content", {
        "index.md": "---\ntitle: Moves\n---\n",
        "exercises/bridge.md": exercise_text("Bridge", "1A"),
        "routines/core.md": "---\ntitle: Core\nexercises:\n  1A: bridge\n---\n",
    })
    assert problems(root) == [f"{root}/exercises/bridge.md:3: pair: with routines/, each routine file lists its "
                              "exercises: move 1A into one (exercises: {1A: bridge})"]


def test_no_module_of_the_pipeline_imports_another_in_a_circle():
    imports = {}
    for path in (ROOT / "repcard").glob("*.py"):
        tree = ast.parse(path.read_text())
        imports[path.stem] = {alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
                              and node.level == 1 for alias in node.names} | \
                             {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
                              and node.level == 1 and node.module}

    def reaches(start, goal, seen=()):
        return any(n == goal or (n not in seen and reaches(n, goal, (*seen, n))) for n in imports.get(start, ()))

    assert not [m for m in imports if reaches(m, m)]


# --- photos -----------------------------------------------------------------------------------


def test_photos_are_resized_for_phones_with_sizes_and_only_the_first_loaded_at_once(site):
    page = parse(site["exercises/glute-bridge/index.html"])
    first, second = page.find("div", "photos").find_all("img")
    assert first.attrs["width"] == "360" and first.attrs["height"] and "loading" not in first.attrs
    assert second.attrs["loading"] == "lazy" and second.attrs["alt"].startswith("Glute Bridge, hips raised")
    assert first.attrs["srcset"].endswith("glute-bridge-0-720.webp 720w")
    for url in (first.attrs["src"], *[part.split()[0] for part in first.attrs["srcset"].split(", ")]):
        assert site[resolve("exercises/glute-bridge/index.html", url)].startswith(b"RIFF")  # WebP


def test_a_photo_whose_name_has_spaces_and_commas_is_found_at_every_width(tmp_path):
    """A srcset is split at spaces and commas: unescaped, the wider photo was never chosen."""
    root = write_tree(tmp_path / "content", {
        "index.md": "---\ntitle: Moves\n---\n",
        "exercises/bridge.md": '---\ntitle: Bridge\nsets: 2\nreps: 10\nphotos:\n  - {src: "side views/début (0), left.jpg", alt: A bridge}\n---\n',
        "routines/core.md": "---\ntitle: Core\nexercises:\n  1A: bridge\n---\n",
    })
    (root / "exercises/side views").mkdir()
    shutil.copy(LIBRARY / "exercises/glute-bridge/0.jpg", root / "exercises/side views/début (0), left.jpg")
    files = build_files(Options(root, tmp_path / "out", "", cache=tmp_path / "cache"))
    img = parse(files["exercises/bridge/index.html"]).find("div", "photos").find("img")
    candidates = [part.split() for part in img.attrs["srcset"].split(", ")]
    assert [width for _, width in candidates] == ["360w", "720w"]  # each an address and its width, nothing more
    for url in (img.attrs["src"], *[address for address, _ in candidates]):
        assert files[resolve("exercises/bridge/index.html", url)].startswith(b"RIFF")  # WebP
        assert f'"{url.removeprefix("../../")}"' in files["sw.js"].decode()  # kept offline at that address


def test_offline_keeps_the_photos_of_routine_moves_only(tmp_path):
    root = write_tree(tmp_path / "content", {
        "index.md": "---\ntitle: Moves\n---\n",
        "exercises/bridge.md": "---\ntitle: Bridge\nsets: 2\nreps: 10\nphotos:\n  - {src: b.jpg, alt: A bridge}\n---\n",
        "exercises/plank.md": "---\ntitle: Plank\nphotos:\n  - {src: p.jpg, alt: A plank}\n---\n",
        "routines/core.md": "---\ntitle: Core\nexercises:\n  1A: bridge\n---\n",
    })
    for name in ("b.jpg", "p.jpg"):
        (root / "exercises" / name).write_bytes((LIBRARY / "exercises/glute-bridge/0.jpg").read_bytes())
    files = build_files(Options(root, tmp_path / "out", "", cache=tmp_path / "cache"))
    worker = files["sw.js"].decode()
    assert "exercises/bridge/b-360.webp" in worker and "exercises/plank/p-360.webp" not in worker
    assert "exercises/plank/p-360.webp" in files


def test_a_build_drops_the_photo_cache_entries_no_build_read_for_a_month(tmp_path):
    """A replaced photo's renditions go once no build has read them for 30 days: not at once,
    as another content folder may share the cache; never by the dev server's rebuilds."""
    import os
    import time

    from repcard.pipeline import BuildCache, build

    root = write_tree(tmp_path / "content", {
        "index.md": "---\ntitle: Moves\n---\n",
        "exercises/bridge.md": "---\ntitle: Bridge\nsets: 2\nreps: 10\nphotos:\n  - {src: b.jpg, alt: A bridge}\n---\n",
        "routines/core.md": "---\ntitle: Core\nexercises:\n  1A: bridge\n---\n",
    })
    photo = root / "exercises/b.jpg"
    photo.write_bytes((LIBRARY / "exercises/glute-bridge/0.jpg").read_bytes())
    options = Options(root, tmp_path / "site", "", cache=tmp_path / "cache")
    entries = lambda: sorted(p.name for p in (tmp_path / "cache/photos").iterdir())  # noqa: E731
    assert build(options) == []
    old = entries()
    assert len(old) == 3  # an index and two widths
    photo.write_bytes((LIBRARY / "exercises/glute-bridge/1.jpg").read_bytes())
    assert build(options) == []
    assert set(old) < set(entries()) and len(entries()) == 6  # written a moment ago: kept
    now, month_ago = time.time(), time.time() - 31 * 86400
    for name in old:  # written a month ago, its index read a moment ago (another folder's build)
        os.utime(tmp_path / "cache/photos" / name, (now if name.endswith(".json") else month_ago, month_ago))
    assert build(options) == [] and len(entries()) == 6
    for name in old:
        os.utime(tmp_path / "cache/photos" / name, (month_ago, month_ago))
    assert build(options, BuildCache()) == [] and len(entries()) == 6  # the dev server leaves it be
    assert build(options) == []
    assert not set(old) & set(entries()) and len(entries()) == 3  # the new photo's entry stays


def test_a_photo_must_exist_be_an_image_and_say_what_it_shows(tmp_path):
    root = write_tree(tmp_path / "content", {
        "index.md": "---\ntitle: Moves\n---\n",
        "exercises/a.md": "---\ntitle: A\nphotos:\n  - src: gone.jpg\n    alt: Gone\n---\n",
        "exercises/b.md": "---\ntitle: B\nphotos:\n  - src: b.jpg\n---\n",
        "exercises/c.md": "---\ntitle: C\nphotos:\n  - src: c.jpg\n    alt: Text, not a photo\n---\n",
        "exercises/c.jpg": "just text",
    })
    with pytest.raises(ContentError) as caught:
        build_files(Options(root, tmp_path / "out", "", cache=tmp_path / "cache"))
    photo = f"{root}/exercises/c.md:4: photos: c.jpg is not an image Pillow can read (JPEG, PNG or WebP)"
    assert [str(p) for p in caught.value.problems] == [  # the photo that is no image in the same run
        f"{root}/exercises/b.md:4: photos: photo 1: alt: missing; say what the photo shows, for those who "
        "cannot see it",
        f"{root}/exercises/a.md:4: photo 'gone.jpg' not found: expected the file {root}/exercises/gone.jpg",
        photo]
    (root / "exercises/a.md").unlink()
    (root / "exercises/b.md").unlink()
    with pytest.raises(ContentError) as caught:
        build_files(Options(root, tmp_path / "out", "", cache=tmp_path / "cache"))
    assert [str(p) for p in caught.value.problems] == [photo]


def test_an_exercise_with_a_mistake_has_its_photos_and_images_checked_in_the_same_run(tmp_path):
    root = write_tree(tmp_path / "content", {
        "index.md": "---\ntitle: Moves\n---\n",
        "exercises/a.md": "---\ntitle: A\nsets: lots\nphotos:\n  - {src: gone.jpg, alt: Gone}\n  - {src: a.jpg}\n---\n"
                          "![A drawing](drawing.png)\n",
        "exercises/c.md": "---\ntitle: [C]\nphotos:\n  - {src: c.jpg, alt: Text alone}\n---\n",
        "exercises/c.jpg": "just text",
    })
    with pytest.raises(ContentError) as caught:
        build_files(Options(root, tmp_path / "out", "", cache=tmp_path / "cache"))
    assert [str(p).replace(f"{root}/exercises/", "") for p in caught.value.problems] == [
        "a.md:3: sets: expected a whole number from 1 to 20, got 'lots'",
        "a.md:5: photo 'gone.jpg' not found: expected the file gone.jpg",
        "a.md:6: photos: photo 2: alt: missing; say what the photo shows, for those who cannot see it",
        "a.md:8: image 'drawing.png' not found: expected the file drawing.png",
        "c.md:2: title: expected text, got a list",
        "c.md:4: photos: c.jpg is not an image Pillow can read (JPEG, PNG or WebP)"]


def test_a_routines_named_circuit_without_moves_is_said_beside_a_failed_move(tmp_path):
    root = write_tree(tmp_path / "content", {
        "index.md": "---\ntitle: Moves\n---\n",
        "exercises/plank.md": "---\ntitle: Plank\nsets: lots\nreps: 10\n---\n",
        "exercises/bird-dog.md": "---\ntitle: Bird Dog\nsets: 2\nreps: 10\n---\n",
        "routines/core.md": "---\ntitle: Core\ncircuits:\n  1: One\n  2: Two\n  3: Three\nexercises:\n"
                            "  1A: bird-dog\n  2A: plank\n---\n",
    })
    assert problems(root) == [
        f"{root}/exercises/plank.md:3: sets: expected a whole number from 1 to 20, got 'lots'",
        f"{root}/routines/core.md:6: circuits: circuit 3 is named but no exercise has a pair 3A"]


def test_a_pair_in_the_library_layout_is_said_beside_its_files_other_mistake(tmp_path):
    root = write_tree(tmp_path / "content", {
        "index.md": "---\ntitle: Moves\n---\n",
        "exercises/plank.md": "---\ntitle: Plank\npair: 1A\nsets: lots\nreps: 10\n---\n",
        "routines/core.md": "---\ntitle: Core\nexercises:\n  1A: plank\n---\n",
    })
    assert problems(root) == [
        f"{root}/exercises/plank.md:3: pair: with routines/, each routine file lists its exercises: move 1A into "
        "one (exercises: {1A: plank})",
        f"{root}/exercises/plank.md:4: sets: expected a whole number from 1 to 20, got 'lots'"]
    (root / "exercises/plank.md").rename(root / "exercises/Plank.md")  # named as a routine would name it
    assert problems(root)[1] == (f"{root}/exercises/Plank.md:3: pair: with routines/, each routine file lists its "
                                 "exercises: move 1A into one (exercises: {1A: plank})")


def test_a_photo_that_is_no_image_in_one_language_is_said_beside_anothers_problem(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "tests/fixtures/multilingual", content)
    routine = content / "en/routines/before-a-run.md"
    routine.write_text(routine.read_text().replace("rest: 30", "rest: thirty"))
    (content / "fr/exercises/glute-bridge/1.jpg").unlink()  # a link to the English photo, or a copy
    (content / "fr/exercises/glute-bridge/1.jpg").write_text("not a photo")
    with pytest.raises(ContentError) as caught:
        build_files(Options(content, tmp_path / "out", "", cache=tmp_path / "cache"))
    assert [str(p).replace(f"{content}/", "") for p in caught.value.problems] == [
        "en/routines/before-a-run.md:5: rest: expected a whole number from 0 to 3600, got 'thirty'",
        "fr/exercises/glute-bridge.md:10: photos: glute-bridge/1.jpg is not an image Pillow can read (JPEG, PNG or WebP)"]


def test_a_warm_cache_encodes_nothing_again(tmp_path):
    cache = tmp_path / "cache"
    first = build_files(Options(LIBRARY, tmp_path / "out", "", cache=cache))
    entries = {p: p.stat().st_mtime_ns for p in cache.rglob("*") if p.is_file()}
    assert len([p for p in entries if p.suffix == ".json"]) == 4  # two photos of two exercises
    second = build_files(Options(LIBRARY, tmp_path / "out", "", cache=cache))
    assert first == second
    assert {p: p.stat().st_mtime_ns for p in cache.rglob("*") if p.is_file()} == entries


def test_the_dev_servers_failed_rebuilds_look_no_kept_photo_up_again(tmp_path, monkeypatch):
    """Even where bodies' raw HTML is let through (each load makes its exercises anew)."""
    from repcard import photos
    from repcard.pipeline import BuildCache, build

    content = tmp_path / "content"
    shutil.copytree(LIBRARY, content)
    options = Options(content, tmp_path / "out", "", cache=tmp_path / "cache")
    cache = BuildCache()
    index = content / "index.md"
    index.write_text(index.read_text().replace("---\n", "---\nraw_html: true\n", 1))
    with (content / "exercises/glute-bridge.md").open("a") as photographed:
        photographed.write("\n<kbd>Hold</kbd> at the top.\n")
    assert build(options, cache) == []
    looked_up = []
    real = photos.renditions_many
    monkeypatch.setattr(photos, "renditions_many", lambda items, *a: looked_up.extend(items) or real(items, *a))
    routine = content / "routines/whole-workout.md"
    for rest in ("sixty", "seventy"):
        routine.write_text(re.sub(r"^rest: .*$", f"rest: {rest}", routine.read_text(), flags=re.M))
        assert [p.message for p in build(options, cache, {routine.resolve()})] == [
            f"rest: expected a whole number from 0 to 3600, got '{rest}'"]
    assert looked_up == []


def test_a_large_library_is_indexed_by_initial_and_every_move_is_reachable(tmp_path):
    names = ["Plank", "Push-Up", "Bridge", "Squat", "Lunge", "3-Point Row"]
    files = {"index.md": "---\ntitle: Moves\n---\n"}
    for n in range(LIBRARY_PAGE + 1):
        files[f"exercises/move-{n}.md"] = f"---\ntitle: {names[n % len(names)]} {n}\n---\n"
    root = write_tree(tmp_path / "content", files)
    site = build_files(Options(root, tmp_path / "out", ""))
    index = parse(site["exercises/index.html"])
    letters = [a.text for a in index.find("p", "initials").find_all("a")]
    assert letters[0] == "# 33" and "P 68" in letters and not index.find_all("ul", "library")
    reached = {resolve(page, a.attrs["href"]) for page in site if page.startswith("library/")
               for a in parse(site[page]).find("ul", "library").find_all("a")}
    assert reached == {f"exercises/move-{n}/index.html" for n in range(LIBRARY_PAGE + 1)}
