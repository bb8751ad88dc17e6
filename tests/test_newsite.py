"""`repcard new DIR`: a ready site, never a file lost, nothing written outside DIR."""

from __future__ import annotations

import json

import pytest

from repcard import __version__, newsite
from repcard.content import load

from .conftest import run_build, write_tree


def test_new_writes_a_site_that_builds_and_refuses_a_folder_that_is_not_empty(tmp_path):
    site = tmp_path / "mine"
    result = run_build("new", site)
    assert result.returncode == 0, result.stderr
    built = load(site / "content")
    [routine] = built.routines
    assert routine.title == "Desk Break" and [s.exercise.title for s in routine.slots] == ["Glute Bridge", "Dead Bug"]
    assert (site / ".gitignore").read_text().split("\n")[1] == "site/"
    assert f"repcard {__version__}" in (site / "README.md").read_text()

    again = run_build("new", site)
    assert again.returncode == 1 and again.stderr.startswith(f"{site}: is not empty: name a new or empty folder")
    assert len(again.stderr.splitlines()) == 1  # one line: no note about a workflow it did not write


def test_force_adds_beside_what_is_there_and_replaces_nothing(tmp_path):
    site = write_tree(tmp_path / "mine", {"content/index.md": "mine", "notes.txt": "keep"})
    result = run_build("new", site, "--force")
    assert result.returncode == 0, result.stderr
    assert (site / "content/index.md").read_text() == "mine" and (site / "notes.txt").read_text() == "keep"
    assert f"{site}/content/index.md: is there already: kept as it is" in result.stderr
    assert (site / "repcard.toml").is_file() and (site / "content/routines/desk-break.md").is_file()


def test_nothing_is_written_through_a_link_out_of_the_folder(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    site = tmp_path / "mine"
    site.mkdir()
    (site / "content").symlink_to(outside)
    result = run_build("new", site, "--force")
    assert result.returncode == 1
    assert list(outside.iterdir()) == []
    assert f"{site}/content/index.md: not written: {site}/content is a link, and may lead outside {site}" in result.stderr


def test_a_file_where_the_folder_should_be_is_refused(tmp_path):
    (tmp_path / "file").write_text("x")
    result = run_build("new", tmp_path / "file")
    assert result.returncode == 1 and result.stderr == f"{tmp_path}/file: is not a folder: name a new or empty folder\n"


class Installed:
    """importlib.metadata's view of a repcard installed with pip, with its direct_url.json."""

    def __init__(self, direct: dict | None, version: str = __version__):
        self.version, self.direct = version, direct

    def read_text(self, name: str) -> str | None:
        return json.dumps(self.direct) if self.direct is not None and name == "direct_url.json" else None


@pytest.mark.parametrize("direct, expected", [
    (None, f"repcard[publish]=={__version__}"),  # from PyPI
    ({"url": "https://github.com/coach/repcard", "vcs_info": {"vcs": "git", "requested_revision": "v0.1.0",
                                                             "commit_id": "abc123"}},
     "repcard[publish] @ git+https://github.com/coach/repcard@v0.1.0"),  # a tag: kept as asked
    ({"url": "https://github.com/coach/repcard", "vcs_info": {"vcs": "git", "requested_revision": "main",
                                                             "commit_id": "abc123"}},
     "repcard[publish] @ git+https://github.com/coach/repcard@abc123"),  # a branch moves: the commit
])
def test_the_workflow_installs_repcard_as_it_was_installed_here(monkeypatch, direct, expected):
    monkeypatch.setattr(newsite.metadata, "distribution", lambda name: Installed(direct))
    assert newsite.requirement() == (expected, "")


@pytest.mark.parametrize("url, vcs", [("file:///tmp/repcard.whl", None), ("file:///work/repcard", "git"),
                                      ("ssh://git@github.com/coach/repcard.git", "git")])
def test_a_repcard_from_where_the_runner_cannot_reach_pins_pypi_and_says_so(monkeypatch, url, vcs):
    """A local clone, or a repository over ssh (the runner has no key): the workflow would fail."""
    found = {"url": url, "vcs_info": {"vcs": vcs, "commit_id": "abc123"}} if vcs else {"url": url, "archive_info": {}}
    monkeypatch.setattr(newsite.metadata, "distribution", lambda name: Installed(found))
    install, note = newsite.requirement()
    assert install == f"repcard[publish]=={__version__}" and url in note


def test_the_next_step_can_be_pasted_whatever_the_folder_is_called(tmp_path):
    site = tmp_path / "My Séances — été"
    result = run_build("new", site)
    assert result.returncode == 0, result.stderr
    assert f"Next: cd '{site}' && repcard serve" in result.stdout
