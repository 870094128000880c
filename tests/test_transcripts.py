"""Transcripts: each sample's ordered record of what its models saw and said,
its tool calls and its events, stored once per distinct message and read
back exactly. Models here are scripts (script/...): test doubles."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from sqlalchemy import func, select

from ethos.db.store import Store
from ethos.db.tables import EventRow, TranscriptPartRow
from ethos.db.transcript import part_digest
from ethos.errors import EthosError
from ethos.evals.run import EvalConfig, run_eval
from ethos.evals.task import Arm, Sample, SolverContext, Task
from ethos.models import acomplete
from ethos.models.script import (
    Script,
    register_script,
)
from ethos.recording import record_event, run_scope
from tests.support.trip_agent import Plan, exact, solve_with_agent, three_turns, trip_task


def eval_config(model: str) -> EvalConfig:
    return EvalConfig(task="transcripts-agent", arms=[Arm(name="main", model=model)], seed=3)


def without_null_content(message: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in message.items() if not (k == "content" and v is None)}


async def events_of(store: Store, run_id: str, sample_id: str) -> list[Any]:
    sample = await store.find_sample(run_id, sample_id)
    return [e async for e in store.transcript(sample.id)]


async def count(store: Store, table: Any, run_id: str) -> int:
    async with store.engine.connect() as conn:
        query = select(func.count()).select_from(table).where(table.run_id == run_id)
        return (await conn.execute(query)).scalar_one()


async def test_the_transcript_equals_what_the_scripted_model_received_and_returned(
    store: Store,
) -> None:
    seen: list[dict[str, Any]] = []
    model = register_script("transcript-three-turns", three_turns(seen))
    result = await run_eval(eval_config(model), store=store, task=trip_task(), progress=False)
    assert (result.status, result.succeeded) == ("succeeded", 1)

    events = await events_of(store, result.run_id, "trip-0")
    assert [e.kind for e in events] == [
        "model_call",
        "tool_call",
        "model_call",
        "tool_call",
        "model_call",
    ]
    calls = [e.data for e in events if e.kind == "model_call"]
    # Event for event: the messages and tools each call stored are the ones
    # the model got, every role included, ethos' schema instruction too
    # (litellm leaves out the null content of a tool-calling assistant turn
    # on its way to the model; the record keeps what ethos sent).
    assert [[without_null_content(m) for m in c["messages"]] for c in calls] == [
        s["messages"] for s in seen
    ]
    assert [c["tools"] for c in calls] == [s["tools"] for s in seen]

    schema = json.dumps(Plan.model_json_schema(), separators=(",", ":"))
    system = {"role": "system", "content": "You advise travellers to Oslo."}
    user = {
        "role": "user",
        "content": '{\n  "city": "Oslo"\n}\n\n'
        "Reply with only a JSON object that matches this JSON schema:\n" + schema,
    }

    def asked(call_id: str, city: str) -> dict[str, Any]:
        return {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": call_id,
                    "type": "function",
                    "function": {"name": "population", "arguments": json.dumps({"city": city})},
                }
            ],
        }

    first, second = asked("call_0", "Oslo"), asked("call_0", "Bergen")
    oslo = {"role": "tool", "tool_call_id": "call_0", "content": "700000"}
    bergen = {"role": "tool", "tool_call_id": "call_0", "content": "290000"}
    assert calls[0]["messages"] == [system, user]
    assert calls[1]["messages"] == [system, user, first, oslo]
    assert calls[2]["messages"] == [system, user, first, oslo, second, bergen]
    assert calls[0]["tools"][0]["function"]["name"] == "population"

    # What the model returned.
    assert calls[0]["output"]["tool_calls"] == [
        {"id": "call_0", "name": "population", "arguments": '{"city": "Oslo"}'}
    ]
    assert calls[0]["output"]["finish_reason"] == "tool_calls"
    assert calls[2]["output"]["text"] == '{"advice": "990000 people in both"}'
    assert calls[2]["output"]["parsed"] == {"advice": "990000 people in both"}
    assert calls[2]["options"]["output"] == "Plan"
    assert all(c["scripted"] and c["error"] is None and c["attempts"] == 1 for c in calls)

    # The tool calls between the turns, with their results.
    tools = [e.data for e in events if e.kind == "tool_call"]
    assert tools == [
        {
            "agent": "guide",
            "tool": "population",
            "arguments": {"city": "Oslo"},
            "result": 700000,
            "error": None,
        },
        {
            "agent": "guide",
            "tool": "population",
            "arguments": {"city": "Bergen"},
            "result": 290000,
            "error": None,
        },
    ]
    run = await store.get_run(result.run_id)
    assert run.metadata["transcripts"] is True


async def test_a_ten_turn_conversation_stores_each_distinct_message_once(store: Store) -> None:
    model = register_script("transcript-ten", Script(lambda r: f"reply {r.call_index}"))
    run = await store.create_run("test", name="ten turns")
    pks = await store.prepare_samples(run.id, [{"sample_id": "chat"}])
    messages: list[dict[str, Any]] = [{"role": "system", "content": "Be brief."}]
    async with store.batch() as writer:
        with run_scope(store, run.id, sample_pk=pks[("chat", 0, "")], writer=writer):
            for turn in range(10):
                messages.append({"role": "user", "content": f"question {turn}"})
                answer = await acomplete(model, messages)
                messages.append({"role": "assistant", "content": answer.text})
    events = await events_of(store, run.id, "chat")
    assert [e.data["messages"] for e in events] == [messages[: 2 * t + 2] for t in range(10)]
    assert [e.data["output"]["text"] for e in events] == [f"reply {t}" for t in range(10)]
    # Each message is stored once: the first call's as parts (a system prompt
    # that every sample sends is kept once per run), then each call names how
    # many messages it shares with the call before (its messages and answer)
    # and holds only its new question, never a list of every message.
    parts = await count(store, TranscriptPartRow, run.id)
    async with store.engine.connect() as conn:
        query = select(EventRow.payload).where(EventRow.run_id == run.id).order_by(EventRow.id)
        named = [p["$parts"]["messages"] for p in (await conn.execute(query)).scalars()]
    assert (parts, named[0]) == (2, [part_digest(m) for m in messages[:2]])
    assert named[1:] == [{"prefix": 2 * t + 1, "new": [messages[2 * t + 1]]} for t in range(1, 10)]


async def test_a_scope_without_a_writer_stores_the_same_transcript(store: Store) -> None:
    model = register_script("transcript-direct", Script(lambda r: "fine"))
    run = await store.create_run("test", name="direct")
    pks = await store.prepare_samples(run.id, [{"sample_id": "s"}])
    with run_scope(store, run.id, sample_pk=pks[("s", 0, "")], attempt=2):
        await acomplete(model, [{"role": "user", "content": "how are you?"}])
        record_event("move", round=1, actions=["C", "D"], payoffs=[0, 5])
        await acomplete(model, [{"role": "user", "content": "and now?"}])
    events = await events_of(store, run.id, "s")
    assert [(e.kind, e.attempt) for e in events] == [
        ("model_call", 2),
        ("move", 2),
        ("model_call", 2),
    ]
    assert events[1].data == {"round": 1, "actions": ["C", "D"], "payoffs": [0, 5]}
    assert events[2].data["messages"] == [{"role": "user", "content": "and now?"}]


async def test_a_failed_call_is_recorded_with_its_error_and_no_output(store: Store) -> None:
    model = register_script("transcript-fails", Script(lambda r: "not json"))
    run = await store.create_run("test", name="fails")
    pks = await store.prepare_samples(run.id, [{"sample_id": "s"}])
    with run_scope(store, run.id, sample_pk=pks[("s", 0, "")]), pytest.raises(EthosError):
        await acomplete(model, "give me a plan", output=Plan)
    (event,) = await events_of(store, run.id, "s")
    assert event.data["output"] is None
    assert event.data["error"].startswith(f"{model} did not return Plan after one repair round")
    # The last round as sent: the question, the bad reply, the repair request.
    assert [m["role"] for m in event.data["messages"]] == ["user", "assistant", "user"]
    assert event.data["attempts"] == 2


async def test_transcripts_off_stores_none_and_reading_says_so(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ETHOS_TRANSCRIPTS", "false")
    model = register_script("transcript-off", three_turns([]))
    result = await run_eval(eval_config(model), store=store, task=trip_task(), progress=False)
    assert result.status == "succeeded"
    run = await store.get_run(result.run_id)
    assert run.metadata["transcripts"] is False
    assert await count(store, EventRow, run.id) == 0
    assert await count(store, TranscriptPartRow, run.id) == 0
    assert (await store.counts(run.id)).model_calls == 3  # usage is still kept
    sample = await store.find_sample(run.id, "trip-0")
    with pytest.raises(EthosError, match="stored without transcripts"):
        [e async for e in store.transcript(sample.id)]


async def test_a_key_from_the_environment_is_redacted_in_the_transcript(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = "sk-test-0123456789abcdef"
    monkeypatch.setenv("EXAMPLE_API_KEY", secret)
    model = register_script("transcript-echo-key", Script(lambda r: f"you said {secret}"))
    run = await store.create_run("test", name="secret")
    pks = await store.prepare_samples(run.id, [{"sample_id": "s"}])
    with run_scope(store, run.id, sample_pk=pks[("s", 0, "")]) as scope:
        await acomplete(model, f"my key is {secret}")
        record_event("tool_call", tool="env", arguments={}, result=secret, error=None)
    await scope.written()
    events = await events_of(store, run.id, "s")
    stored = json.dumps([e.data for e in events])
    assert secret not in stored
    assert events[0].data["messages"] == [{"role": "user", "content": "my key is ***"}]
    assert events[0].data["output"]["text"] == "you said ***"
    assert events[1].data["result"] == "***"
    async with store.engine.connect() as conn:
        bodies = (await conn.execute(select(TranscriptPartRow.body))).scalars().all()
    assert secret not in json.dumps(bodies)


async def test_the_latest_attempt_is_read_unless_another_is_asked(store: Store) -> None:
    run = await store.create_run("test", name="attempts")
    pk = (await store.prepare_samples(run.id, [{"sample_id": "s"}]))[("s", 0, "")]
    for attempt in (1, 2):
        with run_scope(store, run.id, sample_pk=pk, attempt=attempt) as scope:
            task = scope.add_event("node", {"node": "plan", "phase": "start", "try": attempt})
            # Without a writer the scope writes in a task of its own, handed back.
            assert isinstance(task, asyncio.Task)
            await task
    latest = [e.data["try"] async for e in store.transcript(pk)]
    first = [e.data["try"] async for e in store.transcript(pk, attempt=1)]
    assert (latest, first) == ([2], [1])


async def test_transcripts_are_read_in_pages_in_order(store: Store) -> None:
    run = await store.create_run("test", name="pages")
    pk = (await store.prepare_samples(run.id, [{"sample_id": "s"}]))[("s", 0, "")]
    async with store.batch() as writer:
        with run_scope(store, run.id, sample_pk=pk, writer=writer):
            for i in range(25):
                record_event("move", round=i)
    rounds = [e.data["round"] async for e in store.transcript(pk, page_size=4)]
    assert rounds == list(range(25))


async def test_find_sample_names_known_ids_and_asks_for_epoch_or_arm(store: Store) -> None:
    run = await store.create_run("test", name="find")
    await store.prepare_samples(
        run.id,
        [
            {"sample_id": "a", "epoch": 0, "arm": "x"},
            {"sample_id": "a", "epoch": 1, "arm": "x"},
            {"sample_id": "b", "epoch": 0, "arm": "x"},
        ],
    )
    with pytest.raises(EthosError, match=r"no sample 'zz'; known sample ids include 'a', 'b'"):
        await store.find_sample(run.id, "zz")
    with pytest.raises(EthosError, match=r"ran 2 times \(epoch 0 arm 'x', epoch 1 arm 'x'\)"):
        await store.find_sample(run.id, "a")
    assert (await store.find_sample(run.id[:8], "a", epoch=1)).epoch == 1
    assert (await store.find_sample(run.id, "b")).sample_id == "b"


# -- ethos runs show ------------------------------------------------------------------


def show(db_url: str, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """``ethos --db URL runs show ARGS`` in this process: (exit status, stdout, stderr)."""
    from ethos.cli.app import main

    capsys.readouterr()
    try:
        main(["--db", db_url, "runs", "show", *args])
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out = capsys.readouterr()
    return code, out.out, out.err


def stored_run(db_url: str, **settings: str) -> str:
    """A run of two epochs: trip-0 answers after two tool calls, broken-N fail."""

    async def solver(sample: Sample, ctx: SolverContext) -> Plan:
        if sample.id.startswith("broken"):
            raise RuntimeError(f"{sample.id} broke on purpose\nsecond line")
        return await solve_with_agent(sample, ctx)

    samples = [Sample(id="trip-0", input="Oslo", target="990000 people in both")]
    samples += [Sample(id=f"broken-{i}", input="x") for i in range(3)]
    task = Task(name="transcripts-cli", samples=samples, solver=solver, scorers=[exact], epochs=2)
    model = register_script("transcript-cli", three_turns([]))
    config = EvalConfig(task="transcripts-cli", arms=[Arm(name="main", model=model)])

    async def go() -> str:
        async with await Store.open(db_url) as store:
            result = await run_eval(config, store=store, task=task, progress=False)
            return result.run_id

    import asyncio

    return asyncio.run(go())


def test_runs_show_prints_a_samples_transcript_and_the_runs_failures(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    run_id = stored_run(db_url)
    code, out, _ = show(db_url, capsys, run_id[:10], "--sample", "trip-0", "--epoch", "1")
    assert code == 0
    text = " ".join(out.split())
    assert "sample trip-0 epoch 1 arm 'main' succeeded" in text
    assert "system: You advise travellers to Oslo." in text
    assert 'assistant calls population({"city": "Oslo"})' in text
    assert 'tool population({"city": "Oslo"}) -> 700000' in text
    assert "(5 earlier message(s) sent again)" in text  # the third call shows only its news
    assert text.count("assistant calls") == 2  # each tool-calling answer once, not resent
    assert 'assistant: {"advice": "990000 people in both"}' in text
    assert "exact: true - advice '990000 people in both'" in text

    code, out, _ = show(db_url, capsys, run_id, "--sample", "trip-0", "--epoch", "0", "--json")
    events = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and [e["kind"] for e in events][:2] == ["model_call", "tool_call"]
    assert events[0]["data"]["messages"][0] == {
        "role": "system",
        "content": "You advise travellers to Oslo.",
    }

    code, out, _ = show(db_url, capsys, run_id)
    text = " ".join(out.split())
    assert code == 0 and "6 failed sample(s)" in text
    assert "broken-0 epoch 0 arm 'main': RuntimeError: broken-0 broke on purpose" in text
    assert "second line" not in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--sample", "nope"], "has no sample 'nope'; known sample ids include 'broken-0'"),
        (["--sample", "trip-0"], "ran 2 times (epoch 0 arm 'main', epoch 1 arm 'main')"),
        (["--epoch", "1"], "no --sample was given; add --sample ID"),
        (["--arm", "main"], "no --sample was given; add --sample ID"),
    ],
)
def test_runs_show_refuses_bad_sample_choices_in_one_line(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str], tmp_path: Any
) -> None:
    db_url = f"sqlite:///{tmp_path / 'cli.db'}"
    run_id = stored_run(db_url)
    code, out, err = show(db_url, capsys, run_id, *args)
    assert code == 2 and out == ""
    assert message in err and len(err.strip().splitlines()) == 1


def test_runs_show_of_a_run_without_transcripts_says_so(
    capsys: pytest.CaptureFixture[str], tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ETHOS_TRANSCRIPTS", "false")
    db_url = f"sqlite:///{tmp_path / 'cli.db'}"
    run_id = stored_run(db_url)
    code, _, err = show(db_url, capsys, run_id, "--sample", "trip-0", "--epoch", "0")
    assert code == 2
    assert f"run {run_id} was stored without transcripts" in err
    assert len(err.strip().splitlines()) == 1
