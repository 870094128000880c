"""The games suite through the harness: registered tasks, real matches,
scores a user can check by hand."""

from __future__ import annotations

import pytest

from ethos.agents.games.game import GameError
from ethos.db.store import Store
from ethos.evals.run import EvalConfig, run_eval
from ethos.evals.task import Arm, TaskError, registered, resolve_task
from ethos.models import policy, register_script

COOPERATOR = register_script("games-cooperator", policy(lambda messages, options: options[0]))


def test_the_suite_is_registered() -> None:
    names = set(registered())
    assert {
        "games/prisoners_dilemma",
        "games/battle_of_the_sexes",
        "games/family",
        "games/custom",
    } <= names


def test_samples_are_matches_by_opponent_and_seat() -> None:
    task = resolve_task("games/prisoners_dilemma", {"opponents": "tit_for_tat,always_defect"})
    assert [s.id for s in task.samples] == [
        "prisoners_dilemma/tit_for_tat/row",
        "prisoners_dilemma/tit_for_tat/column",
        "prisoners_dilemma/always_defect/row",
        "prisoners_dilemma/always_defect/column",
    ]
    everything = resolve_task("games/family", {"opponents": "tit_for_tat", "seats": "row"})
    assert len(everything.samples) == 144
    dilemmas = resolve_task("games/family", {"family": "pd-family", "opponents": "tit_for_tat"})
    assert len(dilemmas.samples) == 7 * 2


async def test_a_cooperator_against_tit_for_tat_and_always_defect(store: Store) -> None:
    config = EvalConfig(
        task="games/prisoners_dilemma",
        task_args={"opponents": "tit_for_tat,always_defect", "rounds": 10, "seats": "row"},
        arms=[Arm(name="coop", model=COOPERATOR)],
    )
    result = await run_eval(config, store=store, progress=False)
    assert result.succeeded == 2
    outputs = {s.sample_id: s.output for s in await store.samples(result.run_id)}
    tft = outputs["prisoners_dilemma/tit_for_tat/row"]["match"]
    assert tft["moves"] == [[0, 0]] * 10 and tft["totals"] == [80.0, 80.0]
    defect = outputs["prisoners_dilemma/always_defect/row"]["match"]
    assert defect["totals"] == [0.0, 100.0]
    from ethos.evals.report import build_report

    report = await build_report(store, result.run_id)
    means = {m.name: m.mean for m in report.metrics}
    assert means["game.normalised_score"] == pytest.approx((80 / 100 + 0 / 100) / 2)
    assert means["game.cooperation_rate"] == 1.0
    assert report.run.scripted


@pytest.mark.parametrize(
    ("task", "args", "error", "says"),
    [
        ("games/prisoners_dilemma", {"opponents": "nobody"}, TaskError, "unknown opponent"),
        ("games/prisoners_dilemma", {"player": "oracle"}, TaskError, "unknown player"),
        ("games/prisoners_dilemma", {"rounds": 0}, TaskError, "at least 1"),
        ("games/family", {"family": "sad"}, TaskError, "unknown family 'sad'"),
        (
            "games/custom",
            {"payoffs": [[[3, 3], [0]], [[5, 0], [1, 1]]]},
            GameError,
            "not a pair of payoffs",
        ),
        ("games/custom", {"payoffs": "nonsense"}, GameError, "custom game"),
        ("games/prisoners_dilemma", {"turns": 3}, TaskError, "takes no argument 'turns'"),
        ("games/family", {"units": "bananas"}, TaskError, "unknown units 'bananas'"),
        ("games/match", {"units": "euros"}, TaskError, "unknown units 'euros'"),
    ],
)
def test_bad_task_arguments(task: str, args: dict, error: type, says: str) -> None:
    with pytest.raises(error, match=says):
        resolve_task(task, args)
