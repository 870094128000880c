"""CODA's files-and-settings application, in the bubblewrap sandbox."""

from __future__ import annotations

import pytest

from ethos.agents.coda import scripted
from ethos.agents.coda.environment import ActionError, get_task, load_tasks, replay
from ethos.agents.coda.files import SPACE, FilesEnvironment, read_settings
from ethos.sandbox import sandbox_unavailable_reason

REASON = sandbox_unavailable_reason()
pytestmark = pytest.mark.skipif(REASON is not None, reason=REASON or "")
RULES = scripted.register()


@pytest.mark.slow
async def test_every_files_task_is_solved_by_its_reference_and_not_before() -> None:
    tasks = load_tasks("files")
    assert len(tasks) >= 20 and len({t.id for t in tasks}) == len(tasks)
    env = FilesEnvironment()
    try:
        for task in tasks:
            await env.reset(task)
            assert not await env.success(), task.id
            await replay(env, task, task.reference)
            assert await env.success(), task.id
    finally:
        await env.close()


async def test_settings_are_set_in_place_and_refusals_are_step_errors() -> None:
    env = FilesEnvironment()
    try:
        await env.reset(get_task("files", "fs-14"))
        result = await env.step(SPACE.parse("set player.conf volume=30"))
        assert result.error is None and "volume = 30" in result.observation
        text = (env._sandbox.root / "home/agent/player.conf").read_text()
        assert read_settings(text) == {"volume": "30", "muted": "true", "shuffle": "false"}
        missing = await env.step(SPACE.parse("set nothere.conf a=1"))
        assert missing.error == "no settings file nothere.conf"
        gone = await env.step(SPACE.parse("move ghost.txt x.txt"))
        assert "ghost.txt" in (gone.error or "") and not gone.done
        up = await env.step(SPACE.parse("delete ../agent"))
        assert up.error == "'../agent': paths may not use '..'"
        literal = await env.step(SPACE.parse("write t.txt := $(touch pwned) `id` done"))
        assert literal.error is None
        assert (env._sandbox.root / "home/agent/t.txt").read_text() == "$(touch pwned) `id` done\n"
        assert not (env._sandbox.root / "home/agent/pwned").exists()
    finally:
        await env.close()


def test_absolute_paths_and_unknown_verbs_are_outside_the_space() -> None:
    with pytest.raises(ActionError, match="does not follow the syntax of 'delete'"):
        SPACE.parse("delete /etc/passwd")
    with pytest.raises(ActionError, match="'chmod' is not an action of the files application"):
        SPACE.parse("chmod 777 a.txt")


@pytest.mark.slow
async def test_coda_solve_on_files_with_scripted_roles(store) -> None:
    from ethos.evals.run import EvalConfig, run_eval

    config = EvalConfig(
        task="coda/solve",
        task_args={"env": "files", "tasks": "fs-09,fs-10,fs-17", "arms": "coda"},
        arms=[{"name": "x", "model": RULES}],
    )
    result = await run_eval(config, store=store, progress=False)
    assert (result.succeeded, result.failed) == (3, 0)
    from ethos.evals.report import build_report

    report = await build_report(store, result.run_id)
    notes = " ".join(report.section.notes)
    assert "coda/solve coda files: success 100%" in notes
