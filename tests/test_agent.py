"""The Agent: typed input and output, tools, roles, recording, events."""

from __future__ import annotations

import asyncio
import json
import math
from dataclasses import dataclass
from functools import partial
from typing import Literal, TypedDict

import pytest
from langgraph.graph import END, START, StateGraph
from pydantic import BaseModel
from typing_extensions import TypedDict as TypedDictExt

from ethos.agents import Agent, AgentContext, AgentError, RunContext, Tool
from ethos.errors import ConfigError
from ethos.graphs.events import ModelToken, ToolCalled
from ethos.graphs.runtime import GraphRuntime
from ethos.models.script import (
    Script,
    ScriptAnswer,
    ScriptedToolCall,
    ScriptRequest,
    policy,
    register_script,
    replies,
)
from ethos.recording import run_scope


class Question(BaseModel):
    text: str
    audience: str = "a child"


class Answer(BaseModel):
    answer: str
    confidence: float


def population(city: str) -> int:
    """Look up a city's population.

    The second paragraph is not part of the description."""
    return {"Paris": 2_100_000, "Oslo": 700_000}[city]


def weather_agent(**kwargs) -> Agent[Question, Answer]:
    return Agent(
        "explainer",
        instructions='Explain things to {audience}. Reply as JSON like {{"answer": ...}}.',
        role="writer",
        input_type=Question,
        output_type=Answer,
        **kwargs,
    )


def tool_user(request: ScriptRequest) -> ScriptAnswer | str:
    """Calls the tool once, then answers with what the tool said."""
    tool_turns = [m for m in request.messages if m.get("role") == "tool"]
    if not tool_turns:
        assert request.tools and request.tools[0]["function"]["name"] == "population"
        return ScriptAnswer("", tool_calls=(ScriptedToolCall("population", {"city": "Oslo"}),))
    result = tool_turns[-1]["content"]
    return json.dumps({"answer": f"Oslo has {result} people", "confidence": 0.9})


async def test_a_typed_answer_from_the_role_model(store) -> None:
    seen: list[list[dict]] = []

    def respond(request: ScriptRequest) -> str:
        seen.append(request.messages)
        return '{"answer": "because of Rayleigh scattering", "confidence": 0.8}'

    model = register_script("agent-typed", Script(respond))
    ctx = AgentContext(roles={"writer": model})
    run = await store.create_run("test", name="agent")
    with run_scope(store, run.id):
        out = await weather_agent().run(Question(text="why is the sky blue?"), ctx)
    assert out == Answer(answer="because of Rayleigh scattering", confidence=0.8)
    system, user = seen[0][0], seen[0][1]
    assert system["content"].startswith("Explain things to a child. Reply as JSON like {")
    assert json.loads(user["content"].split("\n\n")[0])["text"] == "why is the sky blue?"
    counts = await store.counts(run.id)
    assert counts.model_calls == 1  # recorded under the run


async def test_tools_are_called_with_validated_arguments_and_the_result_fed_back() -> None:
    model = register_script("agent-tools", Script(tool_user))
    agent = weather_agent(tools=[population])
    out = await agent.run(Question(text="how many people live in Oslo?"), AgentContext(model=model))
    assert out.answer == "Oslo has 700000 people"


async def test_a_failing_tool_is_reported_to_the_model_not_raised() -> None:
    def broken(request: ScriptRequest) -> ScriptAnswer | str:
        tool_turns = [m for m in request.messages if m.get("role") == "tool"]
        if not tool_turns:
            return ScriptAnswer("", tool_calls=(ScriptedToolCall("population", {"city": "Rome"}),))
        return json.dumps({"answer": tool_turns[-1]["content"], "confidence": 0.1})

    model = register_script("agent-broken-tool", Script(broken))
    out = await weather_agent(tools=[population]).run(
        Question(text="Rome?"), AgentContext(model=model)
    )
    assert out.answer == "error: KeyError: 'Rome'"


async def test_a_model_that_never_stops_calling_tools_is_bounded() -> None:
    def loop(request: ScriptRequest) -> ScriptAnswer:
        return ScriptAnswer("", tool_calls=(ScriptedToolCall("population", {"city": "Oslo"}),))

    model = register_script("agent-tool-loop", Script(loop))
    agent = weather_agent(tools=[population], max_tool_rounds=2)
    with pytest.raises(AgentError, match="still calling tools after 2 rounds"):
        await agent.run(Question(text="?"), AgentContext(model=model))


def test_tool_schemas_come_from_the_signature() -> None:
    tool = Tool.from_function(population)
    schema = tool.schema()["function"]
    assert schema["name"] == "population"
    assert schema["description"] == "Look up a city's population."
    assert schema["parameters"]["properties"]["city"]["type"] == "string"
    assert schema["parameters"]["required"] == ["city"]

    def untyped(city):  # type: ignore[no-untyped-def]
        return city

    with pytest.raises(ConfigError, match="'city' has no type annotation"):
        Tool.from_function(untyped)


def test_a_template_naming_a_missing_field_fails_when_the_agent_is_made() -> None:
    with pytest.raises(AgentError, match=r"names adience.*use one of: audience, text"):
        Agent(
            "typo",
            instructions="Explain to {adience}.",
            role="writer",
            input_type=Question,
            output_type=str,
        )


async def test_a_role_nobody_plays_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="no model plays the role 'writer'"):
        await weather_agent().run(Question(text="?"), AgentContext())


def test_roles_resolve_from_context_then_settings_then_default() -> None:
    from ethos.settings import Settings

    settings = Settings(roles={"writer": "script/from-settings", "grader": "script/grader"})
    ctx = AgentContext(model="script/default", roles={"writer": "script/ctx"}, settings=settings)
    assert ctx.model_for("writer") == "script/ctx"
    assert ctx.model_for("grader") == "script/grader"
    assert ctx.model_for("other") == "script/default"


class Flow(TypedDict, total=False):
    question: str
    answer: str


async def test_inside_a_graph_the_agent_streams_tokens_and_tool_calls(store) -> None:
    model = register_script("agent-graph", Script(tool_user))
    agent = weather_agent(tools=[population])

    async def explain(state: Flow, runtime) -> Flow:  # LangGraph injects its Runtime
        out = await agent.run(Question(text=state["question"]), runtime.context)
        return {"answer": out.answer}

    builder = StateGraph(Flow, context_schema=AgentContext)
    builder.add_node("explain", explain)
    builder.add_edge(START, "explain")
    builder.add_edge("explain", END)
    async with await GraphRuntime.open(store=store) as runtime:
        graph = runtime.compile(builder)
        events = [
            e
            async for e in runtime.stream(
                graph, {"question": "Oslo?"}, thread_id="g", context=AgentContext(model=model)
            )
        ]
    tools = [e for e in events if isinstance(e, ToolCalled)]
    tokens = [e for e in events if isinstance(e, ModelToken)]
    assert [(t.node, t.agent, t.tool, t.arguments, t.result) for t in tools] == [
        ("explain", "explainer", "population", {"city": "Oslo"}, 700_000)
    ]
    assert tokens[0].model == f"{model}" and "700000" in tokens[0].text
    assert events[-1].output == {"question": "Oslo?", "answer": "Oslo has 700000 people"}


class Row(BaseModel):
    city: str
    people: int


def rows() -> list[Row]:
    """Rows of a table."""
    return [Row(city="Oslo", people=700_000)]


def by_pair() -> dict:
    """Counts keyed by (from, to)."""
    return {("Oslo", "Rome"): 2}


@pytest.mark.parametrize(
    ("tool", "shown"),
    [(rows, [{"city": "Oslo", "people": 700_000}]), (by_pair, {"Oslo,Rome": 2})],
)
async def test_a_tool_result_reaches_the_model_as_json(tool, shown) -> None:
    """Models nested in a result are dumped (not their str), and keys JSON
    cannot hold do not crash the run."""
    seen: list[str] = []

    def user(request: ScriptRequest) -> ScriptAnswer | str:
        tool_turns = [m for m in request.messages if m.get("role") == "tool"]
        if not tool_turns:
            return ScriptAnswer("", tool_calls=(ScriptedToolCall(tool.__name__, {}),))
        seen.append(tool_turns[-1]["content"])
        return "done"

    model = register_script(f"agent-json-{tool.__name__}", Script(user))
    agent = Agent(
        "tabler",
        instructions="Use the tool.",
        role="r",
        input_type=Question,
        output_type=str,
        tools=[tool],
    )
    assert await agent.run(Question(text="q"), AgentContext(model=model)) == "done"
    assert json.loads(seen[0]) == shown


def test_templates_render_as_they_were_checked() -> None:
    literal = Agent(
        "json-example",
        instructions="Reply like {}.",
        role="writer",
        input_type=Question,
        output_type=str,
        prompt="Fill in the {} with your answer.",
    )
    assert literal.render_prompt(Question(text="q")) == "Fill in the {} with your answer."
    keyed = Agent(
        "by-key", instructions="Answer {question}.", role="writer", input_type=dict, output_type=str
    )
    assert keyed.render_instructions({"question": "why"}) == "Answer why."
    with pytest.raises(AgentError, match="mixes named fields with a bare"):
        Agent("mixed", instructions="{text} {}", role="w", input_type=Question, output_type=str)


# -- any output type, choices mode -------------------------------------------------


@dataclass
class Point:
    x: int
    y: int


class Span(TypedDictExt):  # pydantic needs typing_extensions' below Python 3.12
    start: int
    end: int


@pytest.mark.parametrize(
    ("output_type", "reply", "expected"),
    [
        (int, '{"value": 42}', 42),
        (list[int], '{"value": [1, 2, 3]}', [1, 2, 3]),
        (Point, '{"value": {"x": 1, "y": 2}}', Point(1, 2)),
        (Span, '{"value": {"start": 3, "end": 9}}', {"start": 3, "end": 9}),
        (Literal[1, 2], '{"value": 2}', 2),  # not strings: structured, not choices
    ],
    ids=["int", "list", "dataclass", "typeddict", "int-literal"],
)
async def test_any_output_type_pydantic_validates(output_type, reply, expected) -> None:
    """Asked for as {"value": ...} (the gateway takes pydantic models) and
    unwrapped: Agent(output_type=int) returns the int 42, not '42'."""
    schemas: list[dict] = []

    def respond(request: ScriptRequest) -> str:
        schemas.append(request.schema)
        return reply

    model = register_script(f"agent-out-{len(reply)}", Script(respond))
    agent = Agent(
        "typed", instructions="Answer.", role="r", input_type=str, output_type=output_type
    )
    out = await agent.run("q", AgentContext(model=model))
    assert out == expected and type(out) is type(expected)
    assert schemas[0]["title"] == "TypedOutput" and schemas[0]["required"] == ["value"]


async def test_choices_mode_returns_the_option_and_its_log_probabilities() -> None:
    seen: list[list[str]] = []

    def likes_no(messages, options):
        seen.append(options)
        return {"yes": 0.25, "no": 0.75}

    model = register_script("agent-choices", policy(likes_no))
    agent = Agent(
        "decider", instructions="Decide.", role="r", input_type=str, choices=["yes", "no"]
    )
    assert await agent.run("go?", AgentContext(model=model)) == "no"
    result = await agent.run_result("go?", AgentContext(model=model))
    assert result.output == "no" and result.model == model and result.completion.scripted
    assert result.choice_logprobs == pytest.approx({"yes": math.log(0.25), "no": math.log(0.75)})
    literal = Agent(
        "literal", instructions="Decide.", role="r", input_type=str, output_type=Literal["a", "b"]
    )
    assert await literal.run("?", AgentContext(model="script/first-choice")) == "a"
    assert seen == [["yes", "no"], ["yes", "no"]]


def test_output_types_and_choices_that_cannot_work_fail_when_the_agent_is_made() -> None:
    class Plain:  # pydantic has no schema for it
        pass

    make = partial(Agent, "bad", instructions="x", role="r", input_type=str)
    with pytest.raises(AgentError, match=r"output type .*Plain.* has no JSON schema"):
        make(output_type=Plain)
    with pytest.raises(AgentError, match="choices= and output_type= were both given"):
        make(output_type=int, choices=["a", "b"])
    with pytest.raises(AgentError, match="at least two distinct, non-empty"):
        make(choices=["a", "a"])


# -- tools with a run context ---------------------------------------------------------


@dataclass
class Directory:
    people: dict[str, int]


def headcount(ctx: RunContext[Directory], city: str) -> int:
    """People in a city, from the run's directory."""
    return ctx.deps.people[city]


async def test_a_tool_gets_the_run_context_first_and_the_model_never_sees_it() -> None:
    tool = Tool.from_function(headcount)
    assert tool.takes_context
    assert list(tool.schema()["function"]["parameters"]["properties"]) == ["city"]
    seen: list[str] = []

    def user(request: ScriptRequest) -> ScriptAnswer | str:
        tool_turns = [m for m in request.messages if m.get("role") == "tool"]
        if not tool_turns:
            return ScriptAnswer("", tool_calls=(ScriptedToolCall("headcount", {"city": "Oslo"}),))
        seen.append(tool_turns[-1]["content"])
        return "done"

    model = register_script("agent-run-context", Script(user))
    agent = Agent("counter", instructions="Count.", role="r", input_type=str, tools=[headcount])
    ctx = AgentContext(model=model, seed=7, deps=Directory({"Oslo": 709_000}))
    assert await agent.run("Oslo?", ctx) == "done"
    assert seen == ["709000"]

    async def seen_context(ctx: RunContext[Directory]) -> list:
        """What a tool learns of its run."""
        return [ctx.model, ctx.agent, ctx.seed]

    seen.clear()

    def asks(request: ScriptRequest) -> ScriptAnswer | str:
        if not any(m.get("role") == "tool" for m in request.messages):
            return ScriptAnswer("", tool_calls=(ScriptedToolCall("seen_context", {}),))
        seen.append(request.messages[-1]["content"])
        return "ok"

    model = register_script("agent-run-context-fields", Script(asks))
    teller = Agent("teller", instructions="x", role="r", input_type=str, tools=[seen_context])
    await teller.run("?", AgentContext(model=model, seed=7))
    assert json.loads(seen[0]) == [model, "teller", 7]


def test_a_run_context_that_is_not_the_first_parameter_is_refused() -> None:
    def late(city: str, ctx: RunContext[Directory]) -> int:
        return 0

    with pytest.raises(ConfigError, match="the RunContext parameter must be the first one"):
        Tool.from_function(late)


# -- overriding an agent's model in tests ---------------------------------------------


async def test_override_swaps_the_model_for_this_agent_and_this_context_only() -> None:
    real = register_script("agent-real", replies("real", cycle=True))
    double = register_script("agent-double", replies("double", cycle=True))
    agent = Agent("swapped", instructions="x", role="writer", input_type=str)
    other = Agent("other", instructions="x", role="writer", input_type=str)
    ctx = AgentContext(roles={"writer": real})
    started, release = asyncio.Event(), asyncio.Event()

    async def outside() -> str:  # started before the block: keeps the real model
        started.set()
        await release.wait()
        return await agent.run("q", ctx)

    concurrent = asyncio.create_task(outside())
    await started.wait()
    with agent.override(model=double):
        release.set()
        inside = await agent.run("q", ctx)
        assert await other.run("q", ctx) == "real"
        assert await concurrent == "real"
    assert inside == "double"
    assert await agent.run("q", ctx) == "real"


async def test_override_reaches_an_agent_inside_a_graph_and_can_swap_deps(store) -> None:
    seen: list[str] = []

    def user(request: ScriptRequest) -> ScriptAnswer | str:
        if not any(m.get("role") == "tool" for m in request.messages):
            return ScriptAnswer("", tool_calls=(ScriptedToolCall("headcount", {"city": "Oslo"}),))
        seen.append(request.messages[-1]["content"])
        return "counted"

    double = register_script("agent-graph-double", Script(user))
    agent = Agent("counter", instructions="x", role="writer", input_type=str, tools=[headcount])

    async def count(state: Flow, runtime) -> Flow:
        return {"answer": await agent.run(state["question"], runtime.context)}

    builder = StateGraph(Flow, context_schema=AgentContext)
    builder.add_node("count", count)
    builder.add_edge(START, "count")
    builder.add_edge("count", END)
    context = AgentContext(model="script/echo", deps=Directory({"Oslo": 1}))
    with agent.override(model=double, deps=Directory({"Oslo": 2})):
        async with await GraphRuntime.open(store=store) as runtime:
            graph = runtime.compile(builder)
            events = [
                e
                async for e in runtime.stream(
                    graph, {"question": "Oslo?"}, thread_id="o", context=context
                )
            ]
    assert events[-1].output["answer"] == "counted" and seen == ["2"]
    with pytest.raises(AgentError, match="given nothing to override"), agent.override():
        pass


async def test_an_overriding_model_gets_none_of_the_contexts_model_arguments() -> None:
    """The context's arguments and interventions belong to its model; a
    script standing in for it would refuse interventions."""
    double = register_script("agent-override-args", replies("ok", cycle=True))
    agent = Agent("a", instructions="x", role="writer", input_type=str)
    mask = {"type": "expert_mask", "layer": 0, "experts": [1]}
    ctx = AgentContext(model="local/none", model_args={"temperature": 0.3}, interventions=[mask])
    with agent.override(model=double):
        assert await agent.run("q", ctx) == "ok"
