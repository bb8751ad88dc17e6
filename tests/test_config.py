"""repcard.toml: every key checked with its line, flags over the file, --strict, renamed keys."""

from __future__ import annotations

import shutil
from pathlib import Path

from repcard.config import KEYS, Renamed, Settings, key_lines, parse_config
from repcard.pipeline import Options, build_files

from .conftest import MINIMAL_INDEX, ROOT, SEED, exercise_text, read_tree, run_build, write_tree

LIBRARY = ROOT / "tests/fixtures/library"


def test_each_key_is_found_on_its_line_whatever_surrounds_it():
    text = "\n".join([
        '# a comment: paper = "A4"',                      # 1
        'content = "words"  # content = "not this"',       # 2
        'notes = """',                                      # 3
        'output = "inside a string"',                       # 4
        '"""',                                              # 5
        "list = [",                                         # 6
        '  "a", # ]',                                       # 7
        '  "cache = x",',                                   # 8
        "]",                                                # 9
        '"base_url" = "https://example.com/"',              # 10
        "  raw_html=true",                                  # 11
        "paper.size = 'A4'",                                # 12
        "literal = '''",                                    # 13
        "weight_unit = 'kg'",                               # 14
        "'''",                                              # 15
        'weight_unit = "lb"\r',                             # 16
        "[table]",                                          # 17
        "cache = 1",                                        # 18
        "[[more]]",                                         # 19
    ])
    assert key_lines(text) == {"content": 2, "notes": 3, "list": 6, "base_url": 10, "raw_html": 11, "paper": 12,
                               "literal": 13, "weight_unit": 16, "table": 17, "more": 19}


def problems(text: str, **renamed: Renamed) -> list[str]:
    values, problems, warnings = parse_config("repcard.toml", text, renamed or None)
    return [str(problem) for problem in problems + warnings]


def test_every_mistake_is_a_line_naming_the_key_and_what_it_expects():
    text = ('content = ""\noutput = 3\n\nbase_url = "ftp://x"\nweight_unit = "stone"\npaper = "A5"\n'
            'raw_html = "yes"\nweight-unit = "kg"\n[site]\ntitle = "x"\n')
    assert problems(text) == [
        "repcard.toml:1: content: expected a folder, as a string such as \"content\" (relative to repcard.toml), got ''",
        "repcard.toml:2: output: expected a folder, as a string such as \"content\" (relative to repcard.toml), got 3",
        "repcard.toml:4: base_url: expected an absolute http(s) address such as https://you.github.io/site/, "
        "got 'ftp://x'",
        "repcard.toml:5: weight_unit: expected \"kg\" or \"lb\", got 'stone'",
        "repcard.toml:6: paper: expected \"A4 or Letter\", \"A4\" or \"Letter\", got 'A5'",
        "repcard.toml:7: raw_html: expected true or false (no quotes), got 'yes'",
        f"repcard.toml:8: unknown key 'weight-unit' (did you mean 'weight_unit'?); allowed: {', '.join(KEYS)}",
        f"repcard.toml:9: unknown table [site]; repcard.toml has no tables, its keys stand at the top; "
        f"allowed: {', '.join(KEYS)}",
    ]


def test_a_base_url_with_a_space_is_refused_not_written_into_every_link():
    assert problems('base_url = "https://me.github.io/a b/"\n') == [
        "repcard.toml:1: base_url: expected an address without spaces, quotes or <>{}|\\^`: write a space as %20, "
        "got 'https://me.github.io/a b/'"]
    assert problems('base_url = "https://me.github.io/a%20b/"\n') == []


def test_good_values_are_read_in_any_case():
    values, found, warnings = parse_config("repcard.toml", 'paper = "a4"\nweight_unit = "LB"\nbase_url = '
                                           '"https://me.github.io/legs"\nraw_html = true\ncache = "/tmp/c"\n')
    assert values == {"paper": "A4", "weight_unit": "lb", "base_url": "https://me.github.io/legs/",
                      "raw_html": True, "cache": Path("/tmp/c")}
    assert found == warnings == []


def test_invalid_toml_names_its_line():
    assert problems('content = "a"\npaper = A4\n') == [
        "repcard.toml:2: invalid TOML: Invalid value (column 9)"]
    # A key written twice is said as the content files say it (tomllib: "Cannot overwrite a value").
    assert problems('content = "a"\n# the other\n"content" = "b"\n') == [
        "repcard.toml:3: content: written twice, on lines 1 and 3; keep one"]
    assert problems('a.b = 1\na.b = 2\n')[0].startswith("repcard.toml:2: invalid TOML: ")  # no top-level key: as TOML says it
    # tomllib reads nesting by recursion: a thousand [ were a traceback.
    assert problems("a = " + "[" * 5000 + "]" * 5000 + "\n") == [
        "repcard.toml: invalid TOML: values nested too deeply; repcard.toml's are plain values"]


def test_a_renamed_key_is_read_under_its_new_name_with_a_warning_on_its_line():
    # The product renames nothing yet: the mechanism, with a table of this test's own.
    renamed = {"paper_size": Renamed("paper", "0.2.0")}
    values, found, warnings = parse_config("repcard.toml", 'content = "c"\npaper_size = "A4"\n', renamed)
    assert values["paper"] == "A4" and found == []
    assert [str(w) for w in warnings] == [
        "repcard.toml:2: warning: paper_size is called paper since repcard 0.2.0: rename it here "
        "(it is read as paper meanwhile)"]
    assert problems('paper = "A4"\npaper_size = "A4"\n', paper_size=Renamed("paper", "0.2.0")) == [
        "repcard.toml:2: paper_size is called paper since repcard 0.2.0, and paper is set too (line 1): "
        "remove paper_size"]


# --- the command line ----------------------------------------------------------------------------


def a_site(tmp_path, toml: str, content=SEED):
    shutil.copytree(content, tmp_path / "content")
    (tmp_path / "repcard.toml").write_text(toml)
    return tmp_path


def test_a_config_mistake_is_reported_as_repcard_toml_line_message_and_nothing_is_built(tmp_path):
    site = a_site(tmp_path, 'output = "public"\npaper = "A5"\nlanguage = "klingon"\n')
    result = run_build("--config", site / "repcard.toml")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        f"{site}/repcard.toml:2: paper: expected \"A4 or Letter\", \"A4\" or \"Letter\", got 'A5'",
        f"{site}/repcard.toml:3: language: expected \"en\", \"ar\", \"de\", \"es\" or \"fr\", got 'klingon'",
        f"repcard: 2 problems; {site}/public was left as it was"]
    assert not (site / "public").exists()
    flagged = run_build("--config", site / "repcard.toml", "--output", site / "out")  # the flag wins, here too
    assert flagged.stderr.splitlines()[-1] == f"repcard: 2 problems; {site}/out was left as it was"


def test_folders_in_the_config_are_beside_it_and_flags_win(tmp_path):
    site = a_site(tmp_path, 'output = "public"\nbase_url = "https://me.github.io/a/"\n')
    result = run_build("--config", site / "repcard.toml", cwd=tmp_path.parent)
    assert result.returncode == 0, result.stderr
    assert 'href="https://me.github.io/a/"' in (site / "public/index.html").read_text()
    result = run_build("--config", site / "repcard.toml", "--output", site / "elsewhere",
                       "--base-url", "https://me.github.io/b/")
    assert result.returncode == 0, result.stderr
    assert 'href="https://me.github.io/b/"' in (site / "elsewhere/index.html").read_text()


def test_a_named_config_that_is_missing_is_a_problem(tmp_path):
    result = run_build("check", "--config", tmp_path / "repcard.toml")
    assert result.returncode == 1
    assert result.stderr.startswith(f"{tmp_path}/repcard.toml: cannot read the file: No such file or directory")


def test_strict_fails_on_a_warning_and_leaves_the_site_as_it_was(tmp_path):
    content = write_tree(tmp_path / "content", {
        "index.md": MINIMAL_INDEX,
        "exercises/a.md": exercise_text("A", "1A") + "\n<div>raw</div>\n"})
    out = tmp_path / "site"
    relaxed = run_build("--content", content, "--output", out)
    assert relaxed.returncode == 0 and ": warning: raw HTML <div> (and 1 more) is shown as text" in relaxed.stderr
    before = read_tree(out)
    strict = run_build("--content", content, "--output", out, "--strict")
    assert strict.returncode == 1
    assert strict.stderr.splitlines()[-1] == f"repcard: 1 problem; {out} was left as it was"
    assert read_tree(out) == before
    assert run_build("check", "--content", content, "--strict").returncode == 1


def test_raw_html_in_the_config_lets_html_through_site_wide(tmp_path):
    site = a_site(tmp_path, "raw_html = true\n", content=write_tree(tmp_path / "src", {
        "index.md": MINIMAL_INDEX, "exercises/a.md": exercise_text("A", "1A") + "\n<div>raw</div>\n"}))
    result = run_build("--config", site / "repcard.toml", "--strict")
    assert result.returncode == 0, result.stderr
    assert "<div>raw</div>" in (site / "site/exercises/a/index.html").read_text()


def test_the_weight_unit_and_the_paper_reach_the_pages(tmp_path):
    pages = build_files(Options(LIBRARY, tmp_path / "out", "", settings=Settings(weight_unit="lb", paper="A4")))
    workout = pages["routines/before-a-run/workout/index.html"].decode()
    assert 'data-unit="lb"' in workout
    card = pages["routines/before-a-run/card/index.html"].decode()
    assert "Prints on one page of A4" in card and 'href="../../../assets/paper-a4.css"' in card
    assert 'data-paper="A4"' in card and b"size: A4" in pages["assets/paper-a4.css"]
    default = build_files(Options(LIBRARY, tmp_path / "out", ""))["routines/before-a-run/card/index.html"].decode()
    assert "A4 or US Letter" in default and "paper-" not in default

