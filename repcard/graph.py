"""The dependency graph: which file of the site read which input, as Hugo and Zola keep one.

Every file the site has (a page, an asset, a resized photo, the sitemap) records the inputs
it was made from: parts of the content (an exercise, a routine's circuit, the list of
exercises: changes.py names them), the templates it used, the files it copies. A rebuild
turns the paths the file watcher saw into the inputs they changed, asks the graph which
files read any of them, and makes those again: no other file is looked at.

Inputs are plain tuples, so that a new kind of input (a language's messages, say) is one
more tuple and nothing here changes.
"""

from __future__ import annotations

from collections.abc import Iterable

Input = tuple  # ("exercise", "glute-bridge"), ("template", "base.html"), ...


class Graph:
    """Each file's inputs, and for each input the files that read it."""

    def __init__(self) -> None:
        self.inputs: dict[str, frozenset[Input]] = {}
        self.readers: dict[Input, set[str]] = {}

    def record(self, path: str, inputs: frozenset[Input]) -> None:
        """`path` was made from `inputs` (and from nothing it recorded before)."""
        before = self.inputs.get(path, frozenset())
        if before == inputs:
            return
        for gone in before - inputs:
            self._drop(gone, path)
        for added in inputs - before:
            self.readers.setdefault(added, set()).add(path)
        self.inputs[path] = inputs

    def forget(self, path: str) -> None:
        """`path` is no longer part of the site."""
        for gone in self.inputs.pop(path, ()):
            self._drop(gone, path)

    def reading(self, changed: Iterable[Input]) -> set[str]:
        """The files that read any of the `changed` inputs."""
        found: set[str] = set()
        for key in changed:
            found |= self.readers.get(key, set())
        return found

    def _drop(self, key: Input, path: str) -> None:
        readers = self.readers[key]
        readers.discard(path)
        if not readers:
            del self.readers[key]
