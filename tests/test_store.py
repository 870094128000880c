"""The Store API against SQLite and PostgreSQL: what a user writes comes back."""

from __future__ import annotations

import asyncio
import hashlib
from pathlib import Path

import pytest
from pydantic import BaseModel

from ethos.db.store import NewEvent, Store
from ethos.errors import EthosError, RunNotFoundError


async def test_run_lifecycle(store: Store) -> None:
    run = await store.create_run("eval", name="pd", config={"rounds": 10}, metadata={"who": "me"})
    assert run.status == "running" and run.finished_at is None
    finished = await store.finish_run(run.id, "failed", error="provider 500")
    assert finished.status == "failed"
    assert finished.error == "provider 500"
    assert finished.finished_at is not None and finished.finished_at >= finished.created_at
    again = await store.get_run(run.id)
    assert again.config == {"rounds": 10} and again.metadata == {"who": "me"}
    assert again.created_at.tzinfo is not None


async def test_list_runs_newest_first_with_filters(store: Store) -> None:
    ids = []
    for i in range(5):
        run = await store.create_run("eval" if i % 2 else "demo", name=f"r{i}")
        ids.append(run.id)
    await store.finish_run(ids[0])
    listed = [r.id for r in await store.list_runs()]
    assert listed == ids[::-1]
    assert [r.name for r in await store.list_runs(kind="eval")] == ["r3", "r1"]
    assert [r.id for r in await store.list_runs(status="succeeded")] == [ids[0]]
    assert [r.id for r in await store.list_runs(limit=2, offset=1)] == ids[::-1][1:3]
    assert await store.count_runs() == 5


async def test_events_round_trip_in_order_with_pagination(store: Store) -> None:
    class Move(BaseModel):
        player: str
        action: str

    run = await store.create_run("game")
    first = await store.append_event(run.id, "message", {"role": "user", "content": "héllo ✓"})
    await store.append_events(
        run.id,
        [
            ("move", Move(player="a", action="C")),
            NewEvent(kind="state", payload={"round": 1, "scores": [3.5, 0]}),
            {"kind": "log", "payload": "plain text"},
        ],
    )
    events = await store.events(run.id)
    assert [e.kind for e in events] == ["message", "move", "state", "log"]
    assert events[0].id == first
    assert events[0].payload["content"] == "héllo ✓"
    assert events[1].payload == {"player": "a", "action": "C"}
    assert events[2].payload == {"round": 1, "scores": [3.5, 0]}
    page = await store.events(run.id, after_id=events[1].id, limit=1)
    assert [e.kind for e in page] == ["state"]
    assert [e.kind for e in await store.events(run.id, kind="log")] == ["log"]


async def test_runs_do_not_see_each_others_events(store: Store) -> None:
    a = await store.create_run("x")
    b = await store.create_run("x")
    await store.append_events(a.id, [("m", i) for i in range(3)])
    await store.append_event(b.id, "m", "only b")
    assert [e.payload for e in await store.events(b.id)] == ["only b"]
    assert (await store.counts(a.id)).events == 3


async def test_nul_characters_are_kept_as_replacement(store: Store) -> None:
    run = await store.create_run("x")
    await store.append_event(run.id, "message", {"content": "a\x00b"})
    assert (await store.events(run.id))[0].payload == {"content": "a\ufffdb"}


async def test_run_id_prefix_and_ambiguity(store: Store) -> None:
    run = await store.create_run("x", run_id="abcdef0123456789abcdef0123456789")
    await store.create_run("x", run_id="abcdff0123456789abcdef0123456789")
    assert (await store.get_run("abcde")).id == run.id
    with pytest.raises(RunNotFoundError, match="more than one run"):
        await store.get_run("abcd")
    with pytest.raises(RunNotFoundError, match="ethos runs list"):
        await store.get_run("abc")  # too short to be a prefix


async def test_samples_are_idempotent_per_sample_epoch_and_arm(store: Store) -> None:
    run = await store.create_run("eval")
    s1 = await store.record_sample(run.id, "q1", status="running", input={"q": 1})
    s2 = await store.record_sample(run.id, "q1", output="A", target="A")
    assert s1.id == s2.id and s2.status == "succeeded" and s2.finished_at is not None
    await store.record_sample(run.id, "q1", epoch=1)
    await store.record_sample(run.id, "q1", arm="steered")
    assert len(await store.samples(run.id)) == 3
    await store.record_score(run.id, s1.id, "match", 0.0)
    await store.record_score(run.id, s1.id, "match", 1.0, explanation="A == A")
    assert (await store.counts(run.id)).scores == 1


async def test_model_calls_and_artifacts(store: Store, tmp_path: Path) -> None:
    run = await store.create_run("eval")
    await store.record_model_call(
        run.id, "script/echo", input_tokens=12, output_tokens=3, latency_s=0.01, scripted=True
    )
    report = tmp_path / "report.html"
    report.write_text("<html></html>")
    await store.add_artifact(run.id, report)
    async with store.session() as session:
        from sqlalchemy import select

        from ethos.db.tables import ArtifactRow, ModelCallRow

        call = (await session.execute(select(ModelCallRow))).scalar_one()
        artifact = (await session.execute(select(ArtifactRow))).scalar_one()
    assert (call.model, call.input_tokens, call.scripted) == ("script/echo", 12, True)
    assert artifact.media_type == "text/html"
    assert artifact.sha256 == hashlib.sha256(b"<html></html>").hexdigest()
    with pytest.raises(EthosError, match="is not a file"):
        await store.add_artifact(run.id, tmp_path / "missing.txt")


async def test_delete_removes_the_run_and_everything_under_it(store: Store) -> None:
    keep = await store.create_run("x")
    gone = await store.create_run("x")
    for run in (keep, gone):
        sample = await store.record_sample(run.id, "s")
        await store.append_event(run.id, "m", 1, sample_pk=sample.id)
        await store.record_score(run.id, sample.id, "ok", True)
        await store.record_model_call(run.id, "m")
    deleted = await store.delete_run(gone.id)
    assert deleted.id == gone.id
    with pytest.raises(RunNotFoundError):
        await store.get_run(gone.id)
    counts = await store.counts(keep.id)
    assert (counts.samples, counts.events, counts.scores, counts.model_calls) == (1, 1, 1, 1)
    async with store.engine.connect() as conn:
        from sqlalchemy import text

        for table in ("samples", "events", "scores", "model_calls"):
            total = (await conn.execute(text(f"SELECT count(*) FROM {table}"))).scalar_one()
            assert total == 1, table


async def test_writing_to_a_missing_run_is_a_clear_error_and_loses_nothing(store: Store) -> None:
    run = await store.create_run("x")
    await store.append_event(run.id, "m", 1)
    with pytest.raises(RunNotFoundError, match="no run 'does-not-exist'"):
        await store.append_event("does-not-exist", "m", 2)
    with pytest.raises(RunNotFoundError):
        await store.append_events("does-not-exist", [("m", 3)])
    with pytest.raises(RunNotFoundError):
        await store.finish_run("does-not-exist")
    with pytest.raises(RunNotFoundError):
        await store.delete_run("does-not-exist")
    assert [e.payload for e in await store.events(run.id)] == [1]


async def test_finish_with_a_non_final_status_is_refused(store: Store) -> None:
    run = await store.create_run("x")
    with pytest.raises(EthosError, match="use one of cancelled, failed, succeeded"):
        await store.finish_run(run.id, "running")  # type: ignore[arg-type]
    assert (await store.get_run(run.id)).status == "running"


async def test_unstorable_payload_names_the_type(store: Store) -> None:
    run = await store.create_run("x")
    with pytest.raises(Exception, match="cannot store a object as JSON"):
        await store.append_event(run.id, "m", object())
    assert await store.events(run.id) == []


async def test_concurrent_tasks_share_one_store(store: Store) -> None:
    run = await store.create_run("x")

    async def writer(i: int) -> None:
        for j in range(10):
            await store.append_event(run.id, "m", {"task": i, "j": j})

    await asyncio.gather(*(writer(i) for i in range(8)))
    assert (await store.counts(run.id)).events == 80


async def test_concurrent_writers_of_one_sample_and_score_keep_one_row(store: Store) -> None:
    run = await store.create_run("eval")
    results = await asyncio.gather(
        *(store.record_sample(run.id, f"s{i % 5}", output=i) for i in range(40))
    )
    assert len({r.id for r in results}) == 5
    pk = results[0].id
    await asyncio.gather(*(store.record_score(run.id, pk, "match", float(i)) for i in range(12)))
    counts = await store.counts(run.id)
    assert (counts.samples, counts.scores) == (5, 1)


async def test_text_both_backends_can_keep(store: Store) -> None:
    run = await store.create_run("x")
    failed = await store.finish_run(run.id, "failed", error="bad byte \x00 here")
    assert failed.error == "bad byte \ufffd here"
    with pytest.raises(EthosError, match="kind is 65 characters long; at most 64 fit"):
        await store.create_run("k" * 65)
    with pytest.raises(EthosError, match="model is 300 characters long"):
        await store.record_model_call(run.id, "m" * 300)
    assert await store.count_runs() == 1
