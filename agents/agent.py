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
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

from pydantic import BaseModel, ValidationError, create_model

from ethos.errors import ConfigError, EthosError

InputT = TypeVar("InputT")
OutputT = TypeVar("OutputT")


class AgentError(EthosError):
    """An agent could not produce its output (its model kept calling tools,
    or its prompt template names a field the input lacks)."""


class Handbook(Protocol):
    """What an agent asks of a behaviour handbook (the handbook issue
    provides one): guidance to add to the prompt, and a look at the result."""

    async def guidance(self, agent: str, task: str) -> str | None: ...

    async def observe(self, agent: str, task: str, output: Any) -> None: ...


@dataclass(frozen=True)
class AgentContext:
    """What an agent needs besides its input, passed explicitly (no globals):
    which model plays each role, model arguments, interventions and a seed
    for the arm being run, and ``deps`` for application objects (a
    catalogue, a database) that tools and graphs reach for."""

    model: str | None = None
    roles: Mapping[str, str] = field(default_factory=dict)
    model_args: Mapping[str, Any] = field(default_factory=dict)
    interventions: Sequence[Any] = ()
    seed: int | None = None
    settings: Any = None
    deps: Any = None

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
class Tool:
    """A typed Python function the model may call. The parameters' JSON
    schema comes from the signature, the description from the docstring."""

    name: str
    description: str
    arguments: type[BaseModel]
    fn: Callable[..., Any]

    @classmethod
    def from_function(cls, fn: Callable[..., Any], *, name: str | None = None) -> Tool:
        fields: dict[str, Any] = {}
        for param in inspect.signature(fn).parameters.values():
            if param.annotation is inspect.Parameter.empty:
                raise ConfigError(
                    f"tool {fn.__name__!r}: parameter {param.name!r} has no type annotation",
                    "annotate every parameter so the model gets a schema",
                )
            default = ... if param.default is inspect.Parameter.empty else param.default
            fields[param.name] = (param.annotation, default)
        hints = inspect.get_annotations(fn, eval_str=True)
        for key in fields:
            fields[key] = (hints.get(key, fields[key][0]), fields[key][1])
        arguments = create_model(f"{fn.__name__}_arguments", **fields)
        doc = inspect.getdoc(fn) or fn.__name__
        return cls(name or fn.__name__, doc.split("\n\n")[0], arguments, fn)

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

    async def call(self, raw_arguments: str) -> Any:
        """Validate the model's arguments and run the function (a blocking
        function runs in a thread so the event loop keeps serving)."""
        args = self.arguments.model_validate_json(raw_arguments or "{}")
        kwargs = {name: getattr(args, name) for name in type(args).model_fields}
        if inspect.iscoroutinefunction(self.fn):
            return await self.fn(**kwargs)
        return await asyncio.to_thread(self.fn, **kwargs)


class Agent(Generic[InputT, OutputT]):
    """See the module docstring. Agents hold no per-run state: one instance
    serves any number of concurrent runs."""

    def __init__(
        self,
        name: str,
        *,
        instructions: str,
        role: str,
        input_type: type[InputT],
        output_type: type[OutputT],
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
        _check_template(name, instructions, input_type)
        if isinstance(prompt, str):
            _check_template(name, prompt, input_type)

    def __repr__(self) -> str:
        out = getattr(self.output_type, "__name__", self.output_type)
        return f"Agent({self.name!r}, role={self.role!r}, output={out})"

    async def run(self, input: InputT, ctx: AgentContext) -> OutputT:
        """Answer ``input`` with the model playing this agent's role."""
        from ethos.models import acomplete

        model = ctx.model_for(self.role)
        task = self.render_prompt(input)
        system = self.render_instructions(input)
        if self.handbook is not None:
            advice = await self.handbook.guidance(self.name, task)
            if advice:
                system = f"{system}\n\n{advice}"
        messages: list[dict[str, Any]] = [
            {"role": "system", "content": system},
            {"role": "user", "content": task},
        ]
        structured = isinstance(self.output_type, type) and issubclass(self.output_type, BaseModel)
        call: dict[str, Any] = {
            "model_args": dict(ctx.model_args),
            "interventions": list(ctx.interventions),
            "temperature": self.temperature,
            "max_tokens": self.max_tokens,
            "seed": ctx.seed,
            "settings": ctx.settings,
            "output": self.output_type if structured else None,
        }
        call["on_token"] = _token_emitter(self.name, model)
        for _ in range(self.max_tool_rounds + 1):
            tools = [t.schema() for t in self.tools] or None
            completion = await acomplete(model, messages, tools=tools, **call)
            if not completion.tool_calls:
                output = completion.parsed if structured else completion.text
                if self.handbook is not None:
                    await self.handbook.observe(self.name, task, output)
                return output
            messages.append(_assistant_turn(completion))
            for tool_call in completion.tool_calls:
                messages.append(await self._call_tool(tool_call))
        raise AgentError(
            f"agent {self.name!r} was still calling tools after {self.max_tool_rounds} rounds",
            "raise max_tool_rounds or tell the model in the instructions when to answer",
        )

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

    async def _call_tool(self, tool_call: Any) -> dict[str, Any]:
        tool = next((t for t in self.tools if t.name == tool_call.name), None)
        error: str | None = None
        result: Any = None
        if tool is None:
            known = ", ".join(t.name for t in self.tools) or "none"
            error = f"there is no tool named {tool_call.name!r}; the tools are: {known}"
        else:
            try:
                result = await tool.call(tool_call.arguments)
            except ValidationError as exc:
                error = f"invalid arguments for {tool.name}: {exc.errors()[0]['msg']}"
            except Exception as exc:  # the model sees the failure and can try again
                error = f"{type(exc).__name__}: {exc}"
        try:
            arguments = json.loads(tool_call.arguments or "{}")
        except json.JSONDecodeError:
            arguments = {"_raw": tool_call.arguments}
        shown = _as_data(result)
        emit(
            "tool_call",
            agent=self.name,
            tool=tool_call.name,
            arguments=arguments if isinstance(arguments, dict) else {"_": arguments},
            result=shown,
            error=error,
        )
        content = f"error: {error}" if error else json.dumps(shown, default=str)
        return {"role": "tool", "tool_call_id": tool_call.id, "content": content}


# -- helpers -------------------------------------------------------------------


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
