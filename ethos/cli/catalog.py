"""``ethos catalog``: fill PublicAgent's data catalogue and search it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer

from ethos.cli.context import cli_context
from ethos.cli.display import Display, Steps, display_option, resolve

app = typer.Typer(
    help="PublicAgent's catalogue of data sets: ingest open data and search it.",
    no_args_is_help=True,
)


@app.command("ingest")
def ingest(
    ctx: typer.Context,
    pydataset: bool = typer.Option(
        False, "--pydataset", help="Ingest the ~750 open data sets of the pydataset package."
    ),
    folder: Path | None = typer.Option(
        None, "--folder", help="Ingest every .csv and .parquet file in this folder."
    ),
    limit: int | None = typer.Option(
        None, "--limit", min=0, help="Only the first N pydataset data sets (for a quick try)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the ingest reports as JSON."),
    batch: int = typer.Option(
        50,
        "--batch",
        min=1,
        help="pydataset data sets per transaction; each batch is committed and counted "
        "on stderr when done.",
    ),
    display: Display | None = display_option(),
) -> None:
    """Ingest data sets into the catalogue (default: pydataset). Re-ingesting
    updates entries in place; files that cannot be read are listed and skipped.
    Progress (data sets done, added, updated, skipped) goes to stderr."""
    import logging

    from ethos.agents.publicagent.catalog import ingest_folder, ingest_pydataset

    # Skipped files are listed below: the catalogue's own warnings would repeat them.
    logging.getLogger("ethos.agents.publicagent.catalog").setLevel(logging.ERROR)
    use_pydataset = pydataset or folder is None
    steps = Steps(resolve(display), "ingest")

    async def work(store):
        reports = []
        if use_pydataset:
            steps("pydataset: reading its archive")
            tell = _progress_line(steps, "pydataset")
            reports.append(await ingest_pydataset(store, limit=limit, batch=batch, progress=tell))
        if folder is not None:
            tell = _progress_line(steps, f"folder {folder}")
            reports.append(await ingest_folder(store, folder, progress=tell))
        return store.url, reports

    where, reports = cli_context(ctx).with_store(work)
    if as_json:
        for report in reports:
            typer.echo(report.model_dump_json(exclude={"ids"}))
        return
    for report in reports:
        typer.echo(
            f"{report.source}: {report.added} added, {report.updated} updated, "
            f"{len(report.skipped)} skipped ({report.seconds:.1f} s) in {where}"
        )
        for skipped in report.skipped:
            typer.echo(f"  skipped {skipped.path}: {skipped.reason}")


def _progress_line(steps: Steps, where: str) -> Any:
    """The catalogue's progress as lines: data sets read or committed so far."""

    def tell(step: Any) -> None:
        noun = "files" if step.source == "folder" else "data sets"
        counts = f"{step.skipped:,} skipped"
        if step.stage == "saved":
            counts = f"{step.added:,} added, {step.updated:,} updated, {counts}"
        steps(f"{where}: {step.done:,}/{step.total:,} {noun} {step.stage} ({counts})")

    return tell


@app.command("search")
def search(
    ctx: typer.Context,
    query: str = typer.Argument(..., help="What you are looking for, in your own words."),
    k: int = typer.Option(5, "-k", "--k", min=1, help="How many data sets to list."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON lines instead of a table."),
) -> None:
    """Search the catalogue (dense embeddings and BM25, fused). The index is
    kept in the data folder's catalog-cache, keyed by the catalogue's
    digest, so a later search loads it instead of building it."""
    import os

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    # One short query: BLAS threads would only spin (~20x the CPU of one thread).
    # Set before numpy loads OpenBLAS, which reads it once.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    from ethos.agents.publicagent.retrieval import open_index

    context = cli_context(ctx)
    cache_dir = context.settings().data_dir / "catalog-cache"

    async def work(store):
        index = await open_index(store, cache_dir=cache_dir)
        return await index.asearch(query, k=k)

    hits = context.with_store(work, create=False)  # a search only reads
    if as_json:
        for hit in hits:
            typer.echo(json.dumps(hit.model_dump(), ensure_ascii=False))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"catalogue search: {query}")
    table.add_column("#", justify="right")
    table.add_column("id")
    table.add_column("title")
    table.add_column("score", justify="right")
    table.add_column("dense", justify="right")
    table.add_column("bm25", justify="right")
    for rank, hit in enumerate(hits, 1):
        dense = f"{hit.dense_score:.3f}" if hit.dense_score is not None else "-"
        score = f"{hit.score:.4f}" + (" *" if hit.guarded else "")
        table.add_row(str(rank), hit.id, hit.title, score, dense, f"{hit.bm25_score:.2f}")
    if any(hit.guarded for hit in hits):
        table.caption = "* one retriever's first choice: kept among the first 8 whatever its score"
    Console().print(table)
