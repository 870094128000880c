"""Tasks, samples, scores, and the registry that finds tasks by name.

A Task is data plus two kinds of behaviour: a solver that turns one sample
into an output (an async function of the sample and its context, or a
compiled LangGraph graph) and scorers that judge the output. Tasks are made
by functions decorated with ``@task``, whose keyword parameters are the
task's arguments (``-T name=value`` on the command line), so a task is
found by name (``games/prisoners_dilemma``) or by file
(``path/to/tasks.py@my_task``).
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import sys
import typing
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from ethos.evals.task_failures import TaskError, factory_failure, import_failure

if TYPE_CHECKING:
    from ethos.agents.agent import AgentContext


class Sample(BaseModel):
    """One case of a task: what the solver gets and what a scorer compares to."""

    model_config = ConfigDict(frozen=True)

    id: str
    input: Any = None
    target: Any = None
    metadata: dict[str, Any] = Field(default_factory=dict)


ScoreValue = float | bool | str | dict[str, float | None] | None


class Score(BaseModel):
    """A scorer's verdict: a number, a pass/fail, a category, or several
    named numbers; None where the measure is undefined for this sample."""

    model_config = ConfigDict(frozen=True)

    value: ScoreValue
    explanation: str | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)


class Arm(BaseModel):
    """One condition of a run: a model plus options (model arguments,
    interventions, a prompt variant) under a name."""

    model_config = ConfigDict(frozen=True)

    name: str = Field(min_length=1, max_length=128)
    model: str
    options: dict[str, Any] = Field(default_factory=dict)


@dataclass(frozen=True)
class SolverContext:
    """What a solver knows besides its sample: the arm it runs under, the
    epoch, a seed of its own, and the models configured for each role."""

    arm: Arm
    epoch: int
    seed: int
    roles: Mapping[str, str] = field(default_factory=dict)
    model_args: Mapping[str, Any] = field(default_factory=dict)
    attempt: int = 1  # which try of this sample (a redo after a crash or failure: 2, ...)
    # The run's settings: every call of the sample uses them (the run's
    # [models] endpoints) instead of reading them again per call.
    settings: Any = field(default=None, repr=False, compare=False)

    @property
    def model(self) -> str:
        return self.arm.model

    def role(self, name: str) -> str:
        """The model for a role (``--model-role name=model``), else the arm's."""
        return self.roles.get(name, self.arm.model)

    @property
    def interventions(self) -> list[Any]:
        return list(self.arm.options.get("interventions", []))

    def args_for(self, model: str) -> dict[str, Any]:
        """Call-site model arguments for ``model``: the arm's (``-M`` and the
        arm's options) belong to the arm's model only; a role played by
        another model gets none, so its ``[models."..."]`` entry in
        ethos.toml alone decides its endpoint, temperature and limits."""
        return dict(self.model_args) if model == self.arm.model else {}

    async def complete(self, messages: Any, *, role: str | None = None, **kwargs: Any) -> Any:
        """Call the arm's model (or a role's) through the gateway with that
        model's arguments, the arm's interventions (the arm's model only)
        and this sample's seed."""
        from ethos.models import acomplete

        model = self.role(role) if role else self.model
        args = self.args_for(model)
        kwargs.setdefault("model_args", args)
        if model == self.arm.model:
            kwargs.setdefault("interventions", self.interventions)
        if "seed" not in args:  # a seed the user set for the model wins
            kwargs.setdefault("seed", self.seed)
        if self.settings is not None:
            kwargs.setdefault("settings", self.settings)
        return await acomplete(model, messages, **kwargs)

    def agent_context(self, deps: Any = None, *, settings: Any = None) -> AgentContext:
        """This sample's context for agents: the arm's model with its model
        arguments and interventions (for that model only), the roles, the
        sample's seed, and ``deps`` for the agents' tools."""
        from ethos.agents.agent import AgentContext

        return AgentContext(
            model=self.arm.model,
            roles=dict(self.roles),
            model_args=dict(self.model_args),
            interventions=tuple(self.interventions),
            seed=self.seed,
            settings=settings if settings is not None else self.settings,
            deps=deps,
        )


Solver = Callable[[Sample, SolverContext], Awaitable[Any]]
ScorerFn = Callable[[Sample, Any, SolverContext], Awaitable[Score] | Score]


@dataclass(frozen=True)
class Task:
    name: str
    samples: Sequence[Sample]
    solver: Solver | Any
    scorers: Sequence[ScorerFn]
    epochs: int = 1
    metadata: Mapping[str, Any] = field(default_factory=dict)


def scorer(name: str | None = None) -> Callable[[ScorerFn], ScorerFn]:
    """Name a scorer (its scores are stored and reported under the name)."""

    def mark(fn: ScorerFn) -> ScorerFn:
        fn.scorer_name = name or fn.__name__  # type: ignore[attr-defined]
        return fn

    return mark


def scorer_name(fn: ScorerFn) -> str:
    return getattr(fn, "scorer_name", getattr(fn, "__name__", type(fn).__name__))


# -- the registry ------------------------------------------------------------------

TaskFactory = Callable[..., Task]
_registry: dict[str, TaskFactory] = {}


def task(name: str) -> Callable[[TaskFactory], TaskFactory]:
    """Register a task factory under ``name``; its keyword parameters are the
    task's arguments."""

    def register(factory: TaskFactory) -> TaskFactory:
        _registry[name] = factory
        factory.task_name = name  # type: ignore[attr-defined]
        return factory

    return register


def registered() -> dict[str, TaskFactory]:
    """Every registered task, after importing the task modules of every
    installed suite (the ``ethos.suites`` entry points: :mod:`ethos.evals.suite`);
    a suite that fails to load is left out and named by ``suite.problems()``."""
    from ethos.evals import suite

    suite.load_tasks()
    return dict(sorted(_registry.items()))


def resolve_task(spec: str, args: Mapping[str, Any] | None = None) -> Task:
    """Build the task named by ``spec`` (a registered name, or
    ``file.py@function``) with ``args``."""
    factory = _factory_from_file(spec) if "@" in spec else registered().get(spec)
    if factory is None:
        from ethos.evals.suite import problems

        known = ", ".join(registered()) or "none"
        broken = "".join(f"; {problem}" for problem in problems())
        raise TaskError(
            f"unknown task {spec!r}{broken}",
            f"`ethos eval list` shows the registered ones ({known}), or pass file.py@function",
        )
    return build(factory, spec, dict(args or {}))


def build(factory: TaskFactory, spec: str, args: dict[str, Any]) -> Task:
    accepted = _parameters(factory)
    unknown = sorted(set(args) - set(accepted))
    if unknown:
        takes = ", ".join(accepted) or "no arguments"
        raise TaskError(
            f"task {spec!r} takes no argument {', '.join(repr(u) for u in unknown)}",
            f"it takes: {takes}",
        )
    args = _checked_arguments(factory, spec, args)
    try:
        made = factory(**args)
    except Exception as exc:
        raise factory_failure(spec, factory, exc) from None
    if not isinstance(made, Task):
        raise TaskError(f"{spec!r} returned {type(made).__name__}, not a Task", "return Task(...)")
    if not made.samples:
        raise TaskError(f"task {spec!r} has no samples", "check its data or arguments")
    names = [scorer_name(fn) for fn in made.scorers]
    if len(set(names)) != len(names):
        raise TaskError(
            f"task {spec!r} has scorers with the same name ({', '.join(names)})",
            "name them apart with @scorer('name')",
        )
    ids = [s.id for s in made.samples]
    if len(set(ids)) != len(ids):
        raise TaskError(f"task {spec!r} has duplicate sample ids", "give every sample its own id")
    return made


def _checked_arguments(factory: TaskFactory, spec: str, args: dict[str, Any]) -> dict[str, Any]:
    """The ``-T`` values validated against the factory's annotations, so a
    value of the wrong type (``rounds=abc``, ``rounds=2.5`` for an int) is one
    error naming the argument, not a failure deep inside the task or of
    every sample. Parameters without a usable annotation pass as given."""
    try:
        hints = typing.get_type_hints(factory)
    except Exception:  # an annotation that does not resolve: nothing to check against
        return args
    checked = dict(args)
    for name, value in args.items():
        if name not in hints:
            continue
        try:
            checked[name] = TypeAdapter(hints[name]).validate_python(value)
        except ValidationError as exc:
            wanted = getattr(hints[name], "__name__", None) or str(hints[name])
            raise TaskError(
                f"task {spec!r}: -T {name}={value!r} is not a valid {wanted} "
                f"({exc.errors()[0]['msg']})",
                f"give {name} a value of type {wanted}",
            ) from None
        except Exception:  # a type pydantic cannot check (an arbitrary class)
            continue
    return checked


def _parameters(factory: TaskFactory) -> list[str]:
    params = inspect.signature(factory).parameters.values()
    return [p.name for p in params if p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD)]


def _factory_from_file(spec: str) -> TaskFactory | None:
    file, _, attr = spec.rpartition("@")
    path = Path(file).expanduser().resolve()
    if not path.is_file():
        raise TaskError(f"no task file {path}", "give an existing file.py@function")
    module_name = f"ethos_user_tasks_{abs(hash(str(path)))}"
    module = sys.modules.get(module_name)
    if module is None:
        loader_spec = importlib.util.spec_from_file_location(module_name, path)
        if loader_spec is None or loader_spec.loader is None:
            raise TaskError(f"cannot import {path}", "it must be a Python file")
        module = importlib.util.module_from_spec(loader_spec)
        sys.modules[module_name] = module
        try:
            loader_spec.loader.exec_module(module)
        except Exception as exc:
            del sys.modules[module_name]  # the next try imports the fixed file again
            raise import_failure(path, exc) from None
    factory = getattr(module, attr, None)
    if factory is None or not callable(factory):
        raise TaskError(f"{path} has no task function {attr!r}", "decorate one with @task")
    return factory
