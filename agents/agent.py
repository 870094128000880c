"""The Agent: a named, typed call pattern around the model gateway.

An agent is a plain object: a system prompt template, a model *role* (which
model plays it is configuration, not code), a pydantic input type and an
output type, and optional tools, typed Python functions the model may call.
``await agent.run(input, ctx)`` renders the prompt from the input, lets the
model call tools for a bounded number of rounds, and returns the output
validated against its type. Calls go through the gateway, so they are
retried, limited and recorded under the current run; inside a graph the
agent also streams its model output and tool calls as events.

    summarise = Agent(
        "summariser",
        instructions="Summarise for {audience}.",
        role="writer",
        input_type=Document,
        output_type=Summary,
    )
    summary = await summarise.run(Document(text=..., audience="a child"), ctx)
"""

from __future__ import annotations

import asyncio
import inspect
import json
import string
import typing
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Generic, Literal, Protocol, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError, create_model
from pydantic.errors import PydanticUserError

from ethos.errors import ConfigError, EthosError
from ethos.recording import record_event

if TYPE_CHECKING:
    from ethos.models.types import Completion

InputT = TypeVar("InputT")
OutputT = TypeVar("OutputT")
DepsT = TypeVar("DepsT")


class AgentError(EthosError):
    """An agent could not produce its output (its model kept calling tools,
    or its prompt template names a field the input lacks)."""


class Handbook(Protocol):
    """What an agent asks of a behaviour handbook: guidance to add to its
    system prompt before the model is called (None: nothing to add), and a
    look at the output after. ``ethos.handbook.conditioning.BehaviorHandbook``
    is the stored handbook's implementation (retrieved behaviours in, their
    citations counted and recorded)."""

    async def guidance(self, agent: str, task: str) -> str | None: ...

    async def observe(self, agent: str, task: str, output: Any) -> None: ...


@dataclass(frozen=True)
class AgentContext:
    """What an agent needs besides its input, passed explicitly (no globals):
    which model plays each role, a seed, and ``deps`` for application
    objects (a catalogue, a database) that tools and graphs reach for.

    ``model_args`` and ``interventions`` belong to ``model`` (in an eval, the
    arm's model) and to no other: a role played by another model is called
    with that model's own ``[models."..."]`` arguments from ethos.toml, so an
    arm's ``api_base`` or temperature never reaches a grader's endpoint."""

    model: str | None = None
    roles: Mapping[str, str] = field(default_factory=dict)
    model_args: Mapping[str, Any] = field(default_factory=dict)
    interventions: Sequence[Any] = ()
    seed: int | None = None
    settings: Any = None
    deps: Any = None
    # A behaviour handbook for every agent run with this context (an agent's
    # own ``handbook=`` wins): how a whole graph runs behaviour-conditioned.
    handbook: Handbook | None = None

    def __post_init__(self) -> None:
        if (self.model_args or self.interventions) and not self.model:
            raise ConfigError(
                "an agent context has model arguments or interventions but no model: "
                "they apply to the context's model only",
                "pass model=... with them, or put a role's model arguments in "
                '[models."<model>"] of ethos.toml',
            )

    def args_for(self, model: str) -> dict[str, Any]:
        """Call-site model arguments for ``model``: this context's own model
        gets ``model_args``; any other model none (its settings apply)."""
        return dict(self.model_args) if model == self.model else {}

    def interventions_for(self, model: str) -> list[Any]:
        """Interventions for ``model``: the context's own model only."""
        return list(self.interventions) if model == self.model else []

    def model_for(self, role: str) -> str:
        """The model for ``role``: this context's roles, then the settings'
        ``[roles]``, then the context's default model."""
        if role in self.roles:
            return self.roles[role]
        configured = getattr(self.settings, "roles", None) or {}
        if role in configured:
            return configured[role]
        if self.model:
            return self.model
        raise ConfigError(
            f"no model plays the role {role!r}",
            f"pass --model, --model-role {role}=provider/model, or set [roles] {role} "
            "in ethos.toml",
        )


@dataclass(frozen=True)
class RunContext(Generic[DepsT]):
    """What a tool gets as its first argument when it asks for it by
    annotation (``def lookup(ctx: RunContext[Deps], key: str)``), as in
    PydanticAI: the run's deps without a global, and which model, agent and
    seed the call belongs to. The parameter is not shown to the model."""

    deps: DepsT
    model: str
    agent: str
    seed: int | None
    context: AgentContext


@dataclass(frozen=True)
class Tool:
    """A typed Python function the model may call. The parameters' JSON
    schema comes from the signature, the description from the docstring.
    ``takes_context``: the function's first parameter is a RunContext."""

    name: str
    description: str
    arguments: type[BaseModel]
    fn: Callable[..., Any]
    takes_context: bool = False

    @classmethod
    def from_function(cls, fn: Callable[..., Any], *, name: str | None = None) -> Tool:
        params = list(inspect.signature(fn).parameters.values())
        hints = inspect.get_annotations(fn, eval_str=True)
        wants = [i for i, p in enumerate(params) if _is_run_context(hints.get(p.name))]
        if wants and wants != [0]:
            raise ConfigError(
                f"tool {fn.__name__!r}: the RunContext parameter must be the first one",
                "declare it as the first parameter: def tool(ctx: RunContext[Deps], ...)",
            )
        fields: dict[str, Any] = {}
        for param in params[1:] if wants else params:
            if param.annotation is inspect.Parameter.empty:
                raise ConfigError(
                    f"tool {fn.__name__!r}: parameter {param.name!r} has no type annotation",
                    "annotate every parameter so the model gets a schema",
                )
            default = ... if param.default is inspect.Parameter.empty else param.default
            fields[param.name] = (hints.get(param.name, param.annotation), default)
        arguments = create_model(f"{fn.__name__}_arguments", **fields)
        doc = inspect.getdoc(fn) or fn.__name__
        return cls(name or fn.__name__, doc.split("\n\n")[0], arguments, fn, bool(wants))

    def schema(self) -> dict[str, Any]:
        """The OpenAI-style tool declaration."""
        return {
            "type": "function",
            "function": {
                "name": self.name,
                "description": self.description,
                "parameters": self.arguments.model_json_schema(),
            },
        }

    async def call(self, raw_arguments: str, context: RunContext[Any] | None = None) -> Any:
        """Validate the model's arguments and run the function (a blocking
        function runs in a thread so the event loop keeps serving)."""
        args = self.arguments.model_validate_json(raw_arguments or "{}")
        kwargs = {name: getattr(args, name) for name in type(args).model_fields}
        first: tuple[Any, ...] = ()
        if self.takes_context:
            if context is None:
                raise AgentError(
                    f"tool {self.name!r} takes a RunContext and was called without one",
                    "call it through Agent.run, or pass a RunContext",
                )
            first = (context,)
        if inspect.iscoroutinefunction(self.fn):
            return await self.fn(*first, **kwargs)
        return await asyncio.to_thread(self.fn, *first, **kwargs)


@dataclass(frozen=True)
class AgentResult(Generic[OutputT]):
    """One run of an agent: its output, the model that gave it, the final
    Completion (``choice_logprobs`` in choices mode, usage, ``scripted``)
    and the conversation that led to it (the final answer not included)."""

    output: OutputT
    completion: Completion
    model: str
    messages: list[dict[str, Any]]

    @property
    def choice_logprobs(self) -> dict[str, float] | None:
        return self.completion.choice_logprobs


class Agent(Generic[InputT, OutputT]):
    """See the module docstring. Agents hold no per-run state: one instance
    serves any number of concurrent runs.

    The output type is any type pydantic validates: a pydantic model, or
    ``int``, ``list[...]``, a dataclass, a TypedDict (asked for as a JSON
    object ``{"value": ...}`` and unwrapped), or ``str`` for plain text.
    ``choices=[...]`` or ``output_type=Literal[...]`` (of strings) asks for
    one of the options through the gateway's choices mode: a local model
    scores every option (log-probabilities on ``run_result``)."""

    def __init__(
        self,
        name: str,
        *,
        instructions: str,
        role: str,
        input_type: type[InputT],
        output_type: Any = str,
        choices: Sequence[str] | None = None,
        prompt: str | Callable[[InputT], str] | None = None,
        tools: Sequence[Callable[..., Any] | Tool] = (),
        handbook: Handbook | None = None,
        max_tool_rounds: int = 6,
        temperature: float | None = None,
        max_tokens: int | None = None,
    ) -> None:
        self.name = name
        self.instructions = instructions
        self.role = role
        self.input_type = input_type
        self.output_type = output_type
        self.prompt = prompt
        self.tools = [t if isinstance(t, Tool) else Tool.from_function(t) for t in tools]
        self.handbook = handbook
        self.max_tool_rounds = max_tool_rounds
        self.temperature = temperature
        self.max_tokens = max_tokens
        self.choices, self._output_model = _output_plan(name, output_type, choices)
        _check_template(name, instructions, input_type)
        if isinstance(prompt, str):
            _check_template(name, prompt, input_type)

    def __repr__(self) -> str:
        out = getattr(self.output_type, "__name__", self.output_type)
        return f"Agent({self.name!r}, role={self.role!r}, output={out})"

    async def run(self, input: InputT, ctx: AgentContext) -> OutputT:
        """Answer ``input`` with the model playing this agent's role."""
        return (await self.run_result(input, ctx)).output

    async def run_result(self, input: InputT, ctx: AgentContext) -> AgentResult[OutputT]:
        """Like ``run``, with the final Completion beside the output (the
        chosen option's log-probabilities, usage, whether it was scripted)."""
        from ethos.models import acomplete

        model, ctx = _overridden(self, ctx)
        task = self.render_prompt(input)
        system = self.render_instructions(input)
        handbook = self.handbook if self.handbook is not None else ctx.handbook
        if handbook is not None:
            advice = await handbook.guidance(self.name, task)
            if advice:
                system = f"{system}\n\n{advice}"
        messages: list[dict[str, Any]] = [
            {"role": "system", "content": system},
            {"role": "user", "content": task},
        ]
        args = ctx.args_for(model)
        call: dict[str, Any] = {
            "model_args": args,
            "interventions": ctx.interventions_for(model),
            "temperature": self.temperature,
            "max_tokens": self.max_tokens,
            "seed": None if "seed" in args else ctx.seed,  # a seed set for the model wins
            "settings": ctx.settings,
            "output": self._output_model,
            "choices": list(self.choices) if self.choices else None,
        }
        call["on_token"] = _token_emitter(self.name, model)
        tools = [t.schema() for t in self.tools] or None
        run_ctx = RunContext(ctx.deps, model, self.name, ctx.seed, ctx)
        for _ in range(self.max_tool_rounds + 1):
            completion = await acomplete(model, messages, tools=tools, **call)
            if not completion.tool_calls:
                output = self._output_of(completion)
                if handbook is not None:
                    await handbook.observe(self.name, task, output)
                return AgentResult(output, completion, model, messages)
            messages.append(_assistant_turn(completion))
            for tool_call in completion.tool_calls:
                messages.append(await self._call_tool(tool_call, run_ctx))
        raise AgentError(
            f"agent {self.name!r} was still calling tools after {self.max_tool_rounds} rounds",
            "raise max_tool_rounds or tell the model in the instructions when to answer",
        )

    @contextmanager
    def override(self, *, model: str | None = None, deps: Any = None) -> Iterator[None]:
        """Within the block, this agent runs on ``model`` (a script, say)
        and with ``deps``, whatever role or context it is given; its
        definition and other agents are untouched. Scoped by a context
        variable, so runs outside the block, concurrent ones included, keep
        their own model. The override model is not the context's model, so
        the context's model arguments and interventions do not reach it."""
        if model is None and deps is None:
            raise AgentError(
                f"agent {self.name!r}: override() was given nothing to override",
                "pass model=... and/or deps=...",
            )
        current = dict(_OVERRIDES.get() or {})
        current[self] = _Override(model, deps)
        token = _OVERRIDES.set(current)
        try:
            yield
        finally:
            _OVERRIDES.reset(token)

    def _output_of(self, completion: Completion) -> Any:
        if self.choices:
            return completion.choice
        if self._output_model is None:
            return completion.text
        if self._output_model is self.output_type:
            return completion.parsed
        return completion.parsed.value

    def render_instructions(self, input: InputT) -> str:
        if not _has_fields(self.instructions):
            return self.instructions  # literal braces (JSON examples) stay as written
        return self.instructions.format_map(_fields(input))

    def render_prompt(self, input: InputT) -> str:
        if callable(self.prompt):
            return self.prompt(input)
        if isinstance(self.prompt, str):
            if not _has_fields(self.prompt):
                return self.prompt  # literal braces (JSON examples) stay as written
            return self.prompt.format_map(_fields(input))
        if isinstance(input, BaseModel):
            return input.model_dump_json(indent=2)
        return str(input)

    async def _call_tool(self, tool_call: Any, context: RunContext[Any]) -> dict[str, Any]:
        tool = next((t for t in self.tools if t.name == tool_call.name), None)
        error: str | None = None
        result: Any = None
        if tool is None:
            known = ", ".join(t.name for t in self.tools) or "none"
            error = f"there is no tool named {tool_call.name!r}; the tools are: {known}"
        else:
            try:
                result = await tool.call(tool_call.arguments, context)
            except ValidationError as exc:
                error = f"invalid arguments for {tool.name}: {exc.errors()[0]['msg']}"
            except Exception as exc:  # the model sees the failure and can try again
                error = f"{type(exc).__name__}: {exc}"
        try:
            arguments = json.loads(tool_call.arguments or "{}")
        except json.JSONDecodeError:
            arguments = {"_raw": tool_call.arguments}
        shown = _as_data(result)
        event = {
            "agent": self.name,
            "tool": tool_call.name,
            "arguments": arguments if isinstance(arguments, dict) else {"_": arguments},
            "result": shown,
            "error": error,
        }
        emit("tool_call", **event)
        record_event("tool_call", **event)  # the sample's transcript, when under a run
        content = f"error: {error}" if error else json.dumps(shown, default=str)
        return {"role": "tool", "tool_call_id": tool_call.id, "content": content}


# -- helpers -------------------------------------------------------------------


@dataclass(frozen=True)
class _Override:
    model: str | None
    deps: Any


_OVERRIDES: ContextVar[Mapping[Agent[Any, Any], _Override] | None] = ContextVar(
    "ethos_agent_overrides", default=None
)


def _overridden(agent: Agent[Any, Any], ctx: AgentContext) -> tuple[str, AgentContext]:
    """The model this run uses and its context, after any ``override``."""
    found = (_OVERRIDES.get() or {}).get(agent)
    if found is None:
        return ctx.model_for(agent.role), ctx
    if found.deps is not None:
        ctx = replace(ctx, deps=found.deps)
    return found.model or ctx.model_for(agent.role), ctx


def _output_plan(
    agent: str, output_type: Any, choices: Sequence[str] | None
) -> tuple[tuple[str, ...] | None, type[BaseModel] | None]:
    """(the options of choices mode, the pydantic model asked of the
    gateway): a pydantic model as it is, ``str`` as plain text, a Literal
    of strings as choices, any other type wrapped as ``{"value": T}``."""
    literal = typing.get_origin(output_type) is Literal
    if choices is not None:
        if output_type is not str:
            raise AgentError(
                f"agent {agent!r}: choices= and output_type= were both given",
                "give choices=[...] with output_type=str, or output_type=Literal[...] alone",
            )
        options = tuple(choices)
    elif literal and all(isinstance(v, str) for v in typing.get_args(output_type)):
        options = typing.get_args(output_type)
    else:
        options = None
    if options is not None:
        if len(set(options)) < 2 or not all(isinstance(o, str) and o for o in options):
            raise AgentError(
                f"agent {agent!r}: choices mode needs at least two distinct, non-empty "
                f"string options, got {list(options)!r}",
                "list the options the model must pick from",
            )
        return options, None
    if output_type is str:
        return None, None
    if isinstance(output_type, type) and issubclass(output_type, BaseModel):
        return None, output_type
    try:
        TypeAdapter(output_type).json_schema()
    except (PydanticUserError, TypeError) as exc:
        reason = str(exc).strip().splitlines()[0]
        raise AgentError(
            f"agent {agent!r}: output type {output_type!r} has no JSON schema ({reason})",
            "use a type pydantic validates: a model, int, list[...], a dataclass, a TypedDict",
        ) from None
    return None, create_model(f"{_pascal(agent)}Output", value=(output_type, ...))


def _pascal(name: str) -> str:
    words = "".join(c if c.isalnum() else " " for c in name).split()
    return "".join(w[:1].upper() + w[1:] for w in words) or "Agent"


def _is_run_context(hint: Any) -> bool:
    return hint is RunContext or typing.get_origin(hint) is RunContext


def emit(kind: str, **fields: Any) -> None:
    """Stream an event to the graph run this code is part of; a no-op
    outside a graph (an agent called directly)."""
    try:
        from langgraph.config import get_config, get_stream_writer

        writer = get_stream_writer()
        node = (get_config().get("metadata") or {}).get("langgraph_node")
    except (ImportError, RuntimeError):
        return
    writer({"ethos": kind, "node": node, **fields})


def _token_emitter(agent: str, model: str) -> Callable[[str], None] | None:
    """Model text as ``token`` events when running inside a graph."""
    try:
        from langgraph.config import get_stream_writer

        get_stream_writer()
    except (ImportError, RuntimeError):
        return None
    return lambda text: emit("token", agent=agent, model=model, text=text)


def _assistant_turn(completion: Any) -> dict[str, Any]:
    return {
        "role": "assistant",
        "content": completion.text or None,
        "tool_calls": [
            {
                "id": c.id,
                "type": "function",
                "function": {"name": c.name, "arguments": c.arguments},
            }
            for c in completion.tool_calls
        ],
    }


def _as_data(value: Any) -> Any:
    """A tool's result as JSON data: models at any depth dumped, keys JSON
    cannot hold (tuples) made strings, anything else unknown as its str."""
    from pydantic_core import to_jsonable_python

    try:
        return to_jsonable_python(value, fallback=str)
    except Exception:
        return str(value)


def _fields(input: Any) -> dict[str, Any]:
    if isinstance(input, BaseModel):
        return {name: getattr(input, name) for name in type(input).model_fields}
    if isinstance(input, Mapping):
        return dict(input)
    return {"input": input}


def _has_fields(template: str) -> bool:
    return any(name for _, name, _, _ in string.Formatter().parse(template) if name)


def _check_template(agent: str, template: str, input_type: Any) -> None:
    """A template naming a field the input type lacks fails when the agent is
    made, not in the middle of a run."""
    fields = [name for _, name, _, _ in string.Formatter().parse(template) if name is not None]
    names = {name.split(".")[0].split("[")[0] for name in fields if name}
    if not names:
        return  # no named fields: the template is used as written
    if "" in fields:
        raise AgentError(
            f"agent {agent!r}: its template mixes named fields with a bare {{}}",
            "write {{ and }} for literal braces",
        )
    if isinstance(input_type, type) and issubclass(input_type, BaseModel):
        known = set(input_type.model_fields)
    elif isinstance(input_type, type) and issubclass(input_type, Mapping):
        return  # a mapping's keys are known only at run time
    else:
        known = {"input"}
    missing = sorted(names - known)
    if missing:
        raise AgentError(
            f"agent {agent!r}: its template names {', '.join(missing)}, which "
            f"{getattr(input_type, '__name__', input_type)} does not have",
            f"use one of: {', '.join(sorted(known))} (write {{{{ and }}}} for literal braces)",
        )
