"""What the graph runtime costs on top of the same graph on bare LangGraph.

A 10-node linear graph; every node makes one call to the zero-latency
scripted model ``script/echo``, so nothing but framework work is timed (the
worst case for relative overhead). Each run is a new thread; runs are
sequential and interleaved one by one (ours, theirs, theirs, ours, ...), so
a shared machine's load falls on both sides alike; the figure is the median
seconds per graph run, the ratio ethos / bare. ``cpu_ratio`` compares
process CPU time per run (all threads), which load on other processes does
not inflate. Goal: at most 1.2.

- ethos: ``GraphRuntime.compile`` with the store's SQLite checkpointer,
  ``runtime.run`` (typed events, ``durability="sync"``, the thread's state
  read before and after), an ``Agent`` per node, calls through the gateway.
- bare (the anchor): ``builder.compile(checkpointer=AsyncSqliteSaver)`` on
  its own SQLite file, ``graph.ainvoke`` with LangGraph's defaults, nodes
  calling ``litellm.acompletion`` directly: what a user would write without
  ethos. That ratio charges ethos with everything it adds (runtime, Agent,
  gateway), so it is the headline.

Further figures take the comparison apart: ``same_durability`` (the bare
graph run with ``durability="sync"`` too: each checkpoint written before the
next step, which is what lets ethos continue a thread after a crash, where
LangGraph's default writes it alongside the next step), ``vs_bare_gateway``
(the bare graph with nodes calling ``ethos.models.acomplete``, so the ratio
is the runtime plus the Agent alone), and ``no_checkpointer`` (both graphs compiled
without a saver and invoked directly: the Agent and the gateway per node,
no runtime at all, since ``GraphRuntime`` always checkpoints).

``same_storage`` gives the bare saver ethos' SQLite settings (WAL,
synchronous=NORMAL: a killed process loses nothing, a power cut may lose
the last steps) and sync durability: the like-for-like comparison. With
LangGraph's default connection (rollback journal, synchronous=FULL)
SQLite pays an fsync per checkpoint on a disk; ``--dir /dev/shm`` (tmpfs)
takes the disk out and leaves framework work alone.

    python benchmarks/runtime_overhead.py [--runs 300] [--dir /dev/shm]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import operator
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, Any, TypedDict

os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"

import aiosqlite
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver
from langgraph.graph import END, START, StateGraph

from ethos.agents import Agent, AgentContext
from ethos.db.store import Store
from ethos.graphs.runtime import GraphRuntime
from ethos.models import acomplete
from ethos.models.providers import load_litellm
from ethos.settings import load_settings

NODES = 10
MODEL = "script/echo"


class Relay(TypedDict):
    text: str
    hops: Annotated[list[str], operator.add]


def linear(node: Callable[[str], Callable[..., Awaitable[dict]]], *, context: bool) -> StateGraph:
    builder = StateGraph(Relay, context_schema=AgentContext if context else None)
    previous = START
    for i in range(NODES):
        name = f"n{i}"
        builder.add_node(name, node(name))
        builder.add_edge(previous, name)
        previous = name
    builder.add_edge(previous, END)
    return builder


def ethos_node(name: str) -> Callable[..., Awaitable[dict]]:
    agent = Agent(name, instructions="Pass it on.", role="relay", input_type=str, output_type=str)

    async def node(state: Relay, runtime: Any) -> dict:
        text = await agent.run(state["text"], runtime.context)
        return {"text": text, "hops": [name]}

    return node


def litellm_node(name: str) -> Callable[..., Awaitable[dict]]:
    litellm = load_litellm()

    async def node(state: Relay) -> dict:
        response = await litellm.acompletion(
            model=MODEL,
            messages=[
                {"role": "system", "content": "Pass it on."},
                {"role": "user", "content": state["text"]},
            ],
            num_retries=0,
        )
        return {"text": response.choices[0].message.content, "hops": [name]}

    return node


def gateway_node(name: str) -> Callable[..., Awaitable[dict]]:
    settings = load_settings()

    async def node(state: Relay) -> dict:
        completion = await acomplete(
            MODEL,
            [
                {"role": "system", "content": "Pass it on."},
                {"role": "user", "content": state["text"]},
            ],
            settings=settings,
        )
        return {"text": completion.text, "hops": [name]}

    return node


INPUT: Relay = {"text": "cooperate this round?", "hops": []}


def check(output: Any) -> None:
    assert output["text"] == INPUT["text"] and len(output["hops"]) == NODES, output


async def timed(run_once: Callable[[], Awaitable[Any]]) -> tuple[float, float]:
    """Wall and CPU seconds (all threads: aiosqlite's included) of one run."""
    wall, cpu = time.perf_counter(), time.process_time()
    check(await run_once())
    return time.perf_counter() - wall, time.process_time() - cpu


def thread() -> dict:
    return {"configurable": {"thread_id": uuid.uuid4().hex}}


async def compare(
    figure: str,
    anchor: str,
    ours: Callable[[], Awaitable[Any]],
    theirs: Callable[[], Awaitable[Any]],
    ns: argparse.Namespace,
) -> dict:
    for _ in range(5):  # warm both paths
        await timed(ours)
        await timed(theirs)
    ours_t: list[tuple[float, float]] = []
    theirs_t: list[tuple[float, float]] = []
    for i in range(ns.runs):  # one run each, in alternating order
        pair = [(ours, ours_t), (theirs, theirs_t)]
        for run_once, into in pair if i % 2 else reversed(pair):
            into.append(await timed(run_once))
    value = statistics.median(w for w, _ in ours_t)
    anchor_value = statistics.median(w for w, _ in theirs_t)
    cpu = statistics.median(c for _, c in ours_t) / statistics.median(c for _, c in theirs_t)
    return {
        "bench": "runtime_overhead",
        "figure": f"seconds_per_run_{figure}",
        "value": round(value, 6),
        "unit": "s/run",
        "anchor": anchor,
        "anchor_value": round(anchor_value, 6),
        "ratio": round(value / anchor_value, 3),
        "goal": "<= 1.2",
        "per_node_overhead_ms": round((value - anchor_value) / NODES * 1e3, 3),
        "nodes": NODES,
        "model": f"{MODEL} (scripted, zero latency)",
        "cpu_ratio": round(cpu, 3),
        "mean_ratio": round(
            statistics.fmean(w for w, _ in ours_t) / statistics.fmean(w for w, _ in theirs_t), 3
        ),
        "runs_each": ns.runs,
        "storage": ns.storage,
    }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=300, help="graph runs on each side")
    parser.add_argument(
        "--dir", default=None, help="where the SQLite files go (default: the temp directory)"
    )
    ns = parser.parse_args()
    ns.storage = _filesystem(ns.dir or tempfile.gettempdir())
    # Settings loaded once, as a service does (without them the gateway reads
    # the environment and ethos.toml on every call).
    ctx = AgentContext(model=MODEL, settings=load_settings())
    with tempfile.TemporaryDirectory(dir=ns.dir) as tmp:
        store = await Store.open(f"sqlite:///{Path(tmp) / 'ethos.db'}")
        try:
            async with (
                await GraphRuntime.open(store=store) as runtime,
                AsyncSqliteSaver.from_conn_string(str(Path(tmp) / "bare.db")) as saver,
                aiosqlite.connect(str(Path(tmp) / "bare-wal.db")) as wal,
            ):
                # The same storage settings ethos gives its checkpointer.
                await wal.execute("PRAGMA journal_mode = WAL")
                await wal.execute("PRAGMA synchronous = NORMAL")
                wal_saver = AsyncSqliteSaver(wal)
                ethos_graph = runtime.compile(linear(ethos_node, context=True))
                bare = linear(litellm_node, context=False).compile(checkpointer=saver)
                bare_wal = linear(litellm_node, context=False).compile(checkpointer=wal_saver)
                bare_gw = linear(gateway_node, context=False).compile(checkpointer=saver)

                async def ours() -> Any:
                    outcome = await runtime.run(
                        ethos_graph, INPUT, thread_id=uuid.uuid4().hex, context=ctx
                    )
                    return outcome.output

                sqlite = "bare LangGraph, AsyncSqliteSaver on its own SQLite file, ainvoke"
                figures = [
                    (
                        "sqlite",
                        f"{sqlite}, nodes call litellm.acompletion directly",
                        lambda: bare.ainvoke(INPUT, thread()),
                    ),
                    (
                        "sqlite_same_durability",
                        f"{sqlite} with durability='sync' (as ethos runs), nodes call "
                        "litellm.acompletion directly",
                        lambda: bare.ainvoke(INPUT, thread(), durability="sync"),
                    ),
                    (
                        "sqlite_same_storage",
                        f"{sqlite} in WAL mode with synchronous=NORMAL and durability='sync' "
                        "(ethos' settings), nodes call litellm.acompletion directly",
                        lambda: bare_wal.ainvoke(INPUT, thread(), durability="sync"),
                    ),
                    (
                        "sqlite_vs_bare_gateway",
                        f"{sqlite}, nodes call ethos.models.acomplete (runtime + Agent only)",
                        lambda: bare_gw.ainvoke(INPUT, thread()),
                    ),
                ]
                for figure, anchor, theirs in figures:
                    print(json.dumps(await compare(figure, anchor, ours, theirs, ns)), flush=True)

            plain_ethos = linear(ethos_node, context=True).compile()
            plain_bare = linear(litellm_node, context=False).compile()
            print(
                json.dumps(
                    await compare(
                        "no_checkpointer",
                        "bare LangGraph without a saver, nodes call litellm.acompletion; "
                        "ours: the same without a saver, an Agent per node (no GraphRuntime)",
                        lambda: plain_ethos.ainvoke(INPUT, context=ctx),
                        lambda: plain_bare.ainvoke(INPUT),
                        ns,
                    )
                ),
                flush=True,
            )
        finally:
            await store.close()


def _filesystem(path: str) -> str:
    """The file system type under ``path`` (tmpfs makes fsync free)."""
    best, kind = "", "unknown"
    with open("/proc/mounts") as mounts:
        for line in mounts:
            _, point, fstype, *_ = line.split()
            if os.path.realpath(path).startswith(point) and len(point) > len(best):
                best, kind = point, fstype
    return f"{kind} ({path})"


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
