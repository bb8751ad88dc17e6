"""A small reader for generated HTML: the elements, their attributes and their text."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

from repcard.sitecheck import resolve  # noqa: F401  (the site check's own: tests resolve links as it does)

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    children: list[Element | str] = field(default_factory=list)

    @property
    def text(self) -> str:
        parts = [c if isinstance(c, str) else c.text for c in self.children]
        return " ".join(" ".join(parts).split())

    @property
    def classes(self) -> list[str]:
        return self.attrs.get("class", "").split()

    def iter(self):
        yield self
        for child in self.children:
            if isinstance(child, Element):
                yield from child.iter()

    def find_all(self, tag: str | None = None, cls: str | None = None, **attrs: str) -> list[Element]:
        return [e for e in self.iter()
                if (tag is None or e.tag == tag) and (cls is None or cls in e.classes)
                and all(e.attrs.get(k) == v for k, v in attrs.items())]

    def find(self, tag: str | None = None, cls: str | None = None, **attrs: str) -> Element:
        found = self.find_all(tag, cls, **attrs)
        assert found, f"no <{tag} class={cls} {attrs}>"
        return found[0]


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        element = Element(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def parse(html: str | bytes) -> Element:
    builder = _TreeBuilder()
    builder.feed(html.decode() if isinstance(html, bytes) else html)
    return builder.root


def references(page: Element) -> list[str]:
    """Every URL a page points at: links, stylesheets, scripts, images, icons."""
    urls = [e.attrs[a] for e in page.iter() for a in ("href", "src") if a in e.attrs]
    return [u for u in urls if not u.startswith("#")]


def scripts_of(site: dict[str, bytes], path: str) -> list[str]:
    """The theme's scripts the page at `path` runs, in order: those its one script file joins
    (scripts.py's Bundles names them on its first line)."""
    names = []
    for script in parse(site[path]).iter():
        if script.tag == "script" and "src" in script.attrs:
            joined = site[resolve(path, script.attrs["src"])]
            names += joined.split(b"\n", 1)[0].removeprefix(b"/* ").removesuffix(b" */").decode().split()
    return names
