"""The CODA section of a ``coda/solve`` run's report: success per application.

Per arm and application: the share of episodes whose final state passed the
application's check, with a Wilson interval (epochs of one task averaged
first, the count rounded), and the mean steps and failed steps per episode.
Read from the database alone, in one streamed pass over the run's scores.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from ethos.evals.metrics import MetricSummary
from ethos.evals.metrics import rate_summary as wilson_summary
from ethos.evals.report import ReportSection, SuiteSection
from ethos.evals.report.collect import succeeded_scores

if TYPE_CHECKING:
    from ethos.db.store import Store
    from ethos.evals.report import RunFacts

SCORERS = ("success", "steps", "failed_steps")


class AppFigures(BaseModel):
    model_config = ConfigDict(frozen=True)

    arm: str
    app: str
    success: MetricSummary
    steps: float
    failed_steps: float


class CodaSection(SuiteSection):
    rows: list[AppFigures] = Field(default_factory=list)


async def collect(store: Store, run: RunFacts, confidence: float) -> CodaSection:
    values: dict[tuple[str, str, str], dict[str, list[float]]] = defaultdict(
        lambda: defaultdict(list)
    )
    async for arm, sample, scorer, value, _meta in succeeded_scores(store, run.id, SCORERS):
        app = sample.split("/", 1)[0]
        if isinstance(value, bool | int | float):
            values[(arm, app, scorer)][sample].append(float(value))
    keys = sorted({(arm, app) for arm, app, _ in values})
    rows: list[AppFigures] = []
    for arm, app in keys:
        ok = {s: sum(v) / len(v) for s, v in values[(arm, app, "success")].items()}
        if not ok:
            continue

        def mean(scorer: str, arm: str = arm, app: str = app) -> float:
            per = [sum(v) / len(v) for v in values[(arm, app, scorer)].values()]
            return sum(per) / len(per) if per else 0.0

        rows.append(
            AppFigures(
                arm=arm,
                app=app,
                success=wilson_summary(
                    f"success.{app}", arm, round(sum(ok.values())), len(ok), confidence
                ),
                steps=mean("steps"),
                failed_steps=mean("failed_steps"),
            )
        )
    label = "[SCRIPTED test doubles, not model behaviour] " if run.scripted else ""
    notes: list[Any] = [
        f"{label}coda/solve: success = the application's check of the final state passes "
        f"([{confidence:.0%} Wilson CI] over tasks); steps and failed steps per episode"
    ]
    for r in rows:
        notes.append(
            f"{label}coda/solve {r.arm} {r.app}: success {r.success.mean:.0%} "
            f"[{r.success.ci_low:.0%}, {r.success.ci_high:.0%}] (n={r.success.n}); "
            f"{r.steps:.1f} steps, {r.failed_steps:.1f} failed"
        )
    if not rows:
        notes = ["coda/solve: no scored samples yet"]
    return CodaSection(suite="coda", rows=rows, notes=notes)


SECTION = ReportSection(collect=collect)
