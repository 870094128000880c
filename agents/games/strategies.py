"""Classic strategies for repeated 2x2 games, as plain functions of the history.

Each strategy maps a :class:`~ethos.agents.games.history.History` to a move
and keeps no state: everything it needs is in the history, and randomised
ones draw from ``history.rng``, fixed by the match seed and the round. So a
strategy can play any number of matches at once, and a match replays exactly.

Option 0 is "cooperate", as in the Prisoner's Dilemma of Akata et al.
(2025) and the axelrod library's C; in other games the same rules still
apply to the options' indices (tit-for-tat copies the other's last move).
The definitions follow the literature's usual ones (Axelrod, *The Evolution
of Cooperation*, 1984; Nowak & Sigmund, Nature 364, 1993, for
win-stay-lose-shift) and, for the deterministic ones, agree move for move
with the axelrod library's strategies of the same name; the tests check that.

:func:`axelrod_player` makes any of the axelrod library's 240-odd
strategies an opponent in a symmetric game such as the Prisoner's Dilemma.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ethos.agents.games.game import GameError, Move
from ethos.agents.games.history import History, Strategy


def always_cooperate(history: History) -> Move:
    """Option 0, every round."""
    return 0


def always_defect(history: History) -> Move:
    """Option 1, every round."""
    return 1


def defect_once(history: History) -> Move:
    """Defect in the first round, cooperate after: Akata et al.'s probe of
    whether a player forgives a single defection."""
    return 1 if not history.mine else 0


def tit_for_tat(history: History) -> Move:
    """Cooperate first, then copy the other's last move."""
    return history.theirs[-1] if history.theirs else 0


def suspicious_tit_for_tat(history: History) -> Move:
    """Tit-for-tat that defects first."""
    return history.theirs[-1] if history.theirs else 1


def tit_for_two_tats(history: History) -> Move:
    """Defect only after two defections in a row: slow to anger."""
    return 1 if history.theirs[-2:] == (1, 1) else 0


def two_tits_for_tat(history: History) -> Move:
    """Defect twice after each defection: quick to punish, slow to forget."""
    return 1 if 1 in history.theirs[-2:] else 0


def hard_tit_for_tat(history: History) -> Move:
    """Defect if the other defected in any of the last three rounds."""
    return 1 if 1 in history.theirs[-3:] else 0


def anti_tit_for_tat(history: History) -> Move:
    """Cooperate first, then do the opposite of the other's last move."""
    return 1 - history.theirs[-1] if history.theirs else 0  # type: ignore[return-value]


def grim_trigger(history: History) -> Move:
    """Cooperate until the other defects once, then defect for good."""
    return 1 if 1 in history.theirs else 0


def win_stay_lose_shift(history: History) -> Move:
    """Cooperate first; then cooperate after a round where both chose the
    same option and defect after one where they differed (Pavlov: Nowak &
    Sigmund, 1993; axelrod's WinStayLoseShift). In a Prisoner's Dilemma that
    is "stay after a win (R or T), shift after a loss (S or P)", but the rule
    reads only the moves, never the payoffs: it plays the same in every
    game, whatever the numbers, as axelrod's does."""
    if not history.mine:
        return 0
    return 0 if history.mine[-1] == history.theirs[-1] else 1


def alternate(history: History) -> Move:
    """Option 0, option 1, option 0, ... whatever the other does."""
    return len(history.mine) % 2  # type: ignore[return-value]


def alternate_1_first(history: History) -> Move:
    """Option 1, option 0, option 1, ... whatever the other does: Akata et
    al.'s alternating Battle-of-the-Sexes opponent, which starts with F."""
    return 1 - len(history.mine) % 2  # type: ignore[return-value]


def cycle(*moves: Move) -> Strategy:
    """Repeat ``moves`` in order, whatever the other does: ``cycle(1, 0)``
    is Akata et al.'s alternating Battle-of-the-Sexes opponent (F, J, ...)."""
    if not moves or any(m not in (0, 1) for m in moves):
        raise GameError(f"cycle() needs moves of 0 or 1, got {moves!r}", "e.g. cycle(1, 0)")

    def play(history: History) -> Move:
        return moves[len(history.mine) % len(moves)]

    return _named(play, f"cycle({', '.join(map(str, moves))})")


def generous_tit_for_tat(generosity: float = 0.1) -> Strategy:
    """Tit-for-tat that forgives a defection with probability ``generosity``
    (10% by default, as in Wu & Axelrod, 1995), drawn from the match seed."""
    _check_probability(generosity, "generosity")

    def play(history: History) -> Move:
        if not history.theirs or history.theirs[-1] == 0:
            return 0
        return 0 if history.rng("generous", history.round).random() < generosity else 1

    return _named(play, f"generous_tit_for_tat({generosity:g})")


def naive_prober(probability: float = 0.1) -> Strategy:
    """Tit-for-tat that defects unprovoked with ``probability`` (Akata et
    al. use 10% and 20%), drawn from the match seed."""
    _check_probability(probability, "probability")

    def play(history: History) -> Move:
        if not history.theirs:
            return 0
        if history.theirs[-1] == 1:
            return 1
        return 1 if history.rng("probe", history.round).random() < probability else 0

    return _named(play, f"naive_prober({probability:g})")


def random_moves(cooperation: float = 0.5) -> Strategy:
    """Option 0 with probability ``cooperation``, else option 1, drawn from
    the match seed."""
    _check_probability(cooperation, "cooperation")

    def play(history: History) -> Move:
        return 0 if history.rng("random", history.round).random() < cooperation else 1

    return _named(play, f"random_moves({cooperation:g})")


def classic_strategies() -> dict[str, Strategy]:
    """The classic strategies by name, randomised ones with their defaults:
    a ready-made field for a tournament."""
    strategies: list[Strategy] = [
        always_cooperate,
        always_defect,
        defect_once,
        tit_for_tat,
        suspicious_tit_for_tat,
        tit_for_two_tats,
        two_tits_for_tat,
        hard_tit_for_tat,
        anti_tit_for_tat,
        grim_trigger,
        win_stay_lose_shift,
        alternate,
        generous_tit_for_tat(),
        naive_prober(),
        random_moves(),
    ]
    return {s.__name__: s for s in strategies}


def named_strategies() -> dict[str, Strategy]:
    """Every strategy a task can name in ``-T opponents``: the classic field,
    and opponents that are not part of it (the F-first alternation of Akata
    et al.'s Battle of the Sexes)."""
    return {**classic_strategies(), "alternate_1_first": alternate_1_first}


class AxelrodPlayer:
    """An axelrod library strategy as an ethos player, for symmetric games.

    axelrod players keep state, ethos players see the whole history: this
    adapter keeps one axelrod player per match (keyed by the match seed) and
    feeds it each round's moves; whenever the history it is shown does not
    extend the one it has followed, it replays that history into a fresh
    copy, so the answer is always the strategy's answer to exactly this
    history.
    """

    needs_symmetric_game = True
    """axelrod plays on (R, S, T, P) alone: tasks refuse it on another game
    when they are built, not in every sample."""

    def __init__(self, strategy: Any, *, name: str | None = None) -> None:
        axl = _axelrod()
        if isinstance(strategy, str):
            strategy = _find_strategy(axl, strategy)
        prototype = strategy() if isinstance(strategy, type) else strategy
        if not isinstance(prototype, axl.Player):
            raise GameError(
                f"{strategy!r} is not an axelrod strategy",
                "pass a class such as axelrod.TitForTat, an instance, or its name",
            )
        cheats = ("inspects_source", "manipulates_source", "manipulates_state")
        if any(axl.Classifiers[c](prototype) for c in cheats):
            raise GameError(
                f"{prototype.name} reads or changes its opponent's code and state, "
                "which an ethos player does not expose",
                "pick a strategy that plays on the moves alone",
            )
        self._prototype = prototype
        self._actions = (axl.Action.C, axl.Action.D)
        self.name = name or f"axelrod:{prototype.name}"
        self._matches: dict[int, _Followed] = {}

    def __call__(self, history: History) -> Move:
        state = self._matches.get(history.seed)
        if state is None or not state.extended_by(history):
            state = self._start(history)
        me, other, c, d = state.player, state.other, *self._actions
        for k in range(len(state.mine), len(history.mine)):
            if state.asked <= k:  # a replayed round: the strategy moves as it did then
                me.strategy(other)
                state.asked += 1
            mine, theirs = (c, d)[history.mine[k]], (c, d)[history.theirs[k]]
            me.update_history(mine, theirs)
            other.update_history(theirs, mine)
        state.mine, state.theirs = history.mine, history.theirs
        move = 0 if me.strategy(other) == c else 1
        state.asked += 1
        if history.round >= history.rounds:
            del self._matches[history.seed]  # its last move in this match
        return move  # type: ignore[return-value]

    def _start(self, history: History) -> _Followed:
        axl = _axelrod()
        p = history.game.payoffs
        if not history.game.is_symmetric:
            raise GameError(
                f"{self.name} plays symmetric games only, and {history.game.name!r} is not one",
                "play axelrod strategies on the Prisoner's Dilemma or another symmetric game",
            )
        me, other = self._prototype.clone(), axl.Player()
        game = axl.Game(r=p[0][0][0], s=p[0][1][0], t=p[1][0][0], p=p[1][1][0])
        me.set_match_attributes(length=history.rounds, game=game, noise=0)
        me.set_seed(history.seed % 2**32)
        if len(self._matches) >= 1024:  # matches abandoned midway
            del self._matches[next(iter(self._matches))]
        state = self._matches[history.seed] = _Followed(me, other)
        return state


class _Followed:
    """One match as an axelrod player has followed it."""

    def __init__(self, player: Any, other: Any) -> None:
        self.player, self.other = player, other
        self.mine: tuple[Move, ...] = ()
        self.theirs: tuple[Move, ...] = ()
        self.asked = 0  # how many moves the strategy has been asked for

    def extended_by(self, history: History) -> bool:
        """Whether ``history`` continues this match (not a replay of a round
        the strategy has already been asked about)."""
        n = len(self.mine)
        return (
            len(history.mine) >= self.asked
            and history.mine[:n] == self.mine
            and history.theirs[:n] == self.theirs
        )


def axelrod_player(strategy: Any, *, name: str | None = None) -> AxelrodPlayer:
    """An opponent that plays ``strategy`` from the axelrod library: a class
    (``axelrod.TitForTat``), an instance with parameters
    (``axelrod.GTFT(p=0.2)``) or a name (``"Tit For Tat"``, ``"TitForTat"``).
    Needs ``axelrod`` installed (it is a development dependency)."""
    return AxelrodPlayer(strategy, name=name)


def _axelrod() -> Any:
    try:
        import axelrod
    except ImportError:
        raise GameError(
            "the axelrod library is not installed",
            "pip install 'axelrod>=4.13,<5' (it comes with ethos[dev])",
        ) from None
    return axelrod


def _find_strategy(axl: Any, name: str) -> type:
    wanted = name.replace(" ", "").lower()
    for cls in axl.all_strategies:
        if wanted in (cls.__name__.lower(), cls.name.replace(" ", "").lower()):
            return cls
    raise GameError(
        f"the axelrod library has no strategy named {name!r}",
        "use a class name such as 'TitForTat' or a display name such as 'Tit For Tat'",
    )


def _check_probability(value: float, what: str) -> None:
    if not 0.0 <= value <= 1.0:
        raise GameError(f"{what} must be a probability in [0, 1], got {value!r}")


def _named(fn: Callable[[History], Move], name: str) -> Strategy:
    fn.__name__ = fn.__qualname__ = name
    return fn
