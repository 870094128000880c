"""Within-run Delta and the three-level stability measure.

After Handa et al. (2025, arXiv 2509.04794), ``calculate_stability_metrics``:
each benchmark's Delta (an arm's score minus the same-run baseline's) is
divided by that benchmark's range of Deltas over every arm of the run (the
baseline's 0 included), then per arm

- consistency = 1 / (1 + Var_b(normalised Delta_b)), across benchmarks b;
- disruption = 1 / (1 + mean_b |normalised Delta_b|), higher = less disrupted;
- stability = consistency * disruption,

and the three are averaged by method, by trait, and by method and trait.
Pure functions on plain numbers, so the report and the tests share them.
"""

from __future__ import annotations

import random
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Interval:
    mean: float
    low: float
    high: float
    n: int


def paired_delta(
    arm: Mapping[str, float], baseline: Mapping[str, float], *, confidence: float, seed: int = 0
) -> Interval | None:
    """Mean of ``arm[k] - baseline[k]`` over the keys both have, with a
    percentile bootstrap interval (2,000 resamples, seeded); None when they
    share no key."""
    keys = sorted(set(arm) & set(baseline))
    if not keys:
        return None
    diffs = [arm[k] - baseline[k] for k in keys]
    return mean_interval(diffs, confidence=confidence, seed=seed)


def mean_interval(values: Sequence[float], *, confidence: float, seed: int = 0) -> Interval:
    """The mean with a seeded percentile-bootstrap interval."""
    mean = statistics.fmean(values)
    if len(values) < 2:
        return Interval(mean, mean, mean, len(values))
    rng = random.Random(seed)
    n = len(values)
    means = sorted(statistics.fmean(rng.choices(values, k=n)) for _ in range(2000))
    tail = (1 - confidence) / 2
    low = means[int(tail * (len(means) - 1))]
    high = means[int((1 - tail) * (len(means) - 1))]
    return Interval(mean, low, high, n)


@dataclass(frozen=True)
class Stability:
    consistency: float
    disruption: float
    stability: float


def normalise(deltas: Mapping[str, Mapping[str, float]]) -> dict[str, dict[str, float]]:
    """``deltas[arm][benchmark]`` divided by the benchmark's range over the
    arms, the baseline's Delta of 0 among them (max - min; a benchmark no arm
    moved keeps 0). Counting the baseline keeps a lone arm, or arms that all
    moved one way, from normalising to 0 and reading as undisturbed."""
    benchmarks = sorted({b for row in deltas.values() for b in row})
    span = {}
    for b in benchmarks:
        values = [0.0, *(row[b] for row in deltas.values() if b in row)]
        span[b] = max(values) - min(values)
    return {
        arm: {b: (v / span[b] if span[b] else 0.0) for b, v in row.items()}
        for arm, row in deltas.items()
    }


def stability(normalised: Mapping[str, float]) -> Stability:
    """The three levels for one arm's normalised Deltas across benchmarks
    (population variance, as numpy's ``var``)."""
    values = list(normalised.values())
    if not values:
        raise ValueError("no benchmark Deltas")
    variance = statistics.pvariance(values) if len(values) > 1 else 0.0
    consistency = 1.0 / (1.0 + variance)
    disruption = 1.0 / (1.0 + statistics.fmean(abs(v) for v in values))
    return Stability(consistency, disruption, consistency * disruption)


def aggregate(per_arm: Mapping[tuple[str, str, str], Stability], by: str) -> dict[str, Stability]:
    """Average the arms' stability ``by`` "method", "trait" or "both" (the
    key of an arm is (method, trait, pole))."""
    groups: dict[str, list[Stability]] = {}
    for (method, trait, _pole), value in per_arm.items():
        key = {"method": method, "trait": trait, "both": f"{method}/{trait}"}[by]
        groups.setdefault(key, []).append(value)
    return {
        key: Stability(
            statistics.fmean(v.consistency for v in values),
            statistics.fmean(v.disruption for v in values),
            statistics.fmean(v.stability for v in values),
        )
        for key, values in sorted(groups.items())
    }
