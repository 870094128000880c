"""The async Store: the one API through which ethos writes and reads runs.

A Store wraps one database URL. It is cheap to hold for a process's
lifetime (a service opens one at start-up) and safe to share between tasks.
Records come back as frozen pydantic models, never ORM objects, so callers
cannot accidentally hold a session open or write through a stale row.

    async with await open_store() as store:
        run = await store.create_run("demo", name="hello")
        await store.append_event(run.id, "message", {"role": "user", "content": "hi"})
        await store.finish_run(run.id)
"""

from __future__ import annotations

import asyncio
import hashlib
import mimetypes
import os
import secrets
import time
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker

from ethos.db import migrate
from ethos.db.batch import BatchWriter
from ethos.db.engine import make_engine
from ethos.db.tables import (
    ArtifactRow,
    EventRow,
    ModelCallRow,
    RunRow,
    RunWorkerRow,
    SampleRow,
    ScoreRow,
    TranscriptPartRow,
    utcnow,
)
from ethos.db.transcript import TranscriptDecoder, part_digests
from ethos.db.url import Backend, backend_of, normalize_url, safe_url
from ethos.errors import (
    DatabaseNotFoundError,
    DatabaseUnavailableError,
    EthosError,
    RunNotFoundError,
)
from ethos.settings import Settings, load_settings

RunStatus = Literal["running", "succeeded", "failed", "cancelled"]
FINAL_STATUSES: frozenset[str] = frozenset({"succeeded", "failed", "cancelled"})
MIN_PREFIX = 4


class Record(BaseModel):
    model_config = ConfigDict(frozen=True)


class Run(Record):
    id: str
    kind: str
    name: str
    status: str
    config: dict[str, Any] = Field(default_factory=dict)
    metadata: dict[str, Any] = Field(default_factory=dict)
    error: str | None = None
    created_at: datetime
    finished_at: datetime | None = None


class Event(Record):
    id: int
    run_id: str
    sample_pk: int | None = None
    kind: str
    payload: Any = None
    created_at: datetime


class Sample(Record):
    id: int
    run_id: str
    sample_id: str
    epoch: int
    arm: str
    status: str
    input: Any = None
    target: Any = None
    output: Any = None
    metadata: dict[str, Any] = Field(default_factory=dict)
    error: str | None = None
    started_at: datetime
    finished_at: datetime | None = None
    attempt: int = 0


class TranscriptEvent(Record):
    """One entry of a sample's transcript: a model call (its request and
    result), a tool call, a graph node boundary, a suite event. ``data`` is
    what was recorded, with stored parts (messages, tools) put back."""

    id: int
    sample_pk: int | None = None
    attempt: int | None = None
    kind: str
    data: dict[str, Any] = Field(default_factory=dict)
    created_at: datetime


class RunCounts(Record):
    samples: int = 0
    events: int = 0
    model_calls: int = 0
    scores: int = 0
    artifacts: int = 0


class CallTotals(Record):
    calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0


class RunCost(Record):
    """What a run's model calls cost: ``paid`` is every call made (the bill),
    ``redone`` the part of it whose sample was worked again afterwards (a
    crash, a retried failure: the call's attempt is older than its sample's)."""

    paid: CallTotals
    redone: CallTotals


class NewEvent(Record):
    """An event to append: its kind, a JSON-able payload, optionally its sample."""

    kind: str
    payload: Any = None
    sample_pk: int | None = None


def new_run_id() -> str:
    """32 hex characters, time-ordered (ms clock first) so ids sort by creation
    and unique across processes and machines (80 random bits)."""
    return f"{time.time_ns() // 1_000_000:012x}{secrets.token_hex(10)}"


def _check_sqlite_path(path: Path, *, create: bool) -> None:
    """Refuse, before any connection, a SQLite path that is a directory or
    (for ``create=False``) a file that does not exist: one line naming the
    path, where SQLite would log a traceback or create an empty database."""
    if path.is_dir():
        raise DatabaseUnavailableError(
            f"the database path {path} is a directory, not a SQLite file",
            f"pass a file path, such as {path / 'ethos.db'}",
        )
    if create or path.exists():
        return
    missing = next((p for p in reversed(path.parents) if not p.exists()), None)
    where = f" (the directory {missing} does not exist)" if missing is not None else ""
    raise DatabaseNotFoundError(
        f"no database at {path}{where}",
        "check --db / ETHOS_DATABASE_URL; commands that record runs "
        "(ethos demo, ethos eval run) create the database",
    )


def _describe_db_error(exc: DBAPIError) -> str:
    return str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)


class Store:
    """Runs, samples, events, model calls, scores and artifacts in one database."""

    def __init__(self, engine: AsyncEngine, url_for_display: str, backend: Backend) -> None:
        self.engine = engine
        self.url = url_for_display
        self.backend = backend
        self.sessions = async_sessionmaker(engine, expire_on_commit=False)

    # -- opening and closing -------------------------------------------------

    @classmethod
    async def open(
        cls,
        url: str | None = None,
        *,
        settings: Settings | None = None,
        upgrade: bool = True,
        create: bool = True,
    ) -> Self:
        """Open the database at ``url`` (default: from settings) and make sure
        its schema is current, migrating it when ``upgrade`` is true.

        ``create=False`` is for commands that only read: a SQLite file that
        does not exist, or a database without ethos' tables, is refused
        (DatabaseNotFoundError naming the path) instead of created empty."""
        raw = url or (settings or load_settings()).resolved_database_url
        parsed = normalize_url(raw)
        backend = backend_of(parsed)
        if backend == "sqlite":
            # A few stat calls, once per open, before the first connection.
            _check_sqlite_path(Path(parsed.database).expanduser(), create=create)  # noqa: ASYNC240
        try:
            engine = make_engine(parsed, create=create)
        except OSError as exc:  # a parent that is a file, a directory we may not write
            blocker = next((p for p in Path(parsed.database).parents if p.is_file()), None)
            reason = f"{blocker} is a file" if blocker else exc.strerror or str(exc)
            raise DatabaseUnavailableError(
                f"cannot create the SQLite database {parsed.database}: {reason}",
                "pass a --db path in a directory you can write",
            ) from None
        store = cls(engine, safe_url(parsed), backend)
        try:
            await store._check_schema(upgrade=upgrade, create=create)
        except BaseException:
            await store.engine.dispose()
            raise
        return store

    async def _check_schema(self, *, upgrade: bool, create: bool = True) -> None:
        try:
            async with self.engine.connect() as conn:
                revision = await conn.run_sync(migrate.current_revision)
                if revision == migrate.HEAD:
                    return
                migrate.check_not_newer(revision, self.url)
                if not upgrade:
                    return
                if revision is None and not create:
                    raise DatabaseNotFoundError(
                        f"{self.url} holds no ethos database yet (no tables)",
                        "commands that record runs (ethos demo, ethos eval run) create it, "
                        "as does `ethos db upgrade`; or pass the --db that holds your runs",
                    )
                await conn.rollback()
                await conn.run_sync(migrate.upgrade, self.url)
                await conn.commit()
        except DBAPIError as exc:
            raise self._unavailable(exc) from None

    def _unavailable(self, exc: DBAPIError) -> EthosError:
        reason = _describe_db_error(exc)
        if self.backend == "sqlite":
            return DatabaseUnavailableError(
                f"cannot use the SQLite database {self.url}: {reason}",
                "check that the path is an ethos database you can write, or pass another --db",
            )
        return DatabaseUnavailableError(
            f"cannot connect to PostgreSQL at {self.url}: {reason}",
            "start the server or fix ETHOS_DATABASE_URL / --db",
        )

    async def revision(self) -> str | None:
        """The schema revision the database is at (None before the first migration)."""
        async with self.engine.connect() as conn:
            return await conn.run_sync(migrate.current_revision)

    async def upgrade(self) -> tuple[str | None, str]:
        """Migrate to the newest schema; returns (from, to) revisions."""
        async with self.engine.connect() as conn:
            start = await conn.run_sync(migrate.upgrade, self.url)
            await conn.commit()
        return start, migrate.HEAD

    async def close(self) -> None:
        await self.engine.dispose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    def session(self) -> AsyncSession:
        """An ORM session for code that needs more than this API offers."""
        return self.sessions()

    # -- runs ------------------------------------------------------------------

    async def create_run(
        self,
        kind: str,
        name: str | None = None,
        *,
        config: Mapping[str, Any] | None = None,
        metadata: Mapping[str, Any] | None = None,
        run_id: str | None = None,
    ) -> Run:
        """Record a new run in status ``running``."""
        row = {
            "id": run_id or new_run_id(),
            "kind": _text(kind, "kind", 64),
            "name": _text(name or kind, "name", 256),
            "status": "running",
            "config": dict(config or {}),
            "metadata": dict(metadata or {}),
            "created_at": utcnow(),
        }
        async with self.engine.begin() as conn:
            await conn.execute(insert(RunRow), row)
        return Run.model_validate({**row, "error": None, "finished_at": None})

    async def finish_run(
        self, run_id: str, status: RunStatus = "succeeded", *, error: str | None = None
    ) -> Run:
        """Mark a run finished with its final status (and error, when it failed)."""
        if status not in FINAL_STATUSES:
            raise EthosError(
                f"cannot finish a run with status {status!r}",
                f"use one of {', '.join(sorted(FINAL_STATUSES))}",
            )
        run = await self.get_run(run_id)
        async with self.engine.begin() as conn:
            await conn.execute(
                update(RunRow)
                .where(RunRow.id == run.id)
                .values(status=status, error=_text(error, "error"), finished_at=utcnow())
            )
        return await self.get_run(run.id)

    async def update_run(self, run_id: str, *, status: RunStatus = "running") -> Run:
        """Reopen a run (a resumed run is running again, its old end undone)."""
        run = await self.get_run(run_id)
        async with self.engine.begin() as conn:
            await conn.execute(
                update(RunRow)
                .where(RunRow.id == run.id)
                .values(status=status, error=None, finished_at=None)
            )
        return await self.get_run(run.id)

    async def get_run(self, run_id: str) -> Run:
        """The run with this id, or with this unique id prefix (>= 4 characters)."""
        async with self.engine.connect() as conn:
            row = (await conn.execute(select(RunRow).where(RunRow.id == run_id))).first()
            if row is None and len(run_id) >= MIN_PREFIX and run_id.isalnum():
                rows = (
                    await conn.execute(
                        select(RunRow).where(RunRow.id.startswith(run_id.lower())).limit(2)
                    )
                ).all()
                if len(rows) > 1:
                    raise RunNotFoundError(
                        f"run id prefix {run_id!r} matches more than one run in {self.url}",
                        "give more characters of the id",
                    )
                row = rows[0] if rows else None
        if row is None:
            raise RunNotFoundError(
                f"no run {run_id!r} in {self.url}", "`ethos runs list` shows the runs there"
            )
        return Run.model_validate(row._mapping)

    async def list_runs(
        self,
        *,
        kind: str | None = None,
        status: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> list[Run]:
        """Runs, newest first, one page at a time."""
        query = select(RunRow).order_by(RunRow.created_at.desc(), RunRow.id.desc())
        if kind:
            query = query.where(RunRow.kind == kind)
        if status:
            query = query.where(RunRow.status == status)
        async with self.engine.connect() as conn:
            rows = (await conn.execute(query.limit(limit).offset(offset))).all()
        return [Run.model_validate(r._mapping) for r in rows]

    async def count_runs(self) -> int:
        async with self.engine.connect() as conn:
            return (await conn.execute(select(func.count()).select_from(RunRow))).scalar_one()

    async def delete_run(self, run_id: str) -> Run:
        """Delete a run and everything recorded under it; returns what was deleted."""
        run = await self.get_run(run_id)
        async with self.engine.begin() as conn:
            # Children first, explicitly: correct even where a database was
            # opened without foreign-key enforcement.
            children = (
                ScoreRow,
                ArtifactRow,
                ModelCallRow,
                EventRow,
                TranscriptPartRow,
                SampleRow,
                RunWorkerRow,
            )
            for table in children:
                await conn.execute(delete(table).where(table.run_id == run.id))
            await conn.execute(delete(RunRow).where(RunRow.id == run.id))
        return run

    async def counts(self, run_id: str) -> RunCounts:
        """How many rows of each kind a run holds."""
        run = await self.get_run(run_id)
        tables = {
            "samples": SampleRow,
            "events": EventRow,
            "model_calls": ModelCallRow,
            "scores": ScoreRow,
            "artifacts": ArtifactRow,
        }
        async with self.engine.connect() as conn:
            values = {
                name: (
                    await conn.execute(
                        select(func.count()).select_from(table).where(table.run_id == run.id)
                    )
                ).scalar_one()
                for name, table in tables.items()
            }
        return RunCounts(**values)

    async def run_cost(self, run_id: str) -> RunCost:
        """The run's model calls summed, all of them and those redone."""
        run = await self.get_run(run_id)
        sample_attempt = (
            select(SampleRow.attempt)
            .where(SampleRow.id == ModelCallRow.sample_pk)
            .scalar_subquery()
        )
        redone = (ModelCallRow.attempt.is_not(None)) & (ModelCallRow.attempt < sample_attempt)
        sums = (
            func.count(),
            func.coalesce(func.sum(ModelCallRow.input_tokens), 0),
            func.coalesce(func.sum(ModelCallRow.output_tokens), 0),
            func.coalesce(func.sum(ModelCallRow.cost_usd), 0.0),
        )
        totals = {}
        async with self.engine.connect() as conn:
            for name, extra in (("paid", ()), ("redone", (redone,))):
                query = select(*sums).where(ModelCallRow.run_id == run.id, *extra)
                n, tokens_in, tokens_out, cost = (await conn.execute(query)).one()
                totals[name] = CallTotals(
                    calls=n, input_tokens=tokens_in, output_tokens=tokens_out, cost_usd=cost
                )
        return RunCost(**totals)

    # -- events ----------------------------------------------------------------

    async def append_event(
        self, run_id: str, kind: str, payload: Any = None, *, sample_pk: int | None = None
    ) -> int:
        """Append one event in its own transaction; returns its id."""
        row = {
            "run_id": run_id,
            "kind": _text(kind, "kind", 64),
            "payload": payload,
            "sample_pk": sample_pk,
            "created_at": utcnow(),
        }
        async with self._writing(run_id) as conn:
            result = await conn.execute(insert(EventRow).returning(EventRow.id), row)
            return result.scalar_one()

    async def append_events(
        self, run_id: str, events: Iterable[NewEvent | tuple[str, Any] | Mapping[str, Any]]
    ) -> int:
        """Append many events in one transaction: all of them or none."""
        now = utcnow()
        rows = [_event_row(run_id, e, now) for e in events]
        if not rows:
            return 0
        async with self._writing(run_id) as conn:
            await conn.execute(insert(EventRow), rows)
        return len(rows)

    async def events(
        self,
        run_id: str,
        *,
        kind: str | None = None,
        after_id: int = 0,
        limit: int = 1000,
    ) -> list[Event]:
        """A page of a run's events in order; pass the last id as ``after_id``
        for the next page (keyset pagination stays fast on long runs)."""
        query = (
            select(EventRow)
            .where(EventRow.run_id == run_id, EventRow.id > after_id)
            .order_by(EventRow.id)
            .limit(limit)
        )
        if kind:
            query = query.where(EventRow.kind == kind)
        async with self.engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        return [Event.model_validate(r._mapping) for r in rows]

    # -- transcripts -------------------------------------------------------------

    async def append_transcript(
        self, run_id: str, events: Sequence[Mapping[str, Any]], parts: Mapping[str, Any]
    ) -> None:
        """Store transcript events (rows from ``transcript_event_row``) and the
        parts they name, in one transaction, parts first (a part already kept
        for the run is left as it is)."""
        if not events and not parts:
            return
        async with self._writing(run_id) as conn:
            if parts:
                await conn.execute(self.part_insert(), part_rows(run_id, parts))
            if events:
                await conn.execute(insert(EventRow), list(events))

    def part_insert(self) -> Any:
        """INSERT of transcript parts that skips a digest the run already has."""
        return self._insert(TranscriptPartRow).on_conflict_do_nothing(
            index_elements=["run_id", "digest"]
        )

    async def transcript(
        self, sample_pk: int, *, attempt: int | None = None, page_size: int = 500
    ) -> AsyncIterator[TranscriptEvent]:
        """A sample's transcript in the order it happened, streamed page by
        page (keyset on the event id; one query for a page's parts).
        ``attempt`` None means the sample's latest attempt. A run stored with
        transcripts off has none: asking for it raises EthosError, as does
        asking for a sample without events of a run resumed with them off
        (``metadata["transcripts"] == "partial"``)."""
        async with self.engine.connect() as conn:
            found = (
                await conn.execute(
                    select(SampleRow.run_id, SampleRow.sample_id, SampleRow.attempt).where(
                        SampleRow.id == sample_pk
                    )
                )
            ).first()
            if found is None:
                raise EthosError(
                    f"no sample with key {sample_pk} in {self.url}",
                    "find the sample with Store.find_sample(run_id, sample_id)",
                )
            run_id = found[0]
            meta_query = select(RunRow.meta).where(RunRow.id == run_id)
            meta = (await conn.execute(meta_query)).scalar_one()
            if (meta or {}).get("transcripts") is False:
                raise EthosError(
                    f"run {run_id} was stored without transcripts (transcripts = false)",
                    "run it again with transcripts on (unset ETHOS_TRANSCRIPTS) to keep them",
                )
            # An eval sample's latest attempt is the one its output and scores
            # are of (an earlier attempt's events are not its transcript);
            # a sample the harness did not claim: its events' latest attempt.
            if attempt is None and found[2]:
                attempt = found[2]
            elif attempt is None:
                attempt = (
                    await conn.execute(
                        select(func.max(EventRow.attempt)).where(EventRow.sample_pk == sample_pk)
                    )
                ).scalar_one()
        after = 0
        decoder = TranscriptDecoder()  # across pages: an event may share its base's messages
        partial = (meta or {}).get("transcripts") == "partial"
        while True:
            query = (
                select(EventRow)
                .where(EventRow.sample_pk == sample_pk, EventRow.id > after)
                .order_by(EventRow.id)
                .limit(page_size)
            )
            if attempt is not None:
                query = query.where(EventRow.attempt == attempt)
            async with self.engine.connect() as conn:
                rows = (await conn.execute(query)).all()
                digests = {d for r in rows for d in part_digests(r.payload)}
                bodies: dict[str, Any] = {}
                if digests:
                    part_query = select(TranscriptPartRow.digest, TranscriptPartRow.body).where(
                        TranscriptPartRow.run_id == run_id,
                        TranscriptPartRow.digest.in_(sorted(digests)),
                    )
                    bodies = {d: b for d, b in await conn.execute(part_query)}
            for r in rows:
                yield TranscriptEvent(
                    id=r.id,
                    sample_pk=r.sample_pk,
                    attempt=r.attempt,
                    kind=r.kind,
                    data=decoder.decode(r.kind, r.payload, bodies),
                    created_at=r.created_at,
                )
            if len(rows) < page_size:
                if partial and not after and not rows:
                    raise EthosError(
                        f"sample {found[1]!r} of run {run_id} has no transcript: the run was "
                        "resumed with transcripts off (ETHOS_TRANSCRIPTS=false) while it ran",
                        "run the sample again with transcripts on to keep one",
                    )
                return
            after = rows[-1].id

    async def find_sample(
        self, run_id: str, sample_id: str, *, epoch: int | None = None, arm: str | None = None
    ) -> Sample:
        """The one sample of a run with this id (and epoch, and arm). An
        unknown id names a few known ones; an id that several epochs or arms
        share asks for the epoch or arm, naming them."""
        run = await self.get_run(run_id)
        query = select(SampleRow).where(
            SampleRow.run_id == run.id, SampleRow.sample_id == sample_id
        )
        if epoch is not None:
            query = query.where(SampleRow.epoch == epoch)
        if arm is not None:
            query = query.where(SampleRow.arm == arm)
        async with self.engine.connect() as conn:
            rows = (await conn.execute(query.order_by(SampleRow.epoch, SampleRow.arm))).all()
            if not rows:
                known_query = (
                    select(SampleRow.sample_id)
                    .where(SampleRow.run_id == run.id)
                    .distinct()
                    .order_by(SampleRow.sample_id)
                    .limit(6)
                )
                known = (await conn.execute(known_query)).scalars().all()
        if not rows:
            which = _sample_label(sample_id, epoch, arm)
            if not known:
                raise EthosError(f"run {run.id} has no samples", "pick a run that has samples")
            shown = ", ".join(repr(k) for k in known[:5]) + (", ..." if len(known) > 5 else "")
            raise EthosError(
                f"run {run.id} has no sample {which}", f"known sample ids include {shown}"
            )
        if len(rows) > 1:
            keys = ", ".join(f"epoch {r.epoch} arm {r.arm!r}" for r in rows[:6])
            more = f" and {len(rows) - 6} more" if len(rows) > 6 else ""
            raise EthosError(
                f"sample {sample_id!r} of run {run.id} ran {len(rows)} times ({keys}{more})",
                "name one with --epoch N and/or --arm NAME",
            )
        return Sample.model_validate(rows[0]._mapping)

    # -- samples, scores, model calls, artifacts ---------------------------------

    async def record_sample(
        self,
        run_id: str,
        sample_id: str,
        *,
        epoch: int = 0,
        arm: str = "",
        status: str = "succeeded",
        input: Any = None,
        target: Any = None,
        output: Any = None,
        error: str | None = None,
        metadata: Mapping[str, Any] | None = None,
    ) -> Sample:
        """Insert or update the (run, sample, epoch, arm) row: idempotent, so a
        resumed run that records a sample again keeps one row."""
        key = (
            SampleRow.run_id == run_id,
            SampleRow.sample_id == sample_id,
            SampleRow.epoch == epoch,
            SampleRow.arm == arm,
        )
        values = {
            "status": _text(status, "status", 16),
            "input": input,
            "target": target,
            "output": output,
            "error": _text(error, "error"),
            "metadata": dict(metadata or {}),
            "finished_at": utcnow() if status in FINAL_STATUSES else None,
        }
        new = {
            "run_id": run_id,
            "sample_id": _text(sample_id, "sample_id", 256),
            "epoch": epoch,
            "arm": _text(arm, "arm", 128),
            "started_at": utcnow(),
            **values,
        }
        # One statement, so concurrent writers of the same key cannot race
        # between an update that found nothing and an insert that collides.
        upsert = self._insert(SampleRow).values(new)
        upsert = upsert.on_conflict_do_update(
            index_elements=["run_id", "sample_id", "epoch", "arm"], set_=values
        )
        async with self._writing(run_id) as conn:
            await conn.execute(upsert)
            row = (await conn.execute(select(SampleRow).where(*key))).one()
        return Sample.model_validate(row._mapping)

    async def prepare_samples(
        self, run_id: str, items: Sequence[Mapping[str, Any]]
    ) -> dict[tuple[str, int, str], int]:
        """Insert (or reset) the rows of the samples a run is about to do, as
        ``pending``, in bulk; returns each (sample_id, epoch, arm)'s primary key."""
        stmt = self._insert(SampleRow)
        stmt = stmt.on_conflict_do_update(
            index_elements=["run_id", "sample_id", "epoch", "arm"],
            set_={
                "status": stmt.excluded.status,
                "error": None,
                "finished_at": None,
                "input": stmt.excluded.input,
                "target": stmt.excluded.target,
                "metadata": stmt.excluded.metadata,
            },
        )
        now = utcnow()
        rows = [
            {
                "run_id": run_id,
                "sample_id": _text(item["sample_id"], "sample_id", 256),
                "epoch": item.get("epoch", 0),
                "arm": _text(item.get("arm", ""), "arm", 128),
                "status": "pending",
                "input": item.get("input"),
                "target": item.get("target"),
                "metadata": dict(item.get("metadata") or {}),
                "started_at": now,
            }
            for item in items
        ]
        async with self._writing(run_id) as conn:
            for start in range(0, len(rows), 500):
                await conn.execute(stmt, rows[start : start + 500])
        query = select(SampleRow.id, SampleRow.sample_id, SampleRow.epoch, SampleRow.arm).where(
            SampleRow.run_id == run_id
        )
        async with self.engine.connect() as conn:
            return {(r[1], r[2], r[3]): r[0] for r in await conn.execute(query)}

    def batch(self, *, interval: float = 0.05) -> BatchWriter:
        """A writer that commits a busy run's rows together (see ethos.db.batch)."""
        return BatchWriter(self, interval=interval)

    async def finished_samples(self, run_id: str) -> set[tuple[str, int, str]]:
        """The (sample_id, epoch, arm) keys a run has finished successfully:
        what a resumed run must not redo."""
        query = select(SampleRow.sample_id, SampleRow.epoch, SampleRow.arm).where(
            SampleRow.run_id == run_id, SampleRow.status == "succeeded"
        )
        async with self.engine.connect() as conn:
            return {(r[0], r[1], r[2]) for r in await conn.execute(query)}

    async def samples(self, run_id: str, *, limit: int = 1000, offset: int = 0) -> list[Sample]:
        query = select(SampleRow).where(SampleRow.run_id == run_id).order_by(SampleRow.id)
        async with self.engine.connect() as conn:
            rows = (await conn.execute(query.limit(limit).offset(offset))).all()
        return [Sample.model_validate(r._mapping) for r in rows]

    async def record_score(
        self,
        run_id: str,
        sample_pk: int,
        scorer: str,
        value: Any,
        *,
        explanation: str | None = None,
        metadata: Mapping[str, Any] | None = None,
    ) -> None:
        """Store (or replace) one scorer's verdict on one sample."""
        row = score_row(
            run_id, sample_pk, scorer, value, explanation=explanation, metadata=metadata
        )
        values = {k: row[k] for k in ("value", "explanation", "metadata", "created_at")}
        upsert = (
            self._insert(ScoreRow)
            .values(row)
            .on_conflict_do_update(index_elements=["sample_pk", "scorer"], set_=values)
        )
        async with self._writing(run_id) as conn:
            await conn.execute(upsert)

    async def record_model_call(
        self,
        run_id: str,
        model: str,
        *,
        input_tokens: int = 0,
        output_tokens: int = 0,
        latency_s: float = 0.0,
        cost_usd: float | None = None,
        scripted: bool = False,
        error: str | None = None,
        sample_pk: int | None = None,
        metadata: Mapping[str, Any] | None = None,
        attempt: int | None = None,
    ) -> None:
        """Store one gateway call's usage (never its credentials)."""
        row = model_call_row(
            run_id,
            model,
            input_tokens=input_tokens,
            output_tokens=output_tokens,
            latency_s=latency_s,
            cost_usd=cost_usd,
            scripted=scripted,
            error=error,
            sample_pk=sample_pk,
            metadata=metadata,
            attempt=attempt,
        )
        async with self._writing(run_id) as conn:
            await conn.execute(insert(ModelCallRow), row)

    async def add_artifact(
        self,
        run_id: str,
        path: str | os.PathLike[str],
        *,
        name: str | None = None,
        media_type: str | None = None,
        sample_pk: int | None = None,
    ) -> None:
        """Record a file the run produced, with its size and SHA-256."""
        file, size, digest = await asyncio.to_thread(_file_facts, path)
        guessed = mimetypes.guess_type(file.name)[0]
        async with self._writing(run_id) as conn:
            await conn.execute(
                insert(ArtifactRow),
                {
                    "run_id": run_id,
                    "sample_pk": sample_pk,
                    "name": _text(name or file.name, "name", 256),
                    "path": str(file),
                    "media_type": media_type or guessed or "application/octet-stream",
                    "size_bytes": size,
                    "sha256": digest,
                    "created_at": utcnow(),
                },
            )

    # -- helpers ---------------------------------------------------------------

    def _writing(self, run_id: str) -> _Writing:
        return _Writing(self, run_id)

    def _insert(self, row_type: type[Any]) -> Any:
        """The backend's INSERT, which knows ON CONFLICT DO UPDATE."""
        if self.backend == "sqlite":
            from sqlalchemy.dialects.sqlite import insert as backend_insert
        else:
            from sqlalchemy.dialects.postgresql import insert as backend_insert
        return backend_insert(row_type.__table__)


class _Writing:
    """A write transaction that turns a foreign-key failure on ``run_id`` into
    RunNotFoundError (the insert itself is the existence check: no extra query
    on the hot path)."""

    def __init__(self, store: Store, run_id: str) -> None:
        self.store = store
        self.run_id = run_id
        self._ctx: Any = None

    async def __aenter__(self) -> AsyncConnection:
        self._ctx = self.store.engine.begin()
        return await self._ctx.__aenter__()

    async def __aexit__(self, exc_type: Any, exc: Any, tb: Any) -> bool:
        await self._ctx.__aexit__(exc_type, exc, tb)
        if isinstance(exc, IntegrityError):
            await self.store.get_run(self.run_id)  # raises RunNotFoundError if missing
        return False


def score_row(
    run_id: str,
    sample_pk: int,
    scorer: str,
    value: Any,
    *,
    explanation: str | None = None,
    metadata: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """A scores row from record_score's arguments."""
    return {
        "run_id": run_id,
        "sample_pk": sample_pk,
        "scorer": _text(scorer, "scorer", 128),
        "value": value,
        "explanation": _text(explanation, "explanation"),
        "metadata": dict(metadata or {}),
        "created_at": utcnow(),
    }


def clean_text(value: str | None) -> str | None:
    """Free text (errors, explanations) as both backends can keep it."""
    return _text(value, "text")


def model_call_row(run_id: str, model: str, **fields: Any) -> dict[str, Any]:
    """A model_calls row from record_model_call's arguments."""
    return {
        "run_id": run_id,
        "sample_pk": fields.get("sample_pk"),
        "model": _text(model, "model", 256),
        "input_tokens": fields.get("input_tokens", 0),
        "output_tokens": fields.get("output_tokens", 0),
        "latency_s": fields.get("latency_s", 0.0),
        "cost_usd": fields.get("cost_usd"),
        "scripted": fields.get("scripted", False),
        "error": _text(fields.get("error"), "error"),
        "metadata": dict(fields.get("metadata") or {}),
        "created_at": utcnow(),
        "attempt": fields.get("attempt"),
    }


def transcript_event_row(
    run_id: str, sample_pk: int | None, attempt: int | None, kind: str, payload: Any
) -> dict[str, Any]:
    """An events row of a sample's transcript (payload as from encode_event)."""
    return {
        "run_id": run_id,
        "sample_pk": sample_pk,
        "attempt": attempt,
        "kind": _text(kind, "kind", 64),
        "payload": payload,
        "created_at": utcnow(),
    }


def part_rows(run_id: str, parts: Mapping[str, Any]) -> list[dict[str, Any]]:
    """transcript_parts rows of ``{digest: body}``, by digest (one insert
    order everywhere: concurrent inserts of shared parts never deadlock)."""
    return [{"run_id": run_id, "digest": d, "body": parts[d]} for d in sorted(parts)]


def _sample_label(sample_id: str, epoch: int | None, arm: str | None) -> str:
    label = repr(sample_id)
    if epoch is not None:
        label += f" in epoch {epoch}"
    if arm is not None:
        label += f" in arm {arm!r}"
    return label


def _text(value: str | None, field: str, limit: int | None = None) -> str | None:
    """Text as both backends can keep it: NUL becomes U+FFFD (PostgreSQL
    rejects NUL), and a value longer than its column is refused here, with
    its name, rather than cut on one backend and rejected by the other."""
    if value is None:
        return None
    if limit is not None and len(value) > limit:
        raise EthosError(
            f"{field} is {len(value)} characters long; at most {limit} fit",
            f"shorten the {field}",
        )
    return value.replace("\x00", "\ufffd") if "\x00" in value else value


def _file_facts(path: str | os.PathLike[str]) -> tuple[Path, int, str]:
    file = Path(path).resolve()
    if not file.is_file():
        raise EthosError(f"artifact {file} is not a file", "write the file before recording it")
    return file, file.stat().st_size, hashlib.sha256(file.read_bytes()).hexdigest()


def _event_row(run_id: str, event: Any, now: datetime) -> dict[str, Any]:
    if isinstance(event, NewEvent):
        kind, payload, sample_pk = event.kind, event.payload, event.sample_pk
    elif isinstance(event, tuple):
        kind, payload = event
        sample_pk = None
    else:
        kind, payload, sample_pk = event["kind"], event.get("payload"), event.get("sample_pk")
    return {
        "run_id": run_id,
        "kind": _text(kind, "kind", 64),
        "payload": payload,
        "sample_pk": sample_pk,
        "created_at": now,
    }


async def open_store(url: str | None = None, *, settings: Settings | None = None) -> Store:
    """Open (and, on first use, create and migrate) the configured database."""
    return await Store.open(url, settings=settings)
