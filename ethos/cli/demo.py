"""``ethos demo``: the main job on the embedded defaults.

It records one run in the configured database and prints it:

1. a store round trip: a transcript of events written, read back and
   compared (scored 1.0 when identical);
2. the model path end to end: a tiny local Mixture-of-Experts checkpoint
   (built on first use) answers through the gateway, via litellm's custom
   provider and the batching host, and scores two options; both calls land
   in ``model_calls``. Its weights are random and untrained, so its words
   are noise, and the output says so: this shows the plumbing, not a
   behaviour.

Later issues grow this into the showcase (a games tournament, a trained
model whose experts are switched off).
"""

from __future__ import annotations

import json
import platform
import sys
from importlib.util import find_spec
from typing import Any

import typer

from ethos import __version__
from ethos.cli.context import cli_context

TRANSCRIPT = [
    ("state", {"step": "start", "python": sys.version.split()[0], "ethos": __version__}),
    ("message", {"role": "system", "content": "Record, then read back, a short transcript."}),
    ("message", {"role": "user", "content": "Does the store keep what it is given?"}),
    ("tool_call", {"name": "store.read_back", "arguments": {"kind": "message"}}),
    ("state", {"step": "checked", "platform": platform.system()}),
]
TINY_NAME = "tiny-qwen3-moe"
QUESTION = "We play ten rounds. Will you cooperate or defect in the first one?"


async def record_round_trip(store: Any, run_id: str, settings: Any) -> bool:
    sample = await store.record_sample(
        run_id, "round-trip", status="running", input=[p for _, p in TRANSCRIPT]
    )
    await store.append_events(
        run_id, [{"kind": k, "payload": p, "sample_pk": sample.id} for k, p in TRANSCRIPT]
    )
    back = await store.events(run_id)
    same = [(e.kind, e.payload) for e in back] == [(k, p) for k, p in TRANSCRIPT]
    await store.record_sample(
        run_id,
        "round-trip",
        input=sample.input,
        output={"events_read_back": len(back), "identical": same},
    )
    await store.record_score(
        run_id,
        sample.id,
        "round_trip",
        1.0 if same else 0.0,
        explanation="events read back equal events written" if same else "they differ",
    )
    folder = settings.data_dir / "artifacts" / run_id
    folder.mkdir(parents=True, exist_ok=True)
    summary = folder / "summary.json"
    summary.write_text(json.dumps({"run": run_id, "identical": same}, indent=2))
    await store.add_artifact(run_id, summary, sample_pk=sample.id)
    return same


async def ask_local_model(store: Any, run_id: str, settings: Any) -> dict[str, Any]:
    """One generation and one two-option choice from the tiny local model,
    recorded under the run."""
    from ethos.models.gateway import acomplete
    from ethos.models.local.paths import is_checkpoint, models_dir
    from ethos.models.local.tiny import CONTEXT_LENGTH, build_tiny
    from ethos.recording import run_scope

    home = models_dir(settings) / TINY_NAME
    if not is_checkpoint(home) or _context(home) < CONTEXT_LENGTH:  # missing, or too old
        build_tiny(TINY_NAME, "qwen3_moe", settings=settings)
    model = f"local/{TINY_NAME}"
    sample = await store.record_sample(run_id, "local-model", status="running", input=QUESTION)
    with run_scope(store, run_id, sample_pk=sample.id):
        said = await acomplete(model, QUESTION, max_tokens=16, settings=settings)
        picked = await acomplete(
            model, QUESTION, choices=["cooperate", "defect"], settings=settings
        )
    await store.append_events(
        run_id,
        [
            {
                "kind": "message",
                "sample_pk": sample.id,
                "payload": {"role": "user", "content": QUESTION},
            },
            {
                "kind": "message",
                "sample_pk": sample.id,
                "payload": {"role": "assistant", "content": said.text, "model": model},
            },
            {
                "kind": "choice",
                "sample_pk": sample.id,
                "payload": {"choice": picked.choice, "logprobs": picked.choice_logprobs},
            },
        ],
    )
    await store.record_sample(
        run_id,
        "local-model",
        input=QUESTION,
        output={"text": said.text, "choice": picked.choice},
        metadata={"model": model, "note": "untrained random weights: output is noise"},
    )
    return {
        "model": model,
        "text": said.text,
        "choice": picked.choice,
        "logprobs": picked.choice_logprobs,
    }


TOURNAMENT_OPPONENTS = (
    "tit_for_tat,always_cooperate,always_defect,grim_trigger,win_stay_lose_shift,alternate"
)


async def games_tournament(store: Any, settings: Any) -> tuple[Any, Any, Any]:
    """The tiny local model plays the Prisoner's Dilemma against classic
    strategies, both seats, 10 rounds: an eval run with its report."""
    from ethos.evals.report import build_report
    from ethos.evals.run import EvalConfig, run_eval
    from ethos.evals.task import Arm

    config = EvalConfig(
        task="games/prisoners_dilemma",
        task_args={"opponents": TOURNAMENT_OPPONENTS, "rounds": 10},
        arms=[Arm(name="tiny", model=f"local/{TINY_NAME}")],
    )
    result = await run_eval(config, store=store, progress=False, settings=settings)
    report = await build_report(store, result.run_id)
    return result, report, await store.samples(result.run_id)


def standings(samples: list[Any]) -> Any:
    """Per match: who sat where, the points each won, how often the model cooperated."""
    from rich.table import Table

    table = Table(
        title="Prisoner's Dilemma, 10 rounds: the tiny model against each strategy",
        box=None,
        header_style="bold",
    )
    for column in ("opponent", "model's seat", "model", "opponent", "model cooperated"):
        table.add_column(column, justify="left" if column == "opponent" else "right")
    for sample in sorted(samples, key=lambda s: s.sample_id):
        if sample.status != "succeeded":
            error = (sample.error or "")[:70]
            table.add_row(sample.sample_id, "", "", "", f"[red]{error}[/]")
            continue
        seat, match = sample.output["seat"], sample.output["match"]
        mine = [m[seat] for m in match["moves"]]
        table.add_row(
            sample.output["opponent"],
            "row" if seat == 0 else "column",
            f"{match['totals'][seat]:g}",
            f"{match['totals'][1 - seat]:g}",
            f"{mine.count(0)}/{len(mine)}",
        )
    return table


def _context(checkpoint: Any) -> int:
    config = json.loads((checkpoint / "config.json").read_text())
    return int(config.get("max_position_embeddings", 0))


def demo(ctx: typer.Context) -> None:
    """Record a run (store round trip, tiny local MoE through the gateway), then
    play a games tournament as an eval run, and print both with the report."""
    from rich.console import Console

    from ethos.cli.render import print_run

    context = cli_context(ctx)
    settings = context.settings()
    with_model = find_spec("torch") is not None and find_spec("transformers") is not None

    async def work(store):
        run = await store.create_run("demo", name="foundation and model path")
        try:
            same = await record_round_trip(store, run.id, settings)
            local = await ask_local_model(store, run.id, settings) if with_model else None
        except BaseException as exc:
            await store.finish_run(run.id, "failed", error=f"{type(exc).__name__}: {exc}")
            raise
        final = await store.finish_run(
            run.id,
            "succeeded" if same else "failed",
            error=None if same else "events read back differ from those written",
        )
        games = await games_tournament(store, settings) if with_model else None
        return (
            store.url,
            final,
            await store.counts(run.id),
            await store.events(run.id),
            local,
            games,
        )

    where, run, counts, events, local, games = context.with_store(work)
    console = Console()
    console.print(f"[bold]ethos demo[/]: recorded runs in {where}\n")
    print_run(console, run, counts, events, where)
    if local is None:
        console.print("\nlocal model: skipped (pip install 'ethos[local]' for torch/transformers)")
        return
    shown = ", ".join(f"{o} {lp:.2f}" for o, lp in (local["logprobs"] or {}).items())
    console.print(
        f"\n[bold]{local['model']}[/] (untrained tiny MoE, random weights: its words are "
        f"noise; this shows the path gateway -> litellm -> local host -> store)\n"
        f"  generated: {local['text']!r}\n"
        f"  chose: {local['choice']} (log-probabilities: {shown})"
    )
    result, report, samples = games
    from ethos.evals.report import print_report, write_html

    console.print(
        f"\n[bold]games tournament[/] (eval run {result.run_id}): the same untrained model "
        f"as the Prisoner's Dilemma player; it answers by scoring the two options, so its "
        f"moves are real choices of a model whose preferences are random"
    )
    console.print(standings(samples))
    print_report(console, report)
    html = write_html(report, settings.data_dir / "reports" / f"{result.run_id}.html")
    console.print(f"\nHTML report: {html}")
    console.print(f"artifacts: {settings.data_dir / 'artifacts' / run.id}")
    console.print(
        f"next: [bold]ethos eval report {result.run_id[:12]}[/], "
        f"[bold]ethos runs show {run.id[:12]}[/] or [bold]ethos runs list[/]"
    )
    if run.status != "succeeded" or result.status != "succeeded":
        raise typer.Exit(1)
