"""The report's plots, drawn with matplotlib (imported only here, and only
when an HTML report is written), inlined as base64 PNG."""

from __future__ import annotations

import base64
import io
import math
from collections.abc import Iterable
from typing import Any

import numpy as np

from ethos.evals.metrics import DeltaSummary, MetricSummary
from ethos.evals.report.formatting import arm_label
from ethos.evals.report.model import Histogram

_MAX_PANELS = 24
_MAX_FOREST_ROWS = 40


def png(figure: Any) -> str:
    """A figure as an <img> with its PNG inline, so the page is one file."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=90, bbox_inches="tight")
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f'<img alt="plot" src="data:image/png;base64,{data}">'


def text(value: object) -> str:
    """A name or category as matplotlib text: a ``$`` is a dollar sign, not
    the start of TeX (a category such as a model's ``$x^$`` would otherwise
    stop the whole page with a parse error)."""
    return str(value).replace("$", r"\$")


def plot_grid(panels: int) -> tuple[Any, list[Any]]:
    from matplotlib.figure import Figure

    columns = min(3, panels)
    rows = math.ceil(panels / columns)
    figure = Figure(figsize=(4.2 * columns, 3.0 * rows), layout="constrained")
    axes = figure.subplots(rows, columns, squeeze=False).ravel().tolist()
    for unused in axes[panels:]:
        unused.set_visible(False)
    return figure, axes[:panels]


def _grouped(items: Iterable[Any]) -> dict[str, list[Any]]:
    groups: dict[str, list[Any]] = {}
    for item in items:
        groups.setdefault(item.name, []).append(item)
    return groups


def bar_chart(metrics: list[MetricSummary]) -> tuple[str, int]:
    """One panel per metric: a bar per arm with its interval as whiskers."""
    groups = _grouped(metrics)
    names = list(groups)[:_MAX_PANELS]
    figure, axes = plot_grid(len(names))
    for ax, name in zip(axes, names, strict=True):
        rows = groups[name]
        means = np.array([m.mean for m in rows])
        errors = np.array([[m.mean - m.ci_low for m in rows], [m.ci_high - m.mean for m in rows]])
        ax.bar(range(len(rows)), means, yerr=errors, capsize=4, color="#4c78a8")
        ax.set_xticks(range(len(rows)), [text(arm_label(m.arm)) for m in rows], rotation=20)
        ax.set_title(text(name), fontsize=9)
        if all(m.method == "wilson" for m in rows):
            ax.set_ylim(0, 1)
    return png(figure), len(groups) - len(names)


def forest(deltas: list[DeltaSummary]) -> tuple[str, int]:
    """Every Delta as a point with its interval, against a line at zero."""
    from matplotlib.figure import Figure

    rows = deltas[:_MAX_FOREST_ROWS]
    figure = Figure(figsize=(8, 0.6 + 0.32 * len(rows)), layout="constrained")
    ax = figure.subplots()
    y = np.arange(len(rows))[::-1]
    means = np.array([d.mean for d in rows])
    errors = np.array([[d.mean - d.ci_low for d in rows], [d.ci_high - d.mean for d in rows]])
    ax.errorbar(means, y, xerr=errors, fmt="o", color="#e45756", capsize=3)
    ax.axvline(0.0, color="grey", linewidth=1)
    ax.set_yticks(
        y, [text(f"{d.name}: {arm_label(d.arm)} - {arm_label(d.baseline)}") for d in rows]
    )
    ax.set_xlabel("Delta to the baseline arm")
    return png(figure), len(deltas) - len(rows)


def constant_metrics(histograms: list[Histogram]) -> dict[str, float]:
    """Metrics whose every per-sample value is one number, in every arm, with
    that number: a histogram of them is one bar on a made-up axis, so the
    report says the value instead. The summary gives such a metric a single
    bin (as many bins as distinct values, at most 20), centred on the value."""
    constant: dict[str, float] = {}
    for name, group in _grouped(histograms).items():
        if all(len(h.edges) == 2 for h in group):
            constant[name] = (group[0].edges[0] + group[0].edges[1]) / 2
    return constant


def histogram_chart(histograms: list[Histogram]) -> tuple[str, int]:
    """One panel per numeric metric, each arm's share of values per bin."""
    groups = _grouped(histograms)
    names = list(groups)[:_MAX_PANELS]
    figure, axes = plot_grid(len(names))
    for ax, name in zip(axes, names, strict=True):
        for h in groups[name]:
            total = max(1, sum(h.counts))
            ax.stairs(np.array(h.counts) / total, h.edges, label=text(arm_label(h.arm)))
        ax.set_title(text(name), fontsize=9)
        ax.set_ylabel("share of samples", fontsize=8)
        ax.legend(fontsize=7)
    return png(figure), len(groups) - len(names)
