"""How transcripts are stored (ethos.db.transcript): a call names only the
messages it adds to the sample's call before, its answer is one part, and
defaults are left out; whatever the conversation's shape, reading gives back
exactly what each call sent and got. Models here are scripts (script/...):
test doubles."""

from __future__ import annotations

import asyncio
import copy
import hashlib
import json
from typing import Any

import pytest
from pydantic import BaseModel
from sqlalchemy import func, select

from ethos.db.store import Store, transcript_event_row
from ethos.db.tables import TranscriptPartRow
from ethos.db.transcript import canonical_json, encode_event
from ethos.models import acomplete
from ethos.models.script import Script, ScriptRequest, register_script
from ethos.recording import run_scope

PARTS = {"messages": True, "tools": False}  # as the gateway stores a model call


class Plan(BaseModel):
    advice: str


def recording(seen: list[list[dict[str, Any]]], answer: Any) -> Script:
    """A script that keeps every request's messages as the model got them."""

    def respond(request: ScriptRequest) -> str:
        seen.append(copy.deepcopy(request.messages))
        return answer(request)

    return Script(respond)


async def sample_scope(store: Store, name: str) -> tuple[str, int]:
    run = await store.create_run("test", name=name)
    pks = await store.prepare_samples(run.id, [{"sample_id": "s"}])
    return run.id, pks[("s", 0, "")]


async def read(store: Store, pk: int) -> list[Any]:
    return [e async for e in store.transcript(pk)]


def canonical(messages: list[dict[str, Any]]) -> str:
    return canonical_json(messages)


async def test_concurrent_conversations_in_one_sample_read_back_as_sent(store: Store) -> None:
    seen: list[list[dict[str, Any]]] = []
    model = register_script("storage-concurrent", recording(seen, lambda r: f"r{r.call_index}"))
    run_id, pk = await sample_scope(store, "concurrent")

    async def conversation(name: str) -> None:
        messages: list[dict[str, Any]] = [{"role": "system", "content": f"You are {name}."}]
        for turn in range(4):
            messages.append({"role": "user", "content": f"{name} asks {turn}"})
            answer = await acomplete(model, messages)
            messages.append({"role": "assistant", "content": answer.text})
            await asyncio.sleep(0)

    async with store.batch() as writer:
        with run_scope(store, run_id, sample_pk=pk, writer=writer):
            await asyncio.gather(conversation("Ann"), conversation("Bob"))
    events = await read(store, pk)
    assert len(events) == 8
    # Interleaved calls of two conversations: each event still holds exactly
    # the messages its call sent (the model's record, in any order).
    assert sorted(canonical(e.data["messages"]) for e in events) == sorted(map(canonical, seen))


async def test_a_repair_round_and_a_new_conversation_read_back_as_sent(store: Store) -> None:
    seen: list[list[dict[str, Any]]] = []
    answers = ["not json", json.dumps({"advice": "rest"}), "fine", "also fine"]
    model = register_script("storage-repair", recording(seen, lambda r: answers[r.call_index]))
    run_id, pk = await sample_scope(store, "repair")
    with run_scope(store, run_id, sample_pk=pk):
        first = [{"role": "user", "content": "plan my day"}]
        plan = await acomplete(model, first, output=Plan)
        assert plan.parsed == Plan(advice="rest")
        await acomplete(model, [{"role": "user", "content": "something else entirely"}])
        await acomplete(
            model,
            [
                {"role": "user", "content": "something else entirely"},
                {"role": "assistant", "content": "a different answer than the model gave"},
                {"role": "user", "content": "and then?"},
            ],
        )
    events = await read(store, pk)
    # The repair round is the call's last round as sent: the question, the
    # bad reply and the repair request; then a conversation sharing nothing,
    # then one that resends a changed answer.
    assert [e.data["messages"] for e in events] == [seen[1], seen[2], seen[3]]
    assert [m["role"] for m in events[0].data["messages"]] == ["user", "assistant", "user"]
    assert events[0].data["output"]["parsed"] == {"advice": "rest"}
    assert events[0].data["attempts"] == 2
    assert [e.data["output"]["text"] for e in events[1:]] == ["fine", "also fine"]


async def test_options_and_defaults_read_back_as_recorded(store: Store) -> None:
    model = register_script("storage-options", Script(lambda r: "B"))
    run_id, pk = await sample_scope(store, "options")
    with run_scope(store, run_id, sample_pk=pk):
        await acomplete(
            model, "pick", choices=["A", "B"], temperature=0.5, max_tokens=7, seed=11, stop=["."]
        )
        await acomplete(model, "plain")
    picked, plain = (e.data for e in await read(store, pk))
    assert picked["options"] == {
        "temperature": 0.5,
        "max_tokens": 7,
        "seed": 11,
        "output": None,
        "choices": ["A", "B"],
        "stop": ["."],
        "interventions": [],
    }
    assert picked["output"]["choice"] == "B"
    assert plain["options"]["choices"] is None
    assert plain["options"]["interventions"] == []
    assert plain["output"] == {
        "text": "B",
        "tool_calls": [],
        "choice": None,
        "choice_logprobs": None,
        "parsed": None,
        "finish_reason": "stop",
    }
    assert (plain["tools"], plain["error"], plain["scripted"]) == (None, None, True)


async def test_a_lost_write_is_never_the_base_of_the_next_event(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = register_script("storage-lost", Script(lambda r: f"r{r.call_index}"))
    run_id, pk = await sample_scope(store, "lost")
    real = store.append_transcript
    writes = 0

    async def second_write_fails(*args: Any, **kwargs: Any) -> None:
        nonlocal writes
        writes += 1
        if writes == 2:
            raise OSError("disk full")
        await real(*args, **kwargs)

    monkeypatch.setattr(store, "append_transcript", second_write_fails)
    messages: list[dict[str, Any]] = []
    sent = []
    with run_scope(store, run_id, sample_pk=pk):
        for turn in range(3):
            messages.append({"role": "user", "content": f"q{turn}"})
            sent.append(list(messages))
            answer = await acomplete(model, messages)
            messages.append({"role": "assistant", "content": answer.text})
    events = await read(store, pk)
    assert [e.data["messages"] for e in events] == [sent[0], sent[2]]


async def test_events_stored_before_shared_prefixes_read_the_same(store: Store) -> None:
    """Runs recorded with whole digest lists, 64-hex digests and every field
    inline (the first transcript format) are read as they were."""
    run_id, pk = await sample_scope(store, "old format")
    system = {"role": "system", "content": "Be brief."}
    question = {"role": "user", "content": "hi"}

    def old_digest(value: Any) -> str:
        return hashlib.sha256(canonical_json(value).encode()).hexdigest()

    data = {
        "model": "script/x",
        "options": {"temperature": None, "seed": 3, "interventions": []},
        "output": {
            "text": "hello",
            "tool_calls": [],
            "choice": None,
            "choice_logprobs": None,
            "parsed": None,
            "finish_reason": "stop",
        },
        "error": None,
        "scripted": True,
        "attempts": 1,
    }
    payload = {
        **data,
        "tools": None,
        "$parts": {"messages": [old_digest(system), old_digest(question)]},
    }
    parts = {old_digest(system): system, old_digest(question): question}
    row = transcript_event_row(run_id, pk, None, "model_call", payload)
    await store.append_transcript(run_id, [row], parts)
    (event,) = await read(store, pk)
    assert event.data["messages"] == [system, question]
    assert event.data["output"] == data["output"]
    assert event.data["options"]["seed"] == 3
    assert event.data["tools"] is None


def test_a_call_after_a_tool_call_stores_only_the_tool_result() -> None:
    """The tool-calling answer is compared as the turn agents send back."""
    system = {"role": "system", "content": "Advise."}
    user = {"role": "user", "content": "Oslo?"}
    call = {"id": "call_0", "name": "population", "arguments": '{"city": "Oslo"}'}
    output = {"text": "", "tool_calls": [call], "finish_reason": "tool_calls"}
    first = encode_event("model_call", {"messages": [system, user], "output": output}, PARTS)
    asked = {
        "role": "assistant",
        "content": None,
        "tool_calls": [
            {
                "id": "call_0",
                "type": "function",
                "function": {"name": "population", "arguments": '{"city": "Oslo"}'},
            }
        ],
    }
    result = {"role": "tool", "tool_call_id": "call_0", "content": "700000"}
    data = {"messages": [system, user, asked, result], "output": {"text": "700k"}}
    second = encode_event("model_call", data, PARTS, first.lists)
    assert second.payload["$parts"]["messages"] == {"prefix": 3, "new": [result]}
    assert second.parts == {}
    assert first.payload["output"] == {
        "text": "",
        "tool_calls": [call],
        "finish_reason": "tool_calls",
    }


async def test_a_system_prompt_every_sample_sends_is_stored_once(store: Store) -> None:
    model = register_script("storage-shared", Script(lambda r: "ok"))
    run = await store.create_run("test", name="shared")
    pks = await store.prepare_samples(run.id, [{"sample_id": f"s{i}"} for i in range(3)])
    system = {"role": "system", "content": "You are a careful assistant. " * 20}
    async with store.batch() as writer:
        for (sample_id, _, _), pk in pks.items():
            with run_scope(store, run.id, sample_pk=pk, writer=writer):
                await acomplete(model, [system, {"role": "user", "content": sample_id}])
    async with store.engine.connect() as conn:
        query = select(func.count()).where(TranscriptPartRow.run_id == run.id)
        assert (await conn.execute(query)).scalar_one() == 1 + 3  # the system prompt once
    for pk in pks.values():
        (event,) = await read(store, pk)
        assert event.data["messages"][0] == system


async def test_workers_storing_the_same_parts_in_opposite_orders_do_not_deadlock(
    store: Store,
) -> None:
    # Two processes' writers first saw the same messages in opposite orders
    # (two players of a game answering in either order) and commit at once:
    # on PostgreSQL each insert waited for a row the other had taken.
    run = await store.create_run("test", name="parts-order")
    for trial in range(3):  # the race is lost often, not always
        parts = [(f"{trial}-{i:05d}", {"role": "user", "content": f"{i}"}) for i in range(3000)]
        writers = [store.batch(interval=3600), store.batch(interval=3600)]
        for writer, order in zip(writers, (parts, parts[::-1]), strict=True):
            writer.event(transcript_event_row(run.id, None, None, "x", {}), dict(order))
        outcomes = await asyncio.gather(*(w.flush() for w in writers), return_exceptions=True)
        assert outcomes == [None, None]
    async with store.engine.connect() as conn:
        stored = await conn.execute(select(func.count()).select_from(TranscriptPartRow))
        assert stored.scalar_one() == 3 * 3000
