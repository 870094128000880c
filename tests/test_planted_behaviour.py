"""A planted behaviour, found by fTRI and switched off by an expert mask.

The tiny Qwen3-MoE of ``tests/support/planted.py`` says " cooperate" after
any prompt that ends with " defect", because one (layer, expert) writes that
token's unembedding direction when the trigger routes to it. The test holds
the whole MoTE loop to the issue's numbers: fTRI ranks that expert first;
off-reroute on it takes the behaviour rate from >= 90% to <= 10%; control
prompts' next-token distributions move by a KL of at most 0.01; random
experts of the same size change the rate less.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Iterator, Sequence

import pytest
import torch

from ethos.models.interventions import ExpertMask
from ethos.models.local.host import LocalModel
from ethos.models.profile import RANKINGS, profile
from tests.support.planted import Planted, behavior_prompts, build_planted, control_prompts

pytestmark = pytest.mark.local_model

CONTROLS = 6


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LocalModel, Planted]]:
    info = build_planted(tmp_path_factory.mktemp("planted") / "planted")
    model = LocalModel.load(info.path, device="cpu")
    yield model, info
    model.close()


def logits(
    model: LocalModel, prompts: Sequence[str], masks: Sequence[ExpertMask] = ()
) -> torch.Tensor:
    async def go() -> list[torch.Tensor]:
        return list(
            await asyncio.gather(
                *(
                    model.next_token_logits([{"role": "user", "content": p}], interventions=masks)
                    for p in prompts
                )
            )
        )

    return torch.stack(asyncio.run(go()))


def rate(model: LocalModel, target: int, masks: Sequence[ExpertMask] = ()) -> float:
    top = logits(model, behavior_prompts(), masks).argmax(-1)
    return float((top == target).float().mean())


def test_ftri_ranks_the_planted_expert_first(planted: tuple[LocalModel, Planted]) -> None:
    model, info = planted
    result = asyncio.run(profile(model, behavior_prompts(), control_prompts()))
    for by in RANKINGS:
        best = result.ranked(by=by, top=1)[0]  # type: ignore[arg-type]
        assert (best.layer, best.expert) == (info.layer, info.expert), by
    stat = result.stat(info.layer, info.expert)
    assert stat.control_selected == 0 and stat.behavior_selected == len(behavior_prompts())
    assert stat.p_value < 1e-6


def test_switching_the_expert_off_removes_the_behaviour(
    planted: tuple[LocalModel, Planted],
) -> None:
    model, info = planted
    off = [ExpertMask(layer=info.layer, experts=(info.expert,), mode="off-reroute")]
    before = rate(model, info.target_id)
    after = rate(model, info.target_id, off)
    assert before >= 0.9 and after <= 0.1, (before, after)

    # Collateral: control prompts' next-token distributions barely move.
    plain = logits(model, control_prompts()).log_softmax(-1)
    masked = logits(model, control_prompts(), off).log_softmax(-1)
    kl = (plain.exp() * (plain - masked)).sum(-1)
    assert float(kl.max()) <= 0.01

    # Random experts of the same size (one), never the planted one, change it less.
    table = model.hf_model.config
    everything = [
        (layer, e)
        for layer in range(table.num_hidden_layers)
        for e in range(table.num_experts)
        if (layer, e) != (info.layer, info.expert)
    ]
    for layer, expert in random.Random(0).sample(everything, CONTROLS):
        control = rate(model, info.target_id, [ExpertMask(layer=layer, experts=(expert,))])
        assert abs(control - before) < abs(after - before), (layer, expert, control)


def test_off_drop_and_force(planted: tuple[LocalModel, Planted]) -> None:
    """MoTE's off-drop also removes it; forcing the expert on without the
    trigger does not make the model say the target (its unit reads only
    the trigger direction)."""
    model, info = planted
    drop = [ExpertMask(layer=info.layer, experts=(info.expert,), mode="off-drop")]
    assert rate(model, info.target_id, drop) <= 0.1
    force = [ExpertMask(layer=info.layer, experts=(info.expert,), mode="force")]
    top = logits(model, control_prompts(), force).argmax(-1)
    assert float((top == info.target_id).float().mean()) <= 0.1
