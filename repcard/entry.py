"""The `repcard` command's entry point, light enough to be loaded at once: Ctrl-C while Python
loads the stages (a fifth of a second) ends as one line, as it does once a command runs
(cli.interruptible), not as a traceback; a package missing is one line saying how to get it."""

from __future__ import annotations

import sys
from pathlib import Path

STOPPED = "repcard: interrupted; nothing was written"


def main(prog: str = "repcard", root: Path | None = None, install: str = "install repcard again with pip") -> int:
    """cli.main's `prog` and `root`; `install`: how to get a missing package."""
    try:
        from .cli import main as command
    except KeyboardInterrupt:
        print(STOPPED, file=sys.stderr)
        return 130
    except ModuleNotFoundError as missing:
        print(f"repcard: the Python package '{missing.name}' is missing here ({sys.executable}); {install}",
              file=sys.stderr)
        return 1
    try:
        return command(prog=prog, root=root)
    except KeyboardInterrupt:  # before the command took the signal over: its arguments, its settings
        print(STOPPED, file=sys.stderr)
        return 130
