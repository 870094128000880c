"""The PublicAgent section of a ``publicagent`` run's report.

From the database alone, in one streamed pass over the run's scores of the
four PublicAgent scorers (never the answers): per arm, the rubric's four
criteria and Q with bootstrap intervals and the grader's errors; the full
system's win rate against each ablated arm (ties count half) with its
wins, ties and losses; catastrophic failures per removed agent, with the
stage that failed; the discovery hit rate. Each line says when the run
used scripted models. The HTML adds a plot of the win rates and of Q, drawn
from the report's own metrics (``pairwise`` and ``rubric.Q``).

:data:`SECTION` is the publicagent suite's report section
(:data:`ethos.evals.builtin_suites.PUBLICAGENT` names it).
"""

from __future__ import annotations

import zlib
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ethos.evals.metrics import mean_summary, wilson_interval
from ethos.evals.report import ReportSection, SuitePlot, SuiteSection
from ethos.evals.report.collect import succeeded_scores
from ethos.evals.report.plots import text

if TYPE_CHECKING:
    from ethos.db.store import Store
    from ethos.evals.report import EvalReport, RunFacts

CRITERIA = ("Q", "accuracy", "completeness", "relevance", "coherence")
SCORERS = ("rubric", "pairwise", "catastrophic", "discovery_hit")


@dataclass
class ArmTally:
    """One arm's PublicAgent scores. Values are kept per sample row, which a
    PublicAgent run has few of (questions x epochs)."""

    rubric: dict[str, list[float]] = field(default_factory=lambda: {c: [] for c in CRITERIA})
    grader_errors: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)  # win, tie, loss, error
    shares: list[float] = field(default_factory=list)
    failures: int = 0
    rows: int = 0
    stages: Counter[str] = field(default_factory=Counter)
    hits: int = 0
    searched: int = 0

    def add(self, scorer: str, value: Any, meta: dict[str, Any] | None) -> None:
        meta = meta or {}
        if scorer == "rubric":
            if isinstance(value, dict):
                for c in CRITERIA:
                    if isinstance(value.get(c), int | float):
                        self.rubric[c].append(float(value[c]))
            elif meta.get("error") is not None:
                self.grader_errors += 1
        elif scorer == "pairwise":
            if isinstance(value, int | float) and not isinstance(value, bool):
                self.shares.append(float(value))
                self.outcomes[str(meta.get("outcome") or _outcome(float(value)))] += 1
            elif meta.get("error") is not None:
                self.outcomes["error"] += 1
        elif scorer == "catastrophic" and isinstance(value, bool):
            self.rows += 1
            self.failures += value
            if value:
                self.stages[str(meta.get("stage") or "empty report")] += 1
        elif scorer == "discovery_hit" and isinstance(value, bool):
            self.searched += 1
            self.hits += value


def _outcome(share: float) -> str:
    return "win" if share == 1.0 else "loss" if share == 0.0 else "tie"


async def tally(store: Store, run_id: str) -> dict[str, ArmTally]:
    """One streamed pass over the run's succeeded samples' PublicAgent scores."""
    arms: dict[str, ArmTally] = {}
    async for arm, _sample, scorer, value, meta in succeeded_scores(store, run_id, SCORERS):
        arms.setdefault(arm, ArmTally()).add(scorer, value, meta)
    return arms


def _mean(values: list[float], name: str, arm: str, confidence: float) -> str:
    if not values:
        return "-"
    seed = [0, zlib.crc32(name.encode()), zlib.crc32(arm.encode())]
    s = mean_summary(name, arm, values, confidence=confidence, seed=seed)
    return f"{s.mean:.2f} [{s.ci_low:.2f}, {s.ci_high:.2f}]"


def _rate(k: int, n: int, confidence: float) -> str:
    if not n:
        return "-"
    low, high = wilson_interval(k, n, confidence)
    return f"{k}/{n} = {k / n:.2f} [{low:.2f}, {high:.2f}]"


def notes(run: RunFacts, arms: dict[str, ArmTally], confidence: float) -> list[str]:
    """The section's lines: what they hold, then two lines per arm (in the
    run's order): its rubric, and its wins, failures and discovery hits."""
    order = [a.name for a in run.arms if a.name in arms] + sorted(
        set(arms) - {a.name for a in run.arms}
    )
    label = "[SCRIPTED test doubles, not model behaviour] " if run.scripted else ""
    level = f"{confidence:.0%}"
    out = [
        f"{label}PublicAgent: rubric = the grader's 1-10 scores, Q = the mean of accuracy, "
        f"completeness, relevance and coherence (mean [{level} bootstrap CI]); win rate = the "
        f"full system's ({run.baseline}) share of wins against the arm, judged pairwise in a "
        f"random order per sample with both answers cut to the same length, ties counting "
        f"half ([{level} bootstrap CI]); catastrophic = a stage failed every attempt or the "
        f"report is empty, per removed agent, with the stage that failed ([{level} Wilson CI]); "
        f"discovery hit = a chosen data set is among the question's expected ones"
    ]
    for arm in order:
        t = arms[arm]
        scores = ", ".join(
            f"{c} {_mean(t.rubric[c], f'rubric.{c}', arm, confidence)}" for c in CRITERIA
        )
        errors = f"; grader errors {t.grader_errors}" if t.grader_errors else ""
        out.append(f"{label}PublicAgent {arm}: rubric {scores} (n={len(t.rubric['Q'])}{errors})")
        parts = []
        if arm != run.baseline and (t.shares or t.outcomes):
            o = t.outcomes
            errors = f", not judged {o['error']}" if o["error"] else ""
            parts.append(
                f"win rate of {run.baseline} {_mean(t.shares, 'pairwise', arm, confidence)} "
                f"(wins {o['win']}, ties {o['tie']}, losses {o['loss']}{errors})"
            )
        stages = ", ".join(f"{s} {n}" for s, n in t.stages.most_common())
        parts.append(
            f"catastrophic {_rate(t.failures, t.rows, confidence)}"
            + (f" (failed: {stages})" if stages else "")
        )
        parts.append(f"discovery hit {_rate(t.hits, t.searched, confidence)}")
        out.append(f"{label}PublicAgent {arm}: " + "; ".join(parts))
    return out


async def collect(store: Store, run: RunFacts, confidence: float) -> SuiteSection:
    arms = await tally(store, run.id)
    if not arms:
        return SuiteSection(suite="publicagent", notes=["PublicAgent: no scored samples yet"])
    return SuiteSection(suite="publicagent", notes=notes(run, arms, confidence))


def plots(report: EvalReport) -> list[SuitePlot]:
    """The full system's win rate against each ablation, and Q per arm,
    with their intervals, from the report's metrics."""
    wins = [m for m in report.metrics if m.name == "pairwise"]
    quality = [m for m in report.metrics if m.name == "rubric.Q"]
    if not wins and not quality:
        return []
    from matplotlib.figure import Figure

    figure = Figure(figsize=(10, 3.6), dpi=100)
    for index, (rows, title, limit) in enumerate(
        [
            (wins, "win rate of the full system (ties half)", (0, 1)),
            (quality, "rubric Q (1-10)", (1, 10)),
        ]
    ):
        ax = figure.add_subplot(1, 2, index + 1)
        if rows:
            x = range(len(rows))
            means = [m.mean for m in rows]
            errors = [
                [m.mean - m.ci_low for m in rows],
                [m.ci_high - m.mean for m in rows],
            ]
            ax.bar(x, means, yerr=errors, capsize=4, color="#4c78a8")
            ax.set_xticks(list(x), [text(m.arm) for m in rows], rotation=20, fontsize=8)
        ax.set_ylim(*limit)
        ax.set_title(title, fontsize=9)
    if report.run.scripted:
        figure.suptitle("SCRIPTED test doubles: not model behaviour", color="#b00020")
    figure.tight_layout()
    return [SuitePlot(title="PublicAgent: win rates and rubric Q by arm", figure=figure)]


SECTION = ReportSection(collect=collect, plots=plots)
