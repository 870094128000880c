"""The handbook section of a ``handbook/reuse`` run's report.

What "Metacognitive Reuse" (Didolkar et al., 2025) measures, per arm:
accuracy (Wilson interval), output tokens per answer (all of the arm's
calls, and the final answer's alone; bootstrap intervals), and each arm's
Delta to the baseline arm on accuracy and output tokens, paired by sample
(epochs reduced to their mean first) with a paired bootstrap interval; the
token ratio (arm over baseline mean output tokens); and how the arm used
its behaviours: the share of answers that cited one, citations per answer,
and names cited that were never offered.

Read from the database alone, in one streamed pass over the run's four
handbook scorers (never the answers); memory holds one number per sample
row. :data:`SECTION` is the handbook suite's report section.
"""

from __future__ import annotations

import zlib
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from ethos.evals.metrics import DeltaSummary, MetricSummary, mean_summary, paired_delta
from ethos.evals.metrics import rate_summary as wilson_summary
from ethos.evals.report import ReportSection, SuitePlot, SuiteSection
from ethos.evals.report.collect import succeeded_scores
from ethos.evals.report.plots import text

if TYPE_CHECKING:
    from ethos.db.store import Store
    from ethos.evals.report import EvalReport, RunFacts

SCORERS = ("correct", "output_tokens", "answer_tokens", "citations")


class ArmFigures(BaseModel):
    """One arm's figures (see the module docstring); deltas are None on the
    baseline arm or where the two arms share no scored sample."""

    model_config = ConfigDict(frozen=True)

    arm: str
    accuracy: MetricSummary | None = None
    output_tokens: MetricSummary | None = None
    answer_tokens: MetricSummary | None = None
    accuracy_delta: DeltaSummary | None = None
    tokens_delta: DeltaSummary | None = None
    token_ratio: float | None = None
    answers_citing: MetricSummary | None = None
    cited_per_answer: float | None = None
    unknown_citations: int = 0


class ReuseSection(SuiteSection):
    baseline: str | None = None
    arms: list[ArmFigures] = Field(default_factory=list)


@dataclass
class _Tally:
    """Per (sample, arm): the epochs' values of each measure."""

    values: dict[str, dict[str, list[float]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(list))
    )
    citing: int = 0
    conditioned: int = 0
    cited: int = 0
    unknown: int = 0

    def add(self, sample: str, scorer: str, value: Any, meta: dict[str, Any] | None) -> None:
        if scorer == "correct" and isinstance(value, bool):
            self.values["correct"][sample].append(float(value))
        elif scorer in ("output_tokens", "answer_tokens") and isinstance(value, int | float):
            self.values[scorer][sample].append(float(value))
        elif scorer == "citations" and isinstance(value, dict):
            cited = int(value.get("cited") or 0)
            self.conditioned += 1
            self.citing += cited > 0
            self.cited += cited
            self.unknown += len((meta or {}).get("unknown") or [])

    def per_sample(self, measure: str) -> dict[str, float]:
        """Each sample's value, its epochs reduced to their mean."""
        return {s: sum(v) / len(v) for s, v in self.values[measure].items() if v}


async def tally(store: Store, run_id: str) -> dict[str, _Tally]:
    arms: dict[str, _Tally] = {}
    async for arm, sample, scorer, value, meta in succeeded_scores(store, run_id, SCORERS):
        arms.setdefault(arm, _Tally()).add(sample, scorer, value, meta)
    return arms


def _seed(name: str, arm: str) -> list[int]:
    return [0, zlib.crc32(name.encode()), zlib.crc32(arm.encode())]


def figures(
    arm: str, t: _Tally, base: _Tally | None, baseline: str, confidence: float
) -> ArmFigures:
    """One arm's figures from its tally and the baseline's."""
    correct = t.per_sample("correct")
    tokens = t.per_sample("output_tokens")
    final = t.per_sample("answer_tokens")
    out: dict[str, Any] = {"arm": arm}
    if correct:
        # A rate over samples (epochs averaged): Wilson on the rounded count.
        k = round(sum(correct.values()))
        out["accuracy"] = wilson_summary("correct", arm, k, len(correct), confidence)
    for measure, values in (("output_tokens", tokens), ("answer_tokens", final)):
        if values:
            out[measure] = mean_summary(
                measure,
                arm,
                list(values.values()),
                confidence=confidence,
                seed=_seed(measure, arm),
            )
    if base is not None and arm != baseline:
        for measure, key in (("correct", "accuracy_delta"), ("output_tokens", "tokens_delta")):
            mine, theirs = t.per_sample(measure), base.per_sample(measure)
            if any(s in theirs for s in mine):
                out[key] = paired_delta(
                    mine,
                    theirs,
                    name=measure,
                    arm=arm,
                    baseline=baseline,
                    confidence=confidence,
                    seed=_seed(f"delta.{measure}", arm),
                )
        base_tokens = base.per_sample("output_tokens")
        shared = [s for s in tokens if s in base_tokens]
        below = sum(base_tokens[s] for s in shared)
        if shared and below > 0:
            out["token_ratio"] = sum(tokens[s] for s in shared) / below
    if t.conditioned:
        out["answers_citing"] = wilson_summary("citing", arm, t.citing, t.conditioned, confidence)
        out["cited_per_answer"] = t.cited / t.conditioned
        out["unknown_citations"] = t.unknown
    return ArmFigures(**out)


def _ci(m: MetricSummary | None, digits: int = 2, pct: bool = False) -> str:
    if m is None:
        return "-"
    if pct:
        return f"{m.mean:.0%} [{m.ci_low:.0%}, {m.ci_high:.0%}]"
    return f"{m.mean:.{digits}f} [{m.ci_low:.{digits}f}, {m.ci_high:.{digits}f}]"


def _delta(m: DeltaSummary | None, digits: int, pct: bool = False) -> str:
    if m is None:
        return "-"
    if pct:
        return f"{m.mean:+.1%} [{m.ci_low:+.1%}, {m.ci_high:+.1%}]"
    return f"{m.mean:+.{digits}f} [{m.ci_low:+.{digits}f}, {m.ci_high:+.{digits}f}]"


def notes(run: RunFacts, arms: list[ArmFigures], confidence: float) -> list[str]:
    label = "[SCRIPTED test doubles, not model behaviour] " if run.scripted else ""
    level = f"{confidence:.0%}"
    out = [
        f"{label}handbook/reuse: accuracy = the checked final answer is right ([{level} Wilson "
        f"CI]); output tokens = every output token the arm spent per problem, answer tokens = "
        f"the final answer's ([{level} bootstrap CI]); Delta = arm minus {run.baseline}, paired "
        f"by problem ([{level} paired bootstrap CI]); token ratio = arm over {run.baseline} "
        f"output tokens on the problems both answered; citing = answers naming an offered "
        f"behaviour"
    ]
    for f in arms:
        line = (
            f"{label}handbook/reuse {f.arm}: accuracy {_ci(f.accuracy, pct=True)}"
            f" (n={f.accuracy.n if f.accuracy else 0}); output tokens "
            f"{_ci(f.output_tokens, 1)}; answer tokens {_ci(f.answer_tokens, 1)}"
        )
        if f.arm != run.baseline:
            ratio = f"{f.token_ratio:.2f}" if f.token_ratio is not None else "-"
            line += (
                f"; Delta accuracy {_delta(f.accuracy_delta, 3, pct=True)}, Delta output tokens "
                f"{_delta(f.tokens_delta, 1)}, token ratio {ratio}"
            )
        if f.answers_citing is not None:
            line += (
                f"; citing {_ci(f.answers_citing, pct=True)}, {f.cited_per_answer:.2f} cited "
                f"per answer, {f.unknown_citations} names never offered"
            )
        out.append(line)
    return out


async def collect(store: Store, run: RunFacts, confidence: float) -> ReuseSection:
    tallies = await tally(store, run.id)
    if not tallies:
        return ReuseSection(suite="handbook", notes=["handbook/reuse: no scored samples yet"])
    baseline = run.baseline or next(iter(tallies))
    order = [a.name for a in run.arms if a.name in tallies] + sorted(
        set(tallies) - {a.name for a in run.arms}
    )
    base = tallies.get(baseline)
    arms = [figures(a, tallies[a], base, baseline, confidence) for a in order]
    return ReuseSection(
        suite="handbook", baseline=baseline, arms=arms, notes=notes(run, arms, confidence)
    )


def plots(report: EvalReport) -> list[SuitePlot]:
    """Accuracy and output tokens per arm, with their intervals, from the
    report's own metrics (``correct`` and ``output_tokens``)."""
    accuracy = [m for m in report.metrics if m.name == "correct"]
    tokens = [m for m in report.metrics if m.name == "output_tokens"]
    if not accuracy and not tokens:
        return []
    from matplotlib.figure import Figure

    figure = Figure(figsize=(10, 3.6), dpi=100)
    for index, (rows, title) in enumerate(
        [(accuracy, "accuracy"), (tokens, "output tokens per problem")]
    ):
        ax = figure.add_subplot(1, 2, index + 1)
        if rows:
            x = range(len(rows))
            ax.bar(
                x,
                [m.mean for m in rows],
                yerr=[[m.mean - m.ci_low for m in rows], [m.ci_high - m.mean for m in rows]],
                capsize=4,
                color="#4c78a8",
            )
            ax.set_xticks(list(x), [text(m.arm) for m in rows], rotation=20, fontsize=8)
        if index == 0:
            ax.set_ylim(0, 1)
        ax.set_title(title, fontsize=9)
    if report.run.scripted:
        figure.suptitle("SCRIPTED test doubles: not model behaviour", color="#b00020")
    figure.tight_layout()
    return [SuitePlot(title="handbook/reuse: accuracy and output tokens by arm", figure=figure)]


SECTION = ReportSection(collect=collect, plots=plots)
