"""Schema migrations: applied on first use and by ``ethos db upgrade``.

Opening a store compares the database's Alembic revision with ``HEAD``; the
common case (already current) costs one query and never imports Alembic.
Otherwise the upgrade runs inside one transaction that holds the database's
write lock (``BEGIN IMMEDIATE`` on SQLite, an advisory lock on PostgreSQL),
so that many processes opening a fresh database at once migrate it exactly
once. A revision this ethos does not know means a newer ethos wrote the
database: we refuse to touch it rather than guess.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Connection, inspect, text

from ethos.errors import SchemaTooNewError

HEAD = "0004"
MIGRATIONS_DIR = Path(__file__).with_name("migrations")
_PG_MIGRATION_LOCK = 0x657468_6F73  # "ethos"


def current_revision(conn: Connection) -> str | None:
    """The revision stamped in the database, or None for an empty database."""
    if not inspect(conn).has_table("alembic_version"):
        return None
    row = conn.execute(text("SELECT version_num FROM alembic_version")).first()
    return row[0] if row else None


def known_revisions() -> set[str]:
    """Every revision this ethos ships."""
    return {rev.revision for rev in _script().walk_revisions()}


def _script() -> Any:
    from alembic.script import ScriptDirectory

    return ScriptDirectory(str(MIGRATIONS_DIR))


def _alembic_config(conn: Connection) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["connection"] = conn
    return cfg


def check_not_newer(revision: str | None, where: str) -> None:
    if revision is None or revision == HEAD:
        return
    if revision not in known_revisions():
        raise SchemaTooNewError(
            f"the database {where} has schema revision {revision!r}, newer than this ethos "
            f"knows (its newest is {HEAD!r}); nothing was changed",
            "upgrade ethos (pip install -U ethos) or point --db / ETHOS_DATABASE_URL elsewhere",
        )


def upgrade(conn: Connection, where: str) -> str | None:
    """Bring the schema to HEAD under the database's write lock.

    Returns the revision it started from. Runs in the caller's transaction,
    which must be committed by the caller.
    """
    if conn.dialect.name == "sqlite":
        # Take the write lock before reading the revision, so no other
        # process can migrate between our read and our DDL.
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_MIGRATION_LOCK})
    start = current_revision(conn)
    check_not_newer(start, where)
    if start != HEAD:
        from alembic import command

        command.upgrade(_alembic_config(conn), "head")
    return start
