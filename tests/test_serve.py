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

from .conftest import ROOT, project_copy


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


def raw_status(url: str, path: str, host: str | None = None) -> tuple[int, str]:
    """GET `path` exactly as written, with no client-side normalising of dots or slashes (and
    `host` as the Host header, where given)."""
    import http.client
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
    connection.putrequest("GET", path, skip_host=host is not None, skip_accept_encoding=True)
    if host is not None:
        connection.putheader("Host", host)
    connection.endheaders()
    response = connection.getresponse()
    body = response.read().decode(errors="replace")
    connection.close()
    return response.status, body


@pytest.mark.parametrize("path", ["/../README.md", "/%2e%2e/README.md", "/assets/..%2f..%2fbuild.py",
                                  "/assets/%2e%2e/%2e%2e/build.py", "//etc/passwd", "/%2F%2Fetc%2Fpasswd",
                                  "/..%5c..%5cREADME.md", "/exercises/step-ups/../../../README.md", "/assets/"])
def test_serve_answers_path_traversal_with_404(server, path):
    url, _, _ = server
    status, body = raw_status(url, path)
    assert status == 404 and "<h1>Not found</h1>" in body  # the site's own 404 page, nothing else


def test_a_port_in_use_is_one_line_and_no_site_yet_is_a_page_with_the_problem(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run([sys.executable, str(ROOT / "build.py"), "serve", "--content", str(tmp_path / "content"),
                               "--output", str(tmp_path / "site"), "--port", str(port)],
                              capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and "serving" not in done.stdout and not (tmp_path / "site").exists()  # nothing built
    assert done.stderr.splitlines()[-1] == (f"repcard: cannot serve at http://127.0.0.1:{port}/: Address already in use; "
                                            "choose another with --port")
    port = free_port()  # and run where there is no content/: the problem over a page, not tornado's bare one
    with (tmp_path / "serve.log").open("w") as out:
        process = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "serve", "--content",
                                    str(tmp_path / "content"), "--output", str(tmp_path / "site"), "--port", str(port)],
                                   stdout=out, stderr=subprocess.STDOUT, env=os.environ | {"PYTHONUNBUFFERED": "1"})
    try:
        wait_for(lambda: "serving" in (tmp_path / "serve.log").read_text(), "the server to answer")
        for path in ("/", "/exercises/x/"):
            status, body = raw_status(f"http://127.0.0.1:{port}/", path)
            assert status == 404 and "no such folder: run repcard in your site&#x27;s folder" in body, body[:300]
            assert "404: Not Found" not in body and "livereload.js" in body  # it reloads once there is a site
            assert "(no site has been built yet)" in body and "last good build" not in body
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert (tmp_path / "serve.log").read_text().splitlines()[:2] == [
        f"{tmp_path / 'content'}: no such folder: run repcard in your site's folder, beside repcard.toml, or name "
        "the content with --content", f"repcard: 1 problem; {tmp_path / 'site'} was left as it was"]


def test_serve_binds_this_machine_only_unless_told(server):
    url, _, log = server
    assert url.startswith("http://127.0.0.1:")
    assert "warning" not in log.read_text()
    # A page elsewhere whose name was made to point here (DNS rebinding) gets the 404 page, not the site.
    port = url.split(":")[-1].strip("/")
    status, body = raw_status(url, "/", host=f"rebind.attacker.example:{port}")
    assert (status, body) == (404, "")  # not even the 404 page: while a build fails, it shows the problems
    assert [raw_status(url, "/", host=f"{name}:{port}")[0] for name in ("localhost", "127.0.0.1", "[::1]")] == [200] * 3


def test_serve_warns_when_told_to_listen_beyond_this_machine(seed, tmp_path):
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "build.py"), "serve", "--content", str(seed), "--output",
         str(tmp_path / "site"), "--host", "0.0.0.0", "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=os.environ | {"PYTHONUNBUFFERED": "1"})
    try:
        first = process.stdout.readline()
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert first.startswith("repcard: warning: serving on 0.0.0.0")


def test_serve_survives_a_template_error_and_recovers(tmp_path):
    project = project_copy(tmp_path)
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        process = subprocess.Popen([sys.executable, str(project / "build.py"), "serve", "--port", str(port)],
                                   stdout=out, stderr=subprocess.STDOUT, cwd=project,
                                   env=os.environ | {"PYTHONUNBUFFERED": "1"})
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_for(lambda: fetch(url)[0] == 200, "the server to answer")
        template = project / "templates/routine.html"
        good = template.read_text()
        template.write_text(good.replace("{{ routine.title }}</h1>", "{{ routine.titel }}</h1>"))
        wait_for(lambda: "template error" in log.read_text(), "the template error to be printed")
        assert "templates/routine.html" in log.read_text() and "Traceback" not in log.read_text()
        status, html = fetch(url)
        assert status == 200 and "Wake Up Your Glutes" in html  # the last good site
        template.write_text(good.replace("{{ routine.title }}</h1>", "{{ routine.title }} today</h1>"))
        wait_for(lambda: "Hamstrings today</h1>" in fetch(url)[1], "recovery after the fix")
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_a_rebuild_that_rewrote_only_pages_lets_open_pages_update_in_place():
    from repcard.serve import ONLY_PAGES, what_changed
    from repcard.write import Site

    paths = ("index.html", "exercises/x/index.html", "assets/style.css", "sw.js")

    def site(*digests: str) -> Site:  # a digest for each of `paths`, "" for a file it lacks
        return Site((1, 2), {path: digest.encode() for path, digest in zip(paths, digests) if digest})

    before = site("a", "b", "c", "d")
    assert what_changed(before, site("A", "b", "c", "D")) == ONLY_PAGES  # the service worker changes each time
    assert what_changed(before, before) == ONLY_PAGES  # nothing to update
    assert what_changed(before, site("A", "b", "C", "D")) == "*"  # a style sheet: the page reloads
    assert what_changed(before, site("a", "", "c", "d")) == "*"  # a page gone
    assert what_changed(None, before) == "*"


def test_the_watcher_rebuilds_on_a_save_and_collects_garbage_when_the_saves_pause(tmp_path: Path):
    import gc
    import threading

    from repcard.serve import collect_garbage, rebuild_on_change

    gc.unfreeze()
    rebuilds: list[set[Path]] = []
    building = threading.Event()  # set: a build runs, and the garbage must wait

    def tidy() -> bool:
        if building.is_set():
            return False
        collect_garbage()
        return True

    stop = threading.Event()
    building.set()
    watcher = threading.Thread(target=rebuild_on_change, args=([tmp_path], rebuilds.append, tidy, stop))
    watcher.start()
    try:
        time.sleep(1)  # idle, but the first build runs
        assert gc.get_freeze_count() == 0
        building.clear()
        wait_for(lambda: gc.get_freeze_count() > 0, "the first build's garbage collected")  # before any save
        gc.unfreeze()
        time.sleep(0.5)  # the watcher is watching
        (tmp_path / "a.md").write_text("saved")
        wait_for(lambda: rebuilds, "a rebuild")
        assert tmp_path / "a.md" in rebuilds[0]
        wait_for(lambda: gc.get_freeze_count() > 0, "the garbage collected once the saves paused")
    finally:
        stop.set()
        watcher.join(timeout=5)
        gc.unfreeze()
    assert not watcher.is_alive()


def test_serve_watches_the_sites_own_templates_and_assets(tmp_path):
    # A site with repcard.toml and a template and a style sheet of its own: a save to either
    # is rebuilt and served like a save to the content.
    from .test_overrides import FOOTER, a_site_with_overrides

    site = a_site_with_overrides(tmp_path)
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        process = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "serve", "--config", "repcard.toml",
                                    "--port", str(port), "--cache", str(tmp_path / "cache")],
                                   stdout=out, stderr=subprocess.STDOUT, cwd=site,
                                   env=os.environ | {"PYTHONUNBUFFERED": "1"})
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_for(lambda: FOOTER in fetch(url)[1], "the site's own base.html to be served")
        base = site / "templates/base.html"
        base.write_text(base.read_text().replace("Coached by Sam", "Coached by Alex"))
        wait_for(lambda: "Coached by Alex" in fetch(url)[1], "the edited template to be served")
        style = site / "assets/style.css"
        style.write_text(style.read_text().replace("#c00", "#00c"))
        wait_for(lambda: "#00c" in fetch(url + "assets/style.css")[1], "the edited style sheet to be served")
        assert "Traceback" not in log.read_text()
    finally:
        process.terminate()
        process.wait(timeout=10)
