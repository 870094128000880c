"""The harness's cost per sample, and its throughput against a bare loop.

1. Overhead: a task of N samples whose solver makes one call to a
   zero-latency scripted model, stored in a SQLite file: samples per second,
   and the milliseconds per sample the harness adds to the same calls made
   in a bare asyncio loop (goal: under 2 ms).
2. Throughput: 1,000 samples against a loopback OpenAI-compatible server
   with 50 ms latency at --max-connections 64, against a bare asyncio loop
   of litellm calls at the same concurrency, in the same run (goal: at least
   0.7 of the bare loop).

    python benchmarks/eval_harness.py [--overhead-samples 2000] [--samples 1000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # for tests.support
os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"

from ethos.db.store import Store
from ethos.evals.run import EvalConfig, run_eval
from ethos.evals.task import Arm, Sample, Score, SolverContext, Task, scorer
from ethos.models import acomplete
from ethos.models.providers import load_litellm
from ethos.settings import load_settings
from tests.support.openai_server import FakeOpenAI


@scorer("exact")
def exact(sample: Sample, output: str, ctx: SolverContext) -> Score:
    return Score(value=output == sample.target)


async def solver(sample: Sample, ctx: SolverContext) -> str:
    return (await ctx.complete(str(sample.input))).text


def make_task(n: int) -> Task:
    samples = [Sample(id=f"s{i}", input=str(i), target=str(i)) for i in range(n)]
    return Task(name="bench", samples=samples, solver=solver, scorers=[exact])


async def harness(store: Store, n: int, arm: Arm, connections: int) -> float:
    config = EvalConfig(task="bench", arms=[arm], max_connections=connections, seed=n)
    start = time.perf_counter()
    result = await run_eval(
        config, store=store, task=make_task(n), progress=False, settings=load_settings()
    )
    assert result.succeeded == n, result
    return time.perf_counter() - start


async def bare(n: int, model: str, connections: int, **kw: object) -> float:
    litellm = load_litellm()
    slots = asyncio.Semaphore(connections)

    async def one(i: int) -> None:
        async with slots:
            await litellm.acompletion(
                model=model, messages=[{"role": "user", "content": str(i)}], num_retries=0, **kw
            )

    start = time.perf_counter()
    await asyncio.gather(*(one(i) for i in range(n)))
    return time.perf_counter() - start


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--overhead-samples", type=int, default=2000)
    parser.add_argument("--samples", type=int, default=1000)
    ns = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = await Store.open(f"sqlite:///{Path(tmp) / 'bench.db'}")
        try:
            await acomplete("script/echo", "warm")
            n = ns.overhead_samples
            ours = await harness(store, n, Arm(name="a", model="script/echo"), 16)
            theirs = await bare(n, "script/echo", 16)
            print(
                json.dumps(
                    {
                        "bench": "eval_harness",
                        "figure": "harness_overhead_ms_per_sample_scripted",
                        # what the harness adds to each sample: time per sample
                        # minus the bare loop's time for the same model call
                        "value": round((ours - theirs) / n * 1000, 3),
                        "unit": "ms/sample",
                        "samples_per_s": round(n / ours, 1),
                        "ms_per_sample_total": round(ours / n * 1000, 3),
                        "anchor": "bare asyncio loop of the same litellm calls (ms/sample)",
                        "anchor_value": round(theirs / n * 1000, 3),
                        "ratio": round(ours / theirs, 2),
                        "goal": "overhead < 2 ms/sample",
                    }
                ),
                flush=True,
            )
            with FakeOpenAI(latency_s=0.05) as server:
                n = ns.samples
                arm = Arm(name="http", model="openai/fake", options={"api_base": server.base_url})
                ours = await harness(store, n, arm, 64)
                theirs = await bare(
                    n, "openai/fake", 64, api_base=server.base_url, api_key="no-key"
                )
            print(
                json.dumps(
                    {
                        "bench": "eval_harness",
                        "figure": "samples_per_s_loopback_50ms_64_connections",
                        "value": round(n / ours, 1),
                        "unit": "samples/s",
                        "anchor": "bare asyncio loop of litellm calls, same concurrency",
                        "anchor_value": round(n / theirs, 1),
                        "ratio": round(theirs / ours, 3),
                        "goal": ">= 0.7",
                    }
                ),
                flush=True,
            )
        finally:
            await store.close()


if __name__ == "__main__":
    asyncio.run(main())
