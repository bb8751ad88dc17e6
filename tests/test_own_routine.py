"""A user's own routine, as the README tells them to write it: what every page says about it."""

from __future__ import annotations

import re

import pytest

from repcard.card import TEXTS, plan_card
from repcard.pipeline import Options, build_files
from repcard.content import load
from repcard.problem import ContentError

from .conftest import MINIMAL_INDEX, ROOT, exercise_text, run_build, twelve_cut_on_the_card, write_tree
from .htmltools import parse


def three_rounds_and_a_short_partner(root):
    """Circuit 1: two exercises, 3 sets each. Circuit 2: 2A has 3 sets, 2B only 2."""
    return write_tree(root, {
        "index.md": "---\ntitle: Mine\nrest: 60\ncircuits:\n  1:\n    name: Warm\n    rest: 45\n---\nIntro.\n",
        "exercises/bridge.md": exercise_text("Bridge", "1A", sets=3),
        "exercises/march.md": exercise_text("March", "1B", sets=3),
        "exercises/plank.md": exercise_text("Plank", "2A", sets=3, reps="30 s hold"),
        "exercises/bird-dog.md": exercise_text("Bird Dog", "2B", sets=2, reps="8 each side"),
    })


@pytest.fixture
def uneven(tmp_path):
    root = three_rounds_and_a_short_partner(tmp_path / "content")
    return root, build_files(Options(root, tmp_path / "out", ""))


def next_lines(site, slug) -> list[str]:
    return [li.text for li in parse(site[f"exercises/{slug}/index.html"]).find("ul", "next-up").find_all("li")]


def test_every_next_line_is_true_for_the_set_it_names(uneven):
    _, site = uneven
    assert next_lines(site, "bridge") == [
        "Next, after set 1: 1B March (set 1 of 3).",
        "Next, after set 2: 1B March (set 2 of 3).",
        "Next, after set 3: 1B March (set 3 of 3)."]
    assert next_lines(site, "march") == [
        "Next, after set 1: Rest 45 s, then 1A Bridge (set 2 of 3).",
        "Next, after set 2: Rest 45 s, then 1A Bridge (set 3 of 3).",
        "Next, after set 3: Rest 45 s, then Circuit 2 · 2A Plank (set 1 of 3)."]


def test_each_next_line_agrees_with_workout_mode(uneven):
    root, site = uneven
    workout = parse(site["workout/index.html"])
    following = {li.attrs["data-step"]: li.find("p", "next").text.removeprefix("Next: ")
                 for li in workout.find_all("li", "set")}
    for slot in load(root).routines[0].slots:
        for line in next_lines(site, slot.slug):
            number = int(re.match(r"Next, after set (\d+):", line)[1])
            first = line.split(": ", 1)[1].split(", then ")[0].rstrip(".")
            assert first == following[f"{slot.slug}:{number}"], line


def test_a_partner_with_fewer_sets_sits_out_the_last_round_everywhere(uneven):
    _, site = uneven
    routine = parse(site["index.html"])
    assert routine.find_all("p", "rest")[1].text == "2A, then 2B: 3 rounds, with 60 s rest between them. " \
                                                    "2B sits out round 3."
    steps = [li.attrs["data-step"] for li in parse(site["workout/index.html"]).find_all("li", "step")]
    assert steps[-5:] == ["plank:2", "bird-dog:2", "rest:2:2", "plank:3", "finish"]
    assert "2B Bird Dog has 2 sets: it sits out round 3." in parse(site["exercises/plank/index.html"]).text
    card = parse(site["card/index.html"])
    bird_dog = card.find_all("li", "ex")[3]
    assert len(bird_dog.find_all("span", "box")) == 2 and "2 × 8 each side" in bird_dog.text


def test_the_card_shows_the_rest_between_rounds_of_the_last_circuit(uneven):
    _, site = uneven
    flows = [s.text for s in parse(site["card/index.html"]).find_all("span", "flow")]
    assert flows == ["1A → 1B × 3 · rest 45 s", "2A → 2B × 3 · rest 60 s"]


def test_the_routine_page_puts_what_you_need_before_the_circuits_and_lists_each_move_once(tmp_path):
    root = write_tree(tmp_path / "content", {
        "index.md": MINIMAL_INDEX,
        "exercises/a.md": exercise_text("Alpha", "1A", extra="equipment: [mat]\n"),
        "exercises/b.md": exercise_text("Bravo", "1B"),
    })
    html = build_files(Options(root, tmp_path / "out", ""))["index.html"].decode()
    assert html.index("You will need") < html.index("Before you start") < html.index("The circuits")
    assert html.count('href="./exercises/a/"') == 1


def test_the_order_line_never_starts_a_line_with_an_arrow_or_leaves_the_rounds_alone(uneven):
    _, site = uneven
    order = parse(site["exercises/march/index.html"]).find("p", "order")
    for arrow in order.find_all("span", "then"):
        assert arrow in order.find_all("span", "nowrap")[1].children  # the arrow travels with its slot
    html = site["exercises/march/index.html"].decode()
    assert '</strong>&nbsp;<span class="rounds">× 3 rounds</span>' in html
    line = re.search(r'<p class="order">.*?</p>', html, re.S)[0]  # nor is a slot ever alone at a line's end
    assert re.findall(r'<span class="slot">(\w+)</span></span>&nbsp;(\w+)', line) == [("1A", "Bridge"), ("1B", "March")]


# --- the printed card: the room there is, or a warning naming what was cut ---------------------


def test_long_variations_print_in_full_when_the_sheet_has_room(tmp_path):
    variations = "".join(f"  v{n}: {'Banded and slower, with a pause at the top of every rep. ' * 2}\n"
                         for n in range(1, 5))
    root = write_tree(tmp_path / "content", {
        "index.md": MINIMAL_INDEX,
        "exercises/a.md": exercise_text("Alpha", "1A", extra=f"variations:\n{variations}"),
        "exercises/b.md": exercise_text("Bravo", "1B"),
    })
    layout = plan_card(load(root).routines[0], with_qr=False)
    assert layout.cuts == ()
    result = run_build("--content", root, "--output", tmp_path / "site")
    assert result.returncode == 0 and "warning" not in result.stderr
    assert "data-cut" not in (tmp_path / "site/card/index.html").read_text()  # every line limit stays "none"


def test_text_cut_to_fit_the_sheet_is_named_with_its_file_and_field(tmp_path):
    root = write_tree(tmp_path / "content", twelve_cut_on_the_card())
    result = run_build("--content", root, "--output", tmp_path / "site")
    assert result.returncode == 0
    assert f"repcard: warning: {root}/exercises/e0.md: variations: cut to 2 lines on the printed card " \
           "(card/index.html); shorten it to print it in full" in result.stderr.splitlines()
    card = (tmp_path / "site/card/index.html").read_text()
    assert "data-cut" in card  # card-sizes.css then sets each text's line limit:
    assert "--vars-lines: 2;" in (tmp_path / "site/assets/card-sizes.css").read_text().split(".card[data-cut]")[1]


def test_the_cards_sizes_and_line_limits_have_one_source():
    css = (ROOT / "assets/card.css").read_text()
    assert not re.search(r"line-clamp:\s*\d", css), "line limits belong to repcard/card.py"
    for name, text in TEXTS.items():
        assert f"var(--{name})" in css, name
        assert f"{text.size:g}pt" not in css.replace("8pt", ""), f"{name}'s size is written in card.css too"


# --- messages a newcomer meets ----------------------------------------------------------------


def problems(root) -> list[str]:
    with pytest.raises(ContentError) as caught:
        load(root)
    return [str(p) for p in caught.value.problems]


def test_a_quoted_number_says_to_drop_the_quotes(tmp_path):
    root = write_tree(tmp_path, {"index.md": MINIMAL_INDEX,
                                 "exercises/a.md": "---\ntitle: A\npair: 1A\nsets: \"3\"\nreps: 10\n---\n"})
    assert problems(root) == [f"{root}/exercises/a.md:4: sets: expected a whole number from 1 to 20, "
                              "got '3' (a number in quotes is text: drop the quotes)"]


def test_a_tab_in_yaml_says_to_indent_with_spaces(tmp_path):
    root = write_tree(tmp_path, {"index.md": MINIMAL_INDEX,
                                 "exercises/a.md": "---\ntitle: A\npair: 1A\nsets: 2\nreps: 10\nmuscles:\n\t- glutes\n---\n"})
    assert problems(root) == [f"{root}/exercises/a.md:7: invalid YAML: a tab character; "
                              "YAML is indented with spaces, never tabs"]


def test_a_slot_used_twice_names_both_files_once_and_nothing_else(tmp_path):
    root = write_tree(tmp_path, {"index.md": MINIMAL_INDEX,
                                 "exercises/a.md": exercise_text("A", "1A"),
                                 "exercises/b.md": exercise_text("B", "1A"),
                                 "exercises/c.md": exercise_text("C", "1C")})
    assert problems(root) == [f"{root}/exercises/b.md:3: pair: 1A is also used by {root}/exercises/a.md; "
                              "give each exercise its own slot"]


def test_an_exercise_saved_as_capital_md_is_read(tmp_path):
    root = write_tree(tmp_path, {"index.md": MINIMAL_INDEX,
                                 "exercises/a.md": exercise_text("A", "1A"),
                                 "exercises/b.MD": exercise_text("B", "1B")})
    assert [s.slug for s in load(root).routines[0].slots] == ["a", "b"]


def test_check_says_it_wrote_nothing_and_help_says_where_the_defaults_are(tmp_path):
    root = write_tree(tmp_path, {"index.md": MINIMAL_INDEX, "exercises/a.md": exercise_text("A", "1A", sets=0)})
    result = run_build("check", "--content", root)
    assert result.returncode == 1 and result.stderr.splitlines()[-1] == "repcard: 1 problem; nothing was written"
    help_text = " ".join(run_build("--help").stdout.split())
    assert "default: site/ beside the config file, else beside build.py, wherever you run it from" in help_text
    assert "build.py new DIR [--force]" in help_text and "build.py import [--content DIR]" in help_text  # every command


# --- images in an exercise's body -------------------------------------------------------------


def test_a_missing_local_image_is_a_problem_with_its_line(tmp_path):
    root = write_tree(tmp_path, {"index.md": MINIMAL_INDEX, "exercises/dead-bug.md":
                                 exercise_text("Dead Bug", "1A") + "\n![The start](dead-bug.jpg)\n"})
    assert problems(root) == [f"{root}/exercises/dead-bug.md:9: image 'dead-bug.jpg' not found: "
                              f"expected the file {root}/exercises/dead-bug.jpg"]


def test_a_local_image_is_copied_beside_the_page_that_shows_it(tmp_path):
    root = write_tree(tmp_path, {"index.md": MINIMAL_INDEX,
                                 "exercises/dead-bug.md": exercise_text("Dead Bug", "1A") +
                                 "\n![The start](photos/start.jpg)\n![Remote](https://example.com/x.jpg)\n",
                                 "exercises/photos/start.jpg": b"\xff\xd8 a jpeg"})
    site = build_files(Options(root, tmp_path / "out", ""))
    assert site["exercises/dead-bug/photos/start.jpg"] == b"\xff\xd8 a jpeg"
    assert '<img alt="The start" src="photos/start.jpg"' in site["exercises/dead-bug/index.html"].decode()


def test_an_image_outside_the_exercise_folder_is_refused(tmp_path):
    root = write_tree(tmp_path, {"index.md": MINIMAL_INDEX, "exercises/a.md":
                                 exercise_text("A", "1A") + "\n![x](../../secret.jpg)\n"})
    [problem] = problems(root)
    assert problem.startswith(f"{root}/exercises/a.md:9: image '../../secret.jpg': expected a file beside")


def test_two_columns_break_at_the_first_of_breaks_with_equal_heights(tmp_path):
    # Seven circuits printed alike: breaking after the third or the fourth leaves columns of
    # equal height, and rounding must not choose between them: the first wins.
    cue = "Brace the ribs down, drive through the whole foot and pause at the top, then lower slowly."
    root = write_tree(tmp_path / "content", {"index.md": MINIMAL_INDEX} | {
        f"exercises/m{n}{letter.lower()}.md": exercise_text(f"Move {n}{letter}", f"{n}{letter}", extra=f"cue: {cue}\n")
        for n in range(1, 8) for letter in "ABCD"})
    layout = plan_card(load(root).routines[0], with_qr=False)
    assert layout.columns == 2 and layout.split == 3
