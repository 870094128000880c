"""``ethos eval``: run tasks, list them, report, compare and export runs."""

from __future__ import annotations

import re
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
) -> None:
    """Run a task (or finish an interrupted run of it) and print its report."""

    from ethos.errors import ConfigError
    from ethos.evals.run import EvalConfig, run_eval
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
            model_args=parse_pairs(model_arg, "-M"),
            model_roles={k: str(v) for k, v in parse_pairs(model_role, "--model-role").items()},
        )
    except ValueError as exc:
        raise ConfigError(
            f"invalid run options: {exc}", "fix the --arm/--baseline values"
        ) from None
    _check_model_strings(config, settings)
    if display is None and progress is not None:
        display = Display.rich if progress else Display.none
    mode = resolve_display(display)

    async def work(store):
        from ethos.evals.report import build_report

        result = await run_eval(
            config,
            store=store,
            resume=resume,
            new_run=new_run,
            progress=mode,
            settings=settings,
        )
        return result, await build_report(store, result.run_id)

    result, built = context.with_store(work)
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


@app.command("list")
def list_tasks() -> None:
    """List the registered tasks (of every installed suite) and the
    arguments each takes; a suite plug-in that fails to load is one line on
    stderr, and the others are still listed."""
    import inspect

    from ethos.evals.suite import problems
    from ethos.evals.task import registered

    for problem in problems():
        typer.echo(f"warning: {problem}", err=True)
    for name, factory in registered().items():
        params = inspect.signature(factory).parameters.values()
        args = ", ".join(
            f"{p.name}={p.default!r}" if p.default is not p.empty else p.name for p in params
        )
        doc = (inspect.getdoc(factory) or "").splitlines()
        typer.echo(f"{name}({args})" + (f"  {doc[0]}" if doc else ""))


def _check_model_strings(config, settings) -> None:
    """Each arm's and role's model string and where it sends prompts, before
    the database is opened: a refused model leaves nothing behind, not even
    a new database file (run_eval checks the rest against the task)."""
    from ethos.evals.run import _model_args
    from ethos.models.preflight import check_all

    arm_args = {arm.model: _model_args(config, arm) for arm in config.arms}
    entries = [(f"arm {a.name!r}", a.model, _model_args(config, a)) for a in config.arms]
    entries += [(f"role {r!r}", m, arm_args.get(m, {})) for r, m in config.model_roles.items()]
    # Script names are checked by run_eval, once the task file has registered its own.
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
