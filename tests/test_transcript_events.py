"""A sample's transcript beyond model calls: a graph solver's node
boundaries, in order with the calls each node makes, and a game's moves.
Models here are scripts (script/...): test doubles."""

from __future__ import annotations

import operator
from typing import Annotated, Any, TypedDict

import pytest

from ethos.db.store import Store
from ethos.errors import EthosError
from ethos.evals.run import EvalConfig, run_eval
from ethos.evals.task import Arm, Sample, SolverContext, Task
from ethos.models import acomplete, policy
from ethos.models.script import Script, register_script


class Notes(TypedDict, total=False):
    question: str
    notes: Annotated[list[str], operator.add]


def planner_graph() -> Any:
    """Two nodes, each asking the arm's model once."""
    from langgraph.graph import END, START, StateGraph

    async def plan(state: Notes, runtime: Any) -> Notes:
        answer = await acomplete(runtime.context.model, f"plan: {state['question']}")
        return {"notes": [answer.text]}

    async def answer(state: Notes, runtime: Any) -> Notes:
        reply = await acomplete(runtime.context.model, f"answer from {state['notes'][-1]}")
        return {"notes": [reply.text]}

    builder = StateGraph(Notes)
    builder.add_node("plan", plan)
    builder.add_node("answer", answer)
    builder.add_edge(START, "plan")
    builder.add_edge("plan", "answer")
    builder.add_edge("answer", END)
    return builder


async def test_a_graph_solvers_nodes_frame_their_model_calls_in_the_transcript(
    store: Store,
) -> None:
    model = register_script("nodes-echo", Script(lambda r: f"said {r.call_index}"))
    task = Task(
        name="nodes",
        samples=[Sample(id="q", input={"question": "why?", "notes": []})],
        solver=planner_graph(),
        scorers=[],
    )
    config = EvalConfig(task="nodes", arms=[Arm(name="a", model=model)])
    result = await run_eval(config, store=store, task=task, progress=False)
    assert (result.status, result.succeeded) == ("succeeded", 1)
    sample = await store.find_sample(result.run_id, "q")
    events = [e async for e in store.transcript(sample.id)]
    shown = [
        (e.kind, e.data["node"], e.data["phase"])
        if e.kind == "node"
        else (e.kind, e.data["messages"][-1]["content"])
        for e in events
    ]
    assert shown == [
        ("node", "plan", "start"),
        ("model_call", "plan: why?"),
        ("node", "plan", "end"),
        ("node", "answer", "start"),
        ("model_call", "answer from said 0"),
        ("node", "answer", "end"),
    ]


async def test_a_games_samples_transcript_holds_each_round_as_the_output_shows(
    store: Store,
) -> None:
    # Cooperates or defects by the length of what it was shown: mixed moves.
    model = register_script(
        "moves-mixed",
        policy(lambda messages, options: options[sum(len(str(m)) for m in messages) % 2]),
    )
    config = EvalConfig(
        task="games/prisoners_dilemma",
        task_args={"opponents": "tit_for_tat", "rounds": 6, "seats": "row"},
        arms=[Arm(name="mixed", model=model)],
    )
    result = await run_eval(config, store=store, progress=False)
    assert result.succeeded == 1
    (sample,) = await store.samples(result.run_id)
    match = sample.output["match"]
    labels = match["game"]["options"]
    moves = [e.data async for e in store.transcript(sample.id) if e.kind == "move"]
    assert [m["round"] for m in moves] == [1, 2, 3, 4, 5, 6]
    assert [m["moves"] for m in moves] == [[labels[a], labels[b]] for a, b in match["moves"]]
    assert [m["payoffs"] for m in moves] == match["payoffs"]
    assert all(m["players"] == match["players"] for m in moves)
    assert len({tuple(m) for m in match["moves"]}) > 1  # the rounds differ


async def test_a_run_resumed_with_transcripts_off_says_which_samples_have_none(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = register_script("partial-echo", Script(lambda r: "ok"))
    tries = {"b": 0}

    async def solver(sample: Sample, ctx: SolverContext) -> str:
        if sample.id == "b":
            tries["b"] += 1
            if tries["b"] == 1:
                raise RuntimeError("a transient fault")
        return (await ctx.complete(f"hello {sample.id}")).text

    task = Task(
        name="partial",
        samples=[Sample(id="a", input=1), Sample(id="b", input=2)],
        solver=solver,
        scorers=[],
    )
    config = EvalConfig(task="partial", arms=[Arm(name="x", model=model)])
    first = await run_eval(config, store=store, task=task, progress=False)
    assert (first.status, (await store.get_run(first.run_id)).metadata["transcripts"]) == (
        "failed",
        True,
    )
    monkeypatch.setenv("ETHOS_TRANSCRIPTS", "false")
    again = await run_eval(config, store=store, task=task, progress=False)
    assert (again.run_id, again.status) == (first.run_id, "succeeded")
    run = await store.get_run(again.run_id)
    assert run.metadata["transcripts"] == "partial"
    kept = await store.find_sample(run.id, "a")
    assert [e.kind async for e in store.transcript(kept.id)] == ["model_call"]
    lost = await store.find_sample(run.id, "b")
    with pytest.raises(EthosError, match=r"'b' of run .* has no transcript: the run was resumed"):
        [e async for e in store.transcript(lost.id)]


async def test_an_earlier_attempts_events_are_not_the_transcript_of_the_latest(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = register_script("earlier-attempt-echo", Script(lambda r: "ok"))
    tries = {"b": 0}

    async def solver(sample: Sample, ctx: SolverContext) -> str:
        answer = (await ctx.complete(f"hello {sample.id}")).text
        tries["b"] += 1
        if tries["b"] == 1:
            raise RuntimeError("failed after its model call")
        return answer

    task = Task(name="attempts", samples=[Sample(id="b", input=1)], solver=solver, scorers=[])
    config = EvalConfig(task="attempts", arms=[Arm(name="x", model=model)])
    first = await run_eval(config, store=store, task=task, progress=False)
    assert first.status == "failed"
    monkeypatch.setenv("ETHOS_TRANSCRIPTS", "false")
    again = await run_eval(config, store=store, task=task, progress=False)
    assert (again.run_id, again.status) == (first.run_id, "succeeded")
    sample = await store.find_sample(again.run_id, "b")
    assert (sample.status, sample.attempt) == ("succeeded", 2)
    # Attempt 2 (the stored output) kept no text: said so, not attempt 1's call shown.
    with pytest.raises(EthosError, match=r"'b' of run .* has no transcript"):
        [e async for e in store.transcript(sample.id)]
    earlier = [e async for e in store.transcript(sample.id, attempt=1)]
    assert [(e.kind, e.attempt) for e in earlier] == [("model_call", 1)]
