"""``ethos runs``: list, show and delete stored runs."""

from __future__ import annotations

import json

import typer

from ethos.cli.context import cli_context

app = typer.Typer(help="List, show and delete stored runs.", no_args_is_help=True)


@app.command("list")
def list_runs(
    ctx: typer.Context,
    kind: str | None = typer.Option(None, help="Only runs of this kind (eval, demo, ...)."),
    status: str | None = typer.Option(None, help="Only runs in this status."),
    limit: int = typer.Option(20, min=1, help="How many runs, newest first."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON lines instead of a table."),
) -> None:
    """List runs, newest first."""

    async def work(store):
        return store.url, await store.list_runs(kind=kind, status=status, limit=limit)

    where, runs = cli_context(ctx).with_store(work, create=False)
    if as_json:
        for run in runs:
            typer.echo(run.model_dump_json())
        return
    from rich.console import Console

    from ethos.cli.render import runs_table

    console = Console()
    if not runs:
        console.print(f"no runs in {where}; `ethos demo` records one")
        return
    console.print(runs_table(runs, width=console.width))


@app.command()
def show(
    ctx: typer.Context,
    run_id: str = typer.Argument(..., help="A run id or a unique prefix of one (4+ characters)."),
    events: int = typer.Option(20, min=0, help="How many of the first events to show."),
    sample: str | None = typer.Option(
        None, "--sample", help="Print this sample's transcript instead (its id)."
    ),
    epoch: int | None = typer.Option(None, help="The sample's epoch (when it ran in several)."),
    arm: str | None = typer.Option(None, help="The sample's arm (when it ran in several)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """Show one run: its facts, what it stored, its first events and its
    failed samples; with --sample, that sample's transcript."""
    if sample is None and (epoch is not None or arm is not None):
        from ethos.errors import EthosError

        raise EthosError(
            "--epoch and --arm pick among a sample's runs, and no --sample was given",
            "add --sample ID",
        )
    if sample is not None:
        _show_sample(ctx, run_id, sample, epoch, arm, as_json)
        return

    async def work(store):
        from ethos.cli.transcript_view import failed_samples

        run = await store.get_run(run_id)
        counts = await store.counts(run.id)
        first = await store.events(run.id, limit=events)
        return store.url, run, counts, first, await failed_samples(store, run.id)

    where, run, counts, first, (failed, n_failed) = cli_context(ctx).with_store(work, create=False)
    if as_json:
        out = {
            "run": run.model_dump(mode="json"),
            "counts": counts.model_dump(),
            "events": [e.model_dump(mode="json") for e in first],
            "failed": [
                {"sample_id": s.sample_id, "epoch": s.epoch, "arm": s.arm, "error": s.error}
                for s in failed
            ],
            "failed_total": n_failed,
        }
        typer.echo(json.dumps(out, ensure_ascii=False))
        return
    from rich.console import Console

    from ethos.cli.render import print_run
    from ethos.cli.transcript_view import print_failures

    console = Console()
    print_run(console, run, counts, first, where)
    print_failures(console, failed, n_failed)


def _show_sample(
    ctx: typer.Context,
    run_id: str,
    sample_id: str,
    epoch: int | None,
    arm: str | None,
    as_json: bool,
) -> None:
    async def work(store):
        from ethos.cli.transcript_view import sample_scores

        found = await store.find_sample(run_id, sample_id, epoch=epoch, arm=arm)
        events = [e async for e in store.transcript(found.id)]
        return found, events, await sample_scores(store, found.id)

    found, transcript, scores = cli_context(ctx).with_store(work, create=False)
    if as_json:
        for event in transcript:
            typer.echo(event.model_dump_json())
        return
    from rich.console import Console

    from ethos.cli.transcript_view import print_transcript

    print_transcript(Console(), found, transcript, scores)


@app.command()
def delete(
    ctx: typer.Context,
    run_id: str = typer.Argument(..., help="A run id or a unique prefix of one."),
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation."),
) -> None:
    """Delete a run and everything recorded under it."""

    async def find(store):
        run = await store.get_run(run_id)
        return run, await store.counts(run.id)

    context = cli_context(ctx)
    run, counts = context.with_store(find, create=False)
    summary = f"run {run.id} ({run.kind}, {counts.events} events, {counts.samples} samples)"
    if not yes:
        typer.confirm(f"Delete {summary}?", abort=True)

    async def remove(store):
        return await store.delete_run(run.id)

    context.with_store(remove, create=False)
    typer.echo(f"deleted {summary}")
