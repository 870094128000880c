"""``coda/solve``: a planner and an executor work the applications' tasks.

    ethos eval run coda/solve --model openai/gpt-4o-mini \\
        --model-role planner=openai/gpt-4o --model-role executor=local/smollm2 -T env=all

Samples are the tasks written for each application (``-T env=algebra``,
``files`` or ``all``; ``-T tasks=alg-01,alg-02``; ``-T limit=N`` per
application). The solver runs the CODA graph (:mod:`ethos.graphs.coda`),
one checkpointed thread per (run, sample, epoch, arm), so a killed run's
episodes continue from their last step, and every step is in the sample's
transcript.

**Roles.** ``planner`` and ``executor`` (``--model-role``; each defaults to
the arm's model).

**Arms.** ``coda``: the planner thinks, the executor acts. ``planner-only``
(the ablation): the planner's model also writes the actions, given the
same executor prompt. ``-T arms=coda`` runs one.

**Scorers.** ``success``: the application's check of the final state;
``steps``: steps taken; ``failed_steps``: steps with an error (no valid
action after the executor's retries, a command the application refused,
or an environment that raised). The report gives success per application
and arm with Wilson intervals (:mod:`ethos.evals.coda.report`).
"""

from __future__ import annotations

import asyncio
import weakref
from typing import Any

from ethos.evals.task import Sample, Score, SolverContext, Task, TaskError, scorer, task

ARMS = {"coda": "executor", "planner-only": "planner"}
MAX_TOKENS = 256
_LOCKS: weakref.WeakKeyDictionary[Any, asyncio.Lock] = weakref.WeakKeyDictionary()


def _opening() -> asyncio.Lock:
    """One graph runtime opens at a time per event loop: concurrent opens
    on a fresh PostgreSQL schema deadlock in the checkpointer's setup (its
    advisory lock against CREATE INDEX CONCURRENTLY), which failed 5 of 6
    samples of a run before this."""
    loop = asyncio.get_running_loop()
    lock = _LOCKS.get(loop)
    if lock is None:
        lock = _LOCKS[loop] = asyncio.Lock()
    return lock


def select_tasks(env: str, tasks: str, limit: int | None) -> list[Any]:
    """The environment tasks named by ``env`` and ``tasks``."""
    from ethos.agents.coda.environment import APPS, CodaError, load_tasks

    apps = list(APPS) if env.strip() == "all" else [a.strip() for a in env.split(",") if a.strip()]
    chosen: list[Any] = []
    try:
        for app in apps:
            found = load_tasks(app)
            chosen.extend(found[:limit] if limit else found)
    except CodaError as exc:
        raise TaskError(str(exc).split(";")[0], f"-T env= takes {', '.join(APPS)} or all") from None
    if tasks.strip() != "all":
        wanted = [t.strip() for t in tasks.split(",") if t.strip()]
        by_id = {t.id: t for t in chosen}
        unknown = [w for w in wanted if w not in by_id]
        if unknown or not wanted:
            raise TaskError(
                f"unknown task id(s) {', '.join(unknown) or '(none given)'} in {env}",
                f"ids: {', '.join(by_id)}",
            )
        chosen = [by_id[w] for w in dict.fromkeys(wanted)]
    return chosen


def select_arms(spec: str) -> list[dict[str, Any]]:
    names = list(ARMS) if spec.strip() == "all" else [s.strip() for s in spec.split(",")]
    unknown = [n for n in names if n not in ARMS]
    if unknown or not names:
        raise TaskError(f"unknown arm(s) {', '.join(unknown)}", f"use all or {', '.join(ARMS)}")
    return [{"name": n, "options": {"executor": ARMS[n]}} for n in dict.fromkeys(names)]


def episode_models(ctx: SolverContext) -> tuple[Any, Any]:
    """The planner's and the executor's completion functions for this arm."""

    async def planner(messages: list[dict[str, str]]) -> str:
        return (await ctx.complete(messages, role="planner", max_tokens=MAX_TOKENS)).text

    executor_role = "planner" if ctx.arm.options.get("executor") == "planner" else "executor"

    async def executor(messages: list[dict[str, str]]) -> str:
        return (await ctx.complete(messages, role=executor_role, max_tokens=MAX_TOKENS)).text

    return planner, executor


@task("coda/solve")
def solve(
    env: str = "algebra",
    tasks: str = "all",
    limit: int | None = None,
    max_steps: int | None = None,
    arms: str = "all",
) -> Task:
    """CODA (Sun et al., 2025): a planner and an executor solve application tasks."""
    from ethos.agents.coda import scripted

    scripted.register()  # script/coda-rules resolves in any process that builds the task
    if max_steps is not None and max_steps < 1:
        raise TaskError(f"max_steps must be at least 1, not {max_steps}", "pass -T max_steps=8")
    chosen = select_tasks(str(env), str(tasks), limit)
    samples = [
        Sample(
            id=f"{t.app}/{t.id}",
            input={"app": t.app, "task": t.id, "goal": t.goal},
            target=t.checks,
            metadata={"app": t.app},
        )
        for t in chosen
    ]

    async def solver(sample: Sample, ctx: SolverContext) -> dict[str, Any]:
        from ethos.agents.coda.environment import get_task
        from ethos.graphs.coda import CodaContext, run_episode
        from ethos.graphs.runtime import GraphRuntime
        from ethos.recording import current_scope

        scope = current_scope()
        if scope is None:
            raise TaskError("the coda/solve solver runs inside an eval run", "use run_eval")
        env_task = get_task(sample.input["app"], sample.input["task"])
        planner, executor = episode_models(ctx)
        episode = CodaContext(env_task, planner, executor, max_steps=max_steps)
        thread = f"{scope.run_id}/{sample.id}/{ctx.epoch}/{ctx.arm.name}"
        async with _opening():  # see _opening
            runtime = await GraphRuntime.open(store=scope.store)
        async with runtime:
            state = await run_episode(runtime, episode, thread_id=thread)
        return {
            "app": env_task.app,
            "task": env_task.id,
            "success": bool(state.get("success")),
            "stop": state.get("stop") or "done",
            "steps": state.get("steps", []),
        }

    @scorer("success")
    def success(sample: Sample, output: dict[str, Any], ctx: SolverContext) -> Score:
        """The application's check of the final state."""
        return Score(
            value=bool(output["success"]),
            explanation=f"stopped: {output['stop']}",
            metadata={"app": output["app"]},
        )

    @scorer("steps")
    def steps(sample: Sample, output: dict[str, Any], ctx: SolverContext) -> Score:
        return Score(value=float(len(output["steps"])), metadata={"app": output["app"]})

    @scorer("failed_steps")
    def failed_steps(sample: Sample, output: dict[str, Any], ctx: SolverContext) -> Score:
        errors = [s["error"] for s in output["steps"] if s.get("error")]
        return Score(
            value=float(len(errors)),
            explanation="; ".join(e[:200] for e in errors[:3]) or None,
            metadata={"app": output["app"]},
        )

    return Task(
        name="coda/solve",
        samples=samples,
        solver=solver,
        scorers=[success, steps, failed_steps],
        metadata={
            "arms": select_arms(str(arms)),
            "baseline": "coda",
            "arm_options": ("executor",),
        },
    )
