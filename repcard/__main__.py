"""`python -m repcard`: the `repcard` command, for a Python whose scripts folder is not on the PATH."""

import sys

from .entry import main

sys.exit(main(prog="python -m repcard"))
