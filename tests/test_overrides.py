"""A site's own templates/ and assets/ shadow the theme's, file by file (issue 23)."""

from __future__ import annotations

import shutil
from pathlib import Path

from repcard import theme
from repcard.pipeline import Options, build_files
from repcard.static import served

from .conftest import ROOT, SEED, run_build, write_tree

FOOTER = '</main>\n<footer class="coach">Coached by Sam</footer>'


def a_site_with_overrides(tmp_path: Path) -> Path:
    """The seed routine, repcard.toml, a base.html of its own with a footer, a style.css of its
    own, and a partial and an asset the theme does not have."""
    site = tmp_path / "mine"
    shutil.copytree(SEED, site / "content")
    (site / "repcard.toml").write_text('output = "public"\n')
    base = (ROOT / "templates/base.html").read_text().replace("</main>", FOOTER)
    return write_tree(site, {"templates/base.html": base,
                             "templates/partials/extra.html": "<p>mine</p>\n",
                             "assets/style.css": (ROOT / "assets/style.css").read_text() + ".coach { color: #c00; }\n",
                             "assets/coach.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>"})


def test_the_sites_own_files_win_and_the_theme_gives_the_rest(tmp_path):
    site = a_site_with_overrides(tmp_path)
    result = run_build("--config", site / "repcard.toml", "--verbose")
    assert result.returncode == 0, result.stderr
    out = site / "public"
    assert FOOTER in (out / "index.html").read_text() and FOOTER in (out / "exercises/step-ups/index.html").read_text()
    assert (out / "assets/style.css").read_text().endswith(".coach { color: #c00; }\n")
    assert (out / "assets/card.css").read_bytes() == served("assets/card.css", (ROOT / "assets/card.css").read_bytes())  # the theme's
    assert (out / "assets/coach.svg").is_file()
    said = result.stdout.splitlines()
    assert said[:5] == [
        f"repcard: the theme: {theme.shown(theme.TEMPLATES)} and {theme.shown(theme.ASSETS)}",
        f"repcard: {site}/templates/base.html overrides the theme's base.html",
        f"repcard: {site}/templates/partials/extra.html adds partials/extra.html",
        f"repcard: {site}/assets/coach.svg adds coach.svg",
        f"repcard: {site}/assets/style.css overrides the theme's style.css"]
    quiet = run_build("--config", site / "repcard.toml")
    assert "overrides" not in quiet.stdout


def test_an_override_with_a_mistake_is_named_with_its_own_file_and_line(tmp_path):
    site = a_site_with_overrides(tmp_path)
    base = site / "templates/base.html"
    base.write_text(base.read_text().replace("{{ site.title }}</a>", "{{ site.titel }}</a>"))
    result = run_build("--config", site / "repcard.toml")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    line = next(n for n, text in enumerate(base.read_text().splitlines(), 1) if "site.titel" in text)
    assert result.stderr.startswith(f"{base}:{line}: template error: ")


def test_every_template_that_does_not_compile_is_said_in_one_run(tmp_path):
    site = a_site_with_overrides(tmp_path)
    for name, line in (("routine.html", 3), ("exercise.html", 10)):
        lines = (ROOT / "templates" / name).read_text().split("\n")
        lines[line - 1] += "{% endfor %}" if name == "routine.html" else "{% if %}"
        (site / "templates" / name).write_text("\n".join(lines))
    (site / "templates/base.html~").write_text("{% if %}")  # an editor's copy: no template
    result = run_build("--config", site / "repcard.toml")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    said = [line.split(": template error")[0] for line in result.stderr.splitlines() if "template error" in line]
    assert sorted(said) == [f"{site}/templates/exercise.html:10", f"{site}/templates/routine.html:3"]


def test_an_asset_named_as_a_file_the_build_makes_is_refused_not_replaced(tmp_path):
    site = a_site_with_overrides(tmp_path)
    write_tree(site, {"assets/card-sizes.css": ".mine { color: red }\n", "assets/scripts-0123456789ab.js": "mine();\n",
                      "assets/scripts-mine.js": "mine();\n"})  # not a name the build gives
    result = run_build("--config", site / "repcard.toml")
    assert result.returncode == 1 and result.stderr.splitlines()[:2] == [
        f"{site}/assets/card-sizes.css: card-sizes.css is the name of a file the build makes itself, which would "
        "replace it: name yours otherwise",
        f"{site}/assets/scripts-0123456789ab.js: scripts-0123456789ab.js is the name of a file the build makes "
        "itself, which would replace it: name yours otherwise"]
    assert len(result.stderr.splitlines()) == 3  # and the count


def test_a_page_whose_scripts_name_one_the_assets_lack_is_a_problem_not_a_broken_page(tmp_path):
    site = a_site_with_overrides(tmp_path)
    exercise = (ROOT / "templates/exercise.html").read_text()
    write_tree(site, {"templates/exercise.html": exercise.replace('"exercise.js"]', '"exercise.js", "coach.js"]', 1)})
    result = run_build("--config", site / "repcard.toml")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.splitlines()[0] == ("templates: a page's scripts name assets/coach.js, which is not among "
                                             "the assets (the theme's or the site's own)")
    write_tree(site, {"assets/coach.js": "window.coach = 1;\n"})
    assert run_build("--config", site / "repcard.toml").returncode == 0


def test_an_override_the_theme_later_changes_still_builds(tmp_path):
    # A site's old copy of a template keeps building against a newer theme: here, a theme
    # whose base.html gained a block the site's copy does not have.
    theme_templates = Path(shutil.copytree(ROOT / "templates", tmp_path / "theme"))
    newer = theme_templates / "base.html"
    newer.write_text(newer.read_text().replace("<main id=\"main\">", "{% block banner %}{% endblock %}\n<main id=\"main\">"))
    site = a_site_with_overrides(tmp_path)
    files = build_files(Options(site / "content", tmp_path / "out", "", templates=theme_templates, overrides=site))
    assert FOOTER in files["index.html"].decode()


def test_a_checkout_builds_with_its_own_theme_and_no_overrides():
    # The fork route: the project's own templates/ is the theme, never an override of itself.
    assert Options(SEED, ROOT / "unused", "", overrides=ROOT).template_folders == (theme.shown(theme.TEMPLATES),)
    assert theme.TEMPLATES == ROOT / "templates" and theme.ASSETS == ROOT / "assets"


def test_without_overrides_the_site_is_the_themes(tmp_path):
    site = tmp_path / "plain"
    shutil.copytree(SEED, site / "content")
    (site / "repcard.toml").write_text("")
    result = run_build("--config", site / "repcard.toml", "--verbose")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0].startswith("repcard: the theme: ")
    assert result.stdout.splitlines()[1].startswith("repcard: built 11 pages")  # no file of its own named
    assert (site / "site/assets/style.css").read_bytes() == served("assets/style.css", (ROOT / "assets/style.css").read_bytes())
