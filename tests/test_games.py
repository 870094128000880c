"""Repeated 2x2 games: games as data, the 144 ordinal games, strategies, the
match engine, language-model players on scripted models, and the metrics."""

from __future__ import annotations

import asyncio
import itertools
import math
import re
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ethos.agents.games import (
    BATTLE_OF_THE_SEXES,
    FAMILY_SIZES,
    PRISONERS_DILEMMA,
    Decision,
    Family,
    Game,
    GameError,
    History,
    LLMPlayer,
    PayoffMatrixError,
    SocialChainOfThoughtPlayer,
    alternate,
    always_cooperate,
    always_defect,
    classic_strategies,
    classify,
    cycle,
    defect_once,
    generous_tit_for_tat,
    grim_trigger,
    locate,
    naive_prober,
    ordinal_game,
    ordinal_games,
    random_moves,
    tit_for_tat,
    win_stay_lose_shift,
)
from ethos.errors import EthosError
from ethos.evals.games.metrics import (
    alternation_rate,
    cooperation_rate,
    coordinated_alternation,
    coordination_rate,
    forgiveness,
    match_metrics,
    mutual_cooperation_rate,
    normalised_score,
    retaliation,
)
from ethos.graphs.games import Match, play_match, tournament
from ethos.models import policy, register_script

_names = itertools.count()


# --- games as data -----------------------------------------------------------


def test_canonical_games_have_the_papers_payoffs() -> None:
    pd = PRISONERS_DILEMMA
    assert pd.options == ("J", "F")
    assert [pd.payoff(i, j) for i in (0, 1) for j in (0, 1)] == [(8, 8), (0, 10), (10, 0), (5, 5)]
    bos = BATTLE_OF_THE_SEXES
    assert [bos.payoff(i, j) for i in (0, 1) for j in (0, 1)] == [(10, 7), (0, 0), (0, 0), (7, 10)]
    assert pd.is_symmetric and not bos.is_symmetric
    assert bos.best_payoff(0) == bos.best_payoff(1) == 10


def test_a_game_from_a_mapping_equals_the_same_matrix() -> None:
    nested = Game.from_matrix([[(3, 3), (0, 5)], [(5, 0), (1, 1)]], options=("C", "D"))
    keyed = Game.from_matrix(
        {"D": {"D": (1, 1), "C": (5, 0)}, "C": {"C": (3, 3), "D": (0, 5)}}, options=("C", "D")
    )
    assert nested == keyed == Game.symmetric([[3, 0], [5, 1]], options=("C", "D"))


def test_swapping_seats_turns_the_column_player_into_the_row_player() -> None:
    swapped = BATTLE_OF_THE_SEXES.swapped()
    assert swapped.payoff(0, 0) == (7, 10) and swapped.payoff(1, 1) == (10, 7)
    assert swapped.swapped() == BATTLE_OF_THE_SEXES


@pytest.mark.parametrize(
    ("payoffs", "options", "says"),
    [
        ([[(1, 1), (0, 0)]], ("J", "F"), "has 1 rows; a 2x2 game has 2"),
        ([[(1, 1), (0, 0), (2, 2)], [(1, 1), (0, 0)]], ("J", "F"), "row 'J' of the payoff matrix"),
        ([[(1, 1, 1), (0, 0)], [(1, 1), (0, 0)]], ("J", "F"), "(row 'J', column 'J') is (1, 1, 1)"),
        ([[5, (0, 0)], [(1, 1), (0, 0)]], ("J", "F"), "is 5, not a pair of payoffs"),
        ([[("ten", 1), (0, 0)], [(1, 1), (0, 0)]], ("J", "F"), "holds 'ten' (str), not a number"),
        ([[(None, 1), (0, 0)], [(1, 1), (0, 0)]], ("J", "F"), "holds None (NoneType)"),
        ([[(True, 1), (0, 0)], [(1, 1), (0, 0)]], ("J", "F"), "holds True (bool)"),
        ([[(math.nan, 1), (0, 0)], [(1, 1), (0, 0)]], ("J", "F"), "payoffs must be finite"),
        ([[(1, 1), (0, math.inf)], [(1, 1), (0, 0)]], ("J", "F"), "payoffs must be finite"),
        ("matrix", ("J", "F"), "is 'matrix', not a matrix"),
        ({"C": {"C": (1, 1), "D": (0, 0)}, "D": {"C": (0, 0), "D": (1, 1)}}, ("J", "F"),
         "rows are labelled ['C', 'D'], but the options are ['J', 'F']"),
        ({"J": {"J": (1, 1), "X": (0, 0)}, "F": {"J": (0, 0), "F": (1, 1)}}, ("J", "F"),
         "row 'J' of the payoff matrix has columns ['J', 'X']"),
        ([[(1, 1), (0, 0)], [(1, 1), (0, 0)]], ("J", "J"), "both options are labelled 'J'"),
        ([[(1, 1), (0, 0)], [(1, 1), (0, 0)]], ("J", "F", "X"), "options must be two labels"),
        ([[(1, 1), (0, 0)], [(1, 1), (0, 0)]], ("J", ""), "option labels must be non-empty"),
    ],
)  # fmt: skip
def test_a_malformed_payoff_matrix_gives_one_clear_error(
    payoffs: Any, options: tuple[str, ...], says: str
) -> None:
    with pytest.raises(PayoffMatrixError) as info:
        Game.from_matrix(payoffs, options=options, name="mine")
    error = info.value
    assert isinstance(error, EthosError) and error.fix
    assert says in error.problem and "'mine'" in error.problem
    assert "\n" not in str(error)


def test_a_malformed_symmetric_matrix_names_the_form_it_wants() -> None:
    with pytest.raises(PayoffMatrixError, match=r"\[\[R, S\], \[T, P\]\]"):
        Game.symmetric([[3, 0, 1], [5, 1]])


# --- the 144 games -----------------------------------------------------------


def _all_rankings() -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    perms = list(itertools.permutations((1, 2, 3, 4)))
    return [(a, b) for a in perms for b in perms]


def _game(a: tuple[int, ...], b: tuple[int, ...]) -> Game:
    return Game.from_matrix([[(a[0], b[0]), (a[1], b[1])], [(a[2], b[2]), (a[3], b[3])]])


def _relabelled(game: Game, flip_rows: bool, flip_columns: bool) -> Game:
    p = [list(row) for row in game.payoffs]
    if flip_columns:
        p = [row[::-1] for row in p]
    if flip_rows:
        p = p[::-1]
    return Game.from_matrix(p, name=game.name)


def _orbit(game: Game) -> frozenset:
    """Every payoff matrix the game becomes under relabelling options."""
    return frozenset(
        _relabelled(game, r, c).payoffs for r, c in itertools.product((False, True), repeat=2)
    )


def test_the_144_games_are_distinct_and_complete() -> None:
    games = ordinal_games()
    assert [g.number for g in games] == list(range(1, 145))
    orbits = {_orbit(g.game) for g in games}
    assert len(orbits) == 144  # no two are the same game
    every = {_orbit(_game(a, b)) for a, b in _all_rankings()}
    assert every == orbits  # every strict ordinal game is one of them


def test_family_counts_are_the_literatures() -> None:
    counts = {f: sum(g.family == f for g in ordinal_games()) for f in Family}
    assert (
        counts
        == FAMILY_SIZES
        == {
            Family.WIN_WIN: 36,
            Family.BIASED: 44,
            Family.UNFAIR: 19,
            Family.CYCLIC: 18,
            Family.SECOND_BEST: 12,
            Family.PD_FAMILY: 7,
            Family.TRAGIC: 8,
        }
    )


@pytest.mark.parametrize(
    ("row", "column", "cells", "family"),
    [
        (6, 7, [(3, 3), (1, 4), (4, 1), (2, 2)], Family.PD_FAMILY),  # Prisoner's Dilemma
        (1, 12, [(3, 3), (2, 4), (4, 2), (1, 1)], Family.UNFAIR),  # Chicken
        (7, 6, [(4, 4), (1, 3), (3, 1), (2, 2)], Family.WIN_WIN),  # Stag Hunt
        (2, 11, [(2, 2), (3, 4), (4, 3), (1, 1)], Family.BIASED),  # Battle of the Sexes
        (5, 8, [(2, 2), (1, 4), (4, 1), (3, 3)], Family.SECOND_BEST),  # Deadlock
    ],
)
def test_well_known_games_sit_where_the_table_puts_them(
    row: int, column: int, cells: list[tuple[int, int]], family: Family
) -> None:
    entry = ordinal_game(row, column)
    assert [entry.game.payoff(i, j) for i in (0, 1) for j in (0, 1)] == cells
    assert entry.family == family and entry.number == 12 * (row - 1) + column


def test_the_symmetric_games_lie_on_the_anti_diagonal() -> None:
    symmetric = {(g.row, g.column) for g in ordinal_games() if g.game.is_symmetric}
    assert symmetric == {(r, 13 - r) for r in range(1, 13)}


def test_locate_finds_a_game_with_any_payoffs_and_labels() -> None:
    assert locate(PRISONERS_DILEMMA).number == 67
    assert classify(PRISONERS_DILEMMA) == Family.PD_FAMILY
    chicken = Game.from_matrix([[(-10, -10), (1, -1)], [(-1, 1), (0, 0)]])  # crash first
    assert locate(chicken).number == 12
    with pytest.raises(GameError, match="not strict ordinal"):
        classify(BATTLE_OF_THE_SEXES)  # 0/0 twice: ties


def _brute_force_equilibria(game: Game) -> set[tuple[int, int]]:
    """Nash equilibria straight from the definition: try every deviation."""
    out = set()
    for profile in itertools.product((0, 1), repeat=2):
        stable = True
        for player in (0, 1):
            for deviation in (0, 1):
                moved = list(profile)
                moved[player] = deviation
                if game.payoff(*moved)[player] > game.payoff(*profile)[player]:
                    stable = False
        if stable:
            out.add(profile)
    return out


def test_pure_equilibria_of_the_144_match_brute_force() -> None:
    counts = {0: 0, 1: 0, 2: 0}
    for entry in ordinal_games():
        found = entry.game.pure_equilibria()
        assert set(found) == _brute_force_equilibria(entry.game)
        counts[len(found)] += 1
    assert counts[0] == FAMILY_SIZES[Family.CYCLIC]


payoff = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)
strict = st.tuples(st.permutations([1, 2, 3, 4]), st.permutations([1, 2, 3, 4]))


@given(st.lists(st.tuples(payoff, payoff), min_size=4, max_size=4))
def test_any_games_equilibria_match_brute_force(cells: list[tuple[float, float]]) -> None:
    game = Game.from_matrix([cells[:2], cells[2:]])
    assert set(game.pure_equilibria()) == _brute_force_equilibria(game)


@given(strict, st.booleans(), st.booleans(), st.floats(0.1, 100), st.floats(-50, 50))
def test_any_strict_game_is_located_whatever_its_labels_and_scale(
    rankings: tuple[list[int], list[int]], flip_rows: bool, flip_columns: bool, k: float, c: float
) -> None:
    a, b = rankings
    game = _game(tuple(a), tuple(b))
    entry = locate(game)
    assert _orbit(entry.game) == _orbit(game)
    assert set(game.pure_equilibria()) == _brute_force_equilibria(game)
    assert entry.family == classify(game)
    # only the order of payoffs counts: a positive affine change keeps the game
    scaled = Game.from_matrix([[(k * x + c, k * y + c) for x, y in row] for row in game.payoffs])
    moved = _relabelled(scaled, flip_rows, flip_columns)
    assert locate(moved).number == entry.number and classify(moved) == entry.family
    # seen from the other seat, a game keeps its family
    assert classify(game.swapped()) == entry.family


# --- strategies ----------------------------------------------------------------


async def test_classic_strategies_play_as_their_names_say() -> None:
    pd = PRISONERS_DILEMMA
    m = await play_match(pd, tit_for_tat, defect_once, rounds=5)
    assert m.moves == ((0, 1), (1, 0), (0, 0), (0, 0), (0, 0))
    m = await play_match(pd, grim_trigger, defect_once, rounds=4)
    assert [a for a, _ in m.moves] == [0, 1, 1, 1]
    m = await play_match(pd, win_stay_lose_shift, always_defect, rounds=5)
    assert [a for a, _ in m.moves] == [0, 1, 0, 1, 0]
    m = await play_match(BATTLE_OF_THE_SEXES, alternate, cycle(1, 0), rounds=4)
    assert m.moves == ((0, 1), (1, 0), (0, 1), (1, 0))


async def test_randomised_strategies_replay_from_the_seed() -> None:
    for strategy in (random_moves(0.5), generous_tit_for_tat(0.3), naive_prober(0.2)):
        one = await play_match(PRISONERS_DILEMMA, strategy, random_moves(0.5), rounds=60, seed=7)
        two = await play_match(PRISONERS_DILEMMA, strategy, random_moves(0.5), rounds=60, seed=7)
        other = await play_match(PRISONERS_DILEMMA, strategy, random_moves(0.5), rounds=60, seed=8)
        assert one.moves == two.moves != other.moves


async def test_generous_tit_for_tat_forgives_about_as_often_as_asked() -> None:
    m = await play_match(
        PRISONERS_DILEMMA, generous_tit_for_tat(0.25), always_defect, rounds=400, seed=3
    )
    assert 0.18 < cooperation_rate(m) < 0.32


def test_strategy_arguments_are_checked() -> None:
    with pytest.raises(GameError, match="probability in"):
        generous_tit_for_tat(1.5)
    with pytest.raises(GameError, match="moves of 0 or 1"):
        cycle(0, 2)
    assert set(classic_strategies()) >= {"tit_for_tat", "generous_tit_for_tat(0.1)"}


# --- the engine ------------------------------------------------------------------


async def test_each_player_sees_the_game_from_its_own_seat() -> None:
    seen: dict[str, History] = {}

    def watcher(key: str):
        def play(history: History) -> int:
            seen[key] = history
            return 0

        play.__name__ = key
        return play

    m = await play_match(BATTLE_OF_THE_SEXES, watcher("a"), watcher("b"), rounds=3, seed=1)
    assert seen["a"].game == BATTLE_OF_THE_SEXES and seen["b"].game == BATTLE_OF_THE_SEXES.swapped()
    assert seen["a"].round == 3 and seen["a"].rounds == 3 and seen["a"].seed != seen["b"].seed
    assert m.players == ("a", "b") and m.totals == (30, 21) and m.rounds == 3
    assert m.decisions == ()


@given(
    st.sampled_from(sorted(classic_strategies())),
    st.sampled_from(sorted(classic_strategies())),
    st.integers(1, 40),
    st.integers(0, 2**40),
)
def test_any_match_adds_up(a: str, b: str, rounds: int, seed: int) -> None:
    field = classic_strategies()
    m = asyncio.run(play_match(PRISONERS_DILEMMA, field[a], field[b], rounds=rounds, seed=seed))
    assert m.rounds == rounds == len(m.payoffs)
    assert m.payoffs == tuple(PRISONERS_DILEMMA.payoff(x, y) for x, y in m.moves)
    assert m.totals == (sum(p[0] for p in m.payoffs), sum(p[1] for p in m.payoffs))
    for name, value in match_metrics(m).items():
        assert value is None or 0.0 <= value <= 1.0, name
    assert Match.model_validate_json(m.model_dump_json()).moves == m.moves


async def test_both_players_are_asked_at_once() -> None:
    """Each waits for the other to have been asked: only concurrent asking
    lets the round finish."""
    asked = {"a": asyncio.Event(), "b": asyncio.Event()}

    def player(me: str, other: str):
        async def play(history: History) -> int:
            asked[me].set()
            await asyncio.wait_for(asked[other].wait(), 2)
            asked[me].clear()
            return 0

        return play

    m = await play_match(PRISONERS_DILEMMA, player("a", "b"), player("b", "a"), rounds=1)
    assert m.moves == ((0, 0),)


async def test_a_failing_player_fails_the_match_and_stops_the_other() -> None:
    cancelled = asyncio.Event()

    async def slow(history: History) -> int:
        try:
            await asyncio.sleep(10)
        except asyncio.CancelledError:
            cancelled.set()
            raise
        return 0

    async def broken(history: History) -> int:
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        await play_match(PRISONERS_DILEMMA, slow, broken)
    await asyncio.wait_for(cancelled.wait(), 1)


async def test_a_player_failing_at_once_leaves_nothing_unawaited() -> None:
    async def waiting(history: History) -> int:
        return 0

    def broken(history: History) -> int:
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        await play_match(PRISONERS_DILEMMA, waiting, broken)


@pytest.mark.parametrize("answer", [2, "J", None, True])
async def test_a_player_that_answers_no_move_is_named(answer: Any) -> None:
    def odd(history: History) -> Any:
        return answer

    with pytest.raises(GameError, match="player 'odd' answered"):
        await play_match(PRISONERS_DILEMMA, tit_for_tat, odd)
    with pytest.raises(GameError, match="at least one round"):
        await play_match(PRISONERS_DILEMMA, tit_for_tat, tit_for_tat, rounds=0)


async def test_a_tournament_plays_every_pair_on_every_game_within_its_bound() -> None:
    running = peak = 0

    def slowly(strategy):
        async def play(history: History) -> int:
            nonlocal running, peak
            running += 1
            peak = max(peak, running)
            await asyncio.sleep(0)
            running -= 1
            return strategy(history)

        return play

    field = {"tft": slowly(tit_for_tat), "alld": slowly(always_defect), "r": random_moves()}
    games = [PRISONERS_DILEMMA, BATTLE_OF_THE_SEXES]
    matches = await tournament(field, games, rounds=5, concurrency=2, seed=4)
    assert len(matches) == 2 * 9 and peak <= 4  # two matches, two seats each
    assert [(m.game.name, m.players) for m in matches[:3]] == [
        ("Prisoner's Dilemma", ("tft", "tft")),
        ("Prisoner's Dilemma", ("tft", "alld")),
        ("Prisoner's Dilemma", ("tft", "r")),
    ]
    one_at_a_time = await tournament(field, games, rounds=5, concurrency=1, seed=4)
    assert [m.moves for m in one_at_a_time] == [m.moves for m in matches]
    fewer = await tournament(field, games, rounds=5, both_seats=False, self_play=False)
    assert len(fewer) == 2 * 3


async def test_a_tournament_names_its_players_or_refuses_twins() -> None:
    matches = await tournament([tit_for_tat, grim_trigger], PRISONERS_DILEMMA, rounds=2)
    assert {m.players for m in matches} >= {("tit_for_tat", "grim_trigger")}
    with pytest.raises(GameError, match="two players are called 'tit_for_tat'"):
        await tournament([tit_for_tat, tit_for_tat], PRISONERS_DILEMMA)


async def test_a_failing_match_stops_the_tournament_and_says_which() -> None:
    async def broken(history: History) -> int:
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom") as info:
        await tournament({"tft": tit_for_tat, "broken": broken}, PRISONERS_DILEMMA, rounds=2)
    assert any("broken" in note for note in info.value.__notes__)


# --- language-model players on scripted models --------------------------------


def _script(fn) -> str:
    return register_script(f"games-{next(_names)}", policy(fn))


def _last_round(prompt: str) -> tuple[str, str] | None:
    """(my last choice, theirs) from the history in a prompt, if any."""
    found = re.findall(r"you chose (Option \w+) and the other player chose (Option \w+)", prompt)
    return found[-1] if found else None


def _cooperative_label(prompt: str) -> str:
    """The option that pays both 8 points together, read from the rules."""
    rule = r"If you choose (Option \w+) and the other player chooses \1, you win 8"
    return re.search(rule, prompt)[1]


def _text(messages: list[dict[str, Any]]) -> str:
    return "\n".join(str(m["content"]) for m in messages)


async def test_an_llm_player_that_mirrors_tit_for_tat() -> None:
    def mirror(messages: list[dict[str, Any]], options: list[str]) -> str:
        last = _last_round(messages[-1]["content"])
        return last[1] if last else _cooperative_label(messages[-1]["content"])

    player = LLMPlayer(model=_script(mirror))
    m = await play_match(PRISONERS_DILEMMA, player, defect_once, rounds=6)
    assert m.moves == ((0, 1), (1, 0), (0, 0), (0, 0), (0, 0), (0, 0))
    assert m.players[0].startswith("llm:script/") and len(m.decisions) == 6
    assert all(a is not None and b is None for a, b in m.decisions)


async def test_an_llm_player_that_defects_once_against_tit_for_tat() -> None:
    def betray_in_round_3(messages: list[dict[str, Any]], options: list[str]) -> str:
        prompt = messages[-1]["content"]
        cooperate = _cooperative_label(prompt)
        if "Round 3 of" in prompt:
            return next(o for o in options if o != cooperate)
        return cooperate

    player = LLMPlayer(model=_script(betray_in_round_3))
    m = await play_match(PRISONERS_DILEMMA, player, tit_for_tat, rounds=5)
    assert m.moves == ((0, 0), (0, 0), (1, 0), (0, 1), (0, 0))
    assert m.totals == (8 + 8 + 10 + 0 + 8, 8 + 8 + 0 + 10 + 8)


async def test_the_prompt_holds_the_rules_story_units_and_full_history() -> None:
    prompts: list[str] = []

    def record(messages: list[dict[str, Any]], options: list[str]) -> str:
        prompts.append(messages[-1]["content"])
        return options[0]

    player = LLMPlayer(
        model=_script(record), units="dollars", story="You are two chefs in a cooking contest."
    )
    await play_match(PRISONERS_DILEMMA, player, always_defect, rounds=4)
    last = prompts[-1]
    assert last.startswith("You are two chefs in a cooking contest.\n\n")
    assert (
        "for 4 rounds" in last and "you win 10 dollars and the other player wins 0 dollars" in last
    )
    assert len(re.findall(r"^- If you choose", last, re.M)) == 4
    assert len(re.findall(r"^- Round \d", last, re.M)) == 3  # every previous round
    assert (
        "- Round 1: you chose Option J and the other player chose Option F, so you won 0 dollars"
        in last
    )
    assert "Round 4 of 4 is next. Which option do you choose, Option J or Option F?" in last
    assert "No rounds have been played yet." in prompts[0]
    assert "Answer with exactly one of these options" in last  # the gateway's note


async def test_random_labels_and_order_change_the_prompt_not_the_moves() -> None:
    seen: list[tuple[str, list[str]]] = []

    def cooperate(messages: list[dict[str, Any]], options: list[str]) -> str:
        seen.append((messages[-1]["content"], options))
        return _cooperative_label(messages[-1]["content"])

    player = LLMPlayer(model=_script(cooperate), random_labels=True, shuffle_order=True)
    m = await play_match(PRISONERS_DILEMMA, player, tit_for_tat, rounds=8, seed=11)
    assert all(a == 0 for a, _ in m.moves)
    labels = {frozenset(options) for _, options in seen}
    assert len(labels) == 1 and all(re.fullmatch("Option [A-Z]", x) for x in next(iter(labels)))
    assert labels != {frozenset({"Option J", "Option F"})}
    assert len({tuple(options) for _, options in seen}) == 2  # both orders were shown
    first, seen[:] = list(seen), []
    await play_match(PRISONERS_DILEMMA, player, tit_for_tat, rounds=8, seed=11)
    assert seen == first  # the seed fixes labels and order


async def test_chosen_labels_are_shown_and_checked() -> None:
    options: list[list[str]] = []

    def first(messages: list[dict[str, Any]], shown: list[str]) -> str:
        options.append(shown)
        return shown[1]

    player = LLMPlayer(model=_script(first), labels=("Blue", "Red"))
    m = await play_match(PRISONERS_DILEMMA, player, tit_for_tat, rounds=2)
    assert options == [["Option Blue", "Option Red"]] * 2 and m.moves[0] == (1, 0)
    bare = LLMPlayer(model=_script(first), labels=("Blue", "Red"), option_prefix="")
    await play_match(PRISONERS_DILEMMA, bare, tit_for_tat, rounds=1)
    assert options[-1] == ["Blue", "Red"]
    with pytest.raises(GameError, match="cannot tell the options apart"):
        LLMPlayer(model="script/echo", labels=("A", "A"))


async def test_an_llm_player_keeps_the_option_scores() -> None:
    def lean(messages: list[dict[str, Any]], options: list[str]) -> dict[str, float]:
        cooperate = _cooperative_label(messages[-1]["content"])
        return {o: 0.8 if o == cooperate else 0.2 for o in options}

    m = await play_match(PRISONERS_DILEMMA, LLMPlayer(model=_script(lean)), tit_for_tat, rounds=2)
    decision = m.decisions[0][0]
    assert isinstance(decision, Decision) and decision.move == 0
    assert decision.logprobs == pytest.approx((math.log(0.8), math.log(0.2)))


async def test_social_chain_of_thought_predicts_then_chooses() -> None:
    calls: list[list[dict[str, Any]]] = []

    def think(messages: list[dict[str, Any]], options: list[str]) -> str:
        calls.append(messages)
        prompt = messages[0]["content"]
        if len(messages) == 1:  # what will the other do? what it did last
            last = _last_round(prompt)
            return last[1] if last else options[0]
        return messages[1]["content"]  # then match the prediction

    player = SocialChainOfThoughtPlayer(model=_script(think))
    m = await play_match(BATTLE_OF_THE_SEXES, player, cycle(1, 0), rounds=4)
    assert len(calls) == 8 and m.players[0].startswith("scot:script/")
    assert "predict the other player will choose" in calls[0][0]["content"]
    assert calls[1][1] == {"role": "assistant", "content": "Option J"}
    assert "Given that you expect the other player to choose Option J in round 1" in _text(calls[1])
    # the second call shows the first question exactly as the model read it
    assert all(second[0] == first[0] for first, second in zip(calls[::2], calls[1::2], strict=True))
    assert "Answer with exactly one of these options" in calls[1][0]["content"]
    assert [d.prediction for d, _ in m.decisions] == [0, 1, 0, 1]
    assert m.moves == ((0, 1), (1, 0), (0, 1), (1, 0))  # always one round behind


# --- metrics -----------------------------------------------------------------


def _match(game: Game, moves: list[tuple[int, int]]) -> Match:
    return Match(
        game=game,
        players=("a", "b"),
        seed=0,
        moves=tuple(moves),
        payoffs=tuple(game.payoff(a, b) for a, b in moves),
    )


async def test_forgiveness_and_retaliation_against_a_single_defection() -> None:
    tft = await play_match(PRISONERS_DILEMMA, tit_for_tat, defect_once, rounds=10)
    grim = await play_match(PRISONERS_DILEMMA, grim_trigger, defect_once, rounds=10)
    assert forgiveness(tft) == pytest.approx(8 / 9) and forgiveness(grim) == 0
    assert retaliation(tft) == retaliation(grim) == 1
    nice = await play_match(PRISONERS_DILEMMA, always_cooperate, tit_for_tat, rounds=10)
    assert forgiveness(nice) is None and retaliation(nice) is None
    assert cooperation_rate(nice) == mutual_cooperation_rate(nice) == 1
    assert normalised_score(nice) == pytest.approx(80 / 100)
    assert normalised_score(tft, 1) == pytest.approx(tft.totals[1] / 100)


def test_coordination_and_alternation_in_the_battle_of_the_sexes() -> None:
    turns = _match(BATTLE_OF_THE_SEXES, [(0, 0), (1, 1), (0, 0), (1, 1)])
    assert coordination_rate(turns) == coordinated_alternation(turns) == 1
    assert alternation_rate(turns, 0) == alternation_rate(turns, 1) == 1
    stubborn = _match(BATTLE_OF_THE_SEXES, [(0, 1), (0, 0), (0, 1), (0, 0)])
    assert coordination_rate(stubborn) == 0.5 and coordinated_alternation(stubborn) == 0
    assert alternation_rate(stubborn, 0) == 0 and alternation_rate(stubborn, 1) == 1
    assert normalised_score(turns) == pytest.approx((10 + 7 + 10 + 7) / 40)
    one = _match(BATTLE_OF_THE_SEXES, [(0, 0)])
    assert alternation_rate(one) is None and coordinated_alternation(one) is None


def test_a_score_is_undefined_when_the_best_payoff_is_not_positive() -> None:
    losing = Game.symmetric([[-1, -3], [0, -2]])
    assert normalised_score(_match(losing, [(0, 0)])) is None
    assert normalised_score(_match(PRISONERS_DILEMMA, [])) is None
    assert match_metrics(_match(PRISONERS_DILEMMA, []))["cooperation_rate"] is None
