"""``ethos eval``: run tasks, list them, report, compare and export runs."""

from __future__ import annotations

import functools
import re
from enum import StrEnum
from typing import Any

import typer

from ethos.cli.context import cli_context
from ethos.cli.display import Display, display_option
from ethos.cli.display import resolve as resolve_display
from ethos.cli.eval_report import compare, report

app = typer.Typer(help="Run evaluations and report on them.", no_args_is_help=True)
app.command("report")(report)
app.command("compare")(compare)


def parse_arm(text: str) -> dict[str, Any]:
    """``name=model[,key=value...]`` -> an Arm's fields."""
    from ethos.errors import ConfigError
    from ethos.keyvalue import parse_pairs

    name, sep, rest = text.partition("=")
    # Split only at commas that start a new key=, so JSON values keep theirs.
    model, *options = re.split(r",(?=\s*[A-Za-z_][\w.-]*\s*=)", rest)
    if not sep or not name.strip() or not model.strip():
        raise ConfigError(
            f"--arm {text!r} is not name=model[,key=value...]",
            "write it as --arm steered=local/tiny,temperature=0.7",
        )
    return {"name": name.strip(), "model": model.strip(), "options": parse_pairs(options, "--arm")}


class Executor(StrEnum):
    """Who works a run's samples (``--executor``)."""

    local = "local"
    ray = "ray"


@app.command("run")
def run(
    ctx: typer.Context,
    task: str = typer.Argument(
        ..., help="A registered task (see `ethos eval list`) or file.py@fn."
    ),
    model: str | None = typer.Option(None, "--model", "-m", help="The model of the single arm."),
    task_arg: list[str] = typer.Option([], "--task-arg", "-T", help="A task argument, k=v."),
    arm: list[str] = typer.Option(
        [], "--arm", help="A named condition, name=model[,key=value...] (repeatable)."
    ),
    baseline: str | None = typer.Option(None, help="The arm others are compared to."),
    epochs: int | None = typer.Option(None, min=1, help="Repeats of every sample."),
    limit: int | None = typer.Option(None, min=1, help="Only the first N samples."),
    seed: int = typer.Option(0, help="Seed of every sample's own seed."),
    max_connections: int = typer.Option(16, min=1, help="Samples (and calls per model) at once."),
    fail_on_error: float | None = typer.Option(
        None, min=0, help="Stop when more samples fail: a fraction (<1) or a count."
    ),
    resume: str | None = typer.Option(
        None, help="Continue this run (even if its task's code changed since: recorded)."
    ),
    new_run: bool = typer.Option(
        False, "--new-run", help="Start a new run even if this command has an unfinished one."
    ),
    lease: float = typer.Option(
        30.0,
        min=0.1,
        help="Seconds a crashed process's samples stay claimed before others "
        "take them over (its heartbeat renews them meanwhile).",
    ),
    model_arg: list[str] = typer.Option([], "--model-arg", "-M", help="Model argument, k=v."),
    model_role: list[str] = typer.Option([], "--model-role", help="role=model (repeatable)."),
    progress: bool | None = typer.Option(
        None,
        "--progress/--no-progress",
        help="Older spelling of --display rich / --display none.",
        hidden=True,
    ),
    display: Display | None = display_option(),
    executor: Executor = typer.Option(
        Executor.local,
        "--executor",
        case_sensitive=False,
        help="Who works the samples: this process (local), or actors on a Ray cluster "
        "(ray; needs PostgreSQL and `pip install 'ethos[ray]'`).",
    ),
    address: str | None = typer.Option(
        None,
        "--address",
        help="The Ray cluster's HOST:PORT (as `ray start --head` prints it); "
        "default: RAY_ADDRESS, else a cluster of its own on this machine.",
    ),
    workers: int | None = typer.Option(
        None, "--workers", min=1, help="Ray actors working the run (default 2), one CPU each."
    ),
) -> None:
    """Run a task (or finish an interrupted run of it) and print its report."""

    from ethos.errors import ConfigError
    from ethos.keyvalue import parse_pairs

    context = cli_context(ctx)
    settings = context.settings()
    arms = [parse_arm(a) for a in arm]
    if model and arms:
        raise ConfigError("pass --model or --arm, not both", "give each arm its model")
    if not arms:
        default = model or settings.roles.get("default")
        if default is None:
            raise ConfigError(
                "no model to evaluate", 'pass --model, --arm, or set [roles] default = "..."'
            )
        arms = [{"name": "default", "model": default}]
    model_args = parse_pairs(model_arg, "-M")
    roles = {k: str(v) for k, v in parse_pairs(model_role, "--model-role").items()}
    # Before the harness (and SQLAlchemy) is imported: a missing key is refused in well
    # under a second, and nothing, not even a database file, is left behind.
    _preflight(arms, roles, model_args, max_connections, settings)
    from ethos.evals.run import EvalConfig, run_eval

    try:
        config = EvalConfig(
            task=task,
            task_args=parse_pairs(task_arg, "-T"),
            arms=arms,
            baseline=baseline,
            epochs=epochs,
            limit=limit,
            seed=seed,
            max_connections=max_connections,
            fail_on_error=fail_on_error,
            lease_s=lease,
            model_args=model_args,
            model_roles=roles,
        )
    except ValueError as exc:
        raise ConfigError(
            f"invalid run options: {exc}", "fix the --arm/--baseline values"
        ) from None
    if display is None and progress is not None:
        display = Display.rich if progress else Display.none
    mode = resolve_display(display)
    if new_run:  # the same command would start yet another run
        from ethos.cli.display import set_resume_hint

        set_resume_hint("run the same command without --new-run to resume")
    ray_options = _ray_options(executor, address, workers, settings)

    async def work(store):
        from ethos.evals.report import build_report

        executor: Any = run_eval
        if ray_options is not None:
            from ethos.evals.ray_executor import run_eval_ray

            executor = functools.partial(run_eval_ray, **ray_options)
        result = await executor(
            config, store=store, resume=resume, new_run=new_run, progress=mode, settings=settings
        )
        return result, await build_report(store, result.run_id)

    try:
        result, built = context.with_store(work)
    finally:
        if ray_options is not None:
            from ethos.evals.ray_executor import disconnect

            disconnect()
    if built is not None and (built.metrics or built.failures):
        from rich.console import Console

        from ethos.evals.report import print_report

        print_report(Console(), built)
    label = "  [scripted models: test doubles, not model behaviour]" if result.scripted else ""
    typer.echo(
        f"run {result.run_id} {result.status}: {result.succeeded} of {result.total} samples "
        f"succeeded, {result.failed} failed, {result.skipped} already done{label}"
    )
    typer.echo(f"report: ethos eval report {result.run_id[:12]} [--html report.html]")
    if result.status != "succeeded":
        raise typer.Exit(1)


def _ray_options(
    executor: Executor, address: str | None, workers: int | None, settings: Any
) -> dict[str, Any] | None:
    """For ``--executor ray``: the database checked (PostgreSQL) and the
    cluster joined, before the store is opened and any run row exists."""
    from ethos.errors import ConfigError

    if executor is Executor.local:
        given = [name for name, v in (("--address", address), ("--workers", workers)) if v]
        if given:
            verb = "are" if len(given) > 1 else "is"
            raise ConfigError(
                f"{' and '.join(given)} {verb} for the Ray executor only",
                "add --executor ray, or leave them out",
            )
        return None
    from ethos.evals.ray_executor import check_database, connect

    url = settings.resolved_database_url
    check_database(url)
    n = workers or 2
    resources = connect(address, n)
    return {"database_url": url, "workers": n, "resources": resources}


@app.command("list")
def list_tasks() -> None:
    """List the registered tasks (of every installed suite) as a table: name,
    what it measures (the first sentence of its description) and its -T
    arguments with their defaults. A suite plug-in that fails to load is one
    line on stderr, and the others are still listed."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from ethos.evals.suite import problems
    from ethos.evals.task import registered

    for problem in problems():
        typer.echo(f"warning: {problem}", err=True)
    table = Table(box=None, header_style="bold", show_lines=False)
    table.add_column("task", no_wrap=True)
    table.add_column("description", ratio=3)
    table.add_column("arguments (-T name=value)", ratio=2)
    for name, factory in sorted(registered().items()):
        described, arguments = first_sentence(factory), task_arguments(factory)
        table.add_row(escape(name), escape(described), escape(arguments))
    Console().print(table)


def first_sentence(factory: Any) -> str:
    """The first sentence of a factory's docstring, whole (never cut mid-word)."""
    import inspect

    paragraph = (inspect.getdoc(factory) or "").split("\n\n", 1)[0]
    text = " ".join(paragraph.split())
    match = re.search(r"(?<=[.!?])\s+(?=[A-Z(`\"'])", text)
    return text[: match.start()] if match else text


def task_arguments(factory: Any) -> str:
    """``name=default`` per argument, ``name`` for a required one, with its type."""
    import inspect

    shown = []
    for p in inspect.signature(factory).parameters.values():
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            continue
        kind = p.annotation
        kind = kind if isinstance(kind, str) else getattr(kind, "__name__", "")
        typed = f" ({kind})" if kind and kind != "Any" and p.annotation is not p.empty else ""
        default = f"={p.default!r}" if p.default is not p.empty else ""
        shown.append(f"{p.name}{default}{typed}")
    return ", ".join(shown) or "-"


def _preflight(arms, roles, model_args, max_connections, settings) -> None:
    """Each arm's and role's model string, its arguments, where it sends
    prompts and its key, before the database is opened: a refused model
    leaves nothing behind, not even a new database file. The arguments merge
    as the harness merges them (ethos.models.preflight.arm_model_args); script
    names are checked by run_eval, once the task file has registered its own."""
    from ethos.models.preflight import arm_model_args, check_all

    def args_of(arm: dict[str, Any]) -> dict[str, Any]:
        return arm_model_args(model_args, arm.get("options") or {}, max_connections)

    arm_args = {a["model"]: args_of(a) for a in arms}
    entries = [(f"arm {a['name']!r}", a["model"], args_of(a)) for a in arms]
    entries += [(f"role {r!r}", m.strip(), arm_args.get(m.strip(), {})) for r, m in roles.items()]
    check_all(entries, settings, scripts=False)


@app.command("export")
def export(
    ctx: typer.Context,
    run_id: str = typer.Argument(..., help="An eval run id or a unique prefix (4+ characters)."),
    out: str = typer.Option(  # a str: Path would drop the trailing / of a new directory
        ...,
        "--out",
        "-o",
        help="The Inspect log to write (a .json file), or a directory for `inspect view` "
        "(created when written with a trailing /).",
    ),
) -> None:
    """Write an eval run as Inspect AI logs, for `inspect view` and
    inspect_ai.log.read_eval_log: samples with their messages, events,
    scores and model usage.

    One log per arm (an Inspect log is one model's): a run with one arm
    writes FILE; a run with several writes FILE-stem.<arm>.json for each,
    sharing the ethos run id as Inspect's run_id, and every sample names its
    arm in metadata["ethos"]. Given a directory, the logs are named as
    Inspect names its own, so `inspect view --log-dir DIR` lists them (it
    lists no other .json names). A run stored with transcripts off exports
    without messages or events."""
    from ethos.evals.inspect_log import check_destination, export_run

    check_destination(out)  # before opening the database: a bad -o costs nothing

    async def work(store):
        return await export_run(store, run_id, out), await store.get_run(run_id)

    files, stored = cli_context(ctx).with_store(work, create=False)
    for file in files:
        typer.echo(f"wrote {file}")
    if stored.metadata.get("transcripts") is False:
        typer.echo(
            f"note: run {stored.id} was stored without transcripts: its samples have no messages",
            err=True,
        )
    if stored.metadata.get("scripted"):
        typer.echo("[scripted models: test doubles, not model behaviour]")
