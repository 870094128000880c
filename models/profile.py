"""Expert profiling (fTRI): which experts a behaviour's prompts route to.

A recording hook on every MoE layer's router (found through
``RoutingTable``) counts, per prompt, MoE layer and expert, the prompt's
tokens that selected the expert and the sum of its gate weights: one
activation map per prompt (``PromptMaps``, stored in the profile). ``profile``
runs a behaviour set and a control set of prompts and scores every expert
from those maps (the formulas and sources are in ``SCORES``, which every
stored profile carries as its ``scores`` legend):

- ``mote_differential``: MoTE's differential activation map (Dahlke et al.
  2025): per prompt, the share of the prompt's tokens that selected the
  expert; the mean of those shares over the behaviour prompts minus their
  mean over the control prompts; with a Welch t-test across prompts
  (``mote_t``, ``mote_p``);
- ``risk_difference``: SteerMoE's (Fayyaz et al. 2025) selection rate over
  all the set's tokens pooled, behaviour minus control, with a
  two-proportion z-test on the pooled counts (``z``, ``p_value``: tokens are
  treated as independent trials, which they are not quite, so read that
  p-value as a ranking aid rather than an exact error rate);
- ``gate_differential``: the summed gate weight per token, pooled over a
  set's tokens, behaviour minus control (earlier versions of ethos called
  this "differential" and attributed it to MoTE; it is not MoTE's score).

Experts are ranked by ``mote_differential`` unless asked otherwise
(``DEFAULT_RANKING``): a prompt is the unit that is sampled, so each prompt
weighs the same whatever its length, and the Welch test across prompts does
not count a long prompt's correlated tokens as independent evidence the way
the pooled z-test does. It is also the score of the method ``ethos moe
ablate`` reproduces (switch the top experts off, as MoTE does).

Forwards run on the LocalModel's ``hf_model`` on its worker thread with
the model to itself (``LocalModel.run_exclusive``: no request is served,
and no request's steering or masking hook is in place, meanwhile),
left-padded like the engine's prefill; padding tokens are not counted.
"""

from __future__ import annotations

import asyncio
import json
import math
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ethos.models.errors import ModelConfigError, UnsupportedInterventionError

if TYPE_CHECKING:
    import torch

    from ethos.db.store import Store
    from ethos.models.local.host import LocalModel
    from ethos.models.local.routing import RoutingTable
    from ethos.settings import Settings

RUN_KIND = "moe-profile"
DEFAULT_BATCH_SIZE = 16

Ranking = Literal["mote_differential", "risk_difference", "gate_differential"]
RANKINGS: tuple[str, ...] = ("mote_differential", "risk_difference", "gate_differential")
DEFAULT_RANKING: Ranking = "mote_differential"
GATE_DIGITS = 7  # significant digits of the stored per-prompt gate sums (float32 carries ~7)

_MOTE = (
    "Dahlke et al. 2025, 'Mixture of Tunable Experts' (arXiv 2502.11096): fTRI's "
    "per-prompt expert activation maps averaged within each class, behaviour minus control"
)
_STEERMOE = "Fayyaz et al. 2025, 'SteerMoE' (arXiv 2509.09660): risk difference of selection"

SCORES: dict[str, dict[str, str]] = {
    "mote_differential": {
        "formula": "mean_{p in B} s_p[l,e] - mean_{p in C} s_p[l,e], where "
        "s_p[l,e] = selected_p[l,e] / tokens_p (the share of prompt p's counted tokens "
        "whose top-k in layer l holds expert e)",
        "source": _MOTE + "; the per-prompt count is divided by the prompt's token count so "
        "that prompts of different lengths weigh the same",
        "fields": "behavior_share, control_share (the class means), mote_differential",
    },
    "mote_t": {
        "formula": "Welch t = (mean_B s - mean_C s) / sqrt(var_B s / n_B + var_C s / n_C), "
        "sample variances across prompts; mote_p two-sided from Student's t with "
        "Welch-Satterthwaite degrees of freedom; null when a class has fewer than two "
        "prompts; infinite (p = 0) when both classes are constant and differ",
        "source": "Welch 1947; the test across prompts is ethos' addition to " + _MOTE,
        "fields": "mote_t, mote_p",
    },
    "risk_difference": {
        "formula": "sum_{p in B} selected_p[l,e] / sum_{p in B} tokens_p - "
        "(the same over C): selection rate over the pooled tokens",
        "source": _STEERMOE,
        "fields": "behavior_selected, control_selected, behavior_rate, control_rate, "
        "risk_difference",
    },
    "z": {
        "formula": "pooled two-proportion z-test of behavior_selected / behavior_tokens "
        "against control_selected / control_tokens; p_value two-sided (tokens taken "
        "as independent trials)",
        "source": "ethos' significance aid for " + _STEERMOE,
        "fields": "z, p_value",
    },
    "gate_differential": {
        "formula": "sum_{p in B} gate_sum_p[l,e] / sum_{p in B} tokens_p - (the same over C): "
        "gate-weighted selection per token, pooled over a set's tokens",
        "source": "ethos (called 'differential' before per-prompt maps were kept); "
        "not MoTE's score",
        "fields": "behavior_activation, control_activation, gate_differential; "
        "behavior_gate, control_gate = gate sum / selections (mean gate weight when chosen)",
    },
}


class ExpertStat(BaseModel):
    """One (layer, expert): its routing in the behaviour and control sets
    (each score's formula and source: ``SCORES``)."""

    # mote_t is inf on full separation; JSON has no infinity (jq, PostgreSQL and
    # JSON.parse refuse the bare Infinity token), so the stored profile writes the
    # string "Infinity", which validation reads back as the float.
    model_config = ConfigDict(ser_json_inf_nan="strings")

    layer: int
    expert: int
    behavior_selected: int
    control_selected: int
    behavior_rate: float  # tokens that selected it / tokens, pooled over the set
    control_rate: float
    behavior_gate: float  # mean gate weight over the tokens that selected it (0 if none)
    control_gate: float
    behavior_activation: float  # gate_sum / tokens, pooled over the set
    control_activation: float
    gate_differential: float  # behavior_activation - control_activation
    risk_difference: float  # behavior_rate - control_rate (SteerMoE)
    z: float  # two-proportion z statistic on the pooled selection counts
    p_value: float  # two-sided
    # MoTE: from the per-prompt maps (None in profiles stored before they were kept)
    behavior_share: float | None = None  # mean over behaviour prompts of selected_p / tokens_p
    control_share: float | None = None
    mote_differential: float | None = None  # behavior_share - control_share
    mote_t: float | None = None  # Welch t across prompts (None: a class has < 2 prompts)
    mote_p: float | None = None  # two-sided

    @model_validator(mode="before")
    @classmethod
    def _renamed(cls, data: Any) -> Any:
        # Profiles written before per-prompt maps named the gate score "differential".
        if isinstance(data, dict) and "differential" in data and "gate_differential" not in data:
            data = dict(data)
            data["gate_differential"] = data.pop("differential")
        return data


class PromptMaps(BaseModel):
    """Per-prompt activation maps of one prompt set, dense and compact:
    ``tokens[p]`` is prompt p's counted tokens, ``selected[p][j][e]`` how many
    of them selected expert e in MoE layer ``layers[j]``, and ``gate_sum[p][j][e]``
    their summed gate weights (``GATE_DIGITS`` significant digits). Prompts are
    in the order they were given. In JSON a prompt costs about ``layers x
    experts`` small integers and as many 7-digit floats: about 190 bytes for
    the tiny MoEs (2 layers x 8 experts), about 36 KB for a 48-layer,
    64-expert model (top-8; 72 KB with 128 experts), so 1,000 prompts of such
    a model add about 36 MB to the profile (measured on synthetic routing;
    the stored size of the tiny one is checked in tests/test_ftri_mote.py).
    """

    layers: list[int]
    tokens: list[int]
    selected: list[list[list[int]]]
    gate_sum: list[list[list[float]]]

    @model_validator(mode="after")
    def _shapes(self) -> PromptMaps:
        prompts, layers = len(self.tokens), len(self.layers)
        for name in ("selected", "gate_sum"):
            maps = getattr(self, name)
            if len(maps) != prompts or any(len(m) != layers for m in maps):
                raise ValueError(
                    f"{name} must hold one map per prompt ({prompts}) with one row per "
                    f"layer ({layers})"
                )
            widths = {len(row) for m in maps for row in m}
            if len(widths) > 1:
                raise ValueError(f"{name} rows have different expert counts: {sorted(widths)}")
        return self

    def __len__(self) -> int:
        return len(self.tokens)


class ExpertProfile(BaseModel):
    """Per-expert routing statistics of a behaviour set against a control
    set, the per-prompt maps they come from, and the legend of the scores."""

    model: str
    family: str
    top_k: dict[int, int]  # MoE layer -> experts per token
    behavior_prompts: int
    control_prompts: int
    behavior_tokens: int
    control_tokens: int
    experts: list[ExpertStat]
    scores: dict[str, dict[str, str]] = Field(default_factory=lambda: dict(SCORES))
    behavior_maps: PromptMaps | None = None  # None in profiles stored before they were kept
    control_maps: PromptMaps | None = None

    def ranked(
        self,
        by: Ranking = DEFAULT_RANKING,
        top: int | None = 10,
        *,
        absolute: bool = False,
    ) -> list[ExpertStat]:
        """Experts by ``by``, largest first (by magnitude with ``absolute``:
        negative ones are the experts the behaviour avoids); ties go to the
        smaller p-value of the score's own test. ``mote_differential`` is the
        default: see the module docstring for why."""
        if by not in RANKINGS:
            raise ValueError(f"rank by one of {', '.join(RANKINGS)}, not {by!r}")
        if by == "mote_differential" and any(s.mote_differential is None for s in self.experts):
            raise ModelConfigError(
                f"this profile of {self.model} has no per-prompt maps, so no MoTE differential",
                "profile the model again (ethos moe profile), or rank by risk_difference",
            )
        test = "mote_p" if by == "mote_differential" else "p_value"

        def key(stat: ExpertStat) -> tuple[float, float]:
            value = getattr(stat, by)
            p = getattr(stat, test)
            return (-abs(value) if absolute else -value, 1.0 if p is None else p)

        ordered = sorted(self.experts, key=key)
        return ordered if top is None else ordered[:top]

    def stat(self, layer: int, expert: int) -> ExpertStat:
        for s in self.experts:
            if s.layer == layer and s.expert == expert:
                return s
        raise KeyError((layer, expert))


class RoutingRecorder:
    """Forward hooks on every MoE router that count selections and gate sums
    per prompt of a batch.

    Use as a context manager around forwards from one thread. Before each
    forward either call ``start_batch(row, prompts)`` with, for every
    flattened (batch * seq) token, the index of its prompt in the batch
    (``prompts`` for a token not to count), and read ``take()`` after it;
    or set ``valid`` to the flattened bool mask of the tokens to count (None
    counts every token): those land in one row, summed over forwards. Counts
    stay on the model's device until read.
    """

    def __init__(self, table: RoutingTable) -> None:
        if table.family is None or not table.layers:
            raise UnsupportedInterventionError(
                "expert profiling needs a Mixture-of-Experts model of a known family",
                "use a local MoE checkpoint (qwen3_moe, olmoe, mixtral, qwen2_moe, "
                "deepseek_v3 or gpt_oss)",
            )
        self.table = table
        self.valid: torch.Tensor | None = None
        self.row: torch.Tensor | None = None
        self.prompts = 1
        self.selected: dict[int, torch.Tensor] = {}
        self.gate_sum: dict[int, torch.Tensor] = {}
        self._devices = {
            i: next(iter(moe.router.parameters())).device for i, moe in table.layers.items()
        }
        self._zero(1)
        self._handles: list[Any] = []
        self._thread: int | None = None

    def _zero(self, prompts: int) -> None:
        import torch

        # One extra row takes the tokens not counted, so the hook needs no boolean
        # indexing (no device sync); it is dropped when read.
        for index, moe in self.table.layers.items():
            size = (prompts + 1) * moe.num_experts
            device = self._devices[index]
            self.selected[index] = torch.zeros(size, dtype=torch.long, device=device)
            self.gate_sum[index] = torch.zeros(size, dtype=torch.float, device=device)
        self.prompts = prompts

    def start_batch(self, row: torch.Tensor, prompts: int) -> None:
        """Count the next forward per prompt: ``row[t]`` is token t's prompt
        (``prompts`` for a padding or uncounted token)."""
        self._zero(prompts)
        self.row = row

    def take(self) -> dict[int, tuple[torch.Tensor, torch.Tensor]]:
        """MoE layer -> (selections, gate sums), each [prompts, experts] on the CPU."""
        out = {}
        for index, moe in self.table.layers.items():
            shape = (self.prompts + 1, moe.num_experts)
            out[index] = (
                self.selected[index].view(shape)[:-1].cpu(),
                self.gate_sum[index].view(shape)[:-1].cpu(),
            )
        return out

    def __enter__(self) -> RoutingRecorder:
        self._thread = threading.get_ident()
        for index, moe in self.table.layers.items():
            self._handles.append(moe.router.register_forward_hook(self._hook(index)))
        return self

    def __exit__(self, *exc: object) -> None:
        for handle in self._handles:
            handle.remove()
        self._handles.clear()

    def _hook(self, index: int) -> Callable[..., None]:
        experts = self.table.layers[index].num_experts

        def record(_router: Any, _args: Any, output: Any) -> None:
            if threading.get_ident() != self._thread:
                return  # another thread's forward (the model's own worker)
            _logits, weights, indices = output
            if self.row is not None:
                row = self.row.to(indices.device)
            elif self.valid is not None:
                row = (~self.valid.to(indices.device)).long()  # 0 counted, 1 not
            else:
                row = None
            slots = indices if row is None else row.unsqueeze(-1) * experts + indices
            flat = slots.reshape(-1)
            self.selected[index].index_add_(0, flat, _ones(flat))
            self.gate_sum[index].index_add_(0, flat, weights.reshape(-1).float())

        return record

    def counts(self) -> dict[int, tuple[list[int], list[float]]]:
        """MoE layer -> (selections per expert, gate-weight sum per expert) of
        the first row: every counted token when ``valid`` was used."""
        return {i: (s[0].tolist(), g[0].double().tolist()) for i, (s, g) in self.take().items()}


_ONES: dict[tuple[Any, int], Any] = {}


def _ones(flat: torch.Tensor) -> torch.Tensor:
    import torch

    key = (flat.device, flat.numel())
    ones = _ONES.get(key)
    if ones is None:
        ones = _ONES[key] = torch.ones(flat.numel(), dtype=torch.long, device=flat.device)
    return ones


def encode_prompts(model: LocalModel, prompts: Sequence[str], *, chat: bool) -> list[list[int]]:
    """Token ids per prompt: as a user message through the chat template, or raw text."""
    if chat:
        return [model.encode_chat([{"role": "user", "content": p}]) for p in prompts]
    encode = model.tokenizer.backend_tokenizer.encode
    return [encode(p, add_special_tokens=False).ids for p in prompts]


class PromptCounts(BaseModel):
    """What ``record_prompt_maps`` counted, as tensors: per prompt (in the
    order given) its counted tokens, and per MoE layer [prompts, experts]
    selections and gate sums."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    tokens: list[int]
    selected: dict[int, Any]  # layer -> torch.LongTensor [prompts, experts]
    gate_sum: dict[int, Any]  # layer -> torch.FloatTensor [prompts, experts]

    def maps(self) -> PromptMaps:
        """The compact JSON form (gate sums to ``GATE_DIGITS`` significant digits)."""
        layers = sorted(self.selected)
        selected = [self.selected[i].tolist() for i in layers]
        gates = [self.gate_sum[i].tolist() for i in layers]
        digits = f".{GATE_DIGITS}g"
        return PromptMaps(
            layers=layers,
            tokens=list(self.tokens),
            selected=[
                [selected[j][p] for j in range(len(layers))] for p in range(len(self.tokens))
            ],
            gate_sum=[
                [[float(format(g, digits)) for g in gates[j][p]] for j in range(len(layers))]
                for p in range(len(self.tokens))
            ],
        )


def record_prompt_maps(
    model: LocalModel,
    rows: Sequence[Sequence[int]],
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    table: RoutingTable | None = None,
    last_tokens: int | None = None,
) -> PromptCounts:
    """Run ``rows`` through the model (blocking) and count routing per prompt
    over its real tokens (only its last ``last_tokens`` when given)."""
    import torch

    from ethos.models.local.routing import RoutingTable

    hf = model.hf_model
    table = table or RoutingTable.of(hf)
    recorder = RoutingRecorder(table)
    pad = model.pad_id
    order = sorted(range(len(rows)), key=lambda i: len(rows[i]))
    tokens = [0] * len(rows)
    selected = {
        i: torch.zeros(len(rows), m.num_experts, dtype=torch.long) for i, m in table.layers.items()
    }
    gates = {
        i: torch.zeros(len(rows), m.num_experts, dtype=torch.float) for i, m in table.layers.items()
    }
    with torch.inference_mode(), recorder:
        for lo in range(0, len(order), batch_size):
            members = order[lo : lo + batch_size]
            batch = [rows[i] for i in members]
            width = max(len(ids) for ids in batch)
            input_ids = torch.full((len(batch), width), pad, dtype=torch.long)
            attention = torch.zeros((len(batch), width), dtype=torch.long)
            for r, ids in enumerate(batch):
                input_ids[r, width - len(ids) :] = torch.tensor(ids, dtype=torch.long)
                attention[r, width - len(ids) :] = 1
            positions = (attention.cumsum(-1) - 1).clamp(min=0)
            counted = attention.bool()
            if last_tokens is not None:  # left padding: a row's last tokens end every row
                counted &= torch.arange(width) >= width - last_tokens
            row = torch.arange(len(batch)).unsqueeze(1).expand(-1, width)
            row = torch.where(counted, row, len(batch))
            recorder.start_batch(row.reshape(-1).to(model.device), len(batch))
            hf(
                input_ids=input_ids.to(model.device),
                attention_mask=attention.to(model.device),
                position_ids=positions.to(model.device),
                use_cache=False,
                logits_to_keep=1,
            )
            where = torch.tensor(members)
            for index, (sel, gate) in recorder.take().items():
                selected[index][where] = sel
                gates[index][where] = gate
            for r, i in enumerate(members):
                tokens[i] = int(counted[r].sum())
    return PromptCounts(tokens=tokens, selected=selected, gate_sum=gates)


def record_routing(
    model: LocalModel,
    rows: Sequence[Sequence[int]],
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    table: RoutingTable | None = None,
    last_tokens: int | None = None,
) -> tuple[int, dict[int, tuple[list[int], list[float]]]]:
    """Run ``rows`` through the model (blocking) and count routing over their
    real tokens (only each row's last ``last_tokens`` when given), pooled over
    the prompts: (tokens counted, MoE layer -> (selections, gate sums))."""
    counts = record_prompt_maps(
        model, rows, batch_size=batch_size, table=table, last_tokens=last_tokens
    )
    pooled = {
        i: (counts.selected[i].sum(0).tolist(), counts.gate_sum[i].double().sum(0).tolist())
        for i in counts.selected
    }
    return sum(counts.tokens), pooled


async def resolve_model(model: str | LocalModel, *, settings: Settings | None = None) -> LocalModel:
    """A LocalModel, or the shared one ``local/NAME`` names; other models are refused."""
    from ethos.models.local.host import LocalModel, get_local_model

    if isinstance(model, LocalModel):
        return model
    if not isinstance(model, str) or not model.startswith("local/") or model == "local/":
        raise ModelConfigError(
            f"expert profiling needs a local model, not {model!r}",
            "pass local/NAME (a checkpoint in <data_dir>/models) or a LocalModel: "
            "hosted models do not expose their routing",
        )
    return await get_local_model(model.removeprefix("local/"), settings=settings)


def _clean(prompts: Sequence[str], what: str) -> list[str]:
    if isinstance(prompts, str):
        raise ModelConfigError(f"the {what} prompts are one string", "pass a list of prompts")
    kept = [p for p in prompts if p.strip()]
    if not kept:
        raise ModelConfigError(
            f"the {what} prompt set is empty", f"give at least one non-empty {what} prompt"
        )
    return kept


async def profile(
    model: str | LocalModel,
    behavior_prompts: Sequence[str],
    control_prompts: Sequence[str],
    *,
    chat: bool = True,
    batch_size: int = DEFAULT_BATCH_SIZE,
    last_tokens: int | None = None,
    settings: Settings | None = None,
) -> ExpertProfile:
    """Profile which experts ``behavior_prompts`` route to, against ``control_prompts``.

    ``model``: ``local/NAME`` or a LocalModel. ``chat``: wrap each prompt as a
    user message through the chat template (its tokens count too, equally in
    both sets); False tokenizes the raw text. ``last_tokens``: count only
    each prompt's last N tokens (with the chat template, 1 is the position
    whose output is the reply's first token); None counts them all.
    """
    behavior = _clean(behavior_prompts, "behavior")
    control = _clean(control_prompts, "control")
    if batch_size < 1:
        raise ModelConfigError(f"batch_size is {batch_size}", "use 1 or more")
    if last_tokens is not None and last_tokens < 1:
        raise ModelConfigError(f"last_tokens is {last_tokens}", "use 1 or more, or None for all")
    local = await resolve_model(model, settings=settings)
    from ethos.models.local.routing import RoutingTable

    table = RoutingTable.of(local.hf_model)
    RoutingRecorder(table)  # refuses a model without MoE routing, before any compute
    rows_b = encode_prompts(local, behavior, chat=chat)
    rows_c = encode_prompts(local, control, chat=chat)
    for i, ids in enumerate([*rows_b, *rows_c]):
        local.check_fits(len(ids), what=f"prompt {i}", room=0)
        if not ids:
            raise ModelConfigError(f"prompt {i} encodes to no tokens", "give it some text")

    def run() -> tuple[PromptMaps, PromptMaps]:
        options = {"batch_size": batch_size, "table": table, "last_tokens": last_tokens}
        return (
            record_prompt_maps(local, rows_b, **options).maps(),
            record_prompt_maps(local, rows_c, **options).maps(),
        )

    maps_b, maps_c = await local.run_exclusive(run)
    return build_profile(
        local.name,
        str(table.family),
        {i: moe.top_k for i, moe in table.layers.items()},
        maps_b,
        maps_c,
    )


def build_profile(
    model: str,
    family: str,
    top_k: dict[int, int],
    behavior: PromptMaps,
    control: PromptMaps,
) -> ExpertProfile:
    """Every score (``SCORES``) from the two sets' per-prompt maps: a stored
    profile's statistics can be rebuilt from its own maps."""
    import torch

    if behavior.layers != control.layers:
        raise ModelConfigError(
            f"the behaviour maps cover layers {behavior.layers}, the control maps {control.layers}",
            "profile both sets on the same model",
        )
    if not len(behavior) or not len(control):
        raise ModelConfigError("a prompt set has no maps", "give each set at least one prompt")

    def tensors(maps: PromptMaps) -> tuple[Any, Any, Any]:
        tokens = torch.tensor(maps.tokens, dtype=torch.float64)
        if bool((tokens < 1).any()):
            raise ModelConfigError("a prompt has no counted tokens", "give every prompt some text")
        return (
            tokens,
            torch.tensor(maps.selected, dtype=torch.float64),  # [P, L, E]
            torch.tensor(maps.gate_sum, dtype=torch.float64),
        )

    tok_b, sel_b, gate_b = tensors(behavior)
    tok_c, sel_c, gate_c = tensors(control)
    n_b, n_c = int(tok_b.sum()), int(tok_c.sum())
    share_b = sel_b / tok_b[:, None, None]  # the fraction of each prompt's tokens
    share_c = sel_c / tok_c[:, None, None]
    mean_b, mean_c = share_b.mean(0), share_c.mean(0)
    t, p = welch_t(share_b, share_c)
    pooled_sel_b, pooled_sel_c = sel_b.sum(0), sel_c.sum(0)
    pooled_gate_b, pooled_gate_c = gate_b.sum(0), gate_c.sum(0)
    stats = []
    for j, layer in enumerate(behavior.layers):
        for expert in range(sel_b.shape[-1]):
            a_b, a_c = round(float(pooled_sel_b[j, expert])), round(float(pooled_sel_c[j, expert]))
            g_b, g_c = float(pooled_gate_b[j, expert]), float(pooled_gate_c[j, expert])
            rate_b, rate_c = a_b / n_b, a_c / n_c
            z, p_z = two_proportion_z(a_b, n_b, a_c, n_c)
            m_b, m_c = float(mean_b[j, expert]), float(mean_c[j, expert])
            stats.append(
                ExpertStat(
                    layer=layer,
                    expert=expert,
                    behavior_selected=a_b,
                    control_selected=a_c,
                    behavior_rate=rate_b,
                    control_rate=rate_c,
                    behavior_gate=g_b / a_b if a_b else 0.0,
                    control_gate=g_c / a_c if a_c else 0.0,
                    behavior_activation=g_b / n_b,
                    control_activation=g_c / n_c,
                    gate_differential=g_b / n_b - g_c / n_c,
                    risk_difference=rate_b - rate_c,
                    z=z,
                    p_value=p_z,
                    behavior_share=m_b,
                    control_share=m_c,
                    mote_differential=m_b - m_c,
                    mote_t=t[j][expert],
                    mote_p=p[j][expert],
                )
            )
    return ExpertProfile(
        model=model,
        family=family,
        top_k=top_k,
        behavior_prompts=len(behavior),
        control_prompts=len(control),
        behavior_tokens=n_b,
        control_tokens=n_c,
        experts=stats,
        behavior_maps=behavior,
        control_maps=control,
    )


def welch_t(a: Any, b: Any) -> tuple[list[list[float | None]], list[list[float | None]]]:
    """Welch's t-test along dim 0 of two float64 tensors [n, ...]: (t, two-sided p)
    per remaining index, as nested lists. None where a sample has fewer than two
    members; t = +-inf and p = 0 where both samples are constant and differ;
    t = 0 and p = 1 where both are constant and equal."""
    n_a, n_b = a.shape[0], b.shape[0]
    shape = a.shape[1:]
    if n_a < 2 or n_b < 2:
        empty: list[list[float | None]] = [[None] * shape[-1] for _ in range(shape[0])]
        return empty, [list(r) for r in empty]
    diff = a.mean(0) - b.mean(0)
    se_a, se_b = a.var(0, correction=1) / n_a, b.var(0, correction=1) / n_b
    se = se_a + se_b
    t_out: list[list[float | None]] = []
    p_out: list[list[float | None]] = []
    for d_row, sa_row, sb_row, se_row in zip(
        diff.tolist(), se_a.tolist(), se_b.tolist(), se.tolist(), strict=True
    ):
        t_row: list[float | None] = []
        p_row: list[float | None] = []
        for d, sa, sb, s in zip(d_row, sa_row, sb_row, se_row, strict=True):
            if s <= 0 or s < 1e-24 * d * d:  # both samples constant (to rounding)
                t_row.append(0.0 if d == 0 else math.copysign(math.inf, d))
                p_row.append(1.0 if d == 0 else 0.0)
                continue
            t = d / math.sqrt(s)
            df = s * s / (sa * sa / (n_a - 1) + sb * sb / (n_b - 1))
            t_row.append(t)
            p_row.append(student_t_two_sided(t, df))
        t_out.append(t_row)
        p_out.append(p_row)
    return t_out, p_out


def student_t_two_sided(t: float, df: float) -> float:
    """P(|T| >= |t|) for Student's t with ``df`` degrees of freedom:
    the regularised incomplete beta I_x(df/2, 1/2) at x = df / (df + t^2)."""
    if math.isinf(t):
        return 0.0
    x, y = df / (df + t * t), t * t / (df + t * t)  # y = 1 - x, without cancellation
    return min(1.0, max(0.0, _betainc(df / 2, 0.5, x, y)))


def _betainc(a: float, b: float, x: float, y: float) -> float:
    """Regularised incomplete beta I_x(a, b), ``y`` = 1 - x given exactly, by
    its continued fraction (modified Lentz), using the symmetry
    I_x(a,b) = 1 - I_y(b,a) where the fraction converges slowly."""
    if x <= 0:
        return 0.0
    if y <= 0:
        return 1.0
    if x > (a + 1) / (a + b + 2):
        return 1.0 - _betainc(b, a, y, x)
    log_front = math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x)
    log_front += b * math.log(y)
    tiny = 1e-300
    c, d = 1.0, 1.0 - (a + b) * x / (a + 1)
    d = 1.0 / (d if abs(d) > tiny else tiny)
    f = d
    for m in range(1, 400):
        # even step
        num = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
        d = 1.0 + num * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + num / c
        c = c if abs(c) > tiny else tiny
        f *= c * d
        # odd step
        num = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
        d = 1.0 + num * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + num / c
        c = c if abs(c) > tiny else tiny
        step = c * d
        f *= step
        if abs(step - 1.0) < 1e-15:
            break
    return math.exp(log_front) * f / a


def two_proportion_z(a1: int, n1: int, a2: int, n2: int) -> tuple[float, float]:
    """(z, two-sided p) of the pooled two-proportion z-test; (0, 1) when undefined."""
    pooled = (a1 + a2) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    if se == 0:
        return 0.0, 1.0
    z = (a1 / n1 - a2 / n2) / se
    return z, math.erfc(abs(z) / math.sqrt(2))


async def store_profile(
    store: Store,
    profile: ExpertProfile,
    *,
    name: str,
    settings: Settings | None = None,
) -> str:
    """Record a run of kind ``moe-profile``: the full profile as a JSON artifact
    under ``<data_dir>/profiles``, and a summary event. Returns the run id."""
    from ethos.settings import load_settings

    settings = settings or load_settings()
    run = await store.create_run(
        RUN_KIND,
        name,
        config={
            "model": profile.model,
            "family": profile.family,
            "behavior_prompts": profile.behavior_prompts,
            "control_prompts": profile.control_prompts,
        },
    )
    try:
        path = Path(settings.data_dir) / "profiles" / f"{run.id}.json"
        text = profile.model_dump_json()
        await asyncio.to_thread(_write, path, text)
        await store.add_artifact(run.id, path, name="profile.json", media_type="application/json")
        summary = {
            "model": profile.model,
            "behavior_tokens": profile.behavior_tokens,
            "control_tokens": profile.control_tokens,
            "top": {
                by: [finite_json(s.model_dump()) for s in profile.ranked(by, top=10)]  # type: ignore[arg-type]
                for by in RANKINGS
                if by != "mote_differential" or profile.behavior_maps is not None
            },
            "artifact": str(path),
        }
        await store.append_events(run.id, [("moe-profile", json.loads(json.dumps(summary)))])
    except BaseException as exc:
        await store.finish_run(run.id, "failed", error=str(exc)[:2000])
        raise
    await store.finish_run(run.id)
    return run.id


def finite_json(values: dict[str, Any]) -> dict[str, Any]:
    """A stat for strict JSON (an event payload, ``--json`` output): JSON has
    no infinity (PostgreSQL and jq refuse it), so an infinite t becomes the
    string "inf" or "-inf"."""
    return {k: (str(v) if isinstance(v, float) and math.isinf(v) else v) for k, v in values.items()}


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def load_profile(path: str | Path) -> ExpertProfile:
    """Read a profile written by ``store_profile``."""
    return ExpertProfile.model_validate_json(Path(path).read_text(encoding="utf-8"))
