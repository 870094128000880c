"""The graph runtime around LangGraph and the graphs that wire agents."""

from ethos.graphs.runtime import (
    GraphDefinitionError,
    GraphError,
    GraphLimitError,
    GraphRuntime,
    RunOutcome,
    ThreadBusyError,
    ThreadNotFoundError,
    ThreadState,
)

__all__ = [
    "GraphDefinitionError",
    "GraphError",
    "GraphLimitError",
    "GraphRuntime",
    "RunOutcome",
    "ThreadBusyError",
    "ThreadNotFoundError",
    "ThreadState",
]
