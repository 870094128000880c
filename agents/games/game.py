"""Two-player, two-option games as data.

A :class:`Game` is a payoff matrix and nothing else: which two options each
player has, and what each player wins for each of the four outcomes. How a
game is played (rounds, history, prompts) lives elsewhere, so the same game
object serves a scripted strategy, a language model and an analysis of its
equilibria.

Conventions, used throughout ``ethos.agents.games``:

- A move is the index of an option: ``0`` for ``options[0]``, ``1`` for
  ``options[1]``. Both players choose between the same two labels, as in
  Akata et al. (2025), where both pick "Option J" or "Option F".
- ``payoffs[i][j]`` is ``(row player's payoff, column player's payoff)``
  when the row player picks ``i`` and the column player picks ``j``.
- In the Prisoner's Dilemma, option 0 is cooperation.

The canonical games use the payoffs of Akata, Schulz, Coda-Forno, Oh,
Bethge and Schulz, "Playing repeated games with large language models",
Nature Human Behaviour (2025), arXiv:2305.16867.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, model_validator

from ethos.errors import EthosError

Move = Literal[0, 1]
Payoff = tuple[float, float]
Row = tuple[Payoff, Payoff]

_SHAPE_FIX = (
    "give a 2x2 matrix of (row payoff, column payoff) pairs, e.g. "
    "[[(8, 8), (0, 10)], [(10, 0), (5, 5)]], or a mapping "
    "{row option: {column option: (row payoff, column payoff)}}"
)


class GameError(EthosError):
    """A game cannot be built or played as asked."""


class PayoffMatrixError(GameError):
    """The payoff matrix of a game is malformed (shape, numbers, labels)."""


class Game(BaseModel):
    """A 2x2 game: two option labels shared by both players and a payoff pair
    for each of the four outcomes.

    Build one directly, with :meth:`from_matrix` (pairs, or a mapping keyed by
    the option labels), or with :meth:`symmetric` (the row player's payoffs
    only). A malformed matrix raises one :class:`PayoffMatrixError` that names
    the problem and the fix.
    """

    model_config = ConfigDict(frozen=True)

    name: str
    options: tuple[str, str]
    payoffs: tuple[Row, Row]

    @model_validator(mode="before")
    @classmethod
    def _check(cls, data: Any) -> Any:
        # One clear error per problem, raised as ours (not a ValueError, which
        # pydantic would bury in its own list of errors).
        if not isinstance(data, Mapping):
            return data
        name = data.get("name", "game")
        options = _check_options(data.get("options"), name)
        payoffs = _check_payoffs(data.get("payoffs"), options, name)
        return {**data, "options": options, "payoffs": payoffs}

    @classmethod
    def from_matrix(
        cls,
        payoffs: Sequence[Sequence[Sequence[float]]] | Mapping[str, Mapping[str, Sequence[float]]],
        *,
        options: Sequence[str] = ("J", "F"),
        name: str = "custom",
    ) -> Game:
        """A game from its payoff matrix: ``payoffs[i][j] = (row, column)``,
        or ``{row option: {column option: (row, column)}}``."""
        return cls(name=name, options=tuple(options), payoffs=payoffs)  # type: ignore[arg-type]

    @classmethod
    def symmetric(
        cls,
        payoffs: Sequence[Sequence[float]],
        *,
        options: Sequence[str] = ("J", "F"),
        name: str = "custom",
    ) -> Game:
        """A symmetric game from the row player's payoffs alone: the column
        player's are the transpose, so ``[[R, S], [T, P]]`` is a dilemma."""
        rows = _check_rows(payoffs, name, width=1)
        pairs = [[(rows[i][j], rows[j][i]) for j in range(2)] for i in range(2)]
        return cls(name=name, options=tuple(options), payoffs=pairs)  # type: ignore[arg-type]

    def payoff(self, row: Move, column: Move) -> Payoff:
        """The (row, column) payoffs when the row player picks ``row`` and the
        column player picks ``column``."""
        return self.payoffs[row][column]

    def swapped(self) -> Game:
        """The same game seen from the column player's side: it becomes the
        row player. Every player in ethos reads a game as the row player."""
        p = self.payoffs
        pairs = tuple(tuple((p[j][i][1], p[j][i][0]) for j in range(2)) for i in range(2))
        return self.model_copy(update={"payoffs": pairs})

    @property
    def is_symmetric(self) -> bool:
        """Whether both players face the same game (the swap changes nothing)."""
        return self.swapped().payoffs == self.payoffs

    @property
    def is_prisoners_dilemma(self) -> bool:
        """Whether each player, with option 0 as cooperation, ranks the
        outcomes T > R > P > S: defecting on a cooperator pays best, mutual
        cooperation next, mutual defection next, being defected on least.
        Where this holds, "cooperation" names option 0 truthfully."""
        p = self.payoffs
        row = (p[1][0][0], p[0][0][0], p[1][1][0], p[0][1][0])  # T, R, P, S
        column = (p[0][1][1], p[0][0][1], p[1][1][1], p[1][0][1])
        return all(t > r > q > s for t, r, q, s in (row, column))

    def best_payoff(self, player: Literal[0, 1] = 0) -> float:
        """The most ``player`` (0: row, 1: column) can win in one round."""
        return max(cell[player] for row in self.payoffs for cell in row)

    def pure_equilibria(self) -> list[tuple[Move, Move]]:
        """The pure-strategy Nash equilibria, as (row move, column move): no
        player wins strictly more by changing only its own move. With ties a
        profile can be an equilibrium without being strict."""
        p = self.payoffs
        return [
            (i, j)
            for i in (0, 1)
            for j in (0, 1)
            if p[i][j][0] >= p[1 - i][j][0] and p[i][j][1] >= p[i][1 - j][1]
        ]


def _check_options(options: Any, name: str) -> tuple[str, str]:
    fix = "give two different, non-empty labels, e.g. options=('J', 'F')"
    if isinstance(options, str) or not isinstance(options, Sequence) or len(options) != 2:
        raise PayoffMatrixError(f"game {name!r}: options must be two labels, got {options!r}", fix)
    if not all(isinstance(o, str) and o.strip() for o in options):
        raise PayoffMatrixError(f"game {name!r}: option labels must be non-empty text", fix)
    if options[0] == options[1]:
        raise PayoffMatrixError(f"game {name!r}: both options are labelled {options[0]!r}", fix)
    return (options[0], options[1])


def _check_payoffs(payoffs: Any, options: tuple[str, str], name: str) -> tuple[Row, Row]:
    if isinstance(payoffs, Mapping):
        payoffs = _from_mapping(payoffs, options, name)
    cells = _check_rows(payoffs, name, width=2, options=options)
    return (
        ((cells[0][0][0], cells[0][0][1]), (cells[0][1][0], cells[0][1][1])),
        ((cells[1][0][0], cells[1][0][1]), (cells[1][1][0], cells[1][1][1])),
    )


def _from_mapping(
    payoffs: Mapping[Any, Any], options: tuple[str, str], name: str
) -> list[list[Any]]:
    fix = f"key the matrix by the game's options {list(options)} for rows and for columns"
    if set(payoffs) != set(options):
        raise PayoffMatrixError(
            f"game {name!r}: the payoff matrix's rows are labelled {sorted(map(str, payoffs))}, "
            f"but the options are {list(options)}",
            fix,
        )
    rows = []
    for row in options:
        cells = payoffs[row]
        if not isinstance(cells, Mapping) or set(cells) != set(options):
            got = sorted(map(str, cells)) if isinstance(cells, Mapping) else repr(cells)
            raise PayoffMatrixError(
                f"game {name!r}: row {row!r} of the payoff matrix has columns {got}, "
                f"but the options are {list(options)}",
                fix,
            )
        rows.append([cells[column] for column in options])
    return rows


def _check_rows(
    rows: Any, name: str, *, width: int, options: Sequence[str] = ("0", "1")
) -> list[list[Any]]:
    """Check a 2x2 matrix whose cells are ``width`` numbers (a pair of payoffs,
    or a single payoff when width is 1); return it with floats in the cells."""
    fix = _SHAPE_FIX if width == 2 else "give [[R, S], [T, P]]: the row player's payoffs"
    what = "pair of payoffs" if width == 2 else "payoff"
    if isinstance(rows, str | bytes) or not isinstance(rows, Sequence):
        raise PayoffMatrixError(f"game {name!r}: the payoff matrix is {rows!r}, not a matrix", fix)
    if len(rows) != 2:
        raise PayoffMatrixError(
            f"game {name!r}: the payoff matrix has {len(rows)} rows; a 2x2 game has 2", fix
        )
    out: list[list[Any]] = []
    for i, row in enumerate(rows):
        if isinstance(row, str | bytes) or not isinstance(row, Sequence) or len(row) != 2:
            size = len(row) if isinstance(row, Sequence) else "no"
            raise PayoffMatrixError(
                f"game {name!r}: row {options[i]!r} of the payoff matrix has {size} cells; "
                "a 2x2 game has 2",
                fix,
            )
        cells = []
        for j, cell in enumerate(row):
            where = f"game {name!r}: the cell (row {options[i]!r}, column {options[j]!r})"
            values = [cell] if width == 1 else cell
            if width == 2 and (
                isinstance(cell, str | bytes) or not isinstance(cell, Sequence) or len(cell) != 2
            ):
                raise PayoffMatrixError(f"{where} is {cell!r}, not a {what}", fix)
            numbers = [_number(v, where, fix) for v in values]
            cells.append(numbers[0] if width == 1 else tuple(numbers))
        out.append(cells)
    return out


def _number(value: Any, where: str, fix: str) -> float:
    # numpy scalars and Decimals are numbers; text and booleans are not
    try:
        if isinstance(value, str | bytes | bool):
            raise TypeError
        number = float(value)
    except (TypeError, ValueError):
        raise PayoffMatrixError(
            f"{where} holds {value!r} ({type(value).__name__}), not a number", fix
        ) from None
    if not math.isfinite(number):
        raise PayoffMatrixError(
            f"{where} holds {value!r}; payoffs must be finite numbers", "replace it with a number"
        )
    return number


PRISONERS_DILEMMA = Game.symmetric([[8, 0], [10, 5]], options=("J", "F"), name="Prisoner's Dilemma")
"""Akata et al.'s payoffs: J is cooperation. Both J: 8 each; J against F: 0
and 10; both F: 5 each."""

BATTLE_OF_THE_SEXES = Game.from_matrix(
    [[(10, 7), (0, 0)], [(0, 0), (7, 10)]], options=("J", "F"), name="Battle of the Sexes"
)
"""Akata et al.'s payoffs: both J gives the row player 10 and the column
player 7, both F the reverse, a mismatch nothing to either."""
