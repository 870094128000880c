"""The games suite's section of an eval report: round-by-round choices per
arm, for the model and its opponent, checked against counts made here by
hand from synthetic games runs written through the Store API (SQLite and
PostgreSQL); and reports of other suites left as they were."""

from __future__ import annotations

import base64
import json
import random
import re
from typing import Any

import pytest

from ethos.agents.games.game import PRISONERS_DILEMMA
from ethos.db.store import Store
from ethos.evals import suite as suite_module
from ethos.evals.games.metrics import match_metrics
from ethos.evals.games.report import RoundCounts, section_rounds
from ethos.evals.games.tasks import MatchOutput
from ethos.evals.metrics import wilson_interval
from ethos.evals.report import (
    EvalReport,
    ReportSection,
    SuiteSection,
    build_report,
    render_html,
)
from ethos.evals.suite import Suite
from ethos.graphs.games import Match

ARMS = ["base", "steer"]
# Each arm's chance that a side chooses option 0 (J), so the arms differ.
COOPERATE = {("base", "model"): 0.8, ("base", "opponent"): 0.5, ("steer", "model"): 0.3}
SAMPLES, EPOCHS, ROUNDS = 9, 2, 6
IMAGE = re.compile(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"')
TITLE = "Round-by-round choices"


def synthetic_match(rng: random.Random, arm: str, seat: int, rounds: int) -> Match:
    moves = []
    for _ in range(rounds):
        mine = int(rng.random() >= COOPERATE.get((arm, "model"), 0.5))
        theirs = int(rng.random() >= COOPERATE.get((arm, "opponent"), 0.5))
        moves.append((mine, theirs) if seat == 0 else (theirs, mine))
    return Match(
        game=PRISONERS_DILEMMA,
        players=("model", "tit_for_tat") if seat == 0 else ("tit_for_tat", "model"),
        seed=0,
        moves=tuple(moves),
        payoffs=tuple(PRISONERS_DILEMMA.payoff(*m) for m in moves),
    )


def plan(seed: int = 3) -> list[dict[str, Any]]:
    """Every (sample, epoch, arm) row: seats alternate, a few matches end
    early (so n falls in the last rounds), and a few rows fail."""
    rng = random.Random(seed)
    rows = []
    for i in range(SAMPLES):
        seat = i % 2
        for epoch in range(EPOCHS):
            for arm in ARMS:
                failed = i % 4 == 1 and epoch == 1 and arm == "steer"
                rounds = ROUNDS - 2 if (i + epoch) % 5 == 0 else ROUNDS
                match = synthetic_match(rng, arm, seat, rounds)
                rows.append(
                    {
                        "sample_id": f"prisoners_dilemma/tit_for_tat/{i:02d}",
                        "epoch": epoch,
                        "arm": arm,
                        "seat": seat,
                        "failed": failed,
                        "match": match,
                    }
                )
    return rows


async def record(store: Store, rows: list[dict[str, Any]], task: str, **suite: str | None) -> str:
    """A games-like run written through the Store API; ``suite=`` is what a
    run records when it starts (left out: a run from before ethos kept it)."""
    config = {
        "task": task,
        "task_args": {"rounds": ROUNDS},
        "arms": [{"name": arm, "model": "local/tiny"} for arm in ARMS],
        "baseline": "base",
        "epochs": EPOCHS,
        "seed": 0,
    }
    run = await store.create_run("eval", task, config=config, metadata={"scripted": False, **suite})
    for row in rows:
        output = MatchOutput(opponent="tit_for_tat", seat=row["seat"], match=row["match"])
        sample = await store.record_sample(
            run.id,
            row["sample_id"],
            epoch=row["epoch"],
            arm=row["arm"],
            status="failed" if row["failed"] else "succeeded",
            input={"game": "prisoners_dilemma", "seat": row["seat"], "rounds": ROUNDS},
            output=None if row["failed"] else output.model_dump(mode="json"),
            error="the model did not answer" if row["failed"] else None,
        )
        if not row["failed"]:
            value = match_metrics(row["match"], row["seat"])
            await store.record_score(run.id, sample.id, "game", value)
    await store.finish_run(run.id)
    return run.id


def section_notes(report: EvalReport) -> list[str]:
    return report.section.notes if report.section else []


def by_hand(rows: list[dict[str, Any]]) -> list[tuple[str, str, int, int, int]]:
    """(arm, who, round, chose option 0, matches) from the plan, plainly."""
    out = []
    for arm in ARMS:
        for who in ("model", "opponent"):
            for t in range(1, ROUNDS + 1):
                chose = n = 0
                for row in rows:
                    if row["arm"] != arm or row["failed"] or len(row["match"].moves) < t:
                        continue
                    side = row["seat"] if who == "model" else 1 - row["seat"]
                    n += 1
                    chose += row["match"].moves[t - 1][side] == 0
                out.append((arm, who, t, chose, n))
    return out


async def test_round_shares_match_a_count_by_hand(store: Store) -> None:
    rows = plan()
    run_id = await record(store, rows, "games/prisoners_dilemma")
    report = await build_report(store, run_id, browse=0)
    assert report.run.suite == "games"  # recorded before ethos kept it: by the task's name
    expected = by_hand(rows)
    assert len(section_rounds(report)) == len(expected) == len(ARMS) * 2 * ROUNDS
    for got, (arm, who, t, chose, n) in zip(section_rounds(report), expected, strict=True):
        assert (got.arm, got.who, got.round, got.n) == (arm, who, t, n)
        assert got.share == chose / n
        assert (got.ci_low, got.ci_high) == pytest.approx(wilson_interval(chose, n))
        assert got.ci_low <= got.share <= got.ci_high
    # Every epoch is a match; failed rows are left out; short matches lower n late.
    succeeded = {arm: sum(r["arm"] == arm and not r["failed"] for r in rows) for arm in ARMS}
    first = {r.arm: r.n for r in section_rounds(report) if r.round == 1 and r.who == "model"}
    assert first == succeeded and succeeded["steer"] < SAMPLES * EPOCHS
    last = {r.arm: r.n for r in section_rounds(report) if r.round == ROUNDS and r.who == "model"}
    assert all(last[arm] < first[arm] for arm in ARMS)
    # The arms differ as planned (0.8 against 0.3), and the report says how to read it.
    model = {
        a: [r.share for r in section_rounds(report) if (r.arm, r.who) == (a, "model")] for a in ARMS
    }
    assert sum(model["base"]) > sum(model["steer"])
    assert any("option 0 (J)" in note and "Wilson 95%" in note for note in section_notes(report))
    # The rest of the report is the same as for any run.
    assert {m.arm for m in report.metrics if m.name == "game.cooperation_rate"} == set(ARMS)
    # The confidence level carries through.
    wide = await build_report(store, run_id, browse=0, confidence=0.99)
    for narrow, broad in zip(section_rounds(report), section_rounds(wide), strict=True):
        assert broad.ci_low <= narrow.ci_low and narrow.ci_high <= broad.ci_high


async def test_html_has_the_round_plot_and_json_the_field(store: Store) -> None:
    run_id = await record(store, plan(), "games/prisoners_dilemma")
    report = await build_report(store, run_id, browse=3)
    page = render_html(report)
    images = IMAGE.findall(page)
    without = IMAGE.findall(render_html(report.model_copy(update={"section": None})))
    assert len(images) == len(without) + 1 == 4  # bars, forest, histograms, rounds
    assert all(base64.b64decode(image).startswith(b"\x89PNG\r\n\x1a\n") for image in images)
    assert TITLE in page and "shaded at the 95% interval" in page
    assert not re.search(r'(src|href)="(https?:)?//', page)

    text = report.model_dump_json()
    data = json.loads(text)
    assert len(data["section"]["rounds"]) == len(ARMS) * 2 * ROUNDS
    assert set(data["section"]["rounds"][0]) == {
        "arm",
        "who",
        "round",
        "share",
        "ci_low",
        "ci_high",
        "n",
    }
    back = EvalReport.model_validate_json(text)
    assert back.model_dump() == report.model_dump() and render_html(back) == page


async def test_rows_without_moves_are_skipped_and_said(store: Store) -> None:
    rows = plan()
    run_id = await record(store, rows, "games/battle_of_the_sexes")
    broken = await store.record_sample(
        run_id, "broken", arm="base", status="succeeded", output={"opponent": "x", "seat": 3}
    )
    await store.record_sample(run_id, "text", arm="steer", status="succeeded", output="oops")
    report = await build_report(store, run_id, browse=0)
    assert broken.status == "succeeded"
    got = [(r.arm, r.who, r.round, round(r.share * r.n), r.n) for r in section_rounds(report)]
    assert got == by_hand(rows)
    assert any(
        note.startswith("2 succeeded sample rows had no readable") for note in section_notes(report)
    )


async def test_a_games_run_with_no_succeeded_match(store: Store) -> None:
    rows = [{**row, "failed": True} for row in plan()[:4]]
    run_id = await record(store, rows, "games/family")
    report = await build_report(store, run_id, browse=0)
    assert section_rounds(report) == []
    assert TITLE not in render_html(report)


async def test_other_suites_are_unaffected(store: Store) -> None:
    run_id = await record(store, plan(), "toy-dilemma")
    report = await build_report(store, run_id, browse=0)
    assert report.section is None
    assert not any("round by round" in note for note in report.notes)
    page = render_html(report)
    assert TITLE not in page and len(IMAGE.findall(page)) == 3
    assert json.loads(report.model_dump_json())["section"] is None


async def test_the_section_follows_the_suite_the_run_recorded(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The run's recorded suite picks the section, not the task's name: a
    task file returning a games task gets the games section, and a suite
    of one's own replaces nothing by name."""
    reused = await record(store, plan()[:8], "my_tasks.py@pd", suite="games")
    report = await build_report(store, reused, browse=0)
    assert report.run.suite == "games" and len(section_rounds(report)) == len(ARMS) * 2 * ROUNDS
    assert TITLE in render_html(report)

    async def collect(store: Store, run: Any, confidence: float) -> SuiteSection:
        return SuiteSection(suite="custom", notes=[f"custom section at {confidence}"])

    custom = Suite(name="custom", report=ReportSection(collect=collect))
    monkeypatch.setitem(suite_module._loaded().suites, "custom", custom)
    named_like_games = await record(store, plan()[:4], "games/custom", suite="custom")
    report = await build_report(store, named_like_games, browse=0)
    assert report.section is not None and report.section.notes == ["custom section at 0.95"]
    assert section_rounds(report) == [] and TITLE not in render_html(report)

    # Recorded without a suite (a plain task of no suite): no section at all.
    plain = await record(store, plan()[:4], "games/prisoners_dilemma", suite=None)
    assert (await build_report(store, plain, browse=0)).section is None


def test_counts_stay_flat_however_many_matches() -> None:
    counts = RoundCounts()
    rng = random.Random(1)
    for i in range(20_000):
        moves = [[rng.randrange(2), rng.randrange(2)] for _ in range(ROUNDS)]
        assert counts.add(ARMS[i % 2], i % 2, moves, ["J", "F"])
    assert len(counts.counts) == len(ARMS) * 2
    assert all(len(rounds) == ROUNDS for rounds in counts.counts.values())
    assert all(n == 10_000 for rounds in counts.counts.values() for _, n in rounds)
    assert list(counts.labels) == ["J"]
    for bad in [(2, []), (True, []), (0, [[0, 2]]), (0, [[0]]), (0, "J"), (None, None)]:
        assert not counts.add("base", *bad)
    assert counts.skipped == 6
