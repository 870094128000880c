"""``ethos handbook``: curate behaviours from traces, look at them, reuse them.

ethos handbook extract RUN_ID --model openai/gpt-4o       # from a stored run
ethos handbook extract solved.jsonl --model M --handbook maths
ethos handbook list | search "add 1/3 and 1/4" | show behavior_x
ethos handbook export --sft bc.jsonl --questions q.jsonl --model M
ethos handbook prune --min-retrievals 20
ethos handbook merge behavior_keep behavior_drop
"""

from __future__ import annotations

import json
from pathlib import Path

import typer

from ethos.cli.context import cli_context

DEFAULT = "default"
HANDBOOK_OPTION = typer.Option(DEFAULT, "--handbook", "-H", help="Which handbook (a name).")

app = typer.Typer(
    help="The behaviour handbook: named steps extracted from solved traces, "
    "retrieved and cited by agents.",
    no_args_is_help=True,
)

SCRIPTED = " [scripted: a test double, not a model]"


def _register_scripted(model: str) -> None:
    """The project's scripted curators answer only once registered in this
    process: name one and it is."""
    if model == "script/handbook-solver":
        from ethos.evals.handbook import scripted

        scripted.register()


@app.command("extract")
def extract(
    ctx: typer.Context,
    source: str = typer.Argument(
        ..., help="A stored run's id (or prefix), or a JSONL file of question and solution."
    ),
    model: str = typer.Option(..., "--model", "-m", help="The curator model that reflects."),
    handbook: str = HANDBOOK_OPTION,
    concurrency: int = typer.Option(4, "--concurrency", min=1, help="Traces curated at once."),
    output_format: str = typer.Option(
        "auto",
        "--format",
        help="How the curator answers: json (typed), lines (one 'behavior_<name>: "
        "<instruction>' a line, for small models), or auto (json, lines when json fails).",
    ),
    judge: str | None = typer.Option(
        None,
        "--judge",
        help="A model (the curator's string or another) that decides the near-duplicates "
        "the embedding is unsure of; the threshold decides the rest and any unclear answer.",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
) -> None:
    """Reflect on each solved trace and store the behaviours it teaches
    (near-duplicates merged, provenance kept). Traces with no answer are
    skipped and listed."""
    import os

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from ethos.errors import EthosError
    from ethos.handbook.curation import FORMATS, extract_from_jsonl, extract_from_run

    if output_format not in FORMATS:
        raise EthosError(
            f"--format {output_format!r} is not a curation format",
            f"use one of: {', '.join(FORMATS)}",
        )
    _register_scripted(model)
    if judge is not None:  # before the database opens: a judge that cannot answer stores nothing
        from ethos.handbook.judge import check_judge

        _register_scripted(judge)
        check_judge(judge, cli_context(ctx).settings())
    is_file = source.endswith(".jsonl") or Path(source).is_file()

    async def work(store):
        if is_file:
            return await extract_from_jsonl(
                store,
                Path(source),
                model=model,
                handbook=handbook,
                concurrency=concurrency,
                output_format=output_format,
                judge=judge,
            )
        return await extract_from_run(
            store,
            source,
            model=model,
            handbook=handbook,
            concurrency=concurrency,
            output_format=output_format,
            judge=judge,
        )

    report = cli_context(ctx).with_store(work)
    if as_json:
        typer.echo(report.model_dump_json())
        return
    label = SCRIPTED if report.scripted else ""
    typer.echo(
        f"{report.source}: {report.traces} traces, {report.used} used, "
        f"{len(report.skipped)} skipped; {len(report.added)} behaviours added, "
        f"{len(report.merged)} merged into existing ones in handbook {report.handbook!r} "
        f"(curator {report.model}{label}, {report.output_tokens} output tokens)"
    )
    if not report.embedded:
        typer.echo("  no embedding model: near-duplicates were judged by their words")
    if report.judge is not None:
        asked = sum(report.judge_answers.values())
        unclear = report.judge_answers.get("unparseable", 0) + report.judge_answers.get("failed", 0)
        typer.echo(
            f"  judge {report.judge}: asked about {asked} pair(s) "
            f"({', '.join(f'{n} {k}' for k, n in sorted(report.judge_answers.items())) or 'none'})"
            + (f"; on {unclear} the embedding decided" if unclear else "")
        )
        if report.judge_unasked:
            typer.echo(
                f"  {len(report.judge_unasked)} pair(s) in the judge's band met only under the "
                "lock (traces curated at once): the threshold decided them"
            )
    from collections import Counter

    folded = Counter((m.draft, m.into) for m in report.merged)
    judged = {(m.draft, m.into): m.judge for m in report.merged if m.judge}
    for (draft, into), n in folded.items():
        again = f"{into} proposed again" if draft == into else f"{draft} merged into {into}"
        if judged.get((draft, into)):
            again += f" (judged by {judged[(draft, into)]})"
        typer.echo(f"  {again}" + (f" ({n} times)" if n > 1 else ""))
    for skipped in report.skipped:
        typer.echo(f"  skipped {skipped.trace}: {skipped.reason}")
    for rejected in report.rejected:
        typer.echo(f"  rejected {rejected}")
    if report.line_format:
        typer.echo(
            f"  {report.line_format} traces curated in the plain-line format, "
            f"{len(report.dropped)} lines dropped"
        )
    for dropped in report.dropped:
        typer.echo(f"  dropped {dropped}")


@app.command("list")
def list_command(
    ctx: typer.Context,
    handbook: str = HANDBOOK_OPTION,
    as_json: bool = typer.Option(False, "--json", help="JSON lines instead of a table."),
) -> None:
    """Every behaviour of a handbook with its usage counts."""
    from ethos.handbook.store import list_behaviors

    behaviors = cli_context(ctx).with_store(lambda store: list_behaviors(store, handbook))
    if as_json:
        for b in behaviors:
            typer.echo(b.model_dump_json())
        return
    if not behaviors:
        typer.echo(f"handbook {handbook!r} holds no behaviours")
        return
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(title=Text(f"handbook {handbook}: {len(behaviors)} behaviours"))
    for column in ("name", "instruction", "tags", "sources", "retrieved", "cited", "outcome"):
        table.add_column(column, justify="right" if column in ("retrieved", "cited") else "left")
    for b in behaviors:
        outcome = f"{b.outcome_mean:.2f}" if b.outcome_mean is not None else "-"
        # stored text is shown as text, never as rich markup
        cells = (b.name, b.instruction, ", ".join(b.tags), len(b.provenance), b.retrieved)
        table.add_row(*(Text(str(c)) for c in (*cells, b.cited, outcome)))
    Console().print(table)


@app.command("search")
def search(
    ctx: typer.Context,
    query: str = typer.Argument(..., help="A task or question, in your own words."),
    handbook: str = HANDBOOK_OPTION,
    k: int = typer.Option(5, "-k", "--k", min=1, help="How many behaviours to list."),
    tag: list[str] = typer.Option([], "--tag", help="Only behaviours with this tag (repeatable)."),
    threshold: float | None = typer.Option(
        None, "--threshold", help="Lowest score listed (default 0.3 cosine, 0.2 with BM25)."
    ),
    as_json: bool = typer.Option(False, "--json", help="JSON lines instead of a table."),
) -> None:
    """The behaviours retrieval would give an agent for QUERY (not counted
    as retrievals)."""
    import os

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from ethos.handbook.retrieval import retrieve

    found = cli_context(ctx).with_store(
        lambda store: retrieve(
            store, handbook, query, k=k, tags=tuple(tag), threshold=threshold, count=False
        )
    )
    if as_json:
        for r in found:
            typer.echo(json.dumps({"score": r.score, **r.behavior.model_dump(mode="json")}))
        return
    if not found:
        typer.echo(f"no behaviour of {handbook!r} scores above the threshold for this query")
        return
    for rank, r in enumerate(found, 1):
        typer.echo(f"{rank}. {r.behavior.name} ({r.score:.3f}): {r.behavior.instruction}")


@app.command("show")
def show(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="A behaviour's name (behavior_... or its words)."),
    handbook: str = HANDBOOK_OPTION,
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """One behaviour: its instruction, tags, usage and where it was learned."""
    from ethos.handbook.store import get_behavior

    b = cli_context(ctx).with_store(lambda store: get_behavior(store, handbook, name))
    if as_json:
        typer.echo(b.model_dump_json())
        return
    outcome = f"{b.outcome_mean:.3f}" if b.outcome_mean is not None else "none yet"
    typer.echo(f"{b.name} (handbook {b.handbook}, version {b.version})")
    typer.echo(f"  {b.instruction}")
    typer.echo(f"  tags: {', '.join(b.tags) or '-'}")
    typer.echo(f"  retrieved {b.retrieved}, cited {b.cited}, mean outcome when cited {outcome}")
    typer.echo(f"  learned from {len(b.provenance)} source(s):")
    for p in b.provenance:
        where = (
            f"run {p.run_id} sample {p.sample_id} epoch {p.epoch}"
            + (f" arm {p.arm}" if p.arm else "")
            if p.source == "run"
            else f"{p.path} {p.sample_id}"
            if p.source == "file"
            else "by hand"
        )
        by = f" (curator {p.model})" if p.model else ""
        typer.echo(f"    {where}{by}")


@app.command("export")
def export(
    ctx: typer.Context,
    sft: Path = typer.Option(..., "--sft", help="The JSONL file to write (a baseline beside it)."),
    questions: Path = typer.Option(
        ..., "--questions", help="JSONL of questions (question, optional answer) to answer."
    ),
    model: str = typer.Option(..., "--model", "-m", help="The teacher model that answers."),
    handbook: str = HANDBOOK_OPTION,
    k: int = typer.Option(5, "-k", "--k", min=1, help="Behaviours in each prompt."),
) -> None:
    """Behaviour-conditioned SFT data: each question answered with the
    handbook's behaviours in context, written without them, and the plain
    answer beside it as the baseline."""
    from ethos.handbook.sft import export_sft

    _register_scripted(model)
    report = cli_context(ctx).with_store(
        lambda store: export_sft(store, handbook, questions, sft, model=model, k=k)
    )
    typer.echo(report.model_dump_json())


@app.command("prune")
def prune_command(
    ctx: typer.Context,
    min_retrievals: int = typer.Option(
        ..., "--min-retrievals", help="Delete behaviours retrieved this often and never cited."
    ),
    handbook: str = HANDBOOK_OPTION,
) -> None:
    """Delete the behaviours agents were offered at least N times and never cited."""
    from ethos.handbook.store import prune

    gone = cli_context(ctx).with_store(
        lambda store: prune(store, handbook, min_retrievals=min_retrievals)
    )
    typer.echo(f"pruned {len(gone)} behaviour(s) from {handbook!r}")
    for name in gone:
        typer.echo(f"  {name}")


@app.command("merge")
def merge_command(
    ctx: typer.Context,
    keep: str = typer.Argument(..., help="The behaviour that stays."),
    drop: str = typer.Argument(..., help="The behaviour folded into it and deleted."),
    handbook: str = HANDBOOK_OPTION,
) -> None:
    """Fold DROP into KEEP: provenance, tags and usage counts move; DROP is deleted."""
    from ethos.handbook.store import merge

    kept = cli_context(ctx).with_store(lambda store: merge(store, handbook, keep, drop))
    typer.echo(
        f"merged into {kept.name} (version {kept.version}): {len(kept.provenance)} source(s), "
        f"retrieved {kept.retrieved}, cited {kept.cited}"
    )
