#!/usr/bin/env python3
"""Build the workout routine in content/ into a static site in site/.

    python build.py            build content/ into site/
    python build.py check      validate content/ only
    python build.py serve      build, serve on 127.0.0.1:8000, rebuild on change
    python build.py --help     every option

This repository's own entry point, the same command line as `repcard` once installed, with
its folders beside this file. The stages live in repcard/: content (read and validate) ->
render -> write; serve.
"""

import os
import shlex
import sys
from pathlib import Path

from repcard.entry import main  # the stages load inside it, where Ctrl-C and a missing package are one line


def as_run() -> str:
    """This command as it was run, to be pasted again: `.venv/bin/python build.py`, each path
    from the working directory when it is in it."""
    def shown(path: str) -> str:
        relative = os.path.relpath(path)
        return path if relative.startswith("..") else relative
    return shlex.join([shown(sys.executable), shown(sys.argv[0])])


if __name__ == "__main__":
    sys.exit(main(prog=as_run(), root=Path(__file__).resolve().parent,
                  install="run `make build` once (it installs them into .venv/), then `.venv/bin/python build.py ...`"))
