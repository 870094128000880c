"""Output tokens with and without behaviours, on the built-in problem set.

The paper's pipeline, for whatever model is given: the model answers the
``train`` split of ``handbook/reuse`` (an eval run), the curator (default:
the same model) reflects on those traces and extracts behaviours into a
fresh handbook, then one run of ``handbook/reuse`` on the ``test`` split
answers every problem with no handbook (the anchor) and
behaviour-conditioned. Figures, each with the anchor from that same run:

- output tokens per answer, conditioned (anchor: no handbook); goal: a
  ratio below 1 ("Metacognitive Reuse", Didolkar et al. 2025, report up to
  46% fewer reasoning tokens on MATH at equal or better accuracy);
- accuracy, conditioned (anchor: no handbook); goal: ratio at least 1.

The default model is ``script/handbook-solver``, a TEST DOUBLE: its
figures measure the pipeline, not a model, and say so (``scripted``).

    python benchmarks/handbook_tokens.py [--model local/smollm2] [--limit 40] [--budget 256]
        [--format lines]   # the curator writes plain lines (a small model that cannot write JSON)
        [--curator script/handbook-solver]   # a scripted curator over the model's own traces
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path


async def measure(args: argparse.Namespace) -> list[dict[str, object]]:
    from ethos.db.store import Store
    from ethos.evals.handbook import scripted
    from ethos.evals.report import build_report
    from ethos.evals.run import EvalConfig, run_eval
    from ethos.evals.task import Arm
    from ethos.handbook.curation import extract_from_run
    from ethos.handbook.store import ensure_handbook

    scripted.register()
    curator = args.curator or args.model
    label = " [SCRIPTED test double]" if args.model.startswith("script/") else ""
    if curator.startswith("script/") and not label:
        label = f" [behaviours by the SCRIPTED curator {curator}]"
    with tempfile.TemporaryDirectory() as folder:
        url = args.db or f"sqlite:///{Path(folder) / 'bench.db'}"
        async with await Store.open(url) as store:
            limits = {"limit": args.limit} if args.limit else {}
            started = time.perf_counter()
            train = await run_eval(
                EvalConfig(
                    task="handbook/reuse",
                    task_args={"split": "train", "arms": "none", "budget": args.budget, **limits},
                    arms=[Arm(name="train", model=args.model)],
                    max_connections=args.connections,
                ),
                store=store,
                progress=False,
            )
            # created first: a curator that yields nothing leaves an empty handbook, and the
            # conditioned arm then answers without behaviours (its ratio says so) instead of
            # the run being refused for a missing one
            await ensure_handbook(store, "bench")
            extracted = await extract_from_run(
                store, train.run_id, model=curator, handbook="bench", output_format=args.format
            )
            test = await run_eval(
                EvalConfig(
                    task="handbook/reuse",
                    task_args={
                        "arms": "conditioned",
                        "handbook": "bench",
                        "k": args.k,
                        "budget": args.budget,
                        **limits,
                    },
                    arms=[Arm(name="test", model=args.model)],
                    max_connections=args.connections,
                ),
                store=store,
                progress=False,
            )
            report = await build_report(store, test.run_id)
            elapsed = time.perf_counter() - started
    arms = {f.arm: f for f in report.section.arms}
    none, cond = arms["none"], arms["conditioned"]
    common = {
        "bench": "handbook_tokens",
        "model": args.model,
        "curator": curator,
        "budget": args.budget,
        "curation_format": args.format,
        "used_traces": extracted.used,
        "skipped_traces": len(extracted.skipped),
        "scripted": args.model.startswith("script/"),
        "scripted_curator": curator.startswith("script/"),
        "problems": none.accuracy.n if none.accuracy else 0,
        "behaviors": len(extracted.added),
        "train_run": train.run_id,
        "test_run": test.run_id,
        "seconds": round(elapsed, 1),
    }
    out = []
    if none.output_tokens and cond.output_tokens:
        out.append(
            {
                **common,
                "figure": f"output tokens per answer, behaviour-conditioned ({args.model}){label}",
                "value": round(cond.output_tokens.mean, 2),
                "unit": "tokens",
                "anchor": "the same model without a handbook, same run",
                "anchor_value": round(none.output_tokens.mean, 2),
                "ratio": round(cond.output_tokens.mean / none.output_tokens.mean, 3),
                "goal": "ratio < 1 (Didolkar et al. 2025: up to 46% fewer reasoning tokens)",
                "ci": [round(cond.output_tokens.ci_low, 2), round(cond.output_tokens.ci_high, 2)],
                "anchor_ci": [
                    round(none.output_tokens.ci_low, 2),
                    round(none.output_tokens.ci_high, 2),
                ],
                "citing": round(cond.answers_citing.mean, 3) if cond.answers_citing else None,
            }
        )
    if none.accuracy and cond.accuracy:
        out.append(
            {
                **common,
                "figure": f"accuracy, behaviour-conditioned ({args.model}){label}",
                "value": round(cond.accuracy.mean, 4),
                "unit": "share correct",
                "anchor": "the same model without a handbook, same run",
                "anchor_value": round(none.accuracy.mean, 4),
                "ratio": round(cond.accuracy.mean / none.accuracy.mean, 3)
                if none.accuracy.mean
                else None,
                "goal": "ratio >= 1 (equal or better accuracy)",
                "delta": round(cond.accuracy_delta.mean, 4) if cond.accuracy_delta else None,
                "delta_ci": [
                    round(cond.accuracy_delta.ci_low, 4),
                    round(cond.accuracy_delta.ci_high, 4),
                ]
                if cond.accuracy_delta
                else None,
            }
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="script/handbook-solver")
    parser.add_argument("--curator", default=None, help="the extracting model (default: --model)")
    parser.add_argument("--limit", type=int, default=None, help="problems per split (default all)")
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--budget", type=int, default=1024, help="output tokens per call")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument(
        "--format",
        default="auto",
        choices=["auto", "json", "lines"],
        help="the curator's format (lines: a small model that cannot write JSON, e.g. SmolLM2)",
    )
    parser.add_argument("--db", default=None, help="a database URL (default: a temporary SQLite)")
    args = parser.parse_args()
    for figure in asyncio.run(measure(args)):
        print(json.dumps(figure), flush=True)
    sys.exit(0)


if __name__ == "__main__":
    main()
