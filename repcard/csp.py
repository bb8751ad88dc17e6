"""The pages' Content-Security-Policy, in a <meta> on every page: GitHub Pages sends no headers.

Scripts come only from the site itself, plus the build's own inline scripts by their hash
(templates/inline/); nothing else inline runs: no <script> smuggled into a body, no event
handler attribute, no `style` attribute. No plugins, no <base> pointing elsewhere, no form
posting elsewhere. The dev server widens it for its own inline scripts only (serve.py).
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable

import jinja2

INLINE_SCRIPTS = ("inline/workout-mode.js",)  # templates the pages write inside <script>


def source_hash(text: str | bytes) -> str:
    """An inline script's or style's hash as a policy names it: 'sha256-...'."""
    data = text.encode() if isinstance(text, str) else text
    return f"'sha256-{base64.b64encode(hashlib.sha256(data).digest()).decode()}'"


def policy(scripts: Iterable[str] = (), styles: Iterable[str] = (), connect: Iterable[str] = ()) -> str:
    """The policy with these hashes (or sources) allowed beyond the site's own files."""
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'", *scripts],
        "style-src": ["'self'", *styles],
        "connect-src": ["'self'", *connect],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
    }
    return "; ".join(" ".join([name, *sources]) for name, sources in directives.items())


def widened(text: str, scripts: Iterable[str] = (), styles: Iterable[str] = (), connect: Iterable[str] = ()) -> str:
    """A policy with more sources allowed: the dev server's own inline scripts, for one."""
    added = {"script-src": list(scripts), "style-src": list(styles), "connect-src": list(connect)}
    directives = [directive.split() for directive in text.split(";") if directive.strip()]
    return "; ".join(" ".join(words + added.get(words[0], [])) for words in directives)


def site_policy(env: jinja2.Environment) -> str:
    """The policy of the built site: its inline scripts' hashes, as the templates write them."""
    return policy(scripts=[source_hash(env.get_template(name).render()) for name in INLINE_SCRIPTS])
