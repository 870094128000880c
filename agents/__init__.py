"""Agents: typed building blocks that call the model gateway. Graphs make
them nodes."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ethos.agents.agent import (
        Agent,
        AgentContext,
        AgentError,
        AgentResult,
        Handbook,
        RunContext,
        Tool,
    )

__all__ = ["Agent", "AgentContext", "AgentError", "AgentResult", "Handbook", "RunContext", "Tool"]


def __getattr__(name: str) -> Any:
    # Loaded on first use: a submodule such as the SQL sandbox's worker
    # process (started per worker) does not pay for the agent machinery.
    if name in __all__:
        return getattr(import_module("ethos.agents.agent"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    # the lazily loaded names are listed before first use, as they were
    return sorted(set(globals()) | set(__all__))
