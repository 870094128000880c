"""Prices and capabilities of hosted models, read from litellm's table
without importing litellm.

litellm ships its price map as a JSON file inside its package
(``model_prices_and_context_window_backup.json``). Importing litellm to
consult it costs seconds; reading the file costs tens of milliseconds,
once per process, and only when a call needs a price or a capability. The
lookup follows litellm's for OpenAI-compatible providers: ``openai/NAME``
is priced as the table's ``NAME`` entry of provider ``openai``; any other
provider's model only under its full string. A model the table does not
list has no price (None: unknown, not free), as litellm reports it.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import threading
from pathlib import Path
from typing import Any

TABLE_FILE = "model_prices_and_context_window_backup.json"
_lock = threading.Lock()
_table: dict[str, Any] | None = None


def price_table() -> dict[str, Any]:
    """litellm's packaged price map, parsed once; empty if litellm is absent."""
    global _table
    with _lock:
        if _table is None:
            _table = _read_table()
    return _table


def _read_table() -> dict[str, Any]:
    # find_spec locates the package without running it: importing litellm
    # (even through importlib.resources.files) is what this module avoids.
    spec = importlib.util.find_spec("litellm")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        path = Path(folder) / TABLE_FILE
        try:
            table = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(table, dict):
            return table
    return {}


@functools.lru_cache(maxsize=1024)
def model_entry(model: str) -> dict[str, Any] | None:
    """The table's entry for a canonical model string, or None (looked up
    once per model: a run asks for every call)."""
    provider, _, name = model.partition("/")
    table = price_table()
    entry = table.get(model)
    if isinstance(entry, dict) and entry.get("litellm_provider") in (provider, None):
        return entry
    if provider == "openai" or not name:
        entry = table.get(name or model)
        if isinstance(entry, dict) and entry.get("litellm_provider") == "openai":
            return entry
    return None


def supports_response_schema(model: str) -> bool:
    """Whether the endpoint takes a JSON schema as ``response_format``."""
    entry = model_entry(model)
    return bool(entry and entry.get("supports_response_schema"))


def call_cost(
    model: str,
    prompt_tokens: int,
    completion_tokens: int,
    cached_tokens: int = 0,
    *,
    input_cost_per_token: float | None = None,
    output_cost_per_token: float | None = None,
) -> float | None:
    """USD for one response: the model's configured prices when given, else
    the table's; None when neither knows the model. Cached prompt tokens are
    charged at the table's cache-read price where it has one."""
    if input_cost_per_token is not None or output_cost_per_token is not None:
        return prompt_tokens * (input_cost_per_token or 0.0) + completion_tokens * (
            output_cost_per_token or 0.0
        )
    entry = model_entry(model)
    if entry is None or "input_cost_per_token" not in entry:
        return None
    cache_price = entry.get("cache_read_input_token_cost")
    cached = min(cached_tokens, prompt_tokens) if cache_price is not None else 0
    return (
        (prompt_tokens - cached) * float(entry["input_cost_per_token"])
        + cached * float(cache_price or 0.0)
        + completion_tokens * float(entry.get("output_cost_per_token") or 0.0)
    )
