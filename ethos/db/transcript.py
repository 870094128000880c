"""How a transcript event is stored: bulky parts by digest, the rest inline.

A conversation is resent whole on every turn, so storing each model call's
messages would grow a ten-turn sample's record with the square of its
length. Two things keep a sample's record near the size of its distinct
text (benchmarks/eval_harness.py measures it):

- A list (a call's messages) that begins like the same list of the sample's
  previous event is stored as ``{"prefix": k, "new": [...]}``: "the
  previous list's first k, then these new messages, inline". The previous
  event is the one before it in the sample's transcript (same attempt) that
  had such a list, and the list it is compared with is that call's messages
  followed by its answer (as the assistant message a caller sends back), so
  a continued conversation stores only its new question. The writer and the
  reader (``TranscriptDecoder``) follow the same chain.
- A list that shares nothing with the one before (a first call, a new
  conversation, concurrent calls in one sample) is stored as *parts*: each
  message (and every list of tools offered) kept once per run in
  ``transcript_parts`` under a digest of its canonical JSON (128 bits of
  SHA-256 in 22 URL-safe base64 characters: collision-safe within a run),
  so a system prompt or few-shot examples every sample sends are kept once.
  The event names them under the reserved key ``"$parts"``.

Fields at their default (no error, no tools, default options) are left out
and put back on reading. Runs stored before (whole digest lists, 64-hex
digests, every field inline) read the same.
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
    "tool_calls": [],
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
    lists: dict[str, list[str]]  # each list's digests (and the answer's): the next one's base


def encode_event(
    kind: str,
    data: Mapping[str, Any],
    fields: Mapping[str, bool] | None,
    previous: Mapping[str, list[str]] | None = None,
) -> Encoded:
    """The stored form of an event. ``fields`` names the keys of ``data``
    stored apart: True for a list compared with the previous event's and
    else kept item by item as parts (messages), False for a value that is
    one part whole (the tools list). ``previous`` is ``Encoded.lists`` of
    the sample's previous event that had lists."""
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
        items = list(value)
        digests = [part_digest(item) for item in items]
        shared = _shared(digests, (previous or {}).get(name) or ())
        if shared:
            refs[name] = {"prefix": shared, "new": items[shared:]}
        else:
            for digest, item in zip(digests, items, strict=True):
                parts.setdefault(digest, item)
            refs[name] = digests
        lists[name] = digests
    if kind == "model_call":
        _encode_model_call(payload, lists)
    _drop_defaults(payload, _DEFAULTS.get(kind, {}))
    if refs:
        payload[PARTS_KEY] = refs
    return Encoded(payload, parts, lists)


def part_digests(payload: Any) -> Iterable[str]:
    """The digests of parts a stored payload names."""
    if not isinstance(payload, dict):
        return ()
    refs = payload.get(PARTS_KEY) or {}
    found: list[str] = []
    for value in refs.values():
        if isinstance(value, dict):
            value = value.get("new") or []
        if isinstance(value, list):
            found.extend(v for v in value if isinstance(v, str))
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
        for name, value in refs.items():
            if isinstance(value, dict):  # {"prefix": k, "new": [...]}
                base = self._lists.get(name) or []
                k = int(value.get("prefix") or 0)
                items = base[:k] + [None] * (k - len(base))  # None: a base that was lost
                items += [_body(v, bodies) for v in value.get("new") or []]
                data[name] = self._lists[name] = items
            elif isinstance(value, list):
                data[name] = self._lists[name] = [bodies.get(d) for d in value]
            else:
                data[name] = bodies.get(value)
        if kind == "model_call":
            output = data.get("output")
            if isinstance(output, dict):
                output = data["output"] = {**_OUTPUT_DEFAULTS, "tool_calls": [], **output}
                answer = _answer_message(output)
                if answer is not None and isinstance(refs.get("messages"), dict | list):
                    self._lists["messages"] = [*data["messages"], answer]
            else:
                data.setdefault("output", None)
        _restore_defaults(data, _DEFAULTS.get(kind, {}))
        return data


# -- helpers ---------------------------------------------------------------------


def _encode_model_call(payload: dict[str, Any], lists: dict[str, list[str]]) -> None:
    """The output without its defaults; the answer, as the caller will send
    it back, ends the list the next call is compared with."""
    if isinstance(payload.get("latency_s"), float):
        payload["latency_s"] = round(payload["latency_s"], 6)  # microseconds are plenty
    output = payload.get("output")
    if output is None:
        payload.pop("output", None)
        return
    if not isinstance(output, dict):
        return
    answer = _answer_message(output)
    if answer is not None and "messages" in lists:
        lists["messages"] = [*lists["messages"], part_digest(answer)]
    payload["output"] = {
        k: v for k, v in output.items() if k == "text" or _OUTPUT_DEFAULTS.get(k, _MISSING) != v
    }


def _body(value: Any, bodies: Mapping[str, Any]) -> Any:
    return bodies.get(value) if isinstance(value, str) else value


def _add_part(parts: dict[str, Any], body: Any) -> str:
    digest = part_digest(body)
    parts.setdefault(digest, body)
    return digest


def _shared(digests: list[str], base: Iterable[str]) -> int:
    """How many items ``digests`` shares with ``base`` from the start."""
    shared = 0
    for mine, theirs in zip(digests, base, strict=False):
        if mine != theirs:
            break
        shared += 1
    return shared


def _answer_message(output: Mapping[str, Any]) -> dict[str, Any] | None:
    """The answer as the assistant message a caller sends back next turn
    (a tool-calling turn as agents.agent sends it); None when malformed."""
    try:
        answer: dict[str, Any] = {"role": "assistant", "content": output["text"]}
        calls = output.get("tool_calls") or []
        if calls:
            answer["content"] = output["text"] or None
            answer["tool_calls"] = [
                {
                    "id": c["id"],
                    "type": "function",
                    "function": {"name": c["name"], "arguments": c["arguments"]},
                }
                for c in calls
            ]
    except (KeyError, TypeError):
        return None
    return answer


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
