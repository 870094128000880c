"""The games suite as Akata et al. describe their experiments (issue 12):
the framing options on every task, "Option J" labels, the F-first
alternating opponent, opponents that need a symmetric game refused when a
task is built, SCoT's prediction accuracy, metric names that say what they
count outside the Prisoner's Dilemma, and two language models playing each
other in both seats (scripted models, stored on SQLite and PostgreSQL)."""

from __future__ import annotations

import itertools
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ethos.agents.games import (
    BATTLE_OF_THE_SEXES,
    PRISONERS_DILEMMA,
    Game,
    GameError,
    alternate_1_first,
    ordinal_games,
)
from ethos.db.store import Store
from ethos.evals.games.metrics import match_metrics, prediction_accuracy
from ethos.evals.games.tasks import MatchOutput
from ethos.evals.report import build_report
from ethos.evals.run import EvalConfig, run_eval
from ethos.evals.task import Arm, SolverContext, Task, TaskError, resolve_task
from ethos.graphs.games import Match, play_match
from ethos.models import policy, register_script

_names = itertools.count()
PD_PAYOFFS = [[[8, 8], [0, 10]], [[10, 0], [5, 5]]]
OPTION = re.compile(r"^Option [A-Z]$")


def _script(fn: Any) -> str:
    return register_script(f"games-fidelity-{next(_names)}", policy(fn))


async def _solve(task: Task, sample_id: str, model: str) -> tuple[MatchOutput, dict]:
    """One sample through the task's solver and scorer, as the harness runs
    them: the output and the score's value."""
    sample = next(s for s in task.samples if s.id == sample_id)
    ctx = SolverContext(arm=Arm(name="a", model=model), epoch=1, seed=7)
    output = await task.solver(sample, ctx)
    return output, task.scorers[0](sample, output, ctx).value


# --- framing: every task, "Option J" ------------------------------------------------

FRAMED = {
    "story": "Two cooks share one kitchen for an evening.",
    "units": "coins",
    "random_labels": True,
    "shuffle_order": True,
    "rounds": 8,
}
TASKS = [
    ("games/prisoners_dilemma", {"opponents": "tit_for_tat", "seats": "row"}),
    ("games/battle_of_the_sexes", {"opponents": "alternate_1_first", "seats": "row"}),
    ("games/family", {"family": "cyclic", "opponents": "tit_for_tat", "seats": "row"}),
    ("games/custom", {"payoffs": PD_PAYOFFS, "opponents": "tit_for_tat", "seats": "row"}),
    ("games/match", {"games": "prisoners_dilemma", "seats": "row"}),
]


@pytest.mark.parametrize(("name", "args"), TASKS, ids=[t for t, _ in TASKS])
async def test_every_games_task_takes_the_framing_options(name: str, args: dict) -> None:
    seen: list[tuple[str, list[str]]] = []

    def record(messages: list[dict[str, Any]], options: list[str]) -> str:
        seen.append((messages[-1]["content"], options))
        return options[0]

    task = resolve_task(name, {**args, **FRAMED})
    await _solve(task, task.samples[0].id, _script(record))
    assert len(seen) == 8 * (2 if name == "games/match" else 1)  # self-play: both seats ask
    for prompt, options in seen:
        assert prompt.startswith("Two cooks share one kitchen for an evening.\n\n")
        assert " coins" in prompt and " points" not in prompt
        assert all(OPTION.match(o) for o in options)
        assert f"If you choose {options[0]} and the other player chooses" in prompt
    assert {frozenset(o) for _, o in seen} != {frozenset({"Option J", "Option F"})}
    assert len({tuple(o) for _, o in seen}) >= 2  # the order changed between rounds


async def test_options_read_as_in_the_paper_or_bare_when_asked() -> None:
    seen: list[list[str]] = []

    def record(messages: list[dict[str, Any]], options: list[str]) -> str:
        seen.append(options)
        return options[0]

    args = {"opponents": "tit_for_tat", "seats": "row", "rounds": 1}
    task = resolve_task("games/prisoners_dilemma", args)
    await _solve(task, task.samples[0].id, _script(record))
    assert seen[-1] == ["Option J", "Option F"]
    custom = resolve_task(
        "games/custom",
        {**args, "payoffs": PD_PAYOFFS, "options": "share,grab", "option_prefix": ""},
    )
    await _solve(custom, custom.samples[0].id, _script(record))
    assert seen[-1] == ["share", "grab"]


# --- opponents ---------------------------------------------------------------------


async def test_the_f_first_alternating_opponent_is_selectable() -> None:
    task = resolve_task(
        "games/battle_of_the_sexes",
        {"opponents": "always_cooperate,always_defect,alternate_1_first", "rounds": 6},
    )
    assert [s.id for s in task.samples][-2:] == [
        "battle_of_the_sexes/alternate_1_first/row",
        "battle_of_the_sexes/alternate_1_first/column",
    ]
    out, _ = await _solve(
        task, "battle_of_the_sexes/alternate_1_first/column", _script(lambda m, o: o[0])
    )
    assert [row for row, _ in out.match.moves] == [1, 0, 1, 0, 1, 0]  # F, J, F, ...
    assert out.match.players[0] == "alternate_1_first"
    m = await play_match(BATTLE_OF_THE_SEXES, alternate_1_first, alternate_1_first, rounds=4)
    assert m.moves == ((1, 1), (0, 0), (1, 1), (0, 0))


@pytest.mark.parametrize(
    ("name", "args", "says"),
    [
        (
            "games/battle_of_the_sexes",
            {"opponents": "tit_for_tat,axelrod:TitForTat"},
            "opponent axelrod:TitForTat plays symmetric games only, and Battle of the Sexes "
            "of this task is not symmetric",
        ),
        (
            "games/family",
            {"opponents": "axelrod:Grudger"},
            r"opponent axelrod:Grudger plays symmetric games only, and 132 games of this task",
        ),
        (
            "games/custom",
            {"payoffs": [[[3, 2], [0, 0]], [[0, 0], [2, 3]]], "opponents": "axelrod:Alternator"},
            "plays symmetric games only, and custom game of this task is not symmetric",
        ),
    ],
)
def test_opponents_that_need_a_symmetric_game_are_refused_at_build(
    name: str, args: dict, says: str
) -> None:
    with pytest.raises(TaskError, match=says) as info:
        resolve_task(name, args)
    assert "drop it from -T opponents" in str(info.value.fix)
    assert "\n" not in str(info.value)


def test_the_command_line_refuses_them_in_one_line(ethos_env: Path) -> None:
    args = ["games/battle_of_the_sexes", "-m", "script/first-choice"]
    ran = subprocess.run(
        [sys.executable, "-m", "ethos", "eval", "run", *args, "-T", "opponents=axelrod:TitForTat"],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
        timeout=300,
    )
    assert ran.returncode == 2, (ran.stdout, ran.stderr)
    (line,) = ran.stderr.strip().splitlines()
    assert line.startswith("error: ") and "axelrod:TitForTat plays symmetric games only" in line
    assert "drop it from -T opponents" in line


def test_a_symmetric_game_takes_axelrod_opponents() -> None:
    pytest.importorskip("axelrod")
    task = resolve_task("games/prisoners_dilemma", {"opponents": "axelrod:TitForTat"})
    assert [s.id for s in task.samples] == [
        "prisoners_dilemma/axelrod:TitForTat/row",
        "prisoners_dilemma/axelrod:TitForTat/column",
    ]
    symmetric = [o.number for o in ordinal_games() if o.game.is_symmetric]
    assert len(symmetric) == 12  # the table's anti-diagonal


@pytest.mark.parametrize(
    ("spec", "says"),
    [
        ("tit_for_tat,axelrod:NoSuchStrategy", "has no strategy named 'NoSuchStrategy'"),
        ("axelrod:Darwin", "reads or changes its opponent's code"),
    ],
)
def test_axelrod_opponents_are_looked_up_at_build(spec: str, says: str) -> None:
    """A misspelt (or unplayable) axelrod strategy is one error when the task
    is built, not a failure in every sample."""
    pytest.importorskip("axelrod")
    with pytest.raises(GameError, match=says) as info:
        resolve_task("games/prisoners_dilemma", {"opponents": spec})
    assert info.value.fix


# --- SCoT: prediction accuracy ------------------------------------------------------


def _other_last(prompt: str) -> str | None:
    found = re.findall(r"the other player chose (Option \w+)", prompt)
    return found[-1] if found else None


async def test_scot_prediction_accuracy_is_measured_and_scored() -> None:
    """Predict that the F-first alternator switches: wrong in round 1 (J is
    predicted, F comes), right in the five rounds after."""

    def think(messages: list[dict[str, Any]], options: list[str]) -> str:
        if len(messages) == 1:
            last = _other_last(messages[0]["content"])
            if last is None:
                return "Option J"
            return "Option J" if last == "Option F" else "Option F"
        return messages[1]["content"]

    task = resolve_task(
        "games/battle_of_the_sexes",
        {"opponents": "alternate_1_first", "player": "scot", "seats": "row", "rounds": 6},
    )
    out, score = await _solve(task, task.samples[0].id, _script(think))
    predicted = [d.prediction for d, _ in out.match.decisions]
    assert predicted == [0, 0, 1, 0, 1, 0]
    assert [b for _, b in out.match.moves] == [1, 0, 1, 0, 1, 0]
    assert prediction_accuracy(out.match, 0) == pytest.approx(5 / 6)
    assert prediction_accuracy(out.match, 1) is None  # the strategy predicts nothing
    assert score["prediction_accuracy"] == pytest.approx(5 / 6)
    plain = resolve_task("games/battle_of_the_sexes", {"opponents": "tit_for_tat", "rounds": 2})
    _, score = await _solve(plain, plain.samples[0].id, _script(lambda m, o: o[0]))
    assert "prediction_accuracy" not in score


async def test_scots_stored_second_prompt_is_what_the_model_was_shown(store: Store) -> None:
    """In the stored transcript, each round's second call opens with the
    first call's question exactly as sent (the gateway's note on the options
    included), then the model's prediction."""
    config = EvalConfig(
        task="games/prisoners_dilemma",
        task_args={"opponents": "tit_for_tat", "rounds": 3, "seats": "row", "player": "scot"},
        arms=[Arm(name="scot", model=_script(lambda m, o: o[len(m) % 2]))],
    )
    result = await run_eval(config, store=store, progress=False)
    (sample,) = await store.samples(result.run_id)
    calls = [e.data async for e in store.transcript(sample.id) if e.kind == "model_call"]
    assert len(calls) == 6
    for first, second in zip(calls[::2], calls[1::2], strict=True):
        (question,) = first["messages"]
        assert "predict the other player will choose" in question["content"]
        assert "Answer with exactly one of these options" in question["content"]
        assert second["messages"][0] == question
        assert second["messages"][1] == {"role": "assistant", "content": first["output"]["text"]}
        assert "Given that you expect the other player to choose" in str(second["messages"][2])


# --- metric names --------------------------------------------------------------------

DILEMMA = {
    "normalised_score",
    "cooperation_rate",
    "mutual_cooperation_rate",
    "forgiveness",
    "retaliation",
    "coordination_rate",
    "alternation_rate",
    "coordinated_alternation",
}
OPTIONS = {
    "normalised_score",
    "option_0_rate",
    "both_option_0_rate",
    "option_0_after_others_first_option_1",
    "option_1_after_others_option_1",
    "coordination_rate",
    "alternation_rate",
    "coordinated_alternation",
}


@pytest.mark.parametrize(
    ("name", "args", "names"),
    [
        ("games/prisoners_dilemma", {}, DILEMMA),
        ("games/custom", {"payoffs": PD_PAYOFFS}, DILEMMA),
        ("games/battle_of_the_sexes", {}, OPTIONS),
        ("games/family", {"family": "pd-family"}, OPTIONS),  # 6 of its 7 games are no PD
        ("games/custom", {"payoffs": [[[3, 3], [0, 0]], [[0, 0], [1, 1]]]}, OPTIONS),
    ],
)
async def test_metric_names_say_what_they_measure(name: str, args: dict, names: set) -> None:
    task = resolve_task(name, {**args, "opponents": "defect_once", "rounds": 4, "seats": "row"})
    _, score = await _solve(task, task.samples[0].id, _script(lambda m, o: o[0]))
    assert set(score) == names


def test_renamed_metrics_keep_their_values() -> None:
    moves = ((0, 1), (0, 0), (1, 1), (0, 1), (1, 0))
    match = Match(
        game=BATTLE_OF_THE_SEXES,
        players=("a", "b"),
        seed=0,
        moves=moves,
        payoffs=tuple(BATTLE_OF_THE_SEXES.payoff(*m) for m in moves),
    )
    dilemma = match_metrics(match, 1, naming="dilemma")
    options = match_metrics(match, 1)
    assert options["option_0_rate"] == dilemma["cooperation_rate"] == 2 / 5  # 1, 0, 1, 1, 0
    assert options["both_option_0_rate"] == dilemma["mutual_cooperation_rate"] == 1 / 5
    # seat 0's first option 1 is round 3; seat 1 then chose 1, 0: half
    assert options["option_0_after_others_first_option_1"] == dilemma["forgiveness"] == 1 / 2
    # seat 0 chose 1 in round 3 only; seat 1 answered with 1 in round 4
    assert options["option_1_after_others_option_1"] == dilemma["retaliation"] == 1.0
    flipped = match_metrics(match, 1, cooperate=1)
    assert flipped["option_1_rate"] == 3 / 5


@given(st.permutations([1, 2, 3, 4]), st.permutations([1, 2, 3, 4]))
def test_a_prisoners_dilemma_is_recognised_by_its_order(row: list, column: list) -> None:
    """Payoffs (R, S, T, P) per player: a PD exactly when T > R > P > S for both."""
    r, s, t, p = row
    rc, sc, tc, pc = column
    game = Game.from_matrix([[(r, rc), (s, tc)], [(t, sc), (p, pc)]])
    assert game.is_prisoners_dilemma == (t > r > p > s and tc > rc > pc > sc)
    assert PRISONERS_DILEMMA.is_prisoners_dilemma and not BATTLE_OF_THE_SEXES.is_prisoners_dilemma
    assert [o.number for o in ordinal_games() if o.game.is_prisoners_dilemma] == [67]


# --- language model against language model -----------------------------------------


async def test_two_models_play_each_other_in_both_seats(store: Store) -> None:
    """A scripted cooperator (the arm) against a scripted defector (the
    opponent role): four matches, each player's moves, payoffs, answers and
    metrics stored."""
    cooperator = _script(lambda m, o: o[0])  # Option J: cooperate in the PD
    defector = _script(lambda m, o: o[1])
    config = EvalConfig(
        task="games/match",
        task_args={"rounds": 3},
        arms=[Arm(name="coop", model=cooperator)],
        model_roles={"opponent": defector},
    )
    result = await run_eval(config, store=store, progress=False)
    assert result.succeeded == 4
    rows = {s.sample_id: s for s in await store.samples(result.run_id)}
    assert sorted(rows) == [
        "battle_of_the_sexes/column",
        "battle_of_the_sexes/row",
        "prisoners_dilemma/column",
        "prisoners_dilemma/row",
    ]
    for sample_id, row in rows.items():
        out, seat = row.output, row.output["seat"]
        match = out["match"]
        assert seat == (0 if sample_id.endswith("/row") else 1)
        assert out["opponent_model"] == defector
        assert match["players"][seat] == f"llm:{cooperator} (arm coop)"
        assert match["players"][1 - seat] == f"llm:{defector} (opponent)"
        assert all(pair[seat] == 0 and pair[1 - seat] == 1 for pair in match["moves"])
        assert all(
            d[0]["move"] == pair[0] and d[1]["move"] == pair[1]
            for d, pair in zip(match["decisions"], match["moves"], strict=True)
        )
        assert len(match["payoffs"]) == 3
    assert rows["prisoners_dilemma/row"].output["match"]["totals"] == [0.0, 30.0]
    assert rows["battle_of_the_sexes/column"].output["match"]["totals"] == [0.0, 0.0]
    report = await build_report(store, result.run_id)
    means = {m.name: m.mean for m in report.metrics}
    # the task holds a game that is no PD, so the measures go by option
    assert means["game.option_0_rate"] == 1.0 and means["game.opponent_option_0_rate"] == 0.0
    assert means["game.normalised_score"] == 0.0
    assert means["game.opponent_normalised_score"] == pytest.approx((1.0 + 1.0 + 0 + 0) / 4)
    assert report.run.scripted
    (note,) = [n for n in report.section.notes if "two language models" in n]
    assert f"llm:{defector} (opponent)" in note


async def test_without_an_opponent_role_the_arm_plays_itself() -> None:
    seen: list[str] = []

    def record(messages: list[dict[str, Any]], options: list[str]) -> str:
        seen.append(messages[-1]["content"])
        return options[0]

    model = _script(record)
    task = resolve_task("games/match", {"games": "67", "rounds": 2})
    assert [s.id for s in task.samples] == ["g067/row", "g067/column"]
    out, _ = await _solve(task, "g067/column", model)
    assert out.match.players == (f"llm:{model} (opponent)", f"llm:{model} (arm a)")
    assert len(seen) == 4 and all(d is not None for pair in out.match.decisions for d in pair)
    with pytest.raises(TaskError, match="unknown game 'chess'"):
        resolve_task("games/match", {"games": "prisoners_dilemma,chess"})
    with pytest.raises(TaskError, match="unknown opponent_player 'oracle'"):
        resolve_task("games/match", {"opponent_player": "oracle"})


async def test_the_opponent_role_plays_without_the_arms_interventions(store: Store) -> None:
    """A steered arm against the opponent role: the arm's calls carry its
    intervention, the opponent's none (a model that cannot take
    interventions refuses a call that has them, so this match would fail)."""
    steered, plain = _script(lambda m, o: o[0]), _script(lambda m, o: o[1])
    mask = {"type": "expert_mask", "layer": 0, "experts": [1]}
    arm = Arm(
        name="steered",
        model=steered,
        options={"interventions": [mask], "model_args": {"accepts_interventions": True}},
    )
    config = EvalConfig(
        task="games/match",
        task_args={"games": "prisoners_dilemma", "seats": "row", "rounds": 2},
        arms=[arm],
        model_roles={"opponent": plain},
    )
    result = await run_eval(config, store=store, progress=False)
    assert result.succeeded == 1
    (sample,) = await store.samples(result.run_id)
    calls = [e.data async for e in store.transcript(sample.id) if e.kind == "model_call"]
    by_model = {
        m: [c["options"]["interventions"] for c in calls if c["model"] == m]
        for m in (steered, plain)
    }
    assert len(by_model[steered]) == len(by_model[plain]) == 2
    assert all(len(i) == 1 and i[0]["experts"] == [1] for i in by_model[steered])
    assert by_model[plain] == [[], []]
