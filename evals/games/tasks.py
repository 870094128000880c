"""The games tasks: a model plays repeated 2x2 games against opponents.

Each sample is one match: the model (as an LLM or Social-Chain-of-Thought
player) against one opponent, in one seat. Its score is the dict of
:func:`ethos.evals.games.metrics.match_metrics` for the model's seat, so a
report shows the normalised score, cooperation, forgiveness, retaliation,
coordination and alternation per arm, with intervals. A task whose games are
all Prisoner's Dilemmas uses those words; any other names the measures by
option (``option_0_rate``, ...), since there option 0 is not "cooperation".

Every task takes the framing arguments of Akata et al.'s robustness checks:
``units``, ``story`` (a cover story), ``random_labels``, ``shuffle_order``
and ``option_prefix`` ("Option", as in "Option J"; "" for bare labels).

``games/match`` puts two language models against each other: the arm's
model and the model of the ``opponent`` role (``--model-role
opponent=MODEL``; without it the arm plays itself), in both seats, with
both players' moves, payoffs, decisions and metrics stored.

    ethos eval run games/prisoners_dilemma --model openai/gpt-4o -T rounds=10
    ethos eval run games/family --model local/tiny -T family=pd-family -T shuffle_order=true
    ethos eval run games/battle_of_the_sexes --model local/tiny \
        -T opponents=always_cooperate,always_defect,alternate_1_first
    ethos eval run games/match --model openai/gpt-4o --model-role opponent=local/tiny
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, get_args

from pydantic import BaseModel, ConfigDict

from ethos.agents.games.family import Family, ordinal_game, ordinal_games
from ethos.agents.games.game import BATTLE_OF_THE_SEXES, PRISONERS_DILEMMA, Game
from ethos.agents.games.players import LLMPlayer, SocialChainOfThoughtPlayer, Units
from ethos.agents.games.strategies import AxelrodPlayer, axelrod_player, named_strategies
from ethos.evals.games.metrics import Naming, match_metrics
from ethos.evals.task import Sample, Score, SolverContext, Task, TaskError, scorer, task
from ethos.graphs.games import Match, play_match

PLAYERS = {"llm": LLMPlayer, "scot": SocialChainOfThoughtPlayer}


class MatchOutput(BaseModel):
    """What a games sample produces: the match and where the model sat."""

    model_config = ConfigDict(frozen=True)

    opponent: str
    seat: int
    match: Match
    naming: Naming = "dilemma"
    """Which metric names the task uses (the same for all its samples)."""


@scorer("game")
def game_metrics(sample: Sample, output: MatchOutput, ctx: SolverContext) -> Score:
    """Every match metric for the model's seat."""
    totals = output.match.totals
    return Score(
        value=match_metrics(output.match, output.seat, naming=output.naming),
        explanation=f"{totals[output.seat]:g} v {totals[1 - output.seat]:g} "
        f"against {output.opponent}",
    )


def opponents_named(spec: str) -> list[str]:
    """``classic`` (every classic strategy), or a comma list of strategy
    names (the classic ones and ``alternate_1_first``) and
    ``axelrod:<Strategy>``."""
    known = named_strategies()
    classic = [n for n in known if n != "alternate_1_first"]
    names = classic if spec == "classic" else [n.strip() for n in spec.split(",") if n.strip()]
    unknown = [n for n in names if n not in known and not n.startswith("axelrod:")]
    if unknown or not names:
        raise TaskError(
            f"unknown opponent(s) {', '.join(unknown) or '(none given)'}",
            f"use 'classic', or names among {', '.join(known)}, or axelrod:<Strategy>",
        )
    return names


def opponent(name: str) -> Any:
    if name.startswith("axelrod:"):
        return axelrod_player(name.removeprefix("axelrod:"))
    return named_strategies()[name]


def seats_named(spec: str) -> tuple[int, ...]:
    seats = {"both": (0, 1), "row": (0,), "column": (1,)}
    if spec not in seats:
        raise TaskError(f"unknown seats {spec!r}", "use both, row or column")
    return seats[spec]


def _check_player(player: str, what: str = "player") -> None:
    if player not in PLAYERS:
        raise TaskError(f"unknown {what} {player!r}", f"use one of {', '.join(PLAYERS)}")


def _check_rounds(rounds: int) -> None:
    if rounds < 1:
        raise TaskError(f"rounds must be at least 1, not {rounds}", "pass -T rounds=10")


def _naming(games: Sequence[tuple[str, Game]]) -> Naming:
    """The dilemma's words only when every game of the task is a Prisoner's
    Dilemma, so that one metric name means one thing across the samples."""
    return "dilemma" if all(g.is_prisoners_dilemma for _, g in games) else "options"


def _check_symmetric(rivals: Sequence[str], games: Sequence[tuple[str, Game]]) -> None:
    """Opponents that play symmetric games only are refused when the task is
    built, not in every sample."""
    asymmetric = [g.name for _, g in games if not g.is_symmetric]
    if not asymmetric:
        return
    for name in dict.fromkeys(rivals):
        # axelrod's strategies are known by name: no need to import axelrod
        # (seconds) to refuse one
        player = AxelrodPlayer if name.startswith("axelrod:") else opponent(name)
        if getattr(player, "needs_symmetric_game", False):
            which = asymmetric[0] if len(asymmetric) == 1 else f"{len(asymmetric)} games"
            raise TaskError(
                f"opponent {name} plays symmetric games only, and {which} of this task "
                f"{'is' if len(asymmetric) == 1 else 'are'} not symmetric",
                "drop it from -T opponents, or play it on games/prisoners_dilemma "
                "(or a symmetric games/custom game)",
            )


def _check_axelrod(rivals: Sequence[str]) -> None:
    """axelrod opponents are looked up when the task is built (one import of
    axelrod, which every sample would pay anyway): a misspelt name, an
    unplayable strategy or a missing library is one error, not a failure in
    every sample."""
    for name in dict.fromkeys(rivals):
        if name.startswith("axelrod:"):
            opponent(name)


def _arm_player(kind: str, ctx: SolverContext, framing: dict[str, Any]) -> Any:
    """The arm's model as a player of ``kind``, with the arm's model
    arguments and interventions: the one way a task seats the arm, so a
    steered arm is steered in every task and in self-play's both seats."""
    return PLAYERS[kind](
        model=ctx.model,
        model_args=dict(ctx.model_args),
        interventions=tuple(ctx.interventions),
        **framing,
    )


def match_task(
    name: str,
    games: Sequence[tuple[str, Game]],
    *,
    rounds: int,
    opponents: str,
    player: str,
    seats: str,
    framing: dict[str, Any],
) -> Task:
    _check_player(player)
    _check_rounds(rounds)
    rivals = opponents_named(opponents)
    _check_symmetric(rivals, games)
    _check_axelrod(rivals)
    naming = _naming(games)
    by_key = dict(games)
    samples = [
        Sample(
            id=f"{key}/{rival}/{'row' if seat == 0 else 'column'}",
            input={"game": key, "opponent": rival, "seat": seat, "rounds": rounds},
            metadata={"game": by_key[key].name},
        )
        for key, _ in games
        for rival in rivals
        for seat in seats_named(seats)
    ]

    async def solve(sample: Sample, ctx: SolverContext) -> MatchOutput:
        spec = sample.input
        me = _arm_player(player, ctx, framing)
        rival = opponent(spec["opponent"])
        pair = (me, rival) if spec["seat"] == 0 else (rival, me)
        names = (me.name, spec["opponent"]) if spec["seat"] == 0 else (spec["opponent"], me.name)
        played = await play_match(
            by_key[spec["game"]], *pair, rounds=spec["rounds"], seed=ctx.seed, names=names
        )
        return MatchOutput(
            opponent=spec["opponent"], seat=spec["seat"], match=played, naming=naming
        )

    return Task(name=name, samples=samples, solver=solve, scorers=[game_metrics])


def _framing(
    units: str,
    story: str | None,
    random_labels: bool,
    shuffle_order: bool,
    option_prefix: str,
) -> dict[str, Any]:
    if units not in get_args(Units):
        raise TaskError(f"unknown units {units!r}", f"use one of {', '.join(get_args(Units))}")
    return {
        "units": units,
        "story": story,
        "random_labels": random_labels,
        "shuffle_order": shuffle_order,
        "option_prefix": option_prefix,
    }


def canonical_task(key: str, game: Game) -> Any:
    """The registered task for one of the paper's two canonical games; its
    keyword parameters are the task's -T arguments."""

    def factory(
        rounds: int = 10,
        opponents: str = "classic",
        player: str = "llm",
        seats: str = "both",
        units: str = "points",
        story: str | None = None,
        random_labels: bool = False,
        shuffle_order: bool = False,
        option_prefix: str = "Option",
    ) -> Task:
        return match_task(
            f"games/{key}",
            [(key, game)],
            rounds=rounds,
            opponents=opponents,
            player=player,
            seats=seats,
            framing=_framing(units, story, random_labels, shuffle_order, option_prefix),
        )

    factory.__name__ = key
    factory.__doc__ = f"Akata et al.'s {game.name} against classic strategies."
    return task(f"games/{key}")(factory)


prisoners_dilemma = canonical_task("prisoners_dilemma", PRISONERS_DILEMMA)
battle_of_the_sexes = canonical_task("battle_of_the_sexes", BATTLE_OF_THE_SEXES)


@task("games/family")
def family(
    family: str | None = None,
    rounds: int = 10,
    opponents: str = "tit_for_tat,always_defect",
    player: str = "llm",
    seats: str = "both",
    units: str = "points",
    story: str | None = None,
    random_labels: bool = False,
    shuffle_order: bool = False,
    option_prefix: str = "Option",
) -> Task:
    """The 144 strict ordinal 2x2 games (one family with -T family=...)."""
    chosen = ordinal_games()
    if family is not None:
        try:
            wanted = Family(family)
        except ValueError:
            raise TaskError(
                f"unknown family {family!r}", f"use one of {', '.join(f.value for f in Family)}"
            ) from None
        chosen = tuple(g for g in chosen if g.family == wanted)
    games = [(f"g{g.number:03d}", g.game) for g in chosen]
    return match_task(
        "games/family",
        games,
        rounds=rounds,
        opponents=opponents,
        player=player,
        seats=seats,
        framing=_framing(units, story, random_labels, shuffle_order, option_prefix),
    )


@task("games/custom")
def custom(
    payoffs: Any,
    options: str = "J,F",
    name: str = "custom game",
    rounds: int = 10,
    opponents: str = "classic",
    player: str = "llm",
    seats: str = "both",
    units: str = "points",
    story: str | None = None,
    random_labels: bool = False,
    shuffle_order: bool = False,
    option_prefix: str = "Option",
) -> Task:
    """A game of your own: -T payoffs='[[[r,c],[r,c]],[[r,c],[r,c]]]' (row
    player's and column player's payoff for each pair of options)."""
    labels = tuple(o.strip() for o in options.split(","))
    game = Game.from_matrix(payoffs, options=labels, name=name)
    return match_task(
        "games/custom",
        [("custom", game)],
        rounds=rounds,
        opponents=opponents,
        player=player,
        seats=seats,
        framing=_framing(units, story, random_labels, shuffle_order, option_prefix),
    )


# --- language model against language model ------------------------------------------

CANONICAL = {"prisoners_dilemma": PRISONERS_DILEMMA, "battle_of_the_sexes": BATTLE_OF_THE_SEXES}


def games_named(spec: str) -> list[tuple[str, Game]]:
    """A comma list of ``prisoners_dilemma``, ``battle_of_the_sexes`` and
    numbers 1 to 144 of the ordinal games' table."""
    out: list[tuple[str, Game]] = []
    for item in (x.strip() for x in str(spec).split(",")):
        if item in CANONICAL:
            out.append((item, CANONICAL[item]))
        elif item.isdigit() and 1 <= int(item) <= 144:
            entry = ordinal_game((int(item) - 1) // 12 + 1, (int(item) - 1) % 12 + 1)
            out.append((f"g{entry.number:03d}", entry.game))
        else:
            raise TaskError(
                f"unknown game {item!r}",
                "use prisoners_dilemma, battle_of_the_sexes or a number 1 to 144 of the "
                "ordinal games, comma-separated",
            )
    return list(dict(out).items())


class LLMMatchOutput(MatchOutput):
    """A match between two language models: ``seat`` is where the arm's
    model sat, ``opponent`` the other player's name and model."""

    opponent_model: str


@scorer("game")
def both_players(sample: Sample, output: LLMMatchOutput, ctx: SolverContext) -> Score:
    """Every match metric for the arm's model, and the same for its
    opponent under ``opponent_<name>``: both players are measured."""
    match, seat = output.match, output.seat
    mine = match_metrics(match, seat, naming=output.naming)
    theirs = match_metrics(match, 1 - seat, naming=output.naming)
    totals = match.totals
    return Score(
        value={**mine, **{f"opponent_{k}": v for k, v in theirs.items()}},
        explanation=f"{totals[seat]:g} v {totals[1 - seat]:g} against {output.opponent}",
    )


@task("games/match")
def llm_match(
    games: str = "prisoners_dilemma,battle_of_the_sexes",
    rounds: int = 10,
    player: str = "llm",
    opponent_player: str = "llm",
    seats: str = "both",
    units: str = "points",
    story: str | None = None,
    random_labels: bool = False,
    shuffle_order: bool = False,
    option_prefix: str = "Option",
) -> Task:
    """Two language models play each other: the arm's model against the
    ``opponent`` role's (--model-role opponent=MODEL; the arm itself when
    unset), in both seats. The opponent role gets no interventions, so a
    steered arm plays the plain model."""
    _check_player(player)
    _check_player(opponent_player, "opponent_player")
    _check_rounds(rounds)
    chosen = games_named(games)
    naming = _naming(chosen)
    framing = _framing(units, story, random_labels, shuffle_order, option_prefix)
    by_key = dict(chosen)
    samples = [
        Sample(
            id=f"{key}/{'row' if seat == 0 else 'column'}",
            input={"game": key, "seat": seat, "rounds": rounds},
            metadata={"game": game.name},
        )
        for key, game in chosen
        for seat in seats_named(seats)
    ]

    async def solve(sample: Sample, ctx: SolverContext) -> LLMMatchOutput:
        spec = sample.input
        me = _arm_player(player, ctx, framing)
        if "opponent" in ctx.roles:
            model = ctx.roles["opponent"]
            other = PLAYERS[opponent_player](model=model, model_args=ctx.args_for(model), **framing)
        else:  # self-play: the arm, as configured, in both seats
            model = ctx.model
            other = _arm_player(opponent_player, ctx, framing)
        mine, theirs = f"{me.name} (arm {ctx.arm.name})", f"{other.name} (opponent)"
        seat = spec["seat"]
        pair, names = ((me, other), (mine, theirs)) if seat == 0 else ((other, me), (theirs, mine))
        played = await play_match(
            by_key[spec["game"]], *pair, rounds=spec["rounds"], seed=ctx.seed, names=names
        )
        return LLMMatchOutput(
            opponent=theirs, opponent_model=model, seat=seat, match=played, naming=naming
        )

    return Task(name="games/match", samples=samples, solver=solve, scorers=[both_players])
