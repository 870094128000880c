"""Expert profiling (fTRI): which experts a behaviour's prompts route to.

A recording hook on every MoE layer's router (found through
``RoutingTable``) counts, per (layer, expert), the prompt tokens that
selected the expert and the sum of its gate weights. ``profile`` runs a
behaviour set and a control set of prompts and compares them per expert:

- selection rate ``p = selected / tokens`` and mean gate weight in each set;
- SteerMoE's risk difference ``p_behavior - p_control``, with a two-proportion
  z-test on the selection counts (tokens are treated as independent trials,
  which they are not quite: tokens of one prompt are correlated, so read the
  p-value as a ranking aid rather than an exact error rate);
- MoTE's differential activation: the difference between the sets of the
  mean gate-weighted activation per token, ``gate_sum / tokens``.

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

from pydantic import BaseModel

from ethos.models.errors import ModelConfigError, UnsupportedInterventionError

if TYPE_CHECKING:
    import torch

    from ethos.db.store import Store
    from ethos.models.local.host import LocalModel
    from ethos.models.local.routing import RoutingTable
    from ethos.settings import Settings

RUN_KIND = "moe-profile"
DEFAULT_BATCH_SIZE = 16


class ExpertStat(BaseModel):
    """One (layer, expert): its routing in the behaviour and control sets."""

    layer: int
    expert: int
    behavior_selected: int
    control_selected: int
    behavior_rate: float  # tokens that selected it / tokens
    control_rate: float
    behavior_gate: float  # mean gate weight over the tokens that selected it (0 if none)
    control_gate: float
    behavior_activation: float  # gate_sum / tokens: MoTE's gate-weighted frequency
    control_activation: float
    differential: float  # behavior_activation - control_activation (MoTE / fTRI)
    risk_difference: float  # behavior_rate - control_rate (SteerMoE)
    z: float  # two-proportion z statistic on the selection counts
    p_value: float  # two-sided


class ExpertProfile(BaseModel):
    """Per-expert routing statistics of a behaviour set against a control set."""

    model: str
    family: str
    top_k: dict[int, int]  # MoE layer -> experts per token
    behavior_prompts: int
    control_prompts: int
    behavior_tokens: int
    control_tokens: int
    experts: list[ExpertStat]

    def ranked(
        self,
        by: Literal["risk_difference", "differential"] = "risk_difference",
        top: int | None = 10,
        *,
        absolute: bool = False,
    ) -> list[ExpertStat]:
        """Experts by ``by``, largest first (by magnitude with ``absolute``:
        negative ones are the experts the behaviour avoids)."""
        if by not in ("risk_difference", "differential"):
            raise ValueError(f"rank by 'risk_difference' or 'differential', not {by!r}")

        def key(stat: ExpertStat) -> tuple[float, float]:
            value = getattr(stat, by)
            return (-abs(value) if absolute else -value, stat.p_value)

        ordered = sorted(self.experts, key=key)
        return ordered if top is None else ordered[:top]

    def stat(self, layer: int, expert: int) -> ExpertStat:
        for s in self.experts:
            if s.layer == layer and s.expert == expert:
                return s
        raise KeyError((layer, expert))


class RoutingRecorder:
    """Forward hooks on every MoE router that count selections and gate sums.

    Use as a context manager around forwards from one thread; before each
    forward set ``valid`` to the flattened (batch * seq) bool mask of the
    tokens to count (None counts every token). Counts stay on the model's
    device until ``counts()``.
    """

    def __init__(self, table: RoutingTable) -> None:
        import torch

        if table.family is None or not table.layers:
            raise UnsupportedInterventionError(
                "expert profiling needs a Mixture-of-Experts model of a known family",
                "use a local MoE checkpoint (qwen3_moe, olmoe, mixtral, qwen2_moe, "
                "deepseek_v3 or gpt_oss)",
            )
        self.table = table
        self.valid: torch.Tensor | None = None
        self.tokens = 0
        self.selected: dict[int, torch.Tensor] = {}
        self.gate_sum: dict[int, torch.Tensor] = {}
        for index, moe in table.layers.items():
            device = next(iter(moe.router.parameters())).device
            self.selected[index] = torch.zeros(moe.num_experts, dtype=torch.long, device=device)
            self.gate_sum[index] = torch.zeros(moe.num_experts, dtype=torch.float, device=device)
        self._handles: list[Any] = []
        self._thread: int | None = None

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
        selected, gate_sum = self.selected[index], self.gate_sum[index]

        def record(_router: Any, _args: Any, output: Any) -> None:
            if threading.get_ident() != self._thread:
                return  # another thread's forward (the model's own worker)
            _logits, weights, indices = output
            if self.valid is not None:
                valid = self.valid.to(indices.device)
                weights, indices = weights[valid], indices[valid]
            flat = indices.reshape(-1)
            selected.index_add_(0, flat, _ones(flat))
            gate_sum.index_add_(0, flat, weights.reshape(-1).float())

        return record

    def counts(self) -> dict[int, tuple[list[int], list[float]]]:
        """MoE layer -> (selections per expert, gate-weight sum per expert)."""
        return {
            i: (self.selected[i].tolist(), self.gate_sum[i].double().tolist())
            for i in self.selected
        }


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


def record_routing(
    model: LocalModel,
    rows: Sequence[Sequence[int]],
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    table: RoutingTable | None = None,
    last_tokens: int | None = None,
) -> tuple[int, dict[int, tuple[list[int], list[float]]]]:
    """Run ``rows`` through the model (blocking) and count routing over their
    real tokens (only each row's last ``last_tokens`` when given): (tokens
    counted, MoE layer -> (selections, gate sums))."""
    import torch

    from ethos.models.local.routing import RoutingTable

    hf = model.hf_model
    recorder = RoutingRecorder(table or RoutingTable.of(hf))
    pad = model.pad_id
    order = sorted(range(len(rows)), key=lambda i: len(rows[i]))
    with torch.inference_mode(), recorder:
        for lo in range(0, len(order), batch_size):
            batch = [rows[i] for i in order[lo : lo + batch_size]]
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
            recorder.valid = counted.reshape(-1).to(model.device)
            recorder.tokens += int(counted.sum())
            hf(
                input_ids=input_ids.to(model.device),
                attention_mask=attention.to(model.device),
                position_ids=positions.to(model.device),
                use_cache=False,
                logits_to_keep=1,
            )
    return recorder.tokens, recorder.counts()


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

    def run() -> tuple[tuple[int, dict], tuple[int, dict]]:
        return (
            record_routing(
                local, rows_b, batch_size=batch_size, table=table, last_tokens=last_tokens
            ),
            record_routing(
                local, rows_c, batch_size=batch_size, table=table, last_tokens=last_tokens
            ),
        )

    (tokens_b, counts_b), (tokens_c, counts_c) = await local.run_exclusive(run)
    return build_profile(
        local.name,
        str(table.family),
        {i: moe.top_k for i, moe in table.layers.items()},
        (len(behavior), tokens_b, counts_b),
        (len(control), tokens_c, counts_c),
    )


def build_profile(
    model: str,
    family: str,
    top_k: dict[int, int],
    behavior: tuple[int, int, dict[int, tuple[list[int], list[float]]]],
    control: tuple[int, int, dict[int, tuple[list[int], list[float]]]],
) -> ExpertProfile:
    """The statistics from raw counts: (prompts, tokens, layer -> (selected, gate sums))."""
    prompts_b, n_b, counts_b = behavior
    prompts_c, n_c, counts_c = control
    stats = []
    for layer in sorted(counts_b):
        (sel_b, gate_b), (sel_c, gate_c) = counts_b[layer], counts_c[layer]
        for expert, (a_b, g_b, a_c, g_c) in enumerate(
            zip(sel_b, gate_b, sel_c, gate_c, strict=True)
        ):
            rate_b, rate_c = a_b / n_b, a_c / n_c
            z, p = two_proportion_z(a_b, n_b, a_c, n_c)
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
                    differential=g_b / n_b - g_c / n_c,
                    risk_difference=rate_b - rate_c,
                    z=z,
                    p_value=p,
                )
            )
    return ExpertProfile(
        model=model,
        family=family,
        top_k=top_k,
        behavior_prompts=prompts_b,
        control_prompts=prompts_c,
        behavior_tokens=n_b,
        control_tokens=n_c,
        experts=stats,
    )


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
            "top_risk_difference": [s.model_dump() for s in profile.ranked(top=10)],
            "top_differential": [s.model_dump() for s in profile.ranked("differential", top=10)],
            "artifact": str(path),
        }
        await store.append_events(run.id, [("moe-profile", json.loads(json.dumps(summary)))])
    except BaseException as exc:
        await store.finish_run(run.id, "failed", error=str(exc)[:2000])
        raise
    await store.finish_run(run.id)
    return run.id


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def load_profile(path: str | Path) -> ExpertProfile:
    """Read a profile written by ``store_profile``."""
    return ExpertProfile.model_validate_json(Path(path).read_text(encoding="utf-8"))
