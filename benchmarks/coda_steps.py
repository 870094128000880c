"""CODA: environment steps per second, and what the graph costs per step.

``env_steps``: the algebra application replaying every task's reference
actions (each action parsed from its text, stepped, and the success check
run after it, as an episode does), in steps per second; the anchor is the
same sympy operations called directly, with no parsing, workspace or checks.

``graph_step``: seconds per step of whole episodes run through the CODA
graph (``GraphRuntime`` with its SQLite checkpointer written after every
node, ``durability="sync"``; the step events recorded), with the scripted
planner and executor (``script/coda-rules``: zero latency, so only framework
work is timed); the anchor is the bare loop a user would write: the same
planner and executor calls through the gateway and the same environment
steps, in a Python loop with no graph and no checkpoints. Runs alternate
(graph, bare, bare, graph, ...) so load on a shared machine falls on both.

    python benchmarks/coda_steps.py [--episodes 40]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"

from ethos.agents.coda import scripted
from ethos.agents.coda.algebra import AlgebraEnvironment
from ethos.agents.coda.environment import ANSWER, get_task, load_tasks
from ethos.agents.coda.roles import executor_messages, planner_messages, read_planner
from ethos.graphs.coda import CodaContext, run_episode
from ethos.graphs.runtime import GraphRuntime
from ethos.models import acomplete

RULES = scripted.register()


def emit(figure: str, value: float, unit: str, anchor: str, anchor_value: float, goal: str) -> None:
    print(
        json.dumps(
            {
                "bench": "coda_steps",
                "figure": figure,
                "value": value,
                "unit": unit,
                "anchor": anchor,
                "anchor_value": anchor_value,
                "ratio": value / anchor_value if anchor_value else None,
                "goal": goal,
            }
        )
    )


async def env_rate(rounds: int) -> float:
    tasks = load_tasks("algebra")
    steps = 0
    started = time.perf_counter()
    for _ in range(rounds):
        for task in tasks:
            env = AlgebraEnvironment()
            await env.reset(task)
            for text in task.reference:
                if text.startswith(f"{ANSWER} "):
                    action = env.action_space.action(ANSWER, text=text[7:])
                else:
                    action = env.action_space.parse(text)
                await env.step(action)
                steps += 1
    return steps / (time.perf_counter() - started)


def sympy_rate(rounds: int) -> float:
    """The anchor: the reference actions' sympy work, called directly."""
    import sympy

    steps = 0
    started = time.perf_counter()
    for _ in range(rounds):
        for task in load_tasks("algebra"):
            names: dict[str, object] = {
                k: sympy.sympify(v) for k, v in task.setup.get("define", {}).items()
            }
            for text in task.reference:
                verb, *rest = text.split()
                if verb == "define":
                    names[rest[0]] = sympy.sympify(text.split(":=", 1)[1], locals=dict(names))
                elif verb in ("simplify", "expand", "factor"):
                    names[rest[0]] = getattr(sympy, verb)(names[rest[0]])
                elif verb == "differentiate":
                    names[rest[-1]] = sympy.diff(names[rest[0]], sympy.Symbol(rest[2]))
                elif verb == "solve":
                    names[rest[-1]] = sympy.solve(names[rest[0]], sympy.Symbol(rest[2]))
                elif verb == "evaluate":
                    at = text.split(" at ", 1)[1].rsplit(" as ", 1)[0]
                    subs = {sympy.Symbol(k.strip()): sympy.sympify(v) for k, v in
                            (p.split("=") for p in at.split(","))}  # fmt: skip
                    names[rest[-1]] = sympy.simplify(names[rest[0]].subs(subs))
                steps += 1
    return steps / (time.perf_counter() - started)


async def planner(messages: list[dict[str, str]]) -> str:
    return (await acomplete(RULES, messages)).text


async def bare_episode(task_id: str) -> int:
    """The anchor: the same calls and steps in a plain loop."""
    task = get_task("algebra", task_id)
    env = AlgebraEnvironment()
    await env.reset(task)
    steps: list[dict[str, object]] = []
    for index in range(1, task.max_steps + 1):
        observation = await env.observe()
        reply = read_planner(await planner(planner_messages(task, observation, steps)))
        if reply.answer is not None:
            result = await env.step(env.action_space.action(ANSWER, text=reply.answer))
        else:
            messages = executor_messages(env.action_space, observation, reply.thought or "")
            result = await env.step(env.action_space.parse(await planner(messages)))
        steps.append({"index": index, "thought": reply.thought, "action": "x", "error": None})
        if result.done:
            break
    await env.success()
    return len(steps)


async def graph_episode(runtime: GraphRuntime, task_id: str, thread: str) -> int:
    task = get_task("algebra", task_id)
    state = await run_episode(runtime, CodaContext(task, planner, planner), thread_id=thread)
    return len(state["steps"])


async def main(episodes: int) -> None:
    rate, anchor = await env_rate(3), sympy_rate(3)
    emit("env_steps", rate, "steps/s", "sympy calls alone", anchor, "ratio >= 0.2")
    ids = ["alg-17", "alg-22", "alg-15", "alg-07"]
    graph_s: list[float] = []
    bare_s: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'coda.db'}"
        async with await GraphRuntime.open(database_url=url) as runtime:
            await graph_episode(runtime, "alg-02", "warm")
            await bare_episode("alg-02")
            for i in range(episodes):
                task_id = ids[i % len(ids)]
                order = ("graph", "bare") if i % 2 == 0 else ("bare", "graph")
                for side in order:
                    started = time.perf_counter()
                    if side == "graph":
                        n = await graph_episode(runtime, task_id, f"t{i}")
                        graph_s.append((time.perf_counter() - started) / n)
                    else:
                        n = await bare_episode(task_id)
                        bare_s.append((time.perf_counter() - started) / n)
    graph, bare = statistics.median(graph_s), statistics.median(bare_s)
    emit("graph_step", graph, "s/step", "bare loop, same calls", bare, "ratio <= 3")
    emit("graph_overhead", graph - bare, "s/step", "bare loop step", bare, "< 20 ms/step")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episodes", type=int, default=40)
    asyncio.run(main(parser.parse_args().episodes))
