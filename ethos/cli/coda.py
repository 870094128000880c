"""``ethos coda``: run a CODA episode, collect GRPO groups, export, train.

    ethos coda run --env algebra --task alg-02 --planner M --executor M
    ethos coda collect --env algebra --planner M --executor M --group 8 --out data/
    ethos coda export RUN_ID --out sft.jsonl
    ethos coda train --model local/smollm2 --env algebra --tasks alg-01#1,alg-02#1

``run`` is an eval run of ``coda/solve`` restricted to one task (so it is
stored, transcribed and resumable like any run: the same command after a
crash continues the episode from its last step).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from ethos.cli.context import cli_context

app = typer.Typer(help="CODA: a planner and an executor in an application.", no_args_is_help=True)

SCRIPTED = "  [scripted models: test doubles, not model behaviour]"


def _task(env: str, task_id: str) -> Any:
    from ethos.agents.coda.environment import get_task

    return get_task(env, task_id)


def _steps(env: str, spec: str) -> list[tuple[Any, int]]:
    """``alg-01#1,alg-19`` -> (task, step) pairs; ``all``: every reference
    step of every task; a bare id: each of its steps."""
    from ethos.agents.coda.environment import CodaError, load_tasks

    tasks = load_tasks(env) if spec.strip() == "all" else None
    out: list[tuple[Any, int]] = []
    if tasks is not None:
        return [(t, k) for t in tasks for k in range(len(t.reference))]
    for part in (p.strip() for p in spec.split(",") if p.strip()):
        task_id, sep, step = part.partition("#")
        task = _task(env, task_id)
        if not sep:
            out.extend((task, k) for k in range(len(task.reference)))
            continue
        if not step.isdigit() or int(step) >= len(task.reference):
            raise CodaError(
                f"{part!r}: task {task_id} has steps 0 to {len(task.reference) - 1}",
                "write TASK#STEP with a step in that range",
            )
        out.append((task, int(step)))
    if not out:
        raise CodaError("no task steps given", "pass --tasks all or ids like alg-01#0")
    return out


def _models(settings: Any, *models: str) -> None:
    from ethos.models.gateway import check_model

    for model in models:
        check_model(model, settings, {})


def _register_scripts() -> None:
    from ethos.agents.coda import scripted

    scripted.register()


@app.command("run")
def run(
    ctx: typer.Context,
    env: str = typer.Option("algebra", "--env", help="The application."),
    task: str = typer.Option(..., "--task", help="The task id (e.g. alg-02)."),
    planner: str = typer.Option(..., "--planner", help="The planner's model."),
    executor: str | None = typer.Option(
        None, "--executor", help="The executor's model (default: the planner's)."
    ),
    max_steps: int | None = typer.Option(None, min=1, help="The step limit (default: the task's)."),
    seed: int = typer.Option(0, help="The episode's seed."),
    new_run: bool = typer.Option(False, "--new-run", help="Start afresh, not continue."),
) -> None:
    """Run one episode (or continue it after a crash) and print its steps."""
    from ethos.errors import ConfigError
    from ethos.evals.run import EvalConfig, run_eval

    _register_scripts()
    chosen = _task(env, task)  # an unknown task is refused before the database opens
    context = cli_context(ctx)
    settings = context.settings()
    executor = executor or planner
    _models(settings, planner, executor)
    args: dict[str, Any] = {"env": env, "tasks": chosen.id, "arms": "coda"}
    if max_steps is not None:
        args["max_steps"] = max_steps
    try:
        config = EvalConfig(
            task="coda/solve",
            task_args=args,
            arms=[{"name": "coda", "model": planner}],
            seed=seed,
            max_connections=1,
            model_roles={"planner": planner, "executor": executor},
        )
    except ValueError as exc:
        raise ConfigError(f"invalid run options: {exc}", "fix the options") from None

    async def work(store: Any) -> tuple[Any, Any]:
        from sqlalchemy import select

        from ethos.db.tables import SampleRow

        result = await run_eval(
            config, store=store, new_run=new_run, progress=False, settings=settings
        )
        async with store.engine.connect() as conn:
            row = (
                await conn.execute(
                    select(SampleRow.output).where(SampleRow.run_id == result.run_id)
                )
            ).first()
        return result, row[0] if row else None

    result, output = context.with_store(work)
    if output:
        for step in output["steps"]:
            said = f"ANS {step['answer']}" if step.get("answer") else step.get("thought")
            outcome = f"error: {step['error']}" if step.get("error") else f"reward {step['reward']}"
            typer.echo(f"{step['index']}. {said}\n   -> {step.get('action') or '-'} ({outcome})")
        verdict = "solved" if output["success"] else "not solved"
        typer.echo(
            f"{env}/{chosen.id}: {verdict} in {len(output['steps'])} steps ({output['stop']})"
        )
    label = SCRIPTED if result.scripted else ""
    typer.echo(f"run {result.run_id} {result.status}{label}")
    if result.status != "succeeded":
        raise typer.Exit(1)


@app.command("collect")
def collect(
    ctx: typer.Context,
    env: str = typer.Option("algebra", "--env", help="The application."),
    tasks: str = typer.Option("all", "--tasks", help="all, or TASK[#STEP],... (e.g. alg-01#1)."),
    planner: str = typer.Option(..., "--planner", help="The planner that samples thoughts."),
    executor: str = typer.Option(..., "--executor", help="The frozen executor."),
    group: int = typer.Option(8, min=2, help="Planner samples per step (G)."),
    temperature: float = typer.Option(1.0, min=0.0, help="The planner's sampling temperature."),
    seed: int = typer.Option(0, help="Sample i of a group uses seed + i."),
    out: Path = typer.Option(..., "--out", "-o", help="Directory for stage1-<env>.jsonl."),
) -> None:
    """Write stage-1 GRPO data: groups of planner thoughts, rewarded.

    For every step, a group of planner thoughts is executed by the frozen
    executor and rewarded; advantages are group-normalised."""
    import asyncio

    from ethos.agents.coda.grpo import collect_group, step_prompt, write_jsonl
    from ethos.models import acomplete

    _register_scripts()
    steps = _steps(env, tasks)
    _models(cli_context(ctx).settings(), planner, executor)

    async def call_executor(messages: list[dict[str, str]]) -> str:
        return (await acomplete(executor, messages, temperature=0.0, seed=seed)).text

    async def work() -> list[Any]:
        records: list[Any] = []
        for task, k in steps:
            messages, _, env_at = await step_prompt(task, k)
            await env_at.close()
            completions = [
                (await acomplete(planner, messages, temperature=temperature, seed=seed + i)).text
                for i in range(group)
            ]
            records.extend(await collect_group(task, k, completions, call_executor))
        return records

    records = asyncio.run(work())
    path = out / f"stage1-{env}.jsonl"
    n = write_jsonl(path, records)
    mean = sum(r.reward for r in records) / len(records)
    scripted = planner.startswith("script/") or executor.startswith("script/")
    typer.echo(
        f"wrote {n} records ({len(steps)} groups of {group}) to {path}; mean reward {mean:.3f}"
        + (SCRIPTED if scripted else "")
    )


@app.command("export")
def export(
    ctx: typer.Context,
    run_ids: list[str] = typer.Argument(..., help="coda/solve run ids (or 4+ char prefixes)."),
    out: Path = typer.Option(..., "--out", "-o", help="The stage-2 JSONL file to write."),
    arm: str = typer.Option("coda", help="The arm whose successful episodes are pooled."),
) -> None:
    """Write stage-2 SFT data: the runs' successful trajectories.

    Every application pooled, one record per planner turn."""
    from ethos.agents.coda.grpo import stage2_records, write_jsonl

    async def work(store: Any) -> tuple[list[Any], bool]:
        from sqlalchemy import select

        from ethos.agents.coda.environment import CodaError
        from ethos.db.tables import SampleRow

        records: list[Any] = []
        scripted = False
        for run_id in run_ids:
            run = await store.get_run(run_id)
            if run.config.get("task") != "coda/solve":
                raise CodaError(
                    f"run {run.id} is not a coda/solve run ({run.config.get('task') or run.kind})",
                    "export the runs of `ethos coda run` or `ethos eval run coda/solve`",
                )
            scripted = scripted or bool(run.metadata.get("scripted"))
            query = select(
                SampleRow.sample_id, SampleRow.epoch, SampleRow.arm, SampleRow.output
            ).where(
                SampleRow.run_id == run.id, SampleRow.status == "succeeded", SampleRow.arm == arm
            )
            async with store.engine.connect() as conn:
                rows = (await conn.execute(query.order_by(SampleRow.id))).all()
            for sample_id, epoch, arm_name, output in rows:
                if not output or not output.get("success"):
                    continue
                task = _task(output["app"], output["task"])
                trajectory = f"{run.id}/{sample_id}/{epoch}/{arm_name}"
                records.extend(
                    stage2_records(output["app"], task.id, trajectory, output["steps"], task)
                )
        return records, scripted

    records, scripted = cli_context(ctx).with_store(work, create=False)
    n = write_jsonl(out, records)
    typer.echo(f"wrote {n} planner turns to {out}" + (SCRIPTED if scripted else ""))


@app.command("train")
def train(
    ctx: typer.Context,
    model: str = typer.Option(..., "--model", help="The planner: local/<checkpoint>."),
    executor: str = typer.Option("script/coda-rules", "--executor", help="The frozen executor."),
    env: str = typer.Option("algebra", "--env", help="The application."),
    tasks: str = typer.Option("alg-01#1,alg-02#1", "--tasks", help="TASK#STEP,... or all."),
    steps: int = typer.Option(6, min=1, help="Gradient steps."),
    group: int = typer.Option(8, min=2, help="Planner samples per prompt (G)."),
    lr: float = typer.Option(2e-3, min=0.0, help="Adam's learning rate."),
    max_new_tokens: int = typer.Option(24, min=1, help="Tokens per thought."),
    seed: int = typer.Option(0, help="Seed of the weights' LoRA init and the sampling."),
    temperature: float = typer.Option(1.0, help="Sampling temperature of the planner (> 0)."),
    lora_r: int = typer.Option(8, "--lora-r", min=1, help="LoRA rank."),
    targets: str = typer.Option(
        "q_proj,v_proj",
        "--targets",
        help="Modules LoRA adapts, comma-separated (e.g. q_proj,v_proj or lm_head), or all-linear.",
    ),
    eval_samples: int | None = typer.Option(
        None,
        "--eval-samples",
        min=1,
        help="Samples per prompt for the before/after means (default: --group).",
    ),
    eval_seed: int = typer.Option(12345, "--eval-seed", help="Seed of the evaluation samples."),
    out: Path | None = typer.Option(None, "--out", "-o", help="Save the LoRA adapter here."),
) -> None:
    """Train the planner with GRPO (LoRA), the executor frozen.

    Prints, as JSON, the mean reward before and after on the same prompts
    and sampling seeds, and their paired difference (bootstrap interval and
    sign test over the evaluation samples)."""
    import asyncio

    from ethos.agents.coda.environment import CodaError
    from ethos.agents.coda.train import TrainConfig, train_planner
    from ethos.models import acomplete

    if not model.startswith("local/"):
        raise CodaError(
            f"--model {model!r} is not a local checkpoint", "train a local/<checkpoint> planner"
        )
    if not temperature > 0 or not lr > 0:
        name, value = ("--temperature", temperature) if not temperature > 0 else ("--lr", lr)
        raise CodaError(f"{name} {value} is not above 0", f"pass a positive {name}")
    modules = tuple(t.strip() for t in targets.split(",") if t.strip())
    if not modules:
        raise CodaError("--targets names no module", "pass e.g. --targets q_proj,v_proj")
    _register_scripts()
    chosen = _steps(env, tasks)
    settings = cli_context(ctx).settings()
    _models(settings, executor)
    from ethos.models.local.paths import resolve_checkpoint

    checkpoint = resolve_checkpoint(model.removeprefix("local/"), settings=settings)

    async def call_executor(messages: list[dict[str, str]]) -> str:
        return (await acomplete(executor, messages, temperature=0.0, seed=seed)).text

    cfg = TrainConfig(
        steps=steps,
        group=group,
        lr=lr,
        max_new_tokens=max_new_tokens,
        seed=seed,
        temperature=temperature,
        lora_r=lora_r,
        target_modules=modules,
        eval_samples=eval_samples,
        eval_seed=eval_seed,
    )
    result = asyncio.run(
        train_planner(checkpoint, chosen, call_executor, cfg, model_name=model, out=out)
    )
    typer.echo(result.model_dump_json())
    if executor.startswith("script/"):
        typer.echo(f"executor {executor}: a scripted rule executor (frozen), a test double")
