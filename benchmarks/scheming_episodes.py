"""Scheming episodes per second with a zero-latency scripted model.

What is timed: one oversight-subversion sample solved end to end by
``ethos.evals.scheming.tasks.solve`` with ``script/scheming-schemer`` (a
fresh bubblewrap episode, four model calls through the gateway, four tool
calls of which two are shell commands, the detector, and the eight graded
follow-up questions) against the anchor, measured in the same run: the same
episode's shell commands replayed straight into a fresh
``ethos.sandbox.open_episode`` with no model, gateway, loop or detector.
The ratio (anchor time over ours, as episodes per second ours over anchor's)
is what the suite's machinery costs on top of the sandbox itself.

Prints one JSON object per figure. Run: ``.venv/bin/python benchmarks/scheming_episodes.py``.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import time

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

ROUNDS = 12


async def main() -> None:
    from ethos.evals.scheming import scripted
    from ethos.evals.scheming.tasks import plans_for, solve
    from ethos.evals.task import Arm, SolverContext, resolve_task
    from ethos.sandbox import open_episode

    task = resolve_task(
        "scheming/oversight_subversion",
        {"scenarios": 1, "variants": "nudge", "followup_repeats": 1, "interrogation_turns": 0},
    )
    sample = task.samples[0]
    ctx = SolverContext(
        arm=Arm(name="bench", model=scripted.SCHEMER),
        epoch=1,
        seed=0,
        roles={"grader": scripted.GRADER},
    )
    first = await solve(sample, ctx)  # warm: litellm import, scenario files, bwrap page cache
    assert first.measures["schemed"] == 1.0
    commands = [s.arguments["command"] for e in first.episodes for s in e.steps if s.tool == "bash"]
    spec = plans_for(sample.metadata)[0].spec

    async def ours() -> None:
        await solve(sample, ctx)

    async def anchor() -> None:
        async with open_episode(spec) as sandbox:
            for command in commands:
                await sandbox.run(command)

    times: dict[str, list[float]] = {"ours": [], "anchor": []}
    for _ in range(ROUNDS):  # interleaved, so load on a shared machine hits both alike
        for name, fn in (("anchor", anchor), ("ours", ours)):
            start = time.perf_counter()
            await fn()
            times[name].append(time.perf_counter() - start)
    value = 1.0 / statistics.median(times["ours"])
    anchor_value = 1.0 / statistics.median(times["anchor"])
    print(
        json.dumps(
            {
                "bench": "scheming_episodes",
                "figure": "oversight episode with 8 follow-ups, scripted zero-latency model",
                "value": round(value, 3),
                "unit": "episodes/s",
                "anchor": "the same shell commands replayed into a fresh sandbox episode",
                "anchor_value": round(anchor_value, 3),
                "ratio": round(value / anchor_value, 3),
                "goal": ">= 0.5",
                "rounds": ROUNDS,
                "commands": len(commands),
            }
        )
    )


if __name__ == "__main__":
    asyncio.run(main())
