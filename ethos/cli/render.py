"""Rich renderings of stored records, shared by the commands that show them."""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table

if TYPE_CHECKING:
    from ethos.db.store import Event, Run, RunCounts

# Ids are time-ordered: 12 hex digits of milliseconds, then randomness. 16
# characters tell runs apart in practice, and every command takes a prefix.
ID_SHOWN = 16
STATUS_STYLE = {"running": "yellow", "succeeded": "green", "failed": "red", "cancelled": "dim"}


def when(value: datetime | None) -> str:
    return value.astimezone().strftime("%Y-%m-%d %H:%M:%S") if value else "-"


def duration(run: Run) -> str:
    if run.finished_at is None:
        return "-"
    seconds = (run.finished_at - run.created_at).total_seconds()
    return f"{seconds:.2f}s" if seconds < 120 else f"{seconds / 60:.1f}m"


def status(value: str) -> str:
    return f"[{STATUS_STYLE.get(value, 'white')}]{value}[/]"


NAME_MIN = 16  # narrower than this, a name wraps one word a line


def runs_table(runs: list[Run], width: int | None = None) -> Any:
    """The runs as a table; where ``width`` leaves the name column under
    ``NAME_MIN`` characters, each run as a line of its facts with its name
    whole on the lines below, so nothing is cut at the console's edge."""
    cells = [
        (run.id[:ID_SHOWN], run.kind, run.status, when(run.created_at), duration(run))
        for run in runs
    ]
    heads = ("id", "kind", "status", "created", "took")
    # each column's widest cell or header, and one space either side (the name's too)
    fixed = sum(max(len(h), *(len(c[i]) for c in cells)) + 2 for i, h in enumerate(heads)) + 2
    if width is not None and width - fixed < NAME_MIN:
        from rich.console import Group
        from rich.padding import Padding
        from rich.text import Text

        blocks: list[Any] = []
        for run, (rid, kind, state, created, took) in zip(runs, cells, strict=True):
            style = STATUS_STYLE.get(state, "white")
            facts = Text.assemble(f"{rid}  {kind}  ", (state, style), f"  {created}  {took}")
            blocks += [facts, Padding(Text(run.name or "-"), (0, 0, 0, 2))]
        return Group(*blocks)
    table = Table(box=None, header_style="bold")
    for column in heads:
        table.add_column(column, no_wrap=True)
    # The name wraps (a long path folds) rather than ending in "…": two runs'
    # names cut to the same prefix could not be told apart.
    table.add_column("name", overflow="fold", min_width=NAME_MIN)
    for run in runs:
        table.add_row(
            run.id[:ID_SHOWN],
            run.kind,
            status(run.status),
            when(run.created_at),
            duration(run),
            run.name,
        )
    return table


def plural(n: int, noun: str) -> str:
    noun = noun.replace("_", " ")
    return f"{n} {noun.removesuffix('s') if n == 1 else noun}"


def short(payload: Any, width: int = 90) -> str:
    text = payload if isinstance(payload, str) else json.dumps(payload, ensure_ascii=False)
    return text if len(text) <= width else text[: width - 1] + "…"


def print_run(
    console: Console, run: Run, counts: RunCounts, events: list[Event], where: str
) -> None:
    console.print(f"[bold]run {run.id}[/]  {status(run.status)}")
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="dim")
    facts.add_column()
    facts.add_row("kind / name", f"{run.kind} / {run.name}")
    facts.add_row("created", when(run.created_at))
    facts.add_row("finished", f"{when(run.finished_at)}  (took {duration(run)})")
    if run.error:
        facts.add_row("error", f"[red]{run.error}[/]")
    if run.config:
        facts.add_row("config", short(run.config))
    if run.metadata:
        facts.add_row("metadata", short(run.metadata))
    facts.add_row(
        "stored",
        ", ".join(plural(n, name) for name, n in counts.model_dump().items()),
    )
    facts.add_row("database", where)
    console.print(facts)
    if events:
        table = Table(title=f"events (first {len(events)})", box=None, header_style="bold")
        for column in ("#", "kind", "sample", "payload"):
            table.add_column(column)
        for e in events:
            sample = str(e.sample_pk) if e.sample_pk is not None else ""
            table.add_row(str(e.id), e.kind, sample, short(e.payload))
        console.print(table)
