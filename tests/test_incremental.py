"""The dev server's rebuild cache: after any change, the site equals a clean build's."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from bench.generate import generate
from repcard.pipeline import BuildCache, Options, build

from .conftest import (LONG_TEXT, LONG_VARIATIONS, MINIMAL_INDEX, ROOT, exercise_text, read_tree,
                       twelve_cut_on_the_card, write_tree)


@pytest.fixture
def project(tmp_path: Path):
    """A routine, templates and assets of our own, and a cache carried across builds."""
    return built_with_a_cache(generate(tmp_path / "content", 24, per_circuit=3, words=60), tmp_path)


def built_with_a_cache(content: Path, tmp_path: Path):
    """`content` built once with templates and assets of its own, and the cache the dev server keeps."""
    templates = Path(shutil.copytree(ROOT / "templates", tmp_path / "templates"))
    assets = Path(shutil.copytree(ROOT / "assets", tmp_path / "assets"))
    options = Options(content, tmp_path / "site", "https://someone.github.io/repcard/", templates, assets)
    cache = BuildCache()
    assert build(options, cache) == []
    return options, cache, tmp_path


def clean_build(options: Options, out: Path) -> dict[str, bytes]:
    clean = Options(options.content, out, options.base_url, options.templates, options.assets, out.with_name("clean-cache"))
    assert build(clean) == []
    return read_tree(out)


def exercise_files(options: Options) -> list[Path]:
    return sorted((options.content / "exercises").glob("*.md"))


def change_then_compare(project, change, watched: bool = False) -> None:
    """Change the project, rebuild with the cache (told the changed path, as the dev server's
    watcher tells it, when `watched`: `change` returns it), and compare with a clean build."""
    options, cache, tmp_path = project
    changed = change(options)
    assert build(options, cache, {changed.resolve()} if watched else None) == []
    assert read_tree(options.output) == clean_build(options, tmp_path / "clean")
    shutil.rmtree(tmp_path / "clean")


def test_editing_an_exercise(project):
    def edit(options):
        path = exercise_files(options)[5]
        path.write_text(path.read_text().replace("title: ", "title: Edited ", 1))

    change_then_compare(project, edit)
    options, cache, _ = project
    assert "Edited" in (options.output / "index.html").read_text()


def test_moving_an_exercise_to_another_slot(project):
    def swap(options):
        a, b = exercise_files(options)[:2]
        text_a, text_b = a.read_text(), b.read_text()
        pair_a = text_a.split("pair: ")[1].split("\n")[0]
        pair_b = text_b.split("pair: ")[1].split("\n")[0]
        a.write_text(text_a.replace(f"pair: {pair_a}", f"pair: {pair_b}"))
        b.write_text(text_b.replace(f"pair: {pair_b}", f"pair: {pair_a}"))

    change_then_compare(project, swap)


def test_editing_the_routine_title_alone(project):
    def edit(options):
        index = options.content / "index.md"
        index.write_text(index.read_text().replace("title: ", "title: New ", 1))

    change_then_compare(project, edit)


def test_editing_the_routine_rest(project):
    def edit(options):
        index = options.content / "index.md"
        index.write_text(index.read_text().replace("rest: 45", "rest: 75"))

    change_then_compare(project, edit)


def test_editing_a_template(project):
    def edit(options):
        template = options.templates / "exercise.html"
        template.write_text(template.read_text().replace("<h2>{{ _(\"Steps\") }}</h2>", "<h2>How to</h2>"))

    change_then_compare(project, edit)
    options, _, _ = project
    assert "<h2>How to</h2>" in next((options.output / "exercises").rglob("index.html")).read_text()


def test_editing_an_asset(project):
    change_then_compare(project, lambda options: (options.assets / "style.css").write_text("body { margin: 0 }\n"))


@pytest.mark.parametrize("watched", [False, True], ids=["unknown", "watched"])
def test_editing_a_script_and_which_scripts_a_page_loads(project, watched):
    def script_edited(options):
        (path := options.assets / "log.js").write_text(path.read_text() + "window.edited = 1;\n")
        return path

    def card_scripts(names):
        def change(options):
            card = options.templates / "card.html"
            card.write_text(re.sub(r"{% set scripts = \[[^]]*\] %}", "{% set scripts = " + names + " %}", card.read_text()))
            return card
        return change

    def script_added(options):
        (path := options.assets / "coach.js").write_text("window.coach = 1;\n")
        return path

    change_then_compare(project, script_edited, watched)  # the joined files hold the new code
    change_then_compare(project, script_added, watched)
    change_then_compare(project, card_scripts('["card.js", "coach.js"]'), watched)
    change_then_compare(project, card_scripts('["card.js"]'), watched)  # the file only the card loaded goes
    # and the script no page loads any more can go without the rebuild asking for it
    change_then_compare(project, lambda options: (options.assets / "coach.js").unlink() or options.assets / "coach.js",
                        watched)


def test_deleting_an_exercise_and_adding_one(project):
    def delete(options):
        # The last slot of the last circuit, so no gap appears.
        last = max(exercise_files(options), key=lambda p: p.read_text().split("pair: ")[1].split("\n")[0])
        last.unlink()

    change_then_compare(project, delete)
    change_then_compare(project, lambda options: (options.content / "exercises/zz-new.md").write_text(
        "---\ntitle: Brand New\npair: 99A\nsets: 1\nreps: 5\n---\n1. Go.\n"))


def test_a_failed_rebuild_keeps_the_site_and_the_next_good_one_catches_up(project):
    options, cache, tmp_path = project
    before = read_tree(options.output)
    path = exercise_files(options)[3]
    good = path.read_text()
    path.write_text(good.replace("sets: ", "sets: x", 1))
    assert build(options, cache) != []
    assert read_tree(options.output) == before
    path.write_text(good.replace("title: ", "title: Fixed ", 1))
    assert build(options, cache) == []
    assert read_tree(options.output) == clean_build(options, tmp_path / "clean")


def test_only_changed_files_are_rewritten(project):
    options, cache, _ = project
    path = exercise_files(options)[0]
    title = path.read_text().split("title: ")[1].split("\n")[0]
    untouched = next(page for page in sorted((options.output / "exercises").rglob("index.html"))
                     if title not in page.read_text())  # neither its page, a partner's nor a neighbour's
    inode = untouched.stat().st_ino
    path.write_text(path.read_text().replace("title: ", "title: Touched ", 1))
    assert build(options, cache) == []
    assert "Touched" not in untouched.read_text() and untouched.stat().st_ino == inode
    assert "Touched" in (options.output / "index.html").read_text()
    assert not list(options.output.rglob(".*"))  # no partial files left behind


@pytest.fixture
def library(tmp_path: Path):
    """The library layout (several routines sharing exercises), rebuilt as the dev server does:
    with the paths its watcher saw change."""
    return built_with_a_cache(Path(shutil.copytree(ROOT / "tests/fixtures/library", tmp_path / "content")), tmp_path)


def replace_in(path: Path, old: str, new: str) -> Path:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    return path


@pytest.mark.parametrize("change", [
    lambda o: replace_in(o.content / "exercises/band-walking.md", "title: ", "title: Edited "),
    lambda o: replace_in(o.content / "exercises/band-walking.md", "muscles: [", "muscles: [calves, "),
    lambda o: replace_in(o.content / "exercises/glute-bridge.md", "muscles: [", "muscles: [calves, "),  # a new term
    lambda o: replace_in(o.content / "exercises/glute-bridge.md", "\n1. ", "\n1. Slowly: "),
    lambda o: replace_in(o.content / "index.md", "title: ", "title: Edited "),
    lambda o: replace_in(o.content / "routines/before-a-run.md", "title: ", "title: Edited "),
    lambda o: replace_in(o.templates / "library.html", "{{ heading }}", "{{ heading }} (edited)"),
    lambda o: replace_in(o.templates / "base.html", "<body", "<body data-edited"),
    lambda o: replace_in(o.templates / "workout-circuit.html", "<h2>{{ rest_word }}</h2>", "<h2>Rest now</h2>"),
], ids=["exercise-title", "exercise-muscles", "new-muscle-elsewhere", "exercise-body", "site-title", "routine-title", "library-template",
        "base-template", "workout-circuit-template"])
def test_library_rebuilds_with_the_watchers_paths_equal_a_clean_build(library, change):
    change_then_compare(library, change, watched=True)


def test_library_an_edit_rewrites_no_page_that_does_not_show_it(library):
    options, cache, _ = library
    other = options.output / "routines/before-a-run/workout/index.html"
    assert "Romanian" not in other.read_text()  # a move the other routine does not use
    inode = other.stat().st_ino
    edited = replace_in(options.content / "exercises/romanian-deadlift.md", "title: ", "title: Edited ")
    assert build(options, cache, {edited.resolve()}) == []
    assert other.stat().st_ino == inode


def test_with_the_watchers_paths_deleting_an_exercise_and_adding_one(project):
    def delete(options):
        last = max(exercise_files(options), key=lambda p: p.read_text().split("pair: ")[1].split("\n")[0])
        last.unlink()
        return last

    def add(options):
        new = options.content / "exercises/zz-new.md"
        new.write_text("---\ntitle: Brand New\npair: 99A\nsets: 1\nreps: 5\n---\n1. Go.\n")
        return new

    change_then_compare(project, delete, watched=True)
    change_then_compare(project, add, watched=True)


# The routine's page, workout mode and card are drawn around circuit fragments, each cached
# on its own (render.py's `fragment`): every change a circuit shows must draw it again.
@pytest.mark.parametrize("change", [
    lambda o: replace_in(circuit_member(o, 4), "title: ", "title: Edited "),
    lambda o: with_one_set(circuit_member(o, 4)),  # its partners do more rounds than it
    lambda o: replace_in(circuit_member(o, 5), "cue: ", "cue: Slowly. "),
    lambda o: replace_in(o.content / "index.md", "  4: Split Block", "  4: {name: Split Block, rest: 90}"),
    lambda o: replace_in(o.content / "index.md", "  4: Split Block", "  4: {name: Renamed Block, note: Go slow.}"),
    lambda o: replace_in(o.content / "index.md", "circuits:\n", "circuits:\n  2: Newly Named\n"),
    lambda o: replace_in(o.content / "index.md", "rest: 45", "rest: 30"),
    lambda o: replace_in(o.templates / "routine-circuit.html", '<p class="rest">', '<p class="rest edited">'),
    lambda o: replace_in(o.templates / "workout-circuit.html", "<h2>{{ rest_word }}</h2>", "<h2>Rest now</h2>"),
    lambda o: replace_in(o.templates / "card-circuit.html", '<li class="ex">', '<li class="ex edited">'),
    lambda o: replace_in(o.templates / "macros.html", ", then rest ", ", then a rest of "),
], ids=["exercise-title", "exercise-sets", "exercise-cue", "circuit-rest", "circuit-name-and-note", "circuit-named",
        "routine-rest", "routine-circuit-template", "workout-circuit-template", "card-circuit-template", "macros"])
def test_circuit_fragments_with_the_watchers_paths_equal_a_clean_build(project, change):
    change_then_compare(project, change, watched=True)


def with_one_set(path: Path) -> Path:
    path.write_text(re.sub(r"\nsets: \d+\n", "\nsets: 1\n", path.read_text(), count=1))
    return path


def circuit_member(options: Options, circuit: int) -> Path:
    """The exercise file in slot A of `circuit`."""
    return next(p for p in exercise_files(options) if f"\npair: {circuit}A\n" in p.read_text())


def test_the_cache_keeps_no_fragment_an_edit_left_behind(project):
    options, cache, tmp_path = project
    for i in range(3):
        edited = replace_in(circuit_member(options, 2 + i), "title: ", "title: Edited ")
        assert build(options, cache, {edited.resolve()}) == []
    fresh = BuildCache()
    assert build(Options(options.content, tmp_path / "fresh", options.base_url, options.templates,
                         options.assets), fresh) == []
    assert fragments(cache) == fragments(fresh) > 0
    assert cache.graph.inputs == fresh.graph.inputs  # and each page reads what a first build says it reads


def fragments(cache: BuildCache) -> int:
    return sum(len(made.drawn.pieces) for made in cache.files.values() if made.drawn)


def test_a_fragment_sees_only_what_it_is_given(project):
    """Its names and the page's root are its cache key: one that read anything else could
    be reused after that changed, so the build refuses it."""
    options, cache, _ = project
    template = replace_in(options.templates / "card-circuit.html", "{{ words.circuit_label(circuit) }}", "{{ routine.title }}")
    [problem] = build(options, cache, {template.resolve()})
    assert problem.path == str(template) and "routine" in problem.message


def rebuilds_warning(content: Path, tmp_path: Path, capsys):
    """A dev server's rebuilds of `content`: each call makes a change, rebuilds with the
    cache kept between them and returns the warning lines it printed."""
    options = Options(content, tmp_path / "site", "", cache=tmp_path / "cache")
    cache = BuildCache()

    def warned_after(change=lambda: None) -> list[str]:
        change()
        assert build(options, cache) == []
        return [line for line in capsys.readouterr().err.splitlines() if "warning" in line]

    return warned_after


def test_a_card_warning_is_printed_once_while_it_stands(tmp_path, capsys):
    """The dev server prints a card warning when it first appears, not again on every save
    (at 1,000 exercises, hundreds of lines each time), and again once it went and came back."""
    content = write_tree(tmp_path / "content", twelve_cut_on_the_card())
    warned_after = rebuilds_warning(content, tmp_path, capsys)
    first = warned_after()
    about_e1 = [line for line in first if "/exercises/e1.md:" in line]
    assert about_e1 and len(first) > len(about_e1)
    assert warned_after(lambda: replace_in(content / "exercises/e3.md", "Exercise 3", "Exercise Three")) == []
    e1 = content / "exercises/e1.md"
    original = e1.read_text()
    assert warned_after(lambda: e1.write_text(original.replace(LONG_TEXT, "Slower."))) == []  # one fewer: nothing new
    assert warned_after(lambda: e1.write_text(original)) == about_e1  # back again: said again


def test_a_routine_that_comes_back_has_its_card_warnings_said_again(tmp_path, capsys):
    files = {"index.md": "---\ntitle: Moves\n---\n"}
    for n in range(12):
        files[f"exercises/e{n}.md"] = f"---\ntitle: Exercise {n}\nsets: 2\nreps: 10\n{LONG_VARIATIONS}---\n1. Do it.\n"
    listed = "".join(f"  {n // 2 + 1}{'AB'[n % 2]}: e{n}\n" for n in range(12))
    for name in ("one", "two"):
        files[f"routines/{name}.md"] = f"---\ntitle: Routine {name}\nexercises:\n{listed}---\n"
    content = write_tree(tmp_path / "content", files)
    warned_after = rebuilds_warning(content, tmp_path, capsys)
    two = content / "routines/two.md"
    text = two.read_text()
    about_two = [line for line in warned_after() if "routines/two/card/" in line]
    assert about_two
    assert warned_after(two.unlink) == []
    assert warned_after(lambda: two.write_text(text)) == about_two


def test_an_image_renamed_from_dot_slash_stays_in_the_site(tmp_path):
    """"./a.png" and "a.png" are one file: a rebuild that drops the "./" must not delete it."""
    body = "![A bridge](./a.png)\n"
    content = write_tree(tmp_path / "content", {"index.md": MINIMAL_INDEX,
                                                 "exercises/e.md": exercise_text("E", "1A") + body})
    (content / "exercises/a.png").write_bytes((ROOT / "assets/icon-192.png").read_bytes())
    options = Options(content, tmp_path / "site", "", cache=tmp_path / "cache")
    cache = BuildCache()
    assert build(options, cache) == []
    replace_in(content / "exercises/e.md", "](./a.png)", "](a.png)")
    assert build(options, cache) == []
    assert (tmp_path / "site/exercises/e/a.png").is_file()
    assert read_tree(options.output) == clean_build(options, tmp_path / "clean")


def test_a_rebuild_shares_the_last_builds_unchanged_routines_circuits_and_slots(tmp_path: Path):
    from repcard import content
    from repcard.loader import shared

    folder = generate(tmp_path / "content", 12, per_circuit=3)
    first = content.load(folder)
    assert shared(first, content.load(folder)) is first  # all equal: the last build's site, as it was

    edited = sorted((folder / "exercises").glob("*.md"))[0]
    edited.write_text(re.sub(r"^title: .*$", "title: Edited", edited.read_text(), count=1, flags=re.M))
    again = content.load(folder)
    site = shared(first, again)
    assert site == again  # the same content
    [old], [new] = first.routines, site.routines
    changed = [i for i, (a, b) in enumerate(zip(old.circuits, new.circuits)) if a is not b]
    assert len(changed) == 1 and new.circuits[changed[0]] != old.circuits[changed[0]]
    assert all(a is b for a, b in zip(old.slots, new.slots) if a.slug != edited.stem)  # its partners too
    assert shared(None, again) is again


@pytest.mark.parametrize("change", [
    lambda c: replace_in(c / "fr/exercises/step-ups.md", "title: ", "title: Nouvelles "),  # one language's move
    lambda c: replace_in(c / "en/exercises/step-ups.md", "title: ", "title: New "),  # the site's language's
    lambda c: replace_in(c / "fr/index.md", "title: ", "title: Nouveau "),  # a language's title
    lambda c: write_tree(c / "fr/exercises", {"pont.md": "---\ntitle: Pont\n---\n1. Montez.\n"}) or
    c / "fr/exercises/pont.md",  # a page one language has and the other lacks
], ids=["french-exercise", "english-exercise", "french-title", "french-page-added"])
def test_a_two_language_sites_rebuilds_with_the_watchers_paths_equal_a_clean_build(tmp_path, change):
    """Each language is an edition of its own: an edit to one reaches its pages (and the other's
    switcher when a page comes or goes), and the rebuild is byte for byte a clean build."""
    content = Path(shutil.copytree(ROOT / "tests/fixtures/multilingual", tmp_path / "content"))
    project = built_with_a_cache(content, tmp_path)
    change_then_compare(project, lambda options: change(options.content), watched=True)


def test_a_page_one_language_gains_is_linked_from_the_others_switcher(tmp_path):
    content = Path(shutil.copytree(ROOT / "tests/fixtures/multilingual", tmp_path / "content"))
    write_tree(content / "en/exercises", {"bridge.md": "---\ntitle: Bridge\n---\n1. Lift.\n"})
    options, cache, _ = project = built_with_a_cache(content, tmp_path)
    assert 'href="../../fr/exercises/bridge/"' not in (options.output / "exercises/bridge/index.html").read_text()
    change_then_compare(project, lambda options: write_tree(options.content / "fr/exercises", {
        "bridge.md": "---\ntitle: Pont\n---\n1. Montez.\n"}) or options.content / "fr/exercises/bridge.md", watched=True)
    assert 'href="../../fr/exercises/bridge/"' in (options.output / "exercises/bridge/index.html").read_text()


def test_an_edit_in_one_language_rewrites_no_page_of_the_other(tmp_path):
    content = Path(shutil.copytree(ROOT / "tests/fixtures/multilingual", tmp_path / "content"))
    options, cache, _ = built_with_a_cache(content, tmp_path)
    english = {page: page.stat().st_ino for page in options.output.rglob("*.html") if "fr" not in page.parts}
    replace_in(content / "fr/exercises/step-ups.md", "title: ", "title: Nouvelles ")
    assert build(options, cache, {(content / "fr/exercises/step-ups.md").resolve()}) == []
    assert "Nouvelles" in (options.output / "fr/exercises/step-ups/index.html").read_text()
    assert {page for page, inode in english.items() if page.stat().st_ino != inode} == set()
