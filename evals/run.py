"""Running a task: every (epoch, arm, sample) once, concurrently, resumably.

A run is a row in the store. Its (epoch, arm, sample) rows are inserted
``pending`` in bulk; the process working the run holds a lease on it
(ethos.db.leases) and claims pending samples a few at a time for its
``max_connections`` slots; a finished sample's scores and its
``succeeded`` mark are committed in one transaction (batched every 50 ms),
so a run killed at any moment resumes by redoing only what is not
``succeeded``, and the unique (run, sample, epoch, arm) key makes a redo an
update, never a duplicate. Re-running the same command finds the
interrupted run by the fingerprint of its configuration and samples
(ethos.evals.fingerprint) and finishes it; the same command started while
the run is being worked joins it, claiming what nobody holds, so several
processes (on PostgreSQL, several machines) share one run and each sample
is worked once. A worker that dies loses its claims when its lease expires.

A model call is committed before its answer reaches the solver (the
writer's group commit), so a call that was paid for is in ``model_calls``
even when its sample is redone: its ``attempt`` is then older than the
sample's, and ``Store.run_cost`` counts it as redone.

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
import logging
from collections import deque
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, ValidationError, model_validator

from ethos.db import leases
from ethos.db.engine import dumps
from ethos.db.leases import Claim, Lease
from ethos.db.store import Run, Store, clean_text, score_row
from ethos.db.tables import utcnow
from ethos.errors import EthosError
from ethos.evals.fingerprint import code_digests, code_files, code_fingerprint, config_fingerprint
from ethos.evals.suite import suite_of_task
from ethos.evals.task import (
    Arm,
    Sample,
    Score,
    SolverContext,
    Task,
    registered,
    resolve_task,
    scorer_name,
)
from ethos.recording import UsageMeter, run_scope

log = logging.getLogger("ethos.evals")
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
    # Seconds a worker's claims outlive its last heartbeat (renewed every third).
    lease_s: float = Field(30.0, gt=0)

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
        """What the run measures: configuration and samples, without how it
        is carried out (connections, error tolerance, lease, transport)."""
        carried = {"max_connections", "fail_on_error", "lease_s"}
        return config_fingerprint(self.model_dump(exclude=carried), samples)

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

    check_arms = task.metadata.get("check_arms")
    if check_arms is not None:  # the task's own check of its arms (e.g. needs a local model),
        check_arms(config.arms)  # first: no use asking for a key the arm could not use
    known = ARM_OPTIONS | set(ModelArgs.model_fields) | set(task.metadata.get("arm_options", ()))
    for arm in config.arms:
        unknown = sorted(set(arm.options) - known)
        if unknown:
            raise EthosError(
                f"arm {arm.name!r} has unknown option(s) {', '.join(unknown)}",
                f"known options: {', '.join(sorted(known))}",
            )
        args = _check_model(arm.model, _model_args(config, arm), settings, what=f"arm {arm.name!r}")
        canonical, provider = resolve_model(arm.model)
        check_interventions(
            canonical, provider, args, parse_interventions(arm.options.get("interventions", []))
        )
    arm_args = {arm.model: _model_args(config, arm) for arm in config.arms}
    for role, model in config.model_roles.items():
        # A role's model is called with its own [models."..."] arguments, none of an arm's.
        _check_model(model, arm_args.get(model, {}), settings, what=f"role {role!r}")


def _check_model(model: str, args: dict[str, Any], settings: Any, what: str = "") -> Any:
    """The preflight of one model (ethos.models.preflight): provider, arguments,
    script registered, checkpoint on disk, key in the environment."""
    from ethos.models.preflight import check_one

    return check_one(model, settings, args, what=what)


def _model_args(config: EvalConfig, arm: Arm) -> dict[str, Any]:
    from ethos.models.preflight import arm_model_args

    return arm_model_args(config.model_args, arm.options, config.max_connections)


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


async def open_run(
    store: Store,
    config: EvalConfig,
    samples: Sequence[Sample],
    code: Mapping[str, str],
    *,
    resume: str | None = None,
    new_run: bool = False,
    suite: str | None = None,
    transcripts: bool = True,
) -> tuple[Run, Lease]:
    """Join the run this command continues (``resume``, else the newest
    unfinished run with the same fingerprint, unless ``new_run``) or create
    it, as one of its workers. A found run whose task code differs from
    ``code`` is refused unless resumed by id, which is recorded on the run."""
    if resume and new_run:
        raise EthosError("--resume and --new-run contradict each other", "pass one of them")
    fingerprint = config.fingerprint(samples)
    code_fp = code_fingerprint(code)
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
        resume = run.id

    def check(found: Run) -> dict[str, Any] | None:
        patch: dict[str, Any] = {}
        if found.metadata.get("transcripts") is True and not transcripts:
            # The samples worked from now on keep no text: say so on the run.
            patch["transcripts"] = "partial"
        before = found.metadata.get("code") or {}
        changed = before.get("fingerprint") not in (None, code_fp)
        if changed and resume is None:
            raise EthosError(
                f"the unfinished run {found.id[:12]} of this command was started with other "
                f"task code (changed: {_changed_files(before.get('files') or {}, code)}); "
                "continuing it would mix results of both versions",
                f"pass --new-run to measure the new code in a new run, or --resume "
                f"{found.id[:12]} to continue that run with it (recorded on the run)",
            )
        if resume is None:
            return patch or None
        reason = "resumed by id"
        if changed:
            names = _changed_files(before.get("files") or {}, code)
            reason = f"resumed by id with changed task code ({names})"
        entry = {"at": utcnow().isoformat(), "code": code_fp, "reason": reason}
        return {
            **patch,
            "code": {"fingerprint": code_fp, "files": dict(code)},
            "resumed": [*found.metadata.get("resumed", []), entry],
        }

    return await leases.join_run(
        store,
        kind="eval",
        fingerprint=fingerprint,
        lease_s=config.lease_s,
        new_run={
            "name": config.task,
            "config": config.model_dump(),
            "metadata": {
                "fingerprint": fingerprint,
                "code": {"fingerprint": code_fp, "files": dict(code)},
                "scripted": config.scripted,
                "suite": suite,  # its report section (ethos.evals.suite)
                # False: a run that keeps no text; "partial" once resumed with it off
                "transcripts": transcripts,
            },
        },
        run_id=resume,
        force_new=new_run,
        check=check,
    )


def _changed_files(before: Mapping[str, str], now: Mapping[str, str]) -> str:
    names = sorted(Path(f).name for f in set(before) | set(now) if before.get(f) != now.get(f))
    return ", ".join(names) or "its files moved"


def task_code(config: EvalConfig, task: Task) -> dict[str, str]:
    """The digests of the files that define the task (see ethos.evals.fingerprint)."""
    factory = None if "@" in config.task else registered().get(config.task)
    return code_digests(code_files(task, config.task, factory))


Items = Mapping[tuple[str, int, str], tuple[int, Arm, Sample]]


async def start_run(
    config: EvalConfig,
    *,
    store: Store,
    task: Task | None = None,
    resume: str | None = None,
    new_run: bool = False,
    settings: Any,
) -> tuple[EvalConfig, Task, list[Sample], Run, Lease]:
    """What the process that starts a run does before any sample is worked
    (shared by run_eval and the Ray executor's driver): resolve the task and
    its arms, check every model and the task's own preflight (before any run
    row exists), then find or create the run and join it as a worker."""
    task = task or resolve_task(config.task, config.task_args)
    config = with_task_arms(config, task)
    check_models(config, task, settings)
    preflight = task.metadata.get("preflight")
    if preflight is not None:  # the task's own check, before any run row exists
        await _maybe_await(preflight(store))
    samples = list(task.samples)[: config.limit]
    code = task_code(config, task)
    run, lease = await open_run(
        store,
        config,
        samples,
        code,
        resume=resume,
        new_run=new_run,
        suite=suite_of_task(task),
        transcripts=settings.transcripts,
    )
    return config, task, samples, run, lease


def run_items(config: EvalConfig, task: Task, samples: Sequence[Sample]) -> dict:
    """Every (sample, epoch, arm) of the run by its key: what a worker
    looks a claimed row up in (the same in every process that builds the
    task from the same configuration)."""
    epochs = config.epochs or task.epochs
    return {
        (sample.id, epoch, arm.name): (epoch, arm, sample)
        for epoch in range(epochs)
        for arm in config.arms
        for sample in samples
    }


async def add_items(store: Store, run_id: str, items: Items) -> None:
    """Insert the run's sample rows that do not exist yet (``pending``)."""
    await leases.add_samples(
        store,
        run_id,
        [
            {
                "sample_id": s.id,
                "epoch": e,
                "arm": a.name,
                "input": s.input,
                "target": s.target,
                "metadata": s.metadata,
            }
            for e, a, s in items.values()
        ],
    )


async def run_eval(
    config: EvalConfig,
    *,
    store: Store,
    task: Task | None = None,
    resume: str | None = None,
    new_run: bool = False,
    progress: bool | str | None = None,
    settings: Any = None,
) -> EvalResult:
    """Run (or finish, or join) the evaluation ``config`` describes; returns
    its tally. ``new_run`` starts a new run even where an unfinished one of
    the same command exists. ``progress``: ``"rich"``, ``"plain"`` (lines on
    stderr, for logs), ``"none"``; True/False/None as in ``display_mode``."""
    from ethos.settings import load_settings

    settings = settings or load_settings()
    config, task, samples, run, lease = await start_run(
        config, store=store, task=task, resume=resume, new_run=new_run, settings=settings
    )
    heartbeat = asyncio.create_task(_heartbeat(store, lease))
    try:
        runner = await fill_run(store, lease, run, config, task, samples, settings)
        total, skipped = runner.total, runner.total - runner.pending
        status, error = await runner.run(progress)
    except (asyncio.CancelledError, KeyboardInterrupt):
        await _finish_quietly(
            store, lease, "cancelled", "interrupted; run the same command again to finish"
        )
        raise
    except Exception as exc:
        await _finish_quietly(store, lease, "failed", f"{type(exc).__name__}: {exc}")
        raise
    finally:
        heartbeat.cancel()
    return await finish_run(store, config, run.id, status, error, total=total, skipped=skipped)


async def fill_run(
    store: Store,
    lease: Lease,
    run: Run,
    config: EvalConfig,
    task: Task,
    samples: Sequence[Sample],
    settings: Any,
) -> _Runner:
    """Add the command's samples to the run (those stored already are kept)
    and return this process's runner for it: ``total`` items, ``pending``
    of them not succeeded yet. Every executor fills a run this way."""
    items = run_items(config, task, samples)
    await add_items(store, run.id, items)
    total = len(items)
    skipped = (await leases.status_counts(store, run.id)).get("succeeded", 0)
    runner = _Runner(store, lease, task, config, total, total - skipped, items)
    runner.settings = settings
    # A run stored without transcripts keeps none when resumed, and the
    # setting turned off keeps none from now on.
    runner.transcripts = settings.transcripts and run.metadata.get("transcripts") is not False
    return runner


async def finish_run(
    store: Store,
    config: EvalConfig,
    run_id: str,
    status: str,
    error: str | None,
    *,
    total: int,
    skipped: int,
) -> EvalResult:
    """Record the run's end and return its tally, as every executor does
    once its workers are done."""
    await store.finish_run(run_id, status, error=error)
    counts = await leases.status_counts(store, run_id)
    return EvalResult(
        run_id=run_id,
        status=status,
        total=total,
        succeeded=counts.get("succeeded", 0),
        failed=counts.get("failed", 0),
        skipped=skipped,
        scripted=config.scripted,
    )


async def _heartbeat(store: Store, lease: Lease) -> None:
    """Renew the lease every third of its length while the run is worked."""
    while True:
        await asyncio.sleep(lease.lease_s / 3)
        try:
            await leases.renew(store, lease)
        except Exception:  # the next beat tries again; the lease runs meanwhile
            log.warning("could not renew the lease of run %s", lease.run_id, exc_info=True)


async def _finish_quietly(store: Store, lease: Lease, status: str, error: str) -> None:
    """Mark the run's end on the way out of an error, without hiding that
    error; a run other live workers still hold is theirs to finish."""

    async def finish() -> None:
        await leases.leave(store, lease)
        if (await leases.outstanding(store, lease)).held_by_others:
            return
        await store.finish_run(lease.run_id, status, error=clean_text(error[:2000]))

    try:
        await asyncio.shield(finish())
    except Exception:
        pass


class _Runner:
    """This process's share of a run: ``max_connections`` slots working the
    samples it claims, until nothing is left that nobody live holds."""

    def __init__(
        self,
        store: Store,
        lease: Lease,
        task: Task,
        config: EvalConfig,
        total: int,
        pending: int,
        items: Mapping[tuple[str, int, str], tuple[int, Arm, Sample]],
    ) -> None:
        self.store, self.lease, self.task, self.config = store, lease, task, config
        self.run_id = lease.run_id
        self.total, self.pending, self.items = total, pending, items
        self.succeeded = self.failed = 0
        self.meter = UsageMeter()
        self.transcripts = True
        self.settings: Any = None  # the run's: passed to every sample's calls
        self.stop = False
        self.graph: Any = None  # a StateGraph solver, compiled once for the run
        self.claimed: deque[Claim] = deque()  # claimed, not started yet
        self.claiming = asyncio.Lock()
        # A slot of this round of _work found nothing left to claim and no
        # live worker holding any: the other slots would find the same, so
        # they stop without asking the database again (64 empty claims and
        # counts at the end of every run otherwise; issue 19).
        self.drained = False
        self.poll_s = min(1.0, config.lease_s / 4)

    async def run(self, progress: bool | str | None) -> tuple[str, str | None]:
        try:
            async with contextlib.AsyncExitStack() as stack:
                if _is_graph_builder(self.task.solver) and self.pending:
                    # One runtime (one checkpointer, on PostgreSQL one connection
                    # pool) for the whole run, not one per sample.
                    from ethos.graphs.runtime import GraphRuntime

                    runtime = await GraphRuntime.open(store=self.store)
                    stack.push_async_callback(runtime.close)
                    self.graph = _SolverGraph(runtime, self.task.solver, self.task.name)
                self.writer = await stack.enter_async_context(self.store.batch())
                with _Progress(self, progress) as display:
                    while not self.stop:
                        await self._work(display)
                        left = await leases.outstanding(self.store, self.lease)
                        if not (left.claimable or left.held_by_others):
                            break
        finally:  # after the writer's last flush: what is done is committed
            await leases.leave(self.store, self.lease, [c.pk for c in self.claimed])
        return await self._outcome()

    async def _work(self, display: _Progress) -> None:
        async def slot() -> None:
            while not self.stop:
                claim = await self._next()
                if claim is None:
                    return
                await self.one(claim)
                display.advance()

        self.drained = False
        slots = [asyncio.create_task(slot()) for _ in range(self.config.max_connections)]
        try:
            await asyncio.gather(*slots)
        finally:
            for s in slots:
                s.cancel()
            await asyncio.gather(*slots, return_exceptions=True)

    async def _next(self) -> Claim | None:
        """The next sample for a slot: one already claimed, else a new claim
        of ``max_connections`` (one transaction per batch, not per sample;
        at most twice the slots held at once); with none claimable, wait
        while other live workers hold samples (they may die and leave
        them), else None."""
        async with self.claiming:
            while not self.stop:
                if self.claimed:
                    return self.claimed.popleft()
                if self.drained:
                    return None
                got = await leases.claim(self.store, self.lease, self.config.max_connections)
                if got:
                    self.claimed.extend(got)
                    continue
                left = await leases.outstanding(self.store, self.lease)
                if not (left.claimable or left.held_by_others):
                    self.drained = True
                    return None
                await asyncio.sleep(0.01 if left.claimable else self.poll_s)
            return None

    async def _outcome(self) -> tuple[str, str | None]:
        limit = self.config.fail_on_error
        if self.stop and limit is None:  # stopped from outside (a Ray executor's driver)
            return "cancelled", "stopped before the end; run the same command again to finish"
        if self.stop:
            return "failed", (
                f"{self.failed} samples failed, reaching --fail-on-error {limit:g}; "
                "the same command retries them"
            )
        counts = await leases.status_counts(self.store, self.run_id)
        failed = counts.get("failed", 0)
        if failed and not self._tolerated(failed):
            return "failed", (
                f"{failed} of {self.pending} samples failed; the same "
                "command retries them (or allow some with --fail-on-error)"
            )
        unfinished = self.total - failed - counts.get("succeeded", 0)
        if unfinished:  # cannot happen unless rows were changed by hand meanwhile
            return "failed", f"{unfinished} samples unfinished; the same command finishes them"
        return "succeeded", None

    def _tolerated(self, failed: int) -> bool:
        limit = self.config.fail_on_error
        if limit is None:
            return False
        return failed / self.total <= limit if limit < 1 else failed < limit

    async def one(self, claim: Claim) -> None:
        pk = claim.pk
        item = self.items.get((claim.sample_id, claim.epoch, claim.arm))
        if item is None:  # a row of this run that the command does not define
            self._finish(pk, "failed", error="not a sample of this command's task")
            return
        epoch, arm, sample = item
        ctx = SolverContext(
            arm=arm,
            epoch=epoch,
            seed=sample_seed(self.config.seed, sample.id, epoch),
            roles=self.config.model_roles,
            model_args=_model_args(self.config, arm),
            attempt=claim.attempt,
            settings=self.settings,
        )
        try:
            with run_scope(
                self.store,
                self.run_id,
                sample_pk=pk,
                meter=self.meter,
                writer=self.writer,
                attempt=claim.attempt,
                transcripts=self.transcripts,
            ):
                output = await solve(self.task.solver, sample, ctx, self.run_id, graph=self.graph)
                rows = [await self._score(fn, sample, output, ctx, pk) for fn in self.task.scorers]
            stored = _storable(output)
        except Exception as exc:  # recorded on the sample: the run goes on
            self._finish(pk, "failed", error=f"{type(exc).__name__}: {exc}")
            self.failed += 1
            if self.config.fail_on_error is not None and not self._tolerated(self.failed):
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
    if _is_graph_builder(solver) or hasattr(solver, "ainvoke"):
        from ethos.graphs.node_events import recording_nodes

        with recording_nodes():  # node boundaries in the sample's transcript
            return await _solve_graph(solver, sample, ctx, run_id, graph)
    return await _maybe_await(solver(sample, ctx))


async def _solve_graph(
    solver: Any, sample: Sample, ctx: SolverContext, run_id: str, graph: Any
) -> Any:
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
    config = {"configurable": {"thread_id": thread, "ethos": ctx}}
    return await solver.ainvoke(sample.input, config=config, context=ctx)


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


DISPLAYS = ("rich", "plain", "none")


def display_mode(progress: bool | str | None) -> str:
    """``rich``, ``plain`` or ``none`` from run_eval's ``progress``: True is a
    rich bar, False nothing, None a rich bar on a terminal and nothing
    elsewhere (the command line asks for ``plain`` off a terminal itself)."""
    if progress is None:
        from rich.console import Console

        return "rich" if Console(stderr=True).is_terminal else "none"
    if isinstance(progress, bool):
        return "rich" if progress else "none"
    if progress not in DISPLAYS:
        raise EthosError(f"unknown display {progress!r}", f"use one of: {', '.join(DISPLAYS)}")
    return progress


class _Progress:
    """Progress on stderr: a rich bar (``rich``), or (``plain``, for logs and
    pipes) one line at each tenth of the run and at least every
    ``PLAIN_INTERVAL_S`` seconds, so a long run is never silent; ``none``
    prints nothing."""

    PLAIN_INTERVAL_S = 10.0

    def __init__(self, runner: _Runner, enabled: bool | str | None) -> None:
        self.runner = runner
        self.mode = display_mode(enabled)
        self.bar: Any = None
        self.heartbeat: asyncio.Task[None] | None = None
        self.started = self.last = 0.0
        self.next_step = 0

    def __enter__(self) -> _Progress:
        import time

        self.started = self.last = time.monotonic()
        done = self.runner.total - self.runner.pending
        if self.mode == "rich":
            from rich.console import Console
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
                console=Console(stderr=True),
            )
            self.bar.start()
            self.task = self.bar.add_task(
                self.runner.config.task, total=self.runner.total, completed=done, stats=""
            )
        elif self.mode == "plain":
            already = f" ({done:,} already done)" if done else ""
            self._line(f"started: {self.runner.pending:,} of {self.runner.total:,} to run{already}")
            self.next_step = 1
            # Samples that take minutes must not leave minutes of silence in a log.
            self.heartbeat = asyncio.get_running_loop().create_task(self._beat())
        return self

    async def _beat(self) -> None:
        import time

        while True:  # a line at most PLAIN_INTERVAL_S after the last one
            wait = self.last + self.PLAIN_INTERVAL_S - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            else:
                self._report(time.monotonic())

    def _done(self) -> int:
        return self.runner.total - self.runner.pending + self.runner.succeeded + self.runner.failed

    def _stats(self) -> str:
        meter = self.runner.meter
        tokens = meter.input_tokens + meter.output_tokens
        return f"errors {self.runner.failed}  tokens {tokens:,}"

    def _line(self, text: str) -> None:
        import sys

        task = self.runner.config.task
        if "@" in task:  # a file task: its file's name, not the whole path, on every line
            file, _, function = task.rpartition("@")
            task = f"{Path(file).name}@{function}"
        print(f"eval {task} {text}", file=sys.stderr, flush=True)

    def advance(self) -> None:
        if self.mode == "rich" and self.bar is not None:
            self.bar.update(self.task, advance=1, stats=self._stats())
        elif self.mode == "plain":
            import time

            now = time.monotonic()
            worked = self.runner.succeeded + self.runner.failed
            pending = max(self.runner.pending, 1)
            step = worked * 10 // pending  # tenths of this process's share
            if step >= self.next_step or now - self.last >= self.PLAIN_INTERVAL_S:
                self.next_step = step + 1
                self._report(now)

    def _report(self, now: float) -> None:
        self.last = now
        worked = self.runner.succeeded + self.runner.failed
        total = self.runner.total
        done = self._done()
        pct = 100 * done / total if total else 100.0
        rate = worked / (now - self.started) if now > self.started else 0.0
        togo = self.runner.pending - worked
        left = f", ~{togo / rate:.0f}s left" if rate and togo else ""
        meter = self.runner.meter
        tokens = meter.input_tokens + meter.output_tokens
        self._line(
            f"{done:,}/{total:,} ({pct:.0f}%) {self.runner.failed:,} failed, "
            f"{tokens:,} tokens, {now - self.started:.1f}s{left}"
        )

    def __exit__(self, *exc: object) -> None:
        if self.heartbeat is not None:
            self.heartbeat.cancel()
        if self.bar is not None:
            self.bar.stop()
