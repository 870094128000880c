"""Language models as players of repeated 2x2 games.

The prompts follow the structure of Akata et al. (2025), in our own words:
the rules (two options, how many rounds, what each pair of choices pays both
players, in points, dollars or coins), an optional cover story before them,
then every previous round (both choices and both winnings), then the
question for this round. The model answers through the gateway with
``choices=``, so a local model scores both options and its log-probabilities
are kept; hosted models answer in text that the gateway reads strictly.

:class:`SocialChainOfThoughtPlayer` first asks the model what the other
player will choose, then what is best for it given that prediction (Akata
et al.'s "social chain of thought", two calls per round).

Options are shown as Akata et al. show them, "Option J" and "Option F": the
game's labels behind the word ``option_prefix`` ("Option"; empty for the
bare labels, e.g. for a custom game whose labels are words). As in the
paper's robustness checks, the labels can be random capitals for each match
and the order the options are listed in can change every round; both are
drawn from the match seed, so a run replays.
"""

from __future__ import annotations

import string
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, model_validator

from ethos.agents.games.game import Game, GameError, Move
from ethos.agents.games.history import Decision, History, derive_seed

Units = Literal["points", "dollars", "coins"]
_SINGULAR = {"points": "point", "dollars": "dollar", "coins": "coin"}


class Framing(BaseModel):
    """How the game is put to the model in one round: the labels it sees for
    options 0 and 1 and the order it sees them in."""

    model_config = ConfigDict(frozen=True)

    labels: tuple[str, str]
    order: tuple[Move, Move] = (0, 1)

    def listed(self) -> list[str]:
        """The labels in the order the prompt lists them."""
        return [self.labels[i] for i in self.order]

    def move(self, label: str) -> Move:
        """The option a label stands for."""
        return 0 if label == self.labels[0] else 1


def amount(value: float, units: Units) -> str:
    """A payoff in words: ``8 points``, ``1 dollar``, ``2.5 coins``."""
    return f"{value:g} {_SINGULAR[units] if value == 1 else units}"


def rules_prompt(
    game: Game, rounds: int, framing: Framing, *, units: Units = "points", story: str | None = None
) -> str:
    """The rules of the game as the row player reads them."""
    a, b = framing.listed()
    lines = [
        f"You are playing a game with another player for {rounds} rounds. In every round you "
        f"and the other player each choose one of two options, {a} or {b}, at the same time, "
        "without knowing what the other will choose. What each of you wins in a round depends "
        "on both choices:"
    ]
    for mine in framing.order:
        for theirs in framing.order:
            you, they = game.payoff(mine, theirs)
            lines.append(
                f"- If you choose {framing.labels[mine]} and the other player chooses "
                f"{framing.labels[theirs]}, you win {amount(you, units)} and the other player "
                f"wins {amount(they, units)}."
            )
    rules = "\n".join(lines)
    return f"{story.strip()}\n\n{rules}" if story else rules


def history_prompt(history: History, framing: Framing, *, units: Units = "points") -> str:
    """Every previous round: both choices and both winnings."""
    if not history.mine:
        return "No rounds have been played yet."
    lines = ["The rounds so far:"]
    for k, (mine, theirs) in enumerate(zip(history.mine, history.theirs, strict=True), start=1):
        you, they = history.game.payoff(mine, theirs)
        lines.append(
            f"- Round {k}: you chose {framing.labels[mine]} and the other player chose "
            f"{framing.labels[theirs]}, so you won {amount(you, units)} and the other player "
            f"won {amount(they, units)}."
        )
    return "\n".join(lines)


def choice_question(history: History, framing: Framing) -> str:
    a, b = framing.listed()
    return (
        f"Round {history.round} of {history.rounds} is next. "
        f"Which option do you choose, {a} or {b}?"
    )


def prediction_question(history: History, framing: Framing) -> str:
    a, b = framing.listed()
    return (
        f"Round {history.round} of {history.rounds} is next. "
        f"Which option do you predict the other player will choose, {a} or {b}?"
    )


def best_response_question(history: History, framing: Framing, prediction: str) -> str:
    a, b = framing.listed()
    return (
        f"Given that you expect the other player to choose {prediction} in round "
        f"{history.round}, which option is best for you to choose, {a} or {b}?"
    )


class LLMPlayer(BaseModel):
    """A language model playing a repeated game: one gateway call per round.

    ``model`` is any model string the gateway accepts (``openai/gpt-4o``,
    ``local/<checkpoint>``, ``script/<name>``). Temperature 0 by default, as
    in the paper.
    """

    model_config = ConfigDict(frozen=True)

    model: str
    name: str = ""
    units: Units = "points"
    story: str | None = None
    """A cover story told before the rules (e.g. a cooking competition)."""
    labels: tuple[str, str] | None = None
    """The labels the model sees; the game's own when None."""
    option_prefix: str = "Option"
    """Shown before each label ("Option J", as in Akata et al.); "" shows the
    bare label."""
    random_labels: bool = False
    """Two random capital letters per match instead of the labels."""
    shuffle_order: bool = False
    """List the options in a random order every round."""
    temperature: float | None = 0.0
    model_args: dict[str, Any] | None = None
    interventions: tuple[Any, ...] = ()
    """Applied to every call (a local model or `ethos serve`); a model that
    cannot honour them refuses the call rather than ignoring them."""

    @model_validator(mode="before")
    @classmethod
    def _default_name(cls, data: Any) -> Any:
        if isinstance(data, dict) and not data.get("name") and data.get("model"):
            data = {**data, "name": f"{cls._prefix()}:{data['model']}"}
        return data

    @model_validator(mode="after")
    def _check_labels(self) -> LLMPlayer:
        if self.labels is not None and (
            self.labels[0] == self.labels[1] or not all(x.strip() for x in self.labels)
        ):
            raise GameError(
                f"{self.name}: the labels {self.labels!r} cannot tell the options apart",
                "give two different, non-empty labels, e.g. labels=('J', 'F')",
            )
        return self

    @classmethod
    def _prefix(cls) -> str:
        return "llm"

    def framing(self, history: History) -> Framing:
        """The labels and order for this round, fixed by the match seed."""
        if self.random_labels:
            labels = tuple(history.rng("labels").sample(string.ascii_uppercase, 2))
        else:
            labels = self.labels or history.game.options
        prefix = self.option_prefix.strip()
        if prefix:
            labels = tuple(f"{prefix} {label}" for label in labels)
        order = (0, 1)
        if self.shuffle_order:
            order = tuple(history.rng("order", history.round).sample((0, 1), 2))
        return Framing(labels=labels, order=order)  # type: ignore[arg-type]

    def prompt(self, history: History, framing: Framing) -> str:
        """The rules and the history, ahead of this round's question."""
        rules = rules_prompt(
            history.game, history.rounds, framing, units=self.units, story=self.story
        )
        return f"{rules}\n\n{history_prompt(history, framing, units=self.units)}"

    async def ask(self, messages: list[dict[str, str]], history: History, framing: Framing) -> Any:
        """One gateway call that must answer with one of the options."""
        from ethos.models import acomplete

        return await acomplete(
            self.model,
            messages,
            choices=framing.listed(),
            # A temperature set for the model (an arm's ``temperature=0.7``) wins
            # over the player's default of 0, as the gateway gives call values priority.
            temperature=None if "temperature" in (self.model_args or {}) else self.temperature,
            seed=derive_seed(history.seed, history.round, len(messages)) % 2**31,
            model_args=self.model_args,
            interventions=self.interventions,
        )

    async def __call__(self, history: History) -> Decision:
        framing = self.framing(history)
        question = choice_question(history, framing)
        messages = [{"role": "user", "content": f"{self.prompt(history, framing)}\n\n{question}"}]
        answer = await self.ask(messages, history, framing)
        return Decision(move=framing.move(answer.choice), logprobs=_logprobs(answer, framing))


class SocialChainOfThoughtPlayer(LLMPlayer):
    """A language model that predicts the other player's move before it
    chooses its own: two gateway calls per round, the second seeing the
    first's question and answer."""

    @classmethod
    def _prefix(cls) -> str:
        return "scot"

    async def __call__(self, history: History) -> Decision:
        framing = self.framing(history)
        question = f"{self.prompt(history, framing)}\n\n{prediction_question(history, framing)}"
        messages = [{"role": "user", "content": question}]
        predicted = await self.ask(messages, history, framing)
        # The second call shows the first exchange: the first question as the
        # model read it (with the gateway's note on the options), then its
        # prediction as the option it named (not a free-text reply's wording).
        messages = [
            *as_sent(messages, framing),
            {"role": "assistant", "content": predicted.choice},
            {"role": "user", "content": best_response_question(history, framing, predicted.choice)},
        ]
        answer = await self.ask(messages, history, framing)
        return Decision(
            move=framing.move(answer.choice),
            prediction=framing.move(predicted.choice),
            logprobs=_logprobs(answer, framing),
        )


def as_sent(messages: list[dict[str, str]], framing: Framing) -> list[dict[str, str]]:
    """``messages`` as the gateway sends them when asked to choose among the
    framing's options: with its note on the options added to the last user
    turn. The gateway's own function, so the two cannot drift apart."""
    from ethos.models.gateway import _with_instructions

    return _with_instructions(messages, None, framing.listed())


def _logprobs(answer: Any, framing: Framing) -> tuple[float, float] | None:
    scores = answer.choice_logprobs
    if not scores or any(label not in scores for label in framing.labels):
        return None
    return (scores[framing.labels[0]], scores[framing.labels[1]])
