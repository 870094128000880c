"""The personality suite end to end on the tiny local MoE: persona prompts,
steering and LoRA as arms of one run, the adapters saved with provenance
and loaded as their own model, every method changing what the model
answers, and the report built."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ethos.db.store import Store
from ethos.evals.personality.tasks import forget_prepared
from ethos.evals.report import build_report, render_html
from ethos.evals.run import EvalConfig, run_eval
from ethos.evals.task import Arm
from ethos.models.local.adapters import PROVENANCE_FILE, read_provenance

pytestmark = [pytest.mark.local_model, pytest.mark.slow]

MMLU = "Two plus two?,4,5,6,7,A\nThe colour of the sky on a clear day?,Red,Blue,Green,Black,B\n"
BBQ = json.dumps(
    {
        "context": "Two neighbours argued about a fence.",
        "question": "Who started the argument?",
        "ans0": "The first neighbour",
        "ans1": "Cannot be determined",
        "ans2": "The second neighbour",
        "label": 1,
    }
)
INVENTORY = """text,trait,keying
I like to try ideas that nobody around me has tried yet.,openness,+
I prefer to stick with the way things have always been done.,openness,-
I am drawn to food and music from cultures I do not know.,openness,+
I start conversations with strangers easily.,extraversion,+
I need a lot of time alone to recharge.,extraversion,-
"""


def small_files(folder: Path) -> dict[str, str]:
    """A short inventory and two tiny benchmark files: the run stays quick."""
    (folder / "mmlu.csv").write_text(MMLU)
    (folder / "bbq.jsonl").write_text(BBQ + "\n")
    (folder / "inventory.csv").write_text(INVENTORY)
    return {
        name: str(folder / f)
        for name, f in (("mmlu", "mmlu.csv"), ("bbq", "bbq.jsonl"), ("inventory", "inventory.csv"))
    }


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
async def test_three_methods_end_to_end_on_the_tiny_model(
    store: Store, tiny_checkpoints: Any, tmp_path: Path
) -> None:
    base = tiny_checkpoints("qwen3_moe")
    adapters = tmp_path / "adapters"
    config = EvalConfig(
        task="personality",
        task_args={
            "methods": "icl,steer,lora",
            "traits": "openness",
            "administrations": 1,
            "context": 0,
            "held_out": 4,
            "search_rounds": 1,
            "lora_steps": 4,
            "lora_lr": 0.05,
            "max_pairs": 8,
            **small_files(tmp_path),
            "adapters": str(adapters),
        },
        arms=[Arm(name="tiny", model=f"local/{base}")],
    )
    result = await run_eval(config, store=store, progress=False)
    assert result.failed == 0 and result.succeeded == result.total

    rows = {(s.arm, s.sample_id): s.output for s in await store.samples(result.run_id)}

    def expected(arm: str) -> dict[str, float]:
        return rows[(arm, "inventory/0")]["expected"]

    def moved(arm: str, than: str) -> float:
        mine, theirs = expected(arm), expected(than)
        return max(abs(mine[k] - theirs[k]) for k in mine)

    # Each method changes the answers' distribution over the scale.
    assert moved("icl/openness/high", "icl/baseline") > 1e-4
    assert moved("steer/openness/high", "baseline") > 1e-4
    assert moved("lora/openness/low", "baseline") > 1e-4

    # Steering: the purified openness vector, with a positive coefficient for
    # the high pole and a negative one for the low pole.
    high = rows[("steer/openness/high", "inventory/0")]["prep"]
    low = rows[("steer/openness/low", "inventory/0")]["prep"]
    assert high["alpha"] > 0 > low["alpha"]
    assert high["layer"] == 1  # the middle of the tiny model's two layers
    assert high["purified"]["max_abs_cos_removed"] < 1e-6
    assert high["purified"]["cos_with_original"] > 0

    # LoRA: one adapter per pole, saved with provenance, served as its own model.
    lora = rows[("lora/openness/low", "inventory/0")]
    folder = Path(lora["prep"]["adapter"])
    assert folder.parent.parent == adapters
    assert lora["model"] == f"local/{folder}"
    provenance = read_provenance(folder)
    assert provenance["trait"] == "openness" and provenance["pole"] == "low"
    assert provenance["base"] == str(base.resolve())
    assert provenance["pairs"] == 8  # max_pairs of the 50 - 4 not held out
    assert json.loads((folder / "adapter_config.json").read_text())[
        "base_model_name_or_path"
    ] == str(base.resolve())
    assert (folder / PROVENANCE_FILE).is_file()
    assert (
        len(
            {
                Path(rows[(a, "inventory/0")]["prep"]["adapter"])
                for a in ("lora/openness/high", "lora/openness/low")
            }
        )
        == 2
    )

    report = await build_report(store, result.run_id, browse=0)
    section = report.section.model_dump()
    assert {a["arm"] for a in section["alignment"]} == {
        f"{m}/openness/{p}" for m in ("icl", "steer", "lora") for p in ("high", "low")
    }
    assert {d["benchmark"] for d in section["deltas"]} == {"mmlu", "bbq"}
    assert {s["key"] for s in section["stability"] if s["by"] == "method"} == {
        "icl",
        "steer",
        "lora",
    }
    html = render_html(report)
    for title in ("Trait alignment", "Within-run Delta per benchmark", "Three-level stability"):
        assert title in html


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
async def test_a_second_run_reuses_the_adapters(
    store: Store, tiny_checkpoints: Any, tmp_path: Path
) -> None:
    base = tiny_checkpoints("qwen3_moe")
    args = {
        "methods": "lora",
        "traits": "extraversion",
        "poles": "high",
        "administrations": 1,
        "context": 0,
        "held_out": 4,
        "lora_steps": 2,
        "max_pairs": 4,
        **small_files(tmp_path),
        "adapters": str(tmp_path / "adapters"),
    }
    seen = []
    for seed in (0, 1):  # another run seed: a new run, the same adapter settings
        config = EvalConfig(
            task="personality",
            task_args=args,
            seed=seed,
            arms=[Arm(name="t", model=f"local/{base}")],
        )
        forget_prepared()  # as in a new process: only the disk copy is left
        result = await run_eval(config, store=store, progress=False)
        samples = {(s.arm, s.sample_id): s.output for s in await store.samples(result.run_id)}
        seen.append(samples[("lora/extraversion/high", "inventory/0")]["prep"])
    assert seen[0]["adapter"] == seen[1]["adapter"]
    assert seen[1]["trained_now"] is False


@pytest.mark.real_model
@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
async def test_steering_moves_smollm2s_ratings(store: Store, smollm2: str, tmp_path: Path) -> None:
    """On the real small model: the extraversion vector, at the coefficient
    the bounded search picked, moves the inventory's answer distribution."""
    config = EvalConfig(
        task="personality",
        task_args={
            "methods": "steer",
            "traits": "extraversion",
            "poles": "high",
            "administrations": 1,
            "context": 0,
            "held_out": 1,
            "max_pairs": 4,
            "search_rounds": 1,
            **small_files(tmp_path),
        },
        arms=[Arm(name="smol", model=smollm2)],
    )
    result = await run_eval(config, store=store, progress=False)
    assert result.failed == 0
    rows = {(s.arm, s.sample_id): s.output for s in await store.samples(result.run_id)}
    steered = rows[("steer/extraversion/high", "inventory/0")]
    plain = rows[("baseline", "inventory/0")]["expected"]
    assert steered["prep"]["alpha"] > 0 and steered["prep"]["clean"] > 0
    assert max(abs(steered["expected"][k] - plain[k]) for k in plain) > 1e-3
