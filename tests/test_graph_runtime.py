"""The graph runtime: checkpointed runs by thread id on SQLite and
PostgreSQL, typed events, interrupts, limits, cancellation, bad input."""

from __future__ import annotations

import asyncio
import operator
from typing import Annotated, TypedDict

import pytest
from langgraph.graph import END, START, StateGraph
from langgraph.types import interrupt

from ethos.graphs.events import EVENT_ADAPTER, Finished, Interrupted, NodeFinished, NodeStarted
from ethos.graphs.runtime import (
    GraphDefinitionError,
    GraphError,
    GraphLimitError,
    GraphRuntime,
    ThreadBusyError,
    ThreadNotFoundError,
)


class Trail(TypedDict, total=False):
    visited: Annotated[list[str], operator.add]
    answer: str


def chain(names: list[str], *, block: asyncio.Event | None = None) -> StateGraph:
    builder = StateGraph(Trail)

    def node(name: str):
        async def visit(state: Trail) -> Trail:
            if block is not None and name == names[-1]:
                await block.wait()
            return {"visited": [name]}

        return visit

    previous = START
    for name in names:
        builder.add_node(name, node(name))
        builder.add_edge(previous, name)
        previous = name
    builder.add_edge(previous, END)
    return builder


@pytest.fixture
async def runtime(store):
    async with await GraphRuntime.open(store=store) as opened:
        yield opened


async def test_a_run_streams_typed_events_and_finishes(runtime: GraphRuntime) -> None:
    graph = runtime.compile(chain(["a", "b", "c"]), name="abc")
    events = [e async for e in runtime.stream(graph, {"visited": []}, thread_id="t1")]
    started = [e.node for e in events if isinstance(e, NodeStarted)]
    finished = [e for e in events if isinstance(e, NodeFinished)]
    assert started == ["a", "b", "c"]
    assert [e.node for e in finished] == ["a", "b", "c"]
    assert finished[0].update == {"visited": ["a"]}
    assert isinstance(events[-1], Finished)
    assert events[-1].output == {"visited": ["a", "b", "c"]}
    for event in events:  # every event survives JSON, for a service to relay
        assert EVENT_ADAPTER.validate_json(event.model_dump_json()) == event
    state = await runtime.state(graph, "t1")
    assert state.finished and state.values == {"visited": ["a", "b", "c"]}


async def test_threads_are_independent_and_checkpointed_in_the_store(
    runtime: GraphRuntime,
) -> None:
    graph = runtime.compile(chain(["a", "b"]))
    one, two = await asyncio.gather(
        runtime.run(graph, {"visited": ["x"]}, thread_id="one"),
        runtime.run(graph, {"visited": ["y"]}, thread_id="two"),
    )
    assert one.output == {"visited": ["x", "a", "b"]}
    assert two.output == {"visited": ["y", "a", "b"]}
    # A second runtime on the same database sees the checkpoints.
    async with await GraphRuntime.open(store=runtime.store) as again:
        state = await again.state(again.compile(chain(["a", "b"])), "one")
    assert state.values["visited"] == ["x", "a", "b"]


async def test_interrupt_then_resume_with_the_answer(runtime: GraphRuntime) -> None:
    builder = StateGraph(Trail)

    async def ask(state: Trail) -> Trail:
        reply = interrupt({"question": "does 'adults' mean aged 18+?"})
        return {"answer": reply, "visited": ["ask"]}

    async def after(state: Trail) -> Trail:
        return {"visited": ["after"]}

    builder.add_node("ask", ask)
    builder.add_node("after", after)
    builder.add_edge(START, "ask")
    builder.add_edge("ask", "after")
    builder.add_edge("after", END)
    graph = runtime.compile(builder)

    paused = await runtime.run(graph, {"visited": []}, thread_id="hitl")
    assert not paused.finished
    assert paused.interrupts[0].value == {"question": "does 'adults' mean aged 18+?"}
    with pytest.raises(GraphError, match="waits for an answer"):
        await runtime.run(graph, {"visited": []}, thread_id="hitl")

    events = [e async for e in runtime.stream(graph, thread_id="hitl", answer="yes")]
    assert not any(isinstance(e, Interrupted) for e in events)
    done = await runtime.state(graph, "hitl")
    assert done.values == {"visited": ["ask", "after"], "answer": "yes"}


async def test_an_unfinished_thread_continues_from_its_checkpoint(runtime: GraphRuntime) -> None:
    gate = asyncio.Event()
    graph = runtime.compile(chain(["a", "b", "slow"], block=gate))
    with pytest.raises(GraphLimitError, match="timeout"):
        await runtime.run(graph, {"visited": []}, thread_id="t", timeout=0.5)
    state = await runtime.state(graph, "t")
    assert state.next_nodes == ["slow"] and state.values["visited"] == ["a", "b"]

    gate.set()
    outcome = await runtime.run(graph, {"visited": ["ignored"]}, thread_id="t")
    assert outcome.resumed
    assert outcome.output == {"visited": ["a", "b", "slow"]}  # a and b not redone


async def test_cancelling_the_consumer_cancels_the_run(runtime: GraphRuntime) -> None:
    gate = asyncio.Event()
    graph = runtime.compile(chain(["a", "slow"], block=gate))
    task = asyncio.create_task(runtime.run(graph, {"visited": []}, thread_id="c"))
    for _ in range(100):
        await asyncio.sleep(0.02)
        if (await runtime.state(graph, "c")).next_nodes == ["slow"]:
            break
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    gate.set()
    outcome = await runtime.run(graph, None, thread_id="c")
    assert outcome.output == {"visited": ["a", "slow"]}


async def test_a_loop_hits_the_recursion_limit_with_a_clear_error(runtime: GraphRuntime) -> None:
    builder = StateGraph(Trail)
    builder.add_node("spin", lambda state: {"visited": ["spin"]})
    builder.add_edge(START, "spin")
    builder.add_conditional_edges("spin", lambda state: "spin")
    graph = runtime.compile(builder, recursion_limit=7)
    assert runtime.recursion_limit(graph) == 7
    with pytest.raises(GraphLimitError, match=r"after 7 steps.*recursion_limit= \(now 7\)"):
        await runtime.run(graph, {"visited": []}, thread_id="loop")


def test_the_default_limit_fits_the_graph(runtime: GraphRuntime) -> None:
    small = runtime.compile(chain(["a"]))
    large = runtime.compile(chain([f"n{i}" for i in range(20)]))
    assert runtime.recursion_limit(small) == 25
    assert runtime.recursion_limit(large) == 60


def test_an_edge_to_an_unknown_node_is_refused_at_compile(runtime: GraphRuntime) -> None:
    builder = chain(["a", "b"])
    builder.add_edge("b", "reprot")
    with pytest.raises(GraphDefinitionError, match=r"reprot.*nodes: a, b"):
        runtime.compile(builder, name="typo")


async def test_an_unknown_thread_is_named(runtime: GraphRuntime) -> None:
    graph = runtime.compile(chain(["a"]))
    with pytest.raises(ThreadNotFoundError, match="no graph thread 'nope'"):
        await runtime.state(graph, "nope")
    with pytest.raises(ThreadNotFoundError, match="'nope'"):
        await runtime.resume(graph, "nope", "yes")
    with pytest.raises(GraphError, match="no input"):
        await runtime.run(graph, None, thread_id="nope")


@pytest.mark.postgres
async def test_postgres_setup_needs_one_connection(pg_url: str, monkeypatch) -> None:
    """The checkpointer's tables are set up on the connection that holds the
    setup lock: a pool that cannot open a second connection (a server out
    of connections) still opens, instead of waiting with the lock held."""
    import ethos.graphs.runtime as runtime_module

    monkeypatch.setattr(runtime_module, "PG_POOL_MAX_SIZE", 1)
    async with asyncio.timeout(20):
        async with await GraphRuntime.open(database_url=pg_url) as runtime:
            graph = runtime.compile(chain(["a"]))
            outcome = await runtime.run(graph, {"visited": []}, thread_id="t")
    assert outcome.output == {"visited": ["a"]}


@pytest.mark.postgres
async def test_runtimes_opened_at_once_on_a_fresh_schema_all_open(pg_url: str) -> None:
    """Workers starting together (a Ray executor's actors) each open a
    runtime on a database whose checkpointer is not set up yet. Waiting in
    pg_advisory_lock while the holder ran CREATE INDEX CONCURRENTLY was a
    deadlock PostgreSQL broke by failing an opener; now every one opens and
    runs a graph."""
    from ethos.db.store import Store

    await (await Store.open(pg_url)).close()  # the store's own tables: not what races here

    async def open_and_run(i: int) -> dict:
        async with await GraphRuntime.open(database_url=pg_url) as runtime:
            graph = runtime.compile(chain([f"n{i}"]))
            return (await runtime.run(graph, {"visited": []}, thread_id=f"t{i}")).output

    async with asyncio.timeout(60):
        outputs = await asyncio.gather(*(open_and_run(i) for i in range(5)))
    assert outputs == [{"visited": [f"n{i}"]} for i in range(5)]


async def test_a_second_run_on_a_busy_thread_is_refused(runtime: GraphRuntime) -> None:
    gate = asyncio.Event()
    graph = runtime.compile(chain(["a", "slow"], block=gate))
    first = asyncio.create_task(runtime.run(graph, {"visited": ["A"]}, thread_id="busy"))
    await asyncio.sleep(0.2)
    with pytest.raises(ThreadBusyError, match="'busy' already has a run in flight"):
        await runtime.run(graph, {"visited": ["B"]}, thread_id="busy")
    gate.set()
    assert (await first).output == {"visited": ["A", "a", "slow"]}  # its own input, once
    again = await runtime.run(graph, {"visited": ["C"]}, thread_id="busy")  # free again
    assert again.output["visited"][-3:] == ["C", "a", "slow"]
