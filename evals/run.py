"""Running a task: every (epoch, arm, sample) once, concurrently, resumably.

A run is a row in the store; each finished sample is committed at once
(its scores first, then the sample marked succeeded), so a run killed at
any moment resumes by redoing only what is not marked succeeded, and the
unique (run, sample, epoch, arm) key makes a redo an update, never a
duplicate. Re-running the same command finds the interrupted run by the
fingerprint of its configuration and finishes it.
"""

from __future__ import annotations

import asyncio
import hashlib
import inspect
import json
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, Field, model_validator

from ethos.db.store import Run, Store, clean_text, score_row
from ethos.db.tables import utcnow
from ethos.errors import EthosError
from ethos.evals.task import Arm, Sample, SolverContext, Task, resolve_task, scorer_name
from ethos.recording import UsageMeter, run_scope

RESUMABLE = ("running", "cancelled", "failed")


class EvalConfig(BaseModel):
    """Everything that defines a run; two runs with the same fingerprint
    measure the same thing."""

    task: str
    task_args: dict[str, Any] = Field(default_factory=dict)
    arms: list[Arm] = Field(min_length=1)
    baseline: str | None = None
    epochs: int | None = Field(None, ge=1)
    limit: int | None = Field(None, ge=1)
    seed: int = 0
    model_roles: dict[str, str] = Field(default_factory=dict)
    model_args: dict[str, Any] = Field(default_factory=dict)
    # How the run is carried out, not what it measures (not fingerprinted):
    max_connections: int = Field(16, ge=1)
    fail_on_error: float | None = Field(None, gt=0)

    @model_validator(mode="after")
    def _arms_are_named_once(self) -> EvalConfig:
        names = [a.name for a in self.arms]
        if len(set(names)) != len(names):
            raise ValueError(f"arm names must be distinct: {names}")
        if self.baseline is not None and self.baseline not in names:
            raise ValueError(f"baseline {self.baseline!r} is not an arm ({', '.join(names)})")
        return self

    @property
    def baseline_arm(self) -> str:
        return self.baseline or self.arms[0].name

    def fingerprint(self) -> str:
        measured = self.model_dump(exclude={"max_connections", "fail_on_error"})
        text = json.dumps(measured, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:32]

    @property
    def scripted(self) -> bool:
        models = [a.model for a in self.arms] + list(self.model_roles.values())
        return any(m.startswith("script/") or m.startswith("script:") for m in models)


class EvalResult(BaseModel):
    run_id: str
    status: str
    total: int
    succeeded: int
    failed: int
    skipped: int
    scripted: bool


def check_models(config: EvalConfig, settings: Any) -> None:
    """Fail before the run starts on an unknown model, a bad argument or a
    missing local checkpoint, naming the arm."""
    from ethos.models.args import resolve_args
    from ethos.models.gateway import resolve_model

    for arm in config.arms:
        canonical, provider = resolve_model(arm.model)
        resolve_args(canonical, settings.models, _model_args(config, arm))
        if provider == "local":
            from ethos.models.local.paths import resolve_checkpoint

            resolve_checkpoint(canonical.split("/", 1)[1], settings=settings)
    for model in config.model_roles.values():
        resolve_model(model)


def _model_args(config: EvalConfig, arm: Arm) -> dict[str, Any]:
    from ethos.models.args import ModelArgs

    from_options = {k: v for k, v in arm.options.items() if k in ModelArgs.model_fields}
    merged = {**config.model_args, **arm.options.get("model_args", {}), **from_options}
    merged.setdefault("max_connections", config.max_connections)
    return merged


def sample_seed(seed: int, sample: str, epoch: int, arm: str) -> int:
    digest = hashlib.sha256(f"{seed}:{sample}:{epoch}:{arm}".encode()).digest()
    return int.from_bytes(digest[:4], "big")


async def find_resumable(store: Store, config: EvalConfig) -> Run | None:
    """The newest unfinished run of exactly this configuration, if any."""
    fingerprint = config.fingerprint()
    for status in RESUMABLE:
        for run in await store.list_runs(kind="eval", status=status, limit=200):
            if run.metadata.get("fingerprint") == fingerprint:
                return run
    return None


async def open_run(store: Store, config: EvalConfig, resume: str | None) -> Run:
    if resume:
        run = await store.get_run(resume)
        if run.kind != "eval":
            raise EthosError(
                f"run {run.id} is a {run.kind} run, not an eval", "pass an eval run id"
            )
        if run.metadata.get("fingerprint") != config.fingerprint():
            raise EthosError(
                f"run {run.id} was made with another configuration "
                f"({run.config.get('task')}, {len(run.config.get('arms', []))} arm(s))",
                "resume it with exactly its original options, or start a new run",
            )
        return run
    found = await find_resumable(store, config)
    if found is not None:
        return found
    return await store.create_run(
        "eval",
        name=config.task,
        config=config.model_dump(),
        metadata={"fingerprint": config.fingerprint(), "scripted": config.scripted},
    )


async def run_eval(
    config: EvalConfig,
    *,
    store: Store,
    task: Task | None = None,
    resume: str | None = None,
    progress: bool | None = None,
    settings: Any = None,
) -> EvalResult:
    """Run (or finish) the evaluation ``config`` describes; returns its tally."""
    from ethos.settings import load_settings

    settings = settings or load_settings()
    task = task or resolve_task(config.task, config.task_args)
    check_models(config, settings)
    run = await open_run(store, config, resume)
    samples = list(task.samples)[: config.limit]
    epochs = config.epochs or task.epochs
    done = await store.finished_samples(run.id)
    todo = [
        (epoch, arm, sample)
        for epoch in range(epochs)
        for arm in config.arms
        for sample in samples
        if (sample.id, epoch, arm.name) not in done
    ]
    total = epochs * len(config.arms) * len(samples)
    await store.update_run(run.id, status="running")
    runner = _Runner(store, run.id, task, config, settings, total, len(todo))
    status, error = await runner.run(todo, progress)
    await store.finish_run(run.id, status, error=error)
    return EvalResult(
        run_id=run.id,
        status=status,
        total=total,
        succeeded=total - len(todo) + runner.succeeded,
        failed=runner.failed,
        skipped=total - len(todo),
        scripted=config.scripted,
    )


class _Runner:
    """The work of one run: a bounded pool of sample tasks and its tally."""

    def __init__(
        self,
        store: Store,
        run_id: str,
        task: Task,
        config: EvalConfig,
        settings: Any,
        total: int,
        pending: int,
    ) -> None:
        self.store, self.run_id, self.task, self.config = store, run_id, task, config
        self.settings = settings
        self.total, self.pending = total, pending
        self.succeeded = self.failed = 0
        self.meter = UsageMeter()
        self.slots = asyncio.Semaphore(config.max_connections)
        self.too_many_errors = asyncio.Event()

    async def run(
        self, todo: Sequence[tuple[int, Arm, Sample]], progress: bool | None
    ) -> tuple[str, str | None]:
        self.pks = await self.store.prepare_samples(
            self.run_id,
            [
                {
                    "sample_id": s.id,
                    "epoch": e,
                    "arm": a.name,
                    "input": s.input,
                    "target": s.target,
                    "metadata": s.metadata,
                }
                for e, a, s in todo
            ],
        )
        async with self.store.batch() as self.writer:
            return await self._run_all(todo, progress)

    async def _run_all(
        self, todo: Sequence[tuple[int, Arm, Sample]], progress: bool | None
    ) -> tuple[str, str | None]:
        display = _Progress(self, progress)
        with display:
            jobs = [asyncio.create_task(self.one(*item, display)) for item in todo]
            stopper = asyncio.create_task(self.too_many_errors.wait())
            try:
                pending = set(jobs)
                while pending and not stopper.done():
                    _, pending = await asyncio.wait(
                        pending | {stopper}, return_when=asyncio.FIRST_COMPLETED
                    )
                    pending.discard(stopper)
            except asyncio.CancelledError:
                await _cancel(jobs)
                return "cancelled", "interrupted; run the same command again to finish"
            finally:
                stopper.cancel()
            if self.too_many_errors.is_set():
                await _cancel(jobs)
                return "failed", (
                    f"{self.failed} of {self.pending} samples failed, above "
                    f"--fail-on-error {self.config.fail_on_error:g}"
                )
        return "succeeded", None

    async def one(self, epoch: int, arm: Arm, sample: Sample, display: _Progress) -> None:
        pk = self.pks[(sample.id, epoch, arm.name)]
        ctx = SolverContext(
            arm=arm,
            epoch=epoch,
            seed=sample_seed(self.config.seed, sample.id, epoch, arm.name),
            roles=self.config.model_roles,
            model_args=_model_args(self.config, arm),
        )
        async with self.slots:
            try:
                with run_scope(
                    self.store, self.run_id, sample_pk=pk, meter=self.meter, writer=self.writer
                ):
                    output = await solve(self.task.solver, sample, ctx, self.run_id)
                    scores = [
                        (scorer_name(fn), await _maybe_await(fn(sample, output, ctx)))
                        for fn in self.task.scorers
                    ]
            except Exception as exc:  # recorded on the sample: the run goes on
                self._finish(pk, "failed", error=f"{type(exc).__name__}: {exc}")
                self.failed += 1
                display.advance()
                self._check_threshold()
                return
        for name, score in scores:
            self.writer.score(
                score_row(
                    self.run_id,
                    pk,
                    name,
                    score.value,
                    explanation=score.explanation,
                    metadata=score.metadata,
                )
            )
        # In the same transaction as its scores: never "succeeded" without them.
        self._finish(pk, "succeeded", output=_jsonable(output))
        self.succeeded += 1
        display.advance()

    def _finish(
        self, pk: int, status: str, *, output: Any = None, error: str | None = None
    ) -> None:
        self.writer.sample(
            {
                "pk": pk,
                "status": status,
                "output": output,
                "error": clean_text(error),
                "finished_at": utcnow(),
            }
        )

    def _check_threshold(self) -> None:
        limit = self.config.fail_on_error
        if limit is None:
            return
        over = self.failed / self.pending > limit if limit < 1 else self.failed >= limit
        if over:
            self.too_many_errors.set()


async def _cancel(jobs: list[asyncio.Task[None]]) -> None:
    for job in jobs:
        job.cancel()
    await asyncio.gather(*jobs, return_exceptions=True)


async def solve(solver: Any, sample: Sample, ctx: SolverContext, run_id: str) -> Any:
    """Call a solver: a compiled LangGraph graph (``ainvoke``, one thread per
    sample, epoch and arm) or an async function of the sample and context."""
    if hasattr(solver, "ainvoke"):
        thread = f"{run_id}/{sample.id}/{ctx.epoch}/{ctx.arm.name}"
        return await solver.ainvoke(sample.input, config={"configurable": {"thread_id": thread}})
    return await _maybe_await(solver(sample, ctx))


async def _maybe_await(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


def _jsonable(output: Any) -> Any:
    if hasattr(output, "model_dump"):
        return output.model_dump(mode="json")
    return output


class _Progress:
    """A rich progress bar on a terminal; silent otherwise."""

    def __init__(self, runner: _Runner, enabled: bool | None) -> None:
        from rich.console import Console

        self.runner = runner
        self.enabled = Console().is_terminal if enabled is None else enabled
        self.bar: Any = None

    def __enter__(self) -> _Progress:
        if self.enabled:
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeRemainingColumn,
            )

            self.bar = Progress(
                TextColumn("[bold]{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[stats]}"),
                TimeRemainingColumn(),
            )
            self.bar.start()
            done = self.runner.total - self.runner.pending
            self.task = self.bar.add_task(
                self.runner.config.task, total=self.runner.total, completed=done, stats=""
            )
        return self

    def advance(self) -> None:
        if self.bar is None:
            return
        meter = self.runner.meter
        stats = f"errors {self.runner.failed}  tokens {meter.input_tokens + meter.output_tokens:,}"
        self.bar.update(self.task, advance=1, stats=stats)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()
