"""Scripted models: deterministic test doubles behind ``script/<name>``.

A script answers from a list of replies, a function of the messages, or a
policy that picks among ``choices``. It goes through litellm like any other
provider, so retries, structured output and recording are exercised for
real; every Completion it produces has ``scripted=True`` and every stored
model call is marked scripted, so no report can mistake it for a model.

    register_script("pd-cooperator", policy(lambda messages, options: options[0]))
    await acomplete("script/pd-cooperator", messages, choices=["C", "D"])
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ethos.models.errors import ModelError, UnknownProviderError


@dataclass(frozen=True)
class ScriptRequest:
    messages: list[dict[str, Any]]
    choices: list[str] | None = None
    schema: dict[str, Any] | None = None
    call_index: int = 0
    tools: list[dict[str, Any]] | None = None


@dataclass(frozen=True)
class ScriptedToolCall:
    name: str
    arguments: dict[str, Any]


@dataclass(frozen=True)
class ScriptAnswer:
    text: str
    choice_logprobs: dict[str, float] | None = None
    tool_calls: tuple[ScriptedToolCall, ...] = ()


@dataclass
class Script:
    """A deterministic model: ``respond`` maps a request to the reply."""

    respond: Callable[[ScriptRequest], str | ScriptAnswer]
    description: str = "scripted"
    _calls: int = field(default=0, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def answer(
        self,
        messages: list[dict[str, Any]],
        choices: list[str] | None,
        schema: dict[str, Any] | None,
        tools: list[dict[str, Any]] | None = None,
    ) -> ScriptAnswer:
        with self._lock:
            index = self._calls
            self._calls += 1
        out = self.respond(ScriptRequest(messages, choices, schema, index, tools))
        return out if isinstance(out, ScriptAnswer) else ScriptAnswer(str(out))


def replies(*texts: str, cycle: bool = False) -> Script:
    """Answer with ``texts`` in order (then again from the start if ``cycle``)."""
    if not texts:
        raise ModelError("a replies script needs at least one reply")

    def respond(request: ScriptRequest) -> str:
        if request.call_index >= len(texts) and not cycle:
            raise ModelError(
                f"the script ran out of replies after {len(texts)} calls",
                "give it more replies or pass cycle=True",
            )
        return texts[request.call_index % len(texts)]

    return Script(respond, description=f"{len(texts)} fixed replies")


def function(fn: Callable[[list[dict[str, Any]]], str]) -> Script:
    """Answer with ``fn(messages)``."""
    return Script(lambda r: fn(r.messages), description=getattr(fn, "__name__", "function"))


def policy(fn: Callable[[list[dict[str, Any]], list[str]], str | Mapping[str, float]]) -> Script:
    """Pick among the request's ``choices``: ``fn`` returns one option, or a
    probability for each (the most probable is chosen; its log-probabilities
    are reported as a model's would be)."""

    def respond(request: ScriptRequest) -> ScriptAnswer:
        if not request.choices:
            raise ModelError("a policy script answers only calls made with choices=[...]")
        picked = fn(request.messages, request.choices)
        if isinstance(picked, str):
            return ScriptAnswer(picked)
        total = sum(picked.values())
        logprobs = {o: math.log(p / total) if p > 0 else -math.inf for o, p in picked.items()}
        return ScriptAnswer(max(logprobs, key=lambda o: logprobs[o]), logprobs)

    return Script(respond, description=getattr(fn, "__name__", "policy"))


def _echo(messages: list[dict[str, Any]]) -> str:
    users = [m for m in messages if m.get("role") == "user"]
    content = users[-1].get("content", "") if users else ""
    return content if isinstance(content, str) else str(content)


def _first_choice(messages: list[dict[str, Any]], options: Sequence[str]) -> str:
    return options[0]


_registry: dict[str, Script] = {
    "echo": function(_echo),
    "first-choice": policy(_first_choice),
}
_registry_lock = threading.Lock()


def register_script(name: str, script: Script) -> str:
    """Make ``script/<name>`` answer with ``script``; returns the model string."""
    with _registry_lock:
        _registry[name] = script
    return f"script/{name}"


def get_script(name: str) -> Script:
    with _registry_lock:
        script = _registry.get(name)
    if script is None:
        known = ", ".join(sorted(_registry))
        raise UnknownProviderError(
            f"no script named {name!r} (registered: {known})",
            "register it with ethos.models.register_script(name, replies(...))",
        )
    return script
