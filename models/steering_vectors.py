"""Trait steering vectors: extraction from a contrastive set, openness
purification, and the bounded search for a steering coefficient.

After Handa et al. (2025, arXiv 2509.04794): one residual-stream
mean-difference vector per trait and layer (``ethos.models.steering``:
last token of the chat-templated (question, answer) pair, high-trait answer
minus low-trait answer, unit norm); openness purified against
conscientiousness and extraversion (QR projection), since their vectors
overlap; the coefficient chosen by a bounded search that maximises
``alignment * clean`` where ``clean >= 0.9`` (else the candidate scores -1),
as the paper's "binary scout" does with its classifiers.

We have no trait or gibberish classifier offline, so both measures are the
model's own likelihoods on held-out contrastive pairs:

- alignment: the share of held-out questions on which the steered model
  gives the target pole's answer a higher per-token log-probability than
  the other pole's answer;
- clean: ``exp`` of the change in per-token log-probability of all those
  answers (both poles, fluent text written for the project) against the
  unsteered model, capped at 1. A push that breaks the model's language
  lowers the likelihood of every fluent reply, whichever trait it shows.
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from ethos.models.errors import ModelConfigError
from ethos.models.steering import SteeringVector, purify, steering_vector

if TYPE_CHECKING:
    from ethos.models.local.host import LocalModel

Pole = Literal["high", "low"]
# (question, high-trait answer, low-trait answer)
Pair = tuple[str, str, str]
CLEAN_FLOOR = 0.9
PURIFY_TARGET = "openness"
PURIFY_AGAINST = ("conscientiousness", "extraversion")


def conversations(pairs: Sequence[Pair]) -> list[tuple[list[dict], list[dict]]]:
    """Each (question, high, low) as the two conversations whose last-token
    states are compared: the question answered with the high-trait reply,
    and with the low-trait one."""
    return [
        (
            [{"role": "user", "content": q}, {"role": "assistant", "content": high}],
            [{"role": "user", "content": q}, {"role": "assistant", "content": low}],
        )
        for q, high, low in pairs
    ]


async def trait_vectors(
    model: LocalModel, pairs_by_trait: Mapping[str, Sequence[Pair]], layer: int
) -> dict[str, SteeringVector]:
    """One unit mean-difference vector per trait at decoder layer ``layer``
    (out of range: an error naming the model's layers, before any compute)."""
    out = {}
    for trait, pairs in pairs_by_trait.items():
        found = await steering_vector(model, conversations(pairs), layers=[layer])
        out[trait] = found[layer]
    return out


@dataclass(frozen=True)
class Purification:
    """The purified vector and the checks the paper's recipe promises."""

    vector: SteeringVector
    removed: tuple[str, ...]
    max_abs_cos_removed: float  # |cos| to each removed direction: ~0
    cos_with_original: float  # still points the way the raw vector did


def purify_trait(
    vectors: Mapping[str, SteeringVector],
    target: str = PURIFY_TARGET,
    against: Sequence[str] = PURIFY_AGAINST,
) -> Purification:
    """``vectors[target]`` with the span of ``vectors[against]`` removed."""
    missing = [t for t in (target, *against) if t not in vectors]
    if missing:
        raise ModelConfigError(
            f"purifying {target} needs the vectors of {', '.join(missing)}",
            f"extract vectors for {target} and {', '.join(against)} together",
        )
    purified = purify(vectors[target], [vectors[t] for t in against])
    return Purification(
        vector=purified,
        removed=tuple(against),
        max_abs_cos_removed=max(abs(cosine(purified.vector, vectors[t].vector)) for t in against),
        cos_with_original=cosine(purified.vector, vectors[target].vector),
    )


def cosine(a: Sequence[float], b: Sequence[float]) -> float:
    dot = math.fsum(x * y for x, y in zip(a, b, strict=True))
    na = math.sqrt(math.fsum(x * x for x in a))
    nb = math.sqrt(math.fsum(y * y for y in b))
    return dot / (na * nb)


async def residual_scale(model: LocalModel, layer: int, pairs: Sequence[Pair]) -> float:
    """Mean norm of the last-token residual state after ``layer`` over the
    pairs' questions: the unit in which a coefficient's bound is stated."""
    import torch

    from ethos.models.steering import _check_layer, _encode

    _check_layer(layer, model)
    encoded = [_encode(model, [{"role": "user", "content": q}]) for q, _, _ in pairs]

    def measure() -> float:
        hf = model.hf_model
        device = next(hf.parameters()).device
        norms: list[float] = []
        seen: dict[str, torch.Tensor] = {}

        def record(_m: object, _a: object, output: object) -> None:
            hidden = output[0] if isinstance(output, tuple) else output
            seen["h"] = hidden[0, -1].detach().float()

        handle = hf.get_decoder().layers[layer].register_forward_hook(record)
        try:
            with torch.no_grad():
                for ids in encoded:
                    hf(input_ids=torch.tensor([ids], device=device), use_cache=False)
                    norms.append(float(seen["h"].norm()))
        finally:
            handle.remove()
        return sum(norms) / len(norms)

    return await model.run_exclusive(measure)


@dataclass(frozen=True)
class Probe:
    """Alignment and cleanliness of one coefficient on held-out pairs."""

    alpha: float
    alignment: float
    clean: float

    @property
    def score(self) -> float:
        return self.alignment * self.clean if self.clean >= CLEAN_FLOOR else -1.0


async def probe(
    model: LocalModel,
    vector: SteeringVector,
    alpha: float,
    pairs: Sequence[Pair],
    pole: Pole,
    baseline: Sequence[tuple[float, float]] | None = None,
) -> tuple[Probe, list[tuple[float, float]]]:
    """Steer by ``alpha`` (signed) and score the held-out ``pairs``; returns
    the probe and the per-token log-probabilities (high, low) per pair, which
    at alpha 0 are the baseline the next probes' cleanliness compares to."""
    interventions = [vector.steer(alpha)] if alpha else []
    per_token: list[tuple[float, float]] = []
    for q, high, low in pairs:
        sums = await model.score_choices(
            [{"role": "user", "content": q}], [high, low], interventions=interventions
        )
        lengths = [max(1, _tokens(model, text)) for text in (high, low)]
        per_token.append((sums[0] / lengths[0], sums[1] / lengths[1]))
    aligned = sum((h > lo) if pole == "high" else (lo > h) for h, lo in per_token)
    if baseline is None:
        clean = 1.0
    else:
        change = [
            (h - bh + lo - bl) / 2 for (h, lo), (bh, bl) in zip(per_token, baseline, strict=True)
        ]
        clean = min(1.0, math.exp(sum(change) / len(change)))
    return Probe(alpha=alpha, alignment=aligned / len(pairs), clean=clean), per_token


def _tokens(model: LocalModel, text: str) -> int:
    return len(model.tokenizer.backend_tokenizer.encode(text, add_special_tokens=False).ids)


async def search_coefficient(
    evaluate: Callable[[float], Awaitable[Probe]],
    bound: float,
    *,
    rounds: int = 4,
    sweep: int = 3,
) -> tuple[Probe, list[Probe]]:
    """Ternary search for the best ``evaluate(alpha).score`` over ``[0, bound]``
    (alpha is a magnitude; the caller applies the pole's sign), then a local
    sweep of ``sweep`` points on each side of the winner; when no probe kept
    ``clean`` above the floor, the smallest coefficient is halved until one
    does. Bounded: at most ``3 * rounds + 2 * sweep + 1`` evaluations. Returns the best probe (ties:
    the smaller coefficient) and every probe in the order tried."""
    if bound <= 0 or not math.isfinite(bound):
        raise ModelConfigError(f"the coefficient bound must be positive, not {bound}", "")
    tried: dict[float, Probe] = {}

    async def at(alpha: float) -> Probe:
        alpha = round(alpha, 6)
        if alpha not in tried:
            tried[alpha] = await evaluate(alpha)
        return tried[alpha]

    low, high = 0.0, bound
    for _ in range(rounds):
        a = low + (high - low) / 3
        b = high - (high - low) / 3
        if (await at(a)).score >= (await at(b)).score:
            high = b
        else:
            low = a
    centre = (low + high) / 2
    step = (high - low) / 2 or bound / 20
    for k in range(-sweep, sweep + 1):
        candidate = centre + k * step
        if 0 < candidate <= bound:
            await at(candidate)
    # Nothing kept the text clean: halve the smallest coefficient tried until
    # one does (at most ``rounds`` more probes), rather than return a
    # coefficient known to break the model's language.
    for _ in range(rounds):
        if max(p.score for p in tried.values()) >= 0:
            break
        await at(min(tried) / 2)
    best = max(tried.values(), key=lambda p: (p.score, -p.alpha))
    return best, list(tried.values())
