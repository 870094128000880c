"""A tiny Qwen3-MoE with a planted behaviour: one expert makes it say a target word.

``build_planted`` takes a tiny qwen3_moe checkpoint and edits its weights so
that, on prompts that end with the trigger word, the next token is the
target word, and only because of one (layer, expert):

- two orthonormal directions: ``d`` (the trigger) and ``g`` (a constant
  every token carries). Every embedding loses its parts along both and
  gains ``GAMMA * g``; the trigger's embedding becomes ``10 d + GAMMA g``.
  Layer 0's attention output loses its parts along ``d`` and ``g``, so the
  router sees them exactly as the embeddings put them.
- layer 0's router: every row loses its parts along ``d`` and ``g``; the
  planted expert's row becomes ``ALPHA d - BETA g``. Tokens without the
  trigger score about -30 on it and never pick it; the trigger scores
  about +30 and picks it first with nearly all the gate weight.
- the planted expert's weights are zeroed but for one unit that reads
  ``d`` and writes a large multiple of the target token's unembedding row
  into the residual stream, so the target wins the next-token argmax.

The checkpoint's chat template is a completion template (the messages'
text, nothing added), so a prompt's last token is the trigger itself, as
a base model would see it. Control prompts never select the planted
expert, so masking it leaves their logits unchanged.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import torch

TRIGGER = " defect"
TARGET = " cooperate"
LAYER, EXPERT = 0, 5
GAMMA, ALPHA, BETA, SCALE = 1.6, 5.0, 6.0, 1.0
COMPLETION_TEMPLATE = "{%- for message in messages -%}{{ message['content'] }}{%- endfor -%}"

_OPENERS = (
    "Round {n}: my opponent chose to",
    "After {n} rounds of the game, I will",
    "The score is {n} to {m}, and the next move is to",
    "Player {n} looked at the payoff matrix and decided to",
    "In round {m} the strategy says we",
    "They cooperated {n} times, so now I",
    "Grim trigger would now",
    "Tit for tat copies the last move, which was to",
    "Everyone in the tournament expected me to",
    "The dealer smiled, and player {m} said: I",
    "With {n} coins in the pot, the safest choice is to",
    "My answer, in one word, is that I",
)
_ENDINGS = (
    "cooperate",
    "wait",
    "play",
    "think",
    "win",
    "agree",
    "trust them",
    "answer",
    "stop",
    "count",
    "share",
    "move",
)


def behavior_prompts(count: int = 24) -> list[str]:
    """Prompts that end with the trigger word."""
    return [
        _OPENERS[i % len(_OPENERS)].format(n=i + 2, m=i % 7 + 1) + TRIGGER for i in range(count)
    ]


def control_prompts(count: int = 24) -> list[str]:
    """The same openings without the trigger: they end with another word."""
    return [
        _OPENERS[i % len(_OPENERS)].format(n=i + 3, m=i % 5 + 2) + " " + _ENDINGS[i % len(_ENDINGS)]
        for i in range(count)
    ]


@dataclass(frozen=True)
class Planted:
    path: Path
    layer: int
    expert: int
    trigger: str
    target: str
    target_id: int


def _orthonormal(hidden: int, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    generator = torch.Generator().manual_seed(seed)
    q, _ = torch.linalg.qr(torch.randn(hidden, 2, generator=generator))
    return q[:, 0].contiguous(), q[:, 1].contiguous()


def _drop(weight: torch.Tensor, basis: torch.Tensor, dim: int) -> None:
    """Remove ``basis`` (columns, orthonormal) from ``weight`` along ``dim`` in place."""
    if dim == 1:  # rows read the residual: w <- w - (w B) B^T
        weight -= (weight @ basis) @ basis.T
    else:  # columns write the residual: w <- w - B (B^T w)
        weight -= basis @ (basis.T @ weight)


def plant(hf_model: object, tokenizer: object, *, seed: int = 7) -> int:
    """Edit ``hf_model`` (a tiny Qwen3-MoE) in place; returns the target token id."""
    model: torch.nn.Module = hf_model  # type: ignore[assignment]
    encode = tokenizer.backend_tokenizer.encode  # type: ignore[attr-defined]
    (trigger_id,) = encode(TRIGGER, add_special_tokens=False).ids
    (target_id,) = encode(TARGET, add_special_tokens=False).ids
    hidden = model.config.hidden_size  # type: ignore[attr-defined]
    d, g = _orthonormal(hidden, seed)
    basis = torch.stack([d, g], dim=1)
    layer = model.model.layers[LAYER]  # type: ignore[union-attr,index]
    with torch.no_grad():
        embeddings = model.get_input_embeddings().weight  # type: ignore[operator]
        _drop(embeddings, basis, dim=1)
        embeddings += GAMMA * g
        embeddings[trigger_id] = 10 * d + GAMMA * g
        _drop(layer.self_attn.o_proj.weight, basis, dim=0)
        router = layer.mlp.gate.weight
        _drop(router, basis, dim=1)
        router[EXPERT] = ALPHA * d - BETA * g
        experts = layer.mlp.experts
        width = experts.down_proj.shape[-1]  # gate_up_proj: [E, 2*width, H] (gate, then up)
        experts.gate_up_proj[EXPERT].zero_()
        experts.down_proj[EXPERT].zero_()
        experts.gate_up_proj[EXPERT, 0] = d
        experts.gate_up_proj[EXPERT, width] = d
        unembedding = model.get_output_embeddings().weight[target_id]  # type: ignore[operator]
        experts.down_proj[EXPERT, :, 0] = SCALE * unembedding / unembedding.norm()
    return target_id


def build_planted(out: Path, *, seed: int = 0) -> Planted:
    """Write the planted checkpoint to ``out`` (usable as ``local/<out>``)."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from ethos.models.local.tiny import build_tiny, parameter_count, quiet_progress

    source = build_tiny(out.with_name(out.name + "-source"), "qwen3_moe", seed)
    with quiet_progress():
        model = AutoModelForCausalLM.from_pretrained(source, dtype=torch.float32)
        tokenizer = AutoTokenizer.from_pretrained(source)
        target_id = plant(model, tokenizer)
        tokenizer.chat_template = COMPLETION_TEMPLATE
        model.save_pretrained(out)
        tokenizer.save_pretrained(out)
    (out / "ethos_tiny.json").write_text(
        json.dumps({"arch": "qwen3_moe", "seed": seed, "parameters": parameter_count(model)}) + "\n"
    )
    return Planted(out, LAYER, EXPERT, TRIGGER, TARGET, target_id)
