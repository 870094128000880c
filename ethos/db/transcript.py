"""How a transcript event is stored: bulky parts by digest, the rest inline.

A conversation is resent whole on every turn, so storing each model call's
messages would grow a ten-turn sample's record with the square of its
length. Instead every message (and every list of tools offered) is a *part*,
kept once per run in ``transcript_parts`` under a digest of its canonical
JSON (the first 128 bits of its SHA-256 in 22 URL-safe base64 characters:
collision-safe within a run; older runs' 64-hex digests read the same); the
event names its parts under the reserved key ``"$parts"``, and the read API
puts them back. Three more things keep a sample's record near the size of
its distinct text (benchmarks/eval_harness.py measures it):

- A list of parts (a call's messages) that begins like the same list of the
  sample's previous event names only what is new:
  ``{"prefix": k, "new": [digests]}`` means "the previous list's first k,
  then these". The previous event is the one before it in the sample's
  transcript (same attempt) that had such a list, so the writer and the
  reader (``TranscriptDecoder``) follow the same chain; a first call, a new
  conversation or concurrent calls that share nothing store the full list.
- A model call's answer is stored as the assistant message the caller will
  send back next turn (``"answer"``), so that message costs one part, not
  the answer's text inline and again as the next call's message; the list
  the next call's messages are compared with is this call's messages and
  its answer, so a continued conversation names only its new question.
- Fields at their default (no error, no tools, default options) are left
  out and put back on reading.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ethos.db.engine import _json_default

PARTS_KEY = "$parts"
ANSWER = "answer"  # the part holding a model call's answer, as an assistant message

# What a field is when it is not stored; a dict is a dict of such fields.
_DEFAULTS: dict[str, dict[str, Any]] = {
    "model_call": {
        "tools": None,
        "error": None,
        "cost_usd": None,
        "scripted": False,
        "attempts": 1,
        "options": {
            "temperature": None,
            "max_tokens": None,
            "seed": None,
            "output": None,
            "choices": None,
            "stop": None,
            "interventions": [],
        },
    },
    "tool_call": {"error": None},
}
_OUTPUT_DEFAULTS: dict[str, Any] = {
    "choice": None,
    "choice_logprobs": None,
    "parsed": None,
    "finish_reason": "stop",
}


def canonical_json(value: Any) -> str:
    """The one JSON text of a value (keys sorted), as digests are taken of it."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_json_default
    )


def part_digest(value: Any) -> str:
    digest = hashlib.sha256(canonical_json(value).encode()).digest()[:16]  # 128 bits
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


@dataclass
class Encoded:
    payload: dict[str, Any]  # what the events row stores
    parts: dict[str, Any]  # {digest: body} it names
    lists: dict[str, list[str]]  # each list field's full digests: the next event's base


def encode_event(
    kind: str,
    data: Mapping[str, Any],
    fields: Mapping[str, bool] | None,
    previous: Mapping[str, list[str]] | None = None,
) -> Encoded:
    """The stored form of an event. ``fields`` names the keys of ``data``
    kept as parts: True for a list whose every item is one part (messages),
    False for a value that is one part whole (the tools list). ``previous``
    is the full digest list of each such list field in the sample's
    previous event that had one (``Encoded.lists`` of that event)."""
    payload = dict(data)
    refs: dict[str, Any] = {}
    parts: dict[str, Any] = {}
    lists: dict[str, list[str]] = {}
    for name, each in (fields or {}).items():
        value = payload.pop(name, None)
        if value is None:
            continue  # restored as None on reading
        if not each:
            refs[name] = _add_part(parts, value)
            continue
        digests = [_add_part(parts, item) for item in value]
        lists[name] = digests
        refs[name] = _against(digests, (previous or {}).get(name))
    if kind == "model_call":
        _encode_model_call(payload, refs, parts, lists)
    _drop_defaults(payload, _DEFAULTS.get(kind, {}))
    if refs:
        payload[PARTS_KEY] = refs
    return Encoded(payload, parts, lists)


def part_digests(payload: Any) -> Iterable[str]:
    """The digests a stored payload names itself (a list's shared prefix
    comes from the previous event)."""
    if not isinstance(payload, dict):
        return ()
    refs = payload.get(PARTS_KEY) or {}
    found: list[str] = []
    for value in refs.values():
        if isinstance(value, dict):
            found.extend(value.get("new") or [])
        elif isinstance(value, list):
            found.extend(value)
        else:
            found.append(value)
    return found


class TranscriptDecoder:
    """Puts stored events back into their data, in transcript order (one
    decoder per sample and attempt read: it remembers the previous event's
    lists for the next one's shared prefix)."""

    def __init__(self) -> None:
        self._lists: dict[str, list[Any]] = {}

    def decode(self, kind: str, payload: Any, bodies: Mapping[str, Any]) -> dict[str, Any]:
        if not isinstance(payload, dict):
            return {"value": payload} if payload is not None else {}
        data = dict(payload)
        refs = data.pop(PARTS_KEY, None) or {}
        answer = refs.get(ANSWER) if kind == "model_call" else None
        for name, value in refs.items():
            if name == ANSWER and answer is not None:
                continue
            if isinstance(value, dict):  # {"prefix": k, "new": [...]}
                base = self._lists.get(name) or []
                k = int(value.get("prefix") or 0)
                items = base[:k] + [None] * (k - len(base))  # None: a base that was lost
                items += [bodies.get(d) for d in value.get("new") or []]
                data[name] = self._lists[name] = items
            elif isinstance(value, list):
                data[name] = self._lists[name] = [bodies.get(d) for d in value]
            else:
                data[name] = bodies.get(value)
        if kind == "model_call":
            if answer is not None:
                message = bodies.get(answer)
                data["output"] = _join_answer(message or {}, data.get("output") or {})
                if "messages" in refs:  # the next call continues after the answer
                    self._lists["messages"] = [*data["messages"], message]
            else:
                data.setdefault("output", None)
        _restore_defaults(data, _DEFAULTS.get(kind, {}))
        return data


def join_parts(payload: Any, bodies: Mapping[str, Any], kind: str = "") -> dict[str, Any]:
    """One stored payload with its parts put back (its lists must be whole:
    use a TranscriptDecoder for a sample's events in order)."""
    return TranscriptDecoder().decode(kind, payload, bodies)


# -- helpers ---------------------------------------------------------------------


def _encode_model_call(
    payload: dict[str, Any], refs: dict[str, Any], parts: dict[str, Any], lists: dict[str, Any]
) -> None:
    """The answer as a part, and as the last message of the conversation the
    next call continues (it resends the answer, so shares it as prefix)."""
    if isinstance(payload.get("latency_s"), float):
        payload["latency_s"] = round(payload["latency_s"], 6)  # microseconds are plenty
    output = payload.get("output")
    if output is None:
        payload.pop("output", None)
        return
    if not isinstance(output, dict):
        return
    answer, rest = _split_answer(output)
    if answer is None:
        return
    refs[ANSWER] = _add_part(parts, answer)
    if "messages" in lists:
        lists["messages"] = [*lists["messages"], refs[ANSWER]]
    del payload["output"]
    if rest:
        payload["output"] = rest


def _add_part(parts: dict[str, Any], body: Any) -> str:
    digest = part_digest(body)
    parts.setdefault(digest, body)
    return digest


def _against(digests: list[str], base: list[str] | None) -> Any:
    """A list of digests as stored: what it shares with ``base`` from the
    start as a count, or the whole list when it shares nothing."""
    shared = 0
    for mine, theirs in zip(digests, base or (), strict=False):
        if mine != theirs:
            break
        shared += 1
    if not shared:
        return digests
    return {"prefix": shared, "new": digests[shared:]}


def _split_answer(output: Mapping[str, Any]) -> tuple[dict[str, Any] | None, dict[str, Any]]:
    """(the answer as the assistant message a caller sends back, the rest of
    ``output`` not at its default); ``(None, output)`` when the message
    cannot give the output back exactly."""
    try:
        calls = output.get("tool_calls") or []
        text = output.get("text")
        answer: dict[str, Any] = {"role": "assistant", "content": text}
        if calls:  # as agents send a tool-calling turn back (agents.agent)
            answer["content"] = text or None
            answer["tool_calls"] = [
                {
                    "id": c["id"],
                    "type": "function",
                    "function": {"name": c["name"], "arguments": c["arguments"]},
                }
                for c in calls
            ]
        rest = {
            k: v
            for k, v in output.items()
            if k not in ("text", "tool_calls") and _OUTPUT_DEFAULTS.get(k, _MISSING) != v
        }
        if _join_answer(answer, rest) == output:
            return answer, rest
    except (KeyError, TypeError, AttributeError):
        pass
    return None, dict(output)


def _join_answer(answer: Mapping[str, Any], rest: Mapping[str, Any]) -> dict[str, Any]:
    text = answer.get("content")
    if text is None and answer.get("tool_calls"):
        text = ""  # a tool-calling turn sends no text as None
    output = {
        "text": text,
        "tool_calls": [
            {"id": c["id"], "name": c["function"]["name"], "arguments": c["function"]["arguments"]}
            for c in answer.get("tool_calls") or []
        ],
    }
    output.update(_OUTPUT_DEFAULTS)
    output.update(rest)
    return output


_MISSING = object()


def _drop_defaults(data: dict[str, Any], defaults: Mapping[str, Any]) -> None:
    for key, default in defaults.items():
        if key not in data:
            continue
        value = data[key]
        if isinstance(default, dict) and isinstance(value, dict):
            value = dict(value)
            _drop_defaults(value, default)
            if value:
                data[key] = value
            else:
                del data[key]
        elif value == default and type(value) is type(default):
            del data[key]


def _restore_defaults(data: dict[str, Any], defaults: Mapping[str, Any]) -> None:
    for key, default in defaults.items():
        if isinstance(default, dict):
            value = data.get(key, {})
            if isinstance(value, dict):
                value = dict(value)
                _restore_defaults(value, default)
                data[key] = value
        elif key not in data:
            data[key] = list(default) if isinstance(default, list) else default
