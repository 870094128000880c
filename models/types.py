"""What a gateway call returns."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Usage(BaseModel):
    model_config = ConfigDict(frozen=True)

    input_tokens: int = 0
    output_tokens: int = 0


class ToolCall(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    name: str
    arguments: str = Field(description="the arguments as the model wrote them (JSON text)")


class Completion(BaseModel):
    """One answer from a model, with what it cost.

    ``scripted`` is true when a script/ model produced it: a test double,
    never to be reported as a model's behaviour.
    """

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    model: str
    text: str
    parsed: Any = None
    choice: str | None = None
    choice_logprobs: dict[str, float] | None = None
    tool_calls: list[ToolCall] = Field(default_factory=list)
    finish_reason: str | None = None
    usage: Usage = Field(default_factory=Usage)
    latency_s: float = 0.0
    cost_usd: float | None = None
    attempts: int = 1
    scripted: bool = False
