"""Eval reports, built from the database alone.

A report reads one eval run's rows (the run, its samples, their scores) and
states, for every scorer and arm, the per-sample values aggregated with a
confidence interval, each arm's Delta to the baseline arm, and how many
samples succeeded or failed. It needs nothing the harness held in memory, so
a report of a run killed half-way, or run on another machine, is the same
report.

It stays fast and flat in memory however long the run: samples and scores
are streamed in one ordered pass (``yield_per``; never the transcripts),
each sample's epochs and arms are reduced as soon as its rows have passed,
and every metric keeps exact counts and sums (rates and means are exact)
plus a seeded uniform reservoir of at most ``reservoir`` values, from which
the bootstrap intervals are drawn and rescaled to the full n
(:func:`ethos.evals.metrics.bootstrap_means`). Categorical scores keep at
most ``MAX_CATEGORIES`` names each.

Three renderings of one :class:`EvalReport`: a rich terminal table
(:func:`print_report`), JSON (``report.model_dump_json()``), and one
self-contained HTML file with plots and a sample browser
(:func:`render_html`). :func:`compare` sets two runs side by side.

A suite adds its own section through a :class:`SuiteHook`, found by the
task's name prefix in :data:`SUITE_HOOKS`: it reads what it needs while the
report is built (streamed, like the rest) and draws its plots from the
report alone. The games suite's round-by-round choices are one.

Store conventions (written by ``ethos.evals.run``): ``runs.kind`` is
``"eval"``; ``runs.config`` holds ``task``, ``task_args``, ``arms`` (name,
model, options), ``baseline``, ``epochs``, ``seed``; ``runs.metadata``
holds ``scripted``; one sample row per (sample, epoch, arm); one score row
per (sample row, scorer), whose value is a number, a bool, a string
(categorical), an object of named numbers, or null (undefined).
"""

from __future__ import annotations

import base64
import html
import importlib
import io
import json
import math
import random
import zlib
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import select

from ethos.db.tables import SampleRow, ScoreRow
from ethos.errors import EthosError
from ethos.evals.metrics import (
    CONFIDENCE,
    RESAMPLES,
    DeltaSummary,
    EpochReducer,
    Method,
    MetricSummary,
    epoch_reducer,
    mean_summary,
    newcombe_interval,
    paired_delta_summary,
    rate_summary,
    reduce_mode,
    unpaired_difference_ci,
)

if TYPE_CHECKING:
    from rich.console import Console

    from ethos.db.store import Run, Store

T = TypeVar("T")

RESERVOIR = 5000
BROWSE = 200
MAX_CATEGORIES = 50
OTHER = "(other)"
SCRIPTED_LABEL = (
    "SCRIPTED: at least one arm ran a script/ test double, not a real model; "
    "these numbers say nothing about any model"
)
_ROWS_PER_FETCH = 2000
_BROWSER_PAGE = 20
_MAX_PANELS = 24
_MAX_FOREST_ROWS = 40
_HISTOGRAM_BINS = 20
_CLIP_CHARS = 4000


# -- the report's data -----------------------------------------------------------


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True)


class ArmSpec(_Model):
    """One arm as the run configured it: a model and its options."""

    name: str
    model: str | None = None
    options: dict[str, Any] = Field(default_factory=dict)


class RunFacts(_Model):
    """What a reader must know about the run before any number."""

    id: str
    task: str
    status: str
    created_at: datetime
    finished_at: datetime | None = None
    error: str | None = None
    task_args: dict[str, Any] = Field(default_factory=dict)
    arms: list[ArmSpec] = Field(default_factory=list)
    baseline: str | None = None
    epochs: int | None = None
    seed: int | None = None
    scripted: bool = False
    scripted_label: str | None = None


class ArmCounts(_Model):
    """Sample rows (one per sample and epoch) of one arm, by status."""

    arm: str
    succeeded: int = 0
    failed: int = 0
    other: int = 0


class Histogram(_Model):
    """How one numeric metric's per-sample values spread in one arm; counts
    come from the same uniform sample as the bootstrap when ``sampled`` is
    set, so compare shapes, not heights, across arms."""

    name: str
    arm: str
    edges: list[float]
    counts: list[int]
    n: int
    sampled: int | None = None


class SampleView(_Model):
    """One sample row as the browser shows it."""

    sample_id: str
    epoch: int
    arm: str
    status: str
    input: Any = None
    target: Any = None
    output: Any = None
    error: str | None = None
    scores: dict[str, Any] = Field(default_factory=dict)


class SampleBrowser(_Model):
    """The first sample rows (by sample id, epoch, arm) and how many exist."""

    shown: list[SampleView]
    total: int


class RoundShare(_Model):
    """One round of a task played in rounds, as a suite hook counts it: of
    the ``n`` succeeded sample rows of ``arm`` that reached ``round``
    (1-based), the share in which ``who`` made the choice the suite counts,
    with its Wilson interval."""

    arm: str
    who: str
    round: int
    share: float
    ci_low: float
    ci_high: float
    n: int


class EvalReport(_Model):
    """An eval run's report: facts, counts, metrics, Deltas, and how they were
    computed. ``model_dump_json()`` is the JSON rendering."""

    run: RunFacts
    reducer: str
    confidence: float
    resamples: int
    seed: int
    reservoir: int
    counts: list[ArmCounts]
    metrics: list[MetricSummary]
    deltas: list[DeltaSummary]
    histograms: list[Histogram] = Field(default_factory=list)
    rounds: list[RoundShare] | None = None
    samples: SampleBrowser | None = None
    notes: list[str] = Field(default_factory=list)


class RunDifference(_Model):
    """One metric of one arm in two runs, and b - a with its interval
    (independent runs: Newcombe for rates, an unpaired bootstrap for means)."""

    name: str
    arm: str
    a: MetricSummary
    b: MetricSummary
    difference: float
    ci_low: float
    ci_high: float
    method: Method
    confidence: float


class Comparison(_Model):
    """Two eval runs side by side, on the metrics and arms they share."""

    run_a: RunFacts
    run_b: RunFacts
    reducer: str
    confidence: float
    differences: list[RunDifference]
    only_in_a: list[str] = Field(default_factory=list)
    only_in_b: list[str] = Field(default_factory=list)


# -- streaming accumulators ---------------------------------------------------------


class _Reservoir(Generic[T]):
    """A uniform sample of at most ``cap`` items of a stream of unknown length
    (Algorithm R, Vitter 1985): after n items each is held with probability
    cap/n. Seeded, so a report is reproducible."""

    __slots__ = ("_rng", "cap", "items", "seen")

    def __init__(self, cap: int, seed: str) -> None:
        self.cap = cap
        self.items: list[T] = []
        self.seen = 0
        self._rng = random.Random(seed)

    def add(self, item: T) -> None:
        self.seen += 1
        if len(self.items) < self.cap:
            self.items.append(item)
            return
        slot = self._rng.randrange(self.seen)
        if slot < self.cap:
            self.items[slot] = item


class _Numbers:
    """Exact count and sum of a metric's per-sample values in one arm (or of
    its paired differences), and a reservoir for the bootstrap."""

    __slots__ = ("binary", "n", "sample", "total")

    def __init__(self, cap: int, seed: str) -> None:
        self.n = 0
        self.total = 0.0
        self.binary = True
        self.sample: _Reservoir[float] = _Reservoir(cap, seed)

    def add(self, value: float, binary: bool) -> None:
        self.n += 1
        self.total += value
        self.binary = self.binary and binary
        self.sample.add(value)

    @property
    def mean(self) -> float:
        return self.total / self.n


class _Categories:
    """Exact counts of a categorical metric's per-sample values in one arm."""

    __slots__ = ("counts", "n")

    def __init__(self) -> None:
        self.n = 0
        self.counts: Counter[str] = Counter()

    def add(self, category: str) -> None:
        self.n += 1
        self.counts[category] += 1


class _CategoryPairs:
    """Paired categorical values (arm, baseline): exact counts of each side,
    and a reservoir of pairs from which any category's indicator differences
    can be drawn once every category is known."""

    __slots__ = ("arm_counts", "base_counts", "n", "sample")

    def __init__(self, cap: int, seed: str) -> None:
        self.n = 0
        self.arm_counts: Counter[str] = Counter()
        self.base_counts: Counter[str] = Counter()
        self.sample: _Reservoir[tuple[str, str]] = _Reservoir(cap, seed)

    def add(self, arm_value: str, base_value: str) -> None:
        self.n += 1
        self.arm_counts[arm_value] += 1
        self.base_counts[base_value] += 1
        self.sample.add((arm_value, base_value))

    def diffs(self, category: str) -> np.ndarray:
        return np.array(
            [(a == category) - (b == category) for a, b in self.sample.items], dtype=np.float64
        )


@dataclass
class _Metric:
    """Everything kept about one metric: per-arm tallies and per-arm pairs
    with the baseline. Categorical metrics keep their first MAX_CATEGORIES
    names; later ones are counted as OTHER."""

    name: str
    categorical: bool
    arms: dict[str, Any] = field(default_factory=dict)
    pairs: dict[str, Any] = field(default_factory=dict)
    categories: dict[str, None] = field(default_factory=dict)

    def category(self, value: str) -> str:
        if value in self.categories:
            return value
        if len(self.categories) < MAX_CATEGORIES:
            self.categories[value] = None
            return value
        return OTHER

    def category_order(self) -> list[str]:
        used = {c for t in self.arms.values() for c in t.counts}
        ordered = sorted(c for c in self.categories if c in used)
        return [*ordered, OTHER] if OTHER in used else ordered


@dataclass(frozen=True)
class _Options:
    reduce: EpochReducer
    confidence: float
    resamples: int
    seed: int
    reservoir: int


@dataclass
class _Collected:
    """One pass over a run: counts per arm and status, and every metric."""

    run: RunFacts
    arms: list[str]
    statuses: dict[str, Counter[str]] = field(default_factory=dict)
    metrics: dict[tuple[str, bool], _Metric] = field(default_factory=dict)

    @property
    def total_samples(self) -> int:
        return sum(sum(c.values()) for c in self.statuses.values())


def _scalars(scorer: str, value: Any) -> Iterator[tuple[str, Any]]:
    """The named scalars in one score value: the value itself, or each entry
    of an object of named values. Nulls, non-finite numbers, lists and deeper
    objects are undefined for the sample and left out."""
    items = value.items() if isinstance(value, dict) else [(None, value)]
    for key, item in items:
        name = scorer if key is None else f"{scorer}.{key}"
        if isinstance(item, str | bool) or (isinstance(item, int | float) and math.isfinite(item)):
            yield name, item


class _Pass:
    """Folds the ordered (sample, epoch, arm) rows of a run into a _Collected:
    rows of one sample id arrive together, so each sample's epochs are
    reduced, and its arms paired with the baseline, as soon as it ends."""

    def __init__(self, collected: _Collected, options: _Options) -> None:
        self.out = collected
        self.options = options
        self.baseline = collected.run.baseline
        self.sample_id: str | None = None
        self.last_pk: int | None = None
        # (metric name, categorical) -> arm -> the sample's epoch values
        self.pending: dict[tuple[str, bool], dict[str, list[Any]]] = {}

    def row(self, pk: int, sample_id: str, arm: str, status: str, scorer: Any, value: Any) -> None:
        if sample_id != self.sample_id:
            self.flush()
            self.sample_id = sample_id
        if pk != self.last_pk:
            self.last_pk = pk
            self.out.statuses.setdefault(arm, Counter())[status] += 1
        if scorer is None:
            return
        for name, item in _scalars(scorer, value):
            key = (name, isinstance(item, str))
            self.pending.setdefault(key, {}).setdefault(arm, []).append(item)

    def flush(self) -> None:
        for key, by_arm in self.pending.items():
            metric = self.out.metrics.get(key)
            if metric is None:
                metric = self.out.metrics[key] = _Metric(name=key[0], categorical=key[1])
            if metric.categorical:
                self._categorical(metric, by_arm)
            else:
                self._numeric(metric, by_arm)
        self.pending.clear()

    def _seed(self, *parts: str) -> str:
        return "\0".join([str(self.options.seed), *parts])

    def _numeric(self, metric: _Metric, by_arm: dict[str, list[Any]]) -> None:
        reduced: dict[str, tuple[float, bool]] = {}
        for arm, values in by_arm.items():
            value = self.options.reduce([float(v) for v in values])
            # A rate stays a rate: a reducer's verdict, or bools that agreed.
            binary = isinstance(value, bool) or (
                all(isinstance(v, bool) for v in values) and value in (0.0, 1.0)
            )
            reduced[arm] = (float(value), binary)
            tally = metric.arms.get(arm)
            if tally is None:
                cap = self.options.reservoir
                tally = metric.arms[arm] = _Numbers(cap, self._seed(metric.name, arm))
            tally.add(*reduced[arm])
        base = reduced.get(self.baseline) if self.baseline is not None else None
        if base is None:
            return
        for arm, (value, binary) in reduced.items():
            if arm == self.baseline:
                continue
            pair = metric.pairs.get(arm)
            if pair is None:
                seed = self._seed(metric.name, arm, "delta")
                pair = metric.pairs[arm] = _Numbers(self.options.reservoir, seed)
            pair.add(value - base[0], binary and base[1])

    def _categorical(self, metric: _Metric, by_arm: dict[str, list[Any]]) -> None:
        reduced = {arm: metric.category(reduce_mode(values)) for arm, values in by_arm.items()}
        for arm, value in reduced.items():
            metric.arms.setdefault(arm, _Categories()).add(value)
        base = reduced.get(self.baseline) if self.baseline is not None else None
        if base is None:
            return
        for arm, value in reduced.items():
            if arm == self.baseline:
                continue
            pair = metric.pairs.get(arm)
            if pair is None:
                seed = self._seed(metric.name, arm, "delta")
                pair = metric.pairs[arm] = _CategoryPairs(self.options.reservoir, seed)
            pair.add(value, base)


# -- reading the database ------------------------------------------------------------


def _facts(run: Run) -> RunFacts:
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
        update={"scripted": scripted, "scripted_label": SCRIPTED_LABEL if scripted else None}
    )


def _options(
    reducer: str, confidence: float, resamples: int, seed: int, reservoir: int
) -> _Options:
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
    return _Options(reduce, confidence, resamples, seed, reservoir)


async def _collect(store: Store, run_id: str, options: _Options) -> _Collected:
    """One streamed pass over the run's samples and scores (never their
    inputs or outputs), ordered by (sample id, epoch, arm) along the unique
    index, so a sample's rows arrive together."""
    run = await store.get_run(run_id)
    facts = _facts(run)
    collected = _Collected(run=facts, arms=[arm.name for arm in facts.arms])
    fold = _Pass(collected, options)
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


async def _browse(store: Store, run_id: str, limit: int, total: int) -> SampleBrowser:
    """The first ``limit`` sample rows with their scores: the only place a
    report reads inputs and outputs, and never more than ``limit`` of them."""
    shown = [name for name in SampleView.model_fields if name != "scores"]
    query = (
        select(SampleRow.id, *(getattr(SampleRow, name) for name in shown))
        .where(SampleRow.run_id == run_id)
        .order_by(SampleRow.sample_id, SampleRow.epoch, SampleRow.arm)
        .limit(limit)
    )
    async with store.engine.connect() as conn:
        rows = (await conn.execute(query)).all()
        scores: dict[int, dict[str, Any]] = {}
        if rows:
            found = await conn.execute(
                select(ScoreRow.sample_pk, ScoreRow.scorer, ScoreRow.value)
                .where(ScoreRow.sample_pk.in_([row.id for row in rows]))
                .order_by(ScoreRow.sample_pk, ScoreRow.scorer)
            )
            for pk, scorer, value in found:
                scores.setdefault(pk, {})[scorer] = value
    views = [
        SampleView.model_validate({**row._mapping, "scores": scores.get(row.id, {})})
        for row in rows
    ]
    return SampleBrowser(shown=views, total=total)


# -- summaries -------------------------------------------------------------------


def _numeric_seed(options: _Options, *parts: str) -> list[int]:
    """A bootstrap seed per metric and arm, independent of report order."""
    return [options.seed, *(zlib.crc32(p.encode()) for p in parts)]


def _summaries(
    collected: _Collected, options: _Options
) -> tuple[list[MetricSummary], list[DeltaSummary], list[Histogram], list[str]]:
    metrics: list[MetricSummary] = []
    deltas: list[DeltaSummary] = []
    histograms: list[Histogram] = []
    notes: list[str] = []
    baseline = collected.run.baseline
    for metric in sorted(collected.metrics.values(), key=lambda m: (m.name, m.categorical)):
        arms = [a for a in collected.arms if a in metric.arms]
        pairs = [a for a in collected.arms if a in metric.pairs]
        if metric.categorical:
            if OTHER in metric.category_order():
                notes.append(
                    f"{metric.name} has more than {MAX_CATEGORIES} categories; "
                    f"later ones are counted as {OTHER}"
                )
            for category in metric.category_order():
                name = f"{metric.name}={category}"
                for arm in arms:
                    tally = metric.arms[arm]
                    metrics.append(
                        rate_summary(name, arm, tally.counts[category], tally.n, options.confidence)
                    )
                for arm in pairs:
                    pair = metric.pairs[arm]
                    deltas.append(
                        paired_delta_summary(
                            pair.diffs(category),
                            name=name,
                            arm=arm,
                            baseline=str(baseline),
                            confidence=options.confidence,
                            resamples=options.resamples,
                            seed=_numeric_seed(options, name, arm, "delta"),
                            total_n=pair.n,
                            total_mean=(pair.arm_counts[category] - pair.base_counts[category])
                            / pair.n,
                        )
                    )
            continue
        rate = all(metric.arms[a].binary for a in arms)
        for arm in arms:
            metrics.append(_numeric_summary(metric.name, arm, metric.arms[arm], rate, options))
        for arm in pairs:
            pair = metric.pairs[arm]
            deltas.append(
                paired_delta_summary(
                    pair.sample.items,
                    name=metric.name,
                    arm=arm,
                    baseline=str(baseline),
                    confidence=options.confidence,
                    resamples=options.resamples,
                    seed=_numeric_seed(options, metric.name, arm, "delta"),
                    total_n=pair.n,
                    total_mean=pair.mean,
                )
            )
        if not rate:
            histograms.extend(_histograms(metric.name, {a: metric.arms[a] for a in arms}))
    if any(m.sampled for m in [*metrics, *deltas]):
        notes.append(
            f"bootstrap intervals with n above {options.reservoir:,} were drawn from a seeded "
            "uniform sample of that many values and rescaled to the full n "
            "(m-out-of-n bootstrap); means and rates are exact"
        )
    return metrics, deltas, histograms, notes


def _numeric_summary(
    name: str, arm: str, tally: _Numbers, rate: bool, options: _Options
) -> MetricSummary:
    if rate:
        return rate_summary(name, arm, round(tally.total), tally.n, options.confidence)
    return mean_summary(
        name,
        arm,
        tally.sample.items,
        confidence=options.confidence,
        resamples=options.resamples,
        seed=_numeric_seed(options, name, arm),
        total_n=tally.n,
        total_mean=tally.mean,
    )


def _histograms(name: str, tallies: dict[str, _Numbers]) -> Iterator[Histogram]:
    """Histograms on shared bin edges, so arms compare bin by bin."""
    values = np.concatenate([np.asarray(t.sample.items) for t in tallies.values()])
    low, high = float(values.min()), float(values.max())
    if low == high:
        low, high = low - 0.5, high + 0.5
    bins = min(_HISTOGRAM_BINS, max(1, np.unique(values).size))
    edges = np.linspace(low, high, bins + 1)
    for arm, tally in tallies.items():
        counts, _ = np.histogram(tally.sample.items, bins=edges)
        sampled = len(tally.sample.items)
        yield Histogram(
            name=name,
            arm=arm,
            edges=edges.tolist(),
            counts=counts.tolist(),
            n=tally.n,
            sampled=sampled if sampled < tally.n else None,
        )


# -- suite hooks --------------------------------------------------------------------


@dataclass(frozen=True)
class SuiteSection:
    """What a suite hook adds to a report: its fields, and notes for the reader."""

    rounds: list[RoundShare] | None = None
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class SuitePlot:
    """One plot a suite hook adds to the HTML: a matplotlib figure, and how
    many panels it left out."""

    title: str
    figure: Any
    left_out: int = 0


@dataclass(frozen=True)
class SuiteHook:
    """A suite's part of the reports of its runs. ``collect`` reads the run's
    rows once, while the report is built, given the run and the report's
    confidence level; it must stream and stay flat in memory. ``plots``
    draws from the finished report alone, so a report read back from JSON
    renders the same page."""

    collect: Callable[[Store, RunFacts, float], Awaitable[SuiteSection]]
    plots: Callable[[EvalReport], list[SuitePlot]]


# Task-name prefix -> its hook, or "module:attribute" imported on first use,
# so a suite's code loads only for its own runs. The longest prefix wins.
SUITE_HOOKS: dict[str, SuiteHook | str] = {
    "games/": "ethos.evals.games.report:HOOK",
    "publicagent": "ethos.evals.publicagent.report:HOOK",
}


def register_suite_hook(prefix: str, hook: SuiteHook | str) -> None:
    """Add (or replace) the hook for tasks whose name starts with ``prefix``."""
    SUITE_HOOKS[prefix] = hook


def suite_hook(task: str) -> SuiteHook | None:
    """The hook of the suite a task belongs to, or None."""
    prefixes = [prefix for prefix in SUITE_HOOKS if task.startswith(prefix)]
    if not prefixes:
        return None
    prefix = max(prefixes, key=len)
    hook = SUITE_HOOKS[prefix]
    if isinstance(hook, str):
        module, _, attribute = hook.partition(":")
        hook = SUITE_HOOKS[prefix] = getattr(importlib.import_module(module), attribute)
    return hook


# -- the public entry points --------------------------------------------------------


async def build_report(
    store: Store,
    run_id: str,
    *,
    reducer: str = "mean",
    confidence: float = CONFIDENCE,
    resamples: int = RESAMPLES,
    seed: int = 0,
    reservoir: int = RESERVOIR,
    browse: int = BROWSE,
) -> EvalReport:
    """The report of one eval run (an id or a unique prefix), from the
    database alone.

    ``reducer`` turns each sample's epochs into one value before anything is
    aggregated (``mean``, ``mode``, ``at_least_<k>``). ``seed`` makes every
    bootstrap and reservoir reproducible. ``browse`` is how many sample rows,
    with their inputs and outputs, the sample browser holds (0: none).
    A run with no scores yet gives a report with no metrics.
    """
    options = _options(reducer, confidence, resamples, seed, reservoir)
    collected = await _collect(store, run_id, options)
    metrics, deltas, histograms, notes = _summaries(collected, options)
    counts = [
        ArmCounts(
            arm=arm,
            succeeded=statuses["succeeded"],
            failed=statuses["failed"],
            other=sum(statuses.values()) - statuses["succeeded"] - statuses["failed"],
        )
        for arm in collected.arms
        for statuses in [collected.statuses.get(arm, Counter())]
    ]
    notes = [
        f"each sample's epochs are reduced by {reducer} (categorical scores by mode) "
        "before aggregating over samples; n counts samples with a defined score, so "
        "failed samples and null scores are left out",
        *notes,
    ]
    hook = suite_hook(collected.run.task)
    section = await hook.collect(store, collected.run, confidence) if hook else SuiteSection()
    notes.extend(section.notes)
    samples = (
        await _browse(store, collected.run.id, browse, collected.total_samples) if browse else None
    )
    return EvalReport(
        run=collected.run,
        reducer=reducer,
        confidence=confidence,
        resamples=resamples,
        seed=seed,
        reservoir=reservoir,
        counts=counts,
        metrics=metrics,
        deltas=deltas,
        histograms=histograms,
        rounds=section.rounds,
        samples=samples,
        notes=notes,
    )


async def compare(
    store: Store,
    run_a: str,
    run_b: str,
    *,
    reducer: str = "mean",
    confidence: float = CONFIDENCE,
    resamples: int = RESAMPLES,
    seed: int = 0,
    reservoir: int = RESERVOIR,
) -> Comparison:
    """Each metric and arm the two runs share, with b - a and its interval.

    The runs are treated as independent samples (their samples are not
    paired across runs): rates by Newcombe's hybrid score interval, means by
    an unpaired bootstrap. Arms are matched by name.
    """
    options = _options(reducer, confidence, resamples, seed, reservoir)
    a = await _collect(store, run_a, options)
    b = await _collect(store, run_b, options)
    differences: list[RunDifference] = []
    only_in_a: list[str] = []
    only_in_b: list[str] = []
    for key in sorted(set(a.metrics) | set(b.metrics)):
        metric_a, metric_b = a.metrics.get(key), b.metrics.get(key)
        arms_a = set(metric_a.arms) if metric_a else set()
        arms_b = set(metric_b.arms) if metric_b else set()
        only_in_a.extend(f"{key[0]} ({_arm_label(arm)})" for arm in sorted(arms_a - arms_b))
        only_in_b.extend(f"{key[0]} ({_arm_label(arm)})" for arm in sorted(arms_b - arms_a))
        if metric_a is not None and metric_b is not None:
            shared = [arm for arm in dict.fromkeys([*a.arms, *b.arms]) if arm in arms_a & arms_b]
            differences.extend(_differences(metric_a, metric_b, shared, options))
    return Comparison(
        run_a=a.run,
        run_b=b.run,
        reducer=reducer,
        confidence=confidence,
        differences=differences,
        only_in_a=only_in_a,
        only_in_b=only_in_b,
    )


def _differences(
    a: _Metric, b: _Metric, arms: Sequence[str], options: _Options
) -> Iterator[RunDifference]:
    if a.categorical:
        categories = sorted(
            {c for t in [*a.arms.values(), *b.arms.values()] for c in t.counts} - {OTHER}
        )
        for category in categories:
            name = f"{a.name}={category}"
            for arm in arms:
                ta, tb = a.arms[arm], b.arms[arm]
                sa = rate_summary(name, arm, ta.counts[category], ta.n, options.confidence)
                sb = rate_summary(name, arm, tb.counts[category], tb.n, options.confidence)
                low, high = newcombe_interval(
                    ta.counts[category], ta.n, tb.counts[category], tb.n, options.confidence
                )
                yield _difference(name, arm, sa, sb, low, high, "newcombe", options)
        return
    rate = all(t.binary for t in [*a.arms.values(), *b.arms.values()])
    for arm in arms:
        ta, tb = a.arms[arm], b.arms[arm]
        sa = _numeric_summary(a.name, arm, ta, rate, options)
        sb = _numeric_summary(a.name, arm, tb, rate, options)
        if rate:
            low, high = newcombe_interval(
                round(ta.total), ta.n, round(tb.total), tb.n, options.confidence
            )
            yield _difference(a.name, arm, sa, sb, low, high, "newcombe", options)
            continue
        low, high = unpaired_difference_ci(
            ta.sample.items,
            tb.sample.items,
            confidence=options.confidence,
            resamples=options.resamples,
            seed=_numeric_seed(options, a.name, arm, "compare"),
            total_a=(ta.n, ta.mean),
            total_b=(tb.n, tb.mean),
        )
        yield _difference(a.name, arm, sa, sb, low, high, "unpaired_bootstrap", options)


def _difference(
    name: str,
    arm: str,
    a: MetricSummary,
    b: MetricSummary,
    low: float,
    high: float,
    method: Method,
    options: _Options,
) -> RunDifference:
    return RunDifference(
        name=name,
        arm=arm,
        a=a,
        b=b,
        difference=b.mean - a.mean,
        ci_low=low,
        ci_high=high,
        method=method,
        confidence=options.confidence,
    )


# -- terminal ----------------------------------------------------------------------


def _num(value: float) -> str:
    return f"{value:,.1f}" if abs(value) >= 1000 else f"{value:.3f}"


def _interval(low: float, high: float) -> str:
    return f"[{_num(low)}, {_num(high)}]"


def _signed(value: float) -> str:
    return ("+" if value > 0 else "") + _num(value)


def _arm_label(arm: str) -> str:
    return arm or "-"


def print_report(console: Console, report: EvalReport) -> None:
    """The report as rich tables: facts, the scripted label, counts per arm,
    and one row per metric and arm with its Delta to the baseline."""
    from rich.panel import Panel
    from rich.table import Table

    run = report.run
    console.print(f"[bold]eval report: {run.task}[/]  run {run.id}  ({run.status})")
    if run.scripted_label:
        console.print(Panel(f"[bold]{run.scripted_label}[/]", style="bold red"))
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="dim")
    facts.add_column()
    for arm in run.arms:
        mark = "  (baseline)" if arm.name == run.baseline else ""
        facts.add_row(f"arm {_arm_label(arm.name)}", f"{arm.model or '-'}{mark}")
    facts.add_row(
        "epochs / seed", f"{run.epochs or '-'} / {run.seed if run.seed is not None else '-'}"
    )
    facts.add_row("reducer", report.reducer)
    if run.error:
        facts.add_row("error", f"[red]{run.error}[/]")
    console.print(facts)

    counts = Table(title="samples (rows: sample x epoch)", box=None, header_style="bold")
    for column in ("arm", "succeeded", "failed", "other"):
        counts.add_column(column, justify="left" if column == "arm" else "right")
    for c in report.counts:
        failed = f"[red]{c.failed}[/]" if c.failed else "0"
        counts.add_row(_arm_label(c.arm), str(c.succeeded), failed, str(c.other))
    console.print(counts)

    level = f"{report.confidence:.0%}"
    table = Table(title="metrics", box=None, header_style="bold")
    for column in ("metric", "arm", "n", "mean", f"{level} CI", "method"):
        table.add_column(column, justify="right" if column in ("n", "mean") else "left")
    table.add_column(f"Δ vs {_arm_label(run.baseline or '')}", justify="right")
    table.add_column(f"Δ {level} CI")
    deltas = {(d.name, d.arm): d for d in report.deltas}
    previous = None
    for m in report.metrics:
        delta = deltas.get((m.name, m.arm))
        shown = ["", ""]
        if delta is not None:
            style = "green" if delta.ci_low > 0 else "red" if delta.ci_high < 0 else "dim"
            shown = [f"[{style}]{_signed(delta.mean)}[/]", _interval(delta.ci_low, delta.ci_high)]
        table.add_row(
            m.name if m.name != previous else "",
            _arm_label(m.arm),
            f"{m.n:,}",
            _num(m.mean),
            _interval(m.ci_low, m.ci_high),
            m.method,
            *shown,
        )
        previous = m.name
    console.print(table)
    for note in report.notes:
        console.print(f"[dim]note: {note}[/]")


def print_comparison(console: Console, comparison: Comparison) -> None:
    """Two runs' shared metrics as one rich table, b - a per metric and arm."""
    from rich.table import Table

    a, b = comparison.run_a, comparison.run_b
    console.print(f"[bold]compare[/] a = {a.id} ({a.task})  b = {b.id} ({b.task})")
    for facts in (a, b):
        if facts.scripted_label:
            console.print(f"[bold red]run {facts.id}: {facts.scripted_label}[/]")
    level = f"{comparison.confidence:.0%}"
    table = Table(box=None, header_style="bold")
    for column in ("metric", "arm", "a (n)", "b (n)", "b - a", f"{level} CI", "method"):
        table.add_column(column, justify="right" if column.startswith(("a", "b")) else "left")
    for d in comparison.differences:
        style = "green" if d.ci_low > 0 else "red" if d.ci_high < 0 else "dim"
        table.add_row(
            d.name,
            _arm_label(d.arm),
            f"{_num(d.a.mean)} ({d.a.n:,})",
            f"{_num(d.b.mean)} ({d.b.n:,})",
            f"[{style}]{_signed(d.difference)}[/]",
            _interval(d.ci_low, d.ci_high),
            d.method,
        )
    console.print(table)
    for side, keys in (("a", comparison.only_in_a), ("b", comparison.only_in_b)):
        if keys:
            console.print(f"[dim]only in {side}: {', '.join(keys)}[/]")


# -- HTML ---------------------------------------------------------------------------


def _png(figure: Any) -> str:
    """A figure as an <img> with its PNG inline, so the page is one file."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=90, bbox_inches="tight")
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f'<img alt="plot" src="data:image/png;base64,{data}">'


def plot_grid(panels: int) -> tuple[Any, list[Any]]:
    from matplotlib.figure import Figure

    columns = min(3, panels)
    rows = math.ceil(panels / columns)
    figure = Figure(figsize=(4.2 * columns, 3.0 * rows), layout="constrained")
    axes = figure.subplots(rows, columns, squeeze=False).ravel().tolist()
    for unused in axes[panels:]:
        unused.set_visible(False)
    return figure, axes[:panels]


def _grouped(items: Iterable[Any]) -> dict[str, list[Any]]:
    groups: dict[str, list[Any]] = {}
    for item in items:
        groups.setdefault(item.name, []).append(item)
    return groups


def _bar_chart(metrics: list[MetricSummary]) -> tuple[str, int]:
    """One panel per metric: a bar per arm with its interval as whiskers."""
    groups = _grouped(metrics)
    names = list(groups)[:_MAX_PANELS]
    figure, axes = plot_grid(len(names))
    for ax, name in zip(axes, names, strict=True):
        rows = groups[name]
        means = np.array([m.mean for m in rows])
        errors = np.array([[m.mean - m.ci_low for m in rows], [m.ci_high - m.mean for m in rows]])
        ax.bar(range(len(rows)), means, yerr=errors, capsize=4, color="#4c78a8")
        ax.set_xticks(range(len(rows)), [_arm_label(m.arm) for m in rows], rotation=20)
        ax.set_title(name, fontsize=9)
        if all(m.method == "wilson" for m in rows):
            ax.set_ylim(0, 1)
    return _png(figure), len(groups) - len(names)


def _forest(deltas: list[DeltaSummary]) -> tuple[str, int]:
    """Every Delta as a point with its interval, against a line at zero."""
    from matplotlib.figure import Figure

    rows = deltas[:_MAX_FOREST_ROWS]
    figure = Figure(figsize=(8, 0.6 + 0.32 * len(rows)), layout="constrained")
    ax = figure.subplots()
    y = np.arange(len(rows))[::-1]
    means = np.array([d.mean for d in rows])
    errors = np.array([[d.mean - d.ci_low for d in rows], [d.ci_high - d.mean for d in rows]])
    ax.errorbar(means, y, xerr=errors, fmt="o", color="#e45756", capsize=3)
    ax.axvline(0.0, color="grey", linewidth=1)
    ax.set_yticks(y, [f"{d.name}: {_arm_label(d.arm)} - {_arm_label(d.baseline)}" for d in rows])
    ax.set_xlabel("Delta to the baseline arm")
    return _png(figure), len(deltas) - len(rows)


def _histogram_chart(histograms: list[Histogram]) -> tuple[str, int]:
    """One panel per numeric metric, each arm's share of values per bin."""
    groups = _grouped(histograms)
    names = list(groups)[:_MAX_PANELS]
    figure, axes = plot_grid(len(names))
    for ax, name in zip(axes, names, strict=True):
        for h in groups[name]:
            total = max(1, sum(h.counts))
            ax.stairs(np.array(h.counts) / total, h.edges, label=_arm_label(h.arm))
        ax.set_title(name, fontsize=9)
        ax.set_ylabel("share of samples", fontsize=8)
        ax.legend(fontsize=7)
    return _png(figure), len(groups) - len(names)


def _esc(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _clip(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, indent=1)
    if len(text) <= _CLIP_CHARS:
        return _esc(text)
    return _esc(text[:_CLIP_CHARS]) + f"\n… ({len(text) - _CLIP_CHARS:,} more characters)"


def _table(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    head = "".join(f"<th>{_esc(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _sample_card(view: SampleView) -> str:
    status = f'<span class="{_esc(view.status)}">{_esc(view.status)}</span>'
    scores = ", ".join(f"<b>{_esc(k)}</b>: {_esc(json.dumps(v))}" for k, v in view.scores.items())
    parts = [
        f"<h4>{_esc(view.sample_id)} · epoch {view.epoch} · arm {_esc(_arm_label(view.arm))} "
        f"· {status}</h4>",
        f"<p>scores: {scores or '<i>none</i>'}</p>",
    ]
    if view.error:
        parts.append(f'<pre class="error">{_clip(view.error)}</pre>')
    for label, value in (("input", view.input), ("target", view.target), ("output", view.output)):
        if value is not None:
            parts.append(f"<details><summary>{label}</summary><pre>{_clip(value)}</pre></details>")
    return '<div class="sample">' + "".join(parts) + "</div>"


_STYLE = """
body{font-family:system-ui,sans-serif;margin:2rem;max-width:72rem;color:#222}
table{border-collapse:collapse;margin:.5rem 0 1.5rem}
th,td{padding:.2rem .7rem;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}
.scripted{background:#b00020;color:#fff;padding:1rem;font-weight:bold;font-size:1.2rem}
.sample{border:1px solid #ccc;border-radius:4px;padding:.3rem .8rem;margin:.5rem 0}
.failed,.error{color:#b00020}.succeeded{color:#1b7f3b}
pre{white-space:pre-wrap;background:#f6f6f6;padding:.4rem;max-height:20rem;overflow:auto}
.up{color:#1b7f3b}.down{color:#b00020}.note{color:#666}
img{max-width:100%}
"""

_PAGER = """
(function(){
 var cards=document.querySelectorAll('#browser .sample'),size=%d,page=0,
     pages=Math.max(1,Math.ceil(cards.length/size));
 function show(){
  for(var i=0;i<cards.length;i++){cards[i].hidden=Math.floor(i/size)!==page;}
  document.getElementById('page').textContent='page '+(page+1)+' of '+pages;
 }
 window.ethosPage=function(step){page=Math.min(pages-1,Math.max(0,page+step));show();};
 show();
})();
"""


def render_html(report: EvalReport) -> str:
    """The report as one self-contained HTML page: the scripted label, the
    run's facts, counts, the metrics and Deltas with intervals, plots inline
    as base64 PNG, and a paginated browser of the first samples. Nothing is
    fetched from anywhere when it is opened."""
    run = report.run
    level = f"{report.confidence:.0%}"
    parts = [
        f"<!doctype html><html lang=en><head><meta charset=utf-8>"
        f"<title>ethos eval report: {_esc(run.task)} ({_esc(run.id[:16])})</title>"
        f"<style>{_STYLE}</style></head><body>",
    ]
    if run.scripted_label:
        parts.append(f'<div class="scripted">{_esc(run.scripted_label)}</div>')
    parts.append(f"<h1>{_esc(run.task)}</h1>")
    facts = [
        ("run", run.id),
        ("status", run.status),
        ("created", run.created_at.isoformat(timespec="seconds")),
        ("finished", run.finished_at.isoformat(timespec="seconds") if run.finished_at else "-"),
        ("task arguments", json.dumps(run.task_args, ensure_ascii=False)),
        ("epochs / seed", f"{run.epochs or '-'} / {run.seed if run.seed is not None else '-'}"),
        ("epoch reducer", report.reducer),
        ("confidence", level),
    ]
    if run.error:
        facts.append(("error", run.error))
    parts.append(_table(["fact", "value"], [(_esc(k), _esc(v)) for k, v in facts]))
    parts.append("<h2>Arms</h2>")
    counts = {c.arm: c for c in report.counts}
    arm_rows = []
    for name in dict.fromkeys([*(a.name for a in run.arms), *counts]):
        spec = next((a for a in run.arms if a.name == name), None)
        c = counts.get(name, ArmCounts(arm=name))
        arm_rows.append(
            (
                _esc(_arm_label(name)) + (" <b>(baseline)</b>" if name == run.baseline else ""),
                _esc(spec.model if spec and spec.model else "-"),
                _esc(json.dumps(spec.options if spec else {}, ensure_ascii=False)),
                f'<span class="succeeded">{c.succeeded}</span>',
                f'<span class="{"failed" if c.failed else ""}">{c.failed}</span>',
                str(c.other),
            )
        )
    parts.append(_table(["arm", "model", "options", "succeeded", "failed", "other"], arm_rows))
    parts.append("<h2>Metrics</h2>")
    parts.append(
        _table(
            ["metric", "arm", "n", "mean", f"{level} CI", "method"],
            [
                (
                    _esc(m.name),
                    _esc(_arm_label(m.arm)),
                    f"{m.n:,}",
                    _num(m.mean),
                    _interval(m.ci_low, m.ci_high),
                    m.method + (f" (from {m.sampled:,})" if m.sampled else ""),
                )
                for m in report.metrics
            ],
        )
    )
    if report.deltas:
        parts.append(f"<h2>Delta to the baseline arm ({_esc(_arm_label(run.baseline or ''))})</h2>")
        rows = []
        for d in report.deltas:
            mark = "up" if d.ci_low > 0 else "down" if d.ci_high < 0 else ""
            rows.append(
                (
                    _esc(d.name),
                    _esc(_arm_label(d.arm)),
                    f"{d.n:,}",
                    f'<span class="{mark}">{_signed(d.mean)}</span>',
                    _interval(d.ci_low, d.ci_high),
                    d.method,
                )
            )
        parts.append(_table(["metric", "arm", "pairs", "Delta", f"{level} CI", "method"], rows))
    parts.append("<h2>Plots</h2>")
    plots = []
    if report.metrics:
        plots.append(("Metrics by arm, whiskers at the interval", _bar_chart(report.metrics)))
    if report.deltas:
        plots.append(("Delta to the baseline arm", _forest(report.deltas)))
    if report.histograms:
        plots.append(("Per-sample values", _histogram_chart(report.histograms)))
    hook = suite_hook(run.task)
    for plot in hook.plots(report) if hook else []:
        plots.append((plot.title, (_png(plot.figure), plot.left_out)))
    for title, (image, left_out) in plots:
        more = f' <span class="note">({left_out} more not plotted)</span>' if left_out else ""
        parts.append(f"<h3>{_esc(title)}{more}</h3>{image}")
    if not plots:
        parts.append('<p class="note">no scores yet</p>')
    parts.extend(f'<p class="note">note: {_esc(note)}</p>' for note in report.notes)
    if report.samples is not None:
        parts.append(_browser(report.samples))
    parts.append("</body></html>")
    return "\n".join(parts)


def _browser(samples: SampleBrowser) -> str:
    shown = len(samples.shown)
    more = samples.total - shown
    summary = f"showing all {shown:,} sample rows"
    if more:
        summary = (
            f"showing the first {shown:,} of {samples.total:,} sample rows; "
            f"{more:,} more are in the database and not shown here"
        )
    cards = "".join(_sample_card(view) for view in samples.shown)
    return (
        f"<h2>Samples</h2><p>{summary}</p>"
        '<nav><button onclick="ethosPage(-1)">previous</button> <span id="page"></span> '
        '<button onclick="ethosPage(1)">next</button></nav>'
        f'<div id="browser">{cards}</div><script>{_PAGER % _BROWSER_PAGE}</script>'
    )


def write_html(report: EvalReport, path: Path) -> Path:
    """Write :func:`render_html` to ``path`` (parents created); returns it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_html(report), encoding="utf-8")
    return path
