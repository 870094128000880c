"""Schema migrations: created on first use, never silently downgraded, and
always in step with the ORM tables."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from ethos.db import migrate
from ethos.db.store import Store
from ethos.errors import SchemaTooNewError


async def test_first_use_creates_the_newest_schema(db_url: str) -> None:
    store = await Store.open(db_url)
    try:
        assert await store.revision() == migrate.HEAD
    finally:
        await store.close()


def test_head_constant_is_the_newest_migration() -> None:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory(str(migrate.MIGRATIONS_DIR))
    assert script.get_heads() == [migrate.HEAD]


async def test_migrations_build_exactly_the_orm_tables(db_url: str) -> None:
    """A table or column added to tables.py without a migration fails here."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from ethos.db.tables import Base

    store = await Store.open(db_url)
    try:
        async with store.engine.connect() as conn:
            diff = await conn.run_sync(
                lambda c: compare_metadata(MigrationContext.configure(c), Base.metadata)
            )
    finally:
        await store.close()
    assert diff == []


async def test_upgrade_from_empty_and_again_is_a_no_op(db_url: str) -> None:
    store = await Store.open(db_url, upgrade=False)
    try:
        assert await store.revision() is None
        assert await store.upgrade() == (None, migrate.HEAD)
        assert await store.upgrade() == (migrate.HEAD, migrate.HEAD)
    finally:
        await store.close()


async def test_a_newer_schema_is_refused_and_left_untouched(db_url: str) -> None:
    store = await Store.open(db_url)
    run = await store.create_run("precious")
    await store.append_event(run.id, "m", "keep me")
    async with store.engine.begin() as conn:
        await conn.execute(text("UPDATE alembic_version SET version_num = 'f00dfeed9999'"))
    await store.close()

    with pytest.raises(SchemaTooNewError, match="'f00dfeed9999', newer than this ethos"):
        await Store.open(db_url)
    with pytest.raises(SchemaTooNewError, match="upgrade ethos"):
        await Store.open(db_url, upgrade=False)

    from sqlalchemy.ext.asyncio import create_async_engine

    from ethos.db.url import normalize_url

    engine = create_async_engine(normalize_url(db_url))
    try:
        async with engine.connect() as conn:
            version = (await conn.execute(text("SELECT version_num FROM alembic_version"))).scalar()
            payload = (await conn.execute(text("SELECT count(*) FROM events"))).scalar()
    finally:
        await engine.dispose()
    assert version == "f00dfeed9999"
    assert payload == 1
