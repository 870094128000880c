"""From a run's accumulated tallies to what a report states: each metric's
summary with its interval, each arm's Delta to the baseline, histograms of
numeric values, and the differences between two runs."""

from __future__ import annotations

import zlib
from collections.abc import Iterator, Sequence

import numpy as np

from ethos.evals.metrics import (
    DeltaSummary,
    Method,
    MetricSummary,
    mean_summary,
    newcombe_interval,
    paired_delta_summary,
    rate_summary,
    unpaired_difference_ci,
)
from ethos.evals.report import accumulate
from ethos.evals.report.accumulate import Collected, Metric, Numbers, Options
from ethos.evals.report.model import OTHER, Histogram, RunDifference

_HISTOGRAM_BINS = 20


def _numeric_seed(options: Options, *parts: str) -> list[int]:
    """A bootstrap seed per metric and arm, independent of report order."""
    return [options.seed, *(zlib.crc32(p.encode()) for p in parts)]


def summaries(
    collected: Collected, options: Options
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
                    f"{metric.name} has more than {accumulate.MAX_CATEGORIES} categories; "
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
    name: str, arm: str, tally: Numbers, rate: bool, options: Options
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


def _histograms(name: str, tallies: dict[str, Numbers]) -> Iterator[Histogram]:
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


def differences(
    a: Metric, b: Metric, arms: Sequence[str], options: Options
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
    options: Options,
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
