"""Small tasks for the harness tests, loaded as ``tests/support/tasks.py@name``."""

from __future__ import annotations

import asyncio
import os

from ethos.evals.task import Sample, Score, SolverContext, Task, scorer


@scorer("exact")
def exact(sample: Sample, output: dict, ctx: SolverContext) -> Score:
    return Score(value=output["text"].strip() == str(sample.target), explanation=output["text"])


@scorer("length")
def length(sample: Sample, output: dict, ctx: SolverContext) -> Score:
    return Score(value={"chars": float(len(output["text"])), "seed_parity": float(ctx.seed % 2)})


async def echo_solver(sample: Sample, ctx: SolverContext) -> dict:
    answer = await ctx.complete(str(sample.input))
    return {"text": answer.text, "pid": os.getpid(), "seed": ctx.seed}


def echo(n: int = 10, delay: float = 0.0) -> Task:
    """Each sample asks the model to repeat a number; script/echo always can."""

    async def solver(sample: Sample, ctx: SolverContext) -> dict:
        if delay:
            await asyncio.sleep(delay)
        return await echo_solver(sample, ctx)

    samples = [Sample(id=f"q{i:03d}", input=str(i), target=str(i)) for i in range(n)]
    return Task(name="echo", samples=samples, solver=solver, scorers=[exact, length])


def flaky(n: int = 10, fail_every: int = 3) -> Task:
    """Every ``fail_every``-th sample raises in its solver."""

    async def solver(sample: Sample, ctx: SolverContext) -> dict:
        if int(sample.id[1:]) % fail_every == 0:
            raise RuntimeError(f"sample {sample.id} broke on purpose")
        return await echo_solver(sample, ctx)

    samples = [Sample(id=f"q{i:03d}", input=str(i), target=str(i)) for i in range(n)]
    return Task(name="flaky", samples=samples, solver=solver, scorers=[exact])
