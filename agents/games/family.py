"""The 144 strict ordinal 2x2 games, generated, and their families.

In a strict ordinal 2x2 game each player ranks the four outcomes 1 (worst)
to 4 (best) without ties. Of the 4! x 4! = 576 such payoff matrices, those
that differ only by relabelling a player's two options are the same game;
every class has exactly four members, so there are 144 games (Robinson &
Goforth, *The Topology of the 2x2 Games: A New Periodic Table*, Routledge,
2005). Akata et al. (2025) play all 144.

**Orientation.** Each game is shown with the row player's best outcome in
column 0 and the column player's best in row 0: one member per class.

**Layout.** Robinson and Goforth arrange the games in a 12 x 12 table. The
row player's 12 oriented rankings form a cycle in which neighbours differ by
swapping two adjacent ranks; we generate it from the ranking
``[[3, 2], [4, 1]]`` by the swaps (2,3), (1,2), (2,3), (1,2), (2,3), (3,4),
twice over. The column player's rankings are the same cycle transposed and
read backwards, so the symmetric games lie on the anti-diagonal (row ``r``,
column ``13 - r``), e.g. the Prisoner's Dilemma at row 6, column 7 and
Chicken at row 1, column 12. Game numbers are ``12 * (row - 1) + column``,
the numbering of the table of 144 games that Akata et al. published
(``all_games/144_games_info.csv`` in github.com/eliaka/repeatedgames).

**Families.** Akata et al.'s table of the 144 games puts each in a family
(after Robinson & Goforth, 2005, and B. R. Bruns, "Names for Games: Locating
2x2 Games", *Games* 6(4):495-520, 2015), by what the players get at the pure
Nash equilibria. The table states no rule; this one is ours, and gives the
table's family for every one of its rows whose payoffs are strict ordinal
(129 of 144; the other 15 rows carry typos). A game goes to the first family
whose condition one of its equilibria meets (a player's payoff at an
equilibrium is 2, 3 or 4, never 1):

=============  ==========================================================  =====
family         an equilibrium where                                        games
=============  ==========================================================  =====
win-win        both get 4                                                  36
biased         one gets 4, the other 3                                     44
unfair         one gets 4, the other 2                                     19
second-best    both get 3                                                  12
PD family      another outcome gives both more (the equilibrium is         7
               Pareto-inferior)
tragic         one gets 3, the other 2, and no outcome gives both more     8
cyclic         (none: no pure equilibrium)                                 18
=============  ==========================================================  =====

The counts are the table's (Win-win 36, Biased 44, Unfair 19, Cyclic 18,
Second best 12, PD family 7, Tragic 8); the tests check that the rule,
applied to the generated games, gives them.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from functools import cache

from pydantic import BaseModel, ConfigDict

from ethos.agents.games.game import Game, GameError

Ranks = tuple[tuple[int, int], tuple[int, int]]


class Family(StrEnum):
    """A family of 2x2 games, by what its equilibria give the players."""

    WIN_WIN = "win-win"
    BIASED = "biased"
    UNFAIR = "unfair"
    SECOND_BEST = "second-best"
    PD_FAMILY = "pd-family"
    TRAGIC = "tragic"
    CYCLIC = "cyclic"


FAMILY_SIZES: Mapping[Family, int] = {
    Family.WIN_WIN: 36,
    Family.BIASED: 44,
    Family.UNFAIR: 19,
    Family.SECOND_BEST: 12,
    Family.PD_FAMILY: 7,
    Family.TRAGIC: 8,
    Family.CYCLIC: 18,
}
"""How many of the 144 games each family holds (Akata et al., 2025)."""


class OrdinalGame(BaseModel):
    """One of the 144 games, with its place in the table and its family."""

    model_config = ConfigDict(frozen=True)

    number: int
    row: int
    column: int
    family: Family
    game: Game


def ranks(game: Game) -> tuple[Ranks, Ranks]:
    """Each player's ranking of the four outcomes, 1 (worst) to 4 (best).
    Raises :class:`GameError` when a player values two outcomes equally."""
    out = []
    for player in (0, 1):
        values = [game.payoffs[i][j][player] for i in (0, 1) for j in (0, 1)]
        if len(set(values)) < 4:
            raise GameError(
                f"game {game.name!r} is not strict ordinal: player {player + 1} values "
                "two outcomes equally",
                "families are defined for games where each player ranks the four outcomes "
                "without ties",
            )
        order = sorted(values)
        r = [order.index(v) + 1 for v in values]
        out.append(((r[0], r[1]), (r[2], r[3])))
    return out[0], out[1]


def classify(game: Game) -> Family:
    """The family of a strict ordinal game (any payoffs: only their order
    counts), by the rules in this module's docstring."""
    row, column = ranks(game)
    outcomes = [(row[i][j], column[i][j]) for i in (0, 1) for j in (0, 1)]
    equilibria = [(row[i][j], column[i][j]) for i, j in game.pure_equilibria()]
    if not equilibria:
        return Family.CYCLIC
    if (4, 4) in equilibria:
        return Family.WIN_WIN
    if (4, 3) in equilibria or (3, 4) in equilibria:
        return Family.BIASED
    if any(4 in e for e in equilibria):
        return Family.UNFAIR
    if (3, 3) in equilibria:
        return Family.SECOND_BEST
    if any(o[0] > e[0] and o[1] > e[1] for e in equilibria for o in outcomes):
        return Family.PD_FAMILY
    return Family.TRAGIC


def _row_rankings() -> list[Ranks]:
    """The row player's 12 oriented rankings in Robinson and Goforth's order."""
    current = (3, 2, 4, 1)  # cells (0,0), (0,1), (1,0), (1,1)
    out = []
    for a, b in [(2, 3), (1, 2), (2, 3), (1, 2), (2, 3), (3, 4)] * 2:
        out.append(((current[0], current[1]), (current[2], current[3])))
        current = tuple(b if v == a else a if v == b else v for v in current)
    return out


@cache
def ordinal_games() -> tuple[OrdinalGame, ...]:
    """The 144 strict ordinal 2x2 games, numbered as in the table."""
    rows = _row_rankings()
    games = []
    for r, mine in enumerate(rows, start=1):
        for c in range(1, 13):
            theirs = rows[12 - c]  # the row ranking of row 13 - c, transposed below
            payoffs = [[(mine[i][j], theirs[j][i]) for j in (0, 1)] for i in (0, 1)]
            number = 12 * (r - 1) + c
            game = Game.from_matrix(payoffs, name=f"ordinal game {number} (row {r}, column {c})")
            games.append(
                OrdinalGame(number=number, row=r, column=c, family=classify(game), game=game)
            )
    return tuple(games)


def ordinal_game(row: int, column: int) -> OrdinalGame:
    """The game at ``row`` and ``column`` (1 to 12 each) of the table."""
    if not (1 <= row <= 12 and 1 <= column <= 12):
        raise GameError(f"the table has rows and columns 1 to 12, not ({row}, {column})")
    return ordinal_games()[12 * (row - 1) + column - 1]


def locate(game: Game) -> OrdinalGame:
    """Which of the 144 games ``game`` is: its payoffs' order, with the
    options relabelled into the table's orientation."""
    row, column = ranks(game)
    flip_columns = row[0][0] != 4 and row[1][0] != 4
    flip_rows = column[0][0] != 4 and column[0][1] != 4

    def orient(r: Ranks) -> Ranks:
        cells = [list(x) for x in r]
        if flip_columns:
            cells = [x[::-1] for x in cells]
        if flip_rows:
            cells = cells[::-1]
        return ((cells[0][0], cells[0][1]), (cells[1][0], cells[1][1]))

    rows = _row_rankings()
    mine = orient(row)
    theirs = orient(column)
    transposed = ((theirs[0][0], theirs[1][0]), (theirs[0][1], theirs[1][1]))
    return ordinal_game(rows.index(mine) + 1, 12 - rows.index(transposed))
