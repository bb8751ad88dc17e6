"""repcard installed, not forked (issue 23): a wheel built from this checkout, installed into
a fresh virtual environment, starts a site with `repcard new` away from the checkout, and
that site passes its own Pages workflow's steps, run here as the runner runs them.

No network: the wheel is built with the backend pyproject.toml pins, which requirements-dev.txt
installs into the project's .venv (--no-build-isolation); the fresh venv is given the pinned
dependencies that .venv holds through a .pth file (PyPI would give the same pins), and `pip
check` confirms the wheel's requirements are met by them. Everything else comes from the
wheel: the code, the theme, the console script.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path

import pytest
import yaml

from repcard import __version__

from .browser.conftest import CHROMIUM
from .conftest import ROOT

ADDRESS = "https://coach.github.io/legs"


def run(*command: str | Path, cwd: Path, env: dict | None = None, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run([str(part) for part in command], cwd=cwd, capture_output=True, text=True, timeout=300,
                            env=env)
    assert not check or result.returncode == 0, f"{command}: {result.stdout}{result.stderr}"
    return result


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    wheelhouse = tmp_path_factory.mktemp("wheelhouse")
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-cache-dir", "--quiet",
        "--disable-pip-version-check", "--wheel-dir", wheelhouse, ROOT, cwd=wheelhouse)
    [built] = wheelhouse.glob("repcard-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory) -> Path:
    """A fresh venv (its own pip, none of the project's packages) with the wheel installed:
    returns its bin/ folder."""
    venv = tmp_path_factory.mktemp("fresh") / "venv"
    run(sys.executable, "-m", "venv", venv, cwd=venv.parent)
    python = venv / "bin/python"
    site_packages = Path(run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])",
                             cwd=venv).stdout.strip())
    (site_packages / "project_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    pip = (python, "-m", "pip", "--disable-pip-version-check", "--no-cache-dir", "--quiet")
    run(*pip, "install", "--no-index", "--no-deps", wheel, cwd=venv)
    run(*pip, "check", cwd=venv)
    return venv / "bin"


def environment(bin_folder: Path) -> dict[str, str]:
    """A shell whose `python` and `repcard` are the fresh venv's, as the runner's are after setup-python."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REPCARD_", "PYTEST_", "PYTHON", "VIRTUAL_ENV"))}
    return env | {"PATH": f"{bin_folder}{os.pathsep}{env['PATH']}", "PYTHONDONTWRITEBYTECODE": "1"}


def test_the_wheel_holds_the_theme_the_version_and_the_pinned_dependencies(wheel):
    assert wheel.name == f"repcard-{__version__}-py3-none-any.whl"
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        metadata = archive.read(f"repcard-{__version__}.dist-info/METADATA").decode()
        scripts = archive.read(f"repcard-{__version__}.dist-info/entry_points.txt").decode()
    for folder in ("templates", "assets"):
        shipped = {p.relative_to(ROOT).as_posix() for p in (ROOT / folder).rglob("*") if p.is_file()}
        assert {f"repcard/{name}" for name in shipped} <= names, folder
    assert "repcard/newsite/github/workflows/pages.yml" in names and "repcard/live.js" in names
    assert not [name for name in names if "__pycache__" in name or name.startswith(("tests/", "content/"))]
    pins = [line.split("#")[0].strip() for line in (ROOT / "requirements.txt").read_text().splitlines()]
    assert sorted(re.findall(r"^Requires-Dist: ([^;\n]+)$", metadata, re.M)) == sorted(p for p in pins if p)
    assert "repcard = repcard.entry:main" in scripts
    # The tests build with the backend the project declares (requirements-dev.txt pins the same).
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["build-system"]["requires"]
    dev = (ROOT / "requirements-dev.txt").read_text()
    assert all(requirement in dev for requirement in declared)


def test_the_installed_command_runs_from_the_venv_not_the_checkout(installed, tmp_path):
    env = environment(installed)
    assert run("repcard", "--version", cwd=tmp_path, env=env).stdout == f"repcard {__version__}\n"
    where = run("python", "-c", "import repcard.theme as t; print(t.PACKAGE); print(t.TEMPLATES)",
                cwd=tmp_path, env=env).stdout.split()
    assert all(Path(path).is_relative_to(installed.parent) for path in where), where
    assert run("repcard", "--help", cwd=tmp_path, env=env).stdout.startswith("usage: repcard ")
    # Where the scripts folder is not on the PATH: the same command line as a module.
    assert run("python", "-m", "repcard", "--help", cwd=tmp_path, env=env).stdout.startswith("usage: python -m repcard ")


def test_a_new_site_builds_checks_and_passes_its_own_workflow(installed, wheel, tmp_path):
    env = environment(installed)
    site = tmp_path / "my-routines"
    made = run("repcard", "new", site, cwd=tmp_path, env=env)
    assert f"a new site in {site}, built with repcard {__version__}" in made.stdout
    assert "installed here from file:" in made.stderr  # a local wheel: the workflow installs from PyPI
    assert sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()) == [
        ".github/workflows/pages.yml", ".gitignore", "README.md", "content/exercises/dead-bug.md",
        "content/exercises/glute-bridge.md", "content/index.md", "content/routines/desk-break.md", "repcard.toml"]
    assert list(tmp_path.iterdir()) == [site]  # nothing outside it

    # The workflow's steps, as the runner runs them: repcard installed by its own step at the
    # pinned version (from the wheel, where the runner would reach PyPI), the runner's Chrome
    # Debian's Chromium here.
    run(installed / "python", "-m", "pip", "uninstall", "--yes", "--quiet", "repcard", cwd=tmp_path)
    steps = yaml.safe_load((site / ".github/workflows/pages.yml").read_text())["jobs"]["build"]["steps"]
    runs = [step["run"] for step in steps if "run" in step]
    assert runs[0] == f'python -m pip install "repcard[publish]=={__version__}"'
    script = "set -e\n" + "\n".join(
        line.replace("${{ steps.pages.outputs.base_url }}", ADDRESS)
            .replace("--chromium /usr/bin/google-chrome", f"--chromium {CHROMIUM}")
            .replace("pip install", f"pip install --no-index --no-deps --no-cache-dir --find-links {wheel.parent}")
        for line in runs)
    result = run("bash", "-c", script, cwd=site, env=environment(installed), check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "repcard: site passed the site checks" in result.stdout
    home = (site / "site/index.html").read_text()
    assert "My Routines" in home and f'href="{ADDRESS}/"' in home
    assert (site / "site/routines/desk-break/card/index.html").is_file()


def test_a_new_site_takes_overrides_and_reports_config_mistakes_and_warnings(installed, tmp_path):
    env = environment(installed)
    site = tmp_path / "mine"
    run("repcard", "new", site, cwd=tmp_path, env=env)
    theme = Path(run("python", "-c", "import repcard.theme as t; print(t.TEMPLATES.parent)", cwd=site, env=env).stdout.strip())
    (site / "templates").mkdir()
    (site / "templates/base.html").write_text(
        (theme / "templates/base.html").read_text().replace("</main>", '</main>\n<footer class="coach">Coached by Sam</footer>'))
    (site / "assets").mkdir()
    (site / "assets/style.css").write_text((theme / "assets/style.css").read_text() + ".coach { color: #c00; }\n")
    built = run("repcard", "build", "--verbose", cwd=site, env=env)
    assert "templates/base.html overrides the theme's base.html" in built.stdout
    assert "assets/style.css overrides the theme's style.css" in built.stdout
    assert '<footer class="coach">Coached by Sam</footer>' in (site / "site/routines/desk-break/index.html").read_text()
    assert (site / "site/assets/style.css").read_text().endswith(".coach { color: #c00; }\n")

    toml = site / "repcard.toml"
    good = toml.read_text()
    toml.write_text(good.replace('paper = "A4 or Letter"', 'paper = "A5"'))
    line = good.splitlines().index('paper = "A4 or Letter"') + 1
    wrong = run("repcard", "build", cwd=site, env=env, check=False)
    assert wrong.returncode == 1
    assert wrong.stderr.splitlines()[0] == (f"repcard.toml:{line}: paper: expected \"A4 or Letter\", \"A4\" or "
                                            "\"Letter\", got 'A5'")

    toml.write_text(good)
    exercise = site / "content/exercises/dead-bug.md"
    exercise.write_text(exercise.read_text() + "\n<div>raw</div>\n")
    assert run("repcard", "build", cwd=site, env=env).returncode == 0
    strict = run("repcard", "build", "--strict", cwd=site, env=env, check=False)
    assert strict.returncode == 1 and "warning: raw HTML <div>" in strict.stderr


def test_the_changelog_names_this_version_as_its_latest_release():
    releases = re.findall(r"^## (\d+\.\d+\.\d+)\b", (ROOT / "CHANGELOG.md").read_text(), re.M)
    assert releases[0] == __version__
