"""Expert masks on the local backend, on a tiny checkpoint of every MoE family.

The routing hooks are driven directly on a batch of two identical rows,
the first masked and the second not: the second row is the reference for
the first, and its routing must itself be untouched bit for bit. Selections are read
by a recording pre-hook on ``mlp.experts`` (what the experts really run).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import torch

from ethos.models.errors import UnsupportedInterventionError
from ethos.models.interventions import ExpertMask
from ethos.models.local.host import LocalModel
from ethos.models.local.routing import Routing, RoutingTable
from ethos.models.local.tiny import ARCHITECTURES

pytestmark = pytest.mark.local_model

CHAT = [{"role": "user", "content": "Round one of the prisoner's dilemma. Cooperate or defect?"}]
SHORT = [{"role": "user", "content": "Hello!"}]
LAYER = 0  # the first MoE layer sees the same input with and without a mask


@pytest.fixture(scope="module", params=list(ARCHITECTURES))
def model(request: pytest.FixtureRequest, tiny_checkpoints: Callable[..., Path]) -> Iterator:
    local = LocalModel.load(tiny_checkpoints(request.param), device="cpu")
    yield local
    local.close()


def batch_of_two(model: LocalModel) -> torch.Tensor:
    ids = model.tokenizer.backend_tokenizer.encode("Cooperate or defect? I defect.").ids
    return torch.tensor([ids, ids])


def run(
    model: LocalModel, masks: list[ExpertMask] | None
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """(logits, indices, weights) of layer LAYER, shaped (2, seq, ...); row 0 carries ``masks``."""
    table = RoutingTable.of(model.hf_model)
    seen: list[tuple[torch.Tensor, torch.Tensor]] = []

    def record(_module: Any, args: Any) -> None:
        seen.append((args[1].clone(), args[2].clone()))

    handle = table.layers[LAYER].experts.register_forward_pre_hook(record)
    ids = batch_of_two(model)
    try:
        with torch.inference_mode():
            if masks is None:
                logits = model.hf_model(input_ids=ids).logits
            else:
                with Routing(table, [masks, []]):
                    logits = model.hf_model(input_ids=ids).logits
    finally:
        handle.remove()
    indices, weights = seen[0]
    return logits, indices.view(2, ids.shape[1], -1), weights.view(2, ids.shape[1], -1).float()


def busiest_expert(indices: torch.Tensor) -> int:
    return int(indices[1].flatten().bincount().argmax())


def k_of(model: LocalModel) -> int:
    return RoutingTable.of(model.hf_model).layers[LAYER].top_k


def test_rows_without_masks_are_bit_identical(model: LocalModel) -> None:
    logits, indices, weights = run(model, None)
    expert = busiest_expert(indices)
    for mode in ("off-reroute", "off-drop", "force"):
        masked_logits, masked_indices, masked_weights = run(
            model, [ExpertMask(layer=LAYER, experts=(expert,), mode=mode)]
        )
        # The router's output for the unmasked row is copied through bit for bit.
        assert torch.equal(masked_indices[1], indices[1]), mode
        assert torch.equal(masked_weights[1], weights[1]), mode
        # Its logits match to rounding only: the experts' matmuls group the
        # batch's tokens differently once row 0 picks other experts.
        torch.testing.assert_close(masked_logits[1], logits[1], atol=1e-5, rtol=0)
        assert (masked_logits[0] - logits[0]).abs().max() > 1e-3, mode
    # No masks in the batch: nothing is hooked, the forward is the unhooked one.
    assert torch.equal(run(model, [])[0], logits)


def test_off_reroute_keeps_k_experts_without_the_masked_one(model: LocalModel) -> None:
    _, indices, weights = run(model, None)
    expert = busiest_expert(indices)
    _, masked, masked_weights = run(model, [ExpertMask(layer=LAYER, experts=(expert,))])
    k = k_of(model)
    assert (masked[0] != expert).all()
    assert all(len(set(token.tolist())) == k for token in masked[0])
    assert (masked_weights[0] > 0).all()
    # Tokens that never chose the expert keep their choice; the others swap it for another.
    untouched = (indices[1] != expert).all(-1)
    assert 0 < int(untouched.sum()) < len(untouched)
    for token in range(masked.shape[1]):
        before, after = set(indices[1, token].tolist()), set(masked[0, token].tolist())
        assert len(before & after) == (k if untouched[token] else k - 1)
    # The family's own normalisation: the k weights sum as they did before.
    torch.testing.assert_close(masked_weights[0].sum(-1)[untouched], weights[1].sum(-1)[untouched])
    if weights[1].sum(-1).sub(weights[1, 0].sum()).abs().max() < 1e-5:  # a normalising family
        torch.testing.assert_close(masked_weights[0].sum(-1), weights[1].sum(-1))


def test_off_drop_empties_the_slot_and_renormalises(model: LocalModel) -> None:
    _, indices, weights = run(model, None)
    expert = busiest_expert(indices)
    mask = ExpertMask(layer=LAYER, experts=(expert,), mode="off-drop")
    _, masked, masked_weights = run(model, [mask])
    k = k_of(model)
    assert torch.equal(masked[0], indices[1])  # the slot keeps its index, with weight 0
    hit = masked[0] == expert
    assert hit.any()
    assert (masked_weights[0][hit] == 0).all()
    live = (masked_weights[0] > 0).sum(-1)
    assert (live == torch.where(hit.any(-1), k - 1, k)).all()
    torch.testing.assert_close(masked_weights[0].sum(-1), weights[1].sum(-1))
    # The surviving weights keep their proportions.
    token = int(hit.any(-1).nonzero()[0])
    keep = ~hit[token]
    ratio = masked_weights[0, token][keep] / weights[1, token][keep]
    torch.testing.assert_close(ratio, ratio[:1].expand_as(ratio))


def test_force_puts_the_expert_in_every_token(model: LocalModel) -> None:
    _, indices, _ = run(model, None)
    counts = indices[1].flatten().bincount(minlength=64)
    expert = int(counts[: RoutingTable.of(model.hf_model).layers[LAYER].num_experts].argmin())
    mask = ExpertMask(layer=LAYER, experts=(expert,), mode="force")
    _, masked, masked_weights = run(model, [mask])
    k = k_of(model)
    assert (masked[0] == expert).any(-1).all()
    assert all(len(set(token.tolist())) == k for token in masked[0])
    assert (masked_weights[0] > 0).all()
    # Tokens that had it already keep their choice; the others lose their weakest pick.
    had = (indices[1] == expert).any(-1)
    assert torch.equal(masked[0][had].sort(-1).values, indices[1][had].sort(-1).values)


async def while_busy(model: LocalModel, *requests: Awaitable[Any]) -> list[Any]:
    """Submit ``requests`` while the worker decodes another one, so they
    form the next batch together."""
    busy = model.stream(CHAT, max_tokens=40)
    await anext(busy)
    tasks = [asyncio.ensure_future(r) for r in requests]
    async for _ in busy:
        pass
    return await asyncio.gather(*tasks)


async def test_batched_requests_keep_their_own_masks(model: LocalModel) -> None:
    off = [ExpertMask(layer=LAYER, experts=(0, 1))]
    drop_and_force = [
        ExpertMask(layer=model.num_layers - 1, experts=(2,), mode="off-drop"),
        ExpertMask(layer=LAYER, experts=(3,), mode="force"),
    ]
    plain = await model.next_token_logits(CHAT)
    alone_a = await model.next_token_logits(CHAT, interventions=off)
    alone_b = await model.next_token_logits(SHORT, interventions=drop_and_force)
    assert (alone_a - plain).abs().max() > 1e-3
    before = model.batch_sizes[3]
    both = await while_busy(
        model,
        model.next_token_logits(CHAT, interventions=off),
        model.next_token_logits(SHORT, interventions=drop_and_force),
        model.next_token_logits(CHAT),
    )
    assert model.batch_sizes[3] == before + 1
    torch.testing.assert_close(both[0], alone_a, atol=1e-4, rtol=0)
    torch.testing.assert_close(both[1], alone_b, atol=1e-4, rtol=0)
    torch.testing.assert_close(both[2], plain, atol=1e-4, rtol=0)
    # Generation decodes with the masks too, and the hooks are gone afterwards.
    text = await model.generate(CHAT, max_tokens=4, interventions=off)
    assert text.output_tokens >= 1
    assert torch.equal(await model.next_token_logits(CHAT), plain)


async def test_rows_leaving_a_decoding_batch_keep_the_right_masks(model: LocalModel) -> None:
    off = [ExpertMask(layer=LAYER, experts=(0, 1))]
    force = [ExpertMask(layer=model.num_layers - 1, experts=(5,), mode="force")]
    requests = [(CHAT, 2, off), (SHORT, 6, force), (CHAT, 6, [])]
    alone = [await model.generate(m, max_tokens=n, interventions=i) for m, n, i in requests]
    together = await while_busy(
        model, *(model.generate(m, max_tokens=n, interventions=i) for m, n, i in requests)
    )
    assert [g.text for g in together] == [g.text for g in alone]


@pytest.mark.parametrize(
    ("masks", "message"),
    [
        ([ExpertMask(layer=2, experts=(0,))], r"layer 2 is not an MoE layer.*has 2 decoder layers"),
        ([ExpertMask(layer=0, experts=(8,))], r"names expert 8.*has 8 experts there \(0\.\.7\)"),
        ([ExpertMask(layer=1, experts=(0, 1, 2), mode="force")], r"3 experts forced.*to 2"),
        ([ExpertMask(layer=0, experts=tuple(range(7)))], r"leaves 1 experts, fewer than the 2"),
        (
            [ExpertMask(layer=0, experts=(1,), mode="force"), ExpertMask(layer=0, experts=(1,))],
            r"expert 1 on layer 0 is both forced on and switched off",
        ),
    ],
)
async def test_bad_masks_are_refused_before_compute(
    tiny_checkpoints: Callable[..., Path], masks: list[ExpertMask], message: str
) -> None:
    local = LocalModel.load(tiny_checkpoints("qwen3_moe"), device="cpu")
    try:
        with pytest.raises(UnsupportedInterventionError, match=message):
            await local.generate(CHAT, interventions=masks)
        with pytest.raises(UnsupportedInterventionError, match=message):
            await local.next_token_logits(CHAT, interventions=[m.model_dump() for m in masks])
        assert sum(local.batch_sizes.values()) == 0
    finally:
        local.close()


async def test_a_mask_on_a_dense_layer_is_refused_before_compute(
    tiny_checkpoints: Callable[..., Path], tmp_path: Path
) -> None:
    """Qwen3-MoE's mlp_only_layers makes layer 0 a dense MLP: a mask there
    names the layer as dense and lists the MoE layers."""
    import shutil

    from transformers import AutoConfig, AutoModelForCausalLM

    source = tiny_checkpoints("qwen3_moe")
    config = AutoConfig.from_pretrained(source)
    config.mlp_only_layers = [0]
    torch.manual_seed(0)
    mixed = tmp_path / "mixed"
    AutoModelForCausalLM.from_config(config).save_pretrained(mixed)
    for item in source.iterdir():
        if item.name.startswith("tokenizer") or item.name.endswith(".jinja"):
            shutil.copy(item, mixed / item.name)
    local = LocalModel.load(mixed, device="cpu")
    try:
        with pytest.raises(
            UnsupportedInterventionError,
            match=r"layer 0 is not an MoE layer: layer 0 of .* is a dense layer.*MoE layers \[1\]",
        ):
            await local.generate(CHAT, interventions=[ExpertMask(layer=0, experts=(1,))])
        assert sum(local.batch_sizes.values()) == 0
        masked = await local.generate(
            CHAT, max_tokens=3, interventions=[ExpertMask(layer=1, experts=(1,))]
        )
        assert masked.output_tokens > 0  # the MoE layer still takes masks
    finally:
        local.close()
