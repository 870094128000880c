"""Eval reports, built from the database alone.

A report reads one eval run's rows (the run, its samples, their scores) and
states, for every scorer and arm, the per-sample values aggregated with a
confidence interval, each arm's Delta to the baseline arm, how many samples
succeeded or failed, and the failures grouped by error class. It needs
nothing the harness held in memory, so a report of a run killed half-way,
or run on another machine, is the same report.

It stays fast and flat in memory however long the run: samples and scores
are streamed in one ordered pass (``yield_per``; never the transcripts),
each sample's epochs and arms are reduced as soon as its rows have passed,
and every metric keeps exact counts and sums (rates and means are exact)
plus a seeded uniform reservoir of at most ``reservoir`` values, from which
the bootstrap intervals are drawn and rescaled to the full n
(:func:`ethos.evals.metrics.bootstrap_means`). Categorical scores keep at
most ``MAX_CATEGORIES`` names each. Only the HTML's sample browser reads
inputs, outputs and transcripts, of at most ``browse`` samples.

The package, one concern a module:

- :mod:`.model`: the report's data (:class:`EvalReport` and its parts);
- :mod:`.accumulate`: the streaming tallies; :mod:`.collect`: reading the
  database; :mod:`.summarise`: intervals and Deltas; :mod:`.build`:
  :func:`build_report` and :func:`compare`;
- :mod:`.terminal`, :mod:`.html` (with :mod:`.transcript_html`) and
  :mod:`.plots`: the renderings (JSON is ``report.model_dump_json()``);
- :mod:`.sections`: the :class:`ReportSection` a suite plug-in adds
  (:mod:`ethos.evals.suite`), picked by the suite the run recorded.

Store conventions (written by ``ethos.evals.run``): ``runs.kind`` is
``"eval"``; ``runs.config`` holds ``task``, ``task_args``, ``arms`` (name,
model, options), ``baseline``, ``epochs``, ``seed``; ``runs.metadata``
holds ``scripted``, ``suite`` and ``transcripts``; one sample row per
(sample, epoch, arm), whose ``error`` reads ``Class: message`` when it
failed; one score row per (sample row, scorer), whose value is a number, a
bool, a string (categorical), an object of named numbers, or null
(undefined).
"""

from __future__ import annotations

from ethos.evals.report.accumulate import MAX_CATEGORIES
from ethos.evals.report.build import build_report, compare
from ethos.evals.report.html import render_html, write_html
from ethos.evals.report.model import (
    BROWSE,
    OTHER,
    RESERVOIR,
    SCRIPTED_LABEL,
    ArmCounts,
    ArmSpec,
    Comparison,
    EvalReport,
    FailureGroup,
    Histogram,
    RunDifference,
    RunFacts,
    SampleBrowser,
    SampleView,
    SuiteSection,
    TranscriptEntry,
)
from ethos.evals.report.plots import plot_grid
from ethos.evals.report.sections import ReportSection, SuitePlot, section_of
from ethos.evals.report.terminal import print_comparison, print_report

__all__ = [
    "BROWSE",
    "MAX_CATEGORIES",
    "OTHER",
    "RESERVOIR",
    "SCRIPTED_LABEL",
    "ArmCounts",
    "ArmSpec",
    "Comparison",
    "EvalReport",
    "FailureGroup",
    "Histogram",
    "ReportSection",
    "RunDifference",
    "RunFacts",
    "SampleBrowser",
    "SampleView",
    "SuitePlot",
    "SuiteSection",
    "TranscriptEntry",
    "build_report",
    "compare",
    "plot_grid",
    "print_comparison",
    "print_report",
    "render_html",
    "section_of",
    "write_html",
]
