"""Streaming accumulators: one ordered pass over a run's rows folded into
exact counts and sums plus seeded reservoirs, so a report stays flat in
memory however long the run."""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import numpy as np

from ethos.evals.metrics import EpochReducer, reduce_mode
from ethos.evals.report.model import OTHER, RunFacts

T = TypeVar("T")

MAX_CATEGORIES = 50


class Reservoir(Generic[T]):
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


class Numbers:
    """Exact count and sum of a metric's per-sample values in one arm (or of
    its paired differences), and a reservoir for the bootstrap."""

    __slots__ = ("binary", "n", "sample", "total")

    def __init__(self, cap: int, seed: str) -> None:
        self.n = 0
        self.total = 0.0
        self.binary = True
        self.sample: Reservoir[float] = Reservoir(cap, seed)

    def add(self, value: float, binary: bool) -> None:
        self.n += 1
        self.total += value
        self.binary = self.binary and binary
        self.sample.add(value)

    @property
    def mean(self) -> float:
        return self.total / self.n


class Categories:
    """Exact counts of a categorical metric's per-sample values in one arm."""

    __slots__ = ("counts", "n")

    def __init__(self) -> None:
        self.n = 0
        self.counts: Counter[str] = Counter()

    def add(self, category: str) -> None:
        self.n += 1
        self.counts[category] += 1


class CategoryPairs:
    """Paired categorical values (arm, baseline): exact counts of each side,
    and a reservoir of pairs from which any category's indicator differences
    can be drawn once every category is known."""

    __slots__ = ("arm_counts", "base_counts", "n", "sample")

    def __init__(self, cap: int, seed: str) -> None:
        self.n = 0
        self.arm_counts: Counter[str] = Counter()
        self.base_counts: Counter[str] = Counter()
        self.sample: Reservoir[tuple[str, str]] = Reservoir(cap, seed)

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
class Metric:
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
class Options:
    reduce: EpochReducer
    confidence: float
    resamples: int
    seed: int
    reservoir: int


@dataclass
class Collected:
    """One pass over a run: counts per arm and status, and every metric."""

    run: RunFacts
    arms: list[str]
    statuses: dict[str, Counter[str]] = field(default_factory=dict)
    metrics: dict[tuple[str, bool], Metric] = field(default_factory=dict)

    @property
    def total_samples(self) -> int:
        return sum(sum(c.values()) for c in self.statuses.values())


def scalars(scorer: str, value: Any) -> Iterator[tuple[str, Any]]:
    """The named scalars in one score value: the value itself, or each entry
    of an object of named values. Nulls, non-finite numbers, lists and deeper
    objects are undefined for the sample and left out."""
    items = value.items() if isinstance(value, dict) else [(None, value)]
    for key, item in items:
        name = scorer if key is None else f"{scorer}.{key}"
        if isinstance(item, str | bool) or (isinstance(item, int | float) and math.isfinite(item)):
            yield name, item


class Pass:
    """Folds the ordered (sample, epoch, arm) rows of a run into a Collected:
    rows of one sample id arrive together, so each sample's epochs are
    reduced, and its arms paired with the baseline, as soon as it ends."""

    def __init__(self, collected: Collected, options: Options) -> None:
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
        for name, item in scalars(scorer, value):
            key = (name, isinstance(item, str))
            self.pending.setdefault(key, {}).setdefault(arm, []).append(item)

    def flush(self) -> None:
        for key, by_arm in self.pending.items():
            metric = self.out.metrics.get(key)
            if metric is None:
                metric = self.out.metrics[key] = Metric(name=key[0], categorical=key[1])
            if metric.categorical:
                self._categorical(metric, by_arm)
            else:
                self._numeric(metric, by_arm)
        self.pending.clear()

    def _seed(self, *parts: str) -> str:
        return "\0".join([str(self.options.seed), *parts])

    def _numeric(self, metric: Metric, by_arm: dict[str, list[Any]]) -> None:
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
                tally = metric.arms[arm] = Numbers(cap, self._seed(metric.name, arm))
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
                pair = metric.pairs[arm] = Numbers(self.options.reservoir, seed)
            pair.add(value - base[0], binary and base[1])

    def _categorical(self, metric: Metric, by_arm: dict[str, list[Any]]) -> None:
        reduced = {arm: metric.category(reduce_mode(values)) for arm, values in by_arm.items()}
        for arm, value in reduced.items():
            metric.arms.setdefault(arm, Categories()).add(value)
        base = reduced.get(self.baseline) if self.baseline is not None else None
        if base is None:
            return
        for arm, value in reduced.items():
            if arm == self.baseline:
                continue
            pair = metric.pairs.get(arm)
            if pair is None:
                seed = self._seed(metric.name, arm, "delta")
                pair = metric.pairs[arm] = CategoryPairs(self.options.reservoir, seed)
            pair.add(value, base)
