"""Eval metrics and reports: the numbers a user reads, checked against
independent computations, published values and properties; the report built
from a store (SQLite and PostgreSQL) populated through the Store API."""

from __future__ import annotations

import asyncio
import base64
import json
import math
import random
import re
import statistics
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from ethos.db.store import Store
from ethos.errors import EthosError
from ethos.evals.metrics import (
    bootstrap_mean_ci,
    epoch_reducer,
    mean_summary,
    newcombe_interval,
    paired_delta,
    reduce_at_least_k,
    reduce_mean,
    reduce_mode,
    unpaired_difference_ci,
    wilson_interval,
)
from ethos.evals.report import (
    OTHER,
    SCRIPTED_LABEL,
    EvalReport,
    build_report,
    compare,
    print_comparison,
    print_report,
    render_html,
    write_html,
)

# -- interval functions against published values -----------------------------------


@pytest.mark.parametrize(
    ("successes", "n", "low", "high"),
    [  # Newcombe (1998), Stat. Med. 17:857, Table I, method 3 (Wilson score)
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ],
)
def test_wilson_matches_newcombe_table(successes: int, n: int, low: float, high: float) -> None:
    got = wilson_interval(successes, n)
    assert got == pytest.approx((low, high), abs=5e-5)


def test_wilson_is_exact_at_the_edges_and_refuses_nonsense() -> None:
    assert wilson_interval(0, 10)[0] == 0.0
    assert wilson_interval(10, 10)[1] == 1.0
    assert wilson_interval(5, 10) == pytest.approx((0.2366, 0.7634), abs=5e-5)
    # a higher level gives a wider interval
    assert wilson_interval(5, 10, 0.99)[0] < wilson_interval(5, 10, 0.95)[0]
    for bad in [(0, 0), (11, 10), (-1, 10)]:
        with pytest.raises(ValueError):
            wilson_interval(*bad)
    with pytest.raises(ValueError):
        wilson_interval(1, 2, confidence=1.0)


def test_newcombe_difference_matches_the_paper() -> None:
    # Newcombe (1998b), Stat. Med. 17:873, example (a): 56/70 - 48/80, method 10
    assert newcombe_interval(48, 80, 56, 70) == pytest.approx((0.0524, 0.3339), abs=5e-5)


def test_bootstrap_is_reproducible_with_a_seed_and_near_the_normal_interval() -> None:
    rng = random.Random(3)
    values = [rng.gauss(2.0, 1.0) for _ in range(400)]
    first = bootstrap_mean_ci(values, seed=11)
    assert bootstrap_mean_ci(values, seed=11) == first
    assert bootstrap_mean_ci(values, seed=12) != first
    mean = statistics.fmean(values)
    half = 1.96 * statistics.stdev(values) / math.sqrt(len(values))
    assert first == pytest.approx((mean - half, mean + half), abs=0.03)


def test_a_subsample_bootstrap_is_rescaled_to_the_full_n() -> None:
    """m-out-of-n: 500 values standing for 20,000 give the full run's width,
    not the width of 500 values, centred on the exact mean."""
    rng = random.Random(5)
    full = [rng.random() for _ in range(20_000)]
    exact = statistics.fmean(full)
    low, high = bootstrap_mean_ci(full, seed=1)
    sub_low, sub_high = bootstrap_mean_ci(full[:500], seed=1, total_n=20_000, total_mean=exact)
    assert (sub_high - sub_low) == pytest.approx(high - low, rel=0.15)
    assert sub_low < exact < sub_high
    small_low, small_high = bootstrap_mean_ci(full[:500], seed=1)
    assert small_high - small_low > 5 * (sub_high - sub_low)


def test_paired_delta_uses_shared_samples_and_pairs_them() -> None:
    rng = random.Random(9)
    difficulty = {f"s{i}": rng.random() * 10 for i in range(60)}
    base = {k: v + rng.gauss(0, 0.2) for k, v in difficulty.items()}
    arm = {k: v + 0.5 + rng.gauss(0, 0.2) for k, v in difficulty.items()}
    arm["only-arm"] = 100.0  # not shared: must not count
    delta = paired_delta(arm, base, name="score", arm="steer", baseline="base", seed=4)
    expected = statistics.fmean(arm[k] - base[k] for k in base)
    assert delta.n == 60 and delta.mean == pytest.approx(expected)
    assert 0 < delta.ci_low < delta.mean < delta.ci_high
    assert (delta.method, delta.baseline, delta.arm) == ("paired_bootstrap", "base", "steer")
    # Pairing removes the per-sample difficulty that two independent intervals keep.
    low, high = unpaired_difference_ci(list(base.values()), [arm[k] for k in base], seed=4)
    assert low < 0 < high
    assert (delta.ci_high - delta.ci_low) < (high - low) / 5
    reversed_delta = paired_delta(base, arm, seed=4)
    assert reversed_delta.mean == pytest.approx(-delta.mean)
    with pytest.raises(ValueError, match="share no"):
        paired_delta({"a": 1.0}, {"b": 1.0})


def test_epoch_reducers() -> None:
    assert reduce_mean([1.0, 0.0, 0.5]) == 0.5
    assert reduce_mode([0.0, 1.0, 1.0]) == 1.0
    assert reduce_mode(["defect", "cooperate"]) == "defect"  # a tie: the first seen
    assert reduce_at_least_k([1.0, 0.0, 1.0], 2) is True
    assert reduce_at_least_k([1.0, 0.0], 2) is False
    assert reduce_at_least_k([0.7, 0.9], 2, threshold=0.5) is True
    assert epoch_reducer("at_least_3")([1.0, 1.0, 1.0]) is True
    assert epoch_reducer("mean") is reduce_mean
    for bad in ("median", "at_least_0", "at_least_x"):
        with pytest.raises(ValueError, match="reducer"):
            epoch_reducer(bad)


# -- properties ------------------------------------------------------------------

finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)


@given(st.integers(1, 10_000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_wilson_bounds_are_ordered_within_0_1_and_hold_the_rate(case: tuple[int, int]) -> None:
    successes, n = case
    low, high = wilson_interval(successes, n)
    assert 0.0 <= low <= successes / n <= high <= 1.0


@given(
    st.integers(1, 500).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))),
    st.integers(1, 500).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))),
)
def test_newcombe_bounds_hold_the_difference(a: tuple[int, int], b: tuple[int, int]) -> None:
    low, high = newcombe_interval(*a, *b)
    assert -1.0 <= low <= b[0] / b[1] - a[0] / a[1] <= high <= 1.0


@hypothesis_settings(max_examples=60)
@given(st.lists(finite, min_size=1, max_size=80), st.integers(0, 2**32 - 1))
def test_bootstrap_bounds_are_ordered_and_hold_the_mean(values: list[float], seed: int) -> None:
    summary = mean_summary("m", "a", values, resamples=200, seed=seed)
    assert summary.ci_low <= summary.mean <= summary.ci_high
    assert min(values) - 1e-6 <= summary.ci_low and summary.ci_high <= max(values) + 1e-6


@hypothesis_settings(max_examples=60)
@given(st.lists(st.tuples(finite, finite), min_size=1, max_size=60), st.integers(0, 1000))
def test_paired_delta_bounds_hold_the_delta(pairs: list[tuple[float, float]], seed: int) -> None:
    arm = {i: a for i, (a, _) in enumerate(pairs)}
    base = {i: b for i, (_, b) in enumerate(pairs)}
    delta = paired_delta(arm, base, resamples=200, seed=seed)
    assert delta.ci_low <= delta.mean <= delta.ci_high
    assert delta.mean == pytest.approx(statistics.fmean(a - b for a, b in pairs), abs=1e-6)


# -- a synthetic eval run, written through the Store API ---------------------------

ARMS = {"base": "script/echo", "steer": "local/tiny-moe", "worse": "local/tiny-moe"}
SHIFT = {"base": 0.0, "steer": 0.35, "worse": -0.35}
SAMPLES, EPOCHS = 16, 2
ERROR = "provider timed out after 3 retries"


def plan(seed: int = 7, arms: dict[str, str] = ARMS) -> list[dict[str, Any]]:
    """Every (sample, epoch, arm) row the synthetic run records, with its scores."""
    rng = random.Random(seed)
    rows = []
    for i in range(SAMPLES):
        for epoch in range(EPOCHS):
            for arm in arms:
                shift = SHIFT[arm]
                failed = (i % 5 == 2 and epoch == 1 and arm != "base") or (
                    i == 7 and arm == "steer"
                )
                scores = {
                    "correct": rng.random() < 0.4 + shift,
                    "quality": round(rng.random() + shift, 4),
                    "game": {
                        "normalised_score": rng.random(),
                        "cooperation_rate": None if i % 4 == 0 else rng.random(),
                    },
                    "verdict": rng.choice(["cooperate", "defect"]),
                    "judge": None,  # a scorer with no verdict: undefined everywhere
                }
                rows.append(
                    {
                        "sample_id": f"s{i:02d}",
                        "epoch": epoch,
                        "arm": arm,
                        "failed": failed,
                        "scores": {} if failed else scores,
                    }
                )
    return rows


async def record(
    store: Store,
    rows: list[dict[str, Any]],
    *,
    arms: dict[str, str] = ARMS,
    scripted: bool = True,
    with_scores: bool = True,
) -> str:
    config = {
        "task": "toy-dilemma",
        "task_args": {"rounds": 3},
        "arms": [{"name": n, "model": m, "options": {"alpha": SHIFT[n]}} for n, m in arms.items()],
        "baseline": "base",
        "epochs": EPOCHS,
        "seed": 0,
    }
    run = await store.create_run(
        "eval", "toy-dilemma", config=config, metadata={"scripted": scripted}
    )
    for row in rows:
        sample = await store.record_sample(
            run.id,
            row["sample_id"],
            epoch=row["epoch"],
            arm=row["arm"],
            status="failed" if row["failed"] else "succeeded",
            input={"prompt": f"round {row['sample_id']}", "history": ["C", "D"]},
            target="cooperate",
            output=None if row["failed"] else {"move": "C", "text": "I cooperate <b>now</b>"},
            error=ERROR if row["failed"] else None,
        )
        for scorer, value in row["scores"].items() if with_scores else ():
            await store.record_score(run.id, sample.id, scorer, value)
    await store.finish_run(run.id)
    return run.id


def per_sample(
    rows: list[dict[str, Any]], extract: Callable[[dict[str, Any]], Any], reduce: Callable
) -> dict[str, dict[str, Any]]:
    """arm -> sample id -> the epochs' defined values reduced: computed here,
    plainly, not with the report's code."""
    epochs: dict[str, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        value = extract(row["scores"]) if row["scores"] else None
        if value is not None:
            epochs[row["arm"]][row["sample_id"]].append(value)
    return {
        arm: {s: reduce(values) for s, values in by_sample.items()}
        for arm, by_sample in epochs.items()
    }


def mean_of(values: list[float]) -> float:
    return sum(values) / len(values)


def metric(report: EvalReport, name: str, arm: str):
    (found,) = [m for m in report.metrics if m.name == name and m.arm == arm]
    return found


def delta(report: EvalReport, name: str, arm: str):
    (found,) = [d for d in report.deltas if d.name == name and d.arm == arm]
    return found


async def test_report_numbers_counts_and_deltas(store: Store) -> None:
    rows = plan()
    run_id = await record(store, rows)
    report = await build_report(store, run_id[:10], browse=0)
    assert report.run.id == run_id and report.run.task == "toy-dilemma"
    assert report.run.scripted and report.run.scripted_label == SCRIPTED_LABEL
    assert report.run.baseline == "base" and [a.name for a in report.run.arms] == list(ARMS)

    # counts per arm, over sample rows (sample x epoch)
    for c in report.counts:
        mine = [r for r in rows if r["arm"] == c.arm]
        assert (c.succeeded, c.failed, c.other) == (
            sum(not r["failed"] for r in mine),
            sum(r["failed"] for r in mine),
            0,
        )
    assert [c.arm for c in report.counts] == list(ARMS)

    # numeric and dict-valued scores: epoch means, then the mean over samples
    for name, extract in [
        ("quality", lambda s: s["quality"]),
        ("game.normalised_score", lambda s: s["game"]["normalised_score"]),
        ("game.cooperation_rate", lambda s: s["game"]["cooperation_rate"]),
        ("correct", lambda s: float(s["correct"])),
    ]:
        expected = per_sample(rows, extract, mean_of)
        for arm in ARMS:
            values = list(expected[arm].values())
            got = metric(report, name, arm)
            assert got.n == len(values)
            assert got.mean == pytest.approx(mean_of(values), abs=1e-12)
            assert got.method == "bootstrap"  # epoch means of bools are fractions
            assert got.ci_low <= got.mean <= got.ci_high
            half = 1.96 * statistics.stdev(values) / math.sqrt(len(values))
            assert got.ci_high - got.ci_low == pytest.approx(2 * half, rel=0.35)
        for arm in ("steer", "worse"):
            shared = expected[arm].keys() & expected["base"].keys()
            d = delta(report, name, arm)
            assert d.n == len(shared) and d.baseline == "base"
            assert d.mean == pytest.approx(
                mean_of([expected[arm][s] - expected["base"][s] for s in shared]), abs=1e-12
            )
    assert metric(report, "game.cooperation_rate", "base").n == SAMPLES - SAMPLES // 4
    assert metric(report, "quality", "steer").n == SAMPLES - 1  # s07 failed both epochs
    # The sign of a Delta, and an interval that excludes zero for a real shift.
    assert delta(report, "quality", "steer").ci_low > 0
    assert delta(report, "quality", "worse").ci_high < 0
    assert not any(m.name == "judge" for m in report.metrics)  # only nulls: no metric

    # categorical: the mode over two epochs is the first epoch's value (ties
    # go to the first seen); a rate per category with its Wilson interval
    firsts = per_sample(rows, lambda s: s["verdict"], lambda values: values[0])
    for arm in ARMS:
        n = len(firsts[arm])
        cooperating = sum(v == "cooperate" for v in firsts[arm].values())
        got = metric(report, "verdict=cooperate", arm)
        assert (got.n, got.method) == (n, "wilson")
        assert got.mean == cooperating / n
        assert (got.ci_low, got.ci_high) == pytest.approx(wilson_interval(cooperating, n))
    d = delta(report, "verdict=defect", "steer")
    shared = firsts["steer"].keys() & firsts["base"].keys()
    assert d.mean == pytest.approx(
        mean_of(
            [(firsts["steer"][s] == "defect") - (firsts["base"][s] == "defect") for s in shared]
        )
    )

    # A reducer that keeps bools binary turns "correct" into a rate (Wilson).
    any_correct = await build_report(store, run_id, reducer="at_least_1", browse=0)
    expected_any = per_sample(rows, lambda s: s["correct"], any)
    for arm in ARMS:
        got = metric(any_correct, "correct", arm)
        hits = sum(expected_any[arm].values())
        assert (got.method, got.n) == ("wilson", len(expected_any[arm]))
        assert (got.mean, got.ci_low, got.ci_high) == pytest.approx(
            (hits / got.n, *wilson_interval(hits, got.n))
        )

    # Reproducible: the same data and seed give the same report.
    again = await build_report(store, run_id, browse=0)
    assert again == report
    assert (await build_report(store, run_id, seed=1, browse=0)).metrics != report.metrics


async def test_reservoir_keeps_exact_means_and_the_full_run_interval(store: Store) -> None:
    rows = plan()
    run_id = await record(store, rows)
    full = await build_report(store, run_id, browse=0)
    sampled = await build_report(store, run_id, reservoir=6, browse=0)
    for exact, small in zip(full.metrics, sampled.metrics, strict=True):
        assert (small.name, small.arm, small.n) == (exact.name, exact.arm, exact.n)
        assert small.mean == pytest.approx(exact.mean, abs=1e-12)
        if small.method == "bootstrap":
            assert small.sampled == 6 and exact.sampled is None
            assert small.ci_low <= small.mean <= small.ci_high
    assert any("m-out-of-n" in note for note in sampled.notes)


async def test_html_is_one_file_with_plots_label_and_sample_browser(
    store: Store, tmp_path: Path
) -> None:
    rows = plan()
    run_id = await record(store, rows)
    report = await build_report(store, run_id, browse=20)
    path = write_html(report, tmp_path / "out" / "report.html")
    page = path.read_text(encoding="utf-8")
    assert [p.name for p in path.parent.iterdir()] == ["report.html"]
    images = re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page)
    assert len(images) == 3  # bars with whiskers, Delta forest, histograms
    assert all(base64.b64decode(image).startswith(b"\x89PNG\r\n\x1a\n") for image in images)
    assert not re.search(r'(src|href)="(https?:)?//', page)  # nothing fetched when opened
    assert SCRIPTED_LABEL in page and page.index(SCRIPTED_LABEL) < page.index("<h1>")
    # the metrics table with intervals, and the Delta table
    quality = metric(report, "quality", "steer")
    assert f"[{quality.ci_low:.3f}, {quality.ci_high:.3f}]" in page
    assert "Delta to the baseline arm" in page
    # the sample browser: the first 20 rows, how many more, escaped content
    total = len(rows)
    assert f"showing the first 20 of {total} sample rows; {total - 20} more" in page
    assert page.count('<div class="sample">') == 20
    assert ERROR in page  # s02 epoch 1 steer failed, within the first 20
    assert "&lt;b&gt;now&lt;/b&gt;" in page and "<b>now</b>" not in page
    assert "ethosPage(1)" in page


async def test_json_round_trip(store: Store) -> None:
    run_id = await record(store, plan())
    report = await build_report(store, run_id, browse=5)
    text = report.model_dump_json()
    assert EvalReport.model_validate_json(text) == report
    data = json.loads(text)
    assert data["run"]["scripted"] is True and data["run"]["scripted_label"] == SCRIPTED_LABEL
    assert len(data["samples"]["shown"]) == 5 and data["samples"]["total"] == len(plan())
    assert {"name", "arm", "n", "mean", "ci_low", "ci_high", "method"} <= set(data["metrics"][0])


async def test_compare_two_runs(store: Store) -> None:
    a_rows = plan(seed=7)
    b_rows = plan(seed=8, arms={"base": ARMS["base"], "steer": ARMS["steer"]})
    for row in b_rows:  # run b: steer's quality one higher
        if row["arm"] == "steer" and row["scores"]:
            row["scores"]["quality"] += 1.0
    run_a = await record(store, a_rows)
    run_b = await record(store, b_rows, arms={"base": ARMS["base"], "steer": ARMS["steer"]})
    result = await compare(store, run_a, run_b, reducer="at_least_1")
    report_a = await build_report(store, run_a, reducer="at_least_1", browse=0)
    report_b = await build_report(store, run_b, reducer="at_least_1", browse=0)
    by_key = {(d.name, d.arm): d for d in result.differences}
    quality = by_key["quality", "steer"]
    assert quality.a == metric(report_a, "quality", "steer")
    assert quality.b == metric(report_b, "quality", "steer")
    assert quality.difference == pytest.approx(quality.b.mean - quality.a.mean)
    assert quality.method == "newcombe"  # at_least_1 makes every metric a rate
    # a numeric metric under "mean": an unpaired bootstrap, b - a positive
    by_mean = {(d.name, d.arm): d for d in (await compare(store, run_a, run_b)).differences}
    q = by_mean["quality", "steer"]
    assert q.method == "unpaired_bootstrap" and q.ci_low > 0 and q.difference > 0.5
    # rates: Newcombe from the exact counts
    correct = by_key["correct", "base"]
    counts = [round(correct.a.mean * correct.a.n), correct.a.n]
    counts += [round(correct.b.mean * correct.b.n), correct.b.n]
    assert correct.method == "newcombe"
    assert (correct.ci_low, correct.ci_high) == pytest.approx(newcombe_interval(*counts))
    assert "quality (worse)" in result.only_in_a and not result.only_in_b
    assert not any(d.arm == "worse" for d in result.differences)


async def test_category_overflow_is_counted_as_other(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("ethos.evals.report.accumulate.MAX_CATEGORIES", 2)
    run = await store.create_run("eval", "t", config={"task": "t", "arms": []})
    for i, label in enumerate(["a", "b", "c", "d", "a"]):
        sample = await store.record_sample(run.id, f"s{i}")
        await store.record_score(run.id, sample.id, "label", label)
    report = await build_report(store, run.id, browse=0)
    rates = {m.name: m.mean for m in report.metrics}
    assert rates == {"label=a": 0.4, "label=b": 0.2, f"label={OTHER}": 0.4}
    assert report.counts[0].arm == "" and not report.deltas
    assert any("more than 2 categories" in note for note in report.notes)


async def test_not_an_eval_run_and_a_run_without_scores(store: Store) -> None:
    demo = await store.create_run("demo")
    with pytest.raises(EthosError, match="not an eval run"):
        await build_report(store, demo.id)
    run_id = await record(store, plan()[:6], with_scores=False, scripted=False)
    report = await build_report(store, run_id)
    assert report.metrics == [] and report.deltas == []
    assert sum(c.succeeded for c in report.counts) == 6
    # the writer said not scripted, but an arm ran script/: the report says so
    assert report.run.scripted and report.run.scripted_label == SCRIPTED_LABEL
    assert "no scores yet" in render_html(report)
    with pytest.raises(EthosError, match="reducer"):
        await build_report(store, run_id, reducer="median")


# -- the command functions ------------------------------------------------------------


def cli(db_url: str, *args: str):
    import typer

    from ethos.cli.context import CliContext
    from ethos.cli.eval_report import compare as compare_command
    from ethos.cli.eval_report import report as report_command

    app = typer.Typer()
    app.command("report")(report_command)
    app.command("compare")(compare_command)
    return CliRunner().invoke(app, list(args), obj=CliContext(db=db_url))


def test_cli_report_and_compare(db_url: str, tmp_path: Path) -> None:
    async def populate() -> tuple[str, str, str]:
        async with await Store.open(db_url) as store:
            scored = await record(store, plan())
            other = await record(store, plan(seed=9))
            empty = await record(store, plan()[:3], with_scores=False)
        return scored, other, empty

    scored, other, empty = asyncio.run(populate())
    shown = cli(db_url, "report", scored[:20])  # a unique prefix
    assert shown.exit_code == 0, shown.output
    assert "SCRIPTED" in shown.output and "quality" in shown.output and "Δ vs base" in shown.output

    html = tmp_path / "r.html"
    as_json = cli(db_url, "report", scored, "--json", "--html", str(html))
    assert as_json.exit_code == 0, as_json.output
    assert json.loads(as_json.stdout)["run"]["id"] == scored
    assert f"showing all {len(plan())} sample rows" in html.read_text()

    missing = cli(db_url, "report", empty)
    assert isinstance(missing.exception, EthosError)
    assert "has no scores yet: 3 sample rows recorded" in str(missing.exception)

    compared = cli(db_url, "compare", scored, other, "--json")
    assert compared.exit_code == 0, compared.output
    assert {d["arm"] for d in json.loads(compared.stdout)["differences"]} == set(ARMS)
    table = cli(db_url, "compare", scored, other)
    assert table.exit_code == 0 and "b - a" in table.output


async def test_the_terminal_prints_stored_text_as_text_not_rich_markup(store: Store) -> None:
    """Errors, sample ids, scorer names and categories are the run's data: a
    closing tag in one is printed as written, not parsed (rich would raise
    MarkupError, a traceback) nor taken for a style ([bold] vanishing)."""
    from rich.console import Console

    hostile = "index [/i] out of range [bold]x"
    config = {"task": "t [/]", "arms": [{"name": "a[/b]", "model": "script/echo"}], "epochs": 1}
    run = await store.create_run("eval", "t", config=config, metadata={"scripted": True})
    failed = await store.record_sample(
        run.id, "s[/x]1", epoch=0, arm="a[/b]", status="failed", error=f"IndexError: {hostile}"
    )
    scored = await store.record_sample(run.id, "s2", epoch=0, arm="a[/b]", status="succeeded")
    await store.record_score(run.id, scored.id, "judge[/j]", "yes [/y]")
    await store.finish_run(run.id, status="failed", error=f"stopped: {hostile}")
    assert failed.status == "failed"

    report = await build_report(store, run.id)
    console = Console(record=True, width=400)
    print_report(console, report)
    print_comparison(console, await compare(store, run.id, run.id))
    shown = console.export_text()
    for text in (hostile, "s[/x]1", "judge[/j]=yes [/y]", "a[/b]", "t [/]", f"stopped: {hostile}"):
        assert text in shown


async def test_html_plots_draw_dollar_signs_in_names_as_text(store: Store) -> None:
    """Matplotlib reads text between two $ as TeX: a category such as a
    model's answer '$x^$' would stop the page with a ParseException."""
    config = {"task": "t", "arms": [{"name": "a$^$", "model": "script/echo"}], "epochs": 1}
    run = await store.create_run("eval", "t", config=config, metadata={"scripted": True})
    for i, answer in enumerate(["$x^$", "$\\frac{$", "plain"]):
        sample = await store.record_sample(run.id, f"s{i}", epoch=0, arm="a$^$", status="succeeded")
        await store.record_score(run.id, sample.id, "answer", answer)
        await store.record_score(run.id, sample.id, "cost $_$", float(i))
    await store.finish_run(run.id)
    page = render_html(await build_report(store, run.id, browse=0))
    assert page.count("data:image/png;base64,") >= 2
