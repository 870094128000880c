"""Building a report, and comparing two runs: the public entry points that
read the database (through :mod:`.collect`) and state the numbers (through
:mod:`.summarise`)."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from ethos.evals.metrics import CONFIDENCE, RESAMPLES
from ethos.evals.report.collect import browse as browse_samples
from ethos.evals.report.collect import collect_failures, collect_run, options_of
from ethos.evals.report.formatting import arm_label
from ethos.evals.report.model import (
    BROWSE,
    RESERVOIR,
    ArmCounts,
    Comparison,
    EvalReport,
    RunDifference,
)
from ethos.evals.report.sections import collect_section, section_of
from ethos.evals.report.summarise import differences, summaries

if TYPE_CHECKING:
    from ethos.db.store import Store


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
    with their inputs, outputs and transcripts, the sample browser holds
    (0: none). A run with no scores yet gives a report with no metrics; its
    failures are grouped by error class either way. The run's suite (recorded
    when it started) adds its section.
    """
    options = options_of(reducer, confidence, resamples, seed, reservoir)
    collected = await collect_run(store, run_id, options)
    metrics, deltas, histograms, notes = summaries(collected, options)
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
    builder = section_of(collected.run)
    section = await collect_section(builder, store, collected.run, confidence) if builder else None
    failures = await collect_failures(store, collected.run.id)
    samples = (
        await browse_samples(store, collected.run, browse, collected.total_samples)
        if browse
        else None
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
        failures=failures,
        section=section,
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
    options = options_of(reducer, confidence, resamples, seed, reservoir)
    a = await collect_run(store, run_a, options)
    b = await collect_run(store, run_b, options)
    found: list[RunDifference] = []
    only_in_a: list[str] = []
    only_in_b: list[str] = []
    for key in sorted(set(a.metrics) | set(b.metrics)):
        metric_a, metric_b = a.metrics.get(key), b.metrics.get(key)
        arms_a = set(metric_a.arms) if metric_a else set()
        arms_b = set(metric_b.arms) if metric_b else set()
        only_in_a.extend(f"{key[0]} ({arm_label(arm)})" for arm in sorted(arms_a - arms_b))
        only_in_b.extend(f"{key[0]} ({arm_label(arm)})" for arm in sorted(arms_b - arms_a))
        if metric_a is not None and metric_b is not None:
            shared = [arm for arm in dict.fromkeys([*a.arms, *b.arms]) if arm in arms_a & arms_b]
            found.extend(differences(metric_a, metric_b, shared, options))
    return Comparison(
        run_a=a.run,
        run_b=b.run,
        reducer=reducer,
        confidence=confidence,
        differences=found,
        only_in_a=only_in_a,
        only_in_b=only_in_b,
    )
