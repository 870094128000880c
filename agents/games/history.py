"""What a player sees before it moves, and what it may answer.

Every player, a three-line strategy or a language model, is a callable that
takes a :class:`History` and returns a move (``0`` or ``1``), a
:class:`Decision`, or an awaitable of either. The history carries everything
a player may use: the game from its own side (it is always the row player),
both players' past moves, the announced number of rounds and a seed that is
its own for this match, so that randomised players replay exactly.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Awaitable, Callable
from typing import NamedTuple, TypeAlias

from pydantic import BaseModel, ConfigDict

from ethos.agents.games.game import Game, Move


class History(NamedTuple):
    """The state of a match as one player sees it, before its next move.

    A named tuple, not a pydantic model: the engine builds two of these every
    round, and a 200-round tournament must not pay validation for them.
    """

    game: Game
    """The game with this player as the row player."""
    mine: tuple[Move, ...]
    """This player's moves so far, oldest first."""
    theirs: tuple[Move, ...]
    """The other player's moves so far, oldest first."""
    rounds: int
    """How many rounds the match has in total (the players are told)."""
    seed: int
    """This player's seed for this match."""

    @property
    def round(self) -> int:
        """The round about to be played, counting from 1."""
        return len(self.mine) + 1

    def rng(self, *salt: object) -> random.Random:
        """A generator fixed by this player's seed and ``salt``: the same
        history and salt always give the same draws, whatever else ran."""
        return random.Random(f"{self.seed}:{':'.join(map(str, salt))}")


class Decision(BaseModel):
    """A move with what the player said along the way. Plain strategies
    return a bare move; language-model players return this, so the match
    keeps their prediction of the other player and the options' scores."""

    model_config = ConfigDict(frozen=True)

    move: Move
    prediction: Move | None = None
    """The move the player predicted for the other player (social chain of thought)."""
    logprobs: tuple[float, float] | None = None
    """Log-probabilities of options 0 and 1, where the model scored them."""


Answer: TypeAlias = Move | Decision
Player: TypeAlias = Callable[[History], Answer | Awaitable[Answer]]
Strategy: TypeAlias = Callable[[History], Move]


def derive_seed(*parts: object) -> int:
    """A seed for a part of a run (a match, a seat) from the run's seed and
    the part's name: stable across processes, unlike ``hash``."""
    digest = hashlib.blake2b(repr(parts).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> 1


def player_name(player: Player) -> str:
    """What to call a player in a match record: its ``name``, else the
    function's name."""
    name = getattr(player, "name", None) or getattr(player, "__name__", None)
    return str(name) if name else type(player).__name__
