"""build.py as a user runs it: exit status, messages, determinism, atomic output."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time

import pytest

from .conftest import MINIMAL_INDEX, ROOT, SEED, exercise_text, read_tree, run_build, write_tree


def test_build_writes_the_site_and_says_where(tmp_path):
    result = run_build("--content", SEED, "--output", tmp_path / "my site")
    assert result.returncode == 0, result.stderr
    pages = len(list((tmp_path / "my site").rglob("*.html")))
    # The way to serve it from where it was built: the same folders, quoted for the shell.
    python = os.path.relpath(sys.executable, ROOT)  # as run_build runs it, from the project's folder
    assert result.stdout.startswith(f"repcard: built {pages} pages into {tmp_path / 'my site'}; see it with "
                                    f"`{sys.executable if python.startswith('..') else python} build.py "
                                    f"--content {SEED} --output '{tmp_path / 'my site'}'")
    assert result.stdout.endswith(" serve`\n")
    for path in ("index.html", "exercises/glute-bridge/index.html", "card/index.html", "404.html", "assets/style.css"):
        assert (tmp_path / "my site" / path).is_file()


def test_two_builds_are_byte_identical(tmp_path):
    for name in ("one", "two"):
        assert run_build("--content", SEED, "--output", tmp_path / name).returncode == 0
    assert read_tree(tmp_path / "one") == read_tree(tmp_path / "two")


def test_bad_content_exits_1_with_every_problem_and_no_traceback(seed, tmp_path):
    (seed / "exercises/glute-bridge.md").write_text("---\ntitle: Bridge\npair: 1A\nsets: zero\nreps: 10\n---\n")
    (seed / "exercises/step-ups.md").write_text("---\ntitle: [Step\n---\n")
    result = run_build("--content", seed, "--output", tmp_path / "site")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert lines[0] == f"{seed}/exercises/glute-bridge.md:4: sets: expected a whole number from 1 to 20, got 'zero'"
    assert lines[1].startswith(f"{seed}/exercises/step-ups.md:2: invalid YAML: a [list] or {{mapping}} opened on this line is not closed")
    assert lines[-1] == f"repcard: 2 problems; {tmp_path}/site was left as it was"


def test_a_failed_build_leaves_the_previous_site_untouched(seed, tmp_path):
    out = tmp_path / "site"
    assert run_build("--content", seed, "--output", out).returncode == 0
    before = read_tree(out)
    (seed / "exercises/band-walking.md").write_text("---\ntitle: Walk\npair: 1A\nsets: 2\nreps: 20\n---\n")
    assert run_build("--content", seed, "--output", out).returncode == 1
    assert read_tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["content", "site"]  # no staging left over


def test_a_rebuild_replaces_the_whole_site(seed, tmp_path):
    out = tmp_path / "site"
    assert run_build("--content", seed, "--output", out).returncode == 0
    (out / "stale.html").write_text("old")
    (seed / "exercises/romanian-deadlift.md").unlink()
    assert run_build("--content", seed, "--output", out).returncode == 0
    assert not (out / "stale.html").exists()
    assert not (out / "exercises/romanian-deadlift").exists()
    assert (out / "exercises/reverse-lunge/index.html").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["content", "site"]


def test_a_staging_folder_left_by_a_killed_build_is_cleared(tmp_path):
    leftover = write_tree(tmp_path / ".site.building-abc123", {"index.html": "half"})
    assert run_build("--content", SEED, "--output", tmp_path / "site").returncode == 0
    assert not leftover.exists()


def test_check_validates_without_writing(tmp_path):
    result = run_build("check", "--content", SEED, "--output", tmp_path / "site")
    assert result.returncode == 0 and "is valid" in result.stdout
    assert not (tmp_path / "site").exists()


def test_check_reports_problems_like_build(tmp_path):
    root = write_tree(tmp_path / "c", {"index.md": "---\ntitle: T\n---\n"})
    result = run_build("check", "--content", root)
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == f"{root}/exercises: no exercises: add one .md file per exercise here"


def test_wrong_usage_exits_2():
    assert run_build("deploy").returncode == 2
    result = run_build("--base-url", "ftp://example.com")
    assert result.returncode == 2 and "expected an absolute http(s) address" in result.stderr


def test_help_explains_every_option():
    result = run_build("--help")
    assert result.returncode == 0
    for option in ("--content", "--output", "--base-url", "--port", "check", "serve"):
        assert option in result.stdout


def test_default_paths_are_beside_build_py_whatever_the_working_directory(tmp_path):
    result = run_build("check", cwd=tmp_path)
    # Valid or not (content/ is the user's), check read content/ beside build.py, and wrote nothing.
    said = result.stdout + result.stderr
    assert result.returncode in (0, 1) and "Traceback" not in said, said
    assert f"{ROOT / 'content'} is valid" in said or f"{ROOT / 'content'}/" in result.stderr, said
    assert list(tmp_path.iterdir()) == []


def test_unwritable_output_is_one_line_not_a_traceback(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = run_build("--content", SEED, "--output", blocker / "site")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "cannot write the site" in result.stderr


def test_the_repository_never_holds_a_built_site():
    assert "site/" in (ROOT / ".gitignore").read_text().split()


def test_an_output_folder_that_is_not_a_site_is_refused(tmp_path):
    notes = write_tree(tmp_path / "notes", {"diary.txt": "do not lose me"})
    result = run_build("--content", SEED, "--output", notes)
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == (f"{notes}: refusing to replace {notes}: it is not empty and is no site "
                                             "repcard built (neither its sw.js nor its index.html is repcard's); choose a new "
                                             "or empty folder")
    assert (notes / "diary.txt").read_text() == "do not lose me"
    # An index.html does not make a folder repcard's: a hand-made site, a thesis beside it.
    write_tree(notes, {"index.html": "<p>my old site</p>", "sw.js": "// my own worker"})
    assert run_build("--content", SEED, "--output", notes).returncode == 1
    assert (notes / "diary.txt").read_text() == "do not lose me"


def test_a_site_built_with_its_own_service_worker_is_built_again(tmp_path):
    """A site's own templates/sw.js, without repcard's cache name: its home page still says it is repcard's."""
    site = write_tree(tmp_path / "mine", {"repcard.toml": "", "templates/sw.js": "// no offline copies here\n"})
    shutil.copytree(SEED, site / "content")
    for _ in range(2):
        result = run_build("--config", site / "repcard.toml")
        assert result.returncode == 0, result.stderr
    assert (site / "site/sw.js").read_text() == "// no offline copies here\n"


def test_a_repository_in_the_output_folder_is_never_replaced(tmp_path):
    """A gh-pages checkout given as the output: the swap took its .git and CNAME with it."""
    site = tmp_path / "gh-pages"
    assert run_build("--content", SEED, "--output", site).returncode == 0
    write_tree(site, {".git/HEAD": "ref: refs/heads/gh-pages\n", "CNAME": "example.com\n"})
    result = run_build("--content", SEED, "--output", site)
    assert result.returncode == 1 and result.stderr.splitlines()[0] == (
        f"{site}: refusing to replace {site}: it holds .git, a repository, and the folder is replaced whole; "
        "build into a folder of its own")
    assert (site / ".git/HEAD").is_file() and (site / "CNAME").is_file()


def test_an_output_folder_that_is_a_link_is_built_where_it_leads(tmp_path):
    """The swap replaced the link with a folder; the folder it led to (a web server's) kept the old site."""
    served = tmp_path / "www/site"
    assert run_build("--content", SEED, "--output", served).returncode == 0
    (served / "stale.html").write_text("from before")
    (tmp_path / "link").symlink_to(served)
    assert run_build("--content", SEED, "--output", tmp_path / "link").returncode == 0
    assert (tmp_path / "link").is_symlink() and (served / "index.html").is_file()
    assert not (served / "stale.html").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link", "www"]  # nothing left beside the link


def test_an_output_folder_holding_the_content_or_the_project_is_refused(seed, tmp_path):
    result = run_build("--content", seed, "--output", tmp_path)
    assert result.returncode == 1 and f"it holds {seed}" in result.stderr
    result = run_build("--output", ROOT)
    assert result.returncode == 1 and "refusing to replace" in result.stderr
    assert (ROOT / "build.py").is_file()
    # The cache in the site: published, the parsed files with this machine's paths, then wiped.
    for cache in (tmp_path / "site", tmp_path / "site/.cache"):
        result = run_build("--content", seed, "--output", tmp_path / "site", "--cache", cache)
        assert result.returncode == 1 and result.stderr.splitlines()[0] == (
            f"{tmp_path}/site: refusing to build {tmp_path}/site with its cache {cache} inside it: "
            "choose a cache folder outside the site")


# --- what builds keep for the next one: parsed files, photos linked from the cache ---------------


def parsing_counted(monkeypatch) -> list[list[str]]:
    """The files each build parses, build by build."""
    from repcard import content

    asked: list[list[str]] = []
    real = content.read_exercises
    monkeypatch.setattr(content, "read_exercises", lambda paths: asked.append(sorted(paths)) or real(paths))
    return asked


def test_a_build_parses_only_the_files_changed_since_the_last(seed, tmp_path, monkeypatch):
    from repcard import pipeline

    asked = parsing_counted(monkeypatch)
    options = pipeline.Options(seed, tmp_path / "site", "", cache=tmp_path / "cache")
    assert pipeline.build(options) == [] and len(asked[-1]) == 6
    first = read_tree(tmp_path / "site")
    [store] = (tmp_path / "cache/parsed").iterdir()
    written = store.stat().st_mtime_ns, store.stat().st_ino
    assert pipeline.build(options) == [] and asked[-1] == []
    assert (store.stat().st_mtime_ns, store.stat().st_ino) == written  # nothing new to keep: not rewritten
    assert read_tree(tmp_path / "site") == first
    edited = seed / "exercises/glute-bridge.md"
    edited.write_text(edited.read_text().replace("title: Glute Bridge", "title: Glute Bridge, Edited"))
    os.utime(edited, ns=(edited.stat().st_mtime_ns - 10**9,) * 2)  # an edit settled on the disk
    assert pipeline.build(options) == [] and asked[-1] == [str(edited)]
    assert "Glute Bridge, Edited" in (tmp_path / "site/exercises/glute-bridge/index.html").read_text()
    monkeypatch.setattr(pipeline, "_code_fingerprint", lambda: "another version of repcard")
    assert pipeline.build(options) == [] and len(asked[-1]) == 6  # new code parses everything again


def test_a_damaged_or_unwritable_parse_store_costs_only_time(seed, tmp_path, monkeypatch):
    from repcard import pipeline

    asked = parsing_counted(monkeypatch)
    options = pipeline.Options(seed, tmp_path / "site", "", cache=tmp_path / "cache")
    assert pipeline.build(options) == []
    [store] = (tmp_path / "cache/parsed").iterdir()
    store.write_bytes(store.read_bytes()[:100])
    killed, running = store.with_name(".tmp-killed"), store.with_name(".tmp-running")  # what a killed build left
    for leftover, age in ((killed, 7200), (running, 0)):
        leftover.write_bytes(b"half a store")
        os.utime(leftover, (leftover.stat().st_mtime - age,) * 2)
    assert pipeline.build(options) == [] and len(asked[-1]) == 6
    assert not killed.exists() and running.exists()  # a young one may be another build's
    (tmp_path / "blocker").write_text("a file where the cache would go")
    stuck = pipeline.Options(seed, tmp_path / "site", "", cache=tmp_path / "blocker")
    assert pipeline.build(stuck) == [] and len(asked[-1]) == 6


def test_photos_are_linked_from_the_cache_or_copied_where_links_fail(tmp_path, monkeypatch):
    from repcard import pipeline, write

    library = ROOT / "tests/fixtures/library"
    options = pipeline.Options(library, tmp_path / "site", "", cache=tmp_path / "cache")
    assert pipeline.build(options) == []
    photos = sorted((tmp_path / "site/exercises").rglob("*.webp"))
    cached = {p.stat().st_ino for p in (tmp_path / "cache/photos").glob("*.webp")}
    assert photos and all(p.stat().st_ino in cached for p in photos)  # no copy
    linked = read_tree(tmp_path / "site")

    def refused(source, target):
        raise OSError(18, "Invalid cross-device link")

    monkeypatch.setattr(write.os, "link", refused)
    assert pipeline.build(options) == []
    assert all(p.stat().st_ino not in cached for p in (tmp_path / "site/exercises").rglob("*.webp"))
    assert read_tree(tmp_path / "site") == linked


@pytest.mark.parametrize("path", ["../x.html", "/etc/x", "a/../../b", "a\\b", "", ".", "./"])
def test_the_writer_refuses_a_site_path_that_could_leave_the_site(path):
    from repcard.write import check_site_path

    with pytest.raises(ValueError, match="refusing to write outside the site"):
        check_site_path(path)
    for plain in ("exercises/glute-bridge/index.html", "exercises/x/./a.png", "exercises/x//a.png"):
        check_site_path(plain)  # an image a body names as ./a.png lands beside its page


def test_an_image_named_from_the_exercise_s_folder_builds(tmp_path):
    files = {"index.md": MINIMAL_INDEX, "exercises/e.md": exercise_text("E", "1A") + "![A bridge](./a.png)\n"}
    root = write_tree(tmp_path / "content", files)
    (root / "exercises/a.png").write_bytes((ROOT / "assets/icon-192.png").read_bytes())
    result = run_build("--content", root, "--output", tmp_path / "site")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "site/exercises/e/a.png").read_bytes() == (root / "exercises/a.png").read_bytes()


def test_build_py_without_its_packages_says_how_to_get_them_in_one_line():
    # -S: a Python that sees no site-packages, as a system python3 without the project's .venv.
    result = subprocess.run([sys.executable, "-S", str(ROOT / "build.py"), "--help"], capture_output=True, text=True,
                            timeout=30)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    [line] = result.stderr.splitlines()
    assert line.startswith("repcard: the Python package '") and "run `make build` once" in line


def test_compiled_templates_are_kept_in_the_cache_and_an_edited_one_compiled_again(tmp_path):
    import shutil

    from repcard.pipeline import Options, build

    templates = shutil.copytree(ROOT / "templates", tmp_path / "templates")
    options = Options(SEED, tmp_path / "one", "", templates, cache=tmp_path / "cache")
    assert build(options) == []
    kept = sorted((tmp_path / "cache/templates").rglob("*.cache"))
    assert len(kept) >= 10  # every template the seed's pages use, compiled once
    (templates / "404.html").write_text((templates / "404.html").read_text().replace('_("Not found")', '"Gone"'))
    assert build(Options(SEED, tmp_path / "two", "", templates, cache=tmp_path / "cache")) == []
    assert "<h1>Gone</h1>" in (tmp_path / "two/404.html").read_text()
    assert read_tree(tmp_path / "one").keys() == read_tree(tmp_path / "two").keys()
    assert not list((tmp_path / "cache").rglob("*.tmp"))  # each written whole


def test_a_build_drops_compiled_templates_no_build_read_for_a_month(tmp_path):
    from repcard.pipeline import Options, build

    options = Options(SEED, tmp_path / "site", "", cache=tmp_path / "cache")
    assert build(options) == []
    [ours] = (tmp_path / "cache/templates").iterdir()
    month_ago = time.time() - 31 * 86400
    older = tmp_path / "cache/templates/0123456789abcdef"  # an older repcard's
    write_tree(older, {"__jinja2_old.cache": "x"})
    write_tree(ours, {"__jinja2_edited.cache": "x", "__jinja2_yesterday.cache": "x"})
    # The cache may be any folder: what no build wrote is never touched, however old.
    strangers = [ours / "notes.txt", tmp_path / "cache/templates/partials/footer.html"]
    write_tree(tmp_path, {str(path.relative_to(tmp_path)): "mine" for path in strangers})
    for path in (older / "__jinja2_old.cache", ours / "__jinja2_edited.cache", *strangers):
        os.utime(path, (month_ago, month_ago))
    used = len(list(ours.iterdir())) - 3
    assert build(options) == []
    assert not older.exists()
    assert not (ours / "__jinja2_edited.cache").exists() and (ours / "__jinja2_yesterday.cache").exists()
    assert all(path.read_text() == "mine" for path in strangers)
    assert len(list(ours.iterdir())) == used + 2  # every template this build read, kept, and the stranger


def test_a_cache_folder_that_is_a_file_costs_only_time(tmp_path):
    (tmp_path / "cache").write_text("not a folder")
    result = run_build("--content", SEED, "--output", tmp_path / "site", "--cache", tmp_path / "cache")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "site/index.html").is_file()


def test_a_body_image_is_a_picture_whose_name_no_page_or_resized_photo_has(tmp_path):
    """Copied beside the exercise's page as it is, an index.html would be that page (with none of
    its policy), and a file named as a resized photo would take its place."""
    import shutil

    content = shutil.copytree(ROOT / "tests/fixtures/library", tmp_path / "content")
    exercise = content / "exercises/glute-bridge.md"
    (content / "exercises/index.html").write_text("<h1>IMPOSTOR</h1><script>alert(1)</script>")
    (content / "exercises/glute-bridge-0-360.webp").write_bytes((content / "exercises/glute-bridge/0.jpg").read_bytes())
    exercise.write_text(exercise.read_text() + "\n![a](index.html)\n")
    result = run_build("--content", content, "--output", tmp_path / "site", "--cache", tmp_path / "cache")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"{exercise}:" in result.stderr and "image 'index.html': expected a picture (.png, .jpg, .jpeg, .gif, " \
        ".webp, .avif, .svg), not .html" in result.stderr
    exercise.write_text(exercise.read_text().replace("![a](index.html)", "![a](glute-bridge-0-360.webp)"))
    result = run_build("--content", content, "--output", tmp_path / "site", "--cache", tmp_path / "cache")
    assert result.returncode == 1, result.stderr
    assert f"{exercise}:24: image 'glute-bridge-0-360.webp': a resized photo has this name beside the exercise's page; " \
        "rename the image" in result.stderr
    assert not (tmp_path / "site").exists()


def test_an_svg_in_a_body_needs_raw_html_let_through(tmp_path):
    """Copied as it is and opened on its own, an SVG's script ran on the site's address, the workout
    log in reach: no page's policy covers it. Content that is all the author's may have one."""
    import shutil

    content = shutil.copytree(ROOT / "tests/fixtures/library", tmp_path / "content")
    exercise = content / "exercises/band-walking.md"
    (content / "exercises/steps.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>')
    exercise.write_text(exercise.read_text() + "\n![The steps](steps.svg)\n")
    line = exercise.read_text().count("\n")
    result = run_build("--content", content, "--output", tmp_path / "site", "--cache", tmp_path / "cache")
    assert result.returncode == 1 and not (tmp_path / "site").exists()
    assert result.stderr.splitlines()[0] == (f"{exercise}:{line}: image 'steps.svg': an SVG can carry a script that "
                                             "runs on the site; use a .png or .webp, or, if every content file is "
                                             "yours, let raw HTML through (raw_html: true in index.md)")
    index = content / "index.md"
    index.write_text(index.read_text().replace("---\n", "---\nraw_html: true\n", 1))
    result = run_build("--content", content, "--output", tmp_path / "site", "--cache", tmp_path / "cache")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "site/exercises/band-walking/steps.svg").is_file()


def test_help_takes_a_percent_sign_in_the_commands_path():
    """build.py names itself as it was run: a "%" in its path was read as a placeholder, a traceback."""
    from repcard.cli import make_parser

    parser = make_parser(".venv/bin/python /tmp/100%x/build.py", "beside build.py")
    assert parser.format_usage().startswith("usage: .venv/bin/python /tmp/100%x/build.py [options] [build|check")
    assert "/tmp/100%x/build.py import [--content DIR]" in parser.format_help()
