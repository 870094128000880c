"""The report and a comparison as rich tables in the terminal."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.markup import escape

from ethos.evals.report.formatting import arm_label, interval, num, signed
from ethos.evals.report.model import Comparison, EvalReport

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table


def print_report(console: Console, report: EvalReport) -> None:
    """The report as rich tables: facts, the scripted label, counts per arm,
    and one row per metric and arm with its Delta to the baseline."""
    from rich.panel import Panel
    from rich.table import Table

    run = report.run
    console.print(f"[bold]eval report: {escape(run.task)}[/]  run {run.id}  ({escape(run.status)})")
    if run.scripted_label:
        console.print(Panel(f"[bold]{run.scripted_label}[/]", style="bold red"))
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="dim")
    facts.add_column()
    for arm in run.arms:
        mark = "  (baseline)" if arm.name == run.baseline else ""
        facts.add_row(f"arm {escape(arm_label(arm.name))}", f"{escape(arm.model or '-')}{mark}")
    facts.add_row(
        "epochs / seed", f"{run.epochs or '-'} / {run.seed if run.seed is not None else '-'}"
    )
    facts.add_row("reducer", escape(report.reducer))
    if run.error:
        facts.add_row("error", f"[red]{escape(run.error)}[/]")
    console.print(facts)

    counts = Table(title="samples (rows: sample x epoch)", box=None, header_style="bold")
    for column in ("arm", "succeeded", "failed", "other"):
        counts.add_column(column, justify="left" if column == "arm" else "right")
    for c in report.counts:
        failed = f"[red]{c.failed}[/]" if c.failed else "0"
        counts.add_row(escape(arm_label(c.arm)), str(c.succeeded), failed, str(c.other))
    console.print(counts)

    if report.metrics:
        print_metrics(console, report)
    else:
        console.print("[bold]no scores[/]: no sample succeeded with a score yet")
    print_failures(console, report)
    for note in [*report.notes, *(report.section.notes if report.section else [])]:
        console.print(f"[dim]note: {escape(note)}[/]")


def print_metrics(console: Console, report: EvalReport) -> None:
    """One row per metric and arm with its Delta to the baseline: one table
    where it fits the console's width, else one block per metric (its name
    on a line of its own, whole) so that a narrow terminal never cuts two
    names to the same ``game.coord…``."""
    from rich.measure import Measurement

    wide = _metrics_table(report, with_name=True)
    unbounded = console.options.update_width(10_000)  # the width it would take
    if Measurement.get(console, unbounded, wide).maximum <= console.width:
        console.print(wide)
        return
    console.print("[bold]metrics[/]")
    for name in dict.fromkeys(m.name for m in report.metrics):
        console.print(f"[bold]{escape(name)}[/]", soft_wrap=True)
        console.print(_metrics_table(report, with_name=False, only=name))


def _metrics_table(report: EvalReport, *, with_name: bool, only: str | None = None) -> Table:
    from rich.table import Table

    run = report.run
    level = f"{report.confidence:.0%}"
    table = Table(title="metrics" if with_name else None, box=None, header_style="bold")
    if with_name:
        table.add_column("metric", no_wrap=True)
    table.add_column("arm")
    table.add_column("n", justify="right")
    table.add_column("mean", justify="right")
    table.add_column(f"{level} CI", no_wrap=True)
    table.add_column("method")
    table.add_column(f"Δ vs {escape(arm_label(run.baseline or ''))}", justify="right")
    table.add_column(f"Δ {level} CI", no_wrap=True)
    deltas = {(d.name, d.arm): d for d in report.deltas}
    previous = None
    for m in report.metrics:
        if only is not None and m.name != only:
            continue
        delta = deltas.get((m.name, m.arm))
        shown = ["", ""]
        if delta is not None:
            style = "green" if delta.ci_low > 0 else "red" if delta.ci_high < 0 else "dim"
            shown = [f"[{style}]{signed(delta.mean)}[/]", interval(delta.ci_low, delta.ci_high)]
        name = [escape(m.name) if m.name != previous else ""] if with_name else []
        table.add_row(
            *name,
            escape(arm_label(m.arm)),
            f"{m.n:,}",
            num(m.mean),
            interval(m.ci_low, m.ci_high),
            m.method,
            *shown,
        )
        previous = m.name
    return table


def print_failures(console: Console, report: EvalReport) -> None:
    """The failed sample rows by error class: how many, the first message,
    the first sample ids."""
    from rich.table import Table

    if not report.failures:
        return
    total = sum(f.count for f in report.failures)
    table = Table(title=f"failures ({total:,} sample rows)", box=None, header_style="bold red")
    for column in ("error", "count", "first message", "sample ids"):
        table.add_column(column, justify="right" if column == "count" else "left")
    for f in report.failures:
        more = f.count - len(f.sample_ids)
        ids = ", ".join(f.sample_ids) + (f", … ({more:,} more rows)" if more > 0 else "")
        table.add_row(
            escape(f.error_class), f"{f.count:,}", escape(_first_line(f.first_message)), escape(ids)
        )
    console.print(table)


def _first_line(text: str, limit: int = 200) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= limit else line[: limit - 1] + "…"


def print_comparison(console: Console, comparison: Comparison) -> None:
    """Two runs' shared metrics as one rich table, b - a per metric and arm."""
    from rich.table import Table

    a, b = comparison.run_a, comparison.run_b
    console.print(f"[bold]compare[/] a = {a.id} ({escape(a.task)})  b = {b.id} ({escape(b.task)})")
    for facts in (a, b):
        if facts.scripted_label:
            console.print(f"[bold red]run {facts.id}: {facts.scripted_label}[/]")
    level = f"{comparison.confidence:.0%}"
    table = Table(box=None, header_style="bold")
    for column in ("metric", "arm", "a (n)", "b (n)", "b - a", f"{level} CI", "method"):
        table.add_column(column, justify="right" if column.startswith(("a", "b")) else "left")
    for d in comparison.differences:
        style = "green" if d.ci_low > 0 else "red" if d.ci_high < 0 else "dim"
        table.add_row(
            escape(d.name),
            escape(arm_label(d.arm)),
            f"{num(d.a.mean)} ({d.a.n:,})",
            f"{num(d.b.mean)} ({d.b.n:,})",
            f"[{style}]{signed(d.difference)}[/]",
            interval(d.ci_low, d.ci_high),
            d.method,
        )
    console.print(table)
    for side, keys in (("a", comparison.only_in_a), ("b", comparison.only_in_b)):
        if keys:
            console.print(f"[dim]only in {side}: {escape(', '.join(keys))}[/]")
