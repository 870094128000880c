"""The report as one self-contained HTML page: facts, metrics and Deltas,
plots inline, the failures by error class, and a paginated browser of the
first samples with their transcripts. Nothing is fetched when it is opened."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from ethos.evals.report.escape import clip, esc
from ethos.evals.report.formatting import arm_label, interval, num, signed
from ethos.evals.report.model import ArmCounts, EvalReport, SampleBrowser, SampleView
from ethos.evals.report.plots import bar_chart, forest, histogram_chart, png
from ethos.evals.report.sections import section_of, section_plots
from ethos.evals.report.transcript_html import TRANSCRIPT_STYLE, transcript_html

_BROWSER_PAGE = 20


def _table(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    head = "".join(f"<th>{esc(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _sample_card(view: SampleView) -> str:
    status = f'<span class="{esc(view.status)}">{esc(view.status)}</span>'
    scores = "".join(
        f"<li><b>{esc(k)}</b>: {esc(json.dumps(v))}"
        + (
            f' <span class="note">{esc(view.explanations[k])}</span>'
            if k in view.explanations
            else ""
        )
        + "</li>"
        for k, v in view.scores.items()
    )
    parts = [
        f"<h4>{esc(view.sample_id)} · epoch {view.epoch} · arm {esc(arm_label(view.arm))} "
        f"· {status}</h4>",
        f"<ul>{scores}</ul>" if scores else "<p>scores: <i>none</i></p>",
    ]
    if view.error:
        parts.append(f'<pre class="error">{clip(view.error)}</pre>')
    for label, value in (("input", view.input), ("target", view.target), ("output", view.output)):
        if value is not None:
            parts.append(f"<details><summary>{label}</summary><pre>{clip(value)}</pre></details>")
    parts.append(transcript_html(view))
    return '<div class="sample">' + "".join(parts) + "</div>"


def _failures(report: EvalReport) -> str:
    total = sum(f.count for f in report.failures)
    rows = []
    for f in report.failures:
        more = f.count - len(f.sample_ids)
        ids = ", ".join(f.sample_ids) + (f", … ({more:,} more rows)" if more > 0 else "")
        rows.append(
            (
                f'<span class="error">{esc(f.error_class)}</span>',
                f"{f.count:,}",
                f"<pre>{clip(f.first_message)}</pre>",
                esc(ids),
            )
        )
    header = ["error", "count", "first message", "sample ids"]
    return f"<h2>Failures ({total:,} sample rows)</h2>" + _table(header, rows)


_STYLE = """
body{font-family:system-ui,sans-serif;margin:2rem;max-width:72rem;color:#222}
table{border-collapse:collapse;margin:.5rem 0 1.5rem}
th,td{padding:.2rem .7rem;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}
.scripted{background:#b00020;color:#fff;padding:1rem;font-weight:bold;font-size:1.2rem}
.sample{border:1px solid #ccc;border-radius:4px;padding:.3rem .8rem;margin:.5rem 0}
.failed,.error{color:#b00020}.succeeded{color:#1b7f3b}
pre{white-space:pre-wrap;background:#f6f6f6;padding:.4rem;max-height:20rem;overflow:auto}
.up{color:#1b7f3b}.down{color:#b00020}.note{color:#666}
img{max-width:100%}
"""

_PAGER = """
(function(){
 var cards=document.querySelectorAll('#browser .sample'),size=%d,page=0,
     pages=Math.max(1,Math.ceil(cards.length/size));
 function show(){
  for(var i=0;i<cards.length;i++){cards[i].hidden=Math.floor(i/size)!==page;}
  document.getElementById('page').textContent='page '+(page+1)+' of '+pages;
 }
 window.ethosPage=function(step){page=Math.min(pages-1,Math.max(0,page+step));show();};
 show();
})();
"""


def render_html(report: EvalReport) -> str:
    """The report as one self-contained HTML page: the scripted label, the
    run's facts, counts, the metrics and Deltas with intervals, plots inline
    as base64 PNG, and a paginated browser of the first samples. Nothing is
    fetched from anywhere when it is opened."""
    run = report.run
    level = f"{report.confidence:.0%}"
    parts = [
        f"<!doctype html><html lang=en><head><meta charset=utf-8>"
        f"<title>ethos eval report: {esc(run.task)} ({esc(run.id[:16])})</title>"
        f"<style>{_STYLE}{TRANSCRIPT_STYLE}</style></head><body>",
    ]
    if run.scripted_label:
        parts.append(f'<div class="scripted">{esc(run.scripted_label)}</div>')
    parts.append(f"<h1>{esc(run.task)}</h1>")
    facts = [
        ("run", run.id),
        ("status", run.status),
        ("created", run.created_at.isoformat(timespec="seconds")),
        ("finished", run.finished_at.isoformat(timespec="seconds") if run.finished_at else "-"),
        ("task arguments", json.dumps(run.task_args, ensure_ascii=False)),
        ("epochs / seed", f"{run.epochs or '-'} / {run.seed if run.seed is not None else '-'}"),
        ("epoch reducer", report.reducer),
        ("confidence", level),
    ]
    if run.error:
        facts.append(("error", run.error))
    parts.append(_table(["fact", "value"], [(esc(k), esc(v)) for k, v in facts]))
    parts.append("<h2>Arms</h2>")
    counts = {c.arm: c for c in report.counts}
    arm_rows = []
    for name in dict.fromkeys([*(a.name for a in run.arms), *counts]):
        spec = next((a for a in run.arms if a.name == name), None)
        c = counts.get(name, ArmCounts(arm=name))
        arm_rows.append(
            (
                esc(arm_label(name)) + (" <b>(baseline)</b>" if name == run.baseline else ""),
                esc(spec.model if spec and spec.model else "-"),
                esc(json.dumps(spec.options if spec else {}, ensure_ascii=False)),
                f'<span class="succeeded">{c.succeeded}</span>',
                f'<span class="{"failed" if c.failed else ""}">{c.failed}</span>',
                str(c.other),
            )
        )
    parts.append(_table(["arm", "model", "options", "succeeded", "failed", "other"], arm_rows))
    parts.append("<h2>Metrics</h2>")
    parts.append(
        _table(
            ["metric", "arm", "n", "mean", f"{level} CI", "method"],
            [
                (
                    esc(m.name),
                    esc(arm_label(m.arm)),
                    f"{m.n:,}",
                    num(m.mean),
                    interval(m.ci_low, m.ci_high),
                    m.method + (f" (from {m.sampled:,})" if m.sampled else ""),
                )
                for m in report.metrics
            ],
        )
    )
    if report.deltas:
        parts.append(f"<h2>Delta to the baseline arm ({esc(arm_label(run.baseline or ''))})</h2>")
        rows = []
        for d in report.deltas:
            mark = "up" if d.ci_low > 0 else "down" if d.ci_high < 0 else ""
            rows.append(
                (
                    esc(d.name),
                    esc(arm_label(d.arm)),
                    f"{d.n:,}",
                    f'<span class="{mark}">{signed(d.mean)}</span>',
                    interval(d.ci_low, d.ci_high),
                    d.method,
                )
            )
        parts.append(_table(["metric", "arm", "pairs", "Delta", f"{level} CI", "method"], rows))
    parts.append("<h2>Plots</h2>")
    plots = []
    if report.metrics:
        plots.append(("Metrics by arm, whiskers at the interval", bar_chart(report.metrics)))
    if report.deltas:
        plots.append(("Delta to the baseline arm", forest(report.deltas)))
    if report.histograms:
        plots.append(("Per-sample values", histogram_chart(report.histograms)))
    section = section_of(run) if report.section is not None else None
    for plot in section_plots(section, report) if section else []:
        plots.append((plot.title, (png(plot.figure), plot.left_out)))
    for title, (image, left_out) in plots:
        more = f' <span class="note">({left_out} more not plotted)</span>' if left_out else ""
        parts.append(f"<h3>{esc(title)}{more}</h3>{image}")
    if not plots:
        parts.append('<p class="note">no scores yet</p>')
    if report.failures:
        parts.append(_failures(report))
    notes = [*report.notes, *(report.section.notes if report.section else [])]
    parts.extend(f'<p class="note">note: {esc(note)}</p>' for note in notes)
    if report.samples is not None:
        parts.append(_browser(report.samples))
    parts.append("</body></html>")
    return "\n".join(parts)


def _browser(samples: SampleBrowser) -> str:
    shown = len(samples.shown)
    more = samples.total - shown
    summary = f"showing all {shown:,} sample rows"
    if more:
        summary = (
            f"showing the first {shown:,} of {samples.total:,} sample rows; "
            f"{more:,} more are in the database and not shown here"
        )
    cards = "".join(_sample_card(view) for view in samples.shown)
    return (
        f"<h2>Samples</h2><p>{summary}</p>"
        '<nav><button onclick="ethosPage(-1)">previous</button> <span id="page"></span> '
        '<button onclick="ethosPage(1)">next</button></nav>'
        f'<div id="browser">{cards}</div><script>{_PAGER % _BROWSER_PAGE}</script>'
    )


def write_html(report: EvalReport, path: Path) -> Path:
    """Write :func:`render_html` to ``path`` (parents created); returns it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_html(report), encoding="utf-8")
    return path
