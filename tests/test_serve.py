"""The dev server, driven over HTTP: it rebuilds on change and survives bad edits."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from .conftest import ROOT


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, ""


def wait_for(condition, what: str, timeout: float = 20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if result := condition():
                return result
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def server(seed: Path, tmp_path: Path):
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, str(ROOT / "build.py"), "serve", "--content", str(seed),
             "--output", str(tmp_path / "site"), "--port", str(port)],
            stdout=out, stderr=subprocess.STDOUT, env=os.environ | {"PYTHONUNBUFFERED": "1"})
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_for(lambda: fetch(url)[0] == 200, "the server to answer")
        yield url, seed, log
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_serve_rebuilds_on_change_and_keeps_the_last_good_site(server):
    url, seed, log = server
    status, html = fetch(url)
    assert status == 200 and "Wake Up Your Glutes and Hamstrings" in html
    assert "livereload" in html  # the browser is told to reload after each rebuild

    index = seed / "index.md"
    index.write_text(index.read_text().replace("title: Wake Up", "title: Switch On"))
    wait_for(lambda: "Switch On Your Glutes" in fetch(url)[1], "the edit to show")

    exercise = seed / "exercises/step-ups.md"
    good = exercise.read_text()
    exercise.write_text(good.replace("sets: 2", "sets: lots"))
    wait_for(lambda: "sets: expected a whole number" in log.read_text(), "the problem to be printed")
    assert "Traceback" not in log.read_text()
    status, html = fetch(url + "exercises/step-ups/")
    assert status == 200 and "Step-Ups" in html  # the last good site is still served

    exercise.write_text(good.replace("title: Step-Ups", "title: Box Step-Ups"))
    wait_for(lambda: "Box Step-Ups" in fetch(url + "exercises/step-ups/")[1], "recovery after the fix")


def test_serve_rebuilds_when_a_template_changes(server, tmp_path):
    url, _, log = server
    # Templates live in the repository; touching one must trigger a rebuild, not change it.
    template = ROOT / "templates" / "404.html"
    before = log.read_text().count("rebuilt")
    os.utime(template)
    wait_for(lambda: log.read_text().count("rebuilt") > before, "a rebuild after the template changed")
