"""EASY-EP expert pruning: score experts on domain demonstrations, keep the best N.

EASY-EP (Dong et al., "Domain-Specific Pruning of Large Mixture-of-Experts
Models with Few-shot Demonstrations", arXiv 2504.06792; code
``RUCAIBox/EASYEP``) scores each routed expert ``e`` of MoE layer ``l`` on a
few demonstrations of a domain::

    S[l, e] = sum_t sum_i 1[e_{t,i} = e] * g_{t,i} * ||E_e(x_t)||_2 * c_t
    c_t     = max(0, 1 - cos(h_t, h_t + r_t))

over the demonstrations' tokens ``t`` and top-k slots ``i``, where

- ``g_{t,i}`` is the gate weight the experts module receives (after the
  family's own normalisation, and DeepSeek-V3's ``routed_scaling_factor``);
- ``x_t`` is the MoE block's input (the normalised hidden state), so
  ``E_e(x_t)`` is the raw expert output before gate weighting;
- ``h_t`` is the residual stream entering the MoE residual add (the input of
  ``post_attention_layernorm``), as in the authors' code, where the cosine is
  taken between the block input ``x`` and ``x + r_moe`` of the residual;
- ``r_t = sum_i g_{t,i} E_{e_i}(x_t)`` is the routed experts' output only:
  shared experts (Qwen2-MoE, DeepSeek-V3) are neither scored nor pruned.

``g * ||E(x)||`` is the output-aware expert importance; ``c_t`` weighs a
token by how much the routed experts turn its residual stream. The paper
keeps the same N experts per layer (top-N by ``S``), here ties are broken
by the lower index.

How it is measured: forward hooks on each MoE layer's fused ``experts``
module (its input ``x``, the ``(indices, weights)`` it was called with, and
its output ``r``) and a pre-hook on the layer's ``post_attention_layernorm``
(``h``); the forwards are ``profile.record_routing``'s (left-padded batches,
padding excluded), so the selection counts come along. Each selected expert
is run once per batch on all its tokens (``expert_output``).

``prune`` writes a smaller checkpoint: the pruned experts' slices of the
fused expert tensors and their router rows (and per-expert router biases:
GPT-OSS ``router.bias``, DeepSeek-V3 ``e_score_correction_bias``) removed,
the expert count in the config set to N. Kept experts keep their relative
order. The pruned model routes each token among the kept experts exactly as
the original does under ``ExpertMask(mode="off-reroute")`` for families that
renormalise the top-k weights (Mixtral, GPT-OSS, Qwen3-MoE/OLMoE/Qwen2-MoE with
``norm_topk_prob``, DeepSeek-V3 with ``norm_topk_prob``). Where the top-k
softmax weights are not renormalised (``norm_topk_prob`` false, the OLMoE and
Qwen2-MoE default), the pruned router's softmax runs over the N kept experts,
so every weight is the masked original's divided by the probability mass of
the kept experts for that token: ``w_pruned = w_masked / sum_{e kept} p_e``.
"""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from ethos.models.errors import ModelConfigError, UnsupportedInterventionError

if TYPE_CHECKING:
    import torch

    from ethos.models.local.host import LocalModel
    from ethos.models.local.routing import RoutingTable
    from ethos.settings import Settings

SCORES_FILE = "easy_ep_scores.json"
MANIFEST_FILE = "ethos_pruned.json"
# The config keys that hold the number of routed experts, per family.
EXPERT_COUNT_KEYS = ("num_experts", "num_local_experts", "n_routed_experts")
_WEIGHT_SUFFIXES = (".safetensors", ".bin", ".pt", ".pth", ".index.json")
_WRITTEN_BY_SAVE = ("config.json", "generation_config.json")


class PruneError(ModelConfigError):
    """A pruning request that cannot give a consistent checkpoint."""


class ExpertScores(BaseModel):
    """EASY-EP scores per MoE layer, one float per routed expert."""

    model: str
    family: str
    method: str = "easy-ep"
    prompts: int
    tokens: int
    top_k: dict[int, int]  # MoE layer -> experts per token
    scores: dict[int, list[float]]  # MoE layer -> S[l, e] for e in 0..E-1
    selected: dict[int, list[int]]  # MoE layer -> tokens that selected e

    def keep(self, n: int) -> dict[int, list[int]]:
        """The top ``n`` experts of every layer (ties: lower index first), ascending."""
        kept = {}
        for layer, scores in sorted(self.scores.items()):
            _check_keep(n, len(scores))
            order = sorted(range(len(scores)), key=lambda e: (-scores[e], e))
            kept[layer] = sorted(order[:n])
        return kept


class PruneResult(BaseModel):
    """What ``prune`` wrote (also saved as ``ethos_pruned.json`` in the checkpoint)."""

    source: str
    out: str
    family: str
    num_experts_before: int
    keep: int
    top_k_before: int
    top_k_after: int
    kept: dict[int, list[int]]
    parameters_before: int
    parameters_after: int
    groups_dropped: bool = False  # DeepSeek-V3: group-limited routing switched off


def _check_keep(n: int, num_experts: int) -> None:
    if isinstance(n, bool) or not isinstance(n, int) or n <= 0 or n >= num_experts:
        raise PruneError(
            f"keep={n!r} experts per layer is not a pruning of {num_experts} experts",
            f"keep between 1 and {num_experts - 1} experts per layer",
        )


# --- per-family expert forward -------------------------------------------------------


def expert_output(experts: Any, family: str, expert: int, x: torch.Tensor) -> torch.Tensor:
    """Expert ``expert`` of a fused transformers 5 experts module on tokens ``x[n, H]``.

    The raw expert output (no gate weight), computed as the family's eager
    experts forward computes it, for all ``n`` tokens at once.
    """
    import torch.nn.functional as F

    if family == "gpt_oss":  # transposed weights, biases, interleaved gate/up, clamped SwiGLU
        gate_up = x @ experts.gate_up_proj[expert] + experts.gate_up_proj_bias[expert]
        return (
            experts._apply_gate(gate_up) @ experts.down_proj[expert]
            + experts.down_proj_bias[expert]
        )
    # qwen3_moe, olmoe, mixtral, qwen2_moe, deepseek_v3: gate_up_proj[E, 2I, H], down_proj[E, H, I]
    gate, up = F.linear(x, experts.gate_up_proj[expert]).chunk(2, dim=-1)
    return F.linear(experts.act_fn(gate) * up, experts.down_proj[expert])


# --- scoring ---------------------------------------------------------------------------


class EasyEpRecorder:
    """Hooks that accumulate EASY-EP scores over forwards from one thread.

    Use as a context manager around forwards; the valid (non-padding) tokens
    are taken from each forward's ``attention_mask``.
    """

    def __init__(self, model: Any, table: RoutingTable) -> None:
        import torch

        if table.family is None or not table.layers:
            raise UnsupportedInterventionError(
                "EASY-EP scoring needs a Mixture-of-Experts model of a known family",
                "use a local MoE checkpoint (qwen3_moe, olmoe, mixtral, qwen2_moe, "
                "deepseek_v3 or gpt_oss)",
            )
        self.model = model
        self.table = table
        self.family = table.family
        self.scores: dict[int, torch.Tensor] = {}
        for index, moe in table.layers.items():
            device = next(iter(moe.router.parameters())).device
            self.scores[index] = torch.zeros(moe.num_experts, dtype=torch.float32, device=device)
        self._residual: dict[int, torch.Tensor] = {}
        self._valid: torch.Tensor | None = None
        self._handles: list[Any] = []
        self._thread: int | None = None

    def __enter__(self) -> EasyEpRecorder:
        self._thread = threading.get_ident()
        decoder = self.model.get_decoder().layers
        self._handles.append(
            self.model.register_forward_pre_hook(self._take_mask, with_kwargs=True)
        )
        for index, moe in self.table.layers.items():
            norm = decoder[index].post_attention_layernorm
            self._handles.append(norm.register_forward_pre_hook(self._take_residual(index)))
            self._handles.append(
                moe.experts.register_forward_hook(self._score(index), with_kwargs=True)
            )
        return self

    def __exit__(self, *exc: object) -> None:
        for handle in self._handles:
            handle.remove()
        self._handles.clear()
        self._residual.clear()

    def _mine(self) -> bool:
        return threading.get_ident() == self._thread

    def _take_mask(self, _module: Any, args: Any, kwargs: dict[str, Any]) -> None:
        if self._mine():
            mask = kwargs.get("attention_mask")
            self._valid = None if mask is None or mask.dim() != 2 else mask.reshape(-1).bool()

    def _take_residual(self, index: int) -> Callable[..., None]:
        def take(_norm: Any, args: Any) -> None:
            if self._mine():
                self._residual[index] = args[0]

        return take

    def _score(self, index: int) -> Callable[..., None]:
        import torch
        import torch.nn.functional as F

        family, total = self.family, self.scores[index]

        def score(experts: Any, args: Any, kwargs: dict[str, Any], output: Any) -> None:
            if not self._mine():
                return
            x, indices, weights = _experts_call(args, kwargs)
            routed = output[0] if isinstance(output, tuple) else output
            hidden = x.shape[-1]
            h = self._residual.pop(index).reshape(-1, hidden).float()
            x, routed = x.reshape(-1, hidden), routed.reshape(-1, hidden).float()
            valid = self._valid
            if valid is not None and valid.numel() == x.shape[0]:
                valid = valid.to(x.device)
                x, h, routed = x[valid], h[valid], routed[valid]
                indices, weights = indices[valid], weights[valid]
            contribution = (1 - F.cosine_similarity(h, h + routed, dim=-1)).clamp_min(0)
            for e in torch.unique(indices).tolist():
                tokens, slots = (indices == e).nonzero(as_tuple=True)
                norms = expert_output(experts, family, e, x[tokens]).float().norm(dim=-1)
                gate = weights[tokens, slots].float()
                total[e] += (gate * norms * contribution[tokens]).sum()

        return score


def _experts_call(args: Any, kwargs: dict[str, Any]) -> tuple[Any, Any, Any]:
    """(hidden_states, indices, weights) of an experts module call, any family."""
    names = (
        ("hidden_states",),
        ("top_k_index", "router_indices"),
        ("top_k_weights", "routing_weights"),
    )
    values = list(args)
    for aliases in names[len(values) :]:
        values.append(next(kwargs[a] for a in aliases if a in kwargs))
    return values[0], values[1], values[2]


def easy_ep_scores(
    model: LocalModel,
    prompts: Sequence[str],
    *,
    chat: bool = True,
    batch_size: int = 16,
) -> ExpertScores:
    """EASY-EP scores of every routed expert on ``prompts`` (blocking; see the module doc).

    ``chat``: wrap each prompt as a user message through the chat template;
    False tokenizes the raw text (demonstrations as plain documents).
    """
    import torch

    from ethos.models.local.routing import RoutingTable
    from ethos.models.profile import encode_prompts, record_routing

    demos = _clean(prompts)
    if batch_size < 1:
        raise ModelConfigError(f"batch_size is {batch_size}", "use 1 or more")
    hf = model.hf_model
    table = RoutingTable.of(hf)
    recorder = EasyEpRecorder(hf, table)  # refuses a non-MoE model before any compute
    rows = encode_prompts(model, demos, chat=chat)
    for i, ids in enumerate(rows):
        model.check_fits(len(ids), what=f"demonstration {i}", room=0)
        if not ids:
            raise ModelConfigError(f"demonstration {i} encodes to no tokens", "give it some text")
    with torch.inference_mode(), recorder:
        tokens, counts = record_routing(model, rows, batch_size=batch_size, table=table)
    return ExpertScores(
        model=model.name,
        family=str(table.family),
        prompts=len(demos),
        tokens=tokens,
        top_k={i: moe.top_k for i, moe in table.layers.items()},
        scores={i: s.double().tolist() for i, s in recorder.scores.items()},
        selected={i: counts[i][0] for i in table.layers},
    )


async def score_experts(
    model: str | LocalModel,
    prompts: Sequence[str],
    *,
    chat: bool = True,
    batch_size: int = 16,
    settings: Settings | None = None,
) -> ExpertScores:
    """``easy_ep_scores`` for ``local/NAME`` or a LocalModel, run in a worker thread."""
    from ethos.models.profile import resolve_model

    _clean(prompts)
    local = await resolve_model(model, settings=settings)
    return await local.run_exclusive(
        lambda: easy_ep_scores(local, prompts, chat=chat, batch_size=batch_size)
    )


def _clean(prompts: Sequence[str]) -> list[str]:
    if isinstance(prompts, str):
        raise ModelConfigError("the demonstrations are one string", "pass a list of prompts")
    kept = [p for p in prompts if p.strip()]
    if not kept:
        raise ModelConfigError(
            "no demonstrations to score the experts on", "give at least one non-empty prompt"
        )
    return kept


# --- pruning -----------------------------------------------------------------------------


def prune(
    checkpoint: str | Path,
    scores_or_keep: ExpertScores | Mapping[int, Sequence[int]],
    out_dir: str | Path,
    *,
    keep: int | None = None,
    clamp_top_k: bool = False,
    drop_groups: bool = False,
    overwrite: bool = False,
) -> PruneResult:
    """Write a copy of ``checkpoint`` to ``out_dir`` with ``keep`` routed experts per MoE layer.

    ``scores_or_keep``: ExpertScores (the top ``keep`` per layer are kept) or
    an explicit ``{layer: [experts to keep]}`` for every MoE layer, the same
    count in each (then ``keep`` may be left out). The checkpoint's own dtype
    is kept; tokenizer and other side files are copied; the original is only
    read. ``clamp_top_k``: allow ``keep`` below the model's top-k, routing
    each token to ``keep`` experts. ``drop_groups``: for DeepSeek-V3 with
    group-limited routing, switch the group limit off (``n_group = topk_group
    = 1``) instead of refusing. ``overwrite``: replace an existing checkpoint
    at ``out_dir``.
    """
    source = Path(checkpoint).expanduser().resolve()
    out = Path(out_dir).expanduser().resolve()
    explicit = not isinstance(scores_or_keep, ExpertScores)
    if explicit and keep is None:
        counts = {len(set(v)) for v in scores_or_keep.values()}
        if len(counts) == 1:
            keep = counts.pop()
    if keep is None:
        raise PruneError("prune needs keep=N", "pass how many experts to keep per layer")
    plan = check_prune(
        source, out, keep, clamp_top_k=clamp_top_k, drop_groups=drop_groups, overwrite=overwrite
    )
    family, num_experts, top_k = plan.family, plan.num_experts_before, plan.top_k_before
    new_top_k, groups = plan.top_k_after, plan.groups

    # Validated what the config alone can tell: now load the weights.
    import torch
    from transformers import AutoModelForCausalLM

    from ethos.models.local.routing import RoutingTable
    from ethos.models.local.tiny import parameter_count, quiet_progress

    if isinstance(scores_or_keep, ExpertScores):
        if scores_or_keep.family != family:
            raise PruneError(
                f"the scores are for a {scores_or_keep.family} model, {source.name} is {family}",
                "score the experts of this checkpoint",
            )
        kept = scores_or_keep.keep(keep)
    else:
        kept = {int(k): sorted({int(e) for e in v}) for k, v in scores_or_keep.items()}
    with quiet_progress():
        model = AutoModelForCausalLM.from_pretrained(source, dtype="auto", local_files_only=True)
    table = RoutingTable.of(model)
    _check_kept(kept, table, keep, source.name)
    before = parameter_count(model)
    with torch.no_grad():
        for layer, moe in table.layers.items():
            index = torch.tensor(kept[layer], dtype=torch.long)
            _select_experts(moe.experts, moe.num_experts, index, f"layer {layer} experts")
            _select_experts(moe.router, moe.num_experts, index, f"layer {layer} router")
            for module in (moe.router, moe.experts):
                for attr in ("num_experts", "num_local_experts"):
                    if isinstance(getattr(module, attr, None), int):
                        setattr(module, attr, keep)
            if isinstance(getattr(moe.router, "top_k", None), int):
                moe.router.top_k = new_top_k
            if groups is not None and hasattr(moe.router, "num_group"):
                moe.router.num_group, moe.router.topk_group = groups
    after = parameter_count(model)
    for name in EXPERT_COUNT_KEYS:
        if hasattr(model.config, name):
            setattr(model.config, name, keep)
    model.config.num_experts_per_tok = new_top_k
    if groups is not None:
        model.config.n_group, model.config.topk_group = groups
    result = PruneResult(
        source=str(source),
        out=str(out),
        family=family,
        num_experts_before=num_experts,
        keep=keep,
        top_k_before=top_k,
        top_k_after=new_top_k,
        kept=kept,
        parameters_before=before,
        parameters_after=after,
        groups_dropped=groups is not None and drop_groups,
    )
    scores = None if explicit else scores_or_keep
    _write(model, source, out, result, scores)
    return result


class PrunePlan(BaseModel):
    """What the config alone says about a pruning (checked before any weight is loaded)."""

    family: str
    num_experts_before: int
    top_k_before: int
    top_k_after: int
    groups: tuple[int, int] | None  # DeepSeek-V3's new (n_group, topk_group), None: unchanged


def check_prune(
    checkpoint: str | Path,
    out_dir: str | Path,
    keep: int,
    *,
    clamp_top_k: bool = False,
    drop_groups: bool = False,
    overwrite: bool = False,
) -> PrunePlan:
    """Refuse a pruning that cannot work, reading only the config (no torch compute):
    call it before scoring so a bad request costs nothing."""
    from transformers import AutoConfig

    from ethos.models.local.routing import FAMILIES

    source = Path(checkpoint).expanduser().resolve()
    out = Path(out_dir).expanduser().resolve()
    if not (source / "config.json").is_file():
        raise PruneError(
            f"{source} is not a checkpoint (no config.json)", "pass a checkpoint directory"
        )
    _check_out(source, out, overwrite)
    config = AutoConfig.from_pretrained(source, local_files_only=True)
    family = getattr(config, "model_type", None)
    if family not in FAMILIES:
        raise PruneError(
            f"cannot prune {source.name}: model type {family!r} is not a known MoE family",
            f"use a checkpoint of one of: {', '.join(FAMILIES)}",
        )
    num_experts = _expert_count(config)
    top_k = int(config.num_experts_per_tok)
    _check_keep(keep, num_experts)
    return PrunePlan(
        family=family,
        num_experts_before=num_experts,
        top_k_before=top_k,
        top_k_after=_check_top_k(keep, top_k, clamp_top_k),
        groups=_group_config(config, family, keep, drop_groups),
    )


def _expert_count(config: Any) -> int:
    for name in EXPERT_COUNT_KEYS:
        value = getattr(config, name, None)
        if isinstance(value, int) and value > 0:
            return value
    raise PruneError("the config names no number of routed experts", "use an MoE checkpoint")


def _check_top_k(keep: int, top_k: int, clamp: bool) -> int:
    if keep >= top_k:
        return top_k
    if not clamp:
        raise PruneError(
            f"keep={keep} is below the {top_k} experts each token is routed to",
            f"keep at least {top_k} experts per layer, or allow it with clamp_top_k "
            f"(--clamp-top-k), which routes each token to {keep}",
        )
    return keep


def _group_config(config: Any, family: str, keep: int, drop: bool) -> tuple[int, int] | None:
    """DeepSeek-V3's group-limited routing: the new (n_group, topk_group), or None to keep it."""
    if family != "deepseek_v3":
        return None
    n_group, topk_group = int(config.n_group or 1), int(config.topk_group or 1)
    if keep < 2:
        raise PruneError(
            f"keep={keep}: the DeepSeek-V3 router ranks expert groups by their best 2 experts",
            "keep at least 2 experts per layer",
        )
    if n_group <= 1:
        return None
    if topk_group >= n_group:  # every group is eligible: the limit is a no-op, drop it
        return (1, 1)
    if not drop:
        raise PruneError(
            f"{config.name_or_path or 'the checkpoint'} uses group-limited routing "
            f"(n_group={n_group}, topk_group={topk_group}): groups are contiguous blocks of "
            "expert indices, and pruning each layer's experts on its own scores re-numbers "
            "them, so no group structure of the pruned layer routes as the original does",
            "pass drop_groups=True (--drop-groups) to route among all kept experts "
            "(n_group = topk_group = 1)",
        )
    return (1, 1)


def _check_out(source: Path, out: Path, overwrite: bool) -> None:
    if out == source or source in out.parents or out in source.parents:
        raise PruneError(
            f"the output {out} overlaps the checkpoint {source}",
            "write the pruned checkpoint to a separate directory; the original is never changed",
        )
    if out.exists() and not out.is_dir():
        raise PruneError(f"{out} is a file", "choose another output directory")
    if out.is_dir() and any(out.iterdir()):
        if not (out / "config.json").is_file():
            raise PruneError(
                f"{out} is a non-empty directory that holds no checkpoint",
                "choose an empty or new output directory",
            )
        if not overwrite:
            raise PruneError(
                f"{out} already holds a checkpoint", "choose another directory, or overwrite it"
            )


def _check_kept(kept: dict[int, list[int]], table: RoutingTable, keep: int, name: str) -> None:
    layers = sorted(table.layers)
    if sorted(kept) != layers:
        raise PruneError(
            f"the experts to keep name layers {sorted(kept)}; the MoE layers of {name} "
            f"are {layers}",
            "give the experts to keep for every MoE layer",
        )
    for layer, experts in kept.items():
        moe = table.layers[layer]
        bad = [e for e in experts if e < 0 or e >= moe.num_experts]
        if bad:
            raise PruneError(
                f"layer {layer} keeps expert {bad[0]}; {name} has {moe.num_experts} "
                f"experts there (0..{moe.num_experts - 1})",
                f"use expert indices below {moe.num_experts}",
            )
        if len(experts) != keep:
            raise PruneError(
                f"layer {layer} keeps {len(experts)} experts, not {keep}",
                "keep the same number of experts in every MoE layer (the config holds one)",
            )


def _select_experts(module: Any, num_experts: int, index: torch.Tensor, what: str) -> None:
    """Keep rows ``index`` of every per-expert tensor (leading dim E) of ``module``."""
    import torch

    for name, param in list(module.named_parameters(recurse=False)):
        if param.shape[0] != num_experts:
            raise PruneError(
                f"{what}: parameter {name} has shape {tuple(param.shape)}, not one row per expert",
                "this checkpoint's expert layout is not supported for pruning",
            )
        kept = param.data.index_select(0, index.to(param.device)).clone()
        setattr(module, name, torch.nn.Parameter(kept, requires_grad=param.requires_grad))
    for name, buffer in list(module.named_buffers(recurse=False)):
        if buffer is not None and buffer.dim() > 0 and buffer.shape[0] == num_experts:
            module._buffers[name] = buffer.index_select(0, index.to(buffer.device)).clone()


def _write(
    model: Any, source: Path, out: Path, result: PruneResult, scores: ExpertScores | None
) -> None:
    """Assemble the checkpoint beside ``out`` and move it into place."""
    from transformers import AutoConfig

    from ethos.models.local.paths import staged_dir
    from ethos.models.local.tiny import quiet_progress

    with staged_dir(out) as staging:
        with quiet_progress():
            model.save_pretrained(staging)
        for item in source.iterdir():
            if item.name.endswith(_WEIGHT_SUFFIXES) or item.name in _WRITTEN_BY_SAVE:
                continue
            if item.name in (MANIFEST_FILE, SCORES_FILE):
                continue  # a pruned source's own records: this checkpoint gets new ones
            if item.is_dir():
                shutil.copytree(item, staging / item.name)
            else:
                shutil.copy2(item, staging / item.name)
        marker = staging / "ethos_tiny.json"
        if marker.is_file():
            info = json.loads(marker.read_text())
            info["parameters"] = result.parameters_after
            marker.write_text(json.dumps(info) + "\n")
        (staging / MANIFEST_FILE).write_text(result.model_dump_json(indent=2) + "\n")
        if scores is not None:
            (staging / SCORES_FILE).write_text(scores.model_dump_json(indent=2) + "\n")
        written = AutoConfig.from_pretrained(staging, local_files_only=True)
        if _expert_count(written) != result.keep:
            raise PruneError(
                f"the written config reads {_expert_count(written)} experts, not {result.keep}",
                "report this: the family's config keys are not handled",
            )
