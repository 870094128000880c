"""Interventions are data: per-request changes to a local model's computation.

A request carries a list of these; the local backend applies them with hooks
for that request only (and only to that request's rows of a batch). A
backend that cannot honour one raises UnsupportedInterventionError rather
than ignoring it. They travel as JSON too: in the ``ethos`` field of a
request to ``ethos serve``.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    FiniteFloat,
    TypeAdapter,
    ValidationError,
    field_validator,
)

from ethos.models.errors import InterventionSpecError


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
    # Finite only: one NaN or infinity in a batch row would otherwise reach
    # the model (JSON bodies parsed by Python accept NaN and Infinity).
    vector: tuple[FiniteFloat, ...] = Field(min_length=1)
    alpha: FiniteFloat = 1.0


Intervention = Annotated[ExpertMask | Steer, Field(discriminator="type")]
INTERVENTIONS: TypeAdapter[list[Intervention]] = TypeAdapter(list[Intervention])
KINDS = {"steer": Steer, "expert_mask": ExpertMask}
SHAPE = {
    "steer": "{'type': 'steer', 'layer': int, 'vector': [finite floats], 'alpha': finite float}",
    "expert_mask": "{'type': 'expert_mask', 'layer': int, 'experts': [ints >= 0], "
    "'mode': 'off-reroute'|'off-drop'|'force'}",
}
SHAPES = " or ".join(SHAPE.values())


def parse_interventions(raw: object) -> list[ExpertMask | Steer]:
    """Validate interventions from JSON-like data (a request body, a CLI flag);
    a malformed one is an InterventionSpecError naming its index and field."""
    try:
        return INTERVENTIONS.validate_python(raw or [])
    except ValidationError as exc:
        raise _spec_error(exc.errors()[0]) from None


def _spec_error(error: Any) -> InterventionSpecError:
    """One pydantic error as one line: which intervention, which field, what is wrong."""
    loc = list(error["loc"])
    if not loc:
        return InterventionSpecError(
            f"interventions must be a list, not {type(error['input']).__name__}",
            f"pass a list of interventions, each {SHAPES}",
        )
    index = loc.pop(0)
    kind = loc.pop(0) if loc and loc[0] in KINDS else None
    field = ".".join(str(part) for part in loc)
    where = f"intervention {index}" + (f" ({kind})" if kind else "")
    fix = f"a {kind} is {SHAPE[kind]}" if kind else f"each intervention is {SHAPES}"
    match error["type"]:
        case "union_tag_not_found":
            return InterventionSpecError(
                f"{where}: field 'type' is missing",
                "set 'type' to 'steer' or 'expert_mask'",
                index=index,
                field="type",
            )
        case "union_tag_invalid":
            return InterventionSpecError(
                f"{where}: type {error['ctx']['tag']!r} is not 'steer' or 'expert_mask'",
                fix,
                index=index,
                field="type",
            )
        case "model_attributes_type":
            return InterventionSpecError(
                f"{where} is {error['input']!r}, not an object", fix, index=index
            )
        case "missing":
            problem = f"{where}: field '{field}' is missing"
        case "extra_forbidden":
            known = ", ".join(KINDS[kind].model_fields) if kind else ""
            return InterventionSpecError(
                f"{where}: unknown field '{field}'",
                f"its fields are {known}" if known else fix,
                index=index,
                field=field,
            )
        case _:
            message = error["msg"].removeprefix("Value error, ")
            problem = f"{where}: field '{field}' is invalid: {message}"
    return InterventionSpecError(problem, fix, index=index, field=field)
