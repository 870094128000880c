"""Running a task: every (epoch, arm, sample) once, concurrently, resumably.

A run is a row in the store. Its (epoch, arm, sample) rows are inserted
``pending`` in bulk; ``max_connections`` workers take them one at a time;
a finished sample's scores and its ``succeeded`` mark are committed in one
transaction (batched every 50 ms), so a run killed at any moment resumes by
redoing only what is not ``succeeded``, and the unique (run, sample, epoch,
arm) key makes a redo an update, never a duplicate. Re-running the same
command finds the interrupted run by the fingerprint of its configuration
and samples, and finishes it.

A run ends ``succeeded`` when every sample succeeded, or when the failures
stay within ``--fail-on-error``; otherwise ``failed``, and running the same
command again retries only the failed and unfinished samples.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import inspect
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, ValidationError, model_validator

from ethos.db.engine import dumps
from ethos.db.store import Run, Store, clean_text, score_row
from ethos.db.tables import utcnow
from ethos.errors import EthosError
from ethos.evals.task import Arm, Sample, Score, SolverContext, Task, resolve_task, scorer_name
from ethos.recording import UsageMeter, run_scope

RESUMABLE = ("running", "cancelled", "failed")
# Arm options the harness itself understands; a task may declare more in
# Task.metadata["arm_options"]. Anything else is a typo, refused up front.
ARM_OPTIONS = frozenset({"model_args", "interventions"})


class EvalConfig(BaseModel):
    """Everything that defines a run; two runs with the same fingerprint
    (and the same samples) measure the same thing."""

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
    def _normalise(self) -> EvalConfig:
        names = [a.name for a in self.arms]
        if len(set(names)) != len(names):
            raise ValueError(f"arm names must be distinct: {names}")
        if self.baseline is not None and self.baseline not in names:
            raise ValueError(f"baseline {self.baseline!r} is not an arm ({', '.join(names)})")
        self.model_roles = {k.strip(): v.strip() for k, v in self.model_roles.items()}
        if "@" in self.task:  # a file task: the same file wherever the command runs
            file, _, function = self.task.rpartition("@")
            self.task = f"{Path(file).expanduser().resolve()}@{function}"
        return self

    @property
    def baseline_arm(self) -> str:
        return self.baseline or self.arms[0].name

    def fingerprint(self, samples: Sequence[Sample] = ()) -> str:
        measured = self.model_dump(exclude={"max_connections", "fail_on_error"})
        measured["samples"] = [[s.id, s.input, s.target] for s in samples]
        text = json.dumps(measured, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:32]

    @property
    def scripted(self) -> bool:
        models = [a.model for a in self.arms] + list(self.model_roles.values())
        return any(m.strip().startswith(("script/", "script:")) for m in models)


class EvalResult(BaseModel):
    run_id: str
    status: str
    total: int
    succeeded: int
    failed: int
    skipped: int
    scripted: bool


def config_error(exc: ValidationError) -> EthosError:
    """A pydantic error about run options as one line."""
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first["loc"]) or "options"
    message = first["msg"].removeprefix("Value error, ")
    return EthosError(f"invalid run option {where}: {message}", "fix that option and run again")


def check_models(config: EvalConfig, task: Task, settings: Any) -> None:
    """Fail before the run starts on an unknown model, a bad argument or
    option, an intervention the arm's model cannot apply, or a missing local
    checkpoint, naming the arm or role."""
    from ethos.models.args import ModelArgs
    from ethos.models.gateway import check_interventions, resolve_model
    from ethos.models.interventions import parse_interventions

    known = ARM_OPTIONS | set(ModelArgs.model_fields) | set(task.metadata.get("arm_options", ()))
    for arm in config.arms:
        unknown = sorted(set(arm.options) - known)
        if unknown:
            raise EthosError(
                f"arm {arm.name!r} has unknown option(s) {', '.join(unknown)}",
                f"known options: {', '.join(sorted(known))}",
            )
        args = _check_model(arm.model, _model_args(config, arm), settings)
        canonical, provider = resolve_model(arm.model)
        check_interventions(
            canonical, provider, args, parse_interventions(arm.options.get("interventions", []))
        )
    arm_args = {arm.model: _model_args(config, arm) for arm in config.arms}
    for role, model in config.model_roles.items():
        # A role's model is called with its own [models."..."] arguments, none of an arm's.
        _check_model(model, arm_args.get(model, {}), settings, what=f"role {role!r}")


def _check_model(model: str, args: dict[str, Any], settings: Any, what: str = "") -> Any:
    from ethos.models.args import resolve_args
    from ethos.models.gateway import resolve_model

    canonical, provider = resolve_model(model)
    if provider == "local":
        from ethos.models.local.paths import resolve_checkpoint

        resolve_checkpoint(canonical.split("/", 1)[1], settings=settings)
    return resolve_args(canonical, settings.models, args)


def _model_args(config: EvalConfig, arm: Arm) -> dict[str, Any]:
    from ethos.models.args import ModelArgs

    from_options = {k: v for k, v in arm.options.items() if k in ModelArgs.model_fields}
    merged = {**config.model_args, **arm.options.get("model_args", {}), **from_options}
    merged.setdefault("max_connections", config.max_connections)
    return merged


def with_task_arms(config: EvalConfig, task: Task) -> EvalConfig:
    """The arms a task defines itself (``Task.metadata["arms"]``: a name and
    options each; ``["baseline"]`` names the baseline among them), run with
    the one model a run was given (``--model``: a single arm, whose options
    every arm keeps). A run given several arms keeps its own."""
    declared = task.metadata.get("arms")
    if not declared or len(config.arms) != 1:
        return config
    (given,) = config.arms
    arms = [
        Arm(name=a["name"], model=given.model, options={**given.options, **a.get("options", {})})
        for a in declared
    ]
    names = [a.name for a in arms]
    baseline = config.baseline if config.baseline in names else task.metadata.get("baseline")
    return EvalConfig.model_validate(
        {**config.model_dump(), "arms": arms, "baseline": baseline or names[0]}
    )


def sample_seed(seed: int, sample: str, epoch: int) -> int:
    """The sample's own seed: the same in every arm (common random numbers,
    so the paired Delta to the baseline measures the arm, not the dice)."""
    digest = hashlib.sha256(json.dumps([seed, sample, epoch]).encode()).digest()
    return int.from_bytes(digest[:8], "big") >> 1  # fits a signed 64-bit seed


async def find_resumable(store: Store, fingerprint: str) -> Run | None:
    """The newest unfinished run with exactly this fingerprint, if any."""
    found = [
        run
        for status in RESUMABLE
        for run in await store.list_runs(kind="eval", status=status, limit=1000)
        if run.metadata.get("fingerprint") == fingerprint
    ]
    return max(found, key=lambda r: r.created_at) if found else None


async def open_run(
    store: Store,
    config: EvalConfig,
    fingerprint: str,
    resume: str | None,
    *,
    transcripts: bool = True,
) -> Run:
    if resume:
        run = await store.get_run(resume)
        if run.kind != "eval":
            raise EthosError(
                f"run {run.id} is a {run.kind} run, not an eval", "pass an eval run id"
            )
        if run.metadata.get("fingerprint") != fingerprint:
            raise EthosError(
                f"run {run.id} was made with another configuration "
                f"({run.config.get('task')}, {len(run.config.get('arms', []))} arm(s))",
                "resume it with exactly its original options, or start a new run",
            )
        return run
    found = await find_resumable(store, fingerprint)
    if found is not None:
        return found
    return await store.create_run(
        "eval",
        name=config.task,
        config=config.model_dump(),
        metadata={
            "fingerprint": fingerprint,
            "scripted": config.scripted,
            "transcripts": transcripts,  # False: a run that keeps no text
        },
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
    config = with_task_arms(config, task)
    check_models(config, task, settings)
    preflight = task.metadata.get("preflight")
    if preflight is not None:  # the task's own check, before any run row exists
        await _maybe_await(preflight(store))
    samples = list(task.samples)[: config.limit]
    run = await open_run(
        store, config, config.fingerprint(samples), resume, transcripts=settings.transcripts
    )
    try:
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
        runner = _Runner(store, run.id, task, config, total, len(todo))
        # A run stored without transcripts keeps none when resumed, and the
        # setting turned off keeps none from now on.
        runner.transcripts = settings.transcripts and run.metadata.get("transcripts") is not False
        status, error = await runner.run(todo, progress)
    except (asyncio.CancelledError, KeyboardInterrupt):
        await _finish_quietly(
            store, run.id, "cancelled", "interrupted; run the same command again to finish"
        )
        raise
    except Exception as exc:
        await _finish_quietly(store, run.id, "failed", f"{type(exc).__name__}: {exc}")
        raise
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


async def _finish_quietly(store: Store, run_id: str, status: str, error: str) -> None:
    """Mark the run's end on the way out of an error, without hiding that error."""
    try:
        await asyncio.shield(store.finish_run(run_id, status, error=clean_text(error[:2000])))
    except Exception:
        pass


class _Runner:
    """The work of one run: a pool of workers over the pending samples."""

    def __init__(
        self, store: Store, run_id: str, task: Task, config: EvalConfig, total: int, pending: int
    ) -> None:
        self.store, self.run_id, self.task, self.config = store, run_id, task, config
        self.total, self.pending = total, pending
        self.succeeded = self.failed = 0
        self.meter = UsageMeter()
        self.stop = False
        self.graph: Any = None  # a StateGraph solver, compiled once for the run
        self.transcripts = True

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
        async with contextlib.AsyncExitStack() as stack:
            if _is_graph_builder(self.task.solver) and todo:
                # One runtime (one checkpointer, on PostgreSQL one connection
                # pool) for the whole run, not one per sample.
                from ethos.graphs.runtime import GraphRuntime

                runtime = await GraphRuntime.open(store=self.store)
                stack.push_async_callback(runtime.close)
                self.graph = _SolverGraph(runtime, self.task.solver, self.task.name)
            self.writer = await stack.enter_async_context(self.store.batch())
            with _Progress(self, progress) as display:
                await self._work(todo, display)
        return self._outcome()

    async def _work(self, todo: Sequence[tuple[int, Arm, Sample]], display: _Progress) -> None:
        items = iter(todo)

        async def worker() -> None:
            for item in items:
                if self.stop:
                    return
                await self.one(*item)
                display.advance()

        workers = [
            asyncio.create_task(worker())
            for _ in range(min(self.config.max_connections, len(todo)))
        ]
        try:
            await asyncio.gather(*workers)
        finally:
            for w in workers:
                w.cancel()
            await asyncio.gather(*workers, return_exceptions=True)

    def _outcome(self) -> tuple[str, str | None]:
        limit = self.config.fail_on_error
        if self.stop:
            return "failed", (
                f"{self.failed} samples failed, reaching --fail-on-error {limit:g}; "
                "the same command retries them"
            )
        if self.failed and not self._tolerated():
            return "failed", (
                f"{self.failed} of {self.pending} samples failed; the same "
                "command retries them (or allow some with --fail-on-error)"
            )
        return "succeeded", None

    def _tolerated(self) -> bool:
        limit = self.config.fail_on_error
        if limit is None:
            return False
        return self.failed / self.total <= limit if limit < 1 else self.failed < limit

    async def one(self, epoch: int, arm: Arm, sample: Sample) -> None:
        pk = self.pks[(sample.id, epoch, arm.name)]
        ctx = SolverContext(
            arm=arm,
            epoch=epoch,
            seed=sample_seed(self.config.seed, sample.id, epoch),
            roles=self.config.model_roles,
            model_args=_model_args(self.config, arm),
        )
        try:
            with run_scope(
                self.store,
                self.run_id,
                sample_pk=pk,
                meter=self.meter,
                writer=self.writer,
                transcripts=self.transcripts,
            ):
                output = await solve(self.task.solver, sample, ctx, self.run_id, graph=self.graph)
                rows = [await self._score(fn, sample, output, ctx, pk) for fn in self.task.scorers]
            stored = _storable(output)
        except Exception as exc:  # recorded on the sample: the run goes on
            self._finish(pk, "failed", error=f"{type(exc).__name__}: {exc}")
            self.failed += 1
            if self.config.fail_on_error is not None and not self._tolerated():
                self.stop = True
            return
        for row in rows:
            self.writer.score(row)
        # In the same transaction as its scores: never "succeeded" without them.
        self._finish(pk, "succeeded", output=stored)
        self.succeeded += 1

    async def _score(
        self, fn: Any, sample: Sample, output: Any, ctx: SolverContext, pk: int
    ) -> dict[str, Any]:
        score = await _maybe_await(fn(sample, output, ctx))
        name = scorer_name(fn)
        if not isinstance(score, Score):
            raise TypeError(f"scorer {name!r} returned {type(score).__name__}, not a Score")
        dumps(score.value)  # finite numbers only: NaN is not JSON, and PostgreSQL refuses it
        return score_row(
            self.run_id,
            pk,
            name,
            score.value,
            explanation=score.explanation,
            metadata=score.metadata,
        )

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


def _storable(output: Any) -> Any:
    """The output as JSON data, or an error naming why it cannot be stored."""
    data = output.model_dump(mode="json") if hasattr(output, "model_dump") else output
    try:
        dumps(data)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"the solver's output cannot be stored as JSON: {exc}") from None
    return data


async def solve(
    solver: Any, sample: Sample, ctx: SolverContext, run_id: str, *, graph: Any = None
) -> Any:
    """Call a solver, one LangGraph thread per sample, epoch and arm:
    a ``StateGraph`` builder is compiled with the run's database as its
    checkpointer (``GraphRuntime``), so a killed run's samples continue
    from their last step; a compiled graph runs with whatever saver it has.
    Either gets the context as LangGraph's ``context`` and under
    ``configurable["ethos"]``. Otherwise the solver is an async function of
    the sample and context. ``graph`` is the run's compiled builder (see
    ``_Runner``); without it a builder gets a runtime for this call alone."""
    thread = f"{run_id}/{sample.id}/{ctx.epoch}/{ctx.arm.name}"
    if _is_graph_builder(solver):
        if graph is not None:
            return await graph.solve(sample, ctx, thread)
        from ethos.graphs.runtime import GraphRuntime
        from ethos.recording import current_scope

        scope = current_scope()
        assert scope is not None, "samples run inside their run's scope"
        async with await GraphRuntime.open(store=scope.store) as runtime:
            return await _SolverGraph(runtime, solver, ctx.arm.name).solve(sample, ctx, thread)
    if hasattr(solver, "ainvoke"):
        config = {"configurable": {"thread_id": thread, "ethos": ctx}}
        return await solver.ainvoke(sample.input, config=config, context=ctx)
    return await _maybe_await(solver(sample, ctx))


def _is_graph_builder(solver: Any) -> bool:
    return hasattr(solver, "add_node") and hasattr(solver, "compile")


class _SolverGraph:
    """A StateGraph solver compiled with a runtime's checkpointer."""

    def __init__(self, runtime: Any, builder: Any, name: str) -> None:
        self.runtime = runtime
        self.graph = runtime.compile(builder, name=f"solver of {name}")

    async def solve(self, sample: Sample, ctx: SolverContext, thread: str) -> Any:
        from ethos.graphs.runtime import ThreadNotFoundError

        try:
            state = await self.runtime.state(self.graph, thread)
        except ThreadNotFoundError:
            state = None
        if state is not None and state.finished:
            # An earlier attempt reached the end and the sample failed after
            # (its scorer, or a kill before its row was committed): that is
            # the output. Feeding the input into the finished thread again
            # would rerun the graph on top of its old state.
            return state.values
        if state is not None and state.interrupts:  # a rerun: it still waits
            interrupts = state.interrupts
        else:
            outcome = await self.runtime.run(
                self.graph, sample.input, thread_id=thread, context=ctx
            )
            if outcome.finished:
                return outcome.output
            interrupts = outcome.interrupts
        raise EthosError(
            f"the solver graph stopped at an interrupt ({interrupts[0].value!r})",
            "an evaluation cannot ask a person: give the graph a non-interactive path",
        )


async def _maybe_await(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


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
