"""The report's data: what a reader is told about a run, as typed, frozen
pydantic models. ``EvalReport.model_dump_json()`` is the JSON rendering, and
everything the terminal and HTML renderings show is in it, so a report read
back from JSON renders the same page."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, SerializeAsAny

from ethos.evals.metrics import DeltaSummary, Method, MetricSummary

RESERVOIR = 5000
BROWSE = 200
OTHER = "(other)"
SCRIPTED_LABEL = (
    "SCRIPTED: at least one arm ran a script/ test double, not a real model; "
    "these numbers say nothing about any model"
)


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
    suite: str | None = None
    transcripts: bool = True


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


class TranscriptEntry(_Model):
    """One event of a sample's transcript as the browser shows it (long
    texts already clipped): a model call, a tool call, a graph node, a
    suite's event."""

    kind: str
    data: dict[str, Any] = Field(default_factory=dict)


class SampleView(_Model):
    """One sample row as the browser shows it, with its transcript when the
    run kept one (``transcript_note`` says why not, or how much was left out)."""

    sample_id: str
    epoch: int
    arm: str
    status: str
    input: Any = None
    target: Any = None
    output: Any = None
    error: str | None = None
    scores: dict[str, Any] = Field(default_factory=dict)
    explanations: dict[str, str] = Field(default_factory=dict)
    transcript: list[TranscriptEntry] = Field(default_factory=list)
    transcript_note: str | None = None


class SampleBrowser(_Model):
    """The first sample rows (by sample id, epoch, arm) and how many exist."""

    shown: list[SampleView]
    total: int


class FailureGroup(_Model):
    """Failed sample rows that share an error class: how many, the first
    message (in sample order), and the first few sample ids."""

    error_class: str
    count: int
    first_message: str
    sample_ids: list[str]


class SuiteSection(_Model):
    """A suite's part of a report. Each suite subclasses it with its own
    typed fields (the games suite's round-by-round shares, ...); read back
    from JSON, those fields are kept as extra fields, and the suite's
    :class:`ReportSection` validates them into its own type again."""

    model_config = ConfigDict(frozen=True, extra="allow")

    suite: str
    notes: list[str] = Field(default_factory=list)


class EvalReport(_Model):
    """An eval run's report: facts, counts, metrics, Deltas, and how they were
    computed; the failures grouped by error class; the section of the run's
    suite (None when its suite adds none). ``model_dump_json()`` is the JSON
    rendering."""

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
    failures: list[FailureGroup] = Field(default_factory=list)
    section: SerializeAsAny[SuiteSection] | None = None
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
