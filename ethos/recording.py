"""Which run (and sample) the current task is working for, and its transcript.

The gateway records every model call under the active run without each
caller threading a store through: the scope is a context variable, so it
follows asyncio tasks (each sample's task sees its own scope) and never
leaks between concurrent runs.

    with run_scope(store, run.id, sample_pk=sample.id):
        await acomplete("openai/gpt-4o", messages)   # recorded in model_calls
        record_event("move", round=1, actions=["C", "D"])   # and in the transcript

The transcript is the sample's ordered stream of events (model calls with
their messages, tool calls, graph node boundaries, suite events): what a
person reads, a grader judges and the handbook learns from.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ethos.db.batch import BatchWriter
    from ethos.db.store import Store


@dataclass
class UsageMeter:
    """Running totals of the model calls made under a scope (for progress
    displays; the model_calls rows remain the record)."""

    calls: int = 0
    failed: int = 0
    input_tokens: int = 0
    output_tokens: int = 0

    def add(self, input_tokens: int, output_tokens: int, failed: bool) -> None:
        self.calls += 1
        self.failed += int(failed)
        self.input_tokens += input_tokens
        self.output_tokens += output_tokens


@dataclass(frozen=True)
class RunScope:
    store: Store
    run_id: str
    sample_pk: int | None = None
    meter: UsageMeter | None = None
    writer: BatchWriter | None = None  # when set, calls are committed in batches
    attempt: int | None = None  # of the sample: which try its events belong to
    transcripts: bool = True  # False: the run keeps no text (ETHOS_TRANSCRIPTS=false)
    # The last direct write (no writer): each waits for the one before, so
    # events keep their order.
    _tail: list[asyncio.Task[None]] = field(default_factory=list, compare=False, repr=False)
    # The digest lists of the sample's last stored event that had lists (its
    # messages): the next event names only what it adds (ethos.db.transcript).
    _lists: dict[str, list[str]] = field(default_factory=dict, compare=False, repr=False)

    def add_event(
        self, kind: str, data: Mapping[str, Any], parts: Mapping[str, bool] | None = None
    ) -> asyncio.Task[None] | None:
        """Append an event to the sample's transcript; ``parts`` names the
        fields stored once per run by digest (see ethos.db.transcript).
        Through the writer when there is one (nothing waits for the
        database); else written in a task, returned for callers that await it."""
        if not self.transcripts:
            return None
        if self.writer is not None:
            # Rows are committed in the order they are handed over, and a
            # failed commit keeps them for the next: no event goes missing
            # from the chain of shared lists.
            row, stored = self._encode(kind, data, parts)
            self.writer.event(row, stored)
            return None
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # synchronous code in a scope without a writer
            log.warning("a %s event outside an event loop was not recorded", kind)
            return None
        previous = self._tail[-1] if self._tail else None
        task = loop.create_task(self._write(previous, kind, dict(data), parts))
        self._tail[:] = [task]
        return task

    async def written(self) -> None:
        """Wait for the events this scope writes directly (no writer) to be
        stored: ``record_event`` does not wait, so code that reads its own
        transcript back at once waits here first."""
        if self._tail:
            await asyncio.wait(list(self._tail))

    def _encode(
        self, kind: str, data: Mapping[str, Any], parts: Mapping[str, bool] | None
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        from ethos.db.store import transcript_event_row
        from ethos.db.transcript import encode_event

        # Only a sample's events are read back as a chain (Store.transcript).
        base = self._lists if self.sample_pk is not None else None
        encoded = encode_event(kind, data, parts, base)
        if encoded.lists:
            self._lists.clear()
            self._lists.update(encoded.lists)
        row = transcript_event_row(self.run_id, self.sample_pk, self.attempt, kind, encoded.payload)
        return row, encoded.parts

    async def _write(
        self,
        previous: asyncio.Task[None] | None,
        kind: str,
        data: dict[str, Any],
        parts: Mapping[str, bool] | None,
    ) -> None:
        if previous is not None:
            await asyncio.wait([previous])
        # Encoded only now, after the previous write: an event that could not
        # be stored is never the base of the next one's shared prefix.
        before = dict(self._lists)
        row, stored = self._encode(kind, data, parts)
        try:
            await self.store.append_transcript(self.run_id, [row], stored)
        except Exception:  # a lost event must not fail the work it describes
            self._lists.clear()
            self._lists.update(before)
            log.warning("could not record a %s event", kind, exc_info=True)


log = logging.getLogger("ethos.recording")
_current: ContextVar[RunScope | None] = ContextVar("ethos_run_scope", default=None)


def current_scope() -> RunScope | None:
    """The run the calling task works for, or None outside any run."""
    return _current.get()


@contextmanager
def run_scope(
    store: Store,
    run_id: str,
    *,
    sample_pk: int | None = None,
    meter: UsageMeter | None = None,
    writer: BatchWriter | None = None,
    attempt: int | None = None,
    transcripts: bool | None = None,
) -> Iterator[RunScope]:
    """Make ``run_id`` (and ``sample_pk``) the active run for the enclosed code.
    ``transcripts`` None follows the settings (``ETHOS_TRANSCRIPTS``)."""
    if transcripts is None:
        from ethos.settings import load_settings

        transcripts = load_settings().transcripts
    scope = RunScope(store, run_id, sample_pk, meter, writer, attempt, transcripts)
    token = _current.set(scope)
    try:
        yield scope
    finally:
        _current.reset(token)


def record_event(kind: str, **data: Any) -> None:
    """Append ``kind`` with ``data`` (JSON-able) to the current sample's
    transcript; a no-op outside a run scope or when the run keeps no
    transcripts. Key-like strings from the environment are redacted."""
    scope = _current.get()
    if scope is None or not scope.transcripts:
        return
    from ethos.redaction import env_secrets, redact_data

    secrets = sorted(env_secrets(), key=len, reverse=True)
    scope.add_event(kind, redact_data(data, secrets) if secrets else data)
