"""The environment protocol CODA's planner and executor work against.

An application is reset to a task, takes one typed action at a time and
answers with an observation, a reward and whether the episode is over; its
success check reads the final state, not the agent's claims. Actions are
typed (:class:`Action`: a type from the application's :class:`ActionSpace`
and named string arguments) and written in the application's own exact
syntax, which is what the executor must get right: text that does not parse,
or names an action outside the space, is an :class:`ActionError` whose
message goes back to the executor.

Environments are deterministic given their task and actions, so an episode
is rebuilt after a crash by replaying its recorded actions
(:func:`replay`): the graph's checkpoint holds the actions, never the
environment object.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any, Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict, Field

from ethos.errors import EthosError

ANSWER = "answer"
"""The action type of a final answer: the planner writes it, the executor never sees it."""


class CodaError(EthosError):
    """A CODA environment, task or run cannot be used as asked."""


class UnknownTaskError(CodaError, LookupError):
    """No task of that id in the application."""


class ActionError(CodaError, ValueError):
    """An action that does not parse, or is outside the action space. Its
    message is written for the executor, which gets it back to try again."""


class Action(BaseModel):
    """One action: its type and its arguments, as strings. ``text`` is the
    canonical command line the application reads."""

    model_config = ConfigDict(frozen=True)

    type: str
    args: dict[str, str] = Field(default_factory=dict)
    text: str


@dataclass(frozen=True)
class ActionSpec:
    """One action type: its syntax (shown to the executor), an example, and
    the regular expression whose named groups are the arguments."""

    type: str
    syntax: str
    example: str
    pattern: str
    doc: str

    def match(self, text: str) -> dict[str, str] | None:
        found = re.fullmatch(self.pattern, text)
        if found is None:
            return None
        return {k: " ".join(v.split()) for k, v in found.groupdict().items() if v is not None}


class ActionSpace:
    """The typed action space of one application, and its parser."""

    def __init__(self, app: str, specs: Sequence[ActionSpec], render: Callable[..., str]) -> None:
        self.app = app
        self.specs = {s.type: s for s in specs}
        self._render = render

    @property
    def types(self) -> list[str]:
        return list(self.specs)

    def describe(self) -> str:
        """The syntax of every action, one per line, for the executor's prompt."""
        return "\n".join(f"{s.syntax}    ({s.doc}; e.g. {s.example})" for s in self.specs.values())

    def action(self, type: str, **args: str) -> Action:
        """An action from its parts, with its canonical text."""
        if type not in self.specs:
            raise ActionError(self._outside(type))
        return Action(type=type, args=args, text=self._render(type, **args))

    def parse(self, text: str) -> Action:
        """The action ``text`` writes, or ActionError saying what is wrong
        and what the syntax is."""
        line = clean_action_text(text)
        if not line:
            raise ActionError(f"the reply holds no action; actions: {', '.join(self.specs)}")
        verb = line.split(None, 1)[0].lower()
        spec = self.specs.get(verb)
        if spec is None or verb == ANSWER:
            raise ActionError(self._outside(verb))
        args = spec.match(line)
        if args is None:
            raise ActionError(
                f"{line!r} does not follow the syntax of {verb!r}: {spec.syntax} "
                f"(e.g. {spec.example})"
            )
        return Action(type=verb, args=args, text=self._render(verb, **args))

    def _outside(self, verb: str) -> str:
        known = ", ".join(t for t in self.specs if t != ANSWER)
        return f"{verb!r} is not an action of the {self.app} application; actions: {known}"


def clean_action_text(text: str) -> str:
    """The first line of a reply that holds an action: without code fences,
    backticks or an ``Action:`` prefix."""
    for raw in str(text).splitlines():
        line = raw.strip().strip("`").strip()
        if not line or line.startswith("```"):
            continue
        if line.lower().startswith("action:"):
            line = line[len("action:") :].strip().strip("`").strip()
        if line:
            return line
    return ""


class StepResult(BaseModel):
    """What one step did: the new observation, the reward (1.0 on the step
    that completes the task, else 0.0), whether the episode is over, and the
    application's error message when the action failed there."""

    model_config = ConfigDict(frozen=True)

    observation: str
    reward: float = 0.0
    done: bool = False
    error: str | None = None


class EnvTask(BaseModel):
    """One task: the goal the planner reads, the reference actions that
    solve it (the labelled positives of the GRPO reward), and the checks its
    final state must pass."""

    model_config = ConfigDict(frozen=True)

    id: str
    app: str
    goal: str
    reference: list[str] = Field(min_length=1)
    checks: list[dict[str, Any]] = Field(min_length=1)
    setup: dict[str, Any] = Field(default_factory=dict)
    max_steps: int = 8


@runtime_checkable
class Environment(Protocol):
    """An application an agent acts in. One object is one episode at a time."""

    app: str
    action_space: ActionSpace

    async def reset(self, task: EnvTask) -> str:
        """Start ``task`` afresh; the first observation."""
        ...

    async def step(self, action: Action) -> StepResult:
        """Apply one action. Raises only for the environment itself failing;
        an action the application refuses is a StepResult with ``error``."""
        ...

    async def success(self) -> bool:
        """Whether the current state passes every check of the task."""
        ...

    async def observe(self) -> str:
        """The current observation."""
        ...

    async def close(self) -> None: ...


# -- the applications and their tasks ------------------------------------------------

APPS: tuple[str, ...] = ("algebra", "files")


def make_environment(app: str) -> Environment:
    """A fresh environment of application ``app``."""
    if app == "algebra":
        from ethos.agents.coda.algebra import AlgebraEnvironment

        return AlgebraEnvironment()
    if app == "files":
        from ethos.agents.coda.files import FilesEnvironment

        return FilesEnvironment()
    raise CodaError(f"unknown application {app!r}", f"use one of: {', '.join(APPS)}")


def action_space(app: str) -> ActionSpace:
    """The action space of ``app`` (without opening an episode)."""
    if app == "algebra":
        from ethos.agents.coda.algebra import SPACE

        return SPACE
    if app == "files":
        from ethos.agents.coda.files import SPACE as FILES_SPACE

        return FILES_SPACE
    raise CodaError(f"unknown application {app!r}", f"use one of: {', '.join(APPS)}")


def load_tasks(app: str) -> list[EnvTask]:
    """The tasks written for ``app`` (package data ``data/<app>_tasks.json``)."""
    if app not in APPS:
        raise CodaError(f"unknown application {app!r}", f"use one of: {', '.join(APPS)}")
    text = resources.files("ethos.agents.coda").joinpath(f"data/{app}_tasks.json").read_text()
    return [EnvTask.model_validate({**t, "app": app}) for t in json.loads(text)]


def get_task(app: str, task_id: str) -> EnvTask:
    """The task ``task_id`` of ``app``, or UnknownTaskError listing the ids."""
    tasks = load_tasks(app)
    for task in tasks:
        if task.id == task_id:
            return task
    raise UnknownTaskError(
        f"no task {task_id!r} in the {app} application",
        f"use one of: {', '.join(t.id for t in tasks)}",
    )


async def replay(env: Environment, task: EnvTask, actions: Sequence[str]) -> str:
    """Reset ``env`` to ``task`` and apply ``actions`` (canonical texts) in
    order: the episode as it stood after them. Returns the observation."""
    observation = await env.reset(task)
    for text in actions:
        if text.startswith(f"{ANSWER} "):
            result = await env.step(env.action_space.action(ANSWER, text=text[len(ANSWER) + 1 :]))
        else:
            result = await env.step(env.action_space.parse(text))
        observation = result.observation
    return observation


def action_reward(action: Action | None, reference: Action) -> float:
    """CODA's stage-1 reward of an executed action against the labelled one:
    1 when the types match, plus a distance term in [0, 1] (the similarity of
    the canonical command texts, difflib's ratio) when they do. The paper's
    exact distance term was not published (research notes, section 5);
    ours rewards arguments closer to the reference. No action: 0."""
    if action is None or action.type != reference.type:
        return 0.0
    return 1.0 + difflib.SequenceMatcher(None, action.text, reference.text).ratio()
