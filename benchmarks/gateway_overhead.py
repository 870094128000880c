"""What the gateway costs on top of a direct litellm call to the same provider.

Two providers: a loopback OpenAI-compatible server (the realistic case: an
HTTP round trip per call) and the script provider (zero model latency: the
worst case for relative overhead). Calls are sequential, repetitions
interleaved; the figure is mean seconds per call, the ratio gateway/direct.
Goal: at most 1.05.

    python benchmarks/gateway_overhead.py [--calls 300] [--repeats 5]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # for tests.support
os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"

from ethos.models import acomplete
from ethos.models.providers import load_litellm
from ethos.settings import load_settings
from tests.support.openai_server import FakeOpenAI

MESSAGES = [{"role": "user", "content": "Cooperate or defect this round?"}]


async def direct(litellm, model: str, calls: int, extra: dict) -> float:
    start = time.perf_counter()
    for _ in range(calls):
        await litellm.acompletion(model=model, messages=MESSAGES, num_retries=0, **extra)
    return (time.perf_counter() - start) / calls


async def gateway(model: str, calls: int, args: dict, settings) -> float:
    start = time.perf_counter()
    for _ in range(calls):
        await acomplete(model, MESSAGES, model_args=args, settings=settings)
    return (time.perf_counter() - start) / calls


async def measure(name: str, model: str, args: dict, extra: dict, ns: argparse.Namespace) -> dict:
    litellm = load_litellm()
    settings = load_settings()
    await direct(litellm, model, 20, extra)  # warm both paths
    await gateway(model, 20, args, settings)
    ours, theirs = [], []
    for _ in range(ns.repeats):
        theirs.append(await direct(litellm, model, ns.calls, extra))
        ours.append(await gateway(model, ns.calls, args, settings))
    value, anchor = statistics.median(ours), statistics.median(theirs)
    return {
        "bench": "gateway_overhead",
        "figure": f"seconds_per_call_{name}",
        "value": round(value, 6),
        "unit": "s/call",
        "anchor": f"litellm.acompletion direct, same provider ({name})",
        "anchor_value": round(anchor, 6),
        "ratio": round(value / anchor, 3),
        "goal": "<= 1.05",
        "calls": ns.calls,
        "repeats": ns.repeats,
    }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--repeats", type=int, default=5)
    ns = parser.parse_args()
    with FakeOpenAI() as server:
        http = {"api_base": server.base_url, "api_key": "no-key", "timeout": 60}
        print(
            json.dumps(
                await measure(
                    "loopback_http", "openai/fake", {"api_base": server.base_url}, http, ns
                )
            ),
            flush=True,
        )
    print(json.dumps(await measure("script", "script/echo", {}, {}, ns)), flush=True)


if __name__ == "__main__":
    asyncio.run(main())
