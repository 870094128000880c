"""How late the event loop wakes while the tiny local model generates.

A service that embeds the local model shares its event loop with every
request it serves; generation must run off the loop (the host's worker
thread), or a health check waits for a whole generation. A ticker coroutine
sleeps 10 ms in a loop and records how late each wake-up is. Under load,
``--concurrent`` requests of ``--max-tokens`` tokens go through
``ethos.models.acomplete("local/...")`` at once; the anchor is the same
ticker for the same time with nothing else running. Phases alternate
(load, idle, load, idle, ...) in one run. Figures: max and p99 lag in ms.
Goal: under 50 ms (an absolute bound: the anchor is near zero, so the ratio
only says how much worse than an idle loop).

    python benchmarks/event_loop_lag.py [--arch olmoe] [--concurrent 8] [--max-tokens 128]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"

from ethos.models import acomplete
from ethos.models.local.tiny import ARCHITECTURES, build_tiny
from ethos.settings import load_settings

TICK_S = 0.010


async def ticker(stop: asyncio.Event, lags: list[float]) -> None:
    while not stop.is_set():
        start = time.perf_counter()
        await asyncio.sleep(TICK_S)
        lags.append(time.perf_counter() - start - TICK_S)


async def generate(model: str, ns: argparse.Namespace, settings) -> tuple[int, float]:
    """The load: ``ns.concurrent`` requests at once; (tokens, seconds)."""
    start = time.perf_counter()
    completions = await asyncio.gather(
        *(
            acomplete(
                model,
                [{"role": "user", "content": f"Round {i}: cooperate or defect, and why?"}],
                max_tokens=ns.max_tokens,
                settings=settings,
            )
            for i in range(ns.concurrent)
        )
    )
    return sum(c.usage.output_tokens for c in completions), time.perf_counter() - start


async def phase(load, seconds: float | None) -> tuple[list[float], object]:
    """Run the ticker beside ``load`` (or alone for ``seconds``)."""
    stop, lags = asyncio.Event(), []
    tick = asyncio.create_task(ticker(stop, lags))
    await asyncio.sleep(0)  # the ticker starts before the load
    result = await load if load is not None else await asyncio.sleep(seconds)
    stop.set()
    await tick
    return lags, result


def p99(values: list[float]) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[98]


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--arch", default="olmoe", choices=ARCHITECTURES)
    parser.add_argument("--concurrent", type=int, default=8)
    parser.add_argument("--max-tokens", type=int, default=128)
    parser.add_argument("--repeats", type=int, default=20)
    ns = parser.parse_args()
    settings = load_settings()
    with tempfile.TemporaryDirectory() as tmp:
        path = build_tiny(Path(tmp) / ns.arch, ns.arch)
        model = f"local/{path}"
        await acomplete(model, [{"role": "user", "content": "warm up"}], max_tokens=8)
        idle: list[float] = []
        loaded: list[float] = []
        tokens, seconds = 0, 0.0
        for _ in range(ns.repeats):
            lags, (n, s) = await phase(generate(model, ns, settings), None)
            loaded += lags
            tokens, seconds = tokens + n, seconds + s
            lags, _ = await phase(None, s)
            idle += lags
    common = {
        "unit": "ms",
        "goal": "< 50",
        "anchor": "the same 10 ms ticker on an idle loop, as long",
        "model": f"tiny {ns.arch}, local (worker thread)",
        "concurrent": ns.concurrent,
        "max_tokens": ns.max_tokens,
        "tokens_generated": tokens,
        "tokens_per_s": round(tokens / seconds, 1),
        "ticks": len(loaded),
        "anchor_ticks": len(idle),
        "repeats": ns.repeats,
        # Other processes on the machine delay the idle ticker too: read the
        # figures against the anchor and the load the machine carried.
        "loadavg_1m_end": round(os.getloadavg()[0], 2),
    }
    for figure, fn in (("max_lag", max), ("p99_lag", p99)):
        value, anchor = fn(loaded) * 1e3, fn(idle) * 1e3
        record = {
            "bench": "event_loop_lag",
            "figure": f"{figure}_during_generation",
            "value": round(value, 2),
            "anchor_value": round(anchor, 2),
            "ratio": round(value / anchor, 2) if anchor > 0 else None,
        }
        print(json.dumps({**record, **common}), flush=True)


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
