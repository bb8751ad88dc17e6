"""A fork with its own routine: the Pages workflow's steps, run here as the runner runs them."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import yaml

from bench.generate import generate

from .browser.conftest import CHROMIUM
from .conftest import ROOT, exercise_text, write_tree

WORKFLOW = ROOT / ".github/workflows/pages.yml"
ADDRESS = "https://someone.github.io/their-fork"
# What a fork holds besides content/ (its own), as a clone has it.
PROJECT = ["build.py", "repcard", "templates", "assets", "tests", "bench", "Makefile", "pytest.ini",
           "requirements.txt", "requirements-publish.txt"]


def fork_with(content: Path, tmp_path: Path) -> Path:
    fork = tmp_path / "fork"
    for name in PROJECT:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, fork / name, ignore=shutil.ignore_patterns("__pycache__", "node_modules", ".*"))
        else:
            fork.mkdir(exist_ok=True)
            shutil.copy2(source, fork / name)
    shutil.copytree(content, fork / "content")
    return fork


def run_workflow_steps(fork: Path) -> subprocess.CompletedProcess:
    """The `run:` steps of the build job, with the address configure-pages would report.

    The runner's Chrome is Debian's Chromium here, and the project's virtual environment
    stands in for the one `make` would create (-o: it is not remade).
    """
    steps = yaml.safe_load(WORKFLOW.read_text())["jobs"]["build"]["steps"]
    venv = ROOT / ".venv"
    script = "set -e\n" + "\n".join(
        step["run"].replace("${{ steps.pages.outputs.base_url }}", ADDRESS)
                   .replace("CHROMIUM=/usr/bin/google-chrome", f"CHROMIUM={CHROMIUM}")
                   .replace("make ", f"make VENV={venv} -o {venv}/.publish -o {venv}/.runtime ")
        for step in steps if "run" in step)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REPCARD_", "PYTEST_"))}
    return subprocess.run(["bash", "-c", script], cwd=fork, capture_output=True, text=True, timeout=300,
                          env=env | {"PYTHONDONTWRITEBYTECODE": "1"})


def test_a_fork_with_a_different_routine_passes_the_deploy_steps(tmp_path):
    # Three circuits, one a triple, exercises with 2 or 3 sets, timed holds, per-side reps.
    content = generate(tmp_path / "theirs", 7, per_circuit=3, words=60, seed=11)
    result = run_workflow_steps(fork_with(content, tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "passed" in result.stdout and "failed" not in result.stdout
    home = (tmp_path / "fork/site/index.html").read_text()
    assert "Synthetic Routine of 7" in home and f'href="{ADDRESS}/"' in home


def test_a_fork_with_a_mistake_fails_the_deploy_with_path_and_line(tmp_path):
    content = write_tree(tmp_path / "theirs", {
        "index.md": "---\ntitle: Mine\n---\n",
        "exercises/dead-bug.md": exercise_text("Dead Bug", "1A", sets=0),
    })
    result = run_workflow_steps(fork_with(content, tmp_path))
    assert result.returncode != 0
    assert "content/exercises/dead-bug.md:4: sets: expected a whole number from 1 to 20, got 0" in result.stderr
    assert not (tmp_path / "fork/site").exists()
