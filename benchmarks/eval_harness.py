"""The harness's cost per sample, and its throughput against a bare loop.

1. Overhead: a task of N samples whose solver makes one call to a
   zero-latency scripted model, stored in a SQLite file: samples per second,
   and the milliseconds per sample the harness adds to the same calls made
   in a bare asyncio loop (goal: under 2 ms).
2. Throughput: 1,000 samples against a loopback OpenAI-compatible server
   with 50 ms latency at --max-connections 64, against a bare asyncio loop
   of litellm calls at the same concurrency, in the same run (goal: at least
   0.7 of the bare loop).
3. Transcripts: a ten-turn conversation per sample with a zero-latency
   scripted model (every cost is ethos', none the model's), run with
   transcripts on and off in the same process, alternating: the throughput
   ratio on/off (goal: at least 0.9), and the bytes stored per sample for
   its transcript (events and parts) against the size of the
   conversation's distinct text (goal: at most 1.5x).

    python benchmarks/eval_harness.py [--overhead-samples 2000] [--samples 1000]
        [--conversations 200] [--only transcripts]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # for tests.support
os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"

from ethos.db.store import Store
from ethos.evals.run import EvalConfig, run_eval
from ethos.evals.task import Arm, Sample, Score, SolverContext, Task, scorer
from ethos.models import acomplete
from ethos.models.providers import load_litellm
from ethos.models.script import Script, register_script
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


TURNS = 10


def words(rng: random.Random, n_chars: int) -> str:
    vocab = ["model", "agent", "plan", "the", "evidence", "answer", "tool", "a", "data", "risk"]
    out: list[str] = []
    while sum(len(w) + 1 for w in out) < n_chars:
        out.append(rng.choice(vocab))
    return " ".join(out)


def conversation_replies() -> Script:
    """Replies of 500 characters, a different one per call (seeded)."""
    rng = random.Random(7)
    pool = [words(rng, 500) for _ in range(997)]
    return Script(lambda r: pool[r.call_index % len(pool)])


async def conversation_solver(sample: Sample, ctx: SolverContext) -> str:
    rng = random.Random(sample.id)
    messages: list[dict[str, Any]] = [{"role": "system", "content": words(rng, 400)}]
    text = ""
    for _ in range(TURNS):
        messages.append({"role": "user", "content": words(rng, 200)})
        text = (await ctx.complete(messages)).text
        messages.append({"role": "assistant", "content": text})
    return text


def conversation_task(n: int, name: str) -> Task:
    samples = [Sample(id=f"c{i}", input=i) for i in range(n)]
    return Task(name=name, samples=samples, solver=conversation_solver, scorers=[])


async def transcripts_run(store: Store, n: int, on: bool, round_: int) -> tuple[float, str]:
    os.environ["ETHOS_TRANSCRIPTS"] = "true" if on else "false"
    model = register_script("bench-conversation", conversation_replies())
    name = f"bench-conversation-{'on' if on else 'off'}-{round_}"
    config = EvalConfig(task=name, arms=[Arm(name="a", model=model)], max_connections=16)
    start = time.perf_counter()
    result = await run_eval(
        config,
        store=store,
        task=conversation_task(n, name),
        progress=False,
        settings=load_settings(),
    )
    assert result.succeeded == n, result
    return time.perf_counter() - start, result.run_id


async def stored_transcript_bytes(store: Store, run_id: str) -> int:
    """What the run's transcript occupies as stored JSON: event payloads and parts."""
    from sqlalchemy import text

    async with store.engine.connect() as conn:
        events = await conn.execute(
            text("SELECT COALESCE(SUM(LENGTH(payload)), 0) FROM events WHERE run_id = :r"),
            {"r": run_id},
        )
        parts = await conn.execute(
            text("SELECT COALESCE(SUM(LENGTH(body)), 0) FROM transcript_parts WHERE run_id = :r"),
            {"r": run_id},
        )
        return int(events.scalar_one()) + int(parts.scalar_one())


def distinct_text_bytes(n: int) -> int:
    """The text of each sample's conversation counted once: the system
    prompt, the ten questions and the ten answers."""
    rng = random.Random(7)
    pool = [words(rng, 500) for _ in range(997)]
    total = 0
    for i in range(n):
        srng = random.Random(f"c{i}")
        total += len(words(srng, 400).encode())
        total += sum(len(words(srng, 200).encode()) for _ in range(TURNS))
    total += sum(len(pool[k % len(pool)].encode()) for k in range(n * TURNS))
    return total


async def transcripts_figures(store: Store, n: int) -> None:
    previous = os.environ.get("ETHOS_TRANSCRIPTS")
    times: dict[bool, list[float]] = {True: [], False: []}
    run_on = ""
    try:
        for round_, on in enumerate([False, True, False, True, True, False]):
            took, run_id = await transcripts_run(store, n, on, round_)
            times[on].append(took)
            if on:
                run_on = run_id
    finally:
        if previous is None:
            os.environ.pop("ETHOS_TRANSCRIPTS", None)
        else:
            os.environ["ETHOS_TRANSCRIPTS"] = previous
    on_s, off_s = min(times[True]), min(times[False])
    print(
        json.dumps(
            {
                "bench": "eval_harness",
                "figure": "samples_per_s_ten_turn_scripted_transcripts_on",
                "value": round(n / on_s, 1),
                "unit": "samples/s",
                "anchor": "the same run with transcripts off (best of 3 each, alternating)",
                "anchor_value": round(n / off_s, 1),
                "ratio": round(off_s / on_s, 3),
                "goal": ">= 0.9",
            }
        ),
        flush=True,
    )
    stored = await stored_transcript_bytes(store, run_on) / n
    distinct = distinct_text_bytes(n) / n
    print(
        json.dumps(
            {
                "bench": "eval_harness",
                "figure": "transcript_bytes_per_sample_ten_turns",
                "value": round(stored),
                "unit": "bytes/sample",
                "anchor": "the conversation's distinct text (system, 10 questions, 10 answers)",
                "anchor_value": round(distinct),
                "ratio": round(stored / distinct, 3),
                "goal": "<= 1.5",
            }
        ),
        flush=True,
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--overhead-samples", type=int, default=2000)
    parser.add_argument("--samples", type=int, default=1000)
    parser.add_argument("--conversations", type=int, default=200)
    parser.add_argument(
        "--only", choices=["transcripts"], help="run only this part (the others take minutes)"
    )
    ns = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = await Store.open(f"sqlite:///{Path(tmp) / 'bench.db'}")
        try:
            await acomplete("script/echo", "warm")
            if ns.only == "transcripts":
                await transcripts_figures(store, ns.conversations)
                return
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
            await transcripts_figures(store, ns.conversations)
        finally:
            await store.close()


if __name__ == "__main__":
    asyncio.run(main())
