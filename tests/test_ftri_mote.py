"""fTRI's MoTE differential, held to a recomputation written here from scratch.

On the planted tiny Qwen3-MoE (tests/support/planted.py: one layer-0
expert reads the trigger word), the profile's ``mote_differential`` must
equal MoTE's definition (Dahlke et al. 2025) computed here with nothing
from ethos but the checkpoint: plain ``register_forward_hook`` on each
layer's router, one unpadded prompt per forward, the share of each prompt's
tokens whose top-k holds each expert, class means, behaviour minus control,
and a Welch t-test across prompts (checked against scipy). The per-prompt
maps are stored in the profile's JSON and reload to the same numbers; the
JSON carries a legend of every score's formula and source.
"""

from __future__ import annotations

import asyncio
import json
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from ethos.models.local.host import LocalModel
from ethos.models.profile import (
    SCORES,
    ExpertProfile,
    PromptMaps,
    build_profile,
    load_profile,
    profile,
    store_profile,
    student_t_two_sided,
    welch_t,
)
from tests.support.planted import (
    TRIGGER,
    Planted,
    behavior_prompts,
    build_planted,
    control_prompts,
)

pytestmark = pytest.mark.local_model

# Behaviour prompts of different lengths, so the per-prompt share (1 / length for
# the planted expert) differs from prompt to prompt and from the pooled rate.
BEHAVIOR = [
    p.removesuffix(TRIGGER) + " and then" * (i % 4) + TRIGGER
    for i, p in enumerate(behavior_prompts(10))
]
CONTROL = control_prompts(7)


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LocalModel, Planted]]:
    info = build_planted(tmp_path_factory.mktemp("planted") / "planted")
    model = LocalModel.load(info.path, device="cpu")
    yield model, info
    model.close()


@pytest.fixture(scope="module")
def found(planted: tuple[LocalModel, Planted]) -> ExpertProfile:
    model, _ = planted
    return asyncio.run(profile(model, BEHAVIOR, CONTROL, batch_size=4))  # padded batches


def shares_from_scratch(model: LocalModel, prompts: list[str]) -> dict[int, torch.Tensor]:
    """[prompts, experts] per MoE layer: the share of each prompt's tokens whose
    top-k (from the router's own logits, recomputed here) holds each expert."""
    hf = model.hf_model
    config = hf.config
    layers = hf.model.layers
    seen: dict[int, torch.Tensor] = {}

    def hook(index: int) -> Any:
        def record(gate: Any, args: Any) -> None:
            # The router's logits from its input and weight: softmax keeps their order,
            # so the top-k of the logits is the top-k of the routing probabilities.
            x = args[0].reshape(-1, config.hidden_size).double()
            logits = x @ gate.weight.double().T
            seen[index] = logits.topk(config.num_experts_per_tok, dim=-1).indices

        return record

    handles = [layer.mlp.gate.register_forward_pre_hook(hook(i)) for i, layer in enumerate(layers)]
    out = {
        i: torch.zeros(len(prompts), config.num_experts, dtype=torch.float64)
        for i in range(len(layers))
    }
    try:
        with torch.no_grad():
            for p, text in enumerate(prompts):
                ids = model.encode_chat([{"role": "user", "content": text}])
                hf(input_ids=torch.tensor([ids]), use_cache=False)
                for index, chosen in seen.items():
                    for e in chosen.reshape(-1).tolist():
                        out[index][p, e] += 1.0 / len(ids)
    finally:
        for handle in handles:
            handle.remove()
    return out


def test_mote_differential_equals_a_from_scratch_recount(
    planted: tuple[LocalModel, Planted], found: ExpertProfile
) -> None:
    from scipy import stats

    model, info = planted
    share_b = shares_from_scratch(model, BEHAVIOR)
    share_c = shares_from_scratch(model, CONTROL)
    checked = 0
    for stat in found.experts:
        b, c = share_b[stat.layer][:, stat.expert], share_c[stat.layer][:, stat.expert]
        assert stat.behavior_share == pytest.approx(float(b.mean()), abs=1e-6)
        assert stat.control_share == pytest.approx(float(c.mean()), abs=1e-6)
        expected = float(b.mean() - c.mean())
        assert stat.mote_differential == pytest.approx(expected, abs=1e-6)
        if float(b.var()) + float(c.var()) > 1e-12:
            ref = stats.ttest_ind(b.numpy(), c.numpy(), equal_var=False)
            assert stat.mote_t == pytest.approx(float(ref.statistic), rel=1e-6)
            assert stat.mote_p == pytest.approx(float(ref.pvalue), rel=1e-6, abs=1e-12)
            checked += 1
    assert checked >= 10  # the test compared real t statistics, not only constant columns

    # The planted expert: the trigger is one token of each behaviour prompt, so its
    # share is 1 / length there and 0 in every control prompt; it ranks first.
    best = found.ranked(top=1)[0]
    assert (best.layer, best.expert) == (info.layer, info.expert)
    lengths = [len(model.encode_chat([{"role": "user", "content": p}])) for p in BEHAVIOR]
    assert best.mote_differential == pytest.approx(sum(1 / n for n in lengths) / len(lengths))
    assert best.control_share == 0 and best.mote_p < 1e-4  # 10 v 7 prompts, not 135 v 100+ tokens
    # MoTE's score is not the pooled rate: with prompts of unequal length they differ.
    assert best.risk_difference == pytest.approx(len(lengths) / sum(lengths))
    assert abs(best.mote_differential - best.risk_difference) > 1e-3


def test_maps_are_stored_and_reload(
    planted: tuple[LocalModel, Planted], found: ExpertProfile, tmp_path: Path
) -> None:
    from ethos.db.store import open_store
    from ethos.settings import load_settings

    model, info = planted
    maps = found.behavior_maps
    assert maps is not None and found.control_maps is not None
    assert len(maps) == len(BEHAVIOR) and len(found.control_maps) == len(CONTROL)
    config = model.hf_model.config
    assert maps.layers == list(range(config.num_hidden_layers))
    # Prompts keep the order given (batches are sorted by length): prompt 3's counts
    # are prompt 3's, and every counted token picks top_k experts per layer.
    for p, text in enumerate(BEHAVIOR):
        assert maps.tokens[p] == len(model.encode_chat([{"role": "user", "content": text}]))
        for j in range(len(maps.layers)):
            assert sum(maps.selected[p][j]) == config.num_experts_per_tok * maps.tokens[p]
        assert maps.selected[p][info.layer][info.expert] == 1  # the trigger token
        assert maps.gate_sum[p][info.layer][info.expert] > 0.9  # nearly all its gate weight

    async def go() -> tuple[str, dict[str, Any]]:
        settings = load_settings(database_url=f"sqlite:///{tmp_path / 'e.db'}", data_dir=tmp_path)
        store = await open_store(settings=settings)
        try:
            run_id = await store_profile(store, found, name="planted", settings=settings)
            events = await store.events(run_id)
            return run_id, events[0].payload
        finally:
            await store.close()

    run_id, summary = asyncio.run(go())
    path = tmp_path / "profiles" / f"{run_id}.json"
    raw = json.loads(path.read_text())
    assert raw["scores"]["mote_differential"]["source"].startswith("Dahlke et al. 2025")
    assert set(raw["scores"]) >= {"mote_differential", "risk_difference", "gate_differential"}
    assert raw["behavior_maps"]["selected"][0][info.layer][info.expert] == 1
    again = load_profile(path)
    assert again == found
    # The statistics are a function of the stored maps alone.
    rebuilt = build_profile(
        found.model, found.family, found.top_k, again.behavior_maps, again.control_maps
    )
    assert rebuilt == found
    first = summary["top"]["mote_differential"][0]
    assert (first["layer"], first["expert"]) == (info.layer, info.expert)
    # Size: one prompt's maps in the JSON (here 2 layers x 8 experts, two numbers each).
    per_prompt = len(json.dumps(raw["behavior_maps"])) / len(BEHAVIOR)
    assert per_prompt < 400, per_prompt


def test_profiles_without_maps_still_load(found: ExpertProfile, tmp_path: Path) -> None:
    """A profile stored before per-prompt maps (its gate score named
    "differential") loads; ranking it by MoTE's differential says why it cannot."""
    from ethos.models.errors import ModelConfigError

    old = json.loads(found.model_dump_json(exclude={"behavior_maps", "control_maps", "scores"}))
    for stat in old["experts"]:
        stat["differential"] = stat.pop("gate_differential")
        for key in ("behavior_share", "control_share", "mote_differential", "mote_t", "mote_p"):
            del stat[key]
    path = tmp_path / "old.json"
    path.write_text(json.dumps(old))
    loaded = load_profile(path)
    assert loaded.experts[3].gate_differential == found.experts[3].gate_differential
    assert loaded.ranked("risk_difference", top=3) == [
        s.model_copy(
            update=dict.fromkeys(
                ("behavior_share", "control_share", "mote_differential", "mote_t", "mote_p")
            )
        )
        for s in found.ranked("risk_difference", top=3)
    ]
    with pytest.raises(ModelConfigError, match="no per-prompt maps"):
        loaded.ranked()


def test_welch_edge_cases() -> None:
    constant = torch.tensor([[[0.5]], [[0.5]], [[0.5]]], dtype=torch.float64)
    zero = torch.zeros(4, 1, 1, dtype=torch.float64)
    t, p = welch_t(constant, zero)
    assert (t[0][0], p[0][0]) == (math.inf, 0.0)  # full separation
    t, p = welch_t(zero[:3], zero)
    assert (t[0][0], p[0][0]) == (0.0, 1.0)
    t, p = welch_t(constant[:1], zero)
    assert (t[0][0], p[0][0]) == (None, None)  # one prompt: no variance across prompts
    maps = PromptMaps(
        layers=[0],
        tokens=[2, 4],
        selected=[[[2, 0]], [[4, 0]]],
        gate_sum=[[[2.0, 0.0]], [[4.0, 0.0]]],
    )
    none = PromptMaps(
        layers=[0],
        tokens=[3, 3],
        selected=[[[0, 3]], [[0, 3]]],
        gate_sum=[[[0.0, 3.0]], [[0.0, 3.0]]],
    )
    built = build_profile("m", "qwen3_moe", {0: 1}, maps, none)
    assert built.stat(0, 0).mote_t == math.inf
    text = built.model_dump_json()

    def refuse(token: str) -> None:
        raise AssertionError(f"{token} is not JSON")

    assert json.loads(text, parse_constant=refuse)["experts"][0]["mote_t"] == "Infinity"
    stored = ExpertProfile.model_validate_json(text)
    assert stored.stat(0, 0).mote_t == math.inf and stored == built
    assert set(SCORES) == set(built.scores)
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="selected must hold one map per prompt"):
        PromptMaps(layers=[0], tokens=[2, 4], selected=[[[2, 0]]], gate_sum=[[[2.0, 0.0]]] * 2)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(
    t=st.floats(min_value=-60, max_value=60, allow_nan=False),
    df=st.floats(min_value=1.0, max_value=500.0, allow_nan=False),
)
def test_student_t_matches_scipy(t: float, df: float) -> None:
    from scipy import stats

    expected = 2 * stats.t.sf(abs(t), df)
    assert student_t_two_sided(t, df) == pytest.approx(expected, rel=1e-9, abs=1e-300)


@st.composite
def prompt_maps(draw: st.DrawFn, layers: int = 2, experts: int = 4) -> PromptMaps:
    prompts = draw(st.integers(1, 6))
    tokens = draw(st.lists(st.integers(1, 30), min_size=prompts, max_size=prompts))
    selected = [
        [
            draw(st.lists(st.integers(0, n), min_size=experts, max_size=experts))
            for _ in range(layers)
        ]
        for n in tokens
    ]
    gates = [[[round(0.37 * c, 4) for c in layer] for layer in row] for row in selected]
    return PromptMaps(layers=[0, 3][:layers], tokens=tokens, selected=selected, gate_sum=gates)


@pytest.mark.filterwarnings("ignore:Precision loss:RuntimeWarning")  # scipy, a constant sample
@settings(max_examples=100, deadline=None, derandomize=True)
@given(behavior=prompt_maps(), control=prompt_maps())
def test_scores_follow_their_formulas_on_any_maps(
    behavior: PromptMaps, control: PromptMaps
) -> None:
    """Every score of a profile built from random maps equals its formula in
    the legend, computed here with numpy and scipy."""
    import numpy as np
    from scipy import stats

    built = build_profile("m", "qwen3_moe", {0: 2, 3: 2}, behavior, control)
    sel_b, sel_c = np.array(behavior.selected, float), np.array(control.selected, float)
    share_b = sel_b / np.array(behavior.tokens, float)[:, None, None]
    share_c = sel_c / np.array(control.tokens, float)[:, None, None]
    n_b, n_c = sum(behavior.tokens), sum(control.tokens)
    for stat in built.experts:
        j = behavior.layers.index(stat.layer)
        b, c = share_b[:, j, stat.expert], share_c[:, j, stat.expert]
        assert stat.mote_differential == pytest.approx(b.mean() - c.mean(), abs=1e-12)
        pooled_b, pooled_c = sel_b[:, j, stat.expert].sum(), sel_c[:, j, stat.expert].sum()
        assert stat.risk_difference == pytest.approx(pooled_b / n_b - pooled_c / n_c, abs=1e-12)
        gate_b = np.array(behavior.gate_sum)[:, j, stat.expert].sum()
        gate_c = np.array(control.gate_sum)[:, j, stat.expert].sum()
        assert stat.gate_differential == pytest.approx(gate_b / n_b - gate_c / n_c, abs=1e-12)
        if len(b) < 2 or len(c) < 2:
            assert stat.mote_t is None and stat.mote_p is None
        elif b.var() + c.var() > 1e-12:
            ref = stats.ttest_ind(b, c, equal_var=False)
            assert stat.mote_t == pytest.approx(ref.statistic, rel=1e-9)
            assert stat.mote_p == pytest.approx(ref.pvalue, rel=1e-7, abs=1e-15)
    for by in ("mote_differential", "risk_difference", "gate_differential"):
        values = [getattr(s, by) for s in built.ranked(by, top=None)]  # type: ignore[arg-type]
        assert values == sorted(values, reverse=True)
