"""Steering vectors on tiny checkpoints: extraction, the shift a Steer makes,
QR purification and storage.

The shift is read where the next decoder layer (or the final norm) takes its
input, by a forward pre-hook: that is the output of layer ``L`` after the
engine's per-batch Steer hook has added to it.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import torch

from ethos.models.errors import ModelConfigError, UnsupportedInterventionError
from ethos.models.interventions import Steer
from ethos.models.local.host import LocalModel
from ethos.models.local.tiny import ARCHITECTURES
from ethos.models.steering import (
    Provenance,
    SteeringVector,
    load_vector,
    purify,
    save_vector,
    steering_vector,
)

pytestmark = pytest.mark.local_model

PAIRS = [
    ("I love meeting new people at parties!", "I prefer to stay home alone, quietly."),
    ("Let's go out and dance all night.", "I'd rather read a book by myself."),
    ("Talking to strangers energises me.", "Crowds drain me; I avoid them."),
]
OTHER_PAIRS = [
    ("I always finish my work on time.", "I never plan anything ahead."),
    ("My desk is perfectly organised.", "My room is a mess and I don't care."),
]
CHAT = [{"role": "user", "content": "Describe your ideal weekend."}]


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


def states_after(model: LocalModel, layer: int, steer: Steer | None) -> torch.Tensor:
    """Hidden states (seq, hidden) after decoder layer ``layer`` during a
    next_token_logits request, with ``steer`` or without."""
    seen: list[torch.Tensor] = []

    def record(_module: Any, args: Any, kwargs: Any) -> None:
        hidden = args[0] if args else kwargs["hidden_states"]
        seen.append(hidden[0].detach().float().clone())

    decoder = model.hf_model.get_decoder()
    # The last layer's output goes into the final norm.
    nxt = decoder.layers[layer + 1] if layer + 1 < model.num_layers else decoder.norm
    handle = nxt.register_forward_pre_hook(record, with_kwargs=True)
    try:
        asyncio.run(model.next_token_logits(CHAT, interventions=[steer] if steer else []))
    finally:
        handle.remove()
    assert len(seen) == 1
    return seen[0]


def test_vector_has_unit_norm_and_width_and_steer_shifts_by_alpha(model: LocalModel) -> None:
    layers = [0, model.num_layers - 1]
    vectors = asyncio.run(steering_vector(model, PAIRS, layers=layers))
    assert sorted(vectors) == sorted(set(layers))
    for layer, vec in vectors.items():
        assert vec.layer == layer and vec.width == model.hidden_size
        assert math.isclose(math.fsum(x * x for x in vec.vector), 1.0, rel_tol=1e-12)
        assert vec.provenance.pairs == len(PAIRS) and vec.provenance.layer == layer
        assert vec.provenance.model == str(model.path)

        v = torch.tensor(vec.vector, dtype=torch.float32)
        for alpha in (3.0, -1.5):
            plain = states_after(model, layer, None) @ v
            steered = states_after(model, layer, vec.steer(alpha)) @ v
            assert abs(float(steered[-1] - plain[-1]) - alpha) < 1e-4
            assert abs(float((steered - plain).mean()) - alpha) < 1e-4


def test_vector_is_mean_difference_at_the_steer_site(qwen: LocalModel) -> None:
    """Cross-checked against transformers' own hidden_states (index layer + 1
    is the output of decoder layer ``layer``, bar the last: that one is normed)."""
    layer = 0
    vec = asyncio.run(steering_vector(qwen, PAIRS, layers=[layer]))[layer]

    def last(prompt: str) -> torch.Tensor:
        text = qwen.tokenizer.apply_chat_template(
            [{"role": "user", "content": prompt}], tokenize=False, add_generation_prompt=True
        )
        ids = qwen.tokenizer.backend_tokenizer.encode(text, add_special_tokens=False).ids
        with torch.no_grad():
            out = qwen.hf_model(input_ids=torch.tensor([ids]), output_hidden_states=True)
        return out.hidden_states[layer + 1][0, -1].double()

    mean = torch.stack([last(p) - last(n) for p, n in PAIRS]).mean(0)
    expected = mean / mean.norm()
    assert torch.allclose(torch.tensor(vec.vector, dtype=torch.float64), expected, atol=1e-6)


def test_purified_vector_is_orthogonal_and_unit(qwen: LocalModel) -> None:
    layer = 1
    target = asyncio.run(steering_vector(qwen, PAIRS, layers=[layer]))[layer]
    other = asyncio.run(steering_vector(qwen, OTHER_PAIRS, layers=[layer]))[layer]
    swapped = [(n, p) for p, n in OTHER_PAIRS[:1]] + [PAIRS[0]]
    third = asyncio.run(steering_vector(qwen, swapped, layers=[layer]))[layer]

    pure = purify(target, [other, third])
    v = torch.tensor(pure.vector, dtype=torch.float64)
    assert abs(float(v.norm()) - 1.0) < 1e-12
    for removed in (other, third):
        cos = float(v @ torch.tensor(removed.vector, dtype=torch.float64))
        assert abs(cos) < 1e-6
    assert [ref.digest for ref in pure.provenance.purified_against] == [
        other.digest,
        third.digest,
    ]
    assert pure.provenance.pairs_sha256 == target.provenance.pairs_sha256
    assert "qr-purified" in pure.provenance.method
    # Still mostly the original direction, not some arbitrary one.
    assert float(v @ torch.tensor(target.vector, dtype=torch.float64)) > 0


def test_purify_refuses_what_it_cannot_do(qwen: LocalModel) -> None:
    vec = asyncio.run(steering_vector(qwen, PAIRS, layers=[0]))[0]
    with pytest.raises(ModelConfigError, match="nothing to purify against"):
        purify(vec, [])
    with pytest.raises(ModelConfigError, match="width"):
        purify(vec, [(1.0, 0.0)])
    with pytest.raises(ModelConfigError, match="nothing is left"):
        purify(vec, [vec.vector])
    # A duplicated direction removes only its own span.
    unit = (1.0,) + (0.0,) * (vec.width - 1)
    pure = purify(vec, [unit, unit])
    assert abs(pure.vector[0]) < 1e-12


def test_save_load_round_trip_keeps_provenance(qwen: LocalModel, tmp_path: Path) -> None:
    vec = asyncio.run(steering_vector(qwen, PAIRS, layers=[1]))[1]
    other = asyncio.run(steering_vector(qwen, OTHER_PAIRS, layers=[1]))[1]
    pure = purify(vec, [other])
    for original in (vec, pure):
        path = save_vector(original, tmp_path / "vectors" / f"{original.digest}.safetensors")
        loaded = load_vector(path, qwen)
        assert loaded == original
        assert loaded.provenance.purified_against == original.provenance.purified_against


def test_missing_or_foreign_files_are_refused(qwen: LocalModel, tmp_path: Path) -> None:
    with pytest.raises(ModelConfigError, match="no steering vector at"):
        load_vector(tmp_path / "nope.safetensors")
    junk = tmp_path / "junk.safetensors"
    junk.write_bytes(b"not a safetensors file")
    with pytest.raises(ModelConfigError, match="not a readable safetensors"):
        load_vector(junk)


def test_wrong_width_is_refused_before_compute(qwen: LocalModel, tmp_path: Path) -> None:
    narrow = SteeringVector(
        layer=0,
        vector=(1.0,) * (qwen.hidden_size - 1),
        provenance=Provenance(model="elsewhere", layer=0, pairs=1, pairs_sha256="x", created_at=""),
    )
    path = save_vector(narrow, tmp_path / "narrow.safetensors")
    assert load_vector(path) == narrow  # without a model there is nothing to check against
    with pytest.raises(UnsupportedInterventionError, match="hidden size"):
        load_vector(path, qwen)
    with pytest.raises(UnsupportedInterventionError, match="width"):
        asyncio.run(qwen.next_token_logits(CHAT, interventions=[narrow.steer(2.0)]))
    deep = narrow.model_copy(update={"layer": qwen.num_layers, "vector": (1.0,) * qwen.hidden_size})
    with pytest.raises(UnsupportedInterventionError, match="out of range"):
        deep.check(qwen)


def test_bad_requests_are_refused_before_compute(qwen: LocalModel) -> None:
    calls = []
    handle = qwen.hf_model.register_forward_pre_hook(lambda *_: calls.append(1))
    try:
        with pytest.raises(ModelConfigError, match="no contrastive pairs"):
            asyncio.run(steering_vector(qwen, [], layers=[0]))
        with pytest.raises(ModelConfigError, match="no layers"):
            asyncio.run(steering_vector(qwen, PAIRS, layers=[]))
        with pytest.raises(UnsupportedInterventionError, match="out of range"):
            asyncio.run(steering_vector(qwen, PAIRS, layers=[qwen.num_layers]))
        with pytest.raises(ModelConfigError, match="empty"):
            asyncio.run(steering_vector(qwen, [("", "no")], layers=[0]))
        with pytest.raises(ModelConfigError, match="same mean hidden state"):
            asyncio.run(steering_vector(qwen, [("same", "same")], layers=[0]))
    finally:
        handle.remove()
    assert len(calls) == 2  # only the identical pair got as far as compute


def test_assistant_turns_are_taken_as_responses(qwen: LocalModel) -> None:
    question = {"role": "user", "content": "How was the party?"}
    pairs = [
        (
            [question, {"role": "assistant", "content": "Wonderful, I talked to everyone!"}],
            [question, {"role": "assistant", "content": "I left early to be alone."}],
        )
    ]
    vec = asyncio.run(steering_vector(qwen, pairs, layers=[0]))[0]
    assert vec.width == qwen.hidden_size and vec.provenance.pairs == 1


def test_vectors_computed_while_serving_equal_vectors_computed_alone(qwen: LocalModel) -> None:
    """The vector's forwards run on the worker between batches: requests
    served meanwhile (steered and masked) change neither the vector nor
    their own outputs."""
    from ethos.models.interventions import ExpertMask

    pairs = [("I love this, it is wonderful", "I hate this, it is awful")] * 3
    steer = Steer(layer=0, vector=[0.5] * qwen.hidden_size, alpha=2.0)
    mask = ExpertMask(layer=1, experts=(2,))

    async def serve_once() -> list[str]:
        outs = await asyncio.gather(
            qwen.generate(CHAT, max_tokens=6, interventions=[steer]),
            qwen.generate(CHAT, max_tokens=6, interventions=[mask]),
        )
        return [o.text for o in outs]

    async def go() -> tuple[Any, Any, list[str], list[str]]:
        alone_vec = await steering_vector(qwen, pairs, layers=[1])
        alone_out = await serve_once()
        together = await asyncio.gather(
            steering_vector(qwen, pairs, layers=[1]), serve_once(), serve_once()
        )
        return alone_vec, together[0], alone_out, [*together[1], *together[2]]

    alone_vec, busy_vec, alone_out, busy_out = asyncio.run(go())
    assert busy_vec[1].vector == alone_vec[1].vector
    assert busy_out == alone_out * 2
