"""Repeated 2x2 games: a match between two players, and a tournament.

A match is ``rounds`` rounds of one game. Before each round both players see
the full history (each from its own side: it is the row player of its own
copy of the game) and choose at once; language-model players are asked
concurrently. Plain strategies are called directly, without scheduling a
task, so a 200-round tournament of classic strategies costs what the
strategies cost (``benchmarks/games_tournament.py`` holds it to the axelrod
library's speed).

:func:`standings` sums a tournament up per player (totals, mean payoff per
round, wins, cooperation, rank) the way the axelrod library's ResultSet
does, so the two can be compared number for number.

Seeds: a match seed gives each seat its own seed; a tournament seed gives
each match its own, from the game, the two players and the seats, so a
match's result does not depend on what else ran or in which order.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Mapping, Sequence
from functools import cached_property
from typing import Any

from pydantic import BaseModel, ConfigDict, computed_field

from ethos.agents.games.game import Game, GameError, Move
from ethos.agents.games.history import Answer, Decision, History, Player, derive_seed, player_name
from ethos.recording import record_event


class Match(BaseModel):
    """The record of one match: per round, both moves and both payoffs.

    Seat 0 is ``players[0]``, the row player of ``game``; seat 1 the column
    player. ``decisions`` holds what language-model players said (their
    predictions and option scores) and is empty when neither said anything.
    """

    model_config = ConfigDict(frozen=True)

    game: Game
    players: tuple[str, str]
    seed: int
    moves: tuple[tuple[Move, Move], ...]
    payoffs: tuple[tuple[float, float], ...]
    decisions: tuple[tuple[Decision | None, Decision | None], ...] = ()

    @computed_field  # type: ignore[prop-decorator]
    @cached_property
    def totals(self) -> tuple[float, float]:
        """Each seat's payoffs summed over the match."""
        return (sum(p[0] for p in self.payoffs), sum(p[1] for p in self.payoffs))

    @property
    def rounds(self) -> int:
        return len(self.moves)


async def play_match(
    game: Game,
    player_a: Player,
    player_b: Player,
    *,
    rounds: int = 10,
    seed: int = 0,
    names: tuple[str, str] | None = None,
) -> Match:
    """Play ``rounds`` rounds of ``game``: ``player_a`` is the row player,
    ``player_b`` the column player. Both see the whole history before each
    round and move at once. Under a run scope each round is a ``move``
    event of the sample's transcript (ethos.recording)."""
    if rounds < 1:
        raise GameError(f"a match needs at least one round, not {rounds}")
    games = (game, game.swapped())
    seeds = (derive_seed(seed, 0), derive_seed(seed, 1))
    table = game.payoffs
    a_moves: tuple[Move, ...] = ()
    b_moves: tuple[Move, ...] = ()
    payoffs: list[tuple[float, float]] = []
    decisions: list[tuple[Decision | None, Decision | None]] = []
    said = False
    players = names or (player_name(player_a), player_name(player_b))
    for _ in range(rounds):
        a = player_a(History(games[0], a_moves, b_moves, rounds, seeds[0]))
        try:
            b = player_b(History(games[1], b_moves, a_moves, rounds, seeds[1]))
        except BaseException:
            if inspect.iscoroutine(a):
                a.close()  # never to be awaited
            raise
        if a.__class__ is int and b.__class__ is int and 0 <= a <= 1 and 0 <= b <= 1:
            decisions.append((None, None))  # the plain strategies' path: nothing to await
        else:
            if inspect.isawaitable(a) or inspect.isawaitable(b):
                a, b = await _both(a, b)
            a_decision = a if isinstance(a, Decision) else None
            b_decision = b if isinstance(b, Decision) else None
            said = said or a_decision is not None or b_decision is not None
            decisions.append((a_decision, b_decision))
            a, b = _move(a, player_a), _move(b, player_b)
        a_moves += (a,)
        b_moves += (b,)
        payoffs.append(table[a][b])
        record_event(
            "move",
            round=len(payoffs),
            players=list(players),
            moves=[game.options[a], game.options[b]],
            payoffs=list(table[a][b]),
        )
    return Match(
        game=game,
        players=players,
        seed=seed,
        moves=tuple(zip(a_moves, b_moves, strict=True)),
        payoffs=tuple(payoffs),
        decisions=tuple(decisions) if said else (),
    )


async def tournament(
    players: Mapping[str, Player] | Sequence[Player],
    games: Sequence[Game] | Game,
    *,
    rounds: int = 10,
    concurrency: int = 8,
    seed: int = 0,
    both_seats: bool = True,
    self_play: bool = True,
) -> list[Match]:
    """Every player against every player on every game, at most
    ``concurrency`` matches at a time.

    With ``both_seats`` each pair plays each game twice, each player once as
    the row player (as Akata et al. do: the seats differ unless the game is
    symmetric); without it once, the earlier player in the row seat. With
    ``self_play`` each player also meets itself. Matches come back in a fixed
    order: by game, then by pair. A failing match stops the tournament with
    its error, which notes the match.
    """
    if concurrency < 1:
        raise GameError(f"concurrency must be at least 1, not {concurrency}")
    named = dict(players) if isinstance(players, Mapping) else _by_name(players)
    field = list(named.items())
    game_list = [games] if isinstance(games, Game) else list(games)
    jobs: list[tuple[int, int, int]] = []
    for g in range(len(game_list)):
        for i in range(len(field)):
            for j in range(len(field)):
                if (i == j and self_play) or (i < j) or (i > j and both_seats):
                    jobs.append((g, i, j))
    results: list[Match | None] = [None] * len(jobs)
    pending = iter(range(len(jobs)))

    async def worker() -> None:
        for index in pending:
            g, i, j = jobs[index]
            game = game_list[g]
            (name_a, a), (name_b, b) = field[i], field[j]
            try:
                results[index] = await play_match(
                    game,
                    a,
                    b,
                    rounds=rounds,
                    seed=derive_seed(seed, g, game.name, name_a, name_b),
                    names=(name_a, name_b),
                )
            except Exception as exc:
                exc.add_note(f"in the match {name_a} v {name_b} on {game.name!r}")
                raise

    workers = [asyncio.ensure_future(worker()) for _ in range(min(concurrency, len(jobs)))]
    try:
        await asyncio.gather(*workers)
    finally:
        for w in workers:
            w.cancel()
    return [m for m in results if m is not None]


class Standing(BaseModel):
    """One player's line in a tournament's summary. Like axelrod's
    ResultSet, it counts only matches against other players (self-play
    tells nothing about how a strategy fares against others)."""

    model_config = ConfigDict(frozen=True)

    rank: int
    """1 for the highest mean payoff per round; ties keep the players' order."""
    player: str
    matches: int
    """Matches against other players."""
    total: float
    """Payoffs summed over those matches (axelrod: ``scores``)."""
    mean_per_turn: float
    """The mean over those matches of the payoff per round (axelrod:
    ``normalised_scores``, the key of its ``ranking``)."""
    wins: int
    """Matches in which the player won strictly more than its opponent."""
    cooperation: float
    """The share of its rounds in those matches in which it chose option 0:
    cooperation in a Prisoner's Dilemma (axelrod: ``cooperating_rating``)."""


def standings(matches: Sequence[Match]) -> list[Standing]:
    """A tournament's summary, best first: per player, its total, mean
    payoff per round, wins and cooperation over its matches against others,
    and its rank by mean payoff per round. Players appear under the names
    the matches carry; ties in rank keep the order of first appearance."""
    order: dict[str, None] = {}
    per_turn: dict[str, list[float]] = {}
    totals: dict[str, float] = {}
    wins: dict[str, int] = {}
    chose_0: dict[str, int] = {}
    rounds: dict[str, int] = {}
    for match in matches:
        order.update(dict.fromkeys(match.players))
        if match.players[0] == match.players[1] or not match.moves:
            continue
        scores = match.totals
        for seat, name in enumerate(match.players):
            per_turn.setdefault(name, []).append(scores[seat] / match.rounds)
            totals[name] = totals.get(name, 0.0) + scores[seat]
            wins[name] = wins.get(name, 0) + (scores[seat] > scores[1 - seat])
            chose_0[name] = chose_0.get(name, 0) + sum(m[seat] == 0 for m in match.moves)
            rounds[name] = rounds.get(name, 0) + match.rounds
    ranked = sorted(
        (name for name in order if name in per_turn),
        key=lambda name: -sum(per_turn[name]) / len(per_turn[name]),
    )
    return [
        Standing(
            rank=rank,
            player=name,
            matches=len(per_turn[name]),
            total=totals[name],
            mean_per_turn=sum(per_turn[name]) / len(per_turn[name]),
            wins=wins[name],
            cooperation=chose_0[name] / rounds[name],
        )
        for rank, name in enumerate(ranked, start=1)
    ]


def _by_name(players: Sequence[Player]) -> dict[str, Player]:
    named: dict[str, Player] = {}
    for p in players:
        name = player_name(p)
        if name in named:
            raise GameError(
                f"two players are called {name!r}",
                "pass a mapping {name: player} to tell them apart",
            )
        named[name] = p
    return named


async def _both(a: Any, b: Any) -> tuple[Answer, Answer]:
    """Await whichever answers are awaitable, concurrently; if one fails the
    other is cancelled."""
    tasks = [asyncio.ensure_future(x) if inspect.isawaitable(x) else None for x in (a, b)]
    try:
        await asyncio.gather(*(t for t in tasks if t is not None))
    finally:
        for t in tasks:
            if t is not None:
                t.cancel()
    return (
        tasks[0].result() if tasks[0] is not None else a,
        tasks[1].result() if tasks[1] is not None else b,
    )


def _move(answer: Answer | Awaitable[Answer], player: Player) -> Move:
    move = answer.move if isinstance(answer, Decision) else answer
    if move.__class__ is not int or move not in (0, 1):
        raise GameError(
            f"player {player_name(player)!r} answered {answer!r}, not a move",
            "a player returns 0 or 1 (the option's index), or a Decision",
        )
    return move  # type: ignore[return-value]
