"""The PostgreSQL server the tests use, and a private schema per test.

The server comes from ETHOS_TEST_POSTGRES_URL, defaulting to the one every
project machine runs on 127.0.0.1:5432. Where none answers, PostgreSQL cases
skip (with one line in the pytest header saying why); everything else runs.
"""

from __future__ import annotations

import os
import secrets
from functools import cache
from urllib.parse import quote

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/test"


def server_url() -> str:
    return os.environ.get("ETHOS_TEST_POSTGRES_URL", DEFAULT_URL)


def _libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


@cache
def unavailable_reason() -> str | None:
    """None when the server answers, else why not (checked once per session)."""
    try:
        import psycopg
    except ImportError:
        return "psycopg is not installed (pip install 'ethos[postgres]')"
    try:
        with psycopg.connect(_libpq(server_url()), connect_timeout=3) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return f"no PostgreSQL at {server_url()} ({first}); set ETHOS_TEST_POSTGRES_URL"
    return None


def create_schema() -> str:
    import psycopg

    name = f"t_{secrets.token_hex(6)}"
    with psycopg.connect(_libpq(server_url()), autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{name}"')
    return name


def drop_schema(name: str) -> None:
    import psycopg

    with psycopg.connect(_libpq(server_url()), autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')


def schema_url(name: str) -> str:
    """A URL whose connections see only ``name`` (search_path set at connect)."""
    sep = "&" if "?" in server_url() else "?"
    return f"{server_url()}{sep}options={quote(f'-csearch_path={name}')}"
