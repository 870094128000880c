"""A sample's transcript in the HTML browser, as a conversation: each model
call's messages with their roles, the options that shaped it and what came
back (text, tool calls, the chosen option with its log-probabilities, the
parsed output), tool calls with their arguments and results, graph nodes
and suite events. Rendered by the Jinja2 templates in ``templates/``
(``transcript.html``, with ``values.html`` for stored values).

A conversation is resent whole at every turn; a call whose messages begin
with the previous call's shows only the messages that are new, so a long
conversation reads (and weighs) once.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from ethos.evals.report.escape import CLIP_CHARS
from ethos.evals.report.model import SampleView

_OPTIONS = ("temperature", "max_tokens", "seed", "output", "choices", "stop", "interventions")
_SCALARS = (str, int, float, bool, type(None))


def clipped(value: Any, limit: int = CLIP_CHARS) -> str:
    """``value`` (a string, or anything as indented JSON), at most ``limit``
    characters of it, saying how many were left out. Not escaped: the
    templates escape every value they print."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, indent=1)
    if len(text) <= limit:
        return text
    return text[:limit] + f"\n… ({len(text) - limit:,} more characters)"


def compact(value: Any) -> str:
    """One line of JSON, clipped: a list of numbers reads as ``[1, 2, 3]``."""
    return clipped(json.dumps(value, ensure_ascii=False))


def scalar(value: Any) -> str:
    """A score or leaf value as text: ``true``, ``0.5``, ``null``, a string as is."""
    return value if isinstance(value, str) else compact(value)


def _call_text(call: Any) -> str:
    """A tool call as ``name({"arg": ...})`` whichever shape stored it."""
    if not isinstance(call, dict):
        return compact(call)
    function = call.get("function") if isinstance(call.get("function"), dict) else call
    name = function.get("name", "?")
    arguments = function.get("arguments")
    if isinstance(arguments, str):
        try:
            arguments = json.loads(arguments)
        except ValueError:
            return clipped(f"{name}({arguments})")
    return clipped(f"{name}({json.dumps(arguments, ensure_ascii=False)})")


def _option(key: str, value: Any) -> str:
    if key == "choices" and isinstance(value, list):
        return " | ".join(map(str, value))
    return scalar(value)


def _latency(value: Any) -> str:
    return f"latency {value:.3f} s" if isinstance(value, float) else ""


def _logprobs(values: Any) -> str:
    if not isinstance(values, dict):
        return compact(values)
    return ", ".join(
        f"{option} {value:.3f}" if isinstance(value, float) else f"{option} {value}"
        for option, value in values.items()
    )


def _is_chat(value: Any) -> bool:
    return bool(value) and all(isinstance(m, dict) and "role" in m for m in value)


@cache
def environment() -> Any:
    """The Jinja2 environment of the report's templates (autoescaped)."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    # Not StrictUndefined: stored data is irregular, a missing field reads as empty.
    env = Environment(
        loader=FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=False,
        lstrip_blocks=False,
    )
    env.filters.update(
        clipped=clipped,
        compact=compact,
        scalar=scalar,
        inline=compact,
        call_text=_call_text,
        logprobs=_logprobs,
        all_scalars=lambda v: all(isinstance(x, _SCALARS) for x in v),
        is_chat=_is_chat,
    )
    return env


def transcript_events(view: SampleView) -> list[dict[str, Any]]:
    """The transcript's events as the template shows them: model calls with
    only their new messages, their options and facts as one line each."""
    events: list[dict[str, Any]] = []
    previous: list[Any] = []
    for entry in view.transcript:
        data = entry.data
        if entry.kind != "model_call":
            events.append({"kind": entry.kind, "data": data})
            continue
        messages = _messages(data)
        repeated = _shared_prefix(messages, previous)
        previous = [*messages, *_reply(data)]
        options = data.get("options") if isinstance(data.get("options"), dict) else {}
        chosen = [
            f"{k} {_option(k, v)}" for k in _OPTIONS if (v := options.get(k)) not in (None, [], {})
        ]
        tools = [
            str(t.get("name") or (t.get("function") or {}).get("name"))
            for t in data.get("tools") or []
            if isinstance(t, dict)
        ]
        usage = data.get("usage") if isinstance(data.get("usage"), dict) else {}
        facts = [
            f"tokens in {usage.get('input_tokens', '?')} / out {usage.get('output_tokens', '?')}",
            f"latency {data['latency_s']:.3f} s"
            if isinstance(data.get("latency_s"), float)
            else "",
            f"cost ${data['cost_usd']:.6f}" if isinstance(data.get("cost_usd"), float) else "",
            f"{data['attempts']} attempts" if (data.get("attempts") or 1) > 1 else "",
        ]
        events.append(
            {
                "kind": "model_call",
                "model": data.get("model", "?"),
                "scripted": bool(data.get("scripted")),
                "options": " · ".join(chosen),
                "tools": ", ".join(tools),
                "repeated": repeated,
                "messages": messages[repeated:],
                "error": data.get("error"),
                "output": data.get("output"),
                "facts": " · ".join(f for f in facts if f),
            }
        )
    return events


def transcript_html(view: SampleView) -> str:
    """The transcript part of a sample card (empty when there is none)."""
    template = environment().from_string(
        '{% from "transcript.html" import transcript %}{{ transcript(events, count, note) }}'
    )
    return template.render(
        events=transcript_events(view), count=len(view.transcript), note=view.transcript_note
    )


def _messages(data: dict[str, Any]) -> list[Any]:
    messages = data.get("messages")
    return messages if isinstance(messages, list) else []


def _reply(data: dict[str, Any]) -> list[Any]:
    """The assistant message the call's output becomes in the next request."""
    output = data.get("output")
    if not isinstance(output, dict):
        return []
    return [{"role": "assistant", "content": output.get("text")}]


def _shared_prefix(messages: list[Any], previous: list[Any]) -> int:
    """How many leading messages repeat the previous call's (its request, and
    its reply when resent), compared by role and content."""
    count = 0
    for new, old in zip(messages, previous, strict=False):
        if not (isinstance(new, dict) and isinstance(old, dict)):
            break
        if new.get("role") != old.get("role"):
            break
        # A reply that only called tools comes back as "" and is resent as None.
        if (old.get("content") or None) is not None and new.get("content") != old.get("content"):
            break
        count += 1
    return count
