"""The report as one self-contained HTML page: facts, metrics and Deltas,
plots inline, the failures by error class, and a sample browser (filter by
arm, epoch, status, error class and score, sort by any column, search the
text, open a sample's transcript as a conversation). Nothing is fetched
when it is opened: the CSS and JavaScript are inlined from
``templates/``, and the page is rendered by Jinja2 with autoescaping, so
no stored text can become markup."""

from __future__ import annotations

import json
import shlex
from functools import cache
from pathlib import Path
from typing import Any

from markupsafe import Markup

from ethos.evals.report.escape import CLIP_CHARS
from ethos.evals.report.formatting import arm_label, interval, num, signed
from ethos.evals.report.model import ArmCounts, EvalReport, SampleBrowser, SampleView
from ethos.evals.report.plots import bar_chart, constant_metrics, forest, histogram_chart, png
from ethos.evals.report.sections import section_of, section_plots
from ethos.evals.report.transcript_html import environment, transcript_events

_TEMPLATES = Path(__file__).parent / "templates"
_CELL_CHARS = 40
# Bytes of sample detail (inputs, outputs, transcripts) one page holds.
# A ten-round game's transcript is about 30 KB, so 10,000 such rows would
# make a 300 MB page (slow to open, awkward to send); past this budget a row keeps its
# scores and error and names the command that shows the rest.
DETAIL_BUDGET = 20_000_000


@cache
def _assets() -> tuple[Markup, Markup]:
    """The inlined stylesheet and browser script (read once)."""
    css = (_TEMPLATES / "report.css").read_text(encoding="utf-8")
    js = (_TEMPLATES / "browser.js").read_text(encoding="utf-8")
    return Markup(css), Markup(js)  # our own files, not stored text


def _cell(value: Any) -> tuple[str, str]:
    """A score as a browser cell: (the key it filters and sorts by, its text)."""
    if value is None:
        return "", "-"
    if isinstance(value, bool):
        return ("true", "true") if value else ("false", "false")
    if isinstance(value, int | float):
        return repr(value), num(float(value)) if isinstance(value, float) else str(value)
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    shown = text if len(text) <= _CELL_CHARS else text[: _CELL_CHARS - 1] + "…"
    return text[:CLIP_CHARS], shown


def _error_class(view: SampleView) -> str:
    if not view.error:
        return ""
    from ethos.evals.report.collect import error_class

    return error_class(view.error.strip())


def _show_command(run_id: str, view: SampleView) -> str:
    argv = ["ethos", "runs", "show", run_id[:12], "--sample", view.sample_id]
    argv += ["--epoch", str(view.epoch), *(["--arm", view.arm] if view.arm else [])]
    return shlex.join(argv)


def _browser(samples: SampleBrowser, run_id: str, budget: int) -> dict[str, Any]:
    """Every sample row for the table; each row's card with its input,
    output and transcript while ``budget`` bytes last, after that its
    scores, error and the ``ethos runs show`` command for the rest."""
    shown = len(samples.shown)
    more = samples.total - shown
    summary = f"showing all {shown:,} sample rows"
    if more > 0:
        summary = (
            f"showing the first {shown:,} of {samples.total:,} sample rows; "
            f"{more:,} more are in the database and not shown here"
        )
    metrics = sorted({name for view in samples.shown for name in view.scores})
    card = environment().get_template("sample.html").module.card  # type: ignore[attr-defined]
    rows = []
    left, full = budget, 0
    for view in samples.shown:
        cells = []
        for name in metrics:
            key, text = _cell(view.scores.get(name))
            cells.append({"metric": name, "key": key, "text": text})
        row = {"view": view, "error_class": _error_class(view), "cells": cells}
        command = _show_command(run_id, view)
        detail = card({**row, "events": transcript_events(view)}, True, command) if left else ""
        size = len(detail.encode("utf-8"))
        if detail and size <= left:
            left -= size
            full += 1
        else:
            left = 0  # spent: every later row is short, so the full ones are the first
            detail = card(row, False, command)
        rows.append({**row, "card": detail})
    if full < shown:
        summary += (
            f"; the first {full:,} hold their input, output and transcript, the other "
            f"{shown - full:,} their scores and errors and the ethos runs show command "
            f"for the rest (a page keeps {budget / 1e6:g} MB of them)"
        )
    return {
        "summary": summary,
        "samples": rows,
        "metrics": metrics,
        "arms": sorted({view.arm for view in samples.shown}),
        "epochs": sorted({view.epoch for view in samples.shown}),
        "statuses": sorted({view.status for view in samples.shown}),
        "error_classes": sorted({row["error_class"] for row in rows} - {""}),
    }


def render_html(report: EvalReport, detail_budget: int = DETAIL_BUDGET) -> str:
    """The report as one self-contained HTML page: the scripted label, the
    run's facts, counts, the metrics and Deltas with intervals, plots inline
    as base64 PNG (a metric with one value everywhere gets a line, not a
    histogram), the failures, and the sample browser (every row; inputs,
    outputs and transcripts up to ``detail_budget`` bytes). Nothing is
    fetched from anywhere when it is opened."""
    run = report.run
    facts = [
        ("run", run.id),
        ("status", run.status),
        ("created", run.created_at.isoformat(timespec="seconds")),
        ("finished", run.finished_at.isoformat(timespec="seconds") if run.finished_at else "-"),
        ("task arguments", json.dumps(run.task_args, ensure_ascii=False)),
        ("epochs / seed", f"{run.epochs or '-'} / {run.seed if run.seed is not None else '-'}"),
        ("epoch reducer", report.reducer),
        ("confidence", f"{report.confidence:.0%}"),
    ]
    if run.error:
        facts.append(("error", run.error))
    counts = {c.arm: c for c in report.counts}
    arms = []
    for name in dict.fromkeys([*(a.name for a in run.arms), *counts]):
        spec = next((a for a in run.arms if a.name == name), None)
        c = counts.get(name, ArmCounts(arm=name))
        arms.append(
            {
                "name": arm_label(name),
                "baseline": name == run.baseline,
                "model": spec.model if spec and spec.model else "-",
                "options": json.dumps(spec.options if spec else {}, ensure_ascii=False),
                "succeeded": c.succeeded,
                "failed": c.failed,
                "other": c.other,
            }
        )
    metrics = [
        {
            "name": m.name,
            "arm": arm_label(m.arm),
            "n": f"{m.n:,}",
            "mean": num(m.mean),
            "ci": interval(m.ci_low, m.ci_high),
            "method": m.method + (f" (from {m.sampled:,})" if m.sampled else ""),
        }
        for m in report.metrics
    ]
    deltas = [
        {
            "name": d.name,
            "arm": arm_label(d.arm),
            "n": f"{d.n:,}",
            "mean": signed(d.mean),
            "ci": interval(d.ci_low, d.ci_high),
            "method": d.method,
            "mark": "up" if d.ci_low > 0 else "down" if d.ci_high < 0 else "",
        }
        for d in report.deltas
    ]
    plots = []
    if report.metrics:
        plots.append(("Metrics by arm, whiskers at the interval", bar_chart(report.metrics)))
    if report.deltas:
        plots.append(("Delta to the baseline arm", forest(report.deltas)))
    constant = constant_metrics(report.histograms)
    varied = [h for h in report.histograms if h.name not in constant]
    if varied:
        plots.append(("Per-sample values", histogram_chart(varied)))
    section = section_of(run) if report.section is not None else None
    for plot in section_plots(section, report) if section else []:
        plots.append((plot.title, (png(plot.figure), plot.left_out)))
    plot_notes = [
        f"{name}: {num(value)} in every sample row with a value, so no histogram"
        for name, value in constant.items()
    ]
    css, js = _assets()
    return (
        environment()
        .get_template("report.html")
        .render(
            run=run,
            css=css,
            js=js,
            facts=facts,
            arms=arms,
            level=f"{report.confidence:.0%}",
            metrics=metrics,
            deltas=deltas,
            baseline=arm_label(run.baseline or ""),
            plots=[
                {"title": title, "image": Markup(image), "left_out": left_out}  # our <img> tag
                for title, (image, left_out) in plots
            ],
            plot_notes=plot_notes,
            failures=[
                {
                    "error_class": f.error_class,
                    "count": f.count,
                    "first_message": f.first_message,
                    "ids": ", ".join(f.sample_ids)
                    + (
                        f", … ({f.count - len(f.sample_ids):,} more rows)"
                        if f.count > len(f.sample_ids)
                        else ""
                    ),
                }
                for f in report.failures
            ],
            failures_total=sum(f.count for f in report.failures),
            notes=[*report.notes, *(report.section.notes if report.section else [])],
            browser=(
                _browser(report.samples, run.id, detail_budget)
                if report.samples is not None
                else None
            ),
        )
    )


def write_html(report: EvalReport, path: Path, detail_budget: int = DETAIL_BUDGET) -> Path:
    """Write :func:`render_html` to ``path`` (parents created); returns it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_html(report, detail_budget), encoding="utf-8")
    return path
