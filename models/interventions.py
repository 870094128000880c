"""Interventions are data: per-request changes to a local model's computation.

A request carries a list of these; the local backend applies them with hooks
for that request only (and only to that request's rows of a batch). A
backend that cannot honour one raises UnsupportedInterventionError rather
than ignoring it. They travel as JSON too: in the ``ethos`` field of a
request to ``ethos serve``.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, field_validator


class _Spec(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ExpertMask(_Spec):
    """Switch experts of one MoE layer off or force them on.

    ``off-reroute``: the vacated top-k slot goes to the next-best expert
    (EASY-EP, SteerMoE). ``off-drop``: the slot is emptied and the remaining
    weights renormalised (MoTE). ``force``: the expert joins every token's
    top-k.
    """

    type: Literal["expert_mask"] = "expert_mask"
    layer: int = Field(ge=0)
    experts: tuple[int, ...] = Field(min_length=1)
    mode: Literal["off-reroute", "off-drop", "force"] = "off-reroute"

    @field_validator("experts")
    @classmethod
    def _non_negative(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        if any(e < 0 for e in value):
            raise ValueError("expert indices must be >= 0")
        return tuple(sorted(set(value)))


class Steer(_Spec):
    """Add ``alpha * vector`` to the residual stream after decoder layer ``layer``."""

    type: Literal["steer"] = "steer"
    layer: int = Field(ge=0)
    vector: tuple[float, ...] = Field(min_length=1)
    alpha: float = 1.0


Intervention = Annotated[ExpertMask | Steer, Field(discriminator="type")]
INTERVENTIONS: TypeAdapter[list[Intervention]] = TypeAdapter(list[Intervention])


def parse_interventions(raw: object) -> list[ExpertMask | Steer]:
    """Validate interventions from JSON-like data (a request body, a CLI flag)."""
    return INTERVENTIONS.validate_python(raw or [])
