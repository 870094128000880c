"""``on_token``: the answer's text as it is produced, from every kind of
model, and as ``token`` events when an agent runs inside a graph."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TypedDict

import pytest
from langgraph.graph import END, START, StateGraph
from pydantic import BaseModel

from ethos.agents import Agent, AgentContext
from ethos.graphs.events import ModelToken
from ethos.graphs.runtime import GraphRuntime
from ethos.models import acomplete, register_script, replies
from ethos.recording import run_scope
from tests.support.openai_server import FakeOpenAI

FAST = {"backoff_base": 0.01, "backoff_max": 0.05}


@pytest.fixture(params=["openai", "litellm"])
def server(request: pytest.FixtureRequest) -> Iterator[FakeOpenAI]:
    """The loopback server, reached through each transport of an
    OpenAI-compatible model (the openai SDK, and litellm)."""
    with FakeOpenAI(reply=lambda body: "one two three four") as fake:
        fake.transport = request.param  # type: ignore[attr-defined]
        yield fake


async def test_a_hosted_plain_call_streams_token_by_token(server: FakeOpenAI, store) -> None:
    pieces: list[str] = []
    run = await store.create_run("test", name="stream")
    with run_scope(store, run.id):
        out = await acomplete(
            "openai/fake",
            "count to four",
            model_args={"api_base": server.base_url, **FAST, "transport": server.transport},
            on_token=pieces.append,
        )
    assert server.requests[-1]["stream"] is True
    assert pieces == ["one ", "two ", "three ", "four "]
    assert out.text == "".join(pieces)
    assert (await store.counts(run.id)).model_calls == 1


async def test_a_structured_hosted_call_gives_the_whole_answer(server: FakeOpenAI) -> None:
    class Count(BaseModel):
        n: int

    server.reply = lambda body: '{"n": 4}'
    pieces: list[str] = []
    out = await acomplete(
        "openai/fake",
        "how many?",
        output=Count,
        model_args={"api_base": server.base_url, **FAST, "transport": server.transport},
        on_token=pieces.append,
    )
    assert not server.requests[-1].get("stream")
    assert out.parsed == Count(n=4) and pieces == ['{"n": 4}']


async def test_a_script_answer_arrives_whole_and_choices_never_stream() -> None:
    pieces: list[str] = []
    model = register_script("stream-whole", replies("C", "D"))
    out = await acomplete(model, "move?", on_token=pieces.append)
    assert pieces == [out.text] == ["C"]
    await acomplete(model, "move?", choices=["C", "D"], on_token=pieces.append)
    assert pieces == ["C"]


@pytest.mark.local_model
async def test_the_local_model_streams_as_it_decodes(tiny_checkpoints) -> None:
    model = f"local/{tiny_checkpoints('qwen3_moe')}"
    pieces: list[str] = []
    out = await acomplete(model, "Hello there", max_tokens=12, seed=1, on_token=pieces.append)
    plain = await acomplete(model, "Hello there", max_tokens=12, seed=1)
    assert len(pieces) > 1 and "".join(pieces) == out.text == plain.text
    assert out.usage == plain.usage


class Flow(TypedDict, total=False):
    question: str
    answer: str


class Question(BaseModel):
    text: str


@pytest.mark.local_model
async def test_an_agent_in_a_graph_streams_token_events(tiny_checkpoints, store) -> None:
    model = f"local/{tiny_checkpoints('qwen3_moe')}"
    agent = Agent(
        "talker",
        instructions="Talk.",
        role="talker",
        input_type=Question,
        output_type=str,
        max_tokens=10,
    )

    async def talk(state: Flow, runtime) -> Flow:
        return {"answer": await agent.run(Question(text=state["question"]), runtime.context)}

    builder = StateGraph(Flow, context_schema=AgentContext)
    builder.add_node("talk", talk)
    builder.add_edge(START, "talk")
    builder.add_edge("talk", END)
    async with await GraphRuntime.open(store=store) as runtime:
        graph = runtime.compile(builder)
        events = [
            e
            async for e in runtime.stream(
                graph, {"question": "hi"}, thread_id="s", context=AgentContext(model=model)
            )
        ]
    tokens = [e for e in events if isinstance(e, ModelToken)]
    assert len(tokens) > 1 and {t.node for t in tokens} == {"talk"}
    assert "".join(t.text for t in tokens) == events[-1].output["answer"]
