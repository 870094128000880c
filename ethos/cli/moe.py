"""``ethos moe``: expert-level tools for local Mixture-of-Experts models."""

from __future__ import annotations

from pathlib import Path

import typer

from ethos.cli.context import cli_context

app = typer.Typer(
    help="Mixture-of-Experts: profile which experts a behaviour routes to.",
    no_args_is_help=True,
)


def _read_prompts(path: Path, what: str) -> list[str]:
    from ethos.errors import ConfigError

    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise ConfigError(
            f"cannot read the {what} prompts from {path}: {exc.strerror or exc}",
            "pass a text file with one prompt per line",
        ) from None
    prompts = [line for line in lines if line.strip()]
    if not prompts:
        raise ConfigError(f"{path} holds no {what} prompts", "write one prompt per line")
    return prompts


@app.command("profile")
def profile_command(
    ctx: typer.Context,
    model: str = typer.Option(..., "--model", help="The local model, as local/NAME."),
    behavior: Path = typer.Option(
        ..., "--behavior", help="Prompts that show the behaviour, one per line."
    ),
    control: Path = typer.Option(..., "--control", help="Control prompts, one per line."),
    top: int = typer.Option(10, "--top", min=1, help="How many experts to list."),
    by: str = typer.Option(
        "risk_difference", "--by", help="Rank by risk_difference (SteerMoE) or differential (MoTE)."
    ),
    raw: bool = typer.Option(
        False, "--raw", help="Tokenize the prompts as plain text, not as chat messages."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the ranked experts as JSON."),
) -> None:
    """Profile expert routing on behaviour prompts against control prompts (fTRI),
    store the profile as a run, and list the most behaviour-specific experts."""
    import os

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from ethos.errors import ConfigError

    if by not in ("risk_difference", "differential"):
        raise ConfigError(f"--by {by!r} is not a ranking", "use risk_difference or differential")
    behavior_prompts = _read_prompts(behavior, "behavior")
    control_prompts = _read_prompts(control, "control")
    context = cli_context(ctx)
    settings = context.settings()

    async def work(store):
        from ethos.models.profile import profile, store_profile

        result = await profile(
            model, behavior_prompts, control_prompts, chat=not raw, settings=settings
        )
        run_id = await store_profile(
            store, result, name=f"{model} {behavior.stem} v {control.stem}", settings=settings
        )
        return result, run_id

    result, run_id = context.with_store(work)
    ranked = result.ranked(by=by, top=top)  # type: ignore[arg-type]
    where = Path(settings.data_dir) / "profiles" / f"{run_id}.json"
    if as_json:
        import json

        payload = {
            "run_id": run_id,
            "path": str(where),
            "model": result.model,
            "behavior_tokens": result.behavior_tokens,
            "control_tokens": result.control_tokens,
            "by": by,
            "experts": [s.model_dump() for s in ranked],
        }
        typer.echo(json.dumps(payload, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(
        title=f"{result.model}: {result.behavior_prompts} behaviour prompts "
        f"({result.behavior_tokens} tokens) v {result.control_prompts} control "
        f"({result.control_tokens} tokens), by {by}"
    )
    for column in ("layer", "expert", "rate B", "rate C", "risk diff", "differential", "p"):
        table.add_column(column, justify="right")
    for s in ranked:
        table.add_row(
            str(s.layer),
            str(s.expert),
            f"{s.behavior_rate:.3f}",
            f"{s.control_rate:.3f}",
            f"{s.risk_difference:+.3f}",
            f"{s.differential:+.4f}",
            f"{s.p_value:.2g}",
        )
    Console().print(table)
    typer.echo(f"profile stored as run {run_id} ({where})")
