"""How a transcript event is stored: bulky parts by digest, the rest inline.

A conversation is resent whole on every turn, so storing each model call's
messages would grow a ten-turn sample's record with the square of its
length. Instead every message (and every list of tools offered) is a *part*,
kept once per run in ``transcript_parts`` under the SHA-256 of its canonical
JSON; the event names its parts by digest under the reserved key
``"$parts"``, and the read API puts them back. Only model calls carry parts
today, but any event may.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any

from ethos.db.engine import _json_default

PARTS_KEY = "$parts"


def canonical_json(value: Any) -> str:
    """The one JSON text of a value (keys sorted), as digests are taken of it."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_json_default
    )


def part_digest(value: Any) -> str:
    return hashlib.sha256(canonical_json(value).encode()).hexdigest()


def split_parts(
    data: Mapping[str, Any], fields: Mapping[str, bool]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(payload to store, {digest: part})``. ``fields`` names the keys of
    ``data`` kept as parts: True for a list whose every item is one part
    (messages), False for a value that is one part whole (the tools list).
    A None value stays inline."""
    payload = dict(data)
    refs: dict[str, Any] = {}
    parts: dict[str, Any] = {}
    for name, each in fields.items():
        value = payload.pop(name, None)
        if value is None:
            payload[name] = None
            continue
        items = list(value) if each else [value]
        digests = []
        for item in items:
            digest = part_digest(item)
            parts.setdefault(digest, item)
            digests.append(digest)
        refs[name] = digests if each else digests[0]
    if refs:
        payload[PARTS_KEY] = refs
    return payload, parts


def part_digests(payload: Any) -> Iterable[str]:
    """The digests a stored payload names."""
    if not isinstance(payload, dict):
        return ()
    refs = payload.get(PARTS_KEY) or {}
    found: list[str] = []
    for value in refs.values():
        found.extend(value if isinstance(value, list) else [value])
    return found


def join_parts(payload: Any, bodies: Mapping[str, Any]) -> dict[str, Any]:
    """A stored payload with its parts put back (the event's data)."""
    if not isinstance(payload, dict):
        return {"value": payload} if payload is not None else {}
    data = dict(payload)
    refs = data.pop(PARTS_KEY, None) or {}
    for name, value in refs.items():
        if isinstance(value, list):
            data[name] = [bodies.get(d) for d in value]
        else:
            data[name] = bodies.get(value)
    return data
