"""Agents: typed building blocks that call the model gateway. Graphs make
them nodes."""

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
