"""Run leases and sample claims: several processes work one run, each sample once.

A process that works a run registers as a worker (a ``run_workers`` row) and
holds a lease on it: ``expires_at``, renewed by its heartbeat. It takes
samples by claiming them (``samples.claimed_by`` = its id, ``attempt`` + 1,
status ``running``) a few at a time. A sample is claimable when it is
``pending``, or ``running`` under a worker whose lease expired: a holder that
died loses its samples to whoever asks next, never while it lives.

Finding or creating the run happens under a lock (``BEGIN IMMEDIATE`` on
SQLite, a transaction-scoped advisory lock on the fingerprint on
PostgreSQL), so identical commands started together join one run instead
of creating one each. Claims are one ``UPDATE ... RETURNING`` over rows
chosen with ``FOR UPDATE SKIP LOCKED`` on PostgreSQL (workers on several
machines never wait on each other's rows) and inside a write transaction on
SQLite (one writer at a time: the claim is atomic by construction).

A worker on this host whose process is gone is treated as expired at once
(its pid no longer exists), so a command rerun after a kill on the same
machine does not wait out the lease.
"""

from __future__ import annotations

import hashlib
import os
import socket
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, func, insert, or_, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection

from ethos.db.tables import RunRow, RunWorkerRow, SampleRow, utcnow

if TYPE_CHECKING:
    from ethos.db.store import Run, Store

RESUMABLE = ("running", "cancelled", "failed")
HOST = socket.gethostname()[:256]


@dataclass(frozen=True)
class Lease:
    """A process's membership of a run. ``first``: no other worker was live
    when it joined, so it (re)started the run (failed samples back to pending)."""

    run_id: str
    worker_id: str
    lease_s: float
    first: bool


@dataclass(frozen=True)
class Claim:
    pk: int
    sample_id: str
    epoch: int
    arm: str
    attempt: int


@dataclass(frozen=True)
class Outstanding:
    """Samples not finished yet: pending, held by live workers (others, and
    this one), held by expired workers (claimable)."""

    pending: int = 0
    held_by_others: int = 0
    held_by_me: int = 0
    orphaned: int = 0

    @property
    def claimable(self) -> int:
        return self.pending + self.orphaned


async def join_run(
    store: Store,
    *,
    kind: str,
    fingerprint: str,
    lease_s: float,
    new_run: Mapping[str, Any],
    run_id: str | None = None,
    force_new: bool = False,
    check: Callable[[Run], Mapping[str, Any] | None] | None = None,
) -> tuple[Run, Lease]:
    """Find the run to work (``run_id``, else the newest unfinished run of
    this ``kind`` and ``fingerprint``, unless ``force_new``) or create it from
    ``new_run`` (name, config, metadata), and register this process as one of
    its workers, all under the fingerprint's lock.

    ``check`` sees a found run before it is joined: it may raise to refuse,
    or return metadata to merge into the run's. The first worker of a run
    (no other live) resets failed and orphaned samples to pending and marks
    the run running again.
    """
    from ethos.db.store import Run

    async with store.engine.connect() as conn:
        await _lock(conn, store.backend, fingerprint)
        now = utcnow()
        row = None
        if run_id is not None:
            row = (await conn.execute(select(RunRow).where(RunRow.id == run_id))).first()
        elif not force_new:
            newest = (
                await conn.execute(
                    select(RunRow)
                    .where(RunRow.kind == kind, RunRow.fingerprint == fingerprint)
                    .order_by(RunRow.created_at.desc(), RunRow.id.desc())
                    .limit(1)
                )
            ).first()
            if newest is not None and newest.status in RESUMABLE:
                row = newest
        if row is not None:
            run = Run.model_validate(row._mapping)
            patch = check(run) if check is not None else None
            if patch:
                await conn.execute(
                    update(RunRow)
                    .where(RunRow.id == run.id)
                    .values({RunRow.__table__.c.metadata: {**run.metadata, **patch}})
                )
            the_id = run.id
        else:
            from ethos.db.store import new_run_id

            the_id = new_run_id()
            await conn.execute(
                insert(RunRow),
                {
                    "id": the_id,
                    "kind": kind,
                    "name": new_run["name"],
                    "status": "running",
                    "config": dict(new_run.get("config") or {}),
                    "metadata": dict(new_run.get("metadata") or {}),
                    "created_at": now,
                    "fingerprint": fingerprint,
                },
            )
        live, dead = await _live_workers(conn, the_id, now)
        await _expire(conn, dead, now)
        worker_id = os.urandom(16).hex()
        await conn.execute(
            insert(RunWorkerRow),
            {
                "id": worker_id,
                "run_id": the_id,
                "host": HOST,
                "pid": os.getpid(),
                "started_at": now,
                "heartbeat_at": now,
                "expires_at": now + timedelta(seconds=lease_s),
            },
        )
        first = not live
        if first:
            await conn.execute(
                update(SampleRow)
                .where(SampleRow.run_id == the_id, SampleRow.status.in_(("failed", "running")))
                .values(status="pending", claimed_by=None, error=None, finished_at=None)
            )
            await conn.execute(
                update(RunRow)
                .where(RunRow.id == the_id)
                .values(status="running", error=None, finished_at=None)
            )
        run_row = (await conn.execute(select(RunRow).where(RunRow.id == the_id))).one()
        await conn.commit()
    return Run.model_validate(run_row._mapping), Lease(the_id, worker_id, lease_s, first)


async def claim(store: Store, lease: Lease, limit: int) -> list[Claim]:
    """Take up to ``limit`` claimable samples for this worker, in id order."""
    now = utcnow()
    live = (
        select(RunWorkerRow.id)
        .where(RunWorkerRow.run_id == lease.run_id, RunWorkerRow.expires_at > now)
        .scalar_subquery()
    )
    claimable = (
        select(SampleRow.id)
        .where(
            SampleRow.run_id == lease.run_id,
            or_(
                SampleRow.status == "pending",
                and_(
                    SampleRow.status == "running",
                    or_(SampleRow.claimed_by.is_(None), SampleRow.claimed_by.not_in(live)),
                    # Never its own: a worker whose lease lapsed (its heartbeat
                    # was late) is still working what it holds.
                    or_(
                        SampleRow.claimed_by.is_(None),
                        SampleRow.claimed_by != lease.worker_id,
                    ),
                ),
            ),
        )
        .order_by(SampleRow.id)
        .limit(limit)
    )
    if store.backend == "postgresql":
        claimable = claimable.with_for_update(skip_locked=True, of=SampleRow)
    stmt = (
        update(SampleRow)
        .where(SampleRow.id.in_(claimable.scalar_subquery()))
        .values(
            status="running",
            claimed_by=lease.worker_id,
            attempt=SampleRow.attempt + 1,
            started_at=now,
            error=None,
            finished_at=None,
        )
        .returning(
            SampleRow.id, SampleRow.sample_id, SampleRow.epoch, SampleRow.arm, SampleRow.attempt
        )
    )
    async with store.engine.connect() as conn:
        if store.backend == "sqlite":
            await conn.exec_driver_sql("BEGIN IMMEDIATE")
        rows = (await conn.execute(stmt)).all()
        await conn.commit()
    return sorted((Claim(*r) for r in rows), key=lambda c: c.pk)


async def outstanding(store: Store, lease: Lease) -> Outstanding:
    """What is left of the run, by who holds it (workers on this host whose
    process is gone are expired first, so their samples count as claimable)."""
    async with store.engine.connect() as conn:
        now = utcnow()
        live, dead = await _live_workers(conn, lease.run_id, now)
        if dead:  # a write: on SQLite under the write lock taken up front
            await conn.rollback()
            if store.backend == "sqlite":
                await conn.exec_driver_sql("BEGIN IMMEDIATE")
            await _expire(conn, dead, now)
            await conn.commit()
        rows = (
            await conn.execute(
                select(SampleRow.status, SampleRow.claimed_by, func.count())
                .where(
                    SampleRow.run_id == lease.run_id,
                    SampleRow.status.in_(("pending", "running")),
                )
                .group_by(SampleRow.status, SampleRow.claimed_by)
            )
        ).all()
    counts = {"pending": 0, "held_by_others": 0, "held_by_me": 0, "orphaned": 0}
    for status, holder, n in rows:
        if status == "pending":
            counts["pending"] += n
        elif holder == lease.worker_id:
            counts["held_by_me"] += n
        elif holder in live:
            counts["held_by_others"] += n
        else:
            counts["orphaned"] += n
    return Outstanding(**counts)


async def renew(store: Store, lease: Lease) -> bool:
    """The heartbeat: push this worker's lease ``lease_s`` past now. A lease
    that lapsed (a late heartbeat: the process lives) runs again: samples
    others took over meanwhile are theirs (``claimed_by``), those it still
    holds are its own again, and what it claims next is not orphaned at
    once. A lease ended by ``leave`` (``expires_at`` set back to
    ``started_at``) stays ended. Returns whether the lease runs."""
    now = utcnow()
    async with store.engine.begin() as conn:
        result = await conn.execute(
            update(RunWorkerRow)
            .where(
                RunWorkerRow.id == lease.worker_id,
                RunWorkerRow.expires_at > RunWorkerRow.started_at,
            )
            .values(heartbeat_at=now, expires_at=now + timedelta(seconds=lease.lease_s))
        )
    return bool(result.rowcount)


async def leave(store: Store, lease: Lease, unstarted: Sequence[int] = ()) -> None:
    """End this worker's lease. Samples it still holds go back to pending
    (those it claimed but never started with their attempt undone), so
    nobody has to wait for the lease to expire."""
    async with store.engine.begin() as conn:
        mine = (SampleRow.claimed_by == lease.worker_id, SampleRow.status == "running")
        if unstarted:
            await conn.execute(
                update(SampleRow)
                .where(SampleRow.id.in_(list(unstarted)), *mine)
                .values(status="pending", claimed_by=None, attempt=SampleRow.attempt - 1)
            )
        await conn.execute(
            update(SampleRow)
            .where(SampleRow.run_id == lease.run_id, *mine)
            .values(status="pending", claimed_by=None)
        )
        await conn.execute(  # ended for good: renew never revives it
            update(RunWorkerRow)
            .where(RunWorkerRow.id == lease.worker_id)
            .values(expires_at=RunWorkerRow.started_at)
        )


async def add_samples(store: Store, run_id: str, items: Sequence[Mapping[str, Any]]) -> None:
    """Insert the rows of a run's samples that do not exist yet, ``pending``;
    rows that exist are left alone (another worker may hold or have finished
    them)."""
    stmt = store._insert(SampleRow).on_conflict_do_nothing(
        index_elements=["run_id", "sample_id", "epoch", "arm"]
    )
    now = utcnow()
    rows = [
        {
            "run_id": run_id,
            "sample_id": item["sample_id"],
            "epoch": item.get("epoch", 0),
            "arm": item.get("arm", ""),
            "status": "pending",
            "input": item.get("input"),
            "target": item.get("target"),
            "metadata": dict(item.get("metadata") or {}),
            "started_at": now,
        }
        for item in items
    ]
    async with store.engine.begin() as conn:
        for start in range(0, len(rows), 500):
            await conn.execute(stmt, rows[start : start + 500])


async def status_counts(store: Store, run_id: str) -> dict[str, int]:
    """How many of a run's samples are in each status."""
    async with store.engine.connect() as conn:
        rows = await conn.execute(
            select(SampleRow.status, func.count())
            .where(SampleRow.run_id == run_id)
            .group_by(SampleRow.status)
        )
        return {status: n for status, n in rows}


# -- helpers -----------------------------------------------------------------------


async def _lock(conn: AsyncConnection, backend: str, fingerprint: str) -> None:
    """Serialise find-or-create of runs with this fingerprint (the idioms of
    ethos.db.migrate: SQLite's write lock, a PostgreSQL advisory lock)."""
    if backend == "sqlite":
        await conn.exec_driver_sql("BEGIN IMMEDIATE")
        return
    key = int.from_bytes(hashlib.sha256(f"run:{fingerprint}".encode()).digest()[:8], "big")
    key -= 1 << 63  # a signed bigint
    await conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


async def _live_workers(conn: AsyncConnection, run_id: str, now: Any) -> tuple[set[str], list[str]]:
    """Ids of the run's workers whose lease runs, and of those among them on
    this host whose process no longer exists (dead: to be expired)."""
    rows = (
        await conn.execute(
            select(RunWorkerRow.id, RunWorkerRow.host, RunWorkerRow.pid).where(
                RunWorkerRow.run_id == run_id, RunWorkerRow.expires_at > now
            )
        )
    ).all()
    live, dead = set(), []
    for worker, host, pid in rows:
        if host == HOST and pid != os.getpid() and not _pid_alive(pid):
            dead.append(worker)
        else:
            live.add(worker)
    return live, dead


async def _expire(conn: AsyncConnection, workers: list[str], now: Any) -> None:
    if workers:
        await conn.execute(
            update(RunWorkerRow).where(RunWorkerRow.id.in_(workers)).values(expires_at=now)
        )


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True
