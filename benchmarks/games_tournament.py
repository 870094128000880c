"""The repeated-games engine against the axelrod library, in the same run.

1. The 200-round Prisoner's Dilemma round robin of the classic deterministic
   strategies (every pair once, self-play included, Akata et al.'s payoffs):
   ``ethos.graphs.games.tournament`` against ``axelrod.Match(...).play()`` for
   the same pairs, a fresh match each (axelrod's own per-match cache off, as
   in a first run). The scores are checked equal before any time counts.
2. A sweep of all 144 ordinal games: tit-for-tat against each classic
   strategy, in both seats, 10 rounds. axelrod plays only symmetric games
   given as (R, S, T, P), so its anchor is the same number of 10-round
   matches of the same strategies on the Prisoner's Dilemma.

3. The same round robin with its summary: ``tournament`` then ``standings``
   (totals, mean per turn, wins, cooperation, rank) against
   ``axelrod.Tournament(...).play()``, which plays the matches and builds
   its ResultSet. The rankings and totals are checked equal first.

Repetitions are interleaved; medians are reported. ``ratio`` is ethos' time
over axelrod's. Goal: ratio <= 1 (ethos no slower).

    python benchmarks/games_tournament.py [--repeats 5]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time

import axelrod as axl

from ethos.agents.games import PRISONERS_DILEMMA, classic_strategies, ordinal_games
from ethos.agents.games import strategies as s
from ethos.graphs.games import play_match, standings, tournament

# ethos strategy -> the axelrod strategy of the same definition
DETERMINISTIC = {
    "always_cooperate": (s.always_cooperate, axl.Cooperator()),
    "always_defect": (s.always_defect, axl.Defector()),
    "tit_for_tat": (s.tit_for_tat, axl.TitForTat()),
    "suspicious_tit_for_tat": (s.suspicious_tit_for_tat, axl.SuspiciousTitForTat()),
    "tit_for_two_tats": (s.tit_for_two_tats, axl.TitFor2Tats()),
    "two_tits_for_tat": (s.two_tits_for_tat, axl.TwoTitsForTat()),
    "hard_tit_for_tat": (s.hard_tit_for_tat, axl.HardTitForTat()),
    "anti_tit_for_tat": (s.anti_tit_for_tat, axl.AntiTitForTat()),
    "grim_trigger": (s.grim_trigger, axl.Grudger()),
    "win_stay_lose_shift": (s.win_stay_lose_shift, axl.WinStayLoseShift()),
    "alternate": (s.alternate, axl.Alternator()),
}
# the randomised classics and their axelrod counterparts (for the sweep's anchor)
RANDOMISED = {
    "defect_once": axl.Cycler("D" + "C" * 9),
    "generous_tit_for_tat(0.1)": axl.GTFT(p=0.1),
    "naive_prober(0.1)": axl.NaiveProber(p=0.1),
    "random_moves(0.5)": axl.Random(p=0.5),
}
PD = axl.Game(r=8, s=0, t=10, p=5)


def axelrod_round_robin(rounds: int) -> tuple[float, list[tuple[float, float]]]:
    players = [theirs for _, theirs in DETERMINISTIC.values()]
    start = time.perf_counter()
    scores = []
    for i in range(len(players)):
        for j in range(i, len(players)):
            match = axl.Match((players[i].clone(), players[j].clone()), turns=rounds, game=PD)
            match.play()
            scores.append(match.final_score())
    elapsed = time.perf_counter() - start
    return elapsed, [(float(a), float(b)) for a, b in scores]


async def ethos_round_robin(rounds: int) -> tuple[float, list[tuple[float, float]]]:
    field = {name: ours for name, (ours, _) in DETERMINISTIC.items()}
    start = time.perf_counter()
    matches = await tournament(field, PRISONERS_DILEMMA, rounds=rounds, both_seats=False)
    elapsed = time.perf_counter() - start
    return elapsed, [m.totals for m in matches]


async def ethos_sweep(rounds: int) -> tuple[float, int]:
    games = [entry.game for entry in ordinal_games()]
    field = list(classic_strategies().values())
    start = time.perf_counter()
    n = 0
    for game in games:
        for other in field:
            await play_match(game, s.tit_for_tat, other, rounds=rounds, seed=n)
            await play_match(game, other, s.tit_for_tat, rounds=rounds, seed=n + 1)
            n += 2
    return time.perf_counter() - start, n


def axelrod_sweep(rounds: int, games: int) -> tuple[float, int]:
    field = [theirs for _, theirs in DETERMINISTIC.values()] + list(RANDOMISED.values())
    assert len(field) == len(classic_strategies())
    tft = axl.TitForTat()
    start = time.perf_counter()
    n = 0
    for _ in range(games):
        for other in field:
            for pair in ((tft.clone(), other.clone()), (other.clone(), tft.clone())):
                axl.Match(pair, turns=rounds, game=PD, seed=n).play()
                n += 1
    return time.perf_counter() - start, n


def axelrod_summary(rounds: int) -> tuple[float, list[str], list[float]]:
    players = [theirs.clone() for _, theirs in DETERMINISTIC.values()]
    start = time.perf_counter()
    results = axl.Tournament(players, turns=rounds, repetitions=1, game=PD).play(
        progress_bar=False, processes=None
    )
    elapsed = time.perf_counter() - start
    names = list(DETERMINISTIC)
    return elapsed, [names[i] for i in results.ranking], [float(x[0]) for x in results.scores]


async def ethos_summary(rounds: int) -> tuple[float, list[str], list[float]]:
    field = {name: ours for name, (ours, _) in DETERMINISTIC.items()}
    start = time.perf_counter()
    matches = await tournament(field, PRISONERS_DILEMMA, rounds=rounds, both_seats=False)
    table = standings(matches)
    elapsed = time.perf_counter() - start
    totals = {row.player: row.total for row in table}
    return elapsed, [row.player for row in table], [totals[name] for name in DETERMINISTIC]


def figure(name: str, value: float, anchor: str, anchor_value: float, **extra: object) -> dict:
    return {
        "bench": "games_tournament",
        "figure": name,
        "value": round(value, 5),
        "unit": "s",
        "anchor": anchor,
        "anchor_value": round(anchor_value, 5),
        "ratio": round(value / anchor_value, 3),
        "goal": "<= 1.0",
        **extra,
    }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    ours, theirs = [], []
    for _ in range(args.repeats):
        t_ours, s_ours = await ethos_round_robin(200)
        t_theirs, s_theirs = axelrod_round_robin(200)
        if s_ours != s_theirs:
            raise SystemExit("ethos and axelrod disagree on the scores: nothing to compare")
        ours.append(t_ours)
        theirs.append(t_theirs)
    print(
        json.dumps(
            figure(
                "pd_round_robin_200_rounds_s",
                statistics.median(ours),
                "axelrod.Match.play, same pairs and payoffs",
                statistics.median(theirs),
                matches=len(s_ours),
                strategies=len(DETERMINISTIC),
                repeats=args.repeats,
            )
        ),
        flush=True,
    )

    ours, theirs = [], []
    for _ in range(args.repeats):
        t_ours, n = await ethos_sweep(10)
        t_theirs, n_theirs = axelrod_sweep(10, len(ordinal_games()))
        assert n == n_theirs
        ours.append(t_ours)
        theirs.append(t_theirs)
    print(
        json.dumps(
            figure(
                "sweep_144_games_10_rounds_s",
                statistics.median(ours),
                "axelrod, as many 10-round matches of the same strategies on the PD",
                statistics.median(theirs),
                matches=n,
                games=len(ordinal_games()),
                repeats=args.repeats,
            )
        ),
        flush=True,
    )

    ours, theirs = [], []
    for _ in range(args.repeats):
        t_ours, ranked_ours, totals_ours = await ethos_summary(200)
        t_theirs, ranked_theirs, totals_theirs = axelrod_summary(200)
        if (ranked_ours, totals_ours) != (ranked_theirs, totals_theirs):
            raise SystemExit("ethos' standings and axelrod's ResultSet disagree")
        ours.append(t_ours)
        theirs.append(t_theirs)
    print(
        json.dumps(
            figure(
                "pd_round_robin_with_standings_200_rounds_s",
                statistics.median(ours),
                "axelrod.Tournament.play (matches and ResultSet), same players and payoffs",
                statistics.median(theirs),
                strategies=len(DETERMINISTIC),
                repeats=args.repeats,
            )
        ),
        flush=True,
    )


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
