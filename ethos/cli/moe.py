"""``ethos moe``: expert-level tools for local Mixture-of-Experts models."""

from __future__ import annotations

from pathlib import Path

import typer

from ethos.cli.context import cli_context

app = typer.Typer(
    help="Mixture-of-Experts: profile which experts a behaviour routes to (fTRI), prune "
    "experts into a smaller checkpoint (EASY-EP) and measure ablations.",
    no_args_is_help=True,
)


def _check_ranking(by: str) -> None:
    from ethos.errors import ConfigError

    rankings = ("mote_differential", "risk_difference", "gate_differential")  # profile.RANKINGS
    if by not in rankings:
        hint = " (the pooled gate score is now gate_differential)" if by == "differential" else ""
        raise ConfigError(
            f"--by {by!r} is not a ranking{hint}", f"use one of {', '.join(rankings)}"
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
        "mote_differential",
        "--by",
        help="Rank by mote_differential (MoTE: per-prompt selection share, behaviour minus "
        "control), risk_difference (SteerMoE: pooled selection rate) or gate_differential "
        "(pooled gate weight per token).",
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

    _check_ranking(by)
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

        from ethos.models.profile import finite_json

        payload = {
            "run_id": run_id,
            "path": str(where),
            "model": result.model,
            "behavior_tokens": result.behavior_tokens,
            "control_tokens": result.control_tokens,
            "by": by,
            "experts": [finite_json(s.model_dump()) for s in ranked],
        }
        typer.echo(json.dumps(payload, indent=2))
        return
    from rich import box
    from rich.console import Console
    from rich.table import Table

    table = Table(
        box=box.SIMPLE_HEAD,
        title=f"{result.model}: {result.behavior_prompts} behaviour prompts "
        f"({result.behavior_tokens} tokens) v {result.control_prompts} control "
        f"({result.control_tokens} tokens), by {by}",
    )
    for column in ("layer", "expert", "MoTE diff", "Welch p", "risk diff", "z p", "gate diff"):
        table.add_column(column, justify="right", no_wrap=True)
    for s in ranked:
        table.add_row(
            str(s.layer),
            str(s.expert),
            _number(s.mote_differential, "+.3f"),
            _number(s.mote_p, ".2g"),
            f"{s.risk_difference:+.3f}",
            f"{s.p_value:.2g}",
            f"{s.gate_differential:+.3f}",
        )
    Console().print(table)
    typer.echo(
        "MoTE diff: mean over prompts of the share of a prompt's tokens that chose the expert, "
        "behaviour minus control (Welch t-test across prompts); risk diff: the pooled "
        "selection rate (SteerMoE); formulas under 'scores' in the profile JSON"
    )
    typer.echo(f"profile stored as run {run_id} ({where})")


def _number(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


@app.command("prune")
def prune_command(
    ctx: typer.Context,
    model: str = typer.Option(..., "--model", help="The local model, as local/NAME."),
    demos: Path = typer.Option(
        ..., "--demos", help="Domain demonstrations to score the experts on, one per line."
    ),
    keep: int = typer.Option(..., "--keep", help="Routed experts to keep in every MoE layer."),
    out: str = typer.Option(
        ...,
        "--out",
        help="Where to write the pruned checkpoint: a NAME (under the models "
        "folder, then usable as local/NAME) or a directory path.",
    ),
    raw: bool = typer.Option(
        False, "--raw", help="Tokenize the demonstrations as plain text, not as chat messages."
    ),
    clamp_top_k: bool = typer.Option(
        False, "--clamp-top-k", help="Allow --keep below the model's top-k (tokens get fewer)."
    ),
    drop_groups: bool = typer.Option(
        False, "--drop-groups", help="DeepSeek-V3: switch group-limited routing off."
    ),
    overwrite: bool = typer.Option(
        False, "--overwrite", help="Replace an existing checkpoint at --out."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Prune every MoE layer to its --keep best experts on domain demonstrations
    (EASY-EP scores) and write the smaller checkpoint; the scores are saved in it."""
    import os

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from ethos.errors import ConfigError

    if not model.startswith("local/") or model == "local/":
        raise ConfigError(
            f"--model {model!r} is not a local model",
            "pass local/NAME: pruning rewrites a checkpoint on disk",
        )
    prompts = _read_prompts(demos, "demonstration")
    settings = cli_context(ctx).settings()
    from ethos.models.local.paths import checkpoint_dir, resolve_checkpoint
    from ethos.models.pruning import SCORES_FILE, check_prune

    source = resolve_checkpoint(model.removeprefix("local/"), settings=settings)
    target = checkpoint_dir(out, settings)
    from ethos.cli.models import refuse_overwrite

    options = {"clamp_top_k": clamp_top_k, "drop_groups": drop_groups, "overwrite": True}
    check_prune(source, target, keep, **options)  # a bad request fails before any compute
    refuse_overwrite(out, settings, overwrite)  # the one refusal that names --overwrite
    options["overwrite"] = overwrite

    from ethos.models.local.host import LocalModel
    from ethos.models.pruning import easy_ep_scores, prune

    local = LocalModel.load(source)
    try:
        scores = easy_ep_scores(local, prompts, chat=not raw)
    finally:
        local.close()
    result = prune(source, scores, target, keep=keep, **options)
    if as_json:
        import json

        payload = {**result.model_dump(mode="json"), "scores": str(target / SCORES_FILE)}
        typer.echo(json.dumps(payload, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(
        title=f"{source.name} -> {target}: {result.keep} of {result.num_experts_before} experts "
        f"per layer, EASY-EP on {scores.prompts} demonstrations ({scores.tokens} tokens)"
    )
    for column in ("layer", "kept experts", "score kept / total"):
        table.add_column(column, justify="right")
    for layer, experts in result.kept.items():
        layer_scores = scores.scores[layer]
        share = sum(layer_scores[e] for e in experts) / (sum(layer_scores) or 1.0)
        table.add_row(str(layer), " ".join(map(str, experts)), f"{share:.3f}")
    Console().print(table)
    ratio = result.parameters_after / result.parameters_before
    typer.echo(
        f"parameters {result.parameters_before:,} -> {result.parameters_after:,} ({ratio:.3f}); "
        f"top-k {result.top_k_before} -> {result.top_k_after}"
    )
    typer.echo(f"pruned checkpoint written to {target}; scores in {target / SCORES_FILE}")


@app.command("ablate")
def ablate_command(
    ctx: typer.Context,
    model: str = typer.Option(..., "--model", help="The local model, as local/NAME."),
    profile_ref: str = typer.Option(
        ..., "--profile", help="A profile: the run id `ethos moe profile` printed, or its JSON."
    ),
    behavior: Path = typer.Option(
        ..., "--behavior", help="Prompts to measure the behaviour on, one per line."
    ),
    control: Path | None = typer.Option(
        None, "--control", help="Control prompts, to measure collateral change (optional)."
    ),
    top: int = typer.Option(3, "--top", min=1, help="How many top experts to switch."),
    by: str = typer.Option(
        "mote_differential",
        "--by",
        help="Rank by mote_differential (MoTE: per-prompt selection share, behaviour minus "
        "control), risk_difference (SteerMoE: pooled selection rate) or gate_differential "
        "(pooled gate weight per token).",
    ),
    mode: str = typer.Option("off-reroute", "--mode", help="off-reroute, off-drop or force."),
    controls: int = typer.Option(
        3, "--controls", min=0, help="Random-expert control arms of the same size."
    ),
    classifier: str = typer.Option(
        "refusal", "--classifier", help="refusal, contains:TEXT or token:WORD."
    ),
    max_tokens: int | None = typer.Option(None, "--max-tokens", min=1, help="Reply length."),
    temperature: float = typer.Option(0.0, "--temperature", min=0, help="0: greedy."),
    epochs: int = typer.Option(1, "--epochs", min=1, help="Replies per prompt and arm."),
    seed: int = typer.Option(0, "--seed", help="Seeds the random controls and the sampling."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Switch a profile's top experts off (or force them) and measure the behaviour
    rate against the unmasked model and random experts of the same size (MoTE);
    the result is an eval run."""
    import os

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from ethos.errors import ConfigError

    _check_ranking(by)
    from ethos.evals.moe_tasks import MODES, format_rate, judge_for, summary_json

    if mode not in MODES:
        raise ConfigError(f"--mode {mode!r} is not a mode", f"use one of {', '.join(MODES)}")
    judge_for(classifier)
    _read_prompts(behavior, "behavior")
    if control is not None:
        _read_prompts(control, "control")
    context = cli_context(ctx)
    settings = context.settings()

    async def work(store):
        from ethos.evals.moe_tasks import ablate

        return await ablate(
            model,
            profile_ref,
            str(behavior),
            control=str(control) if control is not None else None,
            top=top,
            by=by,  # type: ignore[arg-type]
            mode=mode,  # type: ignore[arg-type]
            controls=controls,
            classifier=classifier,
            max_tokens=max_tokens,
            temperature=temperature,
            epochs=epochs,
            seed=seed,
            store=store,
            settings=settings,
            progress=None if not as_json else False,
        )

    result = context.with_store(work)
    if as_json:
        typer.echo(summary_json(result))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{model}: {classifier} rate per arm ({mode}, by {by}, 95% Wilson)")
    for column in ("arm", "experts (layer:expert)", "behaviour", "control"):
        table.add_column(column)
    for arm in result.arms:
        experts = " ".join(f"{layer}:{e}" for layer, e in arm.experts) or "-"
        table.add_row(arm.name, experts, format_rate(arm.behavior), format_rate(arm.control))
    Console(width=160).print(table)
    typer.echo(f"eval run {result.run_id} ({result.status}); `ethos eval report {result.run_id}`")
