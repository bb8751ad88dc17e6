"""Faults around the content and the output: odd files, two builds at once, a full disk,
signals, killed processes, a dev server whose folder changes under it (issue 11).

Each test reproduces one fault and holds the README's promise: the previous site or the
whole new one, a `path: message` line instead of a traceback or a hang, no process left.
"""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from bench.generate import generate
from repcard import write
from repcard.pipeline import BuildCache, Options, build
from repcard.read import read_text

from .conftest import (MINIMAL_INDEX, ROOT, SEED, build_site, cached_in_the_session, exercise_text, leftover_processes,
                       live_processes, read_tree, run_build, wait_until_gone, write_tree)
from .test_serve import server  # noqa: F401  (a fixture: the dev server on a copy of the seed)

BUILD = [sys.executable, str(ROOT / "build.py")]
# Concurrent builds per test run; `make fuzz` runs more.
ROUNDS = int(os.environ.get("REPCARD_FAULT_ROUNDS", "2"))


def wait_for(condition, what: str, timeout: float = 30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def start(*args, **kwargs) -> subprocess.Popen:
    env = os.environ | {"PYTHONDONTWRITEBYTECODE": "1", "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen([*BUILD, *map(str, cached_in_the_session(args))], env=env, **kwargs)


def children(pid: int) -> list[int]:
    return [child for child, (parent, _) in live_processes().items() if parent == pid]


def beside(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.parent.iterdir())


# --- 1. an output that is not a folder ----------------------------------------------------------


@pytest.mark.parametrize("kind", ["file", "link to a file", "dangling link"])
def test_an_output_that_is_not_a_folder_is_refused_and_left_alone(tmp_path, kind):
    (tmp_path / "README.md").write_text("do not lose me")
    target = tmp_path / "README.md"
    if kind != "file":
        target = tmp_path / "out"
        target.symlink_to(tmp_path / ("README.md" if kind == "link to a file" else "nowhere"))
    before = beside(target)
    result = run_build("--content", SEED, "--output", target)
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == f"{target}: refusing to replace {target}: it is not a folder"
    assert "Traceback" not in result.stderr
    assert (tmp_path / "README.md").read_text() == "do not lose me"
    assert beside(target) == before  # no staging folder, no lock file


# --- 2. two builds of one folder at once --------------------------------------------------------


def test_a_build_waits_while_another_holds_the_folder(tmp_path):
    out = tmp_path / "site"
    log = tmp_path / "build.log"
    with write.locked(out), log.open("w") as err:
        process = start("--content", SEED, "--output", out, stderr=err)
        try:
            wait_for(lambda: "waiting" in log.read_text(), "the build to say it waits")
            time.sleep(0.5)
            assert not out.exists() and not list(tmp_path.glob(".site.building-*"))  # it waits to write
        except BaseException:
            process.kill()
            process.wait()
            raise
    assert process.wait(timeout=60) == 0
    assert log.read_text() == f"repcard: waiting for another build of {out} to finish\n"
    assert (out / "index.html").is_file()
    assert beside(out) == ["build.log", "site"]  # the lock file goes with its last holder


@pytest.fixture(scope="module")
def big_routine(tmp_path_factory) -> tuple[Path, dict[str, bytes]]:
    """600 exercises, and the site they build."""
    root = tmp_path_factory.mktemp("big")
    content = generate(root / "content", 600, words=120)
    return content, read_tree(build_site(content, root / "site"))


def test_two_builds_of_one_folder_at_once_each_end_with_a_complete_site(big_routine, tmp_path):
    content, expected = big_routine
    out = tmp_path / "site"
    for round in range(ROUNDS):
        logs = [tmp_path / f"{round}-{n}.log" for n in (1, 2)]
        processes = [start("--content", content, "--output", out, stdout=subprocess.DEVNULL,
                           stderr=log.open("w")) for log in logs]
        codes = [process.wait(timeout=300) for process in processes]
        assert codes == [0, 0], [log.read_text() for log in logs]
        site = read_tree(out)
        assert len(site) == len(expected) and site == expected, f"round {round}: {len(site)} files"
        assert beside(out) == sorted([*(log.name for log in tmp_path.glob("*.log")), "site"])
    waited = [log for log in tmp_path.glob("*.log") if "waiting for another build" in log.read_text()]
    assert waited, "the builds never overlapped: the test proved nothing"


# --- 3. the dev server's in-place updates -------------------------------------------------------


@pytest.fixture
def served(tmp_path):
    """A routine built once by the dev server's code path, with the cache it keeps."""
    content = generate(tmp_path / "content", 24, per_circuit=3, words=60)
    options = Options(content, tmp_path / "site", "")
    cache = BuildCache()
    assert build(options, cache) == []
    return options, cache


def retitle(options: Options, title: str) -> None:
    """An edit that changes every page (the routine's title is on each)."""
    index = options.content / "index.md"
    text = index.read_text()
    index.write_text(text.replace(text.split("title: ")[1].split("\n")[0], title, 1))


def clean_site(options: Options, out: Path) -> dict[str, bytes]:
    assert build(Options(options.content, out, options.base_url, cache=out.with_name("clean-cache"))) == []
    return read_tree(out)


def test_a_full_disk_during_a_dev_server_update_leaves_the_site_as_it_was(served, tmp_path, monkeypatch):
    options, cache = served
    before = read_tree(options.output)
    retitle(options, "Disk Full Day")
    real_open, opened = Path.open, []

    def full_disk(self, mode="r", *args, **kwargs):  # the fifth file written finds no space
        if "w" in mode and self.is_relative_to(tmp_path):
            opened.append(self)
            if len(opened) > 4:
                raise OSError(errno.ENOSPC, "No space left on device")
        return real_open(self, mode, *args, **kwargs)

    monkeypatch.setattr(Path, "open", full_disk)
    problems = build(options, cache)
    monkeypatch.undo()
    assert [p.message for p in problems] == ["cannot write the site: [Errno 28] No space left on device"]
    assert read_tree(options.output) == before  # not four pages of the new site and the rest old
    assert beside(options.output) == ["content", "site"]
    assert build(options, cache) == []
    assert read_tree(options.output) == clean_site(options, tmp_path / "clean")


def test_short_writes_still_write_every_byte(served, tmp_path, monkeypatch):
    """A page's parts go out by writev(), which may write less than asked (a signal, a disk
    nearly full): what it left is written next, as if every call were cut at an odd place."""
    options, cache = served
    retitle(options, "Short Write Day")
    real_writev = os.writev

    def short(fd, buffers):
        kept, room = [], 777
        for buffer in buffers:
            kept.append(memoryview(buffer)[:room])
            room -= len(kept[-1])
            if not room:
                break
        return real_writev(fd, kept)

    monkeypatch.setattr(write.os, "writev", short)
    assert build(options, cache) == []
    monkeypatch.undo()
    assert read_tree(options.output) == clean_site(options, tmp_path / "clean")


def test_a_dev_server_update_cut_short_is_rebuilt_whole_by_the_next_rebuild(served, tmp_path, monkeypatch,
                                                                            capsys):
    options, cache = served
    retitle(options, "Half Way")
    real_replace, renamed = write.replace, []

    def failing(source, target):  # the fourth rename fails (a full directory, an I/O error)
        renamed.append(target)
        if len(renamed) == 4:
            raise OSError(errno.EIO, "Input/output error")
        real_replace(source, target)

    monkeypatch.setattr(write, "replace", failing)
    assert build(options, cache) != []
    monkeypatch.undo()
    assert write.half_updated(options.output)
    assert not [p for p in options.output.rglob(".*")]  # the marker is beside the site, not in it
    capsys.readouterr()
    assert build(options, cache) == []
    assert "was left half-updated by a dev server that stopped; building it whole" in capsys.readouterr().err
    assert not write.half_updated(options.output)
    assert read_tree(options.output) == clean_site(options, tmp_path / "clean")


KILLED_DURING_RENAMES = """
import os, signal, sys
from pathlib import Path
from repcard.pipeline import BuildCache, Options, build
content, out = Path(sys.argv[1]), Path(sys.argv[2])
options = Options(content, out, "", cache=out.with_name("cache"))
cache = BuildCache()
assert build(options, cache) == []
index = content / "index.md"
index.write_text(index.read_text().replace("title: ", "title: Killed ", 1))
from repcard import write
real_replace, renamed = write.replace, []
def dying(source, target):
    renamed.append(target)
    if len(renamed) == 5:
        os.kill(os.getpid(), signal.SIGKILL)
    real_replace(source, target)
write.replace = dying
build(options, cache)
"""


def test_a_dev_server_killed_while_renaming_leaves_a_marker_and_the_next_build_repairs(tmp_path):
    content = generate(tmp_path / "content", 24, per_circuit=3, words=60)
    out = tmp_path / "site"
    process = subprocess.run([sys.executable, "-c", KILLED_DURING_RENAMES, str(content), str(out)],
                             cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert process.returncode == -signal.SIGKILL, process.stderr
    assert write.half_updated(out) and not list(out.rglob(".*"))
    result = run_build("--content", content, "--output", out)
    assert result.returncode == 0, result.stderr
    assert f"repcard: {out} was left half-updated by a dev server that stopped; building it whole" \
        in result.stderr
    assert not write.half_updated(out)
    assert beside(out) == ["cache", "content", "site"]  # the cache folder it was given, and nothing else
    assert read_tree(out) == clean_site(Options(content, out, ""), tmp_path / "clean")


# --- 4. a CLI build into the folder the dev server serves ---------------------------------------


def test_the_dev_server_notices_its_folder_was_replaced_by_another_build(served, tmp_path, capsys):
    options, cache = served
    # A build from the command line, with other options, into the folder being served.
    cli = Options(options.content, options.output, "https://someone.github.io/repcard/", cache=tmp_path / "cli-cache")
    assert build(cli) == []
    retitle(options, "One Edit Later")
    capsys.readouterr()
    assert build(options, cache) == []
    assert "was replaced by another build; building it whole" in capsys.readouterr().err
    site = read_tree(options.output)
    assert "sitemap.xml" not in site
    assert site == clean_site(options, tmp_path / "clean")  # not a site mixed from two option sets


# --- 5, 6. files that are not regular files, links that loop ------------------------------------


@pytest.fixture
def odd_files(tiny: Path) -> Path:
    os.mkfifo(tiny / "exercises/pipe.md")
    (tiny / "exercises/loop.md").symlink_to("loop.md")
    return tiny


@pytest.mark.parametrize("command", ["build", "check"])
def test_a_fifo_and_a_symlink_loop_are_one_line_each(odd_files, tmp_path, command):
    result = run_build(command, "--content", odd_files, "--output", tmp_path / "site", timeout=60)
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines[:2] == [f"{odd_files}/exercises/loop.md: cannot read the file: it is a loop of symbolic links",
                         f"{odd_files}/exercises/pipe.md: not a regular file"]
    assert len(lines) == 3 and lines[2].startswith("repcard: 2 problems; ")


def test_an_index_that_is_a_fifo_or_a_loop_is_one_line(tmp_path):
    for name, make in (("fifo", os.mkfifo), ("loop", lambda p: p.symlink_to(p.name))):
        content = write_tree(tmp_path / name, {"exercises/a.md": exercise_text("Alpha", "1A")})
        make(content / "index.md")
        result = run_build("check", "--content", content, timeout=60)
        assert result.returncode == 1 and "Traceback" not in result.stderr
        assert result.stderr.splitlines()[0].startswith(f"{content}/index.md: "), result.stderr


CHARACTER_DEVICE = """
import resource, sys
from pathlib import Path
resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))  # /dev/zero read whole: a MemoryError, not the machine's memory
from repcard.read import read_text
print(read_text(Path("/dev/zero"))[1][0])
"""


def test_a_character_device_is_refused_unread():
    result = subprocess.run([sys.executable, "-c", CHARACTER_DEVICE], cwd=ROOT, capture_output=True,
                            text=True, timeout=60)
    assert result.stdout == "/dev/zero: not a regular file\n", result.stderr


def test_read_text_refuses_a_folder_and_reads_a_file_through_a_link(tmp_path):
    (tmp_path / "real.md").write_text("text")
    (tmp_path / "link.md").symlink_to("real.md")
    assert read_text(tmp_path / "link.md") == ("text", [])
    assert str(read_text(tmp_path)[1][0]) == f"{tmp_path}: not a regular file"


# --- 7, 8. signals, and workers that die with their build ---------------------------------------


@pytest.fixture(scope="module")
def parsed_in_a_pool(tmp_path_factory) -> Path:
    """A routine big enough to be parsed in a process pool for a second or more."""
    return generate(tmp_path_factory.mktemp("pool") / "content", 1500, words=120)


def interrupted(process: subprocess.Popen, signum: int, ready: Callable[[], object]) -> str:
    """Once `ready()` returns, `signum` to the process's whole group (as Ctrl-C sends it); its
    stderr when it has ended (killed if it does not)."""
    try:
        ready()
        os.killpg(process.pid, signum)
        return process.communicate(timeout=60)[1]
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def interrupt_while_parsing(tmp_path: Path, command: str, content: Path, signum: int,
                            at_first_worker: bool = False) -> tuple[int, str]:
    """Run `command`, send `signum` once its pool workers run (`at_first_worker`: the very moment
    one exists, before it could ignore the signal), and return its exit status and stderr."""
    process = start(command, "--content", content, "--output", tmp_path / "site", stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE, text=True, start_new_session=True)

    def started() -> None:
        if not at_first_worker:
            return wait_for(lambda: children(process.pid) or process.poll() is not None, "the pool's workers")
        deadline = time.monotonic() + 30
        while not children(process.pid) and process.poll() is None and time.monotonic() < deadline:
            pass  # no sleep

    err = interrupted(process, signum, started)
    assert not wait_until_gone(str(content)), "a worker outlived its build"
    return process.returncode, err


@pytest.mark.parametrize(("command", "signum", "status"), [("build", signal.SIGINT, 130),
                                                           ("build", signal.SIGTERM, 143),
                                                           ("check", signal.SIGINT, 130)])
def test_ctrl_c_or_sigterm_is_one_line_and_leaves_the_site(parsed_in_a_pool, tmp_path, command, signum,
                                                           status):
    out = build_site(SEED, tmp_path / "site")
    before = read_tree(out)
    code, err = interrupt_while_parsing(tmp_path, command, parsed_in_a_pool, signum)
    outcome = "nothing was written" if command == "check" else f"{out} was left as it was"
    assert (code, err) == (status, f"repcard: interrupted; {outcome}\n")
    assert read_tree(out) == before
    assert beside(out) == ["site"]


class Failing:
    """An import finder that fails the import of repcard's stages, as Ctrl-C or a missing package would."""

    def __init__(self, error: BaseException):
        self.error = error

    def find_spec(self, name, path=None, target=None):
        if name == "repcard.cli":
            raise self.error


@pytest.mark.parametrize("error, said, status", [
    (KeyboardInterrupt(), "repcard: interrupted; nothing was written", 130),
    (ModuleNotFoundError("No module named 'jinja2'", name="jinja2"),
     f"repcard: the Python package 'jinja2' is missing here ({sys.executable}); install repcard again with pip", 1)])
def test_ctrl_c_or_a_missing_package_while_the_stages_load_is_one_line(monkeypatch, capsys, error, said, status):
    """Ctrl-C in a command's first fifth of a second, while Python loaded the stages, was a traceback."""
    from repcard import entry

    monkeypatch.delitem(sys.modules, "repcard.cli", raising=False)
    monkeypatch.setattr(sys, "meta_path", [Failing(error), *sys.meta_path])
    assert entry.main() == status
    assert capsys.readouterr().err == said + "\n"


def test_ctrl_c_as_the_workers_start_stops_the_build(parsed_in_a_pool, tmp_path):
    """Sent the moment a worker exists, before it could ignore it: the worker must not die of it
    half-started, or the build waits for its pool for ever (12 runs in 30 hung so)."""
    for run in range(8):
        code, err = interrupt_while_parsing(tmp_path, "build", parsed_in_a_pool, signal.SIGINT, at_first_worker=True)
        assert (code, err[-80:]) == (130, f"repcard: interrupted; {tmp_path}/site was left as it was\n"[-80:]), run


def test_ctrl_c_stops_the_dev_server_with_one_line(seed, tmp_path):
    from .test_serve import fetch, free_port

    port = free_port()
    process = start("serve", "--content", seed, "--output", tmp_path / "site", "--port", port,
                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    err = interrupted(process, signal.SIGINT,
                      lambda: wait_for(lambda: _answers(fetch, f"http://127.0.0.1:{port}/"), "the server to answer"))
    assert process.returncode == 130
    assert err == f"repcard: interrupted; {tmp_path}/site was left as it was\n"  # livereload's lines too are not said


def _answers(fetch, url: str) -> bool:
    try:
        return fetch(url)[0] == 200
    except OSError:
        return False


def test_a_killed_build_leaves_no_worker_holding_its_output(parsed_in_a_pool, tmp_path):
    """Workers orphaned by a SIGKILL used to keep the build's pipes open: a caller reading
    them to the end waited for ever."""
    process = start("--content", parsed_in_a_pool, "--output", tmp_path / "site", stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE)
    try:
        wait_for(lambda: children(process.pid), "the pool's workers")
        process.kill()
        process.communicate(timeout=20)  # end of file: no orphan holds the pipes
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        left = wait_until_gone(str(parsed_in_a_pool))
    assert not left, f"orphaned workers: {left}"
    assert not leftover_processes(str(tmp_path))


# --- 9. a huge file ------------------------------------------------------------------------------


def test_a_file_over_1_mib_is_refused_before_it_is_parsed(tiny, tmp_path):
    big = tiny / "exercises/huge.md"
    big.write_text(exercise_text("Huge", "3A").replace("1. Do it.\n", "Keep *your* hips level.\n" * 200_000))
    (tiny / "index.md").write_text(MINIMAL_INDEX + "x" * (1024 * 1024))
    result = run_build("check", "--content", tiny, timeout=60)
    assert result.returncode == 1
    mib = big.stat().st_size / 1024 / 1024
    assert mib > 4
    assert result.stderr.splitlines()[:2] == [f"{tiny}/index.md: file is 1.0 MiB; at most 1 MiB",
                                              f"{big}: file is {mib:.1f} MiB; at most 1 MiB"]


# --- 10. requests the dev server refuses ---------------------------------------------------------


def raw_request(url: str, method: str, target: str) -> tuple[int, str]:
    """Send `target` exactly as written, with no client-side normalising."""
    import http.client
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
    connection.putrequest(method, target, skip_accept_encoding=True)
    connection.endheaders()
    response = connection.getresponse()
    body = response.read().decode(errors="replace")
    connection.close()
    return response.status, body


@pytest.mark.parametrize(("method", "target"), [
    ("GET", "/%00"), ("GET", "/index.html%00.txt"), ("GET", "/exercises/%00/"), ("HEAD", "/%00"),
    ("GET", "{url}index.html"), ("GET", "{url}../README.md"), ("GET", "*"),
    ("POST", "/index.html"), ("DELETE", "/"), ("POST", "/nowhere"),
])
def test_serve_answers_every_refusal_with_the_sites_404(server, method, target):
    url, _, log = server
    status, body = raw_request(url, method, target.format(url=url))
    assert status == 404
    if method != "HEAD":
        assert "<h1>Not found</h1>" in body  # the site's own page, not tornado's
    assert "Traceback" not in log.read_text() and "Uncaught exception" not in log.read_text()


def test_serve_says_one_line_for_a_fifo_or_a_loop_and_keeps_serving(server):
    url, seed, log = server
    os.mkfifo(seed / "exercises/pipe.md")
    (seed / "exercises/loop.md").symlink_to("loop.md")
    (seed / "index.md").write_text((seed / "index.md").read_text() + "\nAn edit.\n")
    wait_for(lambda: "pipe.md: not a regular file" in log.read_text(), "the problem to be printed")
    assert "loop.md: cannot read the file: it is a loop of symbolic links" in log.read_text()
    assert "Traceback" not in log.read_text()
    from .test_serve import fetch
    status, html = fetch(url)
    assert status == 200 and "Wake Up Your Glutes" in html
