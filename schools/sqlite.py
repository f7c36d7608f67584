"""SQLite (the embedded development default) compares Cyrillic case-sensitively in LIKE.

Django maps ``icontains`` to SQLite's LIKE, which folds case for ASCII only, so a search for
«иванова» would not find «Иванова» in `make run`. Replacing LIKE on each new SQLite connection with
a Unicode-aware version fixes that; PostgreSQL (production) needs nothing.
"""

from __future__ import annotations

import functools
import re

from django.db.backends.signals import connection_created


@functools.lru_cache(maxsize=512)
def _like_regex(pattern: str, escape: str | None) -> re.Pattern:
    out, i = [], 0
    while i < len(pattern):
        ch = pattern[i]
        if escape and ch == escape and i + 1 < len(pattern):
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        out.append(".*" if ch == "%" else "." if ch == "_" else re.escape(ch))
        i += 1
    return re.compile("".join(out), re.DOTALL | re.IGNORECASE)


def unicode_like(pattern: str | None, value: str | None, escape: str | None = None) -> bool | None:
    if pattern is None or value is None:
        return None
    return _like_regex(pattern, escape).fullmatch(str(value)) is not None


def _install(sender, connection, **kwargs) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function("like", 2, unicode_like, deterministic=True)
        connection.connection.create_function("like", 3, unicode_like, deterministic=True)


def install() -> None:
    connection_created.connect(_install, dispatch_uid="nastavnik-sqlite-unicode-like")
