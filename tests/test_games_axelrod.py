"""The games engine against the axelrod library (Knight et al., JORS 2016),
the reference implementation of the iterated Prisoner's Dilemma: the same
strategies on the same payoffs must play the same moves and score the same,
match by match; and axelrod's strategies must play inside ethos as they do
in axelrod."""

from __future__ import annotations

import asyncio
import itertools
import random

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from ethos.agents.games import (
    BATTLE_OF_THE_SEXES,
    PRISONERS_DILEMMA,
    Game,
    GameError,
    alternate,
    always_cooperate,
    always_defect,
    anti_tit_for_tat,
    axelrod_player,
    cycle,
    grim_trigger,
    hard_tit_for_tat,
    random_moves,
    suspicious_tit_for_tat,
    tit_for_tat,
    tit_for_two_tats,
    two_tits_for_tat,
    win_stay_lose_shift,
)
from ethos.graphs.games import play_match, standings, tournament

axl = pytest.importorskip("axelrod")

# Our deterministic classic strategies and axelrod's of the same definition.
PAIRS = {
    "always_cooperate": (always_cooperate, axl.Cooperator),
    "always_defect": (always_defect, axl.Defector),
    "tit_for_tat": (tit_for_tat, axl.TitForTat),
    "suspicious_tit_for_tat": (suspicious_tit_for_tat, axl.SuspiciousTitForTat),
    "tit_for_two_tats": (tit_for_two_tats, axl.TitFor2Tats),
    "two_tits_for_tat": (two_tits_for_tat, axl.TwoTitsForTat),
    "hard_tit_for_tat": (hard_tit_for_tat, axl.HardTitForTat),
    "anti_tit_for_tat": (anti_tit_for_tat, axl.AntiTitForTat),
    "grim_trigger": (grim_trigger, axl.Grudger),
    "win_stay_lose_shift": (win_stay_lose_shift, axl.WinStayLoseShift),
    "alternate": (alternate, axl.Alternator),
}
# Akata et al.'s payoffs, and axelrod's own defaults (R=3, S=0, T=5, P=1).
PAYOFFS = {"akata": (8, 0, 10, 5), "axelrod": (3, 0, 5, 1)}


def _axelrod_match(a: type, b: type, rounds: int, rstp: tuple[int, ...]) -> tuple:
    r, s, t, p = rstp
    match = axl.Match((a(), b()), turns=rounds, game=axl.Game(r=r, s=s, t=t, p=p))
    moves = tuple((int(x == axl.Action.D), int(y == axl.Action.D)) for x, y in match.play())
    return moves, tuple(float(x) for x in match.final_score())


@pytest.mark.parametrize("rounds", [10, 200])
@pytest.mark.parametrize("payoffs", sorted(PAYOFFS))
async def test_classic_strategies_score_as_in_axelrod(rounds: int, payoffs: str) -> None:
    r, s, t, p = PAYOFFS[payoffs]
    game = Game.symmetric([[r, s], [t, p]], name=f"{payoffs}'s dilemma")
    assert payoffs != "akata" or game.payoffs == PRISONERS_DILEMMA.payoffs
    field = {name: ours for name, (ours, _) in PAIRS.items()}
    matches = await tournament(field, game, rounds=rounds, concurrency=4)
    assert len(matches) == len(PAIRS) ** 2
    for match in matches:
        a, b = (PAIRS[name][1] for name in match.players)
        moves, scores = _axelrod_match(a, b, rounds, (r, s, t, p))
        assert match.moves == moves, match.players
        assert match.totals == scores, match.players


async def test_an_axelrod_strategy_plays_in_ethos_as_in_axelrod() -> None:
    for name, (ours, theirs) in PAIRS.items():
        adapted = axelrod_player(theirs)
        for other in (tit_for_tat, alternate, random_moves(0.3)):
            want = await play_match(PRISONERS_DILEMMA, ours, other, rounds=30, seed=5)
            got = await play_match(PRISONERS_DILEMMA, adapted, other, rounds=30, seed=5)
            assert got.moves == want.moves, name


async def test_a_stochastic_axelrod_strategy_replays_from_the_seed() -> None:
    gtft = axelrod_player(axl.GTFT(p=0.4))
    one = await play_match(PRISONERS_DILEMMA, gtft, always_defect, rounds=80, seed=2)
    two = await play_match(PRISONERS_DILEMMA, gtft, always_defect, rounds=80, seed=2)
    three = await play_match(PRISONERS_DILEMMA, gtft, always_defect, rounds=80, seed=3)
    assert one.moves == two.moves != three.moves
    assert 0 < sum(a == 0 for a, _ in one.moves) < 80  # it forgives, sometimes


async def test_an_axelrod_strategy_in_many_matches_at_once() -> None:
    """Matches interleave in a tournament; each keeps its own axelrod player."""
    field = {
        "prober": axelrod_player("Naive Prober"),
        "memory": axelrod_player(axl.FirstByTidemanAndChieruzzi),
        "tft": tit_for_tat,
        "random": random_moves(),
    }
    together = await tournament(field, PRISONERS_DILEMMA, rounds=40, concurrency=16)
    alone = await tournament(field, PRISONERS_DILEMMA, rounds=40, concurrency=1)
    assert [m.moves for m in together] == [m.moves for m in alone]


def test_the_adapter_answers_any_history_it_is_shown() -> None:
    """Shown a history out of turn, it replays it rather than trusting its state."""
    from ethos.agents.games import History

    grudger = axelrod_player("Grudger")
    calm = History(PRISONERS_DILEMMA, (0, 0), (0, 0), 10, seed=1)
    crossed = History(PRISONERS_DILEMMA, (0, 0), (0, 1), 10, seed=1)
    assert grudger(calm) == 0 and grudger(crossed) == 1 and grudger(calm) == 0
    for mine, theirs in itertools.product(itertools.product((0, 1), repeat=3), repeat=2):
        history = History(PRISONERS_DILEMMA, mine, theirs, 10, seed=1)
        assert grudger(history) == grim_trigger(history)


async def test_the_adapter_refuses_what_it_cannot_play() -> None:
    with pytest.raises(GameError, match="symmetric games only"):
        await play_match(BATTLE_OF_THE_SEXES, axelrod_player(axl.TitForTat), tit_for_tat)
    with pytest.raises(GameError, match="no strategy named 'Tit For Nothing'"):
        axelrod_player("Tit For Nothing")
    with pytest.raises(GameError, match="is not an axelrod strategy"):
        axelrod_player(object())
    with pytest.raises(GameError, match="reads or changes its opponent's code"):
        axelrod_player(axl.Darwin)
    assert axelrod_player("TitForTat").name == "axelrod:Tit For Tat"


@st.composite
def dilemmas(draw: st.DrawFn) -> tuple[float, float, float, float]:
    """Valid Prisoner's Dilemma payoffs (R, S, T, P): T > R > P > S and
    2R > T + S, on a grid of quarters from -50 up (payoffs may be negative
    or fractional; exact in floating point, so axelrod's sums equal ours)."""
    s = draw(st.integers(-200, 200)) / 4
    p = s + draw(st.integers(1, 80)) / 4
    r = p + draw(st.integers(1, 80)) / 4
    t = r + draw(st.integers(1, 80)) / 4
    if not 2 * r > t + s:
        t = r + (r - s) / 2  # the largest gap that keeps 2R > T + S strict
    return r, s, t, p


def test_pavlov_is_axelrods_win_stay_lose_shift_for_any_dilemma() -> None:
    """Move for move and point for point against every deterministic classic
    and against a sequence of moves drawn from the payoffs, on at least 200
    distinct drawn payoff sets (counted: examples that vary only the
    sequence would repeat payoffs)."""
    seen: set[tuple[float, float, float, float]] = set()

    @settings(max_examples=210)
    @given(dilemmas())
    @example((3, 0, 4, 2.5))  # the case: P above the mean payoff (against all-D)
    def check(payoffs: tuple[float, float, float, float]) -> None:
        seen.add(payoffs)
        r, s, t, p = payoffs
        assert t > r > p > s and 2 * r > t + s
        game = Game.symmetric([[r, s], [t, p]], name="drawn dilemma")
        reference = axl.Game(r=r, s=s, t=t, p=p)
        draw = random.Random(repr(payoffs))
        script = [draw.randint(0, 1) for _ in range(draw.randint(1, 12))]
        rivals = [(ours, theirs()) for ours, theirs in PAIRS.values()]
        rivals.append((cycle(*script), axl.Cycler("".join("CD"[m] for m in script))))
        rounds = 2 * len(script) + 3

        async def ours_all() -> list:
            return [
                await play_match(game, win_stay_lose_shift, o, rounds=rounds) for o, _ in rivals
            ]

        for got, (_, theirs) in zip(asyncio.run(ours_all()), rivals, strict=True):
            want = axl.Match((axl.WinStayLoseShift(), theirs), turns=rounds, game=reference)
            d = axl.Action.D
            assert got.moves == tuple((int(a == d), int(b == d)) for a, b in want.play())
            assert got.totals == tuple(float(x) for x in want.final_score())

    check()
    assert len(seen) >= 200


async def test_pavlov_reads_moves_not_payoffs() -> None:
    """Where mutual defection pays more than the mean payoff, a payoff-based
    rule would stay at D against always-defect; Pavlov switches back to C."""
    game = Game.symmetric([[3, 0], [4, 2.5]], name="high punishment")
    m = await play_match(game, win_stay_lose_shift, always_defect, rounds=6)
    assert [a for a, _ in m.moves] == [0, 1, 0, 1, 0, 1]
    bos = await play_match(BATTLE_OF_THE_SEXES, win_stay_lose_shift, alternate, rounds=5)
    # same option last round -> option 0, different -> option 1
    assert [a for a, _ in bos.moves] == [0, 0, 1, 1, 0]


@pytest.mark.parametrize("payoffs", sorted(PAYOFFS))
async def test_standings_equal_axelrods_result_set(payoffs: str) -> None:
    """The eleven deterministic classics in axelrod's round robin at 200
    rounds, and in ours: totals, mean per turn, wins, cooperation and rank
    as its ResultSet has them."""
    r, s, t, p = PAYOFFS[payoffs]
    names = list(PAIRS)
    reference = axl.Tournament(
        [PAIRS[n][1]() for n in names], turns=200, repetitions=1, game=axl.Game(r=r, s=s, t=t, p=p)
    ).play(progress_bar=False, processes=None)
    game = Game.symmetric([[r, s], [t, p]], name=f"{payoffs}'s dilemma")
    field = {n: PAIRS[n][0] for n in names}
    table = standings(await tournament(field, game, rounds=200, both_seats=False))
    assert [row.player for row in table] == [names[i] for i in reference.ranking]
    assert [row.rank for row in table] == list(range(1, len(names) + 1))
    by_name = {row.player: row for row in table}
    for i, name in enumerate(names):
        row = by_name[name]
        assert row.total == reference.scores[i][0], name
        assert row.mean_per_turn == pytest.approx(reference.normalised_scores[i][0], rel=1e-12)
        assert row.wins == reference.wins[i][0], name
        assert row.cooperation == pytest.approx(reference.cooperating_rating[i], rel=1e-12)
        assert row.matches == len(names) - 1
