"""Shared helpers: tiny content trees in tmp_path, and build.py run as a user runs it."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# The shipped sample routine, as a fixture: tests never read content/, which users replace.
SEED = ROOT / "tests/fixtures/glutes"

MINIMAL_INDEX = "---\ntitle: Test Routine\n---\nIntro.\n"


# Variations too long for two lines of the printed card: an exercise with them gets a card warning.
LONG_TEXT = "Banded and slower, with a pause at the top of every rep and a long breath. " * 3
LONG_VARIATIONS = f"variations:\n  easier: {LONG_TEXT}\n  harder: {LONG_TEXT}\n"


def exercise_text(title: str, pair: str, sets: int = 2, reps: str = "10", extra: str = "") -> str:
    return f"---\ntitle: {title}\npair: {pair}\nsets: {sets}\nreps: {reps}\n{extra}---\n1. Do it.\n"


def twelve_cut_on_the_card() -> dict[str, str]:
    """A classic routine of twelve exercises, each with variations the card cuts."""
    files = {"index.md": MINIMAL_INDEX}
    for n in range(12):
        files[f"exercises/e{n}.md"] = exercise_text(f"Exercise {n}", f"{n // 2 + 1}{'AB'[n % 2]}", extra=LONG_VARIATIONS)
    return files


def write_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data if isinstance(data, bytes) else data.encode())
    return root


BUILD_CACHE: list[Path] = []  # the session's folder for builds' caches, once made


def cached_in_the_session(args: tuple) -> tuple:
    """build.py's arguments, so that a build keeps its caches (resized photos, parsed files)
    in the session's folder unless told where: never beside build.py."""
    building = not args or str(args[0]) == "build" or str(args[0]).startswith("--")
    return (*args, "--cache", BUILD_CACHE[0]) if BUILD_CACHE and building and "--cache" not in args else args


def run_build(*args: str | Path, cwd: Path = ROOT, timeout: float = 60) -> subprocess.CompletedProcess:
    """Run build.py in a child process, as a user would."""
    args = cached_in_the_session(args)
    env = os.environ | {"PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run([sys.executable, str(ROOT / "build.py"), *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=timeout, env=env)


def build_site(content: Path, out: Path, *extra: str) -> Path:
    result = run_build("--content", content, "--output", out, *extra)
    assert result.returncode == 0, result.stderr
    return out


def read_tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def project_copy(folder: Path) -> Path:
    """A private copy of the project holding the sample routine: a dev server started from its
    build.py watches the templates and assets beside it."""
    project = folder / "project"
    project.mkdir()
    for name in ("build.py", "repcard", "templates", "assets"):
        source = ROOT / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, project / name)
    shutil.copytree(SEED, project / "content")  # the sample routine, never the user's content/
    return project


@pytest.fixture
def seed(tmp_path: Path) -> Path:
    """A private copy of the seed routine that a test may edit."""
    return Path(shutil.copytree(SEED, tmp_path / "content"))


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    """A two-circuit routine small enough to read in a test."""
    return write_tree(tmp_path / "content", {
        "index.md": MINIMAL_INDEX,
        "exercises/a.md": exercise_text("Alpha", "1A"),
        "exercises/b.md": exercise_text("Bravo", "1B"),
        "exercises/c.md": exercise_text("Charlie", "2A", sets=3),
    })


# --- no process outlives the tests ------------------------------------------------------------


def live_processes() -> dict[int, tuple[int, str]]:
    """Every running process: pid -> (parent pid, command line). Zombies are left out."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:  # gone meanwhile
            continue
        state, parent = stat[stat.rindex(")") + 2:].split()[:2]
        if state != "Z":
            found[int(entry.name)] = (int(parent), command.strip())
    return found


def leftover_processes(mentioning: str, root: int | None = None) -> dict[int, str]:
    """Processes descending from `root`, or whose command line mentions `mentioning`."""
    processes = live_processes()
    family = {root} if root is not None else set()
    grew = True
    while grew:
        more = {pid for pid, (parent, _) in processes.items() if parent in family} - family
        family |= more
        grew = bool(more)
    # multiprocessing's resource tracker serves this test process itself (a pool started with
    # "spawn" starts it) and ends with it: not something a test left behind.
    return {pid: command for pid, (_, command) in processes.items()
            if pid != os.getpid() and (pid in family or mentioning in command)
            and "multiprocessing.resource_tracker" not in command}


def wait_until_gone(mentioning: str, root: int | None = None, timeout: float = 10) -> dict[int, str]:
    """Wait for such processes to end; kill and return those still alive at the deadline."""
    deadline = time.monotonic() + timeout
    while (left := leftover_processes(mentioning, root)) and time.monotonic() < deadline:
        time.sleep(0.2)
    for pid in left:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    return left


@pytest.fixture(scope="session", autouse=True)
def builds_keep_their_caches_in_the_session(tmp_path_factory):
    BUILD_CACHE.append(tmp_path_factory.mktemp("build-cache"))
    yield
    BUILD_CACHE.clear()


@pytest.fixture(scope="session", autouse=True)
def browsers_keep_their_files_in_the_session(tmp_path_factory):
    """The engines and the programs they start (Mesa, GStreamer, dconf, Firefox) keep caches in
    the XDG folders: point those into the session's temporary folder, which goes with it."""
    home = tmp_path_factory.mktemp("xdg")
    names = ("XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME")
    saved = {name: os.environ.get(name) for name in names}
    os.environ.update({name: str(home / name.lower()) for name in names})
    yield
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture(scope="session", autouse=True)
def no_process_outlives_the_tests(tmp_path_factory):
    """Fails the run if a test left a process behind: a child of this session, or one
    (a worker orphaned by a killed build) whose command line names the tests' temp folder."""
    yield
    left = wait_until_gone(str(tmp_path_factory.getbasetemp()), root=os.getpid())
    assert not left, f"processes left running after the tests (now killed): {left}"
