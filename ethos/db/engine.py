"""Async engines for SQLite and PostgreSQL, configured for many writers.

SQLite: WAL so that readers never block the writer, a busy timeout so that
concurrent writers from other processes wait instead of failing,
``synchronous=NORMAL`` (durable against a killed process, which is the crash
that matters here), and foreign keys on so that deleting a run cascades.
PostgreSQL: psycopg 3 with a connect timeout, so an unreachable server is
reported in seconds rather than hanging. No pre-ping on checkout: it costs a
round trip per transaction (15% of single-event throughput, measured by
benchmarks/store_write.py); SQLAlchemy already invalidates a connection that
fails with a disconnect error, and recycling bounds a connection's age.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, is_dataclass
from datetime import date, datetime
from enum import Enum
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from ethos.db.url import backend_of

SQLITE_BUSY_TIMEOUT_S = 60.0
PG_CONNECT_TIMEOUT_S = 5


def _json_default(value: Any) -> Any:
    """Make the values agents produce storable: pydantic models, dataclasses,
    paths, datetimes, enums, sets."""
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    raise TypeError(f"cannot store a {type(value).__name__} as JSON; convert it to a dict first")


# A JSON-escaped NUL not itself preceded by an escaped backslash.
_ESCAPED_NUL = re.compile(r"(?<!\\)((?:\\\\)*)\\u0000")


def dumps(value: Any) -> str:
    """JSON for the database. NUL characters become U+FFFD on every backend:
    PostgreSQL cannot store them, and one backend must not keep what the other
    rejects."""
    # allow_nan=False: NaN and infinity are not JSON, and PostgreSQL refuses them.
    # No spaces after separators: a transcript's stored bytes are measured
    # against its text (benchmarks/eval_harness.py).
    text = json.dumps(
        value, default=_json_default, ensure_ascii=False, allow_nan=False, separators=(",", ":")
    )
    return _ESCAPED_NUL.sub(r"\1\\ufffd", text) if "\\u0000" in text else text


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {int(SQLITE_BUSY_TIMEOUT_S * 1000)}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


def make_engine(url: URL, *, create: bool = True) -> AsyncEngine:
    """An AsyncEngine for a normalized URL (see ``ethos.db.url.normalize_url``).
    ``create``: make a SQLite file's missing directories (commands that only
    read pass False, and ``Store.open`` refuses a file that is not there)."""
    if backend_of(url) == "sqlite":
        if create:
            Path(url.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(
            url, json_serializer=dumps, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S}
        )
        event.listen(engine.sync_engine, "connect", _sqlite_on_connect)
        return engine
    return create_async_engine(
        url,
        json_serializer=dumps,
        pool_recycle=1800,
        connect_args={"connect_timeout": PG_CONNECT_TIMEOUT_S},
    )
