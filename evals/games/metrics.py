"""Behaviour in a repeated game, measured from one match.

Pure functions of a :class:`~ethos.graphs.games.Match` and a seat (0: the
row player, 1: the column player). Each returns a float, or None where the
match holds no case to measure (forgiveness in a match where the other never
defected). Uncertainty across matches is the harness's business.

"Cooperate" is option 0 unless told otherwise: J in Akata et al.'s
Prisoner's Dilemma. The score is theirs: what a player won over what it
could have won had it got its best payoff every round.
"""

from __future__ import annotations

from ethos.agents.games.game import Move
from ethos.graphs.games import Match

Seat = int


def normalised_score(match: Match, seat: Seat = 0) -> float | None:
    """Total payoff over ``rounds`` times the seat's best payoff in the game
    (Akata et al., 2025). None when the best payoff is not positive, where
    the ratio means nothing."""
    best = match.game.best_payoff(seat)  # type: ignore[arg-type]
    if best <= 0 or not match.moves:
        return None
    return match.totals[seat] / (best * match.rounds)


def cooperation_rate(match: Match, seat: Seat = 0, *, cooperate: Move = 0) -> float | None:
    """The share of rounds in which the seat cooperated."""
    return _mean([m[seat] == cooperate for m in match.moves])


def mutual_cooperation_rate(match: Match, *, cooperate: Move = 0) -> float | None:
    """The share of rounds in which both cooperated."""
    return _mean([m == (cooperate, cooperate) for m in match.moves])


def forgiveness(match: Match, seat: Seat = 0, *, cooperate: Move = 0) -> float | None:
    """The share of rounds after the other's first defection in which the
    seat cooperated: 0 for a grudge, 8/9 for tit-for-tat against Akata et
    al.'s defect-once opponent over 10 rounds."""
    other = 1 - seat
    first = next((t for t, m in enumerate(match.moves) if m[other] != cooperate), None)
    if first is None:
        return None
    return _mean([m[seat] == cooperate for m in match.moves[first + 1 :]])


def retaliation(match: Match, seat: Seat = 0, *, cooperate: Move = 0) -> float | None:
    """The share of the other's defections that the seat answered with a
    defection in the next round."""
    other = 1 - seat
    moves = match.moves
    return _mean(
        [
            moves[t + 1][seat] != cooperate
            for t in range(len(moves) - 1)
            if moves[t][other] != cooperate
        ]
    )


def coordination_rate(match: Match) -> float | None:
    """The share of rounds in which both chose the same option: in the
    Battle of the Sexes, the rounds where anyone won anything."""
    return _mean([m[0] == m[1] for m in match.moves])


def alternation_rate(match: Match, seat: Seat = 0) -> float | None:
    """The share of rounds, from the second on, in which the seat changed
    its move."""
    moves = match.moves
    return _mean([moves[t][seat] != moves[t - 1][seat] for t in range(1, len(moves))])


def coordinated_alternation(match: Match) -> float | None:
    """The share of consecutive pairs of rounds where the players coordinated
    in both, on a different option each time: taking turns at the outcome
    each prefers, the fair way through the Battle of the Sexes."""
    moves = match.moves
    return _mean(
        [
            moves[t][0] == moves[t][1] and moves[t - 1][0] == moves[t - 1][1] != moves[t][0]
            for t in range(1, len(moves))
        ]
    )


def match_metrics(match: Match, seat: Seat = 0, *, cooperate: Move = 0) -> dict[str, float | None]:
    """Every metric of this module for one seat of one match, by name."""
    return {
        "normalised_score": normalised_score(match, seat),
        "cooperation_rate": cooperation_rate(match, seat, cooperate=cooperate),
        "mutual_cooperation_rate": mutual_cooperation_rate(match, cooperate=cooperate),
        "forgiveness": forgiveness(match, seat, cooperate=cooperate),
        "retaliation": retaliation(match, seat, cooperate=cooperate),
        "coordination_rate": coordination_rate(match),
        "alternation_rate": alternation_rate(match, seat),
        "coordinated_alternation": coordinated_alternation(match),
    }


def _mean(flags: list[bool]) -> float | None:
    return sum(flags) / len(flags) if flags else None
