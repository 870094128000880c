"""Inventory administrations per second: answered through ``choices`` versus
generating free text and parsing a rating out of it.

One administration is the personality suite's inventory (50 items, each its
own request, no earlier items in context). Both ways go through the gateway
(``ethos.models.acomplete``) to the same loaded local model, one item at a
time, with the repetitions interleaved in one run:

- figure: ``choices=["1".."5"]``: one forward of the prompt scores the five
  one-token options (log-probabilities, no decoding);
- anchor: free text (greedy, ``max_tokens`` new tokens) parsed with the
  gateway's ``match_choice``; an answer with no rating in it counts as
  answered (the time was spent) and is reported as unparsed.

Prints one JSON object per figure; ratio = choices rate / free-text rate
(goal >= 2: scoring the options should beat decoding and parsing).

    python benchmarks/personality_choices.py [--model local/PATH] [--items 50]
        [--repeats 3] [--max-tokens 8]

Without ``--model`` it builds the tiny MoE in a temporary folder.
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

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

from ethos.evals.personality.inventory import SCALE, item_prompt, shipped_inventory
from ethos.models import acomplete
from ethos.models.gateway import match_choice


async def administer(model: str, items: list, *, choices: bool, max_tokens: int) -> int:
    """One administration; returns how many answers held no rating."""
    unparsed = 0
    for item in items:
        messages = [{"role": "user", "content": item_prompt(item)}]
        if choices:
            await acomplete(model, messages, choices=list(SCALE), seed=0)
        else:
            answer = await acomplete(
                model, messages, max_tokens=max_tokens, temperature=0.0, seed=0
            )
            unparsed += match_choice(answer.text, SCALE) is None
    return unparsed


async def measure(model: str, items: int, repeats: int, max_tokens: int) -> list[dict]:
    chosen = list(shipped_inventory().items)[:items]
    await administer(model, chosen[:2], choices=True, max_tokens=max_tokens)  # load, warm
    await administer(model, chosen[:2], choices=False, max_tokens=max_tokens)
    times: dict[str, list[float]] = {"choices": [], "free": []}
    unparsed = 0
    for _ in range(repeats):
        for way in ("choices", "free"):
            started = time.perf_counter()
            missed = await administer(
                model, chosen, choices=way == "choices", max_tokens=max_tokens
            )
            times[way].append(time.perf_counter() - started)
            unparsed += missed if way == "free" else 0
    rate = {way: 1.0 / statistics.median(t) for way, t in times.items()}
    return [
        {
            "bench": "personality_choices",
            "figure": f"administrations_per_s_{len(chosen)}_items",
            "value": rate["choices"],
            "unit": "administrations/s",
            "anchor": f"free text ({max_tokens} tokens) + parsing",
            "anchor_value": rate["free"],
            "ratio": rate["choices"] / rate["free"],
            "goal": ">= 2",
            "model": model,
            "unparsed_free_text": unparsed,
            "repeats": repeats,
        }
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="", help="local/PATH; default: a tiny MoE")
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--max-tokens", type=int, default=8)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        model = args.model
        if not model:
            from ethos.models.local.tiny import build_tiny

            model = f"local/{build_tiny(Path(folder) / 'tiny', 'qwen3_moe', 0)}"
        for line in asyncio.run(measure(model, args.items, args.repeats, args.max_tokens)):
            print(json.dumps(line))


if __name__ == "__main__":
    main()
