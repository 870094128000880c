"""Dense activation steering: extract, purify, store and apply steering vectors.

The recipe of the personality-steering work (see docs/architecture.md):
for each contrastive pair (positive prompt, negative prompt), chat-template
both, run them through the model and take the **last token's** hidden state
at the output of decoder layer ``layer`` -- the same place ``Steer`` adds its
vector. The steering vector is the unit-normalised mean of
``positive - negative`` over the pairs. ``purify`` removes the span of other
vectors (QR projection), as the paper does for openness against
conscientiousness and extraversion. ``vec.steer(alpha)`` gives the ``Steer``
that adds ``alpha * vector`` after that layer; since the vector has unit
norm, alpha is the shift along it.

Vectors are stored as safetensors (float64, so a round trip is exact) with
their provenance as JSON in the file's metadata.
"""

from __future__ import annotations

import hashlib
import json
import math
import struct
import threading
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ethos.models.errors import ModelConfigError, UnsupportedInterventionError
from ethos.models.interventions import Steer

if TYPE_CHECKING:
    import torch

    from ethos.models.local.host import LocalModel

METHOD = "mean-diff-last-token"
_METADATA_KEY = "ethos.steering"
_FORMAT = 1

# A prompt: a user message as a string, or chat messages. Ending with an
# assistant message means "this response": no generation prompt is added.
Prompt = str | Sequence[Mapping[str, Any]]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class PurifiedAgainst(_Frozen):
    """One vector whose direction was removed: enough to find it again."""

    layer: int
    digest: str  # sha256 of the vector's float64 bytes
    pairs_sha256: str | None = None
    method: str | None = None


class Provenance(_Frozen):
    model: str  # the checkpoint's path
    layer: int = Field(ge=0)
    pairs: int = Field(ge=0)  # how many contrastive pairs
    pairs_sha256: str
    created_at: str  # ISO 8601, UTC
    method: str = METHOD
    purified_against: tuple[PurifiedAgainst, ...] = ()


class SteeringVector(_Frozen):
    """A unit direction in the residual stream after decoder layer ``layer``."""

    layer: int = Field(ge=0)
    vector: tuple[float, ...] = Field(min_length=1)
    provenance: Provenance

    @property
    def width(self) -> int:
        return len(self.vector)

    @property
    def digest(self) -> str:
        """sha256 of the vector's little-endian float64 bytes."""
        return _digest(self.vector)

    def steer(self, alpha: float = 1.0) -> Steer:
        """The intervention adding ``alpha * vector`` after decoder layer ``layer``."""
        return Steer(layer=self.layer, vector=self.vector, alpha=alpha)

    def check(self, model: LocalModel) -> None:
        """Refuse a vector that cannot steer ``model`` (wrong width or layer)."""
        _check_width(self.width, model, what=f"the steering vector for layer {self.layer}")
        _check_layer(self.layer, model)


# -- extraction ---------------------------------------------------------------


async def steering_vector(
    model: LocalModel,
    pairs: Sequence[tuple[Prompt, Prompt]],
    *,
    layers: Sequence[int],
) -> dict[int, SteeringVector]:
    """Per layer, the unit-normalised mean of last-token hidden-state differences
    (positive minus negative) at the output of decoder layer ``layer``.

    Everything is checked before any compute. The forward passes run on the
    model's worker thread with the model to itself (``run_exclusive``: no
    request's steering or masking hooks are in place meanwhile, and requests
    wait), one prompt at a time so no padding can shift the last token, with
    the differences accumulated in float64.
    """
    if not pairs:
        raise ModelConfigError(
            "steering_vector got no contrastive pairs",
            "pass at least one (positive prompt, negative prompt) pair",
        )
    if not layers:
        raise ModelConfigError("steering_vector got no layers", "pass layers=[...], e.g. [12]")
    wanted = sorted(set(layers))
    for layer in wanted:
        _check_layer(layer, model)
    conversations: list[tuple[list[dict[str, Any]], list[dict[str, Any]]]] = []
    for i, pair in enumerate(pairs):
        if len(pair) != 2:
            raise ModelConfigError(
                f"pair {i} has {len(pair)} items", "each pair is (positive prompt, negative prompt)"
            )
        conversations.append((_messages(pair[0], i, "positive"), _messages(pair[1], i, "negative")))
    encoded = [(_encode(model, pos), _encode(model, neg)) for pos, neg in conversations]
    for i, (pos, neg) in enumerate(encoded):
        for side, ids in (("positive", pos), ("negative", neg)):
            if len(ids) > model.context_length:
                raise ModelConfigError(
                    f"the {side} prompt of pair {i} has {len(ids)} tokens; "
                    f"{model.name}'s context holds {model.context_length}",
                    "shorten the prompt",
                )

    sums = await model.run_exclusive(lambda: _mean_differences(model, encoded, wanted))

    pairs_sha256 = _pairs_digest(conversations)
    created_at = datetime.now(UTC).isoformat(timespec="seconds")
    out: dict[int, SteeringVector] = {}
    for layer in wanted:
        direction = sums[layer]
        norm = float(direction.norm())
        if not math.isfinite(norm) or norm == 0.0:
            raise ModelConfigError(
                f"the positive and negative prompts give the same mean hidden state at layer "
                f"{layer} (difference norm {norm})",
                "use pairs that differ in the trait you want to steer",
            )
        out[layer] = SteeringVector(
            layer=layer,
            vector=tuple((direction / norm).tolist()),
            provenance=Provenance(
                model=str(model.path),
                layer=layer,
                pairs=len(conversations),
                pairs_sha256=pairs_sha256,
                created_at=created_at,
            ),
        )
    return out


def _mean_differences(
    model: LocalModel,
    encoded: list[tuple[list[int], list[int]]],
    layers: list[int],
) -> dict[int, torch.Tensor]:
    """On the model's worker: sum over pairs of last-token (positive - negative), float64."""
    import torch

    hf = model.hf_model
    decoder_layers = hf.get_decoder().layers
    device = next(hf.parameters()).device
    me = threading.get_ident()
    seen: dict[int, torch.Tensor] = {}

    def recorder(index: int) -> Any:
        def record(_module: torch.nn.Module, _args: Any, output: Any) -> None:
            if threading.get_ident() != me:  # the engine's thread: not ours
                return
            hidden = output[0] if isinstance(output, tuple) else output
            seen[index] = hidden[0, -1].detach().to(device="cpu", dtype=torch.float64)

        return record

    def last_token_states(ids: list[int]) -> dict[int, torch.Tensor]:
        seen.clear()
        hf(input_ids=torch.tensor([ids], device=device), use_cache=False)
        return {layer: seen[layer] for layer in layers}

    handles = [decoder_layers[layer].register_forward_hook(recorder(layer)) for layer in layers]
    try:
        with torch.no_grad():
            sums = {layer: torch.zeros(model.hidden_size, dtype=torch.float64) for layer in layers}
            for positive, negative in encoded:
                pos = last_token_states(positive)
                neg = last_token_states(negative)
                for layer in layers:
                    sums[layer] += pos[layer] - neg[layer]
    finally:
        for handle in handles:
            handle.remove()
    return {layer: total / len(encoded) for layer, total in sums.items()}


def _messages(prompt: Prompt, index: int, side: str) -> list[dict[str, Any]]:
    if isinstance(prompt, str):
        if not prompt:
            raise ModelConfigError(f"the {side} prompt of pair {index} is empty", "give it text")
        return [{"role": "user", "content": prompt}]
    messages = [dict(message) for message in prompt]
    if not messages:
        raise ModelConfigError(
            f"the {side} prompt of pair {index} has no messages", "give it at least one message"
        )
    return messages


def _encode(model: LocalModel, messages: list[dict[str, Any]]) -> list[int]:
    # A conversation ending in the assistant's reply is taken as is (its last
    # token is the reply's); otherwise the generation prompt is added, as for a
    # request, so the last token is where the reply would begin.
    responding = messages[-1].get("role") == "assistant"
    try:
        text = model.tokenizer.apply_chat_template(
            messages, tokenize=False, add_generation_prompt=not responding
        )
    except Exception as exc:
        raise ModelConfigError(
            f"{model.name}'s chat template rejected a prompt: {exc}",
            "pass strings or lists of {'role': ..., 'content': str} dicts",
        ) from exc
    return model.tokenizer.backend_tokenizer.encode(text, add_special_tokens=False).ids


def _pairs_digest(conversations: Sequence[tuple[list[Any], list[Any]]]) -> str:
    canonical = json.dumps(conversations, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


# -- purification -------------------------------------------------------------


def purify(
    vector: SteeringVector, against: Sequence[SteeringVector | Sequence[float]]
) -> SteeringVector:
    """``vector`` with the span of ``against`` removed, renormalised.

    ``Q = qr([a_1 .. a_n])``, ``v' = v - sum_i (v . q_i) q_i``, ``v' / |v'|``
    (in float64). Directions of ``against`` that are linearly dependent on the
    others are dropped, so nothing beyond their span is removed.
    """
    import torch

    if not against:
        raise ModelConfigError("purify got nothing to purify against", "pass at least one vector")
    columns = []
    references = []
    for i, other in enumerate(against):
        if isinstance(other, SteeringVector):
            if other.layer != vector.layer:
                raise ModelConfigError(
                    f"vector {i} to purify against is for layer {other.layer}, "
                    f"this one for layer {vector.layer}",
                    "purify against vectors of the same layer",
                )
            references.append(
                PurifiedAgainst(
                    layer=other.layer,
                    digest=other.digest,
                    pairs_sha256=other.provenance.pairs_sha256,
                    method=other.provenance.method,
                )
            )
            values = other.vector
        else:
            values = tuple(float(x) for x in other)
            references.append(
                PurifiedAgainst(layer=vector.layer, digest=_digest(values), method="given")
            )
        if len(values) != vector.width:
            raise ModelConfigError(
                f"vector {i} to purify against has width {len(values)}; this one has "
                f"{vector.width}",
                "purify against vectors of the same model",
            )
        columns.append(torch.tensor(values, dtype=torch.float64))
    matrix = torch.stack(columns, dim=1)  # (width, n)
    q, r = torch.linalg.qr(matrix)
    diagonal = r.diagonal().abs()
    scale = float(diagonal.max()) if diagonal.numel() else 0.0
    if scale == 0.0:
        raise ModelConfigError("the vectors to purify against are all zero", "pass real vectors")
    q = q[:, diagonal > scale * 1e-10]
    v = torch.tensor(vector.vector, dtype=torch.float64)
    v = v - q @ (q.T @ v)
    v = v - q @ (q.T @ v)  # a second pass removes what rounding left behind
    norm = float(v.norm())
    if norm < 1e-8:
        raise ModelConfigError(
            "the vector lies in the span of the vectors to purify against: nothing is left",
            "purify against fewer or different vectors",
        )
    provenance = vector.provenance.model_copy(
        update={
            "purified_against": vector.provenance.purified_against + tuple(references),
            "method": f"{vector.provenance.method}+qr-purified",
        }
    )
    return SteeringVector(
        layer=vector.layer, vector=tuple((v / norm).tolist()), provenance=provenance
    )


def _digest(values: Sequence[float]) -> str:
    return hashlib.sha256(struct.pack(f"<{len(values)}d", *values)).hexdigest()


# -- storage ------------------------------------------------------------------


def save_vector(vec: SteeringVector, path: str | Path) -> Path:
    """Write ``vec`` as safetensors: tensor ``vector`` (float64), provenance in metadata."""
    import torch
    from safetensors.torch import save_file

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    metadata = {
        _METADATA_KEY: json.dumps(
            {"format": _FORMAT, "layer": vec.layer, "provenance": vec.provenance.model_dump()}
        )
    }
    save_file({"vector": torch.tensor(vec.vector, dtype=torch.float64)}, str(path), metadata)
    return path


def load_vector(path: str | Path, model: LocalModel | None = None) -> SteeringVector:
    """Read a vector written by ``save_vector``; with ``model``, refuse one that
    does not fit it (width or layer) before any compute."""
    from safetensors import SafetensorError, safe_open

    path = Path(path)
    if not path.is_file():
        raise ModelConfigError(
            f"no steering vector at {path}",
            "check the path, or compute one with ethos.models.steering.steering_vector",
        )
    try:
        with safe_open(str(path), framework="pt") as f:
            raw = (f.metadata() or {}).get(_METADATA_KEY)
            tensor = f.get_tensor("vector") if "vector" in f.keys() else None
    except (SafetensorError, OSError) as exc:
        raise ModelConfigError(
            f"{path} is not a readable safetensors file: {exc}", "save it with save_vector"
        ) from exc
    if raw is None or tensor is None:
        raise ModelConfigError(
            f"{path} holds no ethos steering vector (no '{_METADATA_KEY}' metadata or no "
            "'vector' tensor)",
            "save it with ethos.models.steering.save_vector",
        )
    try:
        header = json.loads(raw)
        vec = SteeringVector(
            layer=header["layer"],
            vector=tuple(tensor.double().flatten().tolist()),
            provenance=Provenance.model_validate(header["provenance"]),
        )
    except (ValueError, KeyError, TypeError, ValidationError) as exc:
        raise ModelConfigError(
            f"{path} has a malformed steering vector: {exc}", "save it again with save_vector"
        ) from exc
    if model is not None:
        vec.check(model)
    return vec


# -- checks -------------------------------------------------------------------


def _check_layer(layer: int, model: LocalModel) -> None:
    if not 0 <= layer < model.num_layers:
        raise UnsupportedInterventionError(
            f"layer {layer} is out of range: {model.name} has {model.num_layers} decoder "
            f"layers (0..{model.num_layers - 1})",
            f"pick a layer below {model.num_layers}",
        )


def _check_width(width: int, model: LocalModel, *, what: str) -> None:
    if width != model.hidden_size:
        raise UnsupportedInterventionError(
            f"{what} has width {width}; {model.name}'s hidden size is {model.hidden_size}",
            f"use a vector computed on a model with hidden size {model.hidden_size}",
        )
