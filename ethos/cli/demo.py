"""``ethos demo``: the main job on the embedded defaults.

For now it proves the foundation end to end on the configured database:
it records a run with a sample, a transcript of events, a score and an
artifact, reads everything back, checks that what came back is what was
written, and prints the stored run and where it lives. No model is called,
so nothing here pretends to be model output. Later issues grow this into
the showcase (a games tournament, a local-model intervention).
"""

from __future__ import annotations

import json
import platform
import sys

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


def demo(ctx: typer.Context) -> None:
    """Record a run in the configured database and print what was stored, and where."""
    from rich.console import Console

    from ethos.cli.render import print_run

    context = cli_context(ctx)
    settings = context.settings()

    async def work(store):
        run = await store.create_run(
            "demo", name="store round-trip", config={"events": len(TRANSCRIPT)}
        )
        sample = await store.record_sample(
            run.id, "round-trip", status="running", input=[p for _, p in TRANSCRIPT]
        )
        await store.append_events(
            run.id, [{"kind": k, "payload": p, "sample_pk": sample.id} for k, p in TRANSCRIPT]
        )
        back = await store.events(run.id)
        same = [(e.kind, e.payload) for e in back] == [(k, p) for k, p in TRANSCRIPT]
        await store.record_sample(
            run.id,
            "round-trip",
            status="succeeded",
            input=sample.input,
            output={"events_read_back": len(back), "identical": same},
        )
        await store.record_score(
            run.id,
            sample.id,
            "round_trip",
            1.0 if same else 0.0,
            explanation="events read back equal events written" if same else "they differ",
        )
        folder = settings.data_dir / "artifacts" / run.id
        folder.mkdir(parents=True, exist_ok=True)
        summary = folder / "summary.json"
        summary.write_text(json.dumps({"run": run.id, "identical": same}, indent=2))
        await store.add_artifact(run.id, summary, sample_pk=sample.id)
        final = await store.finish_run(
            run.id,
            "succeeded" if same else "failed",
            error=None if same else "events read back differ from those written",
        )
        return store.url, final, await store.counts(run.id), back, summary

    where, run, counts, events, summary = context.with_store(work)
    console = Console()
    console.print(f"[bold]ethos demo[/]: recorded a run in {where}\n")
    print_run(console, run, counts, events, where)
    console.print(f"\nartifact: {summary}")
    console.print(f"next: [bold]ethos runs show {run.id[:12]}[/] or [bold]ethos runs list[/]")
    if run.status != "succeeded":
        raise typer.Exit(1)
