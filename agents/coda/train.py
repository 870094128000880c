"""A real GRPO step on the planner: a local model with LoRA, the executor frozen.

Only the planner learns (CODA's decoupling): for each training prompt (a
step of a task's reference trajectory, :func:`ethos.agents.coda.grpo.step_prompt`)
the planner samples a group of thoughts, the frozen executor turns each into
an action, and each is rewarded as stage 1 rewards it
(:func:`ethos.agents.coda.grpo.collect_group`). The update is GRPO's
objective written in torch (the brief's alternative to TRL's GRPOTrainer,
which would add TRL and the ``datasets`` stack for a loop this small, and
whose reward functions are synchronous where our executor is an async
gateway call):

    loss = - 1/G sum_i A_i * 1/|o_i| sum_t log pi(o_i,t | prompt, o_i,<t)

with A_i the group-normalised advantages. One gradient step per sampled
batch makes the policy ratio 1, so PPO's clip never binds and is left out;
the KL penalty to the reference model is left out too (beta = 0, as DAPO
and Dr. GRPO do), so no frozen copy of the model is held. Only LoRA weights
(``peft``) change; the base stays frozen.

Mean reward before and after are measured on the same prompts with the
same sampling seeds (common random numbers), with the adapter at its start
(LoRA's B is zero, so the model is the base model) and after training.
"""

from __future__ import annotations

import asyncio
import logging
import math
import random
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ethos.agents.coda.environment import CodaError, EnvTask
from ethos.agents.coda.grpo import Complete, collect_group, group_advantages, step_prompt

log = logging.getLogger("ethos.coda.train")


class TrainConfig(BaseModel):
    model_config = ConfigDict(frozen=True)

    group: int = Field(8, ge=2, description="planner samples per prompt (G)")
    steps: int = Field(6, ge=1, description="gradient steps")
    lr: float = Field(2e-3, gt=0)
    max_new_tokens: int = Field(24, ge=1)
    temperature: float = Field(1.0, gt=0)
    lora_r: int = Field(8, ge=1)
    target_modules: tuple[str, ...] = Field(
        ("q_proj", "v_proj"),
        description="where LoRA goes; ('lm_head',) alone adapts only the output head, so "
        "no gradient flows through the frozen body (the CI-sized step)",
    )
    seed: int = 0
    eval_seed: int = 12345
    eval_samples: int | None = Field(
        None,
        ge=1,
        description="samples per prompt for the before/after means (None: the group size); "
        "more than G puts a small difference above sampling noise",
    )


class PairedDifference(BaseModel):
    """After minus before over paired evaluation samples (the same prompt
    and sampling seed), so the interval is the change's, not two means'."""

    model_config = ConfigDict(frozen=True)

    mean: float
    low: float = Field(description="2.5th percentile of the paired bootstrap")
    high: float = Field(description="97.5th percentile of the paired bootstrap")
    wins: int = Field(description="pairs whose reward rose")
    losses: int = Field(description="pairs whose reward fell")
    ties: int
    sign_p: float = Field(description="two-sided sign test on wins against losses")


class TrainResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    model: str
    prompts: list[str]
    config: TrainConfig
    before: float = Field(description="mean reward before training (same prompts and seeds)")
    after: float = Field(description="mean reward after training")
    rewards: list[float] = Field(description="mean reward of each training batch")
    informative: int = Field(
        0, description="training batches whose rewards differed (the others have no gradient)"
    )
    before_rewards: list[float] = Field(default_factory=list, description="per evaluation sample")
    after_rewards: list[float] = Field(
        default_factory=list, description="per evaluation sample, paired with before_rewards"
    )
    difference: PairedDifference | None = None
    seconds: float
    adapter: str | None = None


def paired_difference(
    before: Sequence[float], after: Sequence[float], seed: int = 0, resamples: int = 4000
) -> PairedDifference:
    """Mean of ``after - before`` with a paired percentile-bootstrap 95%
    interval (pairs resampled whole, seeded) and an exact two-sided sign
    test: the pairs share a prompt and a sampling seed, so each difference
    is the training's effect on one draw, not two draws' noise."""
    if len(before) != len(after) or not before:
        raise ValueError("paired_difference needs two equally long, non-empty lists")
    diffs = [a - b for a, b in zip(after, before, strict=True)]
    n = len(diffs)
    rng = random.Random(seed)
    means = sorted(sum(diffs[rng.randrange(n)] for _ in range(n)) / n for _ in range(resamples))
    wins = sum(d > 1e-9 for d in diffs)
    losses = sum(d < -1e-9 for d in diffs)
    m = wins + losses
    tail = sum(math.comb(m, i) for i in range(min(wins, losses) + 1)) / 2**m if m else 1.0
    return PairedDifference(
        mean=sum(diffs) / n,
        low=means[int(0.025 * resamples)],
        high=means[int(0.975 * resamples) - 1],
        wins=wins,
        losses=losses,
        ties=n - m,
        sign_p=min(1.0, 2 * tail),
    )


def _load(checkpoint: Path, seed: int, lora_r: int, targets: Sequence[str]) -> tuple[Any, Any]:
    if "all-linear" in targets and len(targets) > 1:
        # peft would take "all-linear" in a list for a module name, match
        # nothing with it, and adapt the other names alone.
        raise CodaError(
            f"LoRA targets {','.join(targets)} mix all-linear with module names",
            "pass all-linear alone, or name the modules",
        )
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM, AutoTokenizer

    torch.manual_seed(seed)
    tokenizer = AutoTokenizer.from_pretrained(checkpoint)
    base = AutoModelForCausalLM.from_pretrained(checkpoint, dtype=torch.float32)
    config = LoraConfig(
        r=lora_r,
        lora_alpha=2 * lora_r,
        lora_dropout=0.0,
        # peft spells "every linear layer but the output head" as this one string.
        target_modules="all-linear" if tuple(targets) == ("all-linear",) else list(targets),
        task_type="CAUSAL_LM",
    )
    try:
        model = get_peft_model(base, config)
    except ValueError as exc:
        if "not found in the base model" not in str(exc):
            raise
        raise CodaError(
            f"LoRA targets {','.join(targets)} name no module of {checkpoint.name}",
            "name its linear layers (e.g. q_proj,v_proj or lm_head) or all-linear",
        ) from None
    return model, tokenizer


def _prompt_ids(tokenizer: Any, messages: list[dict[str, str]]) -> Any:
    import torch

    if getattr(tokenizer, "chat_template", None):
        text = tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=False)
    else:
        text = "\n".join(f"{m['role']}: {m['content']}" for m in messages) + "\nassistant: "
    ids = tokenizer(text, return_tensors="pt", add_special_tokens=False)["input_ids"]
    return ids if isinstance(ids, torch.Tensor) else torch.tensor(ids)


def _repeat_cache(cache: Any, g: int) -> None:
    layers = getattr(cache, "layers", None)
    if layers is None:
        cache.batch_repeat_interleave(g)
        return
    for layer in layers:
        layer.batch_repeat_interleave(g)


def _prefill(model: Any, ids: Any, g: int) -> tuple[Any, Any]:
    """The prompt's cache, computed once and repeated for ``g`` rows (a
    group shares its prompt: prefilling it G times would cost G times)."""
    import torch

    with torch.no_grad():
        out = model(input_ids=ids, use_cache=True)
    cache = out.past_key_values
    _repeat_cache(cache, g)
    return cache, out.logits[:, -1].repeat(g, 1)


def _sample(model: Any, tokenizer: Any, ids: Any, cfg: TrainConfig, g: int, seed: int) -> Any:
    """G completions of one prompt, sampled at ``cfg.temperature`` from the
    full distribution: (token ids, mask of each completion's tokens up to
    and including its end token)."""
    import torch

    generator = torch.Generator().manual_seed(seed)
    ends = _end_ids(model, tokenizer)
    eos = tokenizer.eos_token_id
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else eos
    cache, logits = _prefill(model, ids, g)
    done = torch.zeros(g, dtype=torch.bool)
    tokens, masks = [], []
    with torch.no_grad():
        for _ in range(cfg.max_new_tokens):
            probs = torch.softmax(logits.float() / cfg.temperature, dim=-1)
            nxt = torch.multinomial(probs, 1, generator=generator).squeeze(1)
            masks.append(~done)
            nxt = torch.where(done, torch.full_like(nxt, pad), nxt)
            tokens.append(nxt)
            if ends:
                done = done | torch.isin(nxt, torch.tensor(ends))
            if bool(done.all()):
                break
            out = model(input_ids=nxt.unsqueeze(1), past_key_values=cache, use_cache=True)
            cache, logits = out.past_key_values, out.logits[:, -1]
    return torch.stack(tokens, dim=1), torch.stack(masks, dim=1)


def _end_ids(model: Any, tokenizer: Any) -> list[int]:
    """Every token that ends a reply: the tokenizer's EOS and the ids in the
    checkpoint's generation config (a ChatML model may end at <|endoftext|>
    as well as <|im_end|>; sampling past one would decode and train on text
    after the reply's end)."""
    ids = {tokenizer.eos_token_id}
    config = getattr(model, "generation_config", None)
    listed = getattr(config, "eos_token_id", None)
    ids.update(listed if isinstance(listed, list | tuple) else [listed])
    return sorted(i for i in ids if i is not None)


def _texts(tokenizer: Any, completion: Any, mask: Any) -> list[str]:
    return [
        tokenizer.decode(row[m].tolist(), skip_special_tokens=True)
        for row, m in zip(completion, mask, strict=True)
    ]


def _loss(model: Any, ids: Any, completion: Any, mask: Any, advantages: Sequence[float]) -> Any:
    """GRPO's loss for one group (see the module docstring). The group
    shares its prompt, so the prompt (but its last token) runs once and its
    cache is repeated for the G completions, exactly as G full sequences
    would compute it: with gradient when LoRA sits in the body (the shared
    prefill's gradient is the sum of the G rows'), without when it sits on
    the output head alone (no gradient reaches the body). On SmolLM2 a
    ~190-token prompt and 24-token thoughts make this ~4x fewer tokens than
    G full sequences."""
    import torch

    g = completion.shape[0]
    if _head_only(model):
        cache, _ = _prefill(model, ids[:, :-1], g)
    else:
        cache = model(input_ids=ids[:, :-1], use_cache=True).past_key_values
        _repeat_cache(cache, g)
    tail = torch.cat([ids[:, -1:].repeat(g, 1), completion[:, :-1]], dim=1)
    logits = model(input_ids=tail, past_key_values=cache, use_cache=True).logits
    logp = torch.log_softmax(logits.float(), dim=-1).gather(2, completion.unsqueeze(-1)).squeeze(-1)
    m = mask.float()
    per_sample = (logp * m).sum(dim=1) / m.sum(dim=1).clamp(min=1.0)
    adv = torch.tensor(list(advantages), dtype=per_sample.dtype)
    return -(adv * per_sample).mean()


def _head_only(model: Any) -> bool:
    names = [n for n, p in model.named_parameters() if p.requires_grad]
    return bool(names) and all("lm_head" in n for n in names)


async def _rewards(task: EnvTask, k: int, texts: Sequence[str], executor: Complete) -> list[float]:
    return [r.reward for r in await collect_group(task, k, texts, executor)]


async def sample_rewards(
    model: Any,
    tokenizer: Any,
    prompts: Sequence[tuple[EnvTask, int, Any]],
    executor: Complete,
    cfg: TrainConfig,
) -> list[float]:
    """The rewards of ``cfg.eval_samples`` (default G) samples per prompt,
    with fixed sampling seeds: the same call before and after training
    draws the same random numbers, so sample i of one pairs with sample i
    of the other."""
    out: list[float] = []
    n = cfg.eval_samples or cfg.group
    model.eval()
    for index, (task, k, ids) in enumerate(prompts):
        completion, mask = await asyncio.to_thread(
            _sample, model, tokenizer, ids, cfg, n, cfg.eval_seed + index
        )
        out.extend(await _rewards(task, k, _texts(tokenizer, completion, mask), executor))
    return out


async def train_planner(
    checkpoint: Path,
    steps: Sequence[tuple[EnvTask, int]],
    executor: Complete,
    cfg: TrainConfig | None = None,
    *,
    model_name: str | None = None,
    out: Path | None = None,
) -> TrainResult:
    """GRPO on the planner at ``checkpoint`` (a transformers checkpoint
    directory) over the reference steps ``steps`` ((task, k) pairs), the
    executor frozen; saves the LoRA adapter to ``out`` when given."""
    import torch

    cfg = cfg or TrainConfig()
    if not steps:
        raise CodaError("no training prompts", "name at least one task step")
    started = time.perf_counter()
    random.seed(cfg.seed)
    model, tokenizer = await asyncio.to_thread(
        _load, checkpoint, cfg.seed, cfg.lora_r, cfg.target_modules
    )
    prompts = []
    for task, k in steps:
        messages, _, env = await step_prompt(task, k)
        await env.close()
        prompts.append((task, k, _prompt_ids(tokenizer, messages)))
    before = await sample_rewards(model, tokenizer, prompts, executor, cfg)
    log.info("mean reward before: %.3f", sum(before) / len(before))
    params = [p for p in model.parameters() if p.requires_grad]
    optimiser = torch.optim.Adam(params, lr=cfg.lr)
    batch_rewards: list[float] = []
    informative = 0
    for step in range(cfg.steps):
        task, k, ids = prompts[step % len(prompts)]
        model.eval()
        completion, mask = await asyncio.to_thread(
            _sample, model, tokenizer, ids, cfg, cfg.group, cfg.seed * 1000 + step
        )
        rewards = await _rewards(task, k, _texts(tokenizer, completion, mask), executor)
        batch_rewards.append(sum(rewards) / len(rewards))
        log.info("GRPO step %d: mean reward %.3f", step + 1, batch_rewards[-1])
        advantages = group_advantages(rewards)
        if not any(advantages):
            continue  # an all-equal group has no gradient
        informative += 1

        def update(
            ids: Any = ids, completion: Any = completion, mask: Any = mask, adv: Any = advantages
        ) -> None:
            model.train()
            optimiser.zero_grad()
            _loss(model, ids, completion, mask, adv).backward()
            optimiser.step()

        await asyncio.to_thread(update)
    after = await sample_rewards(model, tokenizer, prompts, executor, cfg)
    if out is not None:
        await asyncio.to_thread(model.save_pretrained, str(out))
    return TrainResult(
        model=model_name or str(checkpoint),
        prompts=[f"{t.app}/{t.id}#{k}" for t, k, _ in prompts],
        config=cfg,
        before=sum(before) / len(before),
        after=sum(after) / len(after),
        rewards=batch_rewards,
        informative=informative,
        before_rewards=before,
        after_rewards=after,
        difference=paired_difference(before, after, seed=cfg.seed),
        seconds=time.perf_counter() - started,
        adapter=str(out) if out is not None else None,
    )
