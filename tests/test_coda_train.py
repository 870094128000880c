"""CODA's GRPO step on a local model: LoRA on the planner, the executor frozen.

The reward-increase test runs on the tiny checkpoint, warm-started so that
its thoughts contain operation words at all (random weights over a 2,048-token
vocabulary put ~0.1% of their mass on any word the executor understands, so
every group scored zero). On SmolLM2-135M-Instruct the same step raises reward
too, but a run takes ~10 minutes on the shared CPU, too long for a test:
benchmarks/coda_grpo_smollm2.py measures it (docs/coda.md, "The GRPO step")."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from ethos.agents.coda import scripted
from ethos.agents.coda.environment import CodaError, get_task
from ethos.agents.coda.grpo import step_prompt
from ethos.agents.coda.train import (
    TrainConfig,
    _load,
    _loss,
    _prompt_ids,
    _sample,
    paired_difference,
    train_planner,
)
from ethos.models import acomplete

RULES = scripted.register()


async def frozen_executor(messages: list[dict[str, str]]) -> str:
    """The rule executor (scripted, frozen): keywords of the thought pick the action."""
    return (await acomplete(RULES, messages)).text


@pytest.mark.local_model
@pytest.mark.parametrize("targets", [("lm_head",), ("q_proj", "v_proj"), ("all-linear",)])
def test_the_grpo_loss_equals_its_full_forward_definition(tiny_checkpoints, targets) -> None:
    """The shared-prefill paths compute exactly -mean_i A_i * mean_t log p,
    and its gradient: with LoRA in the body the prompt's prefill carries
    gradient too (a prefill run without it gives the same loss but drops
    the prompt's share of every LoRA weight's gradient)."""
    import torch

    model, tokenizer = _load(tiny_checkpoints("qwen3_moe"), 0, 4, targets)
    for name, param in model.named_parameters():
        if "lora_B" in name:  # LoRA starts at zero: make the adapter matter
            torch.nn.init.normal_(param, std=0.05, generator=torch.Generator().manual_seed(1))
    ids = tokenizer("Could you explain that again?", return_tensors="pt")["input_ids"]
    completion, mask = _sample(model, tokenizer, ids, TrainConfig(max_new_tokens=6), 3, seed=7)
    advantages = [1.0, -0.5, -0.5]
    model.train()  # as the update runs it
    trained = [p for p in model.parameters() if p.requires_grad]
    got = _loss(model, ids, completion, mask, advantages)
    got.backward()
    got_grads = [p.grad.clone() for p in trained]
    model.zero_grad()
    full = torch.cat([ids.repeat(3, 1), completion], dim=1)
    logits = model(input_ids=full).logits[:, ids.shape[1] - 1 : -1]
    logp = torch.log_softmax(logits.float(), -1).gather(2, completion.unsqueeze(-1)).squeeze(-1)
    per_sample = (logp * mask.float()).sum(1) / mask.float().sum(1)
    want = -(torch.tensor(advantages) * per_sample).mean()
    assert float(got) == pytest.approx(float(want), abs=1e-5)
    want.backward()
    assert len(trained) >= (2 if targets == ("lm_head",) else 8)
    for param, grad in zip(trained, got_grads, strict=True):
        assert int(torch.count_nonzero(grad)) > 0
        torch.testing.assert_close(grad, param.grad, rtol=1e-4, atol=1e-6)


def test_the_paired_difference_matches_a_hand_count() -> None:
    """Six evaluation pairs: three rose (by 1, 2 and 2), three tied, none fell.
    Mean 5/6; sign test on 3 wins, 0 losses: 2 * (1/2)**3 = 0.25; every
    bootstrap mean is a mean of those six differences, so within [0, 2]."""
    got = paired_difference([0, 0, 1, 0, 2, 0], [1, 2, 1, 0, 2, 2], seed=3)
    assert got.mean == pytest.approx(5 / 6)
    assert (got.wins, got.losses, got.ties) == (3, 0, 3)
    assert got.sign_p == pytest.approx(0.25)
    assert 0 <= got.low <= got.mean <= got.high <= 2
    assert got == paired_difference([0, 0, 1, 0, 2, 0], [1, 2, 1, 0, 2, 2], seed=3)
    fell = paired_difference([1.0] * 4, [0.0] * 4)
    assert (fell.mean, fell.low, fell.high, fell.losses, fell.sign_p) == (-1, -1, -1, 4, 0.125)
    with pytest.raises(ValueError, match="equally long, non-empty"):
        paired_difference([1.0], [1.0, 2.0])


@pytest.mark.local_model
def test_lora_targets_the_checkpoint_lacks_are_named(tiny_checkpoints) -> None:
    with pytest.raises(CodaError, match="LoRA targets nosuch_proj name no module"):
        _load(tiny_checkpoints("qwen3_moe"), 0, 4, ("nosuch_proj",))
    # all-linear in a list would match no module: only q_proj would be adapted.
    with pytest.raises(CodaError, match="all-linear,q_proj mix all-linear with module names"):
        _load(tiny_checkpoints("qwen3_moe"), 0, 4, ("all-linear", "q_proj"))


@pytest.mark.local_model
def test_before_and_after_pair_the_same_samples(tiny_checkpoints) -> None:
    """Evaluation sample i before training and sample i after are drawn with
    the same seeds, so a model that did not change gives the same rewards
    pair by pair: a zero difference with every pair tied. The executor here
    (a test double) grounds about half of the random model's thoughts to the
    reference, by a hash of the thought, so the samples' rewards differ and
    a pairing that drew other samples after would not tie."""
    import zlib

    task = get_task("algebra", "alg-01")

    async def half_right(messages: list[dict[str, str]]) -> str:
        return task.reference[1] if zlib.crc32(messages[-1]["content"].encode()) % 2 else "no"

    cfg = TrainConfig(
        group=4, steps=1, lr=1e-12, max_new_tokens=4, eval_samples=8, target_modules=("lm_head",)
    )
    result = asyncio.run(train_planner(tiny_checkpoints("qwen3_moe"), [(task, 1)], half_right, cfg))
    assert len(set(result.before_rewards)) > 1, result.before_rewards  # pairing matters
    assert result.after_rewards == result.before_rewards
    diff = result.difference
    assert (diff.mean, diff.low, diff.high, diff.ties, diff.sign_p) == (0, 0, 0, 8, 1.0)


@pytest.mark.local_model
def test_coda_train_prints_the_paired_result_and_labels_the_scripted_executor(
    tiny_checkpoints, tmp_path
) -> None:
    """`ethos coda train` end to end: its options reach the training, the
    JSON holds the paired evaluation (eval samples x prompts pairs), the
    adapter is saved, and the scripted executor is named a test double."""
    import json

    from tests.test_cli_misuse import run as ethos

    checkpoint = tiny_checkpoints("qwen3_moe")
    args = ["--db", str(tmp_path / "x.db"), "coda", "train", "--model", f"local/{checkpoint}"]
    more = ["--tasks", "alg-01#1", "--steps", "1", "--group", "2", "--max-new-tokens", "2"]
    more += ["--eval-samples", "3", "--eval-seed", "7", "--targets", "lm_head", "--lora-r", "2"]
    status, out, err = ethos([*args, *more, "--out", str(tmp_path / "adapter")])
    assert status == 0, err
    first, label = out.strip().splitlines()
    result = json.loads(first)
    assert result["prompts"] == ["algebra/alg-01#1"]
    assert result["config"]["eval_seed"] == 7 and result["config"]["target_modules"] == ["lm_head"]
    assert len(result["before_rewards"]) == len(result["after_rewards"]) == 3
    assert (
        result["difference"]["wins"] + result["difference"]["losses"] + result["difference"]["ties"]
        == 3
    )
    assert (tmp_path / "adapter" / "adapter_config.json").exists()
    assert label == "executor script/coda-rules: a scripted rule executor (frozen), a test double"


OPERATIONS = ("simplify", "expand", "factor", "solve", "differentiate", "evaluate")


def warm_start(checkpoint: Path, task_id: str, out: Path, steps: int = 8) -> Path:
    """The tiny checkpoint taught to answer the step's prompt with one of the
    six operation words, each equally (a vocabulary, not the answer: five of
    the six are wrong for the step, and GRPO must find which one is right)."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    torch.manual_seed(0)
    tokenizer = AutoTokenizer.from_pretrained(checkpoint)
    model = AutoModelForCausalLM.from_pretrained(checkpoint, dtype=torch.float32)
    messages, _, env = asyncio.run(step_prompt(get_task("algebra", task_id), 1))
    asyncio.run(env.close())
    ids = _prompt_ids(tokenizer, messages)
    end = torch.tensor([[tokenizer.eos_token_id]])
    targets = [
        torch.cat(
            [tokenizer(" " + w, return_tensors="pt", add_special_tokens=False)["input_ids"], end], 1
        )
        for w in OPERATIONS
    ]
    optimiser = torch.optim.Adam(model.parameters(), lr=1e-2)
    for _ in range(steps):
        loss = sum(
            torch.nn.functional.cross_entropy(
                model(input_ids=torch.cat([ids, t], 1)).logits[0, ids.shape[1] - 1 : -1], t[0]
            )
            for t in targets
        )
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)
    return out


@pytest.mark.slow
@pytest.mark.local_model
def test_grpo_raises_mean_reward_on_a_fixed_seed(tiny_checkpoints, tmp_path) -> None:
    """Decoupled GRPO on alg-06's evaluate step: each sampled thought goes to
    the frozen rule executor, whose action is rewarded against the reference
    (type match plus distance); mean reward over the same evaluation seeds
    rises (measured: 0.000 before, 1.710 after; batch means 0.24 -> 1.95)."""
    planner = warm_start(tiny_checkpoints("qwen3_moe"), "alg-06", tmp_path / "planner")
    cfg = TrainConfig(
        group=16, steps=8, lr=0.05, max_new_tokens=6, target_modules=("lm_head",), lora_r=4
    )
    result = asyncio.run(
        train_planner(planner, [(get_task("algebra", "alg-06"), 1)], frozen_executor, cfg)
    )
    assert result.after > result.before, (result.before, result.after, result.rewards)
    assert result.rewards[-1] > result.rewards[0], result.rewards
    # The paired difference is over the 16 evaluation samples, same seeds.
    assert len(result.before_rewards) == len(result.after_rewards) == 16
    assert result.difference.mean == pytest.approx(result.after - result.before)
    assert result.difference.wins > result.difference.losses


@pytest.mark.local_model
def test_a_thought_ends_at_any_of_the_checkpoints_end_tokens(tiny_checkpoints) -> None:
    """The tiny checkpoint ends generation at <|im_end|> or <|endoftext|>
    (its generation config); a sampled <|endoftext|> must end the thought,
    not be decoded past with its later tokens trained on."""
    import torch

    model, tokenizer = _load(tiny_checkpoints("qwen3_moe"), 0, 4, ("lm_head",))
    end = tokenizer.convert_tokens_to_ids("<|endoftext|>")
    assert end != tokenizer.eos_token_id

    def likely_end(module: object, inputs: object, logits: torch.Tensor) -> torch.Tensor:
        return logits.index_add(-1, torch.tensor([end]), torch.full((*logits.shape[:-1], 1), 1e4))

    model.get_output_embeddings().register_forward_hook(likely_end)
    ids = tokenizer("Could you explain that again?", return_tensors="pt")["input_ids"]
    completion, mask = _sample(model, tokenizer, ids, TrainConfig(max_new_tokens=4), 3, seed=7)
    assert completion[:, 0].tolist() == [end] * 3
    assert mask.tolist() == [[True]] * 3
