"""Behaviour in a repeated game, measured from one match.

Pure functions of a :class:`~ethos.graphs.games.Match` and a seat (0: the
row player, 1: the column player). Each returns a float, or None where the
match holds no case to measure (forgiveness in a match where the other never
defected). Uncertainty across matches is the harness's business.

"Cooperate" is option 0 unless told otherwise: J in Akata et al.'s
Prisoner's Dilemma. The score is theirs: what a player won over what it
could have won had it got its best payoff every round.

Names: in a Prisoner's Dilemma option 0 is cooperation and
:func:`match_metrics` uses the dilemma's words (``cooperation_rate``,
``forgiveness``, ``retaliation``). In any other game "cooperating" only
means "chose option 0", so the same measures go by what they count:
``option_0_rate``, ``both_option_0_rate``,
``option_0_after_others_first_option_1`` and
``option_1_after_others_option_1`` (:data:`OPTION_NAMES`).
"""

from __future__ import annotations

from typing import Literal

from ethos.agents.games.game import Move
from ethos.graphs.games import Match

Seat = int
Naming = Literal["dilemma", "options"]

OPTION_NAMES = {
    "cooperation_rate": "option_{c}_rate",
    "mutual_cooperation_rate": "both_option_{c}_rate",
    "forgiveness": "option_{c}_after_others_first_option_{d}",
    "retaliation": "option_{d}_after_others_option_{d}",
}
"""The Prisoner's Dilemma's metric names and what they are called in other
games, where ``{c}`` is the option counted as cooperation (0 unless told
otherwise) and ``{d}`` the other."""


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


def prediction_accuracy(match: Match, seat: Seat = 0) -> float | None:
    """The share of rounds in which the seat's prediction of the other's
    move (a Social-Chain-of-Thought player's first answer) came true. None
    when the seat predicted nothing."""
    if not match.decisions:
        return None
    other = 1 - seat
    return _mean(
        [
            said[seat].prediction == moves[other]
            for said, moves in zip(match.decisions, match.moves, strict=True)
            if said[seat] is not None and said[seat].prediction is not None
        ]
    )


def match_metrics(
    match: Match, seat: Seat = 0, *, cooperate: Move = 0, naming: Naming | None = None
) -> dict[str, float | None]:
    """Every metric of this module for one seat of one match, by name.

    ``naming="dilemma"`` uses the Prisoner's Dilemma's words,
    ``"options"`` the option-index names of :data:`OPTION_NAMES`; by default
    the first when the match's game is a Prisoner's Dilemma (a task whose
    games differ passes one naming for all its samples).
    ``prediction_accuracy`` is there when the seat made predictions."""
    values: dict[str, float | None] = {
        "normalised_score": normalised_score(match, seat),
        "cooperation_rate": cooperation_rate(match, seat, cooperate=cooperate),
        "mutual_cooperation_rate": mutual_cooperation_rate(match, cooperate=cooperate),
        "forgiveness": forgiveness(match, seat, cooperate=cooperate),
        "retaliation": retaliation(match, seat, cooperate=cooperate),
        "coordination_rate": coordination_rate(match),
        "alternation_rate": alternation_rate(match, seat),
        "coordinated_alternation": coordinated_alternation(match),
    }
    if naming is None:
        naming = "dilemma" if match.game.is_prisoners_dilemma else "options"
    if naming == "options":
        c, d = cooperate, 1 - cooperate
        values = {
            OPTION_NAMES[k].format(c=c, d=d) if k in OPTION_NAMES else k: v
            for k, v in values.items()
        }
    accuracy = prediction_accuracy(match, seat)
    if accuracy is not None:
        values["prediction_accuracy"] = accuracy
    return values


def _mean(flags: list[bool]) -> float | None:
    return sum(flags) / len(flags) if flags else None
