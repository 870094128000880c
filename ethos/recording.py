"""Which run (and sample) the current task is working for.

The gateway records every model call under the active run without each
caller threading a store through: the scope is a context variable, so it
follows asyncio tasks (each sample's task sees its own scope) and never
leaks between concurrent runs.

    async with run_scope(store, run.id, sample_pk=sample.id):
        await acomplete("openai/gpt-4o", messages)   # recorded in model_calls
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING

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
) -> Iterator[RunScope]:
    """Make ``run_id`` (and ``sample_pk``) the active run for the enclosed code."""
    scope = RunScope(store, run_id, sample_pk, meter, writer)
    token = _current.set(scope)
    try:
        yield scope
    finally:
        _current.reset(token)
