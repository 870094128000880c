"""The games tasks: a model plays repeated 2x2 games against opponents.

Each sample is one match: the model (as an LLM or Social-Chain-of-Thought
player) against one opponent, in one seat. Its score is the dict of
:func:`ethos.evals.games.metrics.match_metrics` for the model's seat, so a
report shows the normalised score, cooperation, forgiveness, retaliation,
coordination and alternation per arm, with intervals.

    ethos eval run games/prisoners_dilemma --model openai/gpt-4o -T rounds=10
    ethos eval run games/family --model local/tiny -T family=pd-family
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict

from ethos.agents.games.family import Family, ordinal_games
from ethos.agents.games.game import BATTLE_OF_THE_SEXES, PRISONERS_DILEMMA, Game
from ethos.agents.games.players import LLMPlayer, SocialChainOfThoughtPlayer
from ethos.agents.games.strategies import axelrod_player, classic_strategies
from ethos.evals.games.metrics import match_metrics
from ethos.evals.task import Sample, Score, SolverContext, Task, TaskError, scorer, task
from ethos.graphs.games import Match, play_match

PLAYERS = {"llm": LLMPlayer, "scot": SocialChainOfThoughtPlayer}


class MatchOutput(BaseModel):
    """What a games sample produces: the match and where the model sat."""

    model_config = ConfigDict(frozen=True)

    opponent: str
    seat: int
    match: Match


@scorer("game")
def game_metrics(sample: Sample, output: MatchOutput, ctx: SolverContext) -> Score:
    """Every match metric for the model's seat."""
    totals = output.match.totals
    return Score(
        value=match_metrics(output.match, output.seat),
        explanation=f"{totals[output.seat]:g} v {totals[1 - output.seat]:g} "
        f"against {output.opponent}",
    )


def opponents_named(spec: str) -> list[str]:
    """``classic`` (every classic strategy), or a comma list of classic
    strategy names and ``axelrod:<Strategy>``."""
    known = classic_strategies()
    names = list(known) if spec == "classic" else [n.strip() for n in spec.split(",") if n.strip()]
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
    return classic_strategies()[name]


def seats_named(spec: str) -> tuple[int, ...]:
    seats = {"both": (0, 1), "row": (0,), "column": (1,)}
    if spec not in seats:
        raise TaskError(f"unknown seats {spec!r}", "use both, row or column")
    return seats[spec]


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
    if player not in PLAYERS:
        raise TaskError(f"unknown player {player!r}", f"use one of {', '.join(PLAYERS)}")
    if rounds < 1:
        raise TaskError(f"rounds must be at least 1, not {rounds}", "pass -T rounds=10")
    by_key = dict(games)
    samples = [
        Sample(
            id=f"{key}/{rival}/{'row' if seat == 0 else 'column'}",
            input={"game": key, "opponent": rival, "seat": seat, "rounds": rounds},
            metadata={"game": by_key[key].name},
        )
        for key, _ in games
        for rival in opponents_named(opponents)
        for seat in seats_named(seats)
    ]

    async def solve(sample: Sample, ctx: SolverContext) -> MatchOutput:
        spec = sample.input
        me = PLAYERS[player](
            model=ctx.model,
            model_args=dict(ctx.model_args),
            interventions=tuple(ctx.interventions),
            **framing,
        )
        rival = opponent(spec["opponent"])
        pair = (me, rival) if spec["seat"] == 0 else (rival, me)
        names = (me.name, spec["opponent"]) if spec["seat"] == 0 else (spec["opponent"], me.name)
        played = await play_match(
            by_key[spec["game"]], *pair, rounds=spec["rounds"], seed=ctx.seed, names=names
        )
        return MatchOutput(opponent=spec["opponent"], seat=spec["seat"], match=played)

    return Task(name=name, samples=samples, solver=solve, scorers=[game_metrics])


def _framing(
    units: str, story: str | None, random_labels: bool, shuffle_order: bool
) -> dict[str, Any]:
    return {
        "units": units,
        "story": story,
        "random_labels": random_labels,
        "shuffle_order": shuffle_order,
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
    ) -> Task:
        return match_task(
            f"games/{key}",
            [(key, game)],
            rounds=rounds,
            opponents=opponents,
            player=player,
            seats=seats,
            framing=_framing(units, story, random_labels, shuffle_order),
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
        framing=_framing(units, None, False, False),
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
        framing=_framing(units, None, False, False),
    )
