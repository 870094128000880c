"""Many processes, one database; and processes killed mid-write.

These start real OS processes against a real SQLite file and a real
PostgreSQL server, then count what the database holds afterwards.
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import text

from ethos.db.store import Store

ROOT = Path(__file__).resolve().parents[1]
WRITERS = 8
RUNS_EACH = 4
EVENTS_EACH = 30

pytestmark = pytest.mark.slow


def spawn(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.support.writer", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for_line(proc: subprocess.Popen[str], prefix: str) -> str:
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith(prefix):
            return line.strip()
    raise AssertionError(
        f"writer exited before {prefix!r}: {proc.stderr.read() if proc.stderr else ''}"
    )


def kill(proc: subprocess.Popen[str]) -> None:
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL


async def test_eight_processes_lose_nothing(db_url: str) -> None:
    # The database is fresh: the writers also race to create and migrate it.
    procs = [
        spawn("runs", db_url, f"w{i}", str(RUNS_EACH), str(EVENTS_EACH)) for i in range(WRITERS)
    ]
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        assert out.strip() == "done"

    store = await Store.open(db_url)
    try:
        runs = await store.list_runs(kind="stress", limit=1000)
        assert len(runs) == WRITERS * RUNS_EACH
        assert {r.status for r in runs} == {"succeeded"}
        assert len({r.id for r in runs}) == len(runs)
        per_writer = Counter(r.metadata["writer"] for r in runs)
        assert per_writer == {f"w{i}": RUNS_EACH for i in range(WRITERS)}
        for run in runs:
            events = await store.events(run.id, limit=10_000)
            assert sorted(e.payload["i"] for e in events) == list(range(EVENTS_EACH))
        async with store.engine.connect() as conn:
            total = (await conn.execute(text("SELECT count(*) FROM events"))).scalar_one()
            versions = (
                await conn.execute(text("SELECT count(*) FROM alembic_version"))
            ).scalar_one()
        assert total == WRITERS * RUNS_EACH * EVENTS_EACH
        assert versions == 1
    finally:
        await store.close()


async def assert_healthy(store: Store) -> None:
    """The database answers, passes its own check, and takes new writes."""
    if store.backend == "sqlite":
        async with store.engine.connect() as conn:
            check = (await conn.execute(text("PRAGMA integrity_check"))).scalar_one()
        assert check == "ok"
    run = await store.create_run("after-crash")
    await store.append_events(run.id, [("m", 1), ("m", 2)])
    await store.finish_run(run.id)
    assert (await store.counts(run.id)).events == 2


async def test_killed_inside_a_transaction_leaves_nothing_half_written(db_url: str) -> None:
    await (await Store.open(db_url)).close()  # created and migrated beforehand
    proc = spawn("hold", db_url, "400")
    run_id = wait_for_line(proc, "in-transaction").split()[1]
    kill(proc)

    store = await Store.open(db_url)
    try:
        # The run itself was committed before the transaction that was cut.
        run = await store.get_run(run_id)
        assert run.status == "running"
        assert (await store.counts(run_id)).events == 0
        await assert_healthy(store)
    finally:
        await store.close()


async def test_killed_while_appending_keeps_every_batch_whole(db_url: str) -> None:
    batch = 500
    rng = random.Random(20261124)
    await (await Store.open(db_url)).close()
    proc = spawn("batches", db_url, str(batch))
    wait_for_line(proc, "committed 2")
    await asyncio.sleep(rng.uniform(0.0, 0.05))
    kill(proc)
    assert proc.stdout is not None
    reported = [int(line.split()[1]) for line in proc.stdout.read().splitlines() if line]
    last_reported = max([2, *reported])

    store = await Store.open(db_url)
    try:
        (run,) = await store.list_runs(kind="crash")
        events = await store.events(run.id, limit=1_000_000)
        sizes = Counter(e.payload["batch"] for e in events)
        # Every batch the writer saw committed is there, and none is partial.
        assert set(range(last_reported + 1)) <= set(sizes)
        assert set(sizes.values()) == {batch}
        assert sorted(sizes) == list(range(len(sizes)))
        await assert_healthy(store)
    finally:
        await store.close()


def test_writer_killed_does_not_leave_sqlite_locked(tmp_path: Path) -> None:
    """A process killed while holding SQLite's write lock releases it with its
    file locks; the next writer gets in at once (no stale lock file to clear)."""
    url = f"sqlite:///{tmp_path / 'locked.db'}"
    asyncio.run(_open_close(url))
    proc = spawn("hold", url, "10")
    wait_for_line(proc, "in-transaction")
    kill(proc)
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".lock")]
    asyncio.run(_write_one(url))


async def _open_close(url: str) -> None:
    await (await Store.open(url)).close()


async def _write_one(url: str) -> None:
    store = await Store.open(url)
    try:
        await assert_healthy(store)
    finally:
        await store.close()
