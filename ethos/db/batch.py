"""Writes of a busy run, committed together.

An evaluation finishes hundreds of samples a second; one transaction per
score, per model call and per sample would make the database, not the
model, the bottleneck (SQLite has one writer). The BatchWriter collects
those rows and commits them every ``interval`` seconds (or sooner when
``max_rows`` pile up) in one transaction, so a sample's scores and its
"succeeded" mark always land together. A process killed between flushes
loses at most ``interval`` seconds of finished samples, which stay
"pending" and are redone on resume: never half-written, never duplicated.

Model calls are the exception to "nothing waits": a call was paid for, so
the gateway waits (``committed``) until its row is in the database before
the solver sees the answer. The wait wakes the writer within ``group_s``
(5 ms) and every row collected meanwhile shares the transaction (group
commit), so it costs a few milliseconds, not ``interval``. A process killed at any moment has
therefore recorded every call whose answer it used; only calls in flight
at the kill (answer received, row not yet committed) can be missing.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, insert, update
from sqlalchemy.exc import OperationalError

from ethos.db.tables import EventRow, ModelCallRow, SampleRow, ScoreRow

if TYPE_CHECKING:
    from ethos.db.store import Store


class BatchWriter:
    def __init__(
        self,
        store: Store,
        *,
        interval: float = 0.05,
        max_rows: int = 500,
        group_s: float = 0.005,
        retries: int = 5,
    ) -> None:
        self.store = store
        self.interval = interval
        self.max_rows = max_rows
        # How long a commit someone waits for gathers more rows first: fewer,
        # fuller transactions (each costs the event loop CPU) for a few ms.
        self.group_s = group_s
        self.retries = retries  # of a commit that failed on a lock, before giving up
        self._calls: list[dict[str, Any]] = []
        self._scores: list[dict[str, Any]] = []
        self._samples: list[dict[str, Any]] = []
        self._events: list[dict[str, Any]] = []
        self._parts: list[dict[str, Any]] = []
        # Parts queued or written by this writer: a conversation resent on
        # every turn costs only its new messages (ON CONFLICT covers the rest).
        self._known_parts: set[tuple[str, str]] = set()
        self._upsert: Any = None  # the scores' upsert statement (_score_upsert)
        self._waiters: list[asyncio.Future[None]] = []  # for the next commit
        self._lock = asyncio.Lock()
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self.error: BaseException | None = None

    # -- collecting (synchronous: callers never wait for the database) ----------

    def model_call(self, row: dict[str, Any]) -> None:
        self._calls.append(row)
        self._nudge()

    def score(self, row: dict[str, Any]) -> None:
        self._scores.append(row)
        self._nudge()

    def sample(self, row: dict[str, Any]) -> None:
        """The final state of a sample, by primary key (``pk``)."""
        self._samples.append(row)
        self._nudge()

    def event(self, row: dict[str, Any], parts: dict[str, Any] | None = None) -> None:
        """A transcript event (``transcript_event_row``) and the parts
        (``{digest: body}``) it names, committed with it, parts first."""
        for digest, body in (parts or {}).items():
            key = (row["run_id"], digest)
            if key not in self._known_parts:
                self._known_parts.add(key)
                self._parts.append({"run_id": row["run_id"], "digest": digest, "body": body})
        self._events.append(row)
        self._nudge()

    async def committed(self) -> None:
        """Wait until every row handed over so far is committed."""
        if self._task is None or self._task.done():  # not running: commit here
            await self.flush()
            return
        loop = asyncio.get_running_loop()
        done = loop.create_future()
        if not self._waiters:  # the first of a group: the others join it meanwhile
            loop.call_later(self.group_s, self._wake.set)
        self._waiters.append(done)
        await asyncio.shield(done)

    def _nudge(self) -> None:
        queued = len(self._calls) + len(self._scores) + len(self._samples) + len(self._events)
        if queued >= self.max_rows:
            self._wake.set()

    # -- committing ------------------------------------------------------------------

    async def flush(self, *, keep_waiters: bool = False) -> None:
        """Commit what was handed over. On failure nothing is committed and the
        rows stay queued; the callers waiting for this commit get the error,
        or (``keep_waiters``, the loop's retry) keep waiting for the next."""
        async with self._lock:
            calls, self._calls = self._calls, []
            scores, self._scores = self._scores, []
            samples, self._samples = self._samples, []
            events, self._events = self._events, []
            parts, self._parts = self._parts, []
            waiters, self._waiters = self._waiters, []
            if not (calls or scores or samples or events or parts):
                _settle(waiters)
                return
            try:
                async with self.store.engine.begin() as conn:
                    if parts:  # before the events that name them
                        # In one order in every process: two workers' concurrent
                        # inserts of the same parts wait for each other on
                        # PostgreSQL, and in opposite orders they deadlock.
                        parts.sort(key=lambda row: (row["run_id"], row["digest"]))
                        await conn.execute(self.store.part_insert(), parts)
                    if events:
                        await conn.execute(insert(EventRow), events)
                    if calls:
                        await conn.execute(insert(ModelCallRow), calls)
                    if scores:
                        await conn.execute(self._score_upsert(), scores)
                    if samples:
                        await conn.execute(_SAMPLE_UPDATE, samples)
            except BaseException as exc:
                # Nothing was committed: keep the rows for the next attempt.
                self._calls[:0], self._scores[:0], self._samples[:0] = calls, scores, samples
                self._events[:0], self._parts[:0] = events, parts
                if keep_waiters:
                    self._waiters[:0] = waiters
                else:
                    _settle(waiters, exc)
                raise
            _settle(waiters)

    def _score_upsert(self) -> Any:
        """Built once per writer: building it (~0.3 ms) and its cache key on
        every flush cost more than the rows it wrote (issue 19)."""
        if self._upsert is None:
            stmt = self.store._insert(ScoreRow)
            changing = ("value", "explanation", "metadata", "created_at")
            self._upsert = stmt.on_conflict_do_update(
                index_elements=["sample_pk", "scorer"],
                set_={name: stmt.excluded[name] for name in changing},
            )
        return self._upsert

    async def _loop(self) -> None:
        failures = 0
        while not self._stopping:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.interval)
            self._wake.clear()
            try:
                await self.flush(keep_waiters=True)
                failures = 0
            except OperationalError as exc:
                # A lock or deadlock the database gave up on (SQLite "database is
                # locked", a PostgreSQL deadlock victim): the rows are still
                # queued, so try again after a pause instead of failing the run.
                failures += 1
                if failures > self.retries:
                    self._give_up(exc)
                    return
                await asyncio.sleep(min(1.0, 0.05 * 2**failures))
                self._wake.set()
            except Exception as exc:  # kept, and raised when the batch closes
                self._give_up(exc)
                return

    def _give_up(self, exc: Exception) -> None:
        self.error = exc
        waiters, self._waiters = self._waiters, []
        _settle(waiters, exc)

    async def __aenter__(self) -> BatchWriter:
        self._task = asyncio.create_task(self._loop())
        return self

    async def __aexit__(self, *exc: object) -> None:
        # Never cancel a flush mid-statement: a cut-off driver call can leave
        # SQLite's write lock held. Ask the loop to stop after its flush.
        self._stopping = True
        self._wake.set()
        if self._task is not None:
            await asyncio.shield(self._task)
        await self.flush()
        if self.error is not None:
            raise self.error


def _settle(waiters: list[asyncio.Future[None]], error: BaseException | None = None) -> None:
    for waiter in waiters:
        if waiter.done():
            continue
        if error is None:
            waiter.set_result(None)
        else:
            waiter.set_exception(error if isinstance(error, Exception) else RuntimeError(error))


_SAMPLE_UPDATE = (
    update(SampleRow.__table__)
    .where(SampleRow.__table__.c.id == bindparam("pk"))
    .values(
        status=bindparam("status"),
        output=bindparam("output"),
        error=bindparam("error"),
        finished_at=bindparam("finished_at"),
    )
)
