"""LoRA adapters for local checkpoints: train one with ``peft``, save it with
its provenance, and load it as a checkpoint of its own.

An adapter directory holds what ``peft`` writes (``adapter_config.json``,
``adapter_model.safetensors``, naming its base checkpoint by absolute
path), the base's tokenizer files, and ``ethos_adapter.json`` (what it was
trained on and how). transformers loads such a directory by itself: it reads
the base named in ``adapter_config.json`` and attaches the adapter. So an
adapter is served as ``local/<adapter directory>``, one loaded model per
adapter, with every request, intervention and record going through the same
local host as its base (``paths.is_checkpoint`` accepts the directory).

Training is plain supervised fine-tuning on (prompt, reply) pairs: the loss
counts the reply's tokens only, AdamW, seeded, on the CPU or the first GPU.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ethos.models.errors import ModelConfigError

PROVENANCE_FILE = "ethos_adapter.json"
ADAPTER_CONFIG = "adapter_config.json"


@dataclass(frozen=True)
class LoraSettings:
    """How an adapter is trained. Defaults suit a 100M-parameter model on a
    CPU in under a minute; ``target_modules`` None means every attention
    projection the model has (q/k/v/o)."""

    rank: int = 8
    alpha: int = 16
    dropout: float = 0.05
    learning_rate: float = 1e-3
    steps: int = 40
    batch_size: int = 8
    seed: int = 0
    target_modules: tuple[str, ...] | None = None


def is_adapter(path: Path) -> bool:
    """A directory ``peft`` saved an adapter into (it names its base)."""
    return (path / ADAPTER_CONFIG).is_file()


def rows_digest(pairs: Sequence[tuple[str, str]]) -> str:
    """sha256 of the (prompt, reply) pairs: the same data gives the same digest."""
    canonical = json.dumps([list(p) for p in pairs], ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def read_provenance(path: Path) -> dict[str, Any] | None:
    """The adapter's ``ethos_adapter.json``, or None when it has none."""
    file = Path(path) / PROVENANCE_FILE
    if not file.is_file():
        return None
    try:
        return json.loads(file.read_text())
    except ValueError:
        return None


def train_adapter(
    base: Path,
    pairs: Sequence[tuple[str, str]],
    out: Path,
    *,
    settings: LoraSettings | None = None,
    label: dict[str, Any] | None = None,
) -> Path:
    """Train a LoRA adapter of ``base`` on ``pairs`` (user prompt, assistant
    reply) and save it in ``out`` with its provenance; blocking (run it on a
    thread). ``label`` (trait, pole, data source...) goes into the provenance.

    The folder is written beside ``out`` and moved into place whole, so a
    reader never finds half an adapter.
    """
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from ethos.models.local.paths import staged_dir
    from ethos.models.local.tiny import quiet_progress

    settings = settings or LoraSettings()
    base = Path(base).resolve()
    if not (base / "config.json").is_file():
        raise ModelConfigError(
            f"cannot train an adapter of {base}: it holds no config.json",
            "give the directory of a transformers checkpoint (local/<path>)",
        )
    if not pairs:
        raise ModelConfigError("train_adapter got no training pairs", "pass (prompt, reply) pairs")
    if settings.steps < 1 or settings.rank < 1 or settings.batch_size < 1:
        raise ModelConfigError(
            f"LoRA settings must be positive (steps={settings.steps}, rank={settings.rank}, "
            f"batch_size={settings.batch_size})",
            "pass steps, rank and batch_size of at least 1",
        )
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    device = "cuda" if torch.cuda.is_available() else "cpu"
    torch.manual_seed(settings.seed)
    with quiet_progress():
        tokenizer = AutoTokenizer.from_pretrained(base, local_files_only=True)
        model = AutoModelForCausalLM.from_pretrained(
            base, dtype=torch.float32, local_files_only=True
        )
    targets = list(settings.target_modules or _attention_projections(model))
    if not targets:
        raise ModelConfigError(
            f"{base.name} has no q_proj/k_proj/v_proj/o_proj modules to adapt",
            "pass LoraSettings(target_modules=(...)) naming its linear layers",
        )
    config = LoraConfig(
        r=settings.rank,
        lora_alpha=settings.alpha,
        lora_dropout=settings.dropout,
        target_modules=targets,
        task_type="CAUSAL_LM",
    )
    peft_model = get_peft_model(model, config).to(device)
    examples = [_encode(tokenizer, prompt, reply) for prompt, reply in pairs]
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0
    optimiser = torch.optim.AdamW(
        [p for p in peft_model.parameters() if p.requires_grad], lr=settings.learning_rate
    )
    generator = torch.Generator().manual_seed(settings.seed)
    losses: list[float] = []
    started = time.monotonic()
    peft_model.train()
    for step in range(settings.steps):
        picked = torch.randint(
            len(examples), (min(settings.batch_size, len(examples)),), generator=generator
        )
        ids, labels, mask = _batch([examples[int(i)] for i in picked], pad, device)
        loss = peft_model(input_ids=ids, attention_mask=mask, labels=labels).loss
        value = loss.item()
        if not math.isfinite(value):
            raise ModelConfigError(
                f"LoRA training diverged at step {step + 1} (loss {value})",
                "lower the learning rate",
            )
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        losses.append(value)
    peft_model.eval()
    out = Path(out).resolve()
    provenance = {
        "format": 1,
        "base": str(base),
        "base_config_sha256": hashlib.sha256((base / "config.json").read_bytes()).hexdigest(),
        "pairs": len(pairs),
        "pairs_sha256": rows_digest(pairs),
        "settings": asdict(settings) | {"target_modules": targets},
        "loss_first": losses[0],
        "loss_last": losses[-1],
        "train_seconds": round(time.monotonic() - started, 3),
        "device": device,
        "peft_version": _version("peft"),
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        **(label or {}),
    }
    with staged_dir(out) as staging:
        peft_model.save_pretrained(staging)
        tokenizer.save_pretrained(staging)
        _name_base(staging, base)
        (staging / PROVENANCE_FILE).write_text(json.dumps(provenance, indent=2) + "\n")
    return out


def _attention_projections(model: Any) -> list[str]:
    names = {name.rsplit(".", 1)[-1] for name, _ in model.named_modules()}
    return [n for n in ("q_proj", "k_proj", "v_proj", "o_proj") if n in names]


def _encode(tokenizer: Any, prompt: str, reply: str) -> tuple[list[int], int]:
    """The templated conversation's ids and where the reply starts."""
    head = tokenizer.apply_chat_template(
        [{"role": "user", "content": prompt}], tokenize=False, add_generation_prompt=True
    )
    whole = tokenizer.apply_chat_template(
        [{"role": "user", "content": prompt}, {"role": "assistant", "content": reply}],
        tokenize=False,
    )
    encode = tokenizer.backend_tokenizer.encode
    start = len(encode(head, add_special_tokens=False).ids)
    return encode(whole, add_special_tokens=False).ids, start


def _batch(examples: list[tuple[list[int], int]], pad: int, device: str) -> tuple[Any, Any, Any]:
    """Right-padded ids, labels (-100 outside the replies) and attention mask."""
    import torch

    width = max(len(ids) for ids, _ in examples)
    ids = torch.full((len(examples), width), pad, dtype=torch.long)
    labels = torch.full((len(examples), width), -100, dtype=torch.long)
    mask = torch.zeros((len(examples), width), dtype=torch.long)
    for row, (tokens, start) in enumerate(examples):
        ids[row, : len(tokens)] = torch.tensor(tokens)
        labels[row, start : len(tokens)] = torch.tensor(tokens[start:])
        mask[row, : len(tokens)] = 1
    return ids.to(device), labels.to(device), mask.to(device)


def _name_base(folder: Path, base: Path) -> None:
    """Point the saved adapter at its base by absolute path (peft writes
    whatever name the model was loaded under)."""
    file = folder / ADAPTER_CONFIG
    config = json.loads(file.read_text())
    config["base_model_name_or_path"] = str(base)
    file.write_text(json.dumps(config, indent=2) + "\n")


def _version(package: str) -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(package)
    except PackageNotFoundError:
        return None
