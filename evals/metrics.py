"""Metrics with confidence intervals: what an eval report states about a run.

Pure functions over numbers already read from the database, so that the
report, a notebook and the tests compute the same thing the same way.

- Rates (a share of samples where something held) get the Wilson score
  interval, which keeps its coverage near the nominal level for small n and
  rates near 0 or 1, where the textbook Wald interval collapses to a point
  (Wilson 1927; Newcombe 1998; Brown, Cai & DasGupta 2001).
- Means of anything else get a seeded percentile bootstrap (Efron &
  Tibshirani 1993, ch. 13): no normality assumption for bounded, skewed
  scores such as Likert ratings or normalised game payoffs.
- The Delta of an arm to a baseline arm (the "Delta to the baseline" of the
  personality-steering paper, for any metric and any pair of arms) is the
  mean of per-sample differences over the samples both arms scored, with a
  paired bootstrap: resampling pairs keeps the correlation between arms on
  the same sample, which is what makes a paired comparison tighter than two
  independent intervals.
- Two independent runs are compared with Newcombe's hybrid score interval
  for rates (Newcombe 1998, method 10) and an unpaired bootstrap for means.
- Epoch reducers turn a sample's several epochs into one value before
  anything is aggregated over samples, so a sample run five times weighs the
  same as a sample run once (as Inspect AI's reducers do).

Every random choice takes a seed: the same data and seed give the same
interval on every machine.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Hashable, Mapping, Sequence
from statistics import NormalDist
from typing import Literal, TypeVar

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict

T = TypeVar("T", bound=Hashable)
K = TypeVar("K", bound=Hashable)
Seed = int | Sequence[int]
Method = Literal["wilson", "bootstrap", "paired_bootstrap", "newcombe", "unpaired_bootstrap"]
EpochReducer = Callable[[Sequence[float]], float]

CONFIDENCE = 0.95
RESAMPLES = 2000
# Resampled index cells held at once: bounds the bootstrap's memory whatever n is.
_CHUNK_CELLS = 1 << 21
# Below this many distinct values a resample is drawn as category counts
# (one multinomial draw over the distinct values, the same distribution as
# resampling indices), which makes rates and Likert scores cost O(distinct).
_FEW_DISTINCT = 64


class MetricSummary(BaseModel):
    """One metric of one arm: its point estimate and confidence interval.

    ``mean`` is the mean of the per-sample values, which for a rate is the
    rate. ``n`` counts the samples with a defined value. ``sampled`` is set
    when the interval was bootstrapped from a uniform subsample of that many
    of the ``n`` values (see :func:`bootstrap_means`).
    """

    model_config = ConfigDict(frozen=True)

    name: str
    arm: str
    n: int
    mean: float
    ci_low: float
    ci_high: float
    method: Method
    confidence: float = CONFIDENCE
    sampled: int | None = None


class DeltaSummary(MetricSummary):
    """An arm's paired difference to the baseline arm (arm minus baseline);
    ``n`` counts the samples both arms scored."""

    baseline: str


def _z(confidence: float) -> float:
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be strictly between 0 and 1, got {confidence}")
    return NormalDist().inv_cdf(0.5 + confidence / 2.0)


def wilson_interval(successes: int, n: int, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """The Wilson score interval for a rate of ``successes`` out of ``n``.

    With p = successes / n and z the two-sided normal quantile:

        centre = (p + z²/2n) / (1 + z²/n)
        half   = z / (1 + z²/n) · sqrt(p(1 - p)/n + z²/4n²)

    It is the set of rates a score test would not reject (Wilson 1927), never
    leaves [0, 1], and is not degenerate at 0 or n successes.
    """
    if n <= 0:
        raise ValueError("a rate needs at least one trial")
    if not 0 <= successes <= n:
        raise ValueError(f"successes must lie in [0, {n}], got {successes}")
    z = _z(confidence)
    p = successes / n
    z2n = z * z / n
    centre = (p + z2n / 2.0) / (1.0 + z2n)
    half = z / (1.0 + z2n) * math.sqrt(p * (1.0 - p) / n + z2n / (4.0 * n))
    low = 0.0 if successes == 0 else max(0.0, min(p, centre - half))
    high = 1.0 if successes == n else min(1.0, max(p, centre + half))
    return low, high


def newcombe_interval(
    successes_a: int, n_a: int, successes_b: int, n_b: int, confidence: float = CONFIDENCE
) -> tuple[float, float]:
    """An interval for the difference of two independent rates, b - a.

    Newcombe's hybrid score interval (1998, method 10) combines each rate's
    Wilson interval (l, u) around the difference d = p_b - p_a:

        low  = d - sqrt((p_b - l_b)² + (u_a - p_a)²)
        high = d + sqrt((u_b - p_b)² + (p_a - l_a)²)

    It inherits Wilson's good coverage at small n and extreme rates.
    """
    p_a, p_b = successes_a / n_a, successes_b / n_b
    l_a, u_a = wilson_interval(successes_a, n_a, confidence)
    l_b, u_b = wilson_interval(successes_b, n_b, confidence)
    d = p_b - p_a
    low = d - math.hypot(p_b - l_b, u_a - p_a)
    high = d + math.hypot(u_b - p_b, p_a - l_a)
    return max(-1.0, low), min(1.0, high)


def bootstrap_means(
    values: Sequence[float] | npt.NDArray[np.float64],
    *,
    resamples: int = RESAMPLES,
    seed: Seed = 0,
    total_n: int | None = None,
    total_mean: float | None = None,
) -> npt.NDArray[np.float64]:
    """The bootstrap distribution of the mean: one mean per resample.

    Each resample draws len(values) values with replacement (Efron 1979).
    When ``values`` is a uniform subsample of m out of ``total_n`` values
    whose exact mean is ``total_mean`` (a report keeps a bounded reservoir
    per metric, so that memory does not grow with the run), the resampled
    means are those of the m-out-of-n bootstrap, rescaled to the full n
    (Bickel, Götze & van Zwet 1997):

        mean*_n = total_mean + sqrt(m / n) · (mean*_m - mean_m)

    since the spread of a mean shrinks as 1/sqrt(n). Without a subsample this
    is the ordinary bootstrap, centred on the sample mean.
    """
    x = np.asarray(values, dtype=np.float64)
    m = x.size
    if m == 0:
        raise ValueError("a bootstrap needs at least one value")
    if resamples < 1:
        raise ValueError("a bootstrap needs at least one resample")
    n = m if total_n is None else total_n
    if n < m:
        raise ValueError(f"total_n ({n}) is smaller than the subsample ({m})")
    rng = np.random.default_rng(seed)
    distinct, counts = np.unique(x, return_counts=True)
    if distinct.size <= _FEW_DISTINCT:
        draws = rng.multinomial(m, counts / m, size=resamples)
        means = draws @ distinct / m
    else:
        means = np.empty(resamples)
        step = max(1, _CHUNK_CELLS // m)
        for start in range(0, resamples, step):
            stop = min(resamples, start + step)
            means[start:stop] = x[rng.integers(0, m, size=(stop - start, m))].mean(axis=1)
    sample_mean = float(x.mean())
    centre = sample_mean if total_mean is None else total_mean
    return centre + (means - sample_mean) * math.sqrt(m / n)


def percentile_interval(
    means: npt.NDArray[np.float64], centre: float, confidence: float = CONFIDENCE
) -> tuple[float, float]:
    """The percentile interval of a bootstrap distribution, widened by at most
    a rounding error so that it always holds ``centre``, the point estimate
    (a constant sample's resampled means can differ from its mean in the
    last bit)."""
    _z(confidence)
    tail = (1.0 - confidence) / 2.0
    low, high = np.quantile(means, [tail, 1.0 - tail])
    return min(float(low), centre), max(float(high), centre)


def bootstrap_mean_ci(
    values: Sequence[float] | npt.NDArray[np.float64],
    *,
    confidence: float = CONFIDENCE,
    resamples: int = RESAMPLES,
    seed: Seed = 0,
    total_n: int | None = None,
    total_mean: float | None = None,
) -> tuple[float, float]:
    """A seeded percentile bootstrap interval for the mean of ``values``
    (or, given ``total_n`` and ``total_mean``, of the run they subsample:
    see :func:`bootstrap_means`)."""
    means = bootstrap_means(
        values, resamples=resamples, seed=seed, total_n=total_n, total_mean=total_mean
    )
    centre = float(np.mean(values)) if total_mean is None else total_mean
    return percentile_interval(means, centre, confidence)


def rate_summary(
    name: str, arm: str, successes: int, n: int, confidence: float = CONFIDENCE
) -> MetricSummary:
    """A rate with its Wilson interval."""
    low, high = wilson_interval(successes, n, confidence)
    return MetricSummary(
        name=name,
        arm=arm,
        n=n,
        mean=successes / n,
        ci_low=low,
        ci_high=high,
        method="wilson",
        confidence=confidence,
    )


def mean_summary(
    name: str,
    arm: str,
    values: Sequence[float] | npt.NDArray[np.float64],
    *,
    confidence: float = CONFIDENCE,
    resamples: int = RESAMPLES,
    seed: Seed = 0,
    total_n: int | None = None,
    total_mean: float | None = None,
) -> MetricSummary:
    """A mean with its bootstrap interval; ``values`` may be a uniform
    subsample of ``total_n`` values with exact mean ``total_mean``."""
    n = len(values) if total_n is None else total_n
    mean = float(np.mean(values)) if total_mean is None else total_mean
    low, high = bootstrap_mean_ci(
        values,
        confidence=confidence,
        resamples=resamples,
        seed=seed,
        total_n=n,
        total_mean=mean,
    )
    return MetricSummary(
        name=name,
        arm=arm,
        n=n,
        mean=mean,
        ci_low=low,
        ci_high=high,
        method="bootstrap",
        confidence=confidence,
        sampled=len(values) if len(values) < n else None,
    )


def paired_delta(
    arm_values: Mapping[K, float],
    baseline_values: Mapping[K, float],
    *,
    name: str = "",
    arm: str = "",
    baseline: str = "",
    confidence: float = CONFIDENCE,
    resamples: int = RESAMPLES,
    seed: Seed = 0,
) -> DeltaSummary:
    """The Delta of an arm to a baseline: the mean over shared samples of
    arm - baseline, with a paired bootstrap interval.

    Both mappings go from a sample id to that sample's (epoch-reduced) value;
    samples only one arm scored are left out, since a difference needs both.
    """
    shared = [key for key in arm_values if key in baseline_values]
    if not shared:
        raise ValueError("the two arms share no scored sample")
    diffs = np.fromiter(
        (arm_values[key] - baseline_values[key] for key in shared),
        dtype=np.float64,
        count=len(shared),
    )
    return paired_delta_summary(
        diffs,
        name=name,
        arm=arm,
        baseline=baseline,
        confidence=confidence,
        resamples=resamples,
        seed=seed,
    )


def paired_delta_summary(
    diffs: Sequence[float] | npt.NDArray[np.float64],
    *,
    name: str,
    arm: str,
    baseline: str,
    confidence: float = CONFIDENCE,
    resamples: int = RESAMPLES,
    seed: Seed = 0,
    total_n: int | None = None,
    total_mean: float | None = None,
) -> DeltaSummary:
    """A Delta from per-sample differences already paired (arm - baseline);
    ``diffs`` may be a uniform subsample of ``total_n`` pairs whose exact
    mean difference is ``total_mean``."""
    summary = mean_summary(
        name,
        arm,
        diffs,
        confidence=confidence,
        resamples=resamples,
        seed=seed,
        total_n=total_n,
        total_mean=total_mean,
    )
    return DeltaSummary(
        **summary.model_dump(exclude={"method"}), method="paired_bootstrap", baseline=baseline
    )


def unpaired_difference_ci(
    a: Sequence[float] | npt.NDArray[np.float64],
    b: Sequence[float] | npt.NDArray[np.float64],
    *,
    confidence: float = CONFIDENCE,
    resamples: int = RESAMPLES,
    seed: Seed = 0,
    total_a: tuple[int, float] | None = None,
    total_b: tuple[int, float] | None = None,
) -> tuple[float, float]:
    """A bootstrap interval for mean(b) - mean(a) of two independent groups:
    each is resampled on its own (different streams of one seed) and the
    interval is the percentiles of the differences of their means.
    ``total_a``/``total_b`` give (n, exact mean) when a group is a subsample.
    """
    words = [seed] if isinstance(seed, int) else list(seed)
    n_a, mean_a = total_a or (len(a), float(np.mean(a)))
    n_b, mean_b = total_b or (len(b), float(np.mean(b)))
    means_a = bootstrap_means(
        a, resamples=resamples, seed=[*words, 0], total_n=n_a, total_mean=mean_a
    )
    means_b = bootstrap_means(
        b, resamples=resamples, seed=[*words, 1], total_n=n_b, total_mean=mean_b
    )
    return percentile_interval(means_b - means_a, mean_b - mean_a, confidence)


# -- epoch reducers ------------------------------------------------------------


def reduce_mean(values: Sequence[float]) -> float:
    """The mean over epochs: the expected score of one attempt."""
    if not values:
        raise ValueError("nothing to reduce")
    return math.fsum(values) / len(values)


def reduce_mode(values: Sequence[T]) -> T:
    """The most frequent value over epochs (ties go to the value seen first):
    the sample's typical behaviour, and the one reducer that also fits
    categorical scores."""
    if not values:
        raise ValueError("nothing to reduce")
    return Counter(values).most_common(1)[0][0]


def reduce_at_least_k(values: Sequence[float], k: int, threshold: float = 1.0) -> bool:
    """Whether at least ``k`` epochs scored ``threshold`` or more (pass@k
    style: "did the behaviour show up at least k times?"). A sample with
    fewer than k epochs recorded cannot pass."""
    if k < 1:
        raise ValueError("k must be at least 1")
    return sum(1 for v in values if v >= threshold) >= k


def epoch_reducer(spec: str) -> EpochReducer:
    """The reducer a name selects: ``mean``, ``mode`` or ``at_least_<k>``
    (e.g. ``at_least_2``). Categorical (string) scores are always reduced
    by their mode, since neither a mean nor a threshold is defined for them.
    """
    if spec == "mean":
        return reduce_mean
    if spec == "mode":
        return reduce_mode
    prefix = "at_least_"
    if spec.startswith(prefix) and spec[len(prefix) :].isdigit() and int(spec[len(prefix) :]) > 0:
        k = int(spec[len(prefix) :])
        return lambda values: reduce_at_least_k(values, k)
    raise ValueError(f"unknown epoch reducer {spec!r}; use mean, mode or at_least_<k>")
