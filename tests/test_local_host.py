"""The local MoE host, on a tiny real checkpoint of every supported architecture.

Each checkpoint is built on disk (random weights from a fixed seed, a
tokenizer trained here), loaded offline, and driven through the public
LocalModel API. References come from transformers itself: its own
``generate`` and a plain forward pass, one request at a time.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import torch

from ethos.models.errors import (
    CheckpointNotFoundError,
    ContextLengthError,
    ModelConfigError,
    ModelError,
    UnsupportedInterventionError,
)
from ethos.models.interventions import ExpertMask, Steer
from ethos.models.local.host import LocalModel, get_local_model, resolve_checkpoint
from ethos.models.local.tiny import ARCHITECTURES, UnknownArchitectureError, build_tiny

pytestmark = pytest.mark.local_model

CHAT = [
    {"role": "system", "content": "You are a careful player in a repeated game."},
    {"role": "user", "content": "Round one of the prisoner's dilemma. Cooperate or defect?"},
]
SHORT = [{"role": "user", "content": "Hello!"}]


@pytest.fixture(scope="module", params=list(ARCHITECTURES))
def model(request: pytest.FixtureRequest, tiny_checkpoints: Callable[..., Path]) -> Iterator:
    local = LocalModel.load(tiny_checkpoints(request.param), device="cpu")
    yield local
    local.close()


@pytest.fixture(scope="module")
def qwen(tiny_checkpoints: Callable[..., Path]) -> Iterator[LocalModel]:
    local = LocalModel.load(tiny_checkpoints("qwen3_moe"), device="cpu")
    yield local
    local.close()


def prompt_ids(model: LocalModel, messages: list[dict[str, str]]) -> torch.Tensor:
    """The prompt as transformers' own tokenizer API encodes it (the reference)."""
    tok = model.tokenizer
    text = tok.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
    return tok(text, add_special_tokens=False, return_tensors="pt").input_ids


async def while_busy(model: LocalModel, *requests: Awaitable[Any]) -> list[Any]:
    """Submit ``requests`` while the worker decodes another one, so they wait
    in the queue together and form the next batch: no reliance on timing."""
    busy = model.stream(CHAT, max_tokens=80)
    await anext(busy)  # the worker is decoding now
    tasks = [asyncio.ensure_future(r) for r in requests]
    async for _ in busy:
        pass
    return await asyncio.gather(*tasks)


def messages_with_tokens(model: LocalModel, tokens: int) -> list[dict[str, str]]:
    def chat(words: int) -> list[dict[str, str]]:
        return [{"role": "user", "content": " ".join(["data"] * words)}]

    words = tokens - model.count_tokens(chat(1)) + 1
    assert model.count_tokens(chat(words)) == tokens
    return chat(words)


# -- the checkpoints ---------------------------------------------------------


@pytest.mark.parametrize("arch", list(ARCHITECTURES))
def test_build_tiny_writes_a_checkpoint_transformers_loads_offline(
    arch: str, tiny_checkpoints: Callable[..., Path]
) -> None:
    from huggingface_hub import constants
    from transformers import AutoModelForCausalLM, AutoTokenizer

    path = tiny_checkpoints(arch)
    assert constants.HF_HUB_OFFLINE
    assert json.loads((path / "config.json").read_text())["model_type"] == arch
    assert (path / "model.safetensors").is_file()

    tok = AutoTokenizer.from_pretrained(path)
    assert tok.is_fast and 1000 <= len(tok) <= 4096
    turns = [{"role": "system", "content": "Be brief."}, *SHORT]
    text = tok.apply_chat_template(turns, tokenize=False, add_generation_prompt=True)
    assert text == (
        "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHello!<|im_end|>\n"
        "<|im_start|>assistant\n"
    )
    assert tok.decode(tok("Cooperate or defect?").input_ids) == "Cooperate or defect?"

    hf = AutoModelForCausalLM.from_pretrained(path)
    layers = hf.get_decoder().layers
    assert len(layers) == 2 and hf.config.num_experts_per_tok == 2
    # Every layer routes over 8 experts: no dense layer hides the MoE path.
    assert all(layer.mlp.experts.num_experts == 8 for layer in layers)


def test_same_seed_same_weights_other_seed_other_weights(
    tiny_checkpoints: Callable[..., Path], tmp_path: Path
) -> None:
    again = build_tiny(tmp_path / "again", "qwen3_moe", seed=0)
    other = build_tiny(tmp_path / "other", "qwen3_moe", seed=1)
    weights = (tiny_checkpoints("qwen3_moe") / "model.safetensors").read_bytes()
    assert (again / "model.safetensors").read_bytes() == weights
    assert (other / "model.safetensors").read_bytes() != weights


# -- generation, scoring, batching, on every architecture ---------------------


async def test_greedy_generation_matches_transformers_generate(model: LocalModel) -> None:
    ids = prompt_ids(model, CHAT)
    first = await model.generate(CHAT, max_tokens=24)
    second = await model.generate(CHAT, max_tokens=24)
    reference = model.hf_model.generate(
        ids, attention_mask=torch.ones_like(ids), max_new_tokens=24, do_sample=False
    )
    expected = model.tokenizer.decode(reference[0, ids.shape[1] :], skip_special_tokens=True)

    assert first == second
    assert first.text == expected
    assert first.input_tokens == ids.shape[1] == model.count_tokens(CHAT)
    assert first.output_tokens == reference.shape[1] - ids.shape[1]


async def test_seeded_sampling_is_reproducible(model: LocalModel) -> None:
    def sample(seed: int) -> Awaitable:
        return model.generate(CHAT, max_tokens=16, temperature=1.0, top_p=0.9, seed=seed)

    one, again, other = await sample(7), await sample(7), await sample(8)
    assert one.text == again.text
    assert one.text != other.text


async def test_score_choices_sums_the_log_probabilities_of_each_option(model: LocalModel) -> None:
    choices = ["cooperate", "defect", "I defect in the last round."]
    before = model.batch_sizes
    scores = await model.score_choices(CHAT, choices)
    assert model.batch_sizes - before == Counter({1: 1})  # all options in one batch

    prompt = prompt_ids(model, CHAT)[0]
    for choice, score in zip(choices, scores, strict=True):
        ending = torch.tensor(model.tokenizer(choice, add_special_tokens=False).input_ids)
        with torch.no_grad():
            logits = model.hf_model(torch.cat([prompt, ending])[None]).logits[0]
        logprobs = torch.log_softmax(logits[len(prompt) - 1 : -1].float(), dim=-1)
        expected = logprobs.gather(1, ending[:, None]).sum().item()
        assert score == pytest.approx(expected, abs=1e-4)
    assert len({round(s, 3) for s in scores}) == 3


async def test_requests_of_different_lengths_batch_together_with_the_same_logits(
    model: LocalModel,
) -> None:
    alone = [await model.next_token_logits(CHAT), await model.next_token_logits(SHORT)]
    before = model.batch_sizes
    together = await while_busy(
        model, model.next_token_logits(CHAT), model.next_token_logits(SHORT)
    )
    assert model.batch_sizes - before == Counter({1: 1, 2: 1})  # the busy one, then the pair
    for one, batched in zip(alone, together, strict=True):
        assert batched.dtype == torch.float32
        torch.testing.assert_close(batched, one, atol=1e-4, rtol=0)


async def test_rows_keep_their_own_settings_inside_one_batch(model: LocalModel) -> None:
    def requests() -> list[Awaitable]:
        return [
            model.generate(CHAT, max_tokens=5),
            model.generate(SHORT, max_tokens=17, temperature=0.8, seed=3),
        ]

    alone = [await r for r in requests()]
    before = model.batch_sizes
    together = await while_busy(model, *requests())
    assert model.batch_sizes - before == Counter({1: 1, 2: 1})
    assert together == alone
    assert [g.output_tokens for g in together] == [5, 17]


async def test_stream_deltas_join_to_the_generated_text(model: LocalModel) -> None:
    generated = await model.generate(CHAT, max_tokens=24)
    deltas = [d async for d in model.stream(CHAT, max_tokens=24)]
    assert "".join(d.text for d in deltas) == generated.text
    assert len(deltas) > 1
    assert [d.finish_reason for d in deltas[:-1]] == [None] * (len(deltas) - 1)
    last = deltas[-1]
    assert last.finish_reason == generated.finish_reason
    assert (last.input_tokens, last.output_tokens) == (
        generated.input_tokens,
        generated.output_tokens,
    )


async def test_an_abandoned_stream_stops_decoding(qwen: LocalModel) -> None:
    forwards = 0

    def count(*_: object) -> None:
        nonlocal forwards
        forwards += 1

    hook = qwen.hf_model.register_forward_pre_hook(count)
    try:
        stream = qwen.stream(SHORT, max_tokens=400)
        await anext(stream)
        await stream.aclose()
        assert (await qwen.generate(SHORT, max_tokens=2)).output_tokens == 2
    finally:
        hook.remove()
    assert forwards < 100  # not the 400 steps it asked for


async def test_stop_strings_end_the_text_before_them(model: LocalModel) -> None:
    full = await model.generate(CHAT, max_tokens=24)
    stop = full.text[6:9]
    cut = await model.generate(CHAT, max_tokens=24, stop=[stop, "never appears"])
    streamed = "".join([d.text async for d in model.stream(CHAT, max_tokens=24, stop=stop)])
    assert cut.text == streamed == full.text[: full.text.index(stop)]
    assert cut.finish_reason == "stop"
    assert cut.output_tokens < full.output_tokens


async def test_the_event_loop_keeps_running_while_the_model_computes(model: LocalModel) -> None:
    loop_thread = threading.current_thread()
    compute_threads: set[threading.Thread] = set()
    hook = model.hf_model.register_forward_pre_hook(
        lambda *_: compute_threads.add(threading.current_thread())
    )
    generating = asyncio.ensure_future(model.generate(CHAT, max_tokens=48))
    ticks = 0
    try:
        while not generating.done():
            ticks += 1
            await asyncio.sleep(0.001)
        await generating
    finally:
        hook.remove()
    assert ticks >= 3
    assert compute_threads and loop_thread not in compute_threads


async def test_steering_changes_only_its_own_request(model: LocalModel) -> None:
    vector = tuple(float(x) for x in torch.linspace(-1, 1, model.hidden_size))
    steer = Steer(layer=model.num_layers - 1, vector=vector, alpha=4.0)
    base = await model.next_token_logits(CHAT)
    steered = await model.next_token_logits(CHAT, interventions=[steer])
    zero = await model.next_token_logits(
        CHAT, interventions=[steer.model_copy(update={"alpha": 0})]
    )
    after = await model.next_token_logits(CHAT)

    assert (steered - base).abs().max() > 0.1
    assert torch.equal(zero, base)
    assert torch.equal(after, base)  # the hook is gone once its request is done

    short = await model.next_token_logits(SHORT)
    both = await while_busy(
        model,
        model.next_token_logits(CHAT, interventions=[steer]),
        model.next_token_logits(SHORT),
    )
    torch.testing.assert_close(both[0], steered, atol=1e-4, rtol=0)
    torch.testing.assert_close(both[1], short, atol=1e-4, rtol=0)


# -- refusals -------------------------------------------------------------------


async def test_a_missing_checkpoint_says_how_to_build_one(ethos_env: Path) -> None:
    with pytest.raises(CheckpointNotFoundError) as missing:
        await get_local_model("no-such-model")
    message = str(missing.value)
    assert str(ethos_env / "models" / "no-such-model") in message
    assert "ethos models build-tiny no-such-model --arch qwen3_moe" in message

    with pytest.raises(CheckpointNotFoundError, match="build-tiny"):
        resolve_checkpoint("./not/here")


async def test_a_prompt_longer_than_the_context_is_refused_before_compute(
    qwen: LocalModel,
) -> None:
    too_long = messages_with_tokens(qwen, qwen.context_length)
    before = qwen.batch_sizes
    size = qwen.context_length
    with pytest.raises(ContextLengthError, match=rf"{size} tokens.*holds {size}.*shorten"):
        await qwen.generate(too_long)
    with pytest.raises(ContextLengthError):
        qwen.stream(too_long)
    with pytest.raises(ContextLengthError):
        await qwen.next_token_logits(too_long)
    with pytest.raises(ContextLengthError, match="choice 0"):
        await qwen.score_choices(
            messages_with_tokens(qwen, qwen.context_length - 1), ["I defect in the last round."]
        )
    assert qwen.batch_sizes == before


async def test_max_tokens_is_clamped_to_what_fits(qwen: LocalModel) -> None:
    nearly_full = messages_with_tokens(qwen, qwen.context_length - 3)
    generation = await qwen.generate(nearly_full, max_tokens=100)
    assert (generation.output_tokens, generation.finish_reason) == (3, "length")


async def test_bad_expert_masks_are_refused_not_ignored(qwen: LocalModel) -> None:
    before = qwen.batch_sizes
    mask = ExpertMask(layer=0, experts=(1, 9))
    with pytest.raises(UnsupportedInterventionError, match=r"names expert 9.*has 8 experts"):
        await qwen.generate(CHAT, interventions=[mask])
    with pytest.raises(UnsupportedInterventionError):
        await qwen.score_choices(CHAT, ["a", "b"], interventions=[mask.model_dump()])
    assert qwen.batch_sizes == before


async def test_bad_steering_is_refused_before_compute(qwen: LocalModel) -> None:
    before = qwen.batch_sizes
    with pytest.raises(UnsupportedInterventionError, match=r"width 3.*hidden size is 64"):
        await qwen.next_token_logits(CHAT, interventions=[Steer(layer=0, vector=(1.0, 2.0, 3.0))])
    with pytest.raises(UnsupportedInterventionError, match=r"layer 2 .*has 2 decoder layers"):
        await qwen.generate(CHAT, interventions=[Steer(layer=2, vector=(0.5,) * 64)])
    assert qwen.batch_sizes == before


async def test_nonsensical_sampling_settings_are_refused(qwen: LocalModel) -> None:
    for bad in ({"max_tokens": 0}, {"temperature": -1.0}, {"top_p": 0.0}):
        with pytest.raises(ModelConfigError):
            await qwen.generate(CHAT, **bad)


# -- the command line and the process-wide cache ------------------------------


def test_build_tiny_refuses_an_unknown_architecture(capsys: pytest.CaptureFixture[str]) -> None:
    from ethos.cli.app import main

    with pytest.raises(UnknownArchitectureError, match="qwen3_moe, olmoe, mixtral"):
        build_tiny("x", "llama")
    with pytest.raises(SystemExit) as exited:
        main(["models", "build-tiny", "x", "--arch", "llama"])
    assert exited.value.code == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: no tiny builder for architecture 'llama'")
    assert "deepseek_v3, gpt_oss" in err and len(err.splitlines()) == 1


async def test_a_built_name_is_listed_and_loaded_once_per_process(
    ethos_env: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from ethos.cli.app import main

    monkeypatch.setenv("COLUMNS", "200")
    main(["models", "build-tiny", "tiny-olmoe", "--arch", "olmoe"])
    built = capsys.readouterr().out
    assert str(ethos_env / "models" / "tiny-olmoe") in built and "parameters" in built
    main(["models", "list"])
    assert "tiny-olmoe" in capsys.readouterr().out

    first, second = await asyncio.gather(
        get_local_model("tiny-olmoe", device="cpu"), get_local_model("tiny-olmoe", device="cpu")
    )
    try:
        assert first is second
        assert (await first.generate(SHORT, max_tokens=4)).output_tokens >= 1
    finally:
        await first.aclose()
    assert await get_local_model("tiny-olmoe", device="cpu") is not first  # closed: reloaded
    await (await get_local_model("tiny-olmoe", device="cpu")).aclose()


async def test_exclusive_work_that_asks_its_own_model_fails_instead_of_hanging(
    tiny_checkpoints: Callable[..., Path],
) -> None:
    from ethos.models.local.engine import ExclusiveJob

    local = LocalModel.load(tiny_checkpoints("qwen3_moe"), device="cpu")
    try:
        nested = ExclusiveJob(lambda: 0)
        with pytest.raises(ModelError, match="asked the same model for more work"):
            await local.run_exclusive(lambda: local._engine.submit(nested))
        assert await local.run_exclusive(lambda: 41 + 1) == 42  # the worker goes on
    finally:
        local.close()
