"""EASY-EP expert scores and pruned checkpoints on tiny local models, every family.

- The scores equal a reference written here in plain torch: the router and
  every expert recomputed by hand from the weights, token by token, on
  unpadded single-prompt forwards (the module runs padded batches).
- A checkpoint pruned to half the experts loads with ``from_pretrained`` and
  as a LocalModel, has the parameter count the config predicts, and gives the
  logits of the unpruned model with the removed experts masked
  ``off-reroute``; for OLMoE and Qwen2-MoE, whose top-k weights are not
  renormalised, the pruned router's weights are the masked ones divided by
  the kept experts' probability mass, and the logits agree once both models
  renormalise.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import torch
import torch.nn.functional as F

from ethos.models.errors import ModelConfigError
from ethos.models.interventions import ExpertMask
from ethos.models.local.host import LocalModel
from ethos.models.local.routing import Routing, RoutingTable
from ethos.models.local.tiny import ARCHITECTURES
from ethos.models.pruning import (
    MANIFEST_FILE,
    SCORES_FILE,
    ExpertScores,
    PruneError,
    easy_ep_scores,
    prune,
)

pytestmark = pytest.mark.local_model

DEMOS = [
    "The cat sat on the mat.",
    "Round 3: both players cooperate, the payoff is three each.",
    "Defect",
]
KEEP = 4  # of the tiny models' 8 experts
RENORMALISED = {"qwen3_moe", "mixtral", "deepseek_v3", "gpt_oss"}  # in the tiny configs


def _load(path: Path) -> Any:
    from transformers import AutoModelForCausalLM

    return AutoModelForCausalLM.from_pretrained(path, dtype=torch.float32).eval()


def _ids(local: LocalModel, text: str) -> list[int]:
    return local.tokenizer.backend_tokenizer.encode(text, add_special_tokens=False).ids


# --- the reference: router and experts by hand ----------------------------------------


def _route(family: str, router: Any, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(weights[n,k], indices[n,k]) from the router's weights, written out per family."""
    k = router.top_k
    if family == "gpt_oss":
        logits = x @ router.weight.T + router.bias
        top, indices = logits.topk(k, dim=-1)
        return top.softmax(dim=-1), indices
    if family == "deepseek_v3":
        scores = (x.float() @ router.weight.float().T).sigmoid()
        choice = scores + router.e_score_correction_bias
        groups = router.num_group
        per = router.num_experts // groups
        group_score = choice.view(-1, groups, per).topk(2, dim=-1).values.sum(-1)
        best = group_score.topk(router.topk_group, dim=-1).indices
        allowed = torch.zeros_like(group_score, dtype=torch.bool).scatter(1, best, True)
        allowed = allowed.repeat_interleave(per, dim=1)
        indices = choice.masked_fill(~allowed, float("-inf")).topk(k, dim=-1).indices
        weights = scores.gather(1, indices)
        weights = weights / (weights.sum(-1, keepdim=True) + 1e-20)
        return weights * router.routed_scaling_factor, indices
    probs = (x @ router.weight.T).softmax(dim=-1)
    top, indices = probs.topk(k, dim=-1)
    if family == "mixtral" or router.norm_topk_prob:
        top = top / top.sum(-1, keepdim=True)
    return top, indices


def _expert(family: str, experts: Any, e: int, x: torch.Tensor) -> torch.Tensor:
    """One expert on one token, from its weight matrices."""
    if family == "gpt_oss":
        gate_up = x @ experts.gate_up_proj[e] + experts.gate_up_proj_bias[e]
        gate, up = gate_up[0::2], gate_up[1::2]
        gate = gate.clamp(max=experts.limit)
        up = up.clamp(-experts.limit, experts.limit)
        glu = gate * torch.sigmoid(gate * experts.alpha)
        return ((up + 1) * glu) @ experts.down_proj[e] + experts.down_proj_bias[e]
    width = experts.gate_up_proj.shape[1] // 2
    gate = experts.gate_up_proj[e, :width] @ x
    up = experts.gate_up_proj[e, width:] @ x
    return experts.down_proj[e] @ (F.silu(gate) * up)


def reference_scores(local: LocalModel, prompts: list[str]) -> dict[int, list[float]]:
    hf = local.hf_model
    table = RoutingTable.of(hf)
    family = table.family
    assert family is not None
    layers = hf.get_decoder().layers
    captured: dict[int, dict[str, torch.Tensor]] = {}
    handles = []
    for i, moe in table.layers.items():
        captured[i] = {}

        def residual(_m: Any, args: Any, i: int = i) -> None:
            captured[i]["h"] = args[0][0]

        def block_input(_m: Any, args: Any, i: int = i) -> None:
            captured[i]["x"] = args[0][0]

        def routed(_m: Any, _args: Any, output: Any, i: int = i) -> None:
            captured[i]["r"] = output

        handles.append(layers[i].post_attention_layernorm.register_forward_pre_hook(residual))
        handles.append(layers[i].mlp.register_forward_pre_hook(block_input))
        handles.append(moe.experts.register_forward_hook(routed))
    scores = {i: [0.0] * moe.num_experts for i, moe in table.layers.items()}
    try:
        with torch.no_grad():
            for text in prompts:
                hf(input_ids=torch.tensor([_ids(local, text)]), use_cache=False)
                for i, moe in table.layers.items():
                    h, x = captured[i]["h"], captured[i]["x"]
                    weights, indices = _route(family, moe.router, x)
                    for t in range(x.shape[0]):
                        outs = [_expert(family, moe.experts, int(e), x[t]) for e in indices[t]]
                        r = sum(w * o for w, o in zip(weights[t], outs, strict=True))
                        # the hand-written routing is the model's: same routed output
                        torch.testing.assert_close(r, captured[i]["r"][t], rtol=1e-5, atol=1e-5)
                        c = max(0.0, 1 - float(F.cosine_similarity(h[t], h[t] + r, dim=0)))
                        for w, e, o in zip(weights[t], indices[t], outs, strict=True):
                            scores[i][int(e)] += float(w) * float(o.norm()) * c
    finally:
        for handle in handles:
            handle.remove()
    return scores


@pytest.mark.parametrize("arch", list(ARCHITECTURES))
def test_scores_equal_a_plain_torch_reference(
    arch: str, tiny_checkpoints: Callable[..., Path]
) -> None:
    local = LocalModel.load(tiny_checkpoints(arch), device="cpu")
    try:
        result = easy_ep_scores(local, DEMOS, chat=False)  # one padded batch
        expected = reference_scores(local, DEMOS)
    finally:
        local.close()
    assert result.family == arch and result.prompts == len(DEMOS)
    assert result.tokens == sum(len(_ids(local, d)) for d in DEMOS)
    assert sorted(result.scores) == sorted(expected)
    for layer, scores in expected.items():
        torch.testing.assert_close(
            torch.tensor(result.scores[layer], dtype=torch.float64),
            torch.tensor(scores, dtype=torch.float64),
            rtol=1e-5,
            atol=1e-5,
        )
        assert sum(result.selected[layer]) == result.tokens * result.top_k[layer]
        assert sum(scores) > 0


def test_keep_breaks_ties_by_index_and_round_trips_json() -> None:
    scores = ExpertScores(
        model="m",
        family="qwen3_moe",
        prompts=1,
        tokens=3,
        top_k={0: 2, 2: 2},
        scores={0: [1.0, 3.0, 3.0, 0.5, 3.0, 0.0], 2: [0.0] * 6},
        selected={0: [1] * 6, 2: [1] * 6},
    )
    assert scores.keep(3) == {0: [1, 2, 4], 2: [0, 1, 2]}
    assert scores.keep(1) == {0: [1], 2: [0]}
    assert ExpertScores.model_validate_json(scores.model_dump_json()) == scores
    for bad in (0, 6, -1):
        with pytest.raises(PruneError, match="keep between 1 and 5"):
            scores.keep(bad)


# --- pruning ------------------------------------------------------------------------------


def _digest(path: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in path.iterdir() if p.is_file()
    }


def _expected_parameters(original: Any, config: Any, moe_layers: int, removed: int) -> int:
    """The unpruned count less what ``removed`` experts per MoE layer hold, from the config."""
    hidden = config.hidden_size
    width = getattr(config, "moe_intermediate_size", None) or config.intermediate_size
    if config.model_type == "gpt_oss":  # biases; a router bias entry per expert
        per_expert = 3 * hidden * width + 2 * width + hidden + hidden + 1
    else:  # gate, up, down; a router row
        per_expert = 3 * hidden * width + hidden
    return sum(p.numel() for p in original.parameters()) - moe_layers * removed * per_expert


def _logits(model: Any, rows: list[list[int]]) -> list[torch.Tensor]:
    with torch.no_grad():
        return [model(input_ids=torch.tensor([ids]), use_cache=False).logits[0] for ids in rows]


@pytest.mark.slow
@pytest.mark.parametrize("arch", list(ARCHITECTURES))
def test_pruned_half_loads_counts_and_matches_masked_model(
    arch: str, tiny_checkpoints: Callable[..., Path], tmp_path: Path
) -> None:
    from transformers import AutoModelForCausalLM

    source = tiny_checkpoints(arch)
    before = _digest(source)
    local = LocalModel.load(source, device="cpu")
    try:
        scores = easy_ep_scores(local, DEMOS, chat=False)
        rows = [_ids(local, d) for d in DEMOS]
    finally:
        local.close()
    out = tmp_path / f"{arch}-pruned"
    result = prune(source, scores, out, keep=KEEP, drop_groups=True)
    assert _digest(source) == before  # the original is only read
    kept = scores.keep(KEEP)
    assert result.kept == kept and result.keep == KEEP and result.top_k_after == 2
    assert json.loads((out / SCORES_FILE).read_text())["scores"]["0"] == scores.scores[0]
    assert json.loads((out / MANIFEST_FILE).read_text())["kept"]["1"] == kept[1]

    original, pruned = _load(source), _load(out)
    table, pruned_table = RoutingTable.of(original), RoutingTable.of(pruned)
    assert {m.num_experts for m in pruned_table.layers.values()} == {KEEP}
    count = sum(p.numel() for p in pruned.parameters())
    expected = _expected_parameters(original, pruned.config, len(table.layers), 8 - KEEP)
    assert count == expected == result.parameters_after
    assert count == sum(
        p.numel() for p in AutoModelForCausalLM.from_config(pruned.config).parameters()
    )
    hosted = LocalModel.load(out, device="cpu")  # what local/<path> loads
    try:
        assert RoutingTable.of(hosted.hf_model).layers[0].num_experts == KEEP
    finally:
        hosted.close()

    if arch == "deepseek_v3":  # pruned with drop_groups: compare with the limit off
        assert (pruned.config.n_group, pruned.config.topk_group) == (1, 1)
        for moe in table.layers.values():
            moe.router.num_group = moe.router.topk_group = 1
    if arch not in RENORMALISED:
        assert not original.config.norm_topk_prob
        _check_unnormalised_relation(table, pruned_table, kept)
        for moe in [*table.layers.values(), *pruned_table.layers.values()]:
            moe.router.norm_topk_prob = True
    masks = [
        ExpertMask(layer=layer, experts=tuple(e for e in range(8) if e not in experts))
        for layer, experts in kept.items()
    ]
    unmasked = _logits(original, rows)
    with Routing(table, [masks]):
        masked = _logits(original, rows)
    for got, want, full in zip(_logits(pruned, rows), masked, unmasked, strict=True):
        torch.testing.assert_close(got, want, rtol=0, atol=1e-4)
        assert (got - full).abs().max() > 1e-2  # the pruning does change the model


def _check_unnormalised_relation(
    table: RoutingTable, pruned_table: RoutingTable, kept: dict[int, list[int]]
) -> None:
    """Without renormalisation the pruned softmax runs over the kept experts only:
    w_pruned = w_masked / (sum over kept experts of the original probabilities)."""
    x = torch.randn(32, 64, generator=torch.Generator().manual_seed(0))
    assert table.select is not None
    for layer, experts in kept.items():
        router, small = table.layers[layer].router, pruned_table.layers[layer].router
        with torch.no_grad():
            logits = router(x)[0]
            ban = torch.ones(32, 8, dtype=torch.bool)
            ban[:, experts] = False
            masked_w, masked_i = table.select(router, logits, ban, torch.zeros_like(ban))
            _, small_w, small_i = small(x)
        mass = logits.softmax(-1)[:, experts].sum(-1, keepdim=True)
        assert torch.equal(torch.tensor(experts)[small_i], masked_i)
        torch.testing.assert_close(small_w * mass, masked_w, rtol=1e-5, atol=1e-6)
        assert not torch.allclose(small_w, masked_w)  # the difference is real


# --- bad input ----------------------------------------------------------------------------


def test_bad_input_gives_one_clear_error(
    tiny_checkpoints: Callable[..., Path], tmp_path: Path
) -> None:
    source = tiny_checkpoints("qwen3_moe")
    keep_half = {0: [0, 1, 2, 3], 1: [4, 5, 6, 7]}
    out = tmp_path / "out"
    cases: list[tuple[Callable[[], object], str]] = [
        (lambda: prune(source, keep_half, out, keep=0), "keep between 1 and 7"),
        (lambda: prune(source, keep_half, out, keep=8), "keep=8 experts per layer"),
        (lambda: prune(source, {0: [0], 1: [1]}, out), "below the 2 experts each token"),
        (lambda: prune(source, keep_half, source), "overlaps the checkpoint"),
        (lambda: prune(source, keep_half, source / "sub"), "overlaps the checkpoint"),
        (lambda: prune(tmp_path / "nothing", keep_half, out), "no config.json"),
        (lambda: prune(source, {0: [0, 1, 2, 3]}, out), "the MoE layers of"),
        (lambda: prune(source, {0: [0, 1, 2, 9], 1: [0, 1, 2, 3]}, out), "keeps expert 9"),
        (lambda: prune(source, {0: [0, 1, 2], 1: [0, 1, 2, 3]}, out, keep=4), "keeps 3"),
        (lambda: prune(source, {0: [0, 1, 2], 1: [0, 1, 2, 3]}, out), "needs keep=N"),
        (
            lambda: prune(tiny_checkpoints("deepseek_v3"), keep_half, out),
            "group-limited routing (n_group=4, topk_group=2)",
        ),
    ]
    for call, message in cases:
        with pytest.raises(PruneError) as caught:
            call()
        assert message in str(caught.value) and caught.value.fix, message
    assert not out.exists()

    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine")
    with pytest.raises(PruneError, match="holds no checkpoint"):
        prune(source, keep_half, foreign)
    dense = tmp_path / "dense"
    dense.mkdir()
    (dense / "config.json").write_text(json.dumps({"model_type": "llama"}))
    with pytest.raises(PruneError, match="'llama' is not a known MoE family"):
        prune(dense, keep_half, out, keep=4)

    # an existing checkpoint is replaced only when asked; keep < top-k when asked
    prune(source, keep_half, out)
    with pytest.raises(PruneError, match="already holds a checkpoint"):
        prune(source, keep_half, out)
    result = prune(source, {0: [3], 1: [5]}, out, clamp_top_k=True, overwrite=True)
    assert (result.keep, result.top_k_after) == (1, 1)
    assert _load(out).config.num_experts_per_tok == 1

    local = LocalModel.load(source, device="cpu")
    try:
        with pytest.raises(ModelConfigError, match="no demonstrations"):
            easy_ep_scores(local, ["  ", ""])
        scores = easy_ep_scores(local, DEMOS[:1], chat=False)
    finally:
        local.close()
    with pytest.raises(PruneError, match="scores are for a qwen3_moe model"):
        prune(tiny_checkpoints("olmoe"), scores, tmp_path / "x", keep=4)


def test_cli_prune_prints_and_writes(tiny_checkpoints: Callable[..., Path], tmp_path: Path) -> None:
    import typer
    from typer.testing import CliRunner

    from ethos.cli import moe

    root = typer.Typer()
    root.add_typer(moe.app, name="moe")
    demos = tmp_path / "demos.txt"
    demos.write_text("\n".join(DEMOS) + "\n\n")
    ref = f"local/{tiny_checkpoints('mixtral')}"
    out = tmp_path / "small"
    args = ["moe", "prune", "--model", ref, "--demos", str(demos), "--keep", "4", "--raw"]
    runner = CliRunner()
    shown = runner.invoke(root, [*args, "--out", str(out)])
    assert shown.exit_code == 0, shown.output
    assert "kept experts" in shown.output and "parameters" in shown.output
    assert (out / SCORES_FILE).is_file()
    again = runner.invoke(root, [*args, "--out", str(out), "--json", "--overwrite"])
    assert again.exit_code == 0, again.output
    payload = json.loads(again.output)
    assert payload["keep"] == 4 and payload["parameters_after"] < payload["parameters_before"]
    assert Path(payload["scores"]).is_file()
    refused = runner.invoke(root, [*args[:-2], "0", "--out", str(tmp_path / "z")])
    assert refused.exit_code != 0 and "keep between 1 and 7" in str(refused.exception)
    hosted = runner.invoke(root, [*args[:3], "openai/gpt-4o", *args[4:], "--out", "q"])
    assert hosted.exit_code != 0 and "not a local model" in str(hosted.exception)
