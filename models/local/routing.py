"""Expert masks on the local backend: per-row edits of MoE routing.

In transformers 5.24 every supported family picks its top-k experts inside
the router module (``mlp.gate``, or ``mlp.router`` for GPT-OSS), which
returns ``(router_logits, weights, indices)``; the fused ``mlp.experts``
module then runs what was picked. Editing the logits alone therefore
changes nothing: the hook here recomputes ``(weights, indices)`` from the
logits, the family's own way, for the tokens of the batch rows that carry a
mask, and returns them in place of the router's. Other rows' selections are
copied through untouched, so they are bit-identical to an unhooked forward.

Modes, per (row, layer):

- ``off-reroute``: masked experts are excluded before top-k, so every token
  still gets k experts (the next-best take the slots); weights are computed
  as the family computes them (renormalised where it renormalises).
- ``off-drop``: selection as usual, then a slot holding a masked expert gets
  weight 0 (its index stays) and the other slots are rescaled so the k
  weights keep their original sum (1 where the family renormalises).
- ``force``: the expert joins every token's top-k, taking the place of the
  lowest-scoring pick; its weight is its own routing score.

The router sees the batch flattened to ``N = batch * seq`` tokens, row after
row, so row ``r`` owns tokens ``r*seq .. (r+1)*seq - 1``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import torch
import torch.nn.functional as F

from ethos.models.errors import UnsupportedInterventionError
from ethos.models.interventions import ExpertMask

# (router, logits[n,E], ban[n,E], force[n,E]) -> (weights[n,k], indices[n,k])
Tensor = torch.Tensor
Select = Callable[[Any, Tensor, Tensor, Tensor], tuple[Tensor, Tensor]]


def _pick(choice: torch.Tensor, ban: torch.Tensor, force: torch.Tensor, k: int) -> torch.Tensor:
    choice = choice.masked_fill(ban, float("-inf")).masked_fill(force, float("inf"))
    return torch.topk(choice, k, dim=-1).indices


def _softmax_topk(router: Any, logits: torch.Tensor, ban: torch.Tensor, force: torch.Tensor):
    """Qwen3-MoE, OLMoE, Qwen2-MoE, Mixtral: softmax, top-k, renorm if configured."""
    probs = F.softmax(logits, dim=-1, dtype=torch.float)
    indices = _pick(probs, ban, force, router.top_k)
    weights = probs.gather(1, indices)
    if getattr(router, "norm_topk_prob", True):  # Mixtral has no flag: it always renormalises
        weights = weights / weights.sum(dim=-1, keepdim=True)
    return weights, indices


def _gpt_oss(router: Any, logits: torch.Tensor, ban: torch.Tensor, force: torch.Tensor):
    """GPT-OSS: top-k on the raw logits, softmax over the k picked."""
    indices = _pick(logits, ban, force, router.top_k)
    weights = F.softmax(logits.gather(1, indices), dim=1, dtype=logits.dtype)
    return weights, indices


def _deepseek_v3(router: Any, logits: torch.Tensor, ban: torch.Tensor, force: torch.Tensor):
    """DeepSeek-V3: sigmoid scores; the bias and the group limit steer the
    choice only; weights are the unbiased scores, renormalised, scaled."""
    scores = logits.float().sigmoid()
    choice = scores + router.e_score_correction_bias
    groups, per_group = router.num_group, router.num_experts // router.num_group
    group_scores = choice.view(-1, groups, per_group).topk(min(2, per_group), dim=-1)[0].sum(-1)
    group_idx = torch.topk(group_scores, k=router.topk_group, dim=-1, sorted=False)[1]
    group_mask = torch.zeros_like(group_scores).scatter_(1, group_idx, 1).bool()
    allowed = group_mask.unsqueeze(-1).expand(-1, groups, per_group).reshape(-1, router.num_experts)
    # Experts outside the chosen groups rank below every allowed one but above
    # a banned one, so a ban never leaves a slot to a banned expert.
    choice = choice.masked_fill(~allowed, -1e30)
    indices = _pick(choice, ban, force, router.top_k)
    weights = scores.gather(1, indices)
    if router.norm_topk_prob:
        weights = weights / (weights.sum(dim=-1, keepdim=True) + 1e-20)
    return weights * router.routed_scaling_factor, indices


FAMILIES: dict[str, tuple[str, Select]] = {
    "qwen3_moe": ("gate", _softmax_topk),
    "olmoe": ("gate", _softmax_topk),
    "qwen2_moe": ("gate", _softmax_topk),
    "mixtral": ("gate", _softmax_topk),
    "deepseek_v3": ("gate", _deepseek_v3),
    "gpt_oss": ("router", _gpt_oss),
}


@dataclass(frozen=True)
class MoeLayer:
    router: torch.nn.Module
    experts: torch.nn.Module
    num_experts: int
    top_k: int


@dataclass(frozen=True)
class RoutingTable:
    """Where each MoE layer's router and experts live in one loaded model."""

    family: str | None  # None: a model type ethos cannot mask
    select: Select | None
    layers: dict[int, MoeLayer]
    num_layers: int

    @classmethod
    def of(cls, model: Any) -> RoutingTable:
        family = getattr(model.config, "model_type", None)
        decoder_layers = model.get_decoder().layers
        if family not in FAMILIES:
            return cls(None, None, {}, len(decoder_layers))
        attr, select = FAMILIES[family]
        layers = {}
        for i, layer in enumerate(decoder_layers):
            mlp = getattr(layer, "mlp", None)
            router, experts = getattr(mlp, attr, None), getattr(mlp, "experts", None)
            if router is None or experts is None or not hasattr(router, "top_k"):
                continue  # a dense MLP layer
            layers[i] = MoeLayer(router, experts, int(router.num_experts), int(router.top_k))
        return cls(family, select, layers, len(decoder_layers))

    def check(self, masks: Sequence[ExpertMask], model_name: str) -> None:
        """Refuse masks this model cannot honour, with one clear message each."""
        if masks and self.family is None:
            raise UnsupportedInterventionError(
                f"expert masks are not supported for {model_name} (not a known MoE family)",
                f"use a model of one of: {', '.join(FAMILIES)}",
            )
        forced: dict[int, set[int]] = {}
        off: dict[int, set[int]] = {}
        for mask in masks:
            moe = self.layers.get(mask.layer)
            if moe is None:
                where = (
                    f"{model_name} has {self.num_layers} decoder layers"
                    if mask.layer >= self.num_layers
                    else f"layer {mask.layer} of {model_name} is a dense layer"
                )
                raise UnsupportedInterventionError(
                    f"ExpertMask layer {mask.layer} is not an MoE layer: {where}",
                    f"pick one of the MoE layers {sorted(self.layers)}",
                )
            bad = [e for e in mask.experts if e >= moe.num_experts]
            if bad:
                raise UnsupportedInterventionError(
                    f"ExpertMask on layer {mask.layer} names expert {bad[0]}; {model_name} has "
                    f"{moe.num_experts} experts there (0..{moe.num_experts - 1})",
                    f"use expert indices below {moe.num_experts}",
                )
            target = forced if mask.mode == "force" else off
            target.setdefault(mask.layer, set()).update(mask.experts)
        for layer, experts in forced.items():
            moe = self.layers[layer]
            if len(experts) > moe.top_k:
                raise UnsupportedInterventionError(
                    f"{len(experts)} experts forced on layer {layer}, but {model_name} "
                    f"routes each token to {moe.top_k}",
                    f"force at most {moe.top_k} experts per layer",
                )
            both = experts & off.get(layer, set())
            if both:
                raise UnsupportedInterventionError(
                    f"expert {min(both)} on layer {layer} is both forced on and switched off",
                    "keep one ExpertMask per expert",
                )
        for layer in off:
            moe = self.layers[layer]
            banned = set().union(
                *(m.experts for m in masks if m.layer == layer and m.mode == "off-reroute")
            )
            if moe.num_experts - len(banned) < moe.top_k:
                raise UnsupportedInterventionError(
                    f"off-reroute on layer {layer} leaves {moe.num_experts - len(banned)} "
                    f"experts, fewer than the {moe.top_k} each token needs",
                    "switch fewer experts off, or use mode off-drop",
                )


class Routing:
    """Per-row expert masks for one batch: hooks on the masked layers' routers.

    Lives for one batch (a context manager); ``select`` follows the batch as
    finished rows leave it. Rows without a mask keep the router's own output.
    """

    def __init__(self, table: RoutingTable, per_row: Sequence[Sequence[ExpertMask]]):
        self._table = table
        self._handles: list[Any] = []
        rows = len(per_row)
        # layer -> (ban, drop, force) as (rows, experts) bool tensors
        self.masks: dict[int, torch.Tensor] = {}
        for row, masks in enumerate(per_row):
            for mask in masks:
                moe = table.layers[mask.layer]
                state = self.masks.get(mask.layer)
                if state is None:
                    state = torch.zeros(3, rows, moe.num_experts, dtype=torch.bool)
                    self.masks[mask.layer] = state
                plane = ("off-reroute", "off-drop", "force").index(mask.mode)
                state[plane, row, list(mask.experts)] = True

    def __enter__(self) -> Routing:
        for index in self.masks:
            router = self._table.layers[index].router
            device = next(iter(router.parameters())).device
            self.masks[index] = self.masks[index].to(device)
            self._handles.append(router.register_forward_hook(self._hook(index)))
        return self

    def __exit__(self, *exc: object) -> None:
        for handle in self._handles:
            handle.remove()
        self._handles.clear()

    def select(self, index: torch.Tensor) -> None:
        self.masks = {k: v[:, index.to(v.device)] for k, v in self.masks.items()}

    def _hook(self, index: int) -> Callable[..., Any]:
        select = self._table.select
        assert select is not None

        def reroute(router: torch.nn.Module, _args: Any, output: Any) -> Any:
            logits, weights, indices = output
            state = self.masks[index]
            rows = state.any(dim=2).any(dim=0)  # (batch,) rows carrying a mask here
            seq = logits.shape[0] // rows.shape[0]
            tokens = rows.repeat_interleave(seq).nonzero().squeeze(1)
            if tokens.numel() == 0:
                return None
            if tokens.numel() == logits.shape[0]:  # every row masked: no gather, no scatter
                ban, drop, force = state.repeat_interleave(seq, dim=1)
                new_weights, new_indices = select(router, logits, ban, force)
                new_weights = _drop_slots(new_weights, new_indices, drop)
                return logits, new_weights.to(weights.dtype), new_indices.to(indices.dtype)
            ban, drop, force = state[:, tokens // seq]
            new_weights, new_indices = select(router, logits[tokens], ban, force)
            new_weights = _drop_slots(new_weights, new_indices, drop)
            weights, indices = weights.clone(), indices.clone()
            weights[tokens] = new_weights.to(weights.dtype)
            indices[tokens] = new_indices.to(indices.dtype)
            return logits, weights, indices

        return reroute


def _drop_slots(weights: torch.Tensor, indices: torch.Tensor, drop: torch.Tensor) -> torch.Tensor:
    """Zero the slots holding a dropped expert; rescale the rest to the old sum."""
    hit = drop.gather(1, indices)
    if not bool(hit.any()):
        return weights
    kept = weights.masked_fill(hit, 0)
    total, left = weights.sum(-1, keepdim=True), kept.sum(-1, keepdim=True)
    rescaled = torch.where(left > 0, kept * (total / left.clamp_min(1e-20)), kept)
    return torch.where(hit.any(-1, keepdim=True), rescaled, weights)
