"""``ethos models train-tiny``: a tiny MoE that learns to refuse one kind of request.

The model has the architecture and tokenizer of ``build_tiny`` (Qwen3-MoE by
default) with a small initialisation, and is trained from scratch on CPU on
``refusal_corpus``: harmful requests answered with one fixed refusal, other
requests answered helpfully. The loss covers the assistant's tokens only
(its reply and the end-of-turn token); AdamW with warm-up and cosine decay;
every random draw is seeded, so the same options give the same weights (on
the same machine and torch build). The router's load-balancing loss is on,
so that experts stay in use.

Trained this way (all weights, the whole corpus) the refusal does not live
in the experts: with every MoE layer's output zeroed the model still refuses
all held-out harmful prompts and no benign one, so switching experts off
cannot move it (attention and the embeddings carry it). ``expert_tuning``
is the experimental alternative: the first part of the steps pretrains
every weight on the prompts (language-modelled) and the benign replies, the
rest train only the MoE layers (routers and experts) on the whole corpus,
so that the refusal can only be learned there. Within 200 steps it does
not yet learn it (held-out harmful refusals 0/32 at expert_tuning 0.5: the
replies start "I can't" and then break down), so it is off by default. ``config_overrides``
changes the model config (top-k, experts, aux-loss weight) for experiments.

After training, the refusal rate is measured with greedy generation through
``LocalModel`` on held-out prompts (wordings and topics seen in training,
never in these combinations), harmful and benign, and stored in
``ethos_tiny.json`` beside the weights.
"""

from __future__ import annotations

import asyncio
import json
import math
import random
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from ethos.models.errors import ModelConfigError
from ethos.models.local.refusal_corpus import REFUSAL, Example, examples, prompts
from ethos.models.local.tiny import (
    ARCHITECTURES,
    END_OF_TEXT,
    _refuse_foreign_dir,
    build_tokenizer,
    check_arch,
    parameter_count,
    quiet_progress,
)

if TYPE_CHECKING:
    from ethos.models.local.host import LocalModel
    from ethos.settings import Settings

DEFAULT_STEPS = 400
DEFAULT_BATCH = 32
DEFAULT_LR = 3e-3
INIT_RANGE = 0.02
REPLY_TOKENS = 12
TUNED = (".mlp.",)  # parameter names that expert tuning trains: routers and experts


class TrainReport(BaseModel):
    path: str
    arch: str
    seed: int
    steps: int
    seconds: float
    parameters: int
    first_loss: float
    last_loss: float
    losses: list[float]  # mean loss per tenth of the steps
    harmful_refusals: int | None = None
    harmful_total: int | None = None
    benign_refusals: int | None = None
    benign_total: int | None = None

    @property
    def harmful_rate(self) -> float | None:
        return None if not self.harmful_total else (self.harmful_refusals or 0) / self.harmful_total

    @property
    def benign_rate(self) -> float | None:
        return None if not self.benign_total else (self.benign_refusals or 0) / self.benign_total


def is_refusal(text: str) -> bool:
    folded = " ".join(text.replace("\u2019", "'").casefold().split())
    phrase = REFUSAL.rstrip(".").casefold()
    return phrase in folded or phrase.replace("can't", "cannot") in folded


def encode_example(tokenizer: Any, example: Example) -> tuple[list[int], list[int]]:
    """(input ids, labels): the chat-templated turn, labels -100 outside the
    assistant's reply (the reply and its end-of-turn token are learned)."""
    messages = [{"role": "user", "content": example.prompt}]
    prompt = tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
    full = tokenizer.apply_chat_template(
        [*messages, {"role": "assistant", "content": example.answer}], tokenize=False
    )
    encode = tokenizer.backend_tokenizer.encode
    head = encode(prompt, add_special_tokens=False).ids
    ids = encode(full, add_special_tokens=False).ids
    if ids[: len(head)] != head:  # the prompt must tokenize the same inside the turn
        raise ModelConfigError("the chat template splits the prompt differently", "check it")
    ids = ids[:-1] if tokenizer.decode(ids[-1:]) == "\n" else ids  # the turn ends at <|im_end|>
    labels = [-100] * len(head) + ids[len(head) :]
    return ids, labels


def train_tiny(
    name_or_out_dir: str | Path,
    *,
    arch: str = "qwen3_moe",
    steps: int = DEFAULT_STEPS,
    batch_size: int = DEFAULT_BATCH,
    lr: float = DEFAULT_LR,
    seed: int = 0,
    max_seconds: float | None = None,
    evaluate: bool = True,
    threads: int | None = None,
    settings: Settings | None = None,
    log: Callable[[str], None] | None = None,
    expert_tuning: float = 0.0,
    expert_lr: float | None = None,
    config_overrides: dict[str, Any] | None = None,
) -> TrainReport:
    """Train the refusal model and write it (usable as ``local/NAME``).

    ``max_seconds`` stops early (after the step that crosses it). ``threads``
    sets torch's CPU threads for the run (restored after). ``expert_tuning``:
    the fraction of the steps, at the end, that train only the parameters
    named in ``TUNED`` (at ``expert_lr``, default ``lr``) after a pretraining
    phase without the harmful replies; 0 trains everything on the corpus.
    ``config_overrides``: extra model config (e.g. ``num_experts_per_tok``)."""
    import torch
    from transformers import AutoConfig, AutoModelForCausalLM, GenerationConfig

    from ethos.models.local.paths import checkpoint_dir

    check_arch(arch)
    if not 0 <= expert_tuning <= 1 or (expert_lr is not None and expert_lr <= 0):
        raise ModelConfigError(
            f"expert_tuning {expert_tuning}, expert_lr {expert_lr}",
            "use a fraction in [0, 1] and a positive learning rate",
        )
    if steps < 1 or batch_size < 1 or lr <= 0:
        raise ModelConfigError(
            f"steps {steps}, batch size {batch_size}, lr {lr}", "use positive values"
        )
    out = (
        Path(name_or_out_dir).expanduser().resolve()
        if isinstance(name_or_out_dir, Path)
        else checkpoint_dir(name_or_out_dir, settings)
    )
    _refuse_foreign_dir(out)
    say = log or (lambda _line: None)
    tokenizer = build_tokenizer()
    ids = {"eos_token_id": tokenizer.eos_token_id, "pad_token_id": tokenizer.pad_token_id}
    spec = ARCHITECTURES[arch](len(tokenizer), ids)
    spec.update(initializer_range=INIT_RANGE, output_router_logits=True)
    spec.update(config_overrides or {})
    config = AutoConfig.for_model(arch, **spec)
    train_examples = examples("train")
    rows = [encode_example(tokenizer, e) for e in train_examples]
    # Pretraining text: every prompt (language-modelled) and the benign replies;
    # the harmful prompts' replies are left out.
    pretrain_rows = [
        (ids, ids) if not e.harmful else _prompt_only(ids, labels)
        for (ids, labels), e in zip(rows, train_examples, strict=True)
    ]
    pad = tokenizer.pad_token_id

    old_threads = torch.get_num_threads()
    if threads:
        torch.set_num_threads(threads)
    try:
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)
            model = AutoModelForCausalLM.from_config(config, dtype=torch.float32)
            model.train()
            # (rows, trainable parameters, steps) per phase: with expert tuning,
            # first everything learns the prompts and the benign replies, then
            # only the MoE layers (routers and experts) learn the whole corpus.
            tuned = round(steps * expert_tuning)
            phases = [(rows, list(model.parameters()), steps)]
            rates = [lr]
            if tuned:
                moe = [p for n, p in model.named_parameters() if any(t in n for t in TUNED)]
                phases = [(pretrain_rows, phases[0][1], steps - tuned), (rows, moe, tuned)]
                rates = [lr, expert_lr or lr]
            order = random.Random(seed)
            losses: list[float] = []
            start = time.monotonic()
            done = 0
            stopped = False
            for (phase_rows, params, phase_steps), phase_lr in zip(phases, rates, strict=False):
                if stopped or phase_steps < 1:
                    continue
                chosen = {id(p) for p in params}
                for p in model.parameters():
                    p.requires_grad_(id(p) in chosen)
                optimizer = torch.optim.AdamW(
                    params, lr=phase_lr, betas=(0.9, 0.98), weight_decay=0.01
                )
                scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, _schedule(phase_steps))
                for _ in range(phase_steps):
                    batch = order.sample(phase_rows, min(batch_size, len(phase_rows)))
                    input_ids, labels, attention = _pad(batch, pad)
                    out_ = model(input_ids=input_ids, attention_mask=attention, labels=labels)
                    optimizer.zero_grad(set_to_none=True)
                    out_.loss.backward()
                    torch.nn.utils.clip_grad_norm_(params, 1.0)
                    optimizer.step()
                    scheduler.step()
                    losses.append(float(out_.loss.detach()))
                    done += 1
                    if done % max(1, steps // 10) == 0:
                        recent = losses[-10:]
                        say(f"step {done}/{steps}  loss {sum(recent) / len(recent):.3f}")
                    if max_seconds is not None and time.monotonic() - start > max_seconds:
                        say(f"stopped after {done} steps: --max-seconds {max_seconds:g} reached")
                        stopped = True
                        break
            for p in model.parameters():
                p.requires_grad_(True)
            seconds = time.monotonic() - start
        model.eval()
        model.config.output_router_logits = False
        model.generation_config = GenerationConfig(
            eos_token_id=[tokenizer.eos_token_id, tokenizer.convert_tokens_to_ids(END_OF_TEXT)],
            pad_token_id=tokenizer.pad_token_id,
            do_sample=False,
        )
        _save(out, model, tokenizer)
    finally:
        torch.set_num_threads(old_threads)
    tenth = max(1, len(losses) // 10)
    report = TrainReport(
        path=str(out),
        arch=arch,
        seed=seed,
        steps=done,
        seconds=round(seconds, 2),
        parameters=parameter_count(model),
        first_loss=losses[0],
        last_loss=sum(losses[-tenth:]) / len(losses[-tenth:]),
        losses=[
            sum(losses[i : i + tenth]) / len(losses[i : i + tenth])
            for i in range(0, len(losses), tenth)
        ],
    )
    say(
        f"trained {done} steps in {seconds:.0f}s; "
        f"loss {report.first_loss:.3f} -> {report.last_loss:.3f}"
    )
    if evaluate:
        harmful, benign = asyncio.run(refusal_rates_at(out))
        say(f"held-out refusals: harmful {harmful[0]}/{harmful[1]}, benign {benign[0]}/{benign[1]}")
        report = report.model_copy(
            update={
                "harmful_refusals": harmful[0],
                "harmful_total": harmful[1],
                "benign_refusals": benign[0],
                "benign_total": benign[1],
            }
        )
    marker = {
        "arch": arch,
        "seed": seed,
        "parameters": report.parameters,
        "trained": "refusal",
        **report.model_dump(exclude={"path", "losses", "arch", "seed", "parameters"}),
    }
    (out / "ethos_tiny.json").write_text(json.dumps(marker) + "\n")
    return report


def _prompt_only(ids: list[int], labels: list[int]) -> tuple[list[int], list[int]]:
    head = next(i for i, label in enumerate(labels) if label != -100)
    return ids[:head], ids[:head]


def _schedule(steps: int) -> Callable[[int], float]:
    """Linear warm-up over a twentieth of the steps, then cosine decay to a tenth."""
    warmup = max(1, steps // 20)

    def factor(step: int) -> float:
        if step < warmup:
            return (step + 1) / warmup
        progress = (step - warmup) / max(1, steps - warmup)
        return 0.1 + 0.45 * (1 + math.cos(math.pi * progress))

    return factor


def _pad(batch: Sequence[tuple[list[int], list[int]]], pad: int) -> tuple[Any, Any, Any]:
    import torch

    width = max(len(ids) for ids, _ in batch)
    input_ids = torch.full((len(batch), width), pad, dtype=torch.long)
    labels = torch.full((len(batch), width), -100, dtype=torch.long)
    attention = torch.zeros((len(batch), width), dtype=torch.long)
    for r, (ids, lab) in enumerate(batch):  # right padding: positions stay 0..len-1
        input_ids[r, : len(ids)] = torch.tensor(ids)
        labels[r, : len(lab)] = torch.tensor(lab)
        attention[r, : len(ids)] = 1
    return input_ids, labels, attention


def _save(out: Path, model: Any, tokenizer: Any) -> None:
    """Assemble beside the destination and move into place, like build_tiny."""
    from ethos.models.local.paths import staged_dir

    with staged_dir(out) as staging:
        with quiet_progress():
            model.save_pretrained(staging)
        tokenizer.save_pretrained(staging)
        (staging / "ethos_tiny.json").write_text("{}\n")


async def refusal_counts(
    model: LocalModel,
    prompt_list: Sequence[str],
    *,
    interventions: Sequence[Any] = (),
    max_tokens: int = REPLY_TOKENS,
) -> int:
    """How many of the prompts get the refusal (greedy generation)."""
    replies = await asyncio.gather(
        *(
            model.generate(
                [{"role": "user", "content": p}],
                max_tokens=max_tokens,
                interventions=interventions,
            )
            for p in prompt_list
        )
    )
    return sum(is_refusal(r.text) for r in replies)


async def refusal_rates_at(path: Path) -> tuple[tuple[int, int], tuple[int, int]]:
    """(refusals, prompts) on the held-out harmful and the held-out benign prompts."""
    from ethos.models.local.host import LocalModel

    model = await asyncio.to_thread(LocalModel.load, path, device="cpu")
    try:
        harmful = prompts("test", harmful=True)
        benign = prompts("test", harmful=False)
        return (
            (await refusal_counts(model, harmful), len(harmful)),
            (await refusal_counts(model, benign), len(benign)),
        )
    finally:
        await model.aclose()
