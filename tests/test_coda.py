"""CODA: the algebra application, the planner-executor graph, the eval task,
the decoupled GRPO data and the command line."""

from __future__ import annotations

import json
import math
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ethos.agents.coda import scripted
from ethos.agents.coda.algebra import SPACE, AlgebraEnvironment
from ethos.agents.coda.environment import (
    ActionError,
    UnknownTaskError,
    action_reward,
    get_task,
    load_tasks,
    replay,
)
from ethos.agents.coda.grpo import (
    Stage1Record,
    Stage2Record,
    collect_group,
    group_advantages,
    read_jsonl,
    stage2_records,
    write_jsonl,
)
from ethos.agents.coda.roles import read_planner
from ethos.errors import EthosError
from ethos.graphs.coda import CodaContext, run_episode
from ethos.graphs.runtime import GraphRuntime
from ethos.models import acomplete

ROOT = Path(__file__).resolve().parents[1]
RULES = scripted.register()


async def rules(messages: list[dict[str, str]]) -> str:
    return (await acomplete(RULES, messages)).text


# -- the algebra application ------------------------------------------------------------


async def test_every_algebra_task_is_solved_by_its_reference_and_not_before() -> None:
    tasks = load_tasks("algebra")
    assert len(tasks) >= 20 and len({t.id for t in tasks}) == len(tasks)
    for task in tasks:
        env = AlgebraEnvironment()
        await env.reset(task)
        assert not await env.success(), task.id
        await replay(env, task, task.reference)
        assert await env.success(), task.id


async def test_a_wrong_command_does_not_pass_the_check() -> None:
    task = get_task("algebra", "alg-03")  # simplify g in place: the form is checked
    env = AlgebraEnvironment()
    await replay(env, task, ["define g := (x**2 - 1)/(x - 1)", "expand g"])
    assert not await env.success()
    await replay(env, task, ["define g := (x**2 - 1)/(x - 1)", "simplify g"])
    assert await env.success()


async def test_the_workspace_reports_errors_as_results() -> None:
    env = AlgebraEnvironment()
    await env.reset(get_task("algebra", "alg-02"))
    missing = await env.step(SPACE.parse("simplify nothere"))
    assert missing.error == "no name 'nothere' in the workspace (defined: none yet)"
    assert not missing.done and missing.reward == 0.0
    code = await env.step(SPACE.parse("define f := __import__('os')"))
    assert "holds characters an expression cannot" in (code.error or "")
    attribute = await env.step(SPACE.parse("define f := x.func"))
    assert "holds characters an expression cannot" in (attribute.error or "")


def test_actions_outside_the_space_or_malformed_say_the_syntax() -> None:
    with pytest.raises(ActionError, match=r"'integrate' is not an action of the algebra"):
        SPACE.parse("integrate f dx")
    with pytest.raises(ActionError, match=r"differentiate NAME wrt VAR as NEW"):
        SPACE.parse("differentiate f")
    with pytest.raises(ActionError, match="the reply holds no action"):
        SPACE.parse("   \n ")
    with pytest.raises(ActionError, match="'answer' is not an action"):
        SPACE.parse("answer 5")  # only the planner answers
    assert SPACE.parse("Action: `solve p  for x as roots`").text == "solve p for x as roots"


NAMES = st.from_regex(r"[a-z][a-z0-9]{0,4}", fullmatch=True).filter(
    lambda n: n not in {"as", "at", "for", "wrt", "pi", "exp", "log", "sin", "cos", "tan"}
)


@settings(max_examples=60, deadline=None)
@given(name=NAMES, var=NAMES, new=NAMES, verb=st.sampled_from(["differentiate", "solve"]))
def test_parse_reads_back_what_render_writes(name: str, var: str, new: str, verb: str) -> None:
    word = "wrt" if verb == "differentiate" else "for"
    action = SPACE.parse(f"{verb}   {name} {word} {var}  as {new}")
    assert action.args == {"name": name, "var": var, "new": new}
    assert SPACE.parse(action.text) == action


def test_an_unknown_task_id_lists_the_known_ones() -> None:
    with pytest.raises(UnknownTaskError, match=r"no task 'alg-99'.*alg-01, alg-02"):
        get_task("algebra", "alg-99")
    with pytest.raises(EthosError, match="unknown application 'paint'"):
        load_tasks("paint")


# -- the planner-executor graph -----------------------------------------------------------


@pytest.fixture
async def runtime(tmp_path: Path):
    """On SQLite: the graph does not depend on the backend (coda/solve's
    run below covers PostgreSQL)."""
    async with await GraphRuntime.open(database_url=f"sqlite:///{tmp_path / 'g.db'}") as opened:
        yield opened


async def test_scripted_planner_and_executor_solve_a_task_in_the_graph(runtime) -> None:
    task = get_task("algebra", "alg-17")  # three actions, then a final answer
    state = await run_episode(runtime, CodaContext(task, rules, rules), thread_id="t1")
    assert state["success"] is True and state["stop"] == "answer"
    steps = state["steps"]
    assert [s["action"] for s in steps] == task.reference
    assert steps[-1]["answer"] == "5" and steps[-1]["thought"] is None  # skipped the executor
    assert [s["reward"] for s in steps] == [0.0, 0.0, 0.0, 1.0]
    assert "df := 2*x + 3" in steps[2]["observation"]


async def test_a_bad_executor_is_retried_then_the_step_is_recorded_failed(runtime) -> None:
    seen: list[list[dict[str, str]]] = []

    async def bad(messages: list[dict[str, str]]) -> str:
        seen.append(messages)
        return "integrate f dx"  # outside the action space

    task = get_task("algebra", "alg-02")
    state = await run_episode(runtime, CodaContext(task, rules, bad, max_steps=2), thread_id="bad")
    assert state["success"] is False and state["stop"] == "step limit"
    assert len(seen) == 6  # three tries for each of the two steps
    for step in state["steps"]:
        assert step["action"] is None and len(step["failed_tries"]) == 3
        assert step["error"].startswith("the executor wrote no valid action in 3 tries")
    # The error went back to the executor with the syntax to use.
    retry = seen[1][-1]["content"]
    assert "'integrate' is not an action of the algebra application" in retry


async def test_an_environment_that_raises_is_recorded_on_the_step(runtime) -> None:
    class Broken(AlgebraEnvironment):
        async def step(self, action):
            if action.type == "differentiate":
                raise RuntimeError("the application crashed")
            return await super().step(action)

    task = get_task("algebra", "alg-02")
    ctx = CodaContext(task, rules, rules, max_steps=3, environment=lambda app: Broken())
    state = await run_episode(runtime, ctx, thread_id="broken")
    second = state["steps"][1]
    assert second["error"] == "the environment raised RuntimeError: the application crashed"
    assert second["raised"] is True and second["action"] == "differentiate f wrt x as df"
    assert state["success"] is False and len(state["steps"]) == 3


def test_the_planner_reply_is_a_thought_or_a_final_answer() -> None:
    assert read_planner("ANS 5").answer == "5"
    assert read_planner("Answer: x = 2").answer == "x = 2"
    assert read_planner("Thought: take the derivative\nmore").thought == "take the derivative more"
    assert read_planner("just do it").thought == "just do it"


# -- the eval task ------------------------------------------------------------------------


async def test_coda_solve_runs_both_arms_and_records_every_step(store) -> None:
    from sqlalchemy import select

    from ethos.db.tables import SampleRow
    from ethos.evals.report import build_report
    from ethos.evals.run import EvalConfig, run_eval

    config = EvalConfig(
        task="coda/solve",
        task_args={"tasks": "alg-01,alg-17,alg-19"},
        arms=[{"name": "x", "model": RULES}],
    )
    result = await run_eval(config, store=store, progress=False)
    assert result.succeeded == 6 and result.scripted
    async with store.engine.connect() as conn:
        rows = (
            await conn.execute(
                select(SampleRow.id, SampleRow.arm, SampleRow.sample_id, SampleRow.output).where(
                    SampleRow.run_id == result.run_id
                )
            )
        ).all()
    assert {r.arm for r in rows} == {"coda", "planner-only"}
    assert all(r.output["success"] for r in rows)
    sample = next(r for r in rows if r.sample_id == "algebra/alg-17" and r.arm == "coda")
    events = [e async for e in store.transcript(sample.id)]
    steps = [e.data for e in events if e.kind == "coda_step"]
    assert [s["action"] for s in steps] == get_task("algebra", "alg-17").reference
    assert {"observation", "thought", "action", "result", "reward"} <= set(steps[0])
    assert [e.data["success"] for e in events if e.kind == "coda_episode"] == [True]
    report = await build_report(store, result.run_id)
    notes = " ".join(str(n) for n in report.section.notes)
    assert "coda/solve coda algebra: success 100% [44%, 100%] (n=3)" in notes
    assert "SCRIPTED" in notes


def test_coda_solve_refuses_unknown_tasks_and_arms() -> None:
    from ethos.evals.task import TaskError, resolve_task

    with pytest.raises(TaskError, match=r"unknown task id\(s\) alg-99"):
        resolve_task("coda/solve", {"tasks": "alg-99"})
    with pytest.raises(TaskError, match=r"unknown arm\(s\) solo"):
        resolve_task("coda/solve", {"arms": "solo"})
    with pytest.raises(TaskError, match="unknown application 'paint'"):
        resolve_task("coda/solve", {"env": "paint"})


# -- decoupled GRPO data ------------------------------------------------------------------


async def test_rewards_and_advantages_equal_a_hand_computation() -> None:
    task = get_task("algebra", "alg-01")  # step 1's reference: solve p for x as roots
    group = [
        "Thought: `solve p for x as roots`",  # the reference: 1 + 1
        "Thought: `solve p for x as r`",  # same type; 18 of 22+18 chars match: 1 + 36/40
        "Thought: `factor p`",  # another type: 0
        "Thought: I am not sure what to do",  # the executor finds no valid action: 0
    ]
    records = await collect_group(task, 1, group, rules)
    rewards = [r.reward for r in records]
    assert rewards == pytest.approx([2.0, 1.9, 0.0, 0.0])
    mean = (2.0 + 1.9) / 4
    std = math.sqrt(((2.0 - mean) ** 2 + (1.9 - mean) ** 2 + 2 * mean**2) / 4)
    assert [r.advantage for r in records] == pytest.approx(
        [(2.0 - mean) / std, (1.9 - mean) / std, -mean / std, -mean / std]
    )
    assert records[3].action is None and records[2].action_type == "factor"
    assert {r.group for r in records} == {"algebra/alg-01/1"}
    assert "p := x**2 - 5*x + 6" in records[0].prompt[1].content


async def test_without_a_reference_the_reward_is_the_environment_success() -> None:
    task = get_task("algebra", "alg-01")
    group = ["Thought: `solve p for x as roots`", "Thought: `factor p`"]
    records = await collect_group(task, 1, group, rules, use_reference=False)
    assert [r.reward for r in records] == [1.0, 0.0]
    assert [r.advantage for r in records] == pytest.approx([1.0, -1.0])
    assert {r.reward_kind for r in records} == {"success"}


def test_an_equal_group_has_zero_advantages() -> None:
    assert group_advantages([1.5, 1.5, 1.5]) == [0.0, 0.0, 0.0]
    assert group_advantages([]) == []


def test_action_reward_is_type_match_plus_similarity() -> None:
    ref = SPACE.parse("evaluate f at x=2 as v")
    assert action_reward(ref, ref) == 2.0
    assert action_reward(SPACE.parse("simplify f"), ref) == 0.0
    assert action_reward(None, ref) == 0.0
    assert 1.0 < action_reward(SPACE.parse("evaluate f at x=3 as v"), ref) < 2.0


async def test_exported_jsonl_validates_against_its_documented_schema(tmp_path: Path) -> None:
    task = get_task("algebra", "alg-17")
    stage1 = await collect_group(task, 0, ["Thought: `define f := x**2 + 3*x`", "ANS 5"], rules)
    runtime_steps = [
        {"index": 1, "observation": "Workspace:\n(empty)", "thought": "define f", "answer": None},
        {"index": 2, "observation": "Workspace:\nf := x", "thought": None, "answer": "5"},
    ]
    stage2 = stage2_records("algebra", task.id, "run/s/0/coda", runtime_steps, task)
    assert stage2[1].messages[-1].content == "ANS 5"
    one, two = tmp_path / "stage1.jsonl", tmp_path / "stage2.jsonl"
    assert write_jsonl(one, stage1) == 2 and write_jsonl(two, stage2) == 2
    assert read_jsonl(one, Stage1Record) == stage1
    assert read_jsonl(two, Stage2Record) == stage2
    line = json.loads(one.read_text().splitlines()[0])
    assert line["schema"] == "ethos.coda.stage1/1"
    doc = (ROOT / "docs" / "coda.md").read_text()
    for model in (Stage1Record, Stage2Record):
        for name, field in model.model_fields.items():
            assert f"`{field.alias or name}`" in doc, (model.__name__, name)
    bad = tmp_path / "bad.jsonl"
    bad.write_text(one.read_text().splitlines()[0].replace('"reward": ', '"reward": "x", "r": '))
    with pytest.raises(EthosError, match=r"bad.jsonl:1 is not a Stage1Record"):
        read_jsonl(bad, Stage1Record)


# -- the command line, killed and resumed -------------------------------------------------


def cli(*args: str, db: Path, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.support.coda_cli", "--db", str(db), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
    )


STEPS = "SELECT count(*) FROM events WHERE kind = 'coda_step'"


def count(db: Path, sql: str) -> int:
    with sqlite3.connect(db) as conn:
        try:
            return conn.execute(sql).fetchone()[0]
        except sqlite3.OperationalError:  # not created yet
            return 0


RUN = ["coda", "run", "--env", "algebra", "--task", "alg-17", "--planner", "script/coda-logged"]


@pytest.mark.slow
def test_a_killed_episode_resumes_from_its_last_step(tmp_path: Path) -> None:
    db, log = tmp_path / "coda.db", tmp_path / "planner.log"
    first = cli(*RUN, "--executor", RULES, db=db, env={"CODA_LOG": str(log), "CODA_STALL_AT": "2"})
    try:
        deadline = time.monotonic() + 120
        while not Path(f"{log}.stalled").exists() or count(db, STEPS) < 2:
            assert first.poll() is None, first.communicate()[1][-2000:]
            assert time.monotonic() < deadline, "the planner never reached step 3"
            time.sleep(0.05)
        first.send_signal(signal.SIGKILL)
        first.wait(30)
    finally:
        if first.poll() is None:
            first.kill()
    assert count(db, STEPS) == 2  # the two finished steps survived the kill
    second = cli(*RUN, "--executor", RULES, db=db, env={"CODA_LOG": str(log)})
    out, err = second.communicate(timeout=300)
    assert second.returncode == 0, err
    assert "algebra/alg-17: solved in 4 steps (answer)" in out
    # The planner was not asked again for the two steps finished before the kill.
    assert log.read_text().split() == ["0", "1", "2", "2", "3"]
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM runs").fetchone()[0] == 1
        output = json.loads(conn.execute("SELECT output FROM samples").fetchone()[0])
    assert [s["action"] for s in output["steps"]] == get_task("algebra", "alg-17").reference
    # The transcript holds each step once: two from the killed attempt, two after.
    with sqlite3.connect(db) as conn:
        recorded = conn.execute("SELECT payload FROM events WHERE kind = 'coda_step' ORDER BY id")
        actions = [json.loads(p)["action"] for (p,) in recorded]
    assert actions == get_task("algebra", "alg-17").reference


def test_cli_misuse_is_one_line_and_exit_2(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    cases = [
        (["coda", "run", "--task", "alg-99", "--planner", RULES], "no task 'alg-99'"),
        (["coda", "run", "--env", "paint", "--task", "a", "--planner", RULES], "application"),
        (["coda", "run", "--task", "alg-01", "--planner", "nosuch/m"], "unknown provider 'nosuch'"),
        (["coda", "train", "--model", RULES], "is not a local checkpoint"),
        (["coda", "train", "--model", "local/x", "--temperature", "0"],
         "--temperature 0.0 is not above 0"),
        (["coda", "train", "--model", "local/x", "--lr", "0"], "--lr 0.0 is not above 0"),
        (["coda", "train", "--model", "local/x", "--targets", " , "], "--targets names no module"),
        (["coda", "train", "--model", "local/x", "--eval-samples", "0"],
         "Invalid value for '--eval-samples'"),
        (["coda", "train", "--model", "local/x", "--lora-r", "0"], "Invalid value for '--lora-r'"),
        (["coda", "collect", "--tasks", "alg-01#7", "--planner", RULES, "--executor", RULES,
          "--out", str(tmp_path)], "task alg-01 has steps 0 to 1"),
    ]  # fmt: skip
    for args, says in cases:
        proc = cli(*args, db=db)
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 2, (args, out, err)
        lines = err.strip().splitlines()
        assert len(lines) == 1 and says in lines[0], (args, err)
    assert not db.exists()


def test_collect_and_export_write_valid_files(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    run = cli("coda", "run", "--task", "alg-02", "--planner", RULES, db=db)
    assert run.communicate(timeout=120)[0].count("reward") == 2 and run.returncode == 0
    with sqlite3.connect(db) as conn:
        run_id = conn.execute("SELECT id FROM runs").fetchone()[0]
    export = cli("coda", "export", run_id[:8], "--out", str(tmp_path / "sft.jsonl"), db=db)
    out, err = export.communicate(timeout=120)
    assert export.returncode == 0, err
    assert "wrote 2 planner turns" in out and "scripted" in out
    turns = read_jsonl(tmp_path / "sft.jsonl", Stage2Record)
    assert [t.messages[-1].content.split("`")[1] for t in turns] == get_task(
        "algebra", "alg-02"
    ).reference
    collect = cli("coda", "collect", "--tasks", "alg-02", "--planner", RULES, "--executor", RULES,
                  "--group", "2", "--out", str(tmp_path), db=db)  # fmt: skip
    out, err = collect.communicate(timeout=120)
    assert collect.returncode == 0, err
    records = read_jsonl(tmp_path / "stage1-algebra.jsonl", Stage1Record)
    assert len(records) == 4 and {r.reward for r in records} == {2.0}
