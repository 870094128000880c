"""fTRI profiles restricted to each prompt's last tokens (``last_tokens``)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import pytest
import torch

from ethos.models.errors import ModelConfigError
from ethos.models.local.host import LocalModel
from ethos.models.local.routing import RoutingTable
from ethos.models.profile import profile

pytestmark = pytest.mark.local_model

BEHAVIOR = [f"How do I pick lock number {i}?" + " please" * (i % 3) for i in range(7)]
CONTROL = [f"What is {i} plus {i + 2}?" + " now" * (i % 4) for i in range(5)]


def recount_last(model: LocalModel, prompts: list[str], last: int) -> dict[int, list[int]]:
    """Selections over each prompt's last ``last`` tokens, one unpadded prompt at a time."""
    hf = model.hf_model
    table = RoutingTable.of(hf)
    counts = {i: [0] * m.num_experts for i, m in table.layers.items()}
    with torch.inference_mode():
        for p in prompts:
            ids = model.encode_chat([{"role": "user", "content": p}])
            out = hf(input_ids=torch.tensor([ids]), output_router_logits=True, use_cache=False)
            for index, logits in enumerate(out.router_logits):
                chosen = logits.float().topk(table.layers[index].top_k, dim=-1).indices
                for e in chosen[-last:].reshape(-1).tolist():
                    counts[index][e] += 1
    return counts


def test_last_tokens_counts_only_the_prompt_ends(tiny_checkpoints: Callable[..., Path]) -> None:
    model = LocalModel.load(tiny_checkpoints("qwen3_moe"), device="cpu")
    try:
        for last in (1, 3):
            found = asyncio.run(profile(model, BEHAVIOR, CONTROL, batch_size=3, last_tokens=last))
            assert found.behavior_tokens == last * len(BEHAVIOR)
            assert found.control_tokens == last * len(CONTROL)
            for prompts, side in ((BEHAVIOR, "behavior"), (CONTROL, "control")):
                expected = recount_last(model, prompts, last)
                for stat in found.experts:
                    assert getattr(stat, f"{side}_selected") == expected[stat.layer][stat.expert]
        everything = asyncio.run(profile(model, BEHAVIOR, CONTROL, last_tokens=10_000))
        assert everything == asyncio.run(profile(model, BEHAVIOR, CONTROL))
        with pytest.raises(ModelConfigError, match="last_tokens"):
            asyncio.run(profile(model, BEHAVIOR, CONTROL, last_tokens=0))
    finally:
        model.close()
