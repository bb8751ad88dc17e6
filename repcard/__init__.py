"""repcard: a workout routine written as Markdown, built into a static site.

The stages run in one direction, one module each:
    content  read files, parse and validate them into the model (model.py)
    render   model -> {site path: bytes}, pure
    write    the only writer: builds into a temporary folder, then swaps it in
    serve    the dev server: rebuild on change, keep serving the last good site
"""

__version__ = "0.1.0"  # the one place it is written: pyproject.toml reads it, CHANGELOG.md names it
