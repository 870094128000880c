"""``key=value`` pairs from the command line (-M, -T, --arm options)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from ethos.errors import ConfigError


def parse_pairs(pairs: Iterable[str], flag: str) -> dict[str, Any]:
    """``["a=1", "b=text", "c=[1,2]"]`` -> ``{"a": 1, "b": "text", "c": [1, 2]}``.

    Values are read as JSON when they parse (numbers, booleans, lists,
    objects), else kept as text, so ``-T rounds=10`` is an int and
    ``-T story=office`` a string.
    """
    out: dict[str, Any] = {}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        if not sep or not key.strip():
            raise ConfigError(f"{flag} {pair!r} is not key=value", f"write it as {flag} name=value")
        try:
            out[key.strip()] = json.loads(raw)
        except ValueError:
            out[key.strip()] = raw
    return out
