"""Database URLs: accept what users type, hand SQLAlchemy the async driver.

Users write ``sqlite:///runs.db``, ``postgresql://user@host/db``,
``postgres://...`` or a bare file path; the engine needs
``sqlite+aiosqlite`` and ``postgresql+psycopg``. Anything else is refused
here, before a connection is tried, with the forms that do work.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from ethos.errors import DatabaseURLError

Backend = Literal["sqlite", "postgresql"]

EXAMPLES = "use sqlite:///path/to/ethos.db, a file path, or postgresql://user@host:5432/dbname"
_DRIVERS: dict[str, tuple[Backend, str]] = {
    "sqlite": ("sqlite", "sqlite+aiosqlite"),
    "sqlite+aiosqlite": ("sqlite", "sqlite+aiosqlite"),
    "sqlite+pysqlite": ("sqlite", "sqlite+aiosqlite"),
    "postgresql": ("postgresql", "postgresql+psycopg"),
    "postgres": ("postgresql", "postgresql+psycopg"),
    "postgresql+psycopg": ("postgresql", "postgresql+psycopg"),
    "postgresql+psycopg_async": ("postgresql", "postgresql+psycopg"),
}


def normalize_url(raw: str):  # -> sqlalchemy.engine.URL (imported lazily)
    """Parse ``raw`` into an async SQLAlchemy URL or raise DatabaseURLError."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    text = raw.strip()
    if not text:
        raise DatabaseURLError("the database URL is empty", EXAMPLES)
    try:
        if "://" not in text:
            if ":" in text.split("/")[0] and not Path(text).exists():
                raise DatabaseURLError(f"malformed database URL {mask(text)!r}", EXAMPLES)
            text = f"sqlite:///{Path(text).expanduser().resolve()}"
        url = make_url(text)
    except (ArgumentError, ValueError, OSError, RuntimeError):  # RuntimeError: ~nosuchuser
        raise DatabaseURLError(f"malformed database URL {mask(raw)!r}", EXAMPLES) from None
    if url.drivername not in _DRIVERS:
        raise DatabaseURLError(
            f"unsupported database {url.drivername!r} in {safe_url(url)}",
            f"ethos stores runs in SQLite or PostgreSQL: {EXAMPLES}",
        )
    backend, driver = _DRIVERS[url.drivername]
    url = url.set(drivername=driver)
    if backend == "sqlite":
        if url.database in (None, "", ":memory:"):
            raise DatabaseURLError(
                f"{raw!r} is an in-memory SQLite database, which other processes cannot see",
                "give a file: sqlite:///path/to/ethos.db",
            )
    elif not url.database:
        raise DatabaseURLError(f"{safe_url(url)} names no database", EXAMPLES)
    return url


def mask(raw: str) -> str:
    """A URL we could not parse, with anything like user:password@ hidden."""
    return re.sub(r"(//[^/@:]*:)[^/@]*@", r"\1***@", raw)


def backend_of(url) -> Backend:
    """'sqlite' or 'postgresql' for a normalized URL."""
    return _DRIVERS[url.drivername][0]


def safe_url(url) -> str:
    """The URL as a user would write it, any password masked: safe for logs,
    errors and the terminal."""
    plain = url.set(drivername=url.drivername.split("+")[0])
    return plain.render_as_string(hide_password=True)
