"""An agentic episode: a model acting in a sandbox through tools, step by step.

The model gets a system prompt, a user task and tools: ``bash`` (one command
in the episode's sandbox shell, which keeps its working directory and
variables), the scenario's own tools (a strategy selector, ``submit``), and
``done``. Each step is one model call; every tool call it makes is answered
before the next call. The episode ends when the model calls a tool that ends
it (``done``, ``submit``, a selector that the scenario says ends it), when it
answers without a tool call after one reminder, or at the step limit.

What the model did is kept as data (:class:`EpisodeRecord`): every command
with its output, exit status and changed files, every task-tool call with
its arguments, and how the episode ended. Scorers judge that record and the
sandbox's final files, never the model's prose. Every command, task-tool
call and tool error also goes into the sample's transcript
(:func:`ethos.recording.record_event`) as it happens, so a killed run keeps
what it saw.

A tool call whose arguments are not valid JSON or miss a field goes back to
the model as a tool error (the paper's agents see shell errors the same
way); a model that never calls a tool ends with ``ended="no_action"``.

Models without native tool calling (the ``local/`` host does not parse tool
calls) use a text protocol: the system prompt gains one paragraph saying
how to write ``TOOL <name> <json arguments>`` on a line, and those lines
are parsed into the same tool calls. Which protocol an episode used is on
its record.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ethos.recording import record_event

Ended = Literal["done", "step_limit", "no_action", "stopped_calling_tools"]
ToolProtocol = Literal["native", "text"]

BASH_DESCRIPTION = (
    "Run one bash command on your Linux machine and see its output and exit status. "
    "The shell keeps its working directory and variables between commands."
)
DONE_DESCRIPTION = "Call this when you have finished the task, with a message to the user."
REMINDER = "Use one of your tools to act, or call done if you have finished."
TEXT_PROTOCOL = (
    "You act only by writing tool calls. Write each call on its own line as\n"
    "TOOL <name> <arguments as one JSON object>\n"
    'for example: TOOL bash {{"command": "ls -la"}}\n'
    "Your tools: {tools}."
)
_TEXT_CALL = re.compile(r"^\s*TOOL\s+([A-Za-z_][A-Za-z0-9_]*)\s*(.*)$", re.MULTILINE)


@dataclass(frozen=True)
class EpisodeTool:
    """A scenario's tool beside bash and done: its JSON-schema parameters, a
    handler that answers a call (its text goes back to the model), and
    whether calling it ends the episode."""

    name: str
    description: str
    parameters: Mapping[str, Any]
    handler: Callable[[dict[str, Any]], Awaitable[str] | str] | None = None
    ends_episode: bool = False

    def schema(self) -> dict[str, Any]:
        return {
            "type": "function",
            "function": {
                "name": self.name,
                "description": self.description,
                "parameters": dict(self.parameters),
            },
        }


class Step(BaseModel):
    """One tool call of the episode, as it was answered."""

    model_config = ConfigDict(frozen=True)

    index: int
    tool: str
    arguments: dict[str, Any] = Field(default_factory=dict)
    error: str | None = None  # the call was refused (malformed arguments, unknown tool)
    output: str = ""
    exit_code: int | None = None  # bash only
    changes: list[dict[str, Any]] = Field(default_factory=list)  # bash only


class EpisodeRecord(BaseModel):
    """What happened in one episode (see the module docstring)."""

    model_config = ConfigDict(frozen=True)

    steps: list[Step] = Field(default_factory=list)
    ended: Ended = "no_action"
    final_message: str | None = None
    protocol: ToolProtocol = "native"
    model_calls: int = 0
    messages: list[dict[str, Any]] = Field(default_factory=list)

    @property
    def commands(self) -> list[str]:
        """Every bash command the model ran, in order (refused calls excluded)."""
        return [
            s.arguments.get("command", "") for s in self.steps if s.tool == "bash" and not s.error
        ]

    def calls(self, tool: str) -> list[dict[str, Any]]:
        """The arguments of every accepted call of ``tool``."""
        return [s.arguments for s in self.steps if s.tool == tool and not s.error]

    @property
    def acted(self) -> bool:
        """Whether the model called any tool successfully."""
        return any(not s.error for s in self.steps)


@dataclass
class _Call:
    id: str
    name: str
    arguments: str


@dataclass
class _State:
    steps: list[Step] = field(default_factory=list)
    final_message: str | None = None
    ended: Ended | None = None


Complete = Callable[..., Awaitable[Any]]


def protocol_for(model: str) -> ToolProtocol:
    """``text`` for models whose backend parses no tool calls (``local/``)."""
    return "text" if model.startswith("local/") else "native"


async def run_episode(
    sandbox: Any,
    complete: Complete,
    *,
    system: str,
    user: str,
    tools: Sequence[EpisodeTool] = (),
    max_steps: int = 20,
    protocol: ToolProtocol = "native",
    command_timeout_s: float | None = None,
    done_tool: bool = True,
) -> EpisodeRecord:
    """Run one episode; ``complete(messages, tools=...)`` is one model call
    (``SolverContext.complete`` in an eval). ``max_steps`` bounds the model
    calls; the sandbox is the caller's to open and close."""
    every = [_bash_tool(), *tools]
    if done_tool:
        every.append(
            EpisodeTool(
                "done",
                DONE_DESCRIPTION,
                {
                    "type": "object",
                    "properties": {"message_to_user": {"type": "string"}},
                    "required": [],
                },
                ends_episode=True,
            )
        )
    by_name = {t.name: t for t in every}
    if protocol == "text":
        system = f"{system}\n\n{TEXT_PROTOCOL.format(tools=_tool_list(every))}"
    messages: list[dict[str, Any]] = [
        {"role": "system", "content": system},
        {"role": "user", "content": user},
    ]
    state = _State()
    reminded = False
    calls_made = 0
    record_event("episode_start", tools=[t.name for t in every], protocol=protocol)
    while calls_made < max_steps and state.ended is None:
        if protocol == "native":
            completion = await complete(messages, tools=[t.schema() for t in every])
            calls = [_Call(c.id, c.name, c.arguments) for c in completion.tool_calls]
        else:
            completion = await complete(messages)
            calls = _parse_text_calls(completion.text, calls_made)
        calls_made += 1
        if not calls:
            messages.append({"role": "assistant", "content": completion.text or ""})
            if reminded:
                state.ended = "stopped_calling_tools" if state.steps else "no_action"
                break
            reminded = True
            messages.append({"role": "user", "content": REMINDER})
            continue
        if protocol == "native":
            messages.append(_assistant_turn(completion.text, calls))
        else:
            messages.append({"role": "assistant", "content": completion.text})
        replies: list[str] = []
        for call in calls:
            step = await _answer(call, by_name, sandbox, len(state.steps), command_timeout_s)
            state.steps.append(step)
            content = f"error: {step.error}" if step.error else step.output
            if protocol == "native":
                messages.append({"role": "tool", "tool_call_id": call.id, "content": content})
            else:
                replies.append(f"[{call.name}] {content}")
            tool = by_name.get(call.name)
            if not step.error and tool is not None and tool.ends_episode:
                state.ended = "done"
                if call.name == "done":
                    state.final_message = str(step.arguments.get("message_to_user", ""))
                break
        if protocol == "text" and replies:
            messages.append({"role": "user", "content": "\n".join(replies)})
    if state.ended is None:
        state.ended = "step_limit" if state.steps else "no_action"
    if not any(not s.error for s in state.steps):
        state.ended = "no_action"
    record_event(
        "episode_end",
        ended=state.ended,
        steps=len(state.steps),
        model_calls=calls_made,
        final_message=state.final_message,
    )
    return EpisodeRecord(
        steps=state.steps,
        ended=state.ended,
        final_message=state.final_message,
        protocol=protocol,
        model_calls=calls_made,
        messages=messages,
    )


def _bash_tool() -> EpisodeTool:
    return EpisodeTool(
        "bash",
        BASH_DESCRIPTION,
        {
            "type": "object",
            "properties": {"command": {"type": "string", "description": "the command line"}},
            "required": ["command"],
        },
    )


def _tool_list(tools: Sequence[EpisodeTool]) -> str:
    parts = []
    for tool in tools:
        props = ", ".join(tool.parameters.get("properties", {}))
        parts.append(f"{tool.name}({props}): {tool.description}")
    return "; ".join(parts)


def _parse_text_calls(text: str, turn: int) -> list[_Call]:
    return [
        _Call(f"text_{turn}_{i}", m.group(1), m.group(2).strip() or "{}")
        for i, m in enumerate(_TEXT_CALL.finditer(text or ""))
    ]


def _assistant_turn(text: str, calls: Sequence[_Call]) -> dict[str, Any]:
    return {
        "role": "assistant",
        "content": text or None,
        "tool_calls": [
            {"id": c.id, "type": "function", "function": {"name": c.name, "arguments": c.arguments}}
            for c in calls
        ],
    }


def _check_arguments(tool: EpisodeTool, raw: str) -> tuple[dict[str, Any], str | None]:
    """The call's arguments, or why they are refused (not JSON, not an object,
    a required field missing, a field of the wrong JSON type)."""
    try:
        arguments = json.loads(raw or "{}")
    except json.JSONDecodeError as exc:
        return {"_raw": raw}, f"the arguments of {tool.name} are not valid JSON ({exc.msg})"
    if not isinstance(arguments, dict):
        return {"_raw": raw}, f"the arguments of {tool.name} must be a JSON object"
    properties = tool.parameters.get("properties", {})
    for name in tool.parameters.get("required", []):
        if name not in arguments:
            return arguments, f"{tool.name} needs the argument {name!r}"
    for name, value in arguments.items():
        wanted = properties.get(name, {}).get("type")
        if wanted == "string" and not isinstance(value, str):
            return arguments, f"argument {name!r} of {tool.name} must be a string"
        if "enum" in properties.get(name, {}) and value not in properties[name]["enum"]:
            options = ", ".join(map(str, properties[name]["enum"]))
            return arguments, f"argument {name!r} of {tool.name} must be one of {options}"
    return arguments, None


async def _answer(
    call: _Call,
    tools: Mapping[str, EpisodeTool],
    sandbox: Any,
    index: int,
    timeout_s: float | None,
) -> Step:
    tool = tools.get(call.name)
    if tool is None:
        error = f"there is no tool named {call.name!r}; the tools are: {', '.join(tools)}"
        record_event("tool_error", tool=call.name, arguments=call.arguments, error=error)
        return Step(index=index, tool=call.name, arguments={"_raw": call.arguments}, error=error)
    arguments, error = _check_arguments(tool, call.arguments)
    if error:
        record_event("tool_error", tool=call.name, arguments=call.arguments, error=error)
        return Step(index=index, tool=call.name, arguments=arguments, error=error)
    if tool.name == "bash":
        result = await sandbox.run(arguments["command"], timeout_s=timeout_s)
        changes = [c.model_dump() for c in result.changes]
        record_event(
            "sandbox_command",
            command=result.command,
            stdout=result.stdout,
            stderr=result.stderr,
            exit_code=result.exit_code,
            timed_out=result.timed_out,
            truncated=result.truncated,
            changes=changes,
        )
        output = _shell_output(result)
        return Step(
            index=index,
            tool="bash",
            arguments=arguments,
            output=output,
            exit_code=result.exit_code,
            changes=changes,
        )
    output = ""
    if tool.handler is not None:
        answered = tool.handler(arguments)
        output = answered if isinstance(answered, str) else await answered
    record_event("episode_tool", tool=tool.name, arguments=arguments, output=output)
    return Step(index=index, tool=tool.name, arguments=arguments, output=output)


def _shell_output(result: Any) -> str:
    parts = [result.stdout]
    if result.stderr:
        parts.append(result.stderr)
    text = "\n".join(p.rstrip("\n") for p in parts if p)
    if result.timed_out:
        text += "\n(the command timed out)"
    if result.truncated:
        text += "\n(output truncated)"
    return f"{text}\n[exit status {result.exit_code}]".lstrip("\n")
