"""Reading a run from the database: its facts, one streamed pass over its
scores, its failures grouped by error class, and the few sample rows (with
their transcripts) that the HTML browser shows."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Collection
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError
from sqlalchemy import select

from ethos.db.tables import SampleRow, ScoreRow
from ethos.errors import EthosError
from ethos.evals.metrics import epoch_reducer
from ethos.evals.report.accumulate import Collected, Options, Pass
from ethos.evals.report.escape import CLIP_CHARS
from ethos.evals.report.model import (
    OTHER,
    SCRIPTED_LABEL,
    ArmSpec,
    FailureGroup,
    RunFacts,
    SampleBrowser,
    SampleView,
    TranscriptEntry,
)

if TYPE_CHECKING:
    from ethos.db.store import Run, Store

_ROWS_PER_FETCH = 2000
_MESSAGE_CHARS = 2000
MAX_FAILURE_CLASSES = 50
MAX_FAILED_IDS = 10
MAX_EVENTS = 200


def run_facts(run: Run) -> RunFacts:
    if run.kind != "eval":
        raise EthosError(
            f"run {run.id} is a {run.kind!r} run, not an eval run",
            "`ethos runs list --kind eval` lists the eval runs",
        )
    config = run.config
    try:
        arms = [ArmSpec.model_validate(arm) for arm in config.get("arms") or []]
        facts = RunFacts(
            id=run.id,
            task=str(config.get("task") or run.name),
            status=run.status,
            created_at=run.created_at,
            finished_at=run.finished_at,
            error=run.error,
            task_args=config.get("task_args") or {},
            arms=arms,
            baseline=config.get("baseline") or (arms[0].name if arms else None),
            epochs=config.get("epochs"),
            seed=config.get("seed"),
        )
    except (ValidationError, AttributeError, TypeError) as exc:
        raise EthosError(
            f"eval run {run.id} has a config this ethos cannot read: {exc}".splitlines()[0],
            "it was written by another version of ethos, or by hand",
        ) from None
    # Honest by construction: a script/ model in an arm or a role marks the
    # run even if the writer forgot the flag.
    models = [arm.model or "" for arm in arms]
    roles = config.get("model_roles")
    models += [str(m) for m in roles.values()] if isinstance(roles, dict) else []
    scripted = bool(run.metadata.get("scripted")) or any(
        m.startswith(("script/", "script:")) for m in models
    )
    return facts.model_copy(
        update={
            "scripted": scripted,
            "scripted_label": SCRIPTED_LABEL if scripted else None,
            "suite": _suite(run, facts.task),
            "transcripts": run.metadata.get("transcripts") is not False,
        }
    )


def _suite(run: Run, task: str) -> str | None:
    """The suite the run recorded when it started; for a run recorded before
    ethos kept it, the suite named by the task's first path part."""
    if "suite" in run.metadata:
        recorded = run.metadata["suite"]
        return str(recorded) if recorded else None
    from ethos.evals.suite import suite_named

    found = suite_named(task.split("/", 1)[0])
    return found.name if found else None


def options_of(
    reducer: str, confidence: float, resamples: int, seed: int, reservoir: int
) -> Options:
    try:
        reduce = epoch_reducer(reducer)
    except ValueError:
        raise EthosError(
            f"unknown epoch reducer {reducer!r}", "use mean, mode or at_least_<k> (at_least_2, ...)"
        ) from None
    if not 0.0 < confidence < 1.0:
        raise EthosError(f"confidence {confidence} is not a level", "give a number between 0 and 1")
    if resamples < 1 or reservoir < 1 or seed < 0:
        raise EthosError(
            "resamples and reservoir must be positive, and the seed not negative",
            "use the defaults unless you need otherwise",
        )
    return Options(reduce, confidence, resamples, seed, reservoir)


async def collect_run(store: Store, run_id: str, options: Options) -> Collected:
    """One streamed pass over the run's samples and scores (never their
    inputs or outputs), ordered by (sample id, epoch, arm) along the unique
    index, so a sample's rows arrive together."""
    run = await store.get_run(run_id)
    facts = run_facts(run)
    collected = Collected(run=facts, arms=[arm.name for arm in facts.arms])
    fold = Pass(collected, options)
    query = (
        select(
            SampleRow.id,
            SampleRow.sample_id,
            SampleRow.arm,
            SampleRow.status,
            ScoreRow.scorer,
            ScoreRow.value,
        )
        .select_from(SampleRow)
        .outerjoin(ScoreRow, ScoreRow.sample_pk == SampleRow.id)
        .where(SampleRow.run_id == run.id)
        .order_by(SampleRow.sample_id, SampleRow.epoch, SampleRow.arm)
        .execution_options(yield_per=_ROWS_PER_FETCH)
    )
    async with store.engine.connect() as conn:
        result = await conn.stream(query)
        async for rows in result.partitions():
            for row in rows:
                fold.row(*row)
    fold.flush()
    seen = sorted(set(collected.statuses) - set(collected.arms))
    collected.arms.extend(seen)
    return collected


async def succeeded_scores(
    store: Store, run_id: str, scorers: Collection[str]
) -> AsyncIterator[tuple[str, str, str, Any, Any]]:
    """(arm, sample id, scorer, value, meta) of each score named in
    ``scorers`` of the run's succeeded samples, in sample order: the one
    streamed pass that the suites' report sections fold into their tallies,
    fetched ``_ROWS_PER_FETCH`` rows at a time so memory stays flat."""
    query = (
        select(SampleRow.arm, SampleRow.sample_id, ScoreRow.scorer, ScoreRow.value, ScoreRow.meta)
        .select_from(SampleRow)
        .join(ScoreRow, ScoreRow.sample_pk == SampleRow.id)
        .where(
            SampleRow.run_id == run_id,
            SampleRow.status == "succeeded",
            ScoreRow.scorer.in_(scorers),
        )
        .order_by(SampleRow.id)
        .execution_options(yield_per=_ROWS_PER_FETCH)
    )
    async with store.engine.connect() as conn:
        result = await conn.stream(query)
        async for rows in result.partitions():
            for arm, sample, scorer, value, meta in rows:
                yield arm, sample, scorer, value, meta


def error_class(error: str) -> str:
    """The class of a recorded error (the harness writes ``Class: message``)."""
    found = _ERROR_CLASS.match(error)
    return found.group(1) if found else "error"


_ERROR_CLASS = re.compile(r"^([A-Za-z_][\w.]*)(?::|$)")


async def collect_failures(store: Store, run_id: str) -> list[FailureGroup]:
    """The run's failed sample rows grouped by error class, streamed in
    sample order: per class its count, its first message and its first
    sample ids. At most MAX_FAILURE_CLASSES classes (later ones counted as
    OTHER), so memory stays flat however many samples failed."""
    groups: dict[str, dict[str, Any]] = {}
    query = (
        select(SampleRow.sample_id, SampleRow.error)
        .where(SampleRow.run_id == run_id, SampleRow.status == "failed")
        .order_by(SampleRow.sample_id, SampleRow.epoch, SampleRow.arm)
        .execution_options(yield_per=_ROWS_PER_FETCH)
    )
    async with store.engine.connect() as conn:
        result = await conn.stream(query)
        async for rows in result.partitions():
            for sample_id, error in rows:
                text = (error or "").strip() or "(no error recorded)"
                name = error_class(text)
                if name not in groups and len(groups) >= MAX_FAILURE_CLASSES:
                    name = OTHER
                group = groups.setdefault(name, {"count": 0, "first": text, "ids": {}})
                group["count"] += 1
                if len(group["ids"]) < MAX_FAILED_IDS:
                    group["ids"].setdefault(sample_id, None)
    ordered = sorted(groups.items(), key=lambda item: (-item[1]["count"], item[0]))
    return [
        FailureGroup(
            error_class=name,
            count=group["count"],
            first_message=group["first"][:_MESSAGE_CHARS],
            sample_ids=list(group["ids"]),
        )
        for name, group in ordered
    ]


async def browse(store: Store, run: RunFacts, limit: int, total: int) -> SampleBrowser:
    """The first ``limit`` sample rows with their scores, explanations and
    transcripts: the only place a report reads inputs, outputs and
    transcripts, and never more than ``limit`` samples of them (each
    transcript cut at MAX_EVENTS events, each text clipped)."""
    columns = ("sample_id", "epoch", "arm", "status", "input", "target", "output", "error")
    query = (
        select(SampleRow.id, *(getattr(SampleRow, name) for name in columns))
        .where(SampleRow.run_id == run.id)
        .order_by(SampleRow.sample_id, SampleRow.epoch, SampleRow.arm)
        .limit(limit)
    )
    async with store.engine.connect() as conn:
        rows = (await conn.execute(query)).all()
        scores: dict[int, dict[str, Any]] = {}
        explanations: dict[int, dict[str, str]] = {}
        if rows:
            found = await conn.execute(
                select(ScoreRow.sample_pk, ScoreRow.scorer, ScoreRow.value, ScoreRow.explanation)
                .where(ScoreRow.sample_pk.in_([row.id for row in rows]))
                .order_by(ScoreRow.sample_pk, ScoreRow.scorer)
            )
            for pk, scorer, value, explanation in found:
                scores.setdefault(pk, {})[scorer] = value
                if explanation:
                    explanations.setdefault(pk, {})[scorer] = clip_text(explanation)
    views = []
    for row in rows:
        entries: list[TranscriptEntry] = []
        note = None
        if not run.transcripts:
            note = "this run was stored without transcripts"
        else:
            entries, note = await _transcript(store, row.id)
        fields = {name: row._mapping[name] for name in columns}
        views.append(
            SampleView(
                **fields,
                scores=scores.get(row.id, {}),
                explanations=explanations.get(row.id, {}),
                transcript=entries,
                transcript_note=note,
            )
        )
    return SampleBrowser(shown=views, total=total)


async def _transcript(store: Store, sample_pk: int) -> tuple[list[TranscriptEntry], str | None]:
    entries: list[TranscriptEntry] = []
    more = 0
    try:
        async for event in store.transcript(sample_pk, page_size=MAX_EVENTS + 1):
            if len(entries) < MAX_EVENTS:
                entries.append(TranscriptEntry(kind=event.kind, data=clip_data(event.data)))
            else:
                more += 1
    except EthosError as exc:
        return entries, exc.problem
    note = f"{more:,} more events not shown (ethos runs show has them all)" if more else None
    return entries, note


def clip_text(text: str, limit: int = CLIP_CHARS) -> str:
    if len(text) <= limit:
        return text
    return text[:limit] + f"\n… ({len(text) - limit:,} more characters)"


def clip_data(value: Any, limit: int = CLIP_CHARS) -> Any:
    """``value`` with every string clipped, so a report stays bounded in size."""
    if isinstance(value, str):
        return clip_text(value, limit)
    if isinstance(value, dict):
        return {str(k): clip_data(v, limit) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clip_data(v, limit) for v in value]
    return value
