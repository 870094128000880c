"""Expert profiling (fTRI) on tiny local checkpoints.

A behaviour is planted in a tiny Qwen3-MoE: the trigger word's embeddings
point along one layer-0 router row, so its tokens pick that expert. The
profile must rank that expert first; its counts must equal a recount from
the model's own ``output_router_logits`` on unpadded single-prompt forwards.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import torch

from ethos.models.errors import ModelConfigError
from ethos.models.local.host import LocalModel
from ethos.models.local.routing import RoutingTable
from ethos.models.local.tiny import ARCHITECTURES
from ethos.models.profile import (
    RANKINGS,
    ExpertProfile,
    load_profile,
    profile,
    record_routing,
    store_profile,
    two_proportion_z,
)

pytestmark = pytest.mark.local_model

TRIGGER = " defect"
WORDS = ["cooperate", "round", "payoff", "player", "the", "game", "next", "move", "we", "both"]
BEHAVIOR = [f"Round {i}:{TRIGGER * 4} {WORDS[i % 10]}{TRIGGER * 4}." for i in range(12)]
CONTROL = [f"Round {i}: we wait, {WORDS[i % 10]} {WORDS[(i + 3) % 10]} now." for i in range(9)]
LAYER, EXPERT = 0, 5


def plant(model: LocalModel) -> list[int]:
    """Make the trigger's tokens select (LAYER, EXPERT); returns the trigger ids.

    The trigger's embeddings point along a direction that only that
    expert's router row reads; other tokens barely see it."""
    hf = model.hf_model
    ids = model.tokenizer.backend_tokenizer.encode(TRIGGER, add_special_tokens=False).ids
    router = RoutingTable.of(hf).layers[LAYER].router
    generator = torch.Generator().manual_seed(7)
    direction = torch.randn(hf.config.hidden_size, generator=generator)
    direction /= direction.norm()
    with torch.no_grad():
        # Other rows lose their part along the direction, so a trigger token's
        # second pick still follows its context, not one fixed runner-up.
        router.weight -= torch.outer(router.weight @ direction, direction)
        router.weight[EXPERT] = 2 * direction
        for i in ids:
            hf.get_input_embeddings().weight[i] = 10 * direction
    return ids


@pytest.fixture(scope="module")
def planted(tiny_checkpoints: Callable[..., Path]) -> Iterator[tuple[LocalModel, list[int]]]:
    local = LocalModel.load(tiny_checkpoints("qwen3_moe"), device="cpu")
    ids = plant(local)
    yield local, ids
    local.close()


def recount(model: LocalModel, rows: list[list[int]]) -> dict[int, tuple[list[int], list[float]]]:
    """Selections and gate sums from output_router_logits, one unpadded prompt at a time."""
    hf = model.hf_model
    table = RoutingTable.of(hf)
    counts = {i: ([0] * m.num_experts, [0.0] * m.num_experts) for i, m in table.layers.items()}
    with torch.inference_mode():
        for ids in rows:
            out = hf(input_ids=torch.tensor([ids]), output_router_logits=True, use_cache=False)
            for index, logits in enumerate(out.router_logits):
                moe = table.layers[index]
                probs = torch.softmax(logits.float(), dim=-1)
                weights, chosen = probs.topk(moe.top_k, dim=-1)
                weights = weights / weights.sum(-1, keepdim=True)  # norm_topk_prob
                selected, gates = counts[index]
                for t in range(chosen.shape[0]):
                    for w, e in zip(weights[t].tolist(), chosen[t].tolist(), strict=True):
                        selected[e] += 1
                        gates[e] += w
    return counts


def encode(model: LocalModel, prompts: list[str]) -> list[list[int]]:
    return [model.encode_chat([{"role": "user", "content": p}]) for p in prompts]


def test_planted_expert_ranks_first(planted: tuple[LocalModel, list[int]]) -> None:
    model, _ = planted
    result = asyncio.run(profile(model, BEHAVIOR, CONTROL, chat=False, batch_size=4))
    assert isinstance(result, ExpertProfile)
    for by in RANKINGS:
        top = result.ranked(by=by, top=3)
        assert (top[0].layer, top[0].expert) == (LAYER, EXPERT), by
        assert len(top) == 3
    best = result.stat(LAYER, EXPERT)
    assert best.risk_difference > 0.2 and best.p_value < 1e-6
    assert best.gate_differential > 0 and best.mote_differential > 0
    assert result.behavior_prompts == len(BEHAVIOR) and result.control_prompts == len(CONTROL)
    # Every token picks top_k experts per layer.
    for layer, k in result.top_k.items():
        picks = sum(s.behavior_selected for s in result.experts if s.layer == layer)
        assert picks == k * result.behavior_tokens


def test_counts_match_router_logits_recount(planted: tuple[LocalModel, list[int]]) -> None:
    model, _ = planted
    rows_b, rows_c = encode(model, BEHAVIOR), encode(model, CONTROL)
    result = asyncio.run(profile(model, BEHAVIOR, CONTROL, batch_size=5))  # padded batches
    assert result.behavior_tokens == sum(map(len, rows_b))
    assert result.control_tokens == sum(map(len, rows_c))
    for rows, side in ((rows_b, "behavior"), (rows_c, "control")):
        expected = recount(model, rows)
        for stat in result.experts:
            selected, gates = expected[stat.layer]
            assert getattr(stat, f"{side}_selected") == selected[stat.expert]
            tokens = getattr(result, f"{side}_tokens")
            activation = getattr(stat, f"{side}_activation")
            assert activation == pytest.approx(gates[stat.expert] / tokens, abs=1e-5)
    # The statistics follow from the counts.
    stat = result.stat(LAYER, EXPERT)
    z, p = two_proportion_z(
        stat.behavior_selected, result.behavior_tokens, stat.control_selected, result.control_tokens
    )
    assert (stat.z, stat.p_value) == (pytest.approx(z), pytest.approx(p))


@pytest.mark.parametrize("arch", list(ARCHITECTURES))
def test_padding_excluded_every_family(arch: str, tiny_checkpoints: Callable[..., Path]) -> None:
    model = LocalModel.load(tiny_checkpoints(arch), device="cpu")
    try:
        rows = encode(model, ["Cooperate or defect?", "Hi", "Round one of the game: I defect."])
        tokens, batched = record_routing(model, rows, batch_size=3)
        assert tokens == sum(map(len, rows))
        table = RoutingTable.of(model.hf_model)
        seen: dict[int, list[int]] = {i: [0] * m.num_experts for i, m in table.layers.items()}

        def counter(index: int) -> Any:
            def record(_module: Any, args: Any) -> None:
                for e in args[1].flatten().tolist():
                    seen[index][e] += 1

            return record

        handles = [m.experts.register_forward_pre_hook(counter(i)) for i, m in table.layers.items()]
        try:
            with torch.inference_mode():
                for ids in rows:
                    model.hf_model(input_ids=torch.tensor([ids]), use_cache=False)
        finally:
            for handle in handles:
                handle.remove()
        assert {i: c[0] for i, c in batched.items()} == seen
    finally:
        model.close()


def test_bad_input_gives_one_clear_error(planted: tuple[LocalModel, list[int]]) -> None:
    model, _ = planted
    with pytest.raises(ModelConfigError, match="behavior prompt set is empty"):
        asyncio.run(profile(model, [], CONTROL))
    with pytest.raises(ModelConfigError, match="control prompt set is empty"):
        asyncio.run(profile(model, BEHAVIOR, ["  ", ""]))
    with pytest.raises(ModelConfigError, match="needs a local model"):
        asyncio.run(profile("openai/gpt-4o", BEHAVIOR, CONTROL))
    with pytest.raises(ValueError, match="rank by"):
        ExpertProfile(
            model="m",
            family="f",
            top_k={},
            behavior_prompts=1,
            control_prompts=1,
            behavior_tokens=1,
            control_tokens=1,
            experts=[],
        ).ranked(by="nope")  # type: ignore[arg-type]


def test_store_profile_records_a_run(planted: tuple[LocalModel, list[int]], tmp_path: Path) -> None:
    from sqlalchemy import select

    from ethos.db.store import open_store
    from ethos.db.tables import ArtifactRow
    from ethos.settings import load_settings

    model, _ = planted
    result = asyncio.run(profile(model, BEHAVIOR[:3], CONTROL[:3]))

    async def go() -> tuple[Any, Any, Any]:
        settings = load_settings(database_url=f"sqlite:///{tmp_path / 'e.db'}")
        store = await open_store(settings=settings)
        try:
            run_id = await store_profile(store, result, name="defect", settings=settings)
            run = await store.get_run(run_id)
            async with store.engine.connect() as conn:
                artifacts = (await conn.execute(select(ArtifactRow))).all()
            events = await store.events(run_id)
            return run, artifacts, events
        finally:
            await store.close()

    run, artifacts, events = asyncio.run(go())
    assert (run.kind, run.name, run.status) == ("moe-profile", "defect", "succeeded")
    assert load_profile(artifacts[0].path) == result
    assert events[0].kind == "moe-profile"


def test_cli_profile_prints_and_stores(
    tiny_checkpoints: Callable[..., Path], tmp_path: Path
) -> None:
    import json

    import typer
    from typer.testing import CliRunner

    from ethos.cli import moe

    root = typer.Typer()
    root.add_typer(moe.app, name="moe")
    behavior, control = tmp_path / "b.txt", tmp_path / "c.txt"
    behavior.write_text("\n".join(BEHAVIOR) + "\n\n")
    control.write_text("\n".join(CONTROL))
    ref = f"local/{tiny_checkpoints('olmoe')}"
    args = [
        "moe",
        "profile",
        "--model",
        ref,
        "--behavior",
        str(behavior),
        "--control",
        str(control),
    ]
    runner = CliRunner()
    shown = runner.invoke(root, [*args, "--top", "3"])
    assert shown.exit_code == 0, shown.output
    text = " ".join(shown.output.split())  # the table wraps at the runner's 80 columns
    assert "profile stored as run" in text and "by mote_differential" in text
    assert "MoTE diff" in text and "risk diff" in text
    out = runner.invoke(root, [*args, "--json", "--top", "2", "--by", "gate_differential"])
    assert out.exit_code == 0, out.output
    payload = json.loads(out.output)
    assert len(payload["experts"]) == 2 and Path(payload["path"]).is_file()
    gates = [e["gate_differential"] for e in payload["experts"]]
    assert payload["by"] == "gate_differential" and gates == sorted(gates, reverse=True)
    stored = json.loads(Path(payload["path"]).read_text())
    assert len(stored["behavior_maps"]["tokens"]) == len(BEHAVIOR)
    old = runner.invoke(root, [*args, "--by", "differential"])
    assert old.exit_code != 0 and "now gate_differential" in str(old.exception)
    empty = tmp_path / "empty.txt"
    empty.write_text("\n  \n")
    bad = runner.invoke(root, [*args[:-1], str(empty)])
    assert bad.exit_code != 0 and "holds no control prompts" in str(bad.exception)
