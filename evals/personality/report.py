"""The personality suite's report section: trait alignment, Delta, stability.

Read from the database alone in one streamed pass over the run's succeeded
sample rows (arm, sample, epoch and output), folded per arm:

- trait scores: per arm and trait, the mean over administrations (orderings
  x epochs) with a seeded bootstrap interval;
- alignment: per method, trait and pole, the targeted trait's score minus
  the method's baseline arm's (``icl/baseline`` for the persona prompts,
  ``baseline`` for steering and LoRA), paired by administration and signed
  so that a move toward the pole is positive; with the share of inventory
  answers that differ from the baseline's ("changed");
- Delta: per arm and benchmark, accuracy minus the same baseline's, paired
  by item, with an interval;
- stability: the three levels of :mod:`ethos.evals.personality.stability`
  by method, by trait and by both;
- preparation: each steering arm's layer, coefficient, search figures and
  purification checks; each LoRA arm's adapter and its training loss.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from ethos.db.tables import SampleRow
from ethos.evals.personality.stability import (
    aggregate,
    mean_interval,
    normalise,
    paired_delta,
    stability,
)
from ethos.evals.report import ReportSection, SuitePlot, SuiteSection, plot_grid
from ethos.evals.report.plots import text

if TYPE_CHECKING:
    from ethos.db.store import Store
    from ethos.evals.report import EvalReport, RunFacts

BENCHMARKS = ("mmlu", "bbq")
_ROWS_PER_FETCH = 500


class _Row(BaseModel):
    model_config = ConfigDict(frozen=True, extra="allow")


class TraitScore(_Row):
    arm: str
    trait: str
    mean: float
    low: float
    high: float
    n: int


class Alignment(_Row):
    arm: str
    method: str
    trait: str
    pole: str
    baseline: str
    shift: float  # toward the pole: + means the trait moved the intended way
    low: float
    high: float
    n: int
    changed: float | None  # share of inventory answers unlike the baseline's
    # the same shift on the probability-weighted rating (local models): it
    # moves even where a small model's most likely answer does not
    expected_shift: float | None = None
    expected_low: float | None = None
    expected_high: float | None = None


class BenchDelta(_Row):
    arm: str
    benchmark: str
    baseline: str
    score: float
    delta: float
    low: float
    high: float
    n: int


class StabilityRow(_Row):
    by: str
    key: str
    consistency: float
    disruption: float
    stability: float


class PersonalitySection(SuiteSection):
    suite: str = "personality"
    traits: list[TraitScore] = Field(default_factory=list)
    alignment: list[Alignment] = Field(default_factory=list)
    deltas: list[BenchDelta] = Field(default_factory=list)
    stability: list[StabilityRow] = Field(default_factory=list)
    preparation: dict[str, dict[str, Any]] = Field(default_factory=dict)


def split_arm(arm: str) -> tuple[str, str, str] | None:
    parts = arm.split("/")
    return (parts[0], parts[1], parts[2]) if len(parts) == 3 else None


def method_baseline(method: str, arms: set[str]) -> str:
    return "icl/baseline" if method == "icl" and "icl/baseline" in arms else "baseline"


class Folded:
    """What the section needs from the rows, per arm."""

    def __init__(self) -> None:
        self.traits: dict[str, dict[str, dict[str, float]]] = defaultdict(dict)
        self.expected: dict[str, dict[str, dict[str, float]]] = defaultdict(dict)
        self.ratings: dict[str, dict[str, int]] = defaultdict(dict)
        self.correct: dict[str, dict[str, dict[str, float]]] = defaultdict(
            lambda: defaultdict(dict)
        )
        self.prep: dict[str, dict[str, Any]] = {}
        self.models: dict[str, str] = {}

    def add(self, arm: str, sample: str, epoch: int, output: Any) -> None:
        if not isinstance(output, dict):
            return
        key = f"{sample}#{epoch}"
        kind = output.get("kind")
        if kind == "inventory":
            self.traits[arm][key] = output.get("traits") or {}
            if output.get("expected_traits"):
                self.expected[arm][key] = output["expected_traits"]
            for item, rating in (output.get("ratings") or {}).items():
                self.ratings[arm][f"{key}/{item}"] = rating
        elif kind in BENCHMARKS:
            self.correct[arm][kind][key] = 1.0 if output.get("correct") else 0.0
        if output.get("prep") and arm not in self.prep:
            self.prep[arm] = output["prep"]
        if output.get("model"):
            self.models.setdefault(arm, output["model"])


async def fold(store: Store, run_id: str) -> Folded:
    query = (
        select(SampleRow.arm, SampleRow.sample_id, SampleRow.epoch, SampleRow.output)
        .where(SampleRow.run_id == run_id, SampleRow.status == "succeeded")
        .order_by(SampleRow.id)
        .execution_options(yield_per=_ROWS_PER_FETCH)
    )
    folded = Folded()
    async with store.engine.connect() as conn:
        result = await conn.stream(query)
        async for rows in result.partitions():
            for arm, sample, epoch, output in rows:
                if isinstance(output, str):
                    output = json.loads(output)
                folded.add(arm, sample, epoch, output)
    return folded


def summarise(folded: Folded, arms: list[str], confidence: float) -> PersonalitySection:
    present = set(folded.traits) | set(folded.correct)
    ordered = [a for a in arms if a in present] + sorted(present - set(arms))
    traits = []
    for arm in ordered:
        per_trait: dict[str, list[float]] = defaultdict(list)
        for scores in folded.traits.get(arm, {}).values():
            for trait, value in scores.items():
                per_trait[trait].append(value)
        for trait, values in per_trait.items():
            i = mean_interval(values, confidence=confidence)
            traits.append(
                TraitScore(arm=arm, trait=trait, mean=i.mean, low=i.low, high=i.high, n=i.n)
            )
    alignment, deltas, raw = [], [], {}
    for arm in ordered:
        parts = split_arm(arm)
        if parts is None:
            continue
        method, trait, pole = parts
        base = method_baseline(method, present)
        sign = 1.0 if pole == "high" else -1.0
        mine = {k: v[trait] for k, v in folded.traits.get(arm, {}).items() if trait in v}
        theirs = {k: v[trait] for k, v in folded.traits.get(base, {}).items() if trait in v}
        shift = paired_delta(
            {k: sign * v for k, v in mine.items()},
            {k: sign * v for k, v in theirs.items()},
            confidence=confidence,
        )
        smooth = paired_delta(
            {k: sign * v[trait] for k, v in folded.expected.get(arm, {}).items() if trait in v},
            {k: sign * v[trait] for k, v in folded.expected.get(base, {}).items() if trait in v},
            confidence=confidence,
        )
        if shift is not None:
            alignment.append(
                Alignment(
                    arm=arm,
                    method=method,
                    trait=trait,
                    pole=pole,
                    baseline=base,
                    shift=shift.mean,
                    low=shift.low,
                    high=shift.high,
                    n=shift.n,
                    changed=_changed(folded.ratings.get(arm, {}), folded.ratings.get(base, {})),
                    expected_shift=smooth.mean if smooth else None,
                    expected_low=smooth.low if smooth else None,
                    expected_high=smooth.high if smooth else None,
                )
            )
        for bench in BENCHMARKS:
            d = paired_delta(
                folded.correct.get(arm, {}).get(bench, {}),
                folded.correct.get(base, {}).get(bench, {}),
                confidence=confidence,
            )
            if d is None:
                continue
            score = sum(folded.correct[arm][bench].values()) / len(folded.correct[arm][bench])
            deltas.append(
                BenchDelta(
                    arm=arm,
                    benchmark=bench,
                    baseline=base,
                    score=score,
                    delta=d.mean,
                    low=d.low,
                    high=d.high,
                    n=d.n,
                )
            )
            raw.setdefault(arm, {})[bench] = d.mean
    rows = []
    if raw:
        normalised = normalise(raw)
        per_arm = {split_arm(arm): stability(values) for arm, values in normalised.items()}
        for by in ("method", "trait", "both"):
            for key, s in aggregate(per_arm, by).items():  # type: ignore[arg-type]
                rows.append(
                    StabilityRow(
                        by=by,
                        key=key,
                        consistency=s.consistency,
                        disruption=s.disruption,
                        stability=s.stability,
                    )
                )
    prep = {arm: {**p, "model": folded.models.get(arm)} for arm, p in folded.prep.items()}
    return PersonalitySection(
        traits=traits, alignment=alignment, deltas=deltas, stability=rows, preparation=prep
    )


def _changed(mine: dict[str, int], theirs: dict[str, int]) -> float | None:
    keys = set(mine) & set(theirs)
    if not keys:
        return None
    return sum(mine[k] != theirs[k] for k in keys) / len(keys)


def notes(section: PersonalitySection, confidence: float, scripted: bool) -> list[str]:
    """The section's tables as lines (the terminal report prints notes)."""
    level = f"{confidence:.0%}"
    out = []
    if scripted:
        out.append("SCRIPTED MODEL: these figures come from a test double, not a model")
    out.append(
        f"trait alignment (shift of the targeted trait toward the arm's pole, 1-5 scale, vs the "
        f"method's baseline arm; bootstrap {level} interval over administrations; changed = "
        "share of inventory answers unlike the baseline's; expected = the same shift on the "
        "probability-weighted rating, where the model gives log-probabilities):"
    )
    for a in section.alignment:
        changed = "-" if a.changed is None else f"{a.changed:.0%}"
        smooth = (
            ""
            if a.expected_shift is None
            else f" expected {a.expected_shift:+.3f} [{a.expected_low:+.3f}, "
            f"{a.expected_high:+.3f}]"
        )
        out.append(
            f"  {a.arm:<32} {a.shift:+.2f} [{a.low:+.2f}, {a.high:+.2f}] n={a.n} "
            f"changed={changed}{smooth} (vs {a.baseline})"
        )
    out.append(f"Delta (accuracy minus the same-run baseline's, paired by item, {level}):")
    for d in section.deltas:
        out.append(
            f"  {d.arm:<32} {d.benchmark:<5} acc {d.score:.2f}  Delta {d.delta:+.3f} "
            f"[{d.low:+.3f}, {d.high:+.3f}] n={d.n}"
        )
    out.append("stability (consistency x disruption; 1 = no change on any benchmark):")
    for s in section.stability:
        out.append(
            f"  by {s.by:<6} {s.key:<28} consistency {s.consistency:.3f} "
            f"disruption {s.disruption:.3f} stability {s.stability:.3f}"
        )
    for arm, p in section.preparation.items():
        if "alpha" in p:
            purified = p.get("purified")
            extra = (
                f"; purified against {', '.join(purified['against'])}: max |cos| "
                f"{purified['max_abs_cos_removed']:.1e}, cos with the raw vector "
                f"{purified['cos_with_original']:.3f}"
                if purified
                else ""
            )
            out.append(
                f"  {arm}: layer {p['layer']}, alpha {p['alpha']:+.2f} (bound {p['bound']:.2f}, "
                f"{p['probes']} probes), held-out alignment {p['alignment']:.2f} "
                f"(unsteered {p['alignment_unsteered']:.2f}), clean {p['clean']:.3f}{extra}"
            )
        elif "adapter" in p:
            how = "trained now" if p["trained_now"] else "reused"
            out.append(
                f"  {arm}: adapter {p['adapter']} ({how}"
                f", loss {p['loss_first']:.3f} -> {p['loss_last']:.3f} on {p['pairs']} pairs)"
            )
    return out


async def collect(store: Store, run: RunFacts, confidence: float) -> SuiteSection:
    folded = await fold(store, run.id)
    section = summarise(folded, [a.name for a in run.arms], confidence)
    scripted = any(a.model.startswith("script/") for a in run.arms)
    return section.model_copy(update={"notes": notes(section, confidence, scripted)})


def section_of(report: EvalReport) -> PersonalitySection | None:
    if report.section is None:
        return None
    return PersonalitySection.model_validate(report.section.model_dump())


def plots(report: EvalReport) -> list[SuitePlot]:
    section = section_of(report)
    if section is None or not section.alignment:
        return []
    out = []
    methods = list(dict.fromkeys(a.method for a in section.alignment))
    figure, axes = plot_grid(len(methods))
    for ax, method in zip(axes, methods, strict=True):
        rows = [a for a in section.alignment if a.method == method]
        ax.bar(
            range(len(rows)),
            [a.shift for a in rows],
            yerr=[[a.shift - a.low for a in rows], [a.high - a.shift for a in rows]],
            capsize=3,
            color=["#4c78a8" if a.pole == "high" else "#f58518" for a in rows],
        )
        ax.axhline(0, color="grey", linewidth=1)
        ax.set_xticks(range(len(rows)), [text(f"{a.trait}/{a.pole}") for a in rows], rotation=45)
        ax.set_title(text(f"{method}: shift toward the pole"), fontsize=9)
    out.append(SuitePlot(title="Trait alignment per method, trait and pole", figure=figure))
    if section.deltas:
        benches = list(dict.fromkeys(d.benchmark for d in section.deltas))
        figure, axes = plot_grid(len(benches))
        for ax, bench in zip(axes, benches, strict=True):
            rows = [d for d in section.deltas if d.benchmark == bench]
            y = list(range(len(rows)))[::-1]
            ax.errorbar(
                [d.delta for d in rows],
                y,
                xerr=[[d.delta - d.low for d in rows], [d.high - d.delta for d in rows]],
                fmt="o",
                color="#e45756",
                capsize=3,
            )
            ax.axvline(0, color="grey", linewidth=1)
            ax.set_yticks(y, [text(d.arm) for d in rows], fontsize=7)
            ax.set_title(text(f"{bench}: Delta to the same-run baseline"), fontsize=9)
        out.append(SuitePlot(title="Within-run Delta per benchmark", figure=figure))
    both = [s for s in section.stability if s.by == "both"]
    if both:
        figure, axes = plot_grid(1)
        ax = axes[0]
        ax.bar(range(len(both)), [s.stability for s in both], color="#54a24b")
        ax.set_xticks(range(len(both)), [text(s.key) for s in both], rotation=45, fontsize=7)
        ax.set_ylim(0, 1.05)
        ax.set_title("stability by method and trait", fontsize=9)
        out.append(SuitePlot(title="Three-level stability", figure=figure))
    return out


SECTION = ReportSection(collect=collect, plots=plots)
