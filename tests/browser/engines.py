"""One small page API over the three browser engines that phones run: Chromium, WebKit, Firefox.

A test asks for the `page` fixture and is run once per engine, with ids `[chromium]`, `[webkit]` and
`[firefox]`. Each test gets a fresh 360 x 740 phone-sized page with empty storage and no service worker.
Every browser is started once per test session, on first use, and stopped at its end; so is the Xvfb
that WebKit needs. Selectors are CSS selectors; JavaScript is an expression.

    from .engines import Page

    def test_done_moves_on(page: Page, served):   # served: the seed site at http://127.0.0.1:PORT/repcard/
        page.goto(served.url + "workout/")
        page.click("#done")
        assert page.text(".step.current h2").split()[0] == "1B"
        page.reload()
        assert page.evaluate("localStorage.length") == 1
        if page.engine == "webkit": ...           # rarely needed

    @pytest.mark.engines("chromium")              # only in some engines (e.g. Playwright-only checks)
    def test_something(page): ...

The page API (the same in every engine):

    page.engine                       "chromium", "webkit" or "firefox"
    page.goto(url) / page.reload()    wait for the load event
    page.url                          the current address
    page.click(selector)              a real click on the first match (scrolled into view), once enabled
    page.text(selector)               its rendered text (innerText); fails when nothing matches
    page.texts(selector)              every match's innerText
    page.count(selector)              how many match
    page.visible(selector)            the first match exists and is shown
    page.attribute(selector, name)    an attribute of the first match, or None
    page.checked(selector)            a checkbox's state
    page.evaluate(expression, arg)    a JavaScript expression's value (JSON-like); `arg` is passed as the
                                      variable `arg`; a promise is awaited
    page.wait_for(expression, timeout=5)   until the expression is truthy; returns its value
    page.set_viewport(width, height)  CSS pixels
    page.screenshot(path=None)        PNG bytes of the viewport, also written to `path` if given
    page.pdf(paper="A4")              the page printed by the engine's own print path ("A4" or "Letter",
                                      10 mm margins, no shrink-to-fit): PDF bytes
    page.raw                          the Playwright Page, Selenium WebDriver or Marionette client

Going offline: serve the site with its own `SiteServer` (conftest.py) and `close()` it; the browser then
finds nothing at that address, as a phone with no signal.

Which engines run: REPCARD_ENGINES (the Makefile's ENGINES), default "chromium webkit firefox". An
engine that is asked for but missing fails its tests; it is never skipped.

How each engine is driven (nothing is downloaded at run time):
- chromium: Playwright on REPCARD_CHROMIUM (Debian's /usr/bin/chromium; the runner's Chrome on GitHub).
- webkit: Debian's WebKitWebDriver and WebKitGTK's MiniBrowser (--automation --full-screen) under Xvfb,
  through Selenium. WebDriver's print is not implemented there, so pdf() prints the same address with
  WebKitGTK's own print operation (webkit_print.py, run by Debian's python3 for its GObject bindings).
- firefox: Debian's firefox-esr, headless, through Mozilla's Marionette client (marionette-driver, the
  client Firefox's own test harness uses): no geckodriver exists for this machine, and a Python client
  keeps the tests in one process where Puppeteer would need a Node bridge. Firefox's window cannot be
  narrower than 500 px, so the viewport is set as its responsive design mode does: by sizing the tab's
  <browser> element inside a larger window.
"""

from __future__ import annotations

import base64
import glob
import json
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from repcard import sitecheck

ENGINES = ("chromium", "webkit", "firefox")
PHONE = (360, 740)
HERE = Path(__file__).resolve().parent

CHROMIUM = os.environ.get("REPCARD_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = sitecheck.CHROMIUM_ARGS  # the flags check-site prints the cards with
WEBKIT_DRIVER = "/usr/bin/WebKitWebDriver"
FIREFOX = "/usr/bin/firefox-esr"
SYSTEM_PYTHON = "/usr/bin/python3"  # Debian's, which has python3-gi for WebKitGTK's print
PAPER_CM = {"A4": (21.0, 29.7), "Letter": (21.59, 27.94)}

# What a fresh page forgets: this origin's storage, service workers and caches.
FORGET = """Promise.all([
  (localStorage.clear(), sessionStorage.clear()),
  navigator.serviceWorker ? navigator.serviceWorker.getRegistrations()
    .then(rs => Promise.all(rs.map(r => r.unregister()))) : null,
  self.caches ? caches.keys().then(ks => Promise.all(ks.map(k => caches.delete(k)))) : null,
]).then(() => true)"""


def selected_engines() -> list[str]:
    """The engines this run tests, from REPCARD_ENGINES; unknown names are an error."""
    names = os.environ.get("REPCARD_ENGINES", " ".join(ENGINES)).replace(",", " ").split()
    unknown = [name for name in names if name not in ENGINES]
    if unknown:
        raise ValueError(f"REPCARD_ENGINES: unknown engine {unknown}; known: {', '.join(ENGINES)}")
    return [name for name in ENGINES if name in names]


def webkit_minibrowser() -> str | None:
    found = sorted(glob.glob("/usr/lib/*/webkit2gtk-4.1/MiniBrowser"))
    return found[0] if found else None


class EngineMissing(RuntimeError):
    """An engine asked for is not installed; the message says how to install it."""


def _require(path: str | None, what: str) -> str:
    if not path or not Path(path).exists():
        raise EngineMissing(f"{what} is missing ({path}): run `make test`, which installs it from Debian")
    return path


# --- the page API -----------------------------------------------------------------------------------

class Page:
    """A tab in one engine. Subclasses implement the engine-specific part."""

    engine: str
    raw: object

    def goto(self, url: str) -> None:
        raise NotImplementedError

    def reload(self) -> None:
        raise NotImplementedError

    @property
    def url(self) -> str:
        raise NotImplementedError

    def click(self, selector: str) -> None:
        raise NotImplementedError

    def _evaluate(self, function_source: str, arg):
        """Call the JavaScript function `(arg) => ...` with `arg`, await a promise, return the value."""
        raise NotImplementedError

    def set_viewport(self, width: int, height: int) -> None:
        raise NotImplementedError

    def screenshot(self, path: str | Path | None = None) -> bytes:
        # Let the engine paint what the last command changed: WebKit's screenshot otherwise shows
        # the frame before it.
        self.evaluate("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))")
        png = self._screenshot()
        if path:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            Path(path).write_bytes(png)
        return png

    def _screenshot(self) -> bytes:
        raise NotImplementedError

    def pdf(self, paper: str = "A4") -> bytes:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    # What follows is the same in every engine: plain JavaScript.

    def evaluate(self, expression: str, arg=None):
        return self._evaluate(f"(arg) => ({expression})", arg)

    def wait_for(self, expression: str, timeout: float = 5, arg=None):
        deadline = time.monotonic() + timeout
        while True:
            try:
                value = self.evaluate(expression, arg)
            except Exception as error:
                if not self._unloaded(error):
                    raise
                value = None  # the page went away under the script (a link followed): asked again of the next
            if value:
                return value
            if time.monotonic() > deadline:
                raise TimeoutError(f"{self.engine}: still false after {timeout} s: {expression}")
            time.sleep(0.05)

    def _unloaded(self, error: Exception) -> bool:
        """Did `error` come from the page unloading while a script ran in it? Each engine says so in
        its own words: WebKit "Callback was not called before the unload event", Chromium "Execution
        context was destroyed", Firefox "Document was unloaded"."""
        return any(words in str(error) for words in ("before the unload event", "context was destroyed",
                                                      "was unloaded"))

    def _first(self, selector: str, then: str, arg=None):
        value = self.evaluate(f"""(() => {{
            const el = document.querySelector(arg.selector);
            if (!el) return {{missing: true}};
            return {{value: {then}}};
        }})()""", {"selector": selector, "arg": arg})
        if value.get("missing"):
            raise LookupError(f"{self.engine}: nothing matches {selector!r} on {self.url}")
        return value["value"]

    def text(self, selector: str) -> str:
        return self._first(selector, "el.innerText")

    def texts(self, selector: str) -> list[str]:
        return self.evaluate("[...document.querySelectorAll(arg)].map(el => el.innerText)", selector)

    def count(self, selector: str) -> int:
        return self.evaluate("document.querySelectorAll(arg).length", selector)

    def visible(self, selector: str) -> bool:
        return self.evaluate("""(() => {
            const el = document.querySelector(arg);
            return !!el && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden";
        })()""", selector)

    def attribute(self, selector: str, name: str) -> str | None:
        return self._first(selector, "el.getAttribute(arg.arg)", name)

    def checked(self, selector: str) -> bool:
        return self._first(selector, "el.checked")

    def _forget(self) -> None:
        """Clear the current origin's storage, service workers and caches (WebDriver engines)."""
        try:
            if self.url.startswith("http"):
                self.evaluate(FORGET)
        except Exception:  # the page may be gone with its server; nothing of it is left to forget
            pass


class ChromiumPage(Page):
    engine = "chromium"

    def __init__(self, browser, width: int, height: int):
        self.context = browser.new_context(viewport={"width": width, "height": height},
                                           device_scale_factor=2)
        self.raw = self.context.new_page()

    def goto(self, url):
        self.raw.goto(url)

    def reload(self):
        self.raw.reload()

    @property
    def url(self):
        return self.raw.url

    def click(self, selector):
        self.raw.locator(selector).first.click()

    def _evaluate(self, function_source, arg):
        return self.raw.evaluate(function_source, arg)

    def set_viewport(self, width, height):
        self.raw.set_viewport_size({"width": width, "height": height})

    def _screenshot(self):
        return self.raw.screenshot()

    def pdf(self, paper="A4"):
        return self.raw.pdf(format=paper)  # scale 1, the CSS @page margins

    def close(self):
        self.context.close()


class WebDriverPage(Page):
    """What Selenium (WebKit) and Marionette (Firefox) share: the W3C WebDriver commands."""

    def goto(self, url):
        self.raw.navigate(url) if self.engine == "firefox" else self.raw.get(url)

    def reload(self):
        if self.engine == "firefox":
            # Marionette's Refresh bypasses the service worker, as no reload button does; loading
            # the same address again goes through it, as a person's reload does.
            self.raw.navigate(self.url)
        else:
            self.raw.refresh()

    @property
    def url(self):
        return self.raw.get_url() if self.engine == "firefox" else self.raw.current_url

    def click(self, selector):
        # As Playwright's click does: wait until the element takes clicks (not disabled).
        self.wait_for("!(document.querySelector(arg) || {}).disabled", arg=selector)
        self.raw.find_element("css selector", selector).click()

    def _evaluate(self, function_source, arg):
        script = f"return ({function_source})(arguments[0]);"
        if self.engine == "firefox":
            return self.raw.execute_script(script, script_args=[arg], sandbox=None)
        return self.raw.execute_script(script, arg)


class WebKitPage(WebDriverPage):
    engine = "webkit"

    def __init__(self, engine: "WebKit", width: int, height: int):
        self.owner = engine
        self.raw = engine.driver
        self.set_viewport(width, height)

    def set_viewport(self, width, height):
        # MiniBrowser runs --full-screen: no window decoration, so the window is the viewport.
        self.raw.set_window_rect(width=width, height=height)
        self.wait_for("innerWidth === arg[0] && innerHeight === arg[1]", arg=[width, height])

    def _screenshot(self):
        return self.raw.get_screenshot_as_png()

    def pdf(self, paper="A4"):
        return self.owner.print_pdf(self.url, paper)

    def close(self):
        self._forget()
        self.raw.get("about:blank")


class FirefoxPage(WebDriverPage):
    engine = "firefox"

    def __init__(self, engine: "Firefox", width: int, height: int):
        self.raw = engine.client
        self.set_viewport(width, height)

    def set_viewport(self, width, height):
        # As responsive design mode does: size the tab's <browser> inside a larger window.
        with self.raw.using_context("chrome"):
            self.raw.execute_script("""
                const [width, height] = arguments;
                const style = gBrowser.selectedBrowser.style;
                for (const side of ["width", "minWidth", "maxWidth"]) style[side] = width + "px";
                for (const side of ["height", "minHeight", "maxHeight"]) style[side] = height + "px";
            """, script_args=[width, height])
        self.wait_for("innerWidth === arg[0] && innerHeight === arg[1]", arg=[width, height])

    def _screenshot(self):
        return self.raw.screenshot(format="binary", full=False)

    def pdf(self, paper="A4"):
        width, height = PAPER_CM[paper]
        data = self.raw._send_message("WebDriver:Print", {
            "page": {"width": width, "height": height}, "shrinkToFit": False, "background": True,
            "margin": {"top": 1, "bottom": 1, "left": 1, "right": 1}}, key="value")
        return base64.b64decode(data)

    def close(self):
        self._forget()
        self.raw.navigate("about:blank")


# --- the engines, each started once ---------------------------------------------------------------

class Xvfb:
    """A private X display for WebKitGTK; the server picks a free display number."""

    def __init__(self):
        _require(shutil.which("Xvfb"), "Xvfb (Debian's xvfb)")
        read, write = os.pipe()
        self.process = subprocess.Popen(
            ["Xvfb", "-displayfd", str(write), "-nolisten", "tcp", "-screen", "0", "1600x1600x24"],
            pass_fds=[write], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(write)
        with os.fdopen(read) as pipe:
            number = pipe.readline().strip()
        if not number:
            self.process.kill()
            raise RuntimeError("Xvfb did not start")
        self.display = ":" + number

    def close(self):
        self.process.terminate()
        self.process.wait(10)


class Chromium:
    def __init__(self):
        _require(CHROMIUM, "Chromium")
        from playwright.sync_api import sync_playwright
        self.playwright = sync_playwright().start()
        self.browser = self.playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)

    def new_page(self, width, height) -> Page:
        return ChromiumPage(self.browser, width, height)

    def close(self):
        self.browser.close()
        self.playwright.stop()


class WebKit:
    def __init__(self, display: str):
        minibrowser = _require(webkit_minibrowser(), "WebKitGTK's MiniBrowser (Debian's libwebkit2gtk-4.1-0)")
        _require(WEBKIT_DRIVER, "WebKitWebDriver (Debian's webkit2gtk-driver)")
        from selenium import webdriver
        from selenium.webdriver.webkitgtk.service import Service
        self.display = display
        # MiniBrowser's hidden toolbar keeps its window at least 334 px wide; a GTK style sheet in a
        # private settings folder shrinks the browser's own widgets (never the page) so 320 px fits.
        self.settings = Path(tempfile.mkdtemp(prefix="repcard-webkit-"))
        (self.settings / "gtk-3.0").mkdir()
        (self.settings / "gtk-3.0/gtk.css").write_text(
            "* { min-width: 0; min-height: 0; padding: 0; margin: 0; border-width: 0; font-size: 1px; }\n")
        options = webdriver.WebKitGTKOptions()
        options.binary_location = minibrowser
        options.add_argument("--automation")
        options.add_argument("--full-screen")  # no window decoration: the window is the viewport
        service = Service(executable_path=WEBKIT_DRIVER,
                          env=os.environ | {"DISPLAY": display, "XDG_CONFIG_HOME": str(self.settings)})
        try:
            self.driver = webdriver.WebKitGTK(options=options, service=service)
        except BaseException:
            shutil.rmtree(self.settings, ignore_errors=True)
            raise

    def new_page(self, width, height) -> Page:
        return WebKitPage(self, width, height)

    def print_pdf(self, url: str, paper: str) -> bytes:
        _require(SYSTEM_PYTHON, "Debian's python3")
        with tempfile.TemporaryDirectory() as folder:
            out = Path(folder) / "print.pdf"
            result = subprocess.run(
                [SYSTEM_PYTHON, str(HERE / "webkit_print.py"), url, str(out), paper],
                env=os.environ | {"DISPLAY": self.display}, capture_output=True, text=True, timeout=120)
            if result.returncode != 0 or not out.exists():
                raise RuntimeError(f"WebKitGTK could not print {url}: {result.stderr.strip()}")
            return out.read_bytes()

    def close(self):
        try:
            self.driver.quit()
        finally:
            shutil.rmtree(self.settings, ignore_errors=True)


class Firefox:
    PREFS = {
        "marionette.port": 0,  # Firefox picks a free port and writes it to MarionetteActivePort
        "ui.useOverlayScrollbars": 1,  # as on a phone; a classic scrollbar takes 12 px of the viewport
        "layout.css.devPixelsPerPx": "2.0",  # a phone's density, as the Chromium pages have
        "browser.shell.checkDefaultBrowser": False,
        "browser.startup.homepage_override.mstone": "ignore",
        "browser.aboutwelcome.enabled": False,
        "datareporting.policy.dataSubmissionEnabled": False,
        "toolkit.telemetry.reportingpolicy.firstRun": False,
        "app.update.disabledForTesting": True,
    }

    def __init__(self):
        _require(FIREFOX, "Firefox (Debian's firefox-esr)")
        from marionette_driver.marionette import Marionette
        self.profile = Path(tempfile.mkdtemp(prefix="repcard-firefox-"))
        (self.profile / "user.js").write_text("".join(
            f"user_pref({json.dumps(k)}, {json.dumps(v)});\n" for k, v in self.PREFS.items()))
        self.process = subprocess.Popen(
            [FIREFOX, "--marionette", "--headless", "--remote-allow-system-access", "--no-remote",
             "--profile", str(self.profile)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            env=os.environ | {"MOZ_HEADLESS_WIDTH": "1600", "MOZ_HEADLESS_HEIGHT": "1600"})
        try:
            port_file = self.profile / "MarionetteActivePort"
            deadline = time.monotonic() + 60
            while not port_file.exists() or not port_file.read_text().strip():
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"Firefox did not start (exit status {self.process.poll()})")
                time.sleep(0.05)
            self.client = Marionette(host="127.0.0.1", port=int(port_file.read_text()))
            self.client.start_session()
            self.client.set_window_rect(width=1400, height=1400)  # room for any viewport
        except BaseException:
            self._stop()
            raise

    def new_page(self, width, height) -> Page:
        return FirefoxPage(self, width, height)

    def _stop(self):
        self.process.terminate()
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.profile, ignore_errors=True)

    def close(self):
        try:
            self.client.delete_session()
        finally:
            self.client.cleanup_ran = True  # the client's own clean-up would try the session again
            self._stop()


class Engines:
    """Starts each engine on first use, keeps it for the session, stops them all at the end."""

    def __init__(self):
        self.running: dict[str, object] = {}
        self.xvfb: Xvfb | None = None

    def get(self, name: str):
        if name not in self.running:
            if name == "chromium":
                self.running[name] = Chromium()
            elif name == "webkit":
                self.xvfb = self.xvfb or Xvfb()
                self.running[name] = WebKit(self.xvfb.display)
            elif name == "firefox":
                self.running[name] = Firefox()
            else:
                raise ValueError(f"unknown engine {name!r}; known: {', '.join(ENGINES)}")
        return self.running[name]

    def new_page(self, name: str, width: int = PHONE[0], height: int = PHONE[1]) -> Page:
        return self.get(name).new_page(width, height)

    def close(self):
        errors = []
        for engine in self.running.values():
            try:
                engine.close()
            except Exception as error:  # stop the others all the same
                errors.append(error)
        self.running.clear()
        if self.xvfb:
            self.xvfb.close()
            self.xvfb = None
        if errors:
            raise errors[0]
