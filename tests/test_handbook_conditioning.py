"""Behaviour-conditioned inference: an agent with a handbook gets the
retrieved behaviours in its prompt, the behaviours its answer names are
counted, and the sample's transcript says what was offered and cited (or
that there was nothing to offer). Models are scripts (script/...): test
doubles; retrieval runs without the embedding model (BM25) to stay fast."""

from __future__ import annotations

import asyncio
import operator
from typing import Annotated, Any, TypedDict

from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel

from ethos.agents.agent import Agent, AgentContext
from ethos.db.store import Store
from ethos.handbook.behavior import BehaviorDraft, Provenance
from ethos.handbook.conditioning import BehaviorHandbook, parse_citations, render_guidance
from ethos.handbook.store import add_behaviors, ensure_handbook, list_behaviors
from ethos.models.script import Script, ScriptRequest, register_script
from ethos.recording import run_scope

BEHAVIORS = [
    BehaviorDraft(
        name="common denominator then reduce",
        instruction="Put fractions over their least common denominator before adding them, "
        "then reduce the result.",
        tags=["fractions"],
        provenance=[Provenance(source="manual")],
    ),
    BehaviorDraft(
        name="convert with one factor",
        instruction="Write the factor between the two units and multiply by it once.",
        tags=["units"],
        provenance=[Provenance(source="manual")],
    ),
    BehaviorDraft(
        name="celsius to fahrenheit",
        instruction="Multiply degrees Celsius by 9/5 and then add 32.",
        tags=["units"],
        provenance=[Provenance(source="manual")],
    ),
]
QUESTION = "What is 1/4 + 1/6? Add the fractions and reduce the result."


class State(TypedDict, total=False):
    answers: Annotated[list[str], operator.add]


def citing_script(seen: list[list[dict[str, Any]]], also: str = "") -> Script:
    """Cites the first behaviour listed in its system prompt (and ``also``)."""

    def respond(request: ScriptRequest) -> str:
        seen.append(request.messages)
        system = request.messages[0]["content"]
        listed = [line[2:].split(":")[0] for line in system.splitlines() if line.startswith("- ")]
        if not listed:
            return "Adding directly. Answer: 5/12"
        return f"Using {listed[0]}{also}: 3/12 + 2/12. Answer: 5/12"

    return Script(respond)


def solver(handbook: Any = None) -> Agent[str, str]:
    return Agent(
        "solver",
        instructions="Solve the problem. End with Answer: X.",
        role="solver",
        input_type=str,
        handbook=handbook,
    )


async def transcript_of(store: Store, sample_pk: int) -> list[Any]:
    return [e async for e in store.transcript(sample_pk)]


async def run_agent(store: Store, agent: Agent[str, str], ctx: AgentContext) -> tuple[Any, list]:
    run = await store.create_run("handbook-test")
    sample = await store.record_sample(run.id, "q", status="running", input=QUESTION)
    with run_scope(store, run.id, sample_pk=sample.id) as scope:
        result = await agent.run_result(QUESTION, ctx)
        await scope.written()
    events = await transcript_of(store, sample.id)
    return result, [e for e in events if e.kind == "handbook"]


async def test_a_conditioned_agent_cites_behaviours_that_are_counted_and_recorded(
    store: Store,
) -> None:
    await add_behaviors(store, "math", BEHAVIORS, embedder=None)
    seen: list[list[dict[str, Any]]] = []
    model = register_script("hb-citer", citing_script(seen))
    book = BehaviorHandbook(store, "math", k=2, embedder=None)
    result, events = await run_agent(store, solver(book), AgentContext(model=model))

    system = seen[0][0]["content"]
    assert "behavior_common_denominator_then_reduce: Put fractions over" in system
    assert "name it where you use it" in system  # the model is asked to cite
    assert result.output.startswith("Using behavior_common_denominator_then_reduce")

    retrieved, cited = events
    assert retrieved.data["phase"] == "retrieved" and retrieved.data["note"] is None
    offered = [b["name"] for b in retrieved.data["behaviors"]]
    assert offered[0] == "behavior_common_denominator_then_reduce"
    assert cited.data["cited"] == ["behavior_common_denominator_then_reduce"]
    assert cited.data["offered"] == offered and cited.data["unknown"] == []

    counts = {b.name: (b.retrieved, b.cited) for b in await list_behaviors(store, "math")}
    assert counts["behavior_common_denominator_then_reduce"] == (1, 1)
    for name in offered[1:]:
        assert counts[name] == (1, 0)  # offered, not cited
    assert counts["behavior_celsius_to_fahrenheit"][1] == 0


async def test_the_context_handbook_conditions_every_agent_and_the_agents_own_wins(
    store: Store,
) -> None:
    await add_behaviors(store, "math", BEHAVIORS, embedder=None)
    await ensure_handbook(store, "empty")
    seen: list[list[dict[str, Any]]] = []
    model = register_script("hb-citer-ctx", citing_script(seen))
    shared = BehaviorHandbook(store, "math", k=1, embedder=None)
    _, events = await run_agent(store, solver(), AgentContext(model=model, handbook=shared))
    assert "behavior_common_denominator_then_reduce" in seen[-1][0]["content"]
    assert [e.data["phase"] for e in events] == ["retrieved", "cited"]

    own = BehaviorHandbook(store, "empty", embedder=None)
    _, events = await run_agent(store, solver(own), AgentContext(model=model, handbook=shared))
    assert "behavior_" not in seen[-1][0]["content"]
    assert events[0].data["handbook"] == "empty"


async def test_an_empty_or_missing_handbook_runs_without_behaviours_and_says_so(
    store: Store,
) -> None:
    await ensure_handbook(store, "empty")
    seen: list[list[dict[str, Any]]] = []
    model = register_script("hb-citer-empty", citing_script(seen))
    for name, says in [("empty", "holds no behaviours"), ("nowhere", "there is no handbook")]:
        book = BehaviorHandbook(store, name, embedder=None)
        result, events = await run_agent(store, solver(book), AgentContext(model=model))
        assert seen[-1][0]["content"] == "Solve the problem. End with Answer: X."
        assert result.output == "Adding directly. Answer: 5/12"
        (event,) = events  # nothing offered: no citation event
        assert event.data["behaviors"] == [] and says in event.data["note"]
        assert "answering without" in event.data["note"]


async def test_unmatched_tasks_say_how_many_behaviours_the_handbook_held(store: Store) -> None:
    await add_behaviors(store, "math", BEHAVIORS, embedder=None)
    book = BehaviorHandbook(store, "math", embedder=None)
    found, note = await book.retrieve("Name the capital city of Peru.")
    assert found == [] and note is not None and "none of the 3 behaviours" in note


async def test_names_never_offered_are_reported_and_not_counted(store: Store) -> None:
    await add_behaviors(store, "math", BEHAVIORS, embedder=None)
    seen: list[list[dict[str, Any]]] = []
    model = register_script(
        "hb-citer-extra", citing_script(seen, also=" and behavior_celsius_to_fahrenheit")
    )
    book = BehaviorHandbook(store, "math", k=1, embedder=None)
    _, events = await run_agent(store, solver(book), AgentContext(model=model))
    cited = events[-1].data
    assert cited["cited"] == ["behavior_common_denominator_then_reduce"]
    assert cited["unknown"] == ["behavior_celsius_to_fahrenheit"]
    counts = {b.name: b.cited for b in await list_behaviors(store, "math")}
    assert counts["behavior_celsius_to_fahrenheit"] == 0


async def test_concurrent_agents_on_one_handbook_count_every_citation(store: Store) -> None:
    await add_behaviors(store, "math", BEHAVIORS, embedder=None)
    model = register_script("hb-citer-many", citing_script([]))
    book = BehaviorHandbook(store, "math", k=1, embedder=None)
    agent = solver(book)
    await asyncio.gather(*(agent.run(QUESTION, AgentContext(model=model)) for _ in range(12)))
    counts = {b.name: (b.retrieved, b.cited) for b in await list_behaviors(store, "math")}
    assert counts["behavior_common_denominator_then_reduce"] == (12, 12)


async def test_structured_outputs_are_read_for_citations_and_outcomes_wait_for_a_score(
    store: Store,
) -> None:
    class Solution(BaseModel):
        steps: str
        answer: str

    await add_behaviors(store, "math", BEHAVIORS, embedder=None)

    def respond(request: ScriptRequest) -> str:
        return '{"steps": "behavior_common_denominator_then_reduce gives 5/12", "answer": "5/12"}'

    model = register_script("hb-structured", Script(respond))
    book = BehaviorHandbook(store, "math", k=1, count_citations=False, embedder=None)
    agent: Agent[str, Solution] = Agent(
        "structured", instructions="Solve.", role="solver", input_type=str, output_type=Solution
    )
    out = await agent.run(QUESTION, AgentContext(model=model, handbook=book))
    assert out.answer == "5/12"
    use = book.last("structured", QUESTION)
    assert use is not None and use.cited == ("behavior_common_denominator_then_reduce",)
    before = {b.name: b.cited for b in await list_behaviors(store, "math")}
    assert before["behavior_common_denominator_then_reduce"] == 0  # the caller counts
    await book.record_outcome(use, 1.0)
    await book.record_outcome(use, 0.0)
    after = {b.name: b for b in await list_behaviors(store, "math")}
    kept = after["behavior_common_denominator_then_reduce"]
    assert (kept.cited, kept.outcome_mean) == (2, 0.5)


def test_guidance_lists_each_behaviour_and_is_none_without_any() -> None:
    text = render_guidance("math", BEHAVIORS[:2])
    assert isinstance(text, str)
    assert text.count("\n- behavior_") == 2 and '"math"' in text
    assert render_guidance("math", []) is None


NAMES = st.lists(
    st.from_regex(r"behavior_[a-z]{1,6}(_[a-z0-9]{1,4}){0,2}", fullmatch=True),
    min_size=1,
    max_size=6,
    unique=True,
)


@given(NAMES, st.data())
def test_citations_are_the_offered_names_in_order_of_first_mention(
    names: list[str], data: st.DataObject
) -> None:
    offered = names[: max(1, len(names) // 2)]
    others = names[len(offered) :]
    mentioned = data.draw(st.lists(st.sampled_from(names), max_size=10))
    filler = data.draw(
        st.lists(st.sampled_from(["x", "so", "(", ")", ",", "=", "1/2"]), min_size=11, max_size=11)
    )
    text = " ".join(f"{f} {m}" for f, m in zip(filler, [*mentioned, ""], strict=False))
    cited, unknown = parse_citations(text, offered)
    assert cited == [m for m in dict.fromkeys(mentioned) if m in offered]
    assert unknown == [m for m in dict.fromkeys(mentioned) if m in others]


def test_british_spelling_and_json_text_count_as_citations() -> None:
    cited, unknown = parse_citations(
        '{"steps": "by behaviour_x_y, then behavior_z."}', ["behavior_x_y", "behavior_z"]
    )
    assert (cited, unknown) == (["behavior_x_y", "behavior_z"], [])


async def test_a_graph_given_a_handbook_in_its_context_conditions_every_node(
    store: Store,
) -> None:
    """Two agents, two nodes, neither agent holding a handbook: the one in
    the run's AgentContext reaches both, and both cite."""
    from langgraph.graph import END, START, StateGraph

    from ethos.graphs.runtime import GraphRuntime

    await add_behaviors(store, "math", BEHAVIORS, embedder=None)
    seen: list[list[dict[str, Any]]] = []
    model = register_script("hb-citer-graph", citing_script(seen))
    first, second = (
        solver(),
        Agent("checker", instructions="Check the sum.", role="checker", input_type=str),
    )

    def node(agent: Agent[str, str]) -> Any:
        async def run(state: State, runtime: Any) -> State:
            return {"answers": [await agent.run(QUESTION, runtime.context)]}

        return run

    builder = StateGraph(State, context_schema=AgentContext)
    builder.add_node("solve", node(first))
    builder.add_node("check", node(second))
    builder.add_edge(START, "solve")
    builder.add_edge("solve", "check")
    builder.add_edge("check", END)
    book = BehaviorHandbook(store, "math", k=1, embedder=None)
    async with await GraphRuntime.open(store=store) as runtime:
        graph = runtime.compile(builder, name="conditioned")
        done = await runtime.run(
            graph, {"answers": []}, thread_id="g1", context=AgentContext(model=model, handbook=book)
        )
    assert len(seen) == 2
    assert all("behavior_common_denominator_then_reduce" in m[0]["content"] for m in seen)
    assert all(a.startswith("Using behavior_") for a in done.output["answers"])
    counts = {b.name: b.cited for b in await list_behaviors(store, "math")}
    assert counts["behavior_common_denominator_then_reduce"] == 2
