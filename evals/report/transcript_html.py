"""A sample's transcript in the HTML browser: each model call's messages
with their roles, the options that shaped it and what came back (text,
tool calls, the chosen option with its log-probabilities, the parsed
output), tool calls with their results, graph nodes and suite events.

A conversation is resent whole at every turn; a call whose messages begin
with the previous call's shows only the messages that are new, so a long
conversation reads (and weighs) once.
"""

from __future__ import annotations

import json
from typing import Any

from ethos.evals.report.escape import clip, esc
from ethos.evals.report.model import SampleView, TranscriptEntry

TRANSCRIPT_STYLE = """
.transcript{border-left:3px solid #ccc;padding-left:.6rem;margin:.3rem 0}
.msg{margin:.2rem 0}.role{font-weight:bold;font-size:.8rem;text-transform:uppercase;color:#555}
.role-system{color:#8a6d3b}.role-assistant{color:#1f5f99}.role-tool{color:#6a3d9a}
.event{margin:.4rem 0}.event h5{margin:.2rem 0;font-size:.9rem}
"""

_OPTIONS = ("temperature", "max_tokens", "seed", "output", "choices", "stop", "interventions")


def transcript_html(view: SampleView) -> str:
    """The transcript part of a sample card (empty when there is none)."""
    if not view.transcript and not view.transcript_note:
        return ""
    events = []
    previous: list[Any] = []
    for entry in view.transcript:
        if entry.kind == "model_call":
            events.append(_model_call(entry.data, previous))
            previous = [*_messages(entry.data), *_reply(entry.data)]
        elif entry.kind == "tool_call":
            events.append(_tool_call(entry.data))
        elif entry.kind == "node":
            node, phase = entry.data.get("node"), entry.data.get("phase")
            events.append(f'<div class="event note">node {esc(node)} {esc(phase)}</div>')
        else:
            events.append(_other(entry))
    note = f'<p class="note">{esc(view.transcript_note)}</p>' if view.transcript_note else ""
    count = f"{len(view.transcript):,} events"
    return (
        f"<details><summary>transcript ({count})</summary>"
        f'<div class="transcript">{"".join(events)}{note}</div></details>'
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


def _model_call(data: dict[str, Any], previous: list[Any]) -> str:
    messages = _messages(data)
    repeated = _shared_prefix(messages, previous)
    scripted = " · scripted test double" if data.get("scripted") else ""
    head = f"<h5>model call · {esc(data.get('model', '?'))}{scripted}</h5>"
    options = data.get("options") if isinstance(data.get("options"), dict) else {}
    chosen = {k: options[k] for k in _OPTIONS if options.get(k) not in (None, [], {})}
    parts = [head]
    if chosen:
        parts.append(f'<p class="note">options: {esc(json.dumps(chosen, ensure_ascii=False))}</p>')
    if data.get("tools"):
        names = [t.get("name") or t.get("function", {}).get("name") for t in data["tools"]]
        parts.append(f'<p class="note">tools offered: {esc(", ".join(map(str, names)))}</p>')
    if repeated:
        parts.append(
            f'<p class="note">{repeated} earlier message{"s" if repeated > 1 else ""}, '
            "as in the calls above</p>"
        )
    parts.extend(_message(m) for m in messages[repeated:])
    parts.append(_output(data))
    usage = data.get("usage") if isinstance(data.get("usage"), dict) else {}
    facts = [
        f"tokens in {usage.get('input_tokens', '?')} / out {usage.get('output_tokens', '?')}",
        f"latency {data['latency_s']:.3f} s" if isinstance(data.get("latency_s"), float) else "",
        f"cost ${data['cost_usd']:.6f}" if isinstance(data.get("cost_usd"), float) else "",
        f"{data['attempts']} attempts" if (data.get("attempts") or 1) > 1 else "",
    ]
    parts.append(f'<p class="note">{esc(" · ".join(f for f in facts if f))}</p>')
    return '<div class="event">' + "".join(parts) + "</div>"


def _message(message: Any) -> str:
    if not isinstance(message, dict):
        return f'<div class="msg"><pre>{clip(message)}</pre></div>'
    role = str(message.get("role", "?"))
    content = message.get("content")
    body = [f"<pre>{clip(content)}</pre>"] if content not in (None, "") else []
    for call in message.get("tool_calls") or []:
        body.append(f"<pre>→ tool call {clip(call)}</pre>")
    return (
        f'<div class="msg"><span class="role role-{esc(role)}">{esc(role)}</span>'
        f"{''.join(body)}</div>"
    )


def _output(data: dict[str, Any]) -> str:
    if data.get("error"):
        return f'<pre class="error">error: {clip(data["error"])}</pre>'
    output = data.get("output")
    if not isinstance(output, dict):
        return ""
    parts = ['<div class="msg"><span class="role role-assistant">answer</span>']
    if output.get("text") not in (None, ""):
        parts.append(f"<pre>{clip(output['text'])}</pre>")
    for call in output.get("tool_calls") or []:
        parts.append(f"<pre>→ tool call {clip(call)}</pre>")
    if output.get("choice") is not None:
        logprobs = output.get("choice_logprobs")
        shown = f" (log-probabilities {esc(json.dumps(logprobs))})" if logprobs else ""
        parts.append(f"<p>chose <b>{esc(output['choice'])}</b>{shown}</p>")
    if output.get("parsed") is not None:
        parts.append(f"<details><summary>parsed</summary><pre>{clip(output['parsed'])}</pre>")
        parts.append("</details>")
    if output.get("finish_reason"):
        parts.append(f'<span class="note">finish: {esc(output["finish_reason"])}</span>')
    return "".join(parts) + "</div>"


def _tool_call(data: dict[str, Any]) -> str:
    who = f" by {esc(data['agent'])}" if data.get("agent") else ""
    parts = [f"<h5>tool {esc(data.get('tool', '?'))}{who}</h5>"]
    parts.append(f"<pre>arguments {clip(data.get('arguments'))}</pre>")
    if data.get("error"):
        parts.append(f'<pre class="error">error: {clip(data["error"])}</pre>')
    else:
        parts.append(f"<pre>result {clip(data.get('result'))}</pre>")
    return '<div class="event">' + "".join(parts) + "</div>"


def _other(entry: TranscriptEntry) -> str:
    return f'<div class="event"><h5>{esc(entry.kind)}</h5><pre>{clip(entry.data)}</pre></div>'
