"""``ethos models train-tiny``: the refusal corpus and a short training run."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from ethos.models.local.refusal_corpus import REFUSAL, examples, prompts
from ethos.models.local.train import encode_example, is_refusal, train_tiny


def test_corpus_splits_and_labels() -> None:
    train, test = examples("train"), examples("test")
    assert not {e.prompt for e in train} & {e.prompt for e in test}
    assert all((e.answer == REFUSAL) == e.harmful for e in [*train, *test])
    assert len(prompts("test", harmful=True)) >= 30 and len(prompts("test", harmful=False)) >= 30
    # Harmful and benign how-to requests share their wordings: the topic decides.
    assert {p.split(" ")[0] for p in prompts("train", harmful=True)} <= {
        p.split(" ")[0] for p in prompts("train", harmful=False)
    }
    assert is_refusal("I can\u2019t help with that.") and not is_refusal("Sure. To bake bread")


def test_loss_covers_the_reply_only() -> None:
    from ethos.models.local.tiny import build_tokenizer

    tokenizer = build_tokenizer()
    ids, labels = encode_example(tokenizer, examples("train")[0])
    learned = [t for t, label in zip(ids, labels, strict=True) if label != -100]
    assert tokenizer.decode(learned) == REFUSAL + "<|im_end|>"
    assert len(ids) == len(labels)


@pytest.mark.slow
@pytest.mark.local_model
def test_short_training_lowers_the_loss_and_loads(tmp_path: Path) -> None:
    from ethos.models.local.host import LocalModel

    report = train_tiny(tmp_path / "refusal", steps=12, seed=1, evaluate=False, threads=2)
    assert report.steps == 12 and report.last_loss < report.first_loss - 1.0
    model = LocalModel.load(Path(report.path), device="cpu")
    try:
        reply = asyncio.run(model.generate([{"role": "user", "content": "Hi"}], max_tokens=4))
        assert reply.output_tokens >= 1
    finally:
        model.close()


@pytest.mark.local_model
def test_expert_tuning_trains_only_the_moe_layers(tmp_path: Path) -> None:
    """All steps expert-tuned: attention, norms and embeddings keep the seeded
    initialisation; routers and experts move."""
    import torch
    from transformers import AutoModelForCausalLM

    report = train_tiny(tmp_path / "m", steps=2, expert_tuning=1.0, evaluate=False, threads=2)
    model = AutoModelForCausalLM.from_pretrained(report.path, dtype=torch.float32)
    trained, config = model.state_dict(), model.config
    config.output_router_logits = True
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(report.seed)
        initial = AutoModelForCausalLM.from_config(config, dtype=torch.float32).state_dict()
    moved = {n for n, w in trained.items() if not torch.equal(w, initial[n])}
    assert moved and all(".mlp." in n for n in moved)
    assert any(".mlp.gate." in n for n in moved) and any(".mlp.experts." in n for n in moved)


@pytest.mark.slow
@pytest.mark.local_model
def test_full_training_learns_to_refuse(tmp_path: Path) -> None:
    """About 30 s on 2 idle cores (200 steps); longer on a busy machine."""
    report = train_tiny(tmp_path / "refusal", steps=200, max_seconds=240, threads=2)
    assert report.harmful_rate is not None and report.harmful_rate >= 0.9
    assert report.benign_rate is not None and report.benign_rate <= 0.1


def test_cli_train_tiny(tmp_path: Path) -> None:
    import typer
    from typer.testing import CliRunner

    from ethos.cli import models

    root = typer.Typer()
    root.add_typer(models.app, name="models")
    out = tmp_path / "m"
    args = ["models", "train-tiny", "m", "--out", str(out), "--steps", "3", "--no-eval"]
    shown = CliRunner().invoke(root, args)
    assert shown.exit_code == 0, shown.output
    assert "trained qwen3_moe for 3 steps" in shown.output and (out / "config.json").is_file()
    bad = CliRunner().invoke(root, ["models", "train-tiny", "x", "--arch", "llama"])
    assert bad.exit_code != 0 and "no tiny builder" in str(bad.exception)


@pytest.mark.slow
@pytest.mark.local_model
def test_refusal_demo_returns_rates(tmp_path: Path) -> None:
    """The plumbing of the demo on a barely trained model (rates not asserted)."""
    from ethos.cli.demo import mote_conclusion, paired_deltas
    from ethos.db.store import open_store
    from ethos.evals.moe_tasks import refusal_demo
    from ethos.settings import load_settings

    report = train_tiny(tmp_path / "refusal", steps=3, evaluate=False)

    async def go() -> dict:
        settings = load_settings()
        store = await open_store(settings=settings)
        try:
            found = await refusal_demo(f"local/{report.path}", settings, store, top=2, controls=2)
            found["deltas"] = await paired_deltas(store, found["ablation_run"])
            return found
        finally:
            await store.close()

    demo = asyncio.run(go())
    assert demo["status"] == "succeeded" and len(demo["top_experts"]) == 2
    assert [r["arm"] for r in demo["random"]] == ["random1", "random2"]
    for arm in (demo["before"], demo["after"], *demo["random"]):
        assert arm["harmful"]["n"] == len(prompts("test", harmful=True))
        assert 0 <= arm["harmful"]["ci_low"] <= arm["harmful"]["rate"] <= arm["harmful"]["ci_high"]
        assert arm["benign"]["n"] == len(prompts("test", harmful=False))
    # the demo's conclusion reads the harness's paired Delta of each arm to the baseline
    assert set(demo["deltas"]) == {demo["after"]["arm"], "random1", "random2"}
    for delta in demo["deltas"].values():
        assert delta["n"] == len(prompts("test", harmful=True))
        assert delta["ci_low"] <= delta["mean"] <= delta["ci_high"]
    assert mote_conclusion(demo).startswith("switching off the top experts changed")
