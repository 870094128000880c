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

    where, runs = cli_context(ctx).with_store(work)
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
    console.print(runs_table(runs))


@app.command()
def show(
    ctx: typer.Context,
    run_id: str = typer.Argument(..., help="A run id or a unique prefix of one (4+ characters)."),
    events: int = typer.Option(20, min=0, help="How many of the first events to show."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """Show one run: its facts, what it stored, and its first events."""

    async def work(store):
        run = await store.get_run(run_id)
        return store.url, run, await store.counts(run.id), await store.events(run.id, limit=events)

    where, run, counts, first = cli_context(ctx).with_store(work)
    if as_json:
        out = {
            "run": run.model_dump(mode="json"),
            "counts": counts.model_dump(),
            "events": [e.model_dump(mode="json") for e in first],
        }
        typer.echo(json.dumps(out, ensure_ascii=False))
        return
    from rich.console import Console

    from ethos.cli.render import print_run

    print_run(Console(), run, counts, first, where)


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
    run, counts = context.with_store(find)
    summary = f"run {run.id} ({run.kind}, {counts.events} events, {counts.samples} samples)"
    if not yes:
        typer.confirm(f"Delete {summary}?", abort=True)

    async def remove(store):
        return await store.delete_run(run.id)

    context.with_store(remove)
    typer.echo(f"deleted {summary}")
