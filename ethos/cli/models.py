"""``ethos models``: build tiny local checkpoints and list the ones on disk."""

from __future__ import annotations

from pathlib import Path

import typer

from ethos.cli.context import cli_context

app = typer.Typer(help="Local model checkpoints: build tiny ones, list them.", no_args_is_help=True)


@app.command("build-tiny")
def build_tiny(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="The checkpoint's NAME: use it as local/NAME."),
    arch: str = typer.Option(
        ...,
        "--arch",
        help="qwen3_moe, olmoe, mixtral, qwen2_moe, deepseek_v3 or gpt_oss.",
    ),
    out: Path | None = typer.Option(
        None,
        "--out",
        help="Write the checkpoint to this directory (default: <data_dir>/models/NAME).",
        show_default=False,
    ),
    seed: int = typer.Option(0, help="Seed of the random weights (same seed, same weights)."),
) -> None:
    """Write a tiny Mixture-of-Experts checkpoint with random weights and its own tokenizer."""
    import os

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    # tiny checks the arch before it imports torch: a typo costs no time.
    from ethos.models.local.tiny import build_tiny as build
    from ethos.models.local.tiny import describe

    path = build(out or name, arch, seed, settings=cli_context(ctx).settings())
    info = describe(path)
    typer.echo(f"wrote {arch} checkpoint to {path} ({info['parameters']:,} parameters)")
    typer.echo(f"use it as local/{path if out else name}")


@app.command("list")
def list_models(ctx: typer.Context) -> None:
    """List the checkpoints in <data_dir>/models (usable as local/NAME)."""
    from ethos.models.local.paths import is_checkpoint, models_dir
    from ethos.models.local.tiny import describe

    home = models_dir(cli_context(ctx).settings())
    # Hidden entries are checkpoints still being assembled by build-tiny.
    entries = home.iterdir() if home.is_dir() else ()
    found = sorted(p for p in entries if not p.name.startswith(".") and is_checkpoint(p))
    if not found:
        how = "`ethos models build-tiny NAME --arch qwen3_moe`"
        typer.echo(f"no models in {home}; {how} builds one")
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("name", "arch", "parameters", "path", title=f"models in {home}")
    for path in found:
        info = describe(path)
        size = f"{info['parameters']:,}" if "parameters" in info else "?"
        table.add_row(path.name, info["arch"], size, str(path))
    Console().print(table)
