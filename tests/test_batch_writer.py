"""The BatchWriter: a commit the database refused for a lock is tried again,
with the rows and the callers waiting for them kept, instead of ending the
run's writer (and failing the run) on one busy moment."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.exc import OperationalError

from ethos.db.store import Store, model_call_row, score_row


def _flaky(real: Any, failures: int) -> Any:
    left = {"n": failures}

    def statement() -> Any:
        if left["n"]:
            left["n"] -= 1
            raise OperationalError("INSERT INTO scores", {}, Exception("database is locked"))
        return real()

    return statement


async def test_a_commit_refused_for_a_lock_is_retried_with_its_rows_and_waiters(
    store: Store,
) -> None:
    run = await store.create_run("eval")
    pk = (await store.prepare_samples(run.id, [{"sample_id": "a"}]))[("a", 0, "")]
    async with store.batch(interval=0.01) as writer:
        writer._score_upsert = _flaky(writer._score_upsert, failures=2)
        writer.score(score_row(run.id, pk, "exact", 1.0))
        writer.model_call(model_call_row(run.id, "script/x", sample_pk=pk))
        await writer.committed()  # through two refused commits, then the third
        counts = await store.counts(run.id)
        assert (counts.scores, counts.model_calls) == (1, 1)
    assert writer.error is None


async def test_a_writer_gives_up_after_its_retries_and_says_why(store: Store) -> None:
    run = await store.create_run("eval")
    pk = (await store.prepare_samples(run.id, [{"sample_id": "a"}]))[("a", 0, "")]
    with pytest.raises(OperationalError, match="database is locked"):
        async with store.batch(interval=0.01) as writer:
            writer.retries = 1
            writer._score_upsert = _flaky(writer._score_upsert, failures=50)
            writer.score(score_row(run.id, pk, "exact", 1.0))
            with pytest.raises(OperationalError, match="database is locked"):
                await writer.committed()  # the waiter hears the last error
    assert (await store.counts(run.id)).scores == 0
