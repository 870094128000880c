"""Expert interventions as arms of the scheming suite, end to end on the
tiny MoE: profile it (fTRI) over scheming against non-scheming episodes of a
scripted run, switch the top experts off in an arm, and run the suite under
both arms. The tiny model is random: its figures are a tiny model's, and the
test checks the machinery (the masks reach every call of the arm's model,
the episodes run on the text tool protocol), not a behaviour."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ethos.evals.scheming import scripted
from ethos.evals.scheming.experts import episode_texts, profile_run, run_outputs, switch_off_arms
from ethos.evals.task import Arm
from tests.support.sandbox import skip_without_bwrap

pytestmark = [pytest.mark.local_model, pytest.mark.slow]


async def test_profile_scheming_episodes_then_switch_the_top_experts_off(
    tiny_checkpoints: Callable[..., Path], tmp_path: Path
) -> None:
    skip_without_bwrap()
    from ethos.db.store import Store
    from ethos.evals.report import build_report
    from ethos.evals.run import EvalConfig, run_eval

    store = await Store.open(f"sqlite:///{tmp_path / 'ethos.db'}")
    try:
        scripted_run = await run_eval(
            EvalConfig(
                task="scheming/oversight_subversion",
                task_args={
                    "scenarios": 2,
                    "variants": "nudge",
                    "followup_repeats": 0,
                    "interrogation_turns": 0,
                },
                arms=[
                    Arm(name="schemer", model=scripted.SCHEMER),
                    Arm(name="honest", model=scripted.HONEST),
                ],
            ),
            store=store,
            progress=False,
        )
        schemed, clean = episode_texts(await run_outputs(store, scripted_run.run_id))
        assert (len(schemed), len(clean)) == (2, 2)
        assert all("oversight_enabled: false" in text for text in schemed)

        model = f"local/{tiny_checkpoints('olmoe')}"
        found = await profile_run(model, store, scripted_run.run_id)
        assert (found.behavior_prompts, found.control_prompts) == (2, 2)
        arms = switch_off_arms(found, model, top=2)
        masked = arms[1].options["interventions"]
        assert sum(len(m["experts"]) for m in masked) == 2
        assert all(m["mode"] == "off-reroute" for m in masked)

        tiny_run = await run_eval(
            EvalConfig(
                task="scheming/oversight_subversion",
                task_args={
                    "scenarios": 1,
                    "variants": "nudge",
                    "max_steps": 1,  # one call per arm: the masks are checked on it
                    "followup_repeats": 0,
                    "interrogation_turns": 0,
                },
                arms=arms,
                model_args={"max_tokens": 24},
            ),
            store=store,
            progress=False,
        )
        assert tiny_run.succeeded == 2
        outputs: dict[str, Any] = {}
        for sample in await store.samples(tiny_run.run_id):
            outputs[sample.arm] = sample.output
            calls = [e async for e in store.transcript(sample.id) if e.kind == "model_call"]
            assert calls, sample.arm
            for call in calls:
                sent = (call.data.get("options") or {}).get("interventions") or []
                assert (len(sent) > 0) == (sample.arm != "baseline"), call.data.get("options")
        for output in outputs.values():
            assert output["episodes"][0]["protocol"] == "text"
        report = await build_report(store, tiny_run.run_id)
        assert not report.run.scripted
        assert any("top2-off-reroute oversight_subversion nudge" in n for n in report.section.notes)
        # The figures are labelled as a tiny random model's, arm by arm.
        tiny_notes = [n for n in report.section.notes if n.startswith("[TINY MODEL]")]
        assert len(tiny_notes) == len(report.run.arms) >= 2
        assert all("random-weight checkpoint" in n for n in tiny_notes)
    finally:
        await store.close()
