"""The harness: runs stored as rows, concurrent, resumable, honest about errors."""

from __future__ import annotations

import json
import operator
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Annotated, TypedDict

import pytest

from ethos.db.store import Store
from ethos.errors import EthosError
from ethos.evals.run import EvalConfig, run_eval
from ethos.evals.task import Arm, Sample, Task, TaskError, resolve_task
from ethos.models.errors import UnknownProviderError
from tests.support.openai_server import FakeOpenAI

ROOT = Path(__file__).resolve().parents[1]
TASKS = str(ROOT / "tests" / "support" / "tasks.py")


def config(task: str = "echo", **kw: object) -> EvalConfig:
    kw.setdefault("arms", [Arm(name="default", model="script/echo")])
    return EvalConfig(task=f"{TASKS}@{task}", **kw)


async def scores_of(store: Store, run_id: str) -> list[tuple]:
    async with store.engine.connect() as conn:
        from sqlalchemy import text

        rows = await conn.execute(
            text(
                "SELECT s.sample_id, s.epoch, s.arm, c.scorer, c.value FROM scores c "
                "JOIN samples s ON s.id = c.sample_pk WHERE c.run_id = :r"
            ),
            {"r": run_id},
        )
        return list(rows)


async def test_a_run_stores_every_sample_epoch_and_arm(store: Store) -> None:
    arms = [Arm(name="base", model="script/echo"), Arm(name="other", model="script:echo")]
    cfg = config(task_args={"n": 5}, arms=arms, epochs=2, seed=7)
    result = await run_eval(cfg, store=store, progress=False)
    assert (result.status, result.total, result.succeeded, result.failed) == (
        "succeeded",
        20,
        20,
        0,
    )
    assert result.scripted
    run = await store.get_run(result.run_id)
    assert run.status == "succeeded" and run.metadata["scripted"] is True
    assert run.config["arms"][0]["name"] == "base"
    samples = await store.samples(run.id)
    assert len(samples) == 20 and {s.status for s in samples} == {"succeeded"}
    scores = await scores_of(store, run.id)
    assert len(scores) == 40  # two scorers each
    exact = [
        json.loads(v) if isinstance(v, str) else v for *_, name, v in scores if name == "exact"
    ]
    assert all(v is True for v in exact)
    counts = await store.counts(run.id)
    assert counts.model_calls == 20


async def test_seeds_are_per_sample_epoch_and_arm_and_reproducible(store: Store) -> None:
    first = await run_eval(
        config(task_args={"n": 4}, epochs=2, seed=1), store=store, progress=False
    )
    again = await run_eval(
        config(task_args={"n": 4}, epochs=2, seed=2), store=store, progress=False
    )

    async def seeds(run_id: str) -> dict:
        return {(s.sample_id, s.epoch): s.output["seed"] for s in await store.samples(run_id)}

    a, b = await seeds(first.run_id), await seeds(again.run_id)
    assert len(set(a.values())) == 8
    assert a != b


async def test_limit_and_task_arguments(store: Store) -> None:
    result = await run_eval(config(task_args={"n": 30}, limit=4), store=store, progress=False)
    assert result.total == 4


async def test_failures_are_recorded_and_the_run_goes_on(store: Store) -> None:
    cfg = config("flaky", task_args={"n": 9})
    result = await run_eval(cfg, store=store, progress=False)
    assert (result.status, result.succeeded, result.failed) == ("failed", 6, 3)
    failed = [s for s in await store.samples(result.run_id) if s.status == "failed"]
    assert {s.sample_id for s in failed} == {"q000", "q003", "q006"}
    assert all("broke on purpose" in s.error for s in failed)
    run = await store.get_run(result.run_id)
    assert "3 of 9 samples failed; the same command retries them" in run.error

    again = await run_eval(cfg, store=store, progress=False)  # retries only the failures
    assert again.run_id == result.run_id
    assert (again.skipped, again.failed) == (6, 3)

    tolerant = await run_eval(
        config("flaky", task_args={"n": 9}, seed=1, fail_on_error=0.5),
        store=store,
        progress=False,
    )
    assert tolerant.status == "succeeded" and tolerant.failed == 3


async def test_fail_on_error_stops_and_the_same_command_resumes(store: Store) -> None:
    cfg = config("flaky", task_args={"n": 30, "fail_every": 2}, fail_on_error=3, max_connections=1)
    stopped = await run_eval(cfg, store=store, progress=False)
    assert stopped.status == "failed" and stopped.failed == 3
    run = await store.get_run(stopped.run_id)
    assert "reaching --fail-on-error 3" in run.error
    again = await run_eval(
        cfg.model_copy(update={"fail_on_error": 20}), store=store, progress=False
    )
    assert again.run_id == stopped.run_id  # found by its fingerprint, finished
    assert again.status == "succeeded"
    assert len(await store.samples(run.id)) == 30


async def test_bad_scores_and_outputs_fail_their_sample_not_the_run(store: Store) -> None:
    def task(scorer_fn: object, output: object = "fine") -> Task:
        async def solver(sample: Sample, ctx: object) -> object:
            return output

        return Task(
            name="t", samples=[Sample(id="a"), Sample(id="b")], solver=solver, scorers=[scorer_fn]
        )

    from ethos.evals.task import Score

    cases = [
        (lambda s, o, c: 1.0, "fine", "returned float, not a Score"),
        (lambda s, o, c: Score(value=float("nan")), "fine", "ValueError"),
        (lambda s, o, c: Score(value=1.0), {"x": object()}, "cannot be stored as JSON"),
    ]
    for i, (fn, output, says) in enumerate(cases):
        cfg = EvalConfig(task=f"bad{i}", arms=[Arm(name="x", model="script/echo")])
        result = await run_eval(cfg, store=store, task=task(fn, output), progress=False)
        assert (result.status, result.failed) == ("failed", 2)
        samples = await store.samples(result.run_id)
        assert all(says in s.error for s in samples), [s.error for s in samples]


async def test_a_finished_run_is_not_resumed_but_measured_again(store: Store) -> None:
    first = await run_eval(config(task_args={"n": 2}), store=store, progress=False)
    second = await run_eval(config(task_args={"n": 2}), store=store, progress=False)
    assert first.run_id != second.run_id


async def test_resume_by_id_refuses_another_configuration(store: Store) -> None:
    first = await run_eval(config(task_args={"n": 2}), store=store, progress=False)
    with pytest.raises(EthosError, match="another configuration"):
        await run_eval(config(task_args={"n": 3}), store=store, resume=first.run_id, progress=False)


async def test_a_compiled_graph_is_a_solver(store: Store) -> None:
    from typing import TypedDict

    from langgraph.graph import END, START, StateGraph

    class State(TypedDict):
        question: str
        answer: str

    graph = StateGraph(State)

    from langchain_core.runnables import RunnableConfig

    def answer(state: State, config: RunnableConfig) -> dict:
        arm = config["configurable"]["ethos"].arm.name
        return {"answer": f"{state['question'][::-1]} by {arm}"}

    graph.add_node("answer", answer)
    graph.add_edge(START, "answer")
    graph.add_edge("answer", END)
    task = Task(
        name="g",
        samples=[Sample(id="a", input={"question": "abc"}, target="cba")],
        solver=graph.compile(),
        scorers=[],
    )
    result = await run_eval(
        EvalConfig(task="g", arms=[Arm(name="x", model="script/echo")]),
        store=store,
        task=task,
        progress=False,
    )
    (sample,) = await store.samples(result.run_id)
    assert sample.status == "succeeded", sample.error
    assert sample.output["answer"] == "cba by x"


async def test_transient_faults_never_lose_a_sample(store: Store) -> None:
    with FakeOpenAI(fault_rate=0.1, seed=11) as server:
        arm = Arm(
            name="flaky-server",
            model="openai/fake",
            options={"api_base": server.base_url, "max_retries": 0},
        )
        cfg = config(task_args={"n": 60}, arms=[arm], fail_on_error=0.5)
        result = await run_eval(cfg, store=store, progress=False)
    samples = await store.samples(result.run_id)
    assert len(samples) == 60
    failed = [s for s in samples if s.status == "failed"]
    assert 0 < len(failed) < 20 and all("HTTP 500" in s.error for s in failed)
    scored = {r[0] for r in await scores_of(store, result.run_id)}
    assert scored == {s.sample_id for s in samples if s.status == "succeeded"}


# -- bad input ------------------------------------------------------------------------


def test_unknown_task_and_arguments() -> None:
    with pytest.raises(TaskError, match="unknown task 'nope'"):
        resolve_task("nope")
    with pytest.raises(TaskError, match="takes no argument 'rounds'; it takes: n, delay"):
        resolve_task(f"{TASKS}@echo", {"rounds": 3})
    with pytest.raises(TaskError, match="has no task function 'missing'"):
        resolve_task(f"{TASKS}@missing")


async def test_an_unknown_model_fails_before_a_run_is_created(store: Store) -> None:
    cfg = config(arms=[Arm(name="x", model="nosuch/model")])
    with pytest.raises(UnknownProviderError):
        await run_eval(cfg, store=store, progress=False)
    assert await store.count_runs() == 0


def test_arms_must_be_distinct_and_the_baseline_one_of_them() -> None:
    with pytest.raises(ValueError, match="distinct"):
        config(arms=[Arm(name="a", model="script/echo"), Arm(name="a", model="script/echo")])
    with pytest.raises(ValueError, match="baseline 'z' is not an arm"):
        config(baseline="z")


# -- the command line, killed and resumed ---------------------------------------------------


def ethos(*args: str, db: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "ethos", "--db", str(db), "eval", "run", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )


def count(db: Path, sql: str) -> int:
    with sqlite3.connect(db) as conn:
        try:
            return conn.execute(sql).fetchone()[0]
        except sqlite3.OperationalError:
            return 0


@pytest.mark.slow
def test_a_run_killed_halfway_resumes_to_exactly_the_expected_samples(tmp_path: Path) -> None:
    db = tmp_path / "eval.db"
    args = [
        f"{TASKS}@echo",
        "--model",
        "script/echo",
        "-T",
        "n=40",
        "-T",
        "delay=0.05",
        "--epochs",
        "2",
        "--max-connections",
        "2",
        "--no-progress",
    ]
    first = ethos(*args, db=db)
    deadline = time.monotonic() + 120
    done = "SELECT count(*) FROM samples WHERE status = 'succeeded'"
    while count(db, done) < 20 and time.monotonic() < deadline:
        time.sleep(0.05)
    first.send_signal(signal.SIGKILL)
    first.wait(30)
    before = count(db, done)
    assert 20 <= before < 80

    second = ethos(*args, db=db)
    out, err = second.communicate(timeout=300)
    assert second.returncode == 0, err
    assert f"{80 - before} failed" not in out and "80 of 80 samples succeeded" in out
    assert count(db, "SELECT count(*) FROM runs") == 1
    assert count(db, "SELECT count(*) FROM samples") == 80
    assert count(db, done) == 80
    assert count(db, "SELECT count(DISTINCT sample_id || epoch || arm) FROM samples") == 80
    assert count(db, "SELECT count(*) FROM scores") == 160
    first_pid = first.pid
    kept = count(
        db, f"SELECT count(*) FROM samples WHERE json_extract(output, '$.pid') = {first_pid}"
    )
    assert kept >= before  # what the killed run finished was not redone


def test_cli_bad_input_is_one_clear_line(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    cases = [
        (["nope", "--model", "script/echo"], "unknown task 'nope'"),
        ([f"{TASKS}@echo", "--model", "script/echo", "-T", "rounds=3"], "takes no argument"),
        ([f"{TASKS}@echo", "--model", "nosuch/m"], "unknown provider 'nosuch'"),
        ([f"{TASKS}@echo", "--arm", "justaname"], "is not name=model"),
        ([f"{TASKS}@echo"], "no model to evaluate"),
    ]
    for args, says in cases:
        proc = ethos(*args, db=db)
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 2, (args, out, err)
        lines = err.strip().splitlines()
        assert len(lines) == 1 and says in lines[0], (args, err)
    assert os.path.exists(db) is False or count(db, "SELECT count(*) FROM runs") == 0


async def test_arm_options_and_interventions_are_checked_before_a_run(store: Store) -> None:
    typo = config(arms=[Arm(name="x", model="script/echo", options={"temprature": 0.7})])
    with pytest.raises(EthosError, match="unknown option\\(s\\) temprature"):
        await run_eval(typo, store=store, progress=False)
    steer = {"type": "steer", "layer": 0, "vector": [1.0], "alpha": 1.0}
    cannot = config(arms=[Arm(name="x", model="script/echo", options={"interventions": [steer]})])
    with pytest.raises(EthosError, match="cannot apply interventions"):
        await run_eval(cannot, store=store, progress=False)
    assert await store.count_runs() == 0


def test_duplicate_scorer_names_are_refused() -> None:
    from ethos.evals.task import build

    def make() -> Task:
        return Task(
            name="d",
            samples=[Sample(id="a")],
            solver=lambda s, c: "x",
            scorers=[lambda s, o, c: None, lambda s, o, c: None],
        )

    with pytest.raises(TaskError, match="scorers with the same name"):
        build(make, "d", {})


def test_arm_values_may_hold_commas() -> None:
    from ethos.cli.eval import parse_arm

    arm = parse_arm(
        's=local/tiny,interventions=[{"type":"steer","layer":0,"vector":[1,2]}],temperature=0.5'
    )
    assert arm["model"] == "local/tiny"
    assert arm["options"]["interventions"][0]["vector"] == [1, 2]
    assert arm["options"]["temperature"] == 0.5


async def test_every_arm_draws_the_same_seed_for_a_sample(store: Store) -> None:
    arms = [Arm(name="a", model="script/echo"), Arm(name="b", model="script/echo")]
    result = await run_eval(config(task_args={"n": 3}, arms=arms), store=store, progress=False)
    seeds: dict[str, set[int]] = {}
    for s in await store.samples(result.run_id):
        seeds.setdefault(s.sample_id, set()).add(s.output["seed"])
    assert all(len(v) == 1 for v in seeds.values()) and len(seeds) == 3


def test_a_file_task_is_the_same_file_wherever_the_command_runs(tmp_path: Path) -> None:
    relative = os.path.relpath(TASKS, Path.cwd())
    assert EvalConfig(task=f"{relative}@echo", arms=[Arm(name="a", model="m/x")]).task == (
        f"{TASKS}@echo"
    )


async def test_a_graph_builder_solver_is_checkpointed_and_a_rerun_continues_it(
    store: Store,
) -> None:
    """A StateGraph builder as the solver runs on the run's own database: a
    sample whose second node failed continues there when the run is
    repeated, without redoing the first node."""
    from langgraph.graph import END, START, StateGraph

    calls = {"first": 0, "second": 0}

    async def first(state: Steps, runtime) -> Steps:
        calls["first"] += 1
        return {"steps": [f"first by {runtime.context.arm.name}"]}

    async def second(state: Steps) -> Steps:
        calls["second"] += 1
        if calls["second"] == 1:
            raise RuntimeError("a transient fault")
        return {"steps": ["second"]}

    builder = StateGraph(Steps)
    builder.add_node("first", first)
    builder.add_node("second", second)
    builder.add_edge(START, "first")
    builder.add_edge("first", "second")
    builder.add_edge("second", END)
    task = Task(
        name="builder",
        samples=[Sample(id="a", input={"question": "q", "steps": []})],
        solver=builder,
        scorers=[],
    )
    cfg = EvalConfig(task="builder", arms=[Arm(name="x", model="script/echo")])
    first_run = await run_eval(cfg, store=store, task=task, progress=False)
    (failed,) = await store.samples(first_run.run_id)
    assert failed.status == "failed" and "a transient fault" in failed.error
    again = await run_eval(cfg, store=store, task=task, progress=False)
    assert again.run_id == first_run.run_id  # the same command finishes the same run
    (sample,) = await store.samples(again.run_id)
    assert sample.status == "succeeded", sample.error
    assert sample.output["steps"] == ["first by x", "second"]
    assert calls == {"first": 1, "second": 2}


class Steps(TypedDict, total=False):
    question: str
    steps: Annotated[list[str], operator.add]


def two_step_builder(calls: dict[str, int]):
    from langgraph.graph import END, START, StateGraph

    async def first(state: Steps) -> Steps:
        calls["first"] = calls.get("first", 0) + 1
        return {"steps": ["first"]}

    async def second(state: Steps) -> Steps:
        calls["second"] = calls.get("second", 0) + 1
        return {"steps": ["second"]}

    builder = StateGraph(Steps)
    builder.add_node("first", first)
    builder.add_node("second", second)
    builder.add_edge(START, "first")
    builder.add_edge("first", "second")
    builder.add_edge("second", END)
    return builder


async def test_a_graph_that_finished_is_not_run_again_when_its_sample_failed_after(
    store: Store,
) -> None:
    """The graph reached its end but the sample failed afterwards (here its
    scorer; a kill before the sample's row was committed is the same): a
    rerun takes the finished thread's output instead of feeding the input
    into the finished thread again, where reducers would add it twice."""
    from ethos.evals.task import Score

    calls: dict[str, int] = {}
    scored = {"n": 0}

    def picky(sample: Sample, output: dict, ctx) -> Score:
        scored["n"] += 1
        if scored["n"] == 1:
            raise RuntimeError("a scorer bug, fixed before the rerun")
        return Score(value=output["steps"] == ["first", "second"])

    task = Task(
        name="finished",
        samples=[Sample(id="a", input={"question": "q", "steps": []})],
        solver=two_step_builder(calls),
        scorers=[picky],
    )
    cfg = EvalConfig(task="finished", arms=[Arm(name="x", model="script/echo")])
    first_run = await run_eval(cfg, store=store, task=task, progress=False)
    (failed,) = await store.samples(first_run.run_id)
    assert failed.status == "failed" and "scorer bug" in failed.error
    again = await run_eval(cfg, store=store, task=task, progress=False)
    (sample,) = await store.samples(again.run_id)
    assert sample.status == "succeeded", sample.error
    assert sample.output["steps"] == ["first", "second"]
    assert calls == {"first": 1, "second": 1}


async def test_a_graph_builder_solver_opens_one_runtime_per_run(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One checkpointer per run, not per sample: on PostgreSQL each runtime
    is a connection pool, and one per sample ran the server out of
    connections at --max-connections 64."""
    from ethos.graphs.runtime import GraphRuntime

    opened = []
    real_open = GraphRuntime.open.__func__

    async def counting_open(cls, **kw):
        runtime = await real_open(cls, **kw)
        opened.append(runtime)
        return runtime

    monkeypatch.setattr(GraphRuntime, "open", classmethod(counting_open))
    calls: dict[str, int] = {}
    task = Task(
        name="shared",
        samples=[Sample(id=str(i), input={"question": "q", "steps": []}) for i in range(6)],
        solver=two_step_builder(calls),
        scorers=[],
    )
    cfg = EvalConfig(
        task="shared",
        arms=[Arm(name="x", model="script/echo"), Arm(name="y", model="script/echo")],
        max_connections=4,
    )
    result = await run_eval(cfg, store=store, task=task, progress=False)
    samples = await store.samples(result.run_id)
    assert [s.status for s in samples] == ["succeeded"] * 12
    assert all(s.output["steps"] == ["first", "second"] for s in samples)
    assert len(opened) == 1


@pytest.mark.parametrize(
    ("option", "says"),
    [
        (["--lease", "0"], "--lease"),
        (["--max-connections", "0"], "--max-connections"),
        (["--bogus"], "--bogus"),
    ],
)
def test_a_bad_run_option_is_a_usage_error_not_a_traceback(
    option: list[str], says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from ethos.cli.app import main

    with pytest.raises(SystemExit) as exited:
        main(["eval", "run", f"{TASKS}@echo", "--model", "script/echo", *option])
    err = capsys.readouterr().err
    assert exited.value.code == 2, err
    assert "Traceback" not in err and says in err, err
