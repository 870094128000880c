"""What a graph run tells its caller while it runs: typed events.

LangGraph streams loosely typed dicts in several modes at once; a service
that relays progress to a browser, or a test that asserts on it, wants one
discriminated union instead. ``kind`` is the discriminator, so events
round-trip through JSON (``GraphEvent.model_validate_json``).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter


class _Event(BaseModel):
    model_config = ConfigDict(frozen=True)

    thread_id: str


class NodeStarted(_Event):
    kind: Literal["node_started"] = "node_started"
    node: str
    task_id: str


class NodeFinished(_Event):
    kind: Literal["node_finished"] = "node_finished"
    node: str
    task_id: str
    update: Any = None
    error: str | None = None


class ModelToken(_Event):
    """A piece of a model's answer as it arrives (a whole answer when the
    provider does not stream)."""

    kind: Literal["token"] = "token"
    node: str | None = None
    agent: str | None = None
    model: str
    text: str


class ToolCalled(_Event):
    kind: Literal["tool_call"] = "tool_call"
    node: str | None = None
    agent: str | None = None
    tool: str
    arguments: dict[str, Any] = Field(default_factory=dict)
    result: Any = None
    error: str | None = None


class Interrupted(_Event):
    """The graph waits for a person: answer with ``GraphRuntime.resume``."""

    kind: Literal["interrupted"] = "interrupted"
    interrupt_id: str
    value: Any = None


class Resumed(_Event):
    """The run continued an unfinished thread from its last checkpoint."""

    kind: Literal["resumed"] = "resumed"
    next_nodes: list[str]


class Custom(_Event):
    """Anything a node wrote with LangGraph's stream writer that is not one
    of ours."""

    kind: Literal["custom"] = "custom"
    node: str | None = None
    data: Any = None


class Finished(_Event):
    kind: Literal["finished"] = "finished"
    output: Any = None


GraphEvent = Annotated[
    NodeStarted
    | NodeFinished
    | ModelToken
    | ToolCalled
    | Interrupted
    | Resumed
    | Custom
    | Finished,
    Field(discriminator="kind"),
]
EVENT_ADAPTER: TypeAdapter[GraphEvent] = TypeAdapter(GraphEvent)
