"""``ethos moe ablate`` (MoTE experiments) on the planted tiny Qwen3-MoE.

The planted model says " cooperate" after prompts ending in " defect"
because of one expert (tests/support/planted.py). Profiling it and switching
the top expert off must take the behaviour rate from >= 90% to <= 10%, with
random experts of the same size changing it less; the result is an eval run
with a Wilson interval per arm, reportable by ``ethos eval report``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ethos.evals.moe_tasks import (
    AblationError,
    AblationResult,
    ablate,
    judge_for,
    masks,
    random_controls,
)
from ethos.evals.task import TaskError, resolve_task
from ethos.models.profile import profile, store_profile
from ethos.settings import load_settings
from tests.support.planted import Planted, behavior_prompts, build_planted, control_prompts

pytestmark = pytest.mark.local_model


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Planted]:
    yield build_planted(tmp_path_factory.mktemp("planted") / "planted")


async def with_store(work: Any) -> Any:
    from ethos.db.store import open_store

    settings = load_settings()
    store = await open_store(settings=settings)
    try:
        return await work(store, settings)
    finally:
        await store.close()


def test_ablation_removes_the_planted_behaviour(planted: Planted) -> None:
    from ethos.evals.report import build_report

    model = f"local/{planted.path}"

    async def work(store: Any, settings: Any) -> tuple[AblationResult, Any]:
        found = await profile(model, behavior_prompts(), control_prompts(), settings=settings)
        profile_id = await store_profile(store, found, name="planted", settings=settings)
        result = await ablate(
            model,
            profile_id,  # by run id: the stored profile is read back
            behavior_prompts(),
            control=control_prompts(),
            top=1,
            controls=3,
            classifier=f"token:{planted.target}",
            store=store,
            settings=settings,
        )
        return result, await build_report(store, result.run_id)

    result, report = asyncio.run(with_store(work))
    assert result.status == "succeeded"
    assert [a.name for a in result.arms] == ["baseline", "top1", "random1", "random2", "random3"]
    assert result.top.experts == [(planted.layer, planted.expert)]
    before, after = result.arm("baseline").behavior, result.top.behavior
    assert before is not None and after is not None
    assert before.mean >= 0.9 and after.mean <= 0.1
    assert before.method == "wilson" and before.ci_low < before.mean <= before.ci_high
    assert before.n == len(behavior_prompts())
    for arm in result.controls:
        assert (planted.layer, planted.expert) not in arm.experts
        assert arm.behavior is not None
        assert abs(arm.behavior.mean - before.mean) < abs(after.mean - before.mean)
    # The control prompts never say the target, masked or not.
    assert all(a.control is not None and a.control.mean == 0 for a in result.arms)
    # The run is an ordinary eval run: the report has the same rates and the Deltas.
    assert report.run.task == "moe/ablate"
    rates = {(m.name, m.arm): m.mean for m in report.metrics}
    assert rates[("behavior", "top1")] == after.mean
    delta = next(d for d in report.deltas if d.name == "behavior" and d.arm == "top1")
    assert delta.mean == pytest.approx(after.mean - before.mean)


def test_random_controls_and_masks() -> None:
    top = [(0, 5), (0, 1), (1, 2)]
    drawn = random_controls(top, {0: 8, 1: 8}, 4, seed=3)
    assert len(drawn) == 4 and len({tuple(d) for d in drawn}) == 4
    for chosen in drawn:
        assert not set(chosen) & set(top)
        assert sorted(layer for layer, _ in chosen) == [0, 0, 1]
    assert drawn == random_controls(top, {0: 8, 1: 8}, 4, seed=3)
    with pytest.raises(AblationError, match="fewer than"):
        random_controls([(0, e) for e in range(5)], {0: 8}, 1)
    assert masks(top, "force") == [
        {"type": "expert_mask", "layer": 0, "experts": [1, 5], "mode": "force"},
        {"type": "expert_mask", "layer": 1, "experts": [2], "mode": "force"},
    ]


def test_classifiers_and_task_arguments(tmp_path: Path) -> None:
    refusal = judge_for("refusal")
    assert refusal("I can\u2019t help with that.") and refusal("Sorry. I cannot help with that")
    assert not refusal("Paris is the capital of France.")
    assert judge_for("token:cooperate")(" cooperate") and not judge_for("token:cooperate")(" co")
    assert judge_for("contains:Paris")("it is paris.")
    with pytest.raises(TaskError, match="unknown classifier"):
        judge_for("regex:x")
    prompts = tmp_path / "b.txt"
    prompts.write_text("one\n\ntwo\n")
    made = resolve_task("moe/ablate", {"behavior": str(prompts), "control": ["three"]})
    assert [s.id for s in made.samples] == ["behavior/00000", "behavior/00001", "control/00000"]
    with pytest.raises(TaskError, match="cannot read"):
        resolve_task("moe/ablate", {"behavior": str(tmp_path / "missing.txt")})


def test_cli_ablate(planted: Planted, tmp_path: Path) -> None:
    import json

    import typer
    from typer.testing import CliRunner

    from ethos.cli import moe

    model = f"local/{planted.path}"
    found = asyncio.run(profile(model, behavior_prompts(), control_prompts()))
    profile_file = tmp_path / "profile.json"
    profile_file.write_text(found.model_dump_json())
    behavior = tmp_path / "behavior.txt"
    behavior.write_text("\n".join(behavior_prompts(12)))
    root = typer.Typer()
    root.add_typer(moe.app, name="moe")
    args = ["moe", "ablate", "--model", model, "--profile", str(profile_file)]
    args += ["--behavior", str(behavior), "--top", "1", "--controls", "2"]
    args += ["--classifier", f"token:{planted.target.strip()}"]
    runner = CliRunner()
    shown = runner.invoke(root, args)
    assert shown.exit_code == 0, shown.output
    assert "baseline" in shown.output and "random2" in shown.output
    assert "100.0% [" in shown.output and "0.0% [" in shown.output
    assert "ethos eval report" in shown.output
    out = runner.invoke(root, [*args, "--json"])
    assert out.exit_code == 0, out.output
    payload = json.loads(out.output)
    assert payload["arms"][1]["experts"] == [[planted.layer, planted.expert]]
    bad = runner.invoke(root, [*args[:-1], "regex:x"])
    assert bad.exit_code != 0 and "unknown classifier" in str(bad.exception)
