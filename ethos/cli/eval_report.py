"""``ethos eval report`` and ``ethos eval compare``: an eval run's metrics
with confidence intervals, from the database alone.

Two command functions, registered by the ``eval`` group; the report module
(and with it numpy and, for ``--html``, matplotlib) loads inside them.
"""

from __future__ import annotations

from pathlib import Path

import typer

from ethos.cli.context import cli_context

REDUCER_HELP = "How a sample's epochs become one value: mean, mode or at_least_<k>."


def report(
    ctx: typer.Context,
    run_id: str = typer.Argument(..., help="An eval run id or a unique prefix (4+ characters)."),
    html: Path | None = typer.Option(
        None, "--html", dir_okay=False, help="Also write one self-contained HTML file here."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of tables."),
    reducer: str = typer.Option("mean", help=REDUCER_HELP),
) -> None:
    """Report an eval run: per arm, each metric with its interval and its
    Delta to the baseline arm, how many samples succeeded or failed, and the
    failures by error class (a run whose every sample failed is reported
    too; --html adds a browser of every sample row, with inputs, outputs
    and transcripts for as many as fit in 20 MB)."""
    from ethos.errors import EthosError
    from ethos.evals.report import build_report, print_report, write_html

    async def work(store):
        # --html holds every sample row: its browser filters, sorts and pages them.
        return await build_report(store, run_id, reducer=reducer, browse=2**31 - 1 if html else 0)

    built = cli_context(ctx).with_store(work, create=False)
    if not built.metrics and not built.failures:
        rows = sum(c.succeeded + c.failed + c.other for c in built.counts)
        raise EthosError(
            f"eval run {built.run.id} ({built.run.status}) has no scores yet: "
            f"{rows} sample rows recorded",
            "scores are written as each sample finishes; `ethos runs show` shows what it holds",
        )
    if as_json:
        typer.echo(built.model_dump_json())
    else:
        from rich.console import Console

        print_report(Console(), built)
    if html is not None:
        written = write_html(built, html)
        typer.echo(f"wrote {written}", err=as_json)


def compare(
    ctx: typer.Context,
    run_a: str = typer.Argument(..., help="The first eval run (id or unique prefix)."),
    run_b: str = typer.Argument(..., help="The second eval run; differences are b - a."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
    reducer: str = typer.Option("mean", help=REDUCER_HELP),
) -> None:
    """Compare two eval runs on the metrics and arms they share: b - a with
    its interval."""
    from ethos.errors import EthosError
    from ethos.evals.report import compare as compare_runs
    from ethos.evals.report import print_comparison

    async def work(store):
        return await compare_runs(store, run_a, run_b, reducer=reducer)

    comparison = cli_context(ctx).with_store(work, create=False)
    if not comparison.differences:
        raise EthosError(
            f"runs {comparison.run_a.id} and {comparison.run_b.id} share no scored metric and arm",
            "compare runs of the same task with the same arm names",
        )
    if as_json:
        typer.echo(comparison.model_dump_json())
        return
    from rich.console import Console

    print_comparison(Console(), comparison)
