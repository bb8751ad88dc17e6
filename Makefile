# Two commands do everything on a new machine: `make serve` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: serve build check test screenshots clean

serve: $(VENV)/.runtime   ## build the site and serve it with live reload on 127.0.0.1:8000
	$(PY) build.py serve

build: $(VENV)/.runtime   ## build content/ into site/
	$(PY) build.py

check: $(VENV)/.runtime   ## validate content/ only
	$(PY) build.py check

test: $(VENV)/.dev /usr/bin/chromium   ## install what the tests need, then run them all
	$(PY) -m pytest

screenshots: $(VENV)/.dev /usr/bin/chromium /usr/bin/pdftoppm   ## the README's pictures, in docs/
	$(PY) docs/screenshots.py

$(VENV)/.runtime: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

# Browser tests drive Debian's Chromium; Playwright's own browser download is not used.
/usr/bin/chromium:
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium fonts-dejavu-core

/usr/bin/pdftoppm:
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq poppler-utils

clean:
	rm -rf site $(VENV) .pytest_cache
