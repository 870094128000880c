"""Graph node boundaries in a sample's transcript.

A reader of a graph solver's transcript wants to see which node made which
model call. The runtime's event stream cannot say it in order: LangGraph
hands stream parts to the consumer after the node has run (a lone node runs
inline), so a "start" taken from the stream would land after the node's own
model calls. A LangChain callback is called inside the node's task, right
before and after its body, so its ``record_event`` lands in order with what
the node records (``ethos.recording``: the sample's scope follows the task).

    with recording_nodes():
        await graph.ainvoke(state)   # "node" events {"node", "phase"} per node run

The handler is attached to every graph run in the ``with`` block through
LangChain's configure hook (a context variable), so no graph, config or
runtime API changes for it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any
from uuid import UUID

from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.tracers.context import register_configure_hook

from ethos.recording import record_event

STEP_TAG = "graph:step:"  # LangGraph tags each node run with its step


class NodeRecorder(BaseCallbackHandler):
    """Records ``node`` start and end events of the node runs it sees."""

    run_inline = True  # called in the node's task, not in an executor: in order

    def __init__(self) -> None:
        self._nodes: dict[UUID, str] = {}

    def on_chain_start(
        self,
        serialized: dict[str, Any] | None,
        inputs: Any,
        *,
        run_id: UUID,
        parent_run_id: UUID | None = None,
        tags: list[str] | None = None,
        metadata: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        node = (metadata or {}).get("langgraph_node")
        is_node = (
            node is not None
            and kwargs.get("name") == node
            and any(t.startswith(STEP_TAG) for t in tags or ())
            and parent_run_id not in self._nodes  # not a runnable of the same name inside it
        )
        if is_node:
            self._nodes[run_id] = node
            record_event("node", node=node, phase="start")

    def on_chain_end(self, outputs: Any, *, run_id: UUID, **kwargs: Any) -> None:
        node = self._nodes.pop(run_id, None)
        if node is not None:
            record_event("node", node=node, phase="end")

    def on_chain_error(self, error: BaseException, *, run_id: UUID, **kwargs: Any) -> None:
        node = self._nodes.pop(run_id, None)
        if node is not None:
            record_event("node", node=node, phase="end", error=f"{type(error).__name__}: {error}")


_recorder: ContextVar[NodeRecorder | None] = ContextVar("ethos_node_recorder", default=None)
register_configure_hook(_recorder, inheritable=True)


@contextmanager
def recording_nodes() -> Iterator[NodeRecorder]:
    """Record the node boundaries of every graph run inside the block."""
    recorder = NodeRecorder()
    token = _recorder.set(recorder)
    try:
        yield recorder
    finally:
        _recorder.reset(token)
