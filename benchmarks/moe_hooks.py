"""What expert hooks cost a forward: recording (profiling) and an active ExpertMask.

Same model, same padded batch, repetitions interleaved in one run:

- ``forward_recording``: the profiling router hooks (``RoutingRecorder``) on
  every MoE layer, against the same forward with no hooks. Goal: ratio <= 1.05.
- ``forward_mask``: an ``off-reroute`` ExpertMask on every row of every MoE
  layer through ``Routing``, against no hooks. Goal: ratio <= 1.05.
- ``profile_throughput``: prompt tokens per second of ``record_routing``
  (batching, padding, hooks, counting) against the same batched forwards
  without hooks. Goal: ratio >= 0.8.

On a tiny model each forward is cheap, so the ratios are mostly per-layer
hook overhead: the worst case. Prints one JSON object per figure.

    python benchmarks/moe_hooks.py [--arch qwen3_moe ...] [--batch 16] [--seq 256] [--repeats 7]
        [--hidden 512 --experts 16 --width 512 --layers 4]   # synthetic, random weights
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import torch

from ethos.models.interventions import ExpertMask
from ethos.models.local.host import LocalModel
from ethos.models.local.routing import Routing, RoutingTable
from ethos.models.local.tiny import ARCHITECTURES, build_tiny
from ethos.models.profile import RoutingRecorder, record_routing


def sync(local: LocalModel) -> None:
    if local.device.startswith("cuda"):
        torch.cuda.synchronize()


def timed(local: LocalModel, work: Callable[[], object]) -> float:
    sync(local)
    start = time.perf_counter()
    work()
    sync(local)
    return time.perf_counter() - start


def batch(local: LocalModel, rows: int, seq: int) -> dict[str, torch.Tensor]:
    generator = torch.Generator().manual_seed(0)
    vocab = local.hf_model.config.vocab_size
    ids = torch.randint(3, vocab, (rows, seq), generator=generator)
    attention = torch.ones_like(ids)
    for r in range(rows):  # left padding, as the engine and the profiler pad
        attention[r, : r * seq // (2 * rows)] = 0
    positions = (attention.cumsum(-1) - 1).clamp(min=0)
    return {
        "input_ids": ids.to(local.device),
        "attention_mask": attention.to(local.device),
        "position_ids": positions.to(local.device),
    }


def interleaved(
    local: LocalModel, arms: dict[str, Callable[[], object]], repeats: int
) -> dict[str, float]:
    for work in arms.values():  # warm-up
        timed(local, work)
    times: dict[str, list[float]] = {name: [] for name in arms}
    for _ in range(repeats):
        for name, work in arms.items():
            times[name].append(timed(local, work))
    return {name: statistics.median(t) for name, t in times.items()}


def measure(path: Path, args: argparse.Namespace) -> list[dict]:
    local = LocalModel.load(path, device=args.device)
    try:
        hf = local.hf_model
        table = RoutingTable.of(hf)
        inputs = batch(local, args.batch, args.seq)
        valid = inputs["attention_mask"].reshape(-1).bool()

        def forward(hooks: Callable[[], AbstractContextManager]) -> Callable[[], object]:
            def work() -> object:
                with torch.inference_mode(), hooks():
                    return hf(**inputs, use_cache=False, logits_to_keep=1)

            return work

        def recording() -> AbstractContextManager:
            recorder = RoutingRecorder(table)
            recorder.valid = valid
            return recorder

        masks = [ExpertMask(layer=i, experts=(0,), mode="off-reroute") for i in table.layers]
        arms = {
            "plain": forward(nullcontext),
            "recording": forward(recording),
            "mask": forward(lambda: Routing(table, [masks] * args.batch)),
        }
        median = interleaved(local, arms, args.repeats)

        # Profiling throughput: many prompts of mixed length, batched and padded.
        generator = torch.Generator().manual_seed(1)
        vocab = hf.config.vocab_size
        lengths = torch.randint(args.seq // 4, args.seq, (args.prompts,), generator=generator)
        rows = [torch.randint(3, vocab, (int(n),), generator=generator).tolist() for n in lengths]
        tokens = sum(map(len, rows))
        plain_rows = _plain_batches(local, rows, args.batch)
        throughput = interleaved(
            local,
            {
                "plain": lambda: [hf(**b, use_cache=False, logits_to_keep=1) for b in plain_rows],
                "profile": lambda: record_routing(local, rows, batch_size=args.batch, table=table),
            },
            args.repeats,
        )
    finally:
        local.close()
    base = {
        "bench": "moe_hooks",
        "arch": path.name,
        "device": local.device,
        "batch": args.batch,
        "seq": args.seq,
        "moe_layers": len(table.layers),
        "repeats": args.repeats,
        "size": (
            f"synthetic: hidden {args.hidden}, {args.layers} layers, {args.experts} experts of "
            f"width {args.width}"
            if args.hidden
            else "tiny"
        ),
    }
    return [
        {
            **base,
            "figure": "forward_recording",
            "hooks_s": round(median["recording"], 6),
            "plain_s": round(median["plain"], 6),
            "ratio": round(median["recording"] / median["plain"], 4),
            "goal": "<= 1.05",
        },
        {
            **base,
            "figure": "forward_mask",
            "hooks_s": round(median["mask"], 6),
            "plain_s": round(median["plain"], 6),
            "ratio": round(median["mask"] / median["plain"], 4),
            "goal": "<= 1.05",
        },
        {
            **base,
            "figure": "profile_throughput",
            "prompts": args.prompts,
            "tokens": tokens,
            "profile_tokens_per_s": round(tokens / throughput["profile"], 1),
            "plain_tokens_per_s": round(tokens / throughput["plain"], 1),
            "ratio": round(throughput["plain"] / throughput["profile"], 4),
            "goal": ">= 0.8",
        },
    ]


def _plain_batches(local: LocalModel, rows: list[list[int]], size: int) -> list[dict]:
    """The batches record_routing builds (same order, padding and positions), prebuilt."""
    order = sorted(range(len(rows)), key=lambda i: len(rows[i]))
    out = []
    for lo in range(0, len(order), size):
        chunk = [rows[i] for i in order[lo : lo + size]]
        width = max(map(len, chunk))
        ids = torch.zeros((len(chunk), width), dtype=torch.long)
        attention = torch.zeros_like(ids)
        for r, row in enumerate(chunk):
            ids[r, width - len(row) :] = torch.tensor(row)
            attention[r, width - len(row) :] = 1
        positions = (attention.cumsum(-1) - 1).clamp(min=0)
        out.append(
            {
                "input_ids": ids.to(local.device),
                "attention_mask": attention.to(local.device),
                "position_ids": positions.to(local.device),
            }
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--arch", nargs="*", default=["qwen3_moe"], choices=ARCHITECTURES)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--seq", type=int, default=256)
    parser.add_argument("--prompts", type=int, default=64)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--device", default=None, help="cpu or cuda (default: cuda if present)")
    parser.add_argument("--hidden", type=int, default=0, help="a synthetic size (0: tiny)")
    parser.add_argument("--experts", type=int, default=16)
    parser.add_argument("--width", type=int, default=256, help="each expert's intermediate size")
    parser.add_argument("--layers", type=int, default=4)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for arch in args.arch:
            if args.hidden:  # random weights at a less tiny size: hooks' share of a forward
                from moe_prune import build_synthetic

                path = build_synthetic(Path(tmp) / arch, arch, args)
            else:
                path = build_tiny(Path(tmp) / arch, arch, 0)
            with torch.inference_mode():
                for figure in measure(path, args):
                    print(json.dumps(figure), flush=True)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
