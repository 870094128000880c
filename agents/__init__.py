"""Agents: typed building blocks that call the model gateway. Graphs make
them nodes."""

from ethos.agents.agent import Agent, AgentContext, AgentError, Handbook, Tool

__all__ = ["Agent", "AgentContext", "AgentError", "Handbook", "Tool"]
