"""``ethos ask`` as a user runs it: a subprocess over a real catalogue."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.test_cli import ethos, one_error

QUESTION = "Is there a relationship between wt and mpg in the motor trend cars?"
RULES = "script/publicagent-rules"
SCRIPTED = "scripted: a rule-based test double, not a language model"


def test_bad_questions_get_one_clear_error(ethos_env: Path) -> None:
    assert "the question is empty" in one_error(ethos("ask", "  ", "-m", "script/x"))
    assert "unknown ablation" in one_error(ethos("ask", "why?", "--ablate", "everything"))
    assert "ethos catalog ingest" in one_error(ethos("ask", "why?", "-m", "script/x"))


@pytest.mark.slow
def test_a_question_is_answered_stored_and_labelled(catalogue: Path) -> None:
    result = ethos("ask", QUESTION, "-m", "script/publicagent-rules")
    assert result.returncode == 0, result.stderr
    assert "answered by script/publicagent-rules (scripted" in result.stdout
    assert "-0.8677" in result.stdout and "Data set links" in result.stdout
    for stage in ("clarify", "discover", "analyse", "report"):
        assert f"… {stage}" in result.stderr
    runs = [json.loads(line) for line in ethos("runs", "list", "--json").stdout.splitlines()]
    (run,) = [r for r in runs if r["kind"] == "publicagent"]
    assert run["status"] == "succeeded"
    report = (catalogue / "reports" / run["id"] / "report.md").read_text()
    assert "## Results" in report
    # report.md records the model that answered each agent, the scripted one labelled
    models = report[report.index("## Models") :]
    for agent in ("Intent clarification", "Data set discovery", "Analysis", "Report"):
        assert f"- {agent}: `{RULES}` ({SCRIPTED})" in models, models
    again = ethos("ask", "--resume", run["id"][:8], "-m", "script/publicagent-rules")
    assert again.returncode == 0, again.stderr  # a finished thread simply reports again


@pytest.mark.slow
def test_interactive_asks_the_person(catalogue: Path) -> None:
    """The clarification and its prompt go to the terminal (stderr), never
    into the answer on stdout (issue 18)."""
    result = ethos(
        "ask",
        "Do heavier cars have lower mpg (wt, mpg) in the motor trend data?",
        "-m",
        "script/publicagent-rules",
        "--interactive",
        input="yes\n",
    )
    assert result.returncode == 0, result.stderr
    assert "'heavier': vague threshold or scope -> higher weight" in result.stderr
    assert "Accept?" in result.stderr and "Accept?" not in result.stdout
    assert "(confirmed by the person)" in result.stdout


def test_resume_of_an_unknown_run_is_named(catalogue: Path) -> None:
    assert "no run" in one_error(ethos("ask", "--resume", "ffffffff")).lower()


def test_model_roles_must_name_an_agent_and_a_model(ethos_env: Path) -> None:
    # a typo was ignored silently: the default model answered that agent
    typo = one_error(ethos("ask", "why?", "-m", "script/x", "--model-role", "analyis=script/y"))
    assert "'analyis' is not one of PublicAgent's agents" in typo and "analysis" in typo
    assert "does not name a model" in one_error(ethos("ask", "why?", "--model-role", "analysis=5"))
    assert "not key=value" in one_error(ethos("ask", "why?", "--model-role", "analysis"))


@pytest.mark.slow
def test_unwritable_out_is_one_error_and_resume_writes_the_answer(
    catalogue: Path, tmp_path: Path
) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    error = one_error(
        ethos("ask", QUESTION, "-m", "script/publicagent-rules", "-q", "--out", str(blocked))
    )
    assert "could not be written" in error and "--resume" in error
    runs = [json.loads(line) for line in ethos("runs", "list", "--json").stdout.splitlines()]
    (run,) = [r for r in runs if r["kind"] == "publicagent"]
    assert run["status"] == "failed"  # not left 'running' forever
    target = tmp_path / "reports"
    again = ethos("ask", "--resume", run["id"], "--out", str(target), "-q")
    assert again.returncode == 0, again.stderr
    report = (target / "report.md").read_text()
    assert "-0.8677" in report
    # -q prints only the report, and the report says the answers were scripted
    assert f"- Report: `{RULES}` ({SCRIPTED})" in report
    printed = " ".join(again.stdout.split())
    assert f"Report: {RULES} ({SCRIPTED})" in printed and "answered by" not in printed


def test_models_section_labels_only_scripted_models() -> None:
    from ethos.graphs.publicagent import PublicAgentAnswer, models_markdown

    answer = PublicAgentAnswer(
        question="q",
        markdown="# r",
        models={
            "intent": {"model": "openai/gpt-4o-mini", "scripted": False},
            "discovery": {"model": "local/qwen3-moe", "scripted": False},
            "analysis": {"model": "script/sql-rules", "scripted": True},
        },
        failure="report",
    )
    lines = models_markdown(answer).splitlines()
    assert lines[2:] == [
        "- Intent clarification: `openai/gpt-4o-mini`",
        "- Data set discovery: `local/qwen3-moe`",
        f"- Analysis: `script/sql-rules` ({SCRIPTED})",
        "- Report: no answer (the run stopped before this agent answered)",
    ]
    ablated = answer.model_copy(update={"models": {}, "ablate": "intent", "failure": None})
    assert models_markdown(ablated).splitlines()[2] == (
        "- Intent clarification: not run (ablated: the question was used as asked)"
    )


def failing_sql_model(request) -> str:
    """The packaged rules, except that the analysis agent's every query fails."""
    from ethos.agents.publicagent import scripted

    system = str(request.messages[0].get("content", ""))
    if "data analysis" in system.splitlines()[0]:
        return json.dumps({"experiments": [{"goal": "g", "sql": "SELECT no_such_column FROM t"}]})
    return scripted.respond(request)


@pytest.mark.slow
async def test_a_failed_stage_names_the_model_whose_answer_failed(
    store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The analysis model answered (with queries that all failed): the report
    of the failed run names it, rather than saying it never answered."""
    from ethos.agents.agent import AgentContext
    from ethos.agents.publicagent import embedding
    from ethos.agents.publicagent.catalog import ingest_folder
    from ethos.graphs.publicagent import (
        PublicAgentAnswer,
        PublicAgentDeps,
        build_graph,
        models_markdown,
        start_state,
    )
    from ethos.graphs.runtime import GraphRuntime
    from ethos.models import query_encoder
    from ethos.models.script import Script, register_script

    monkeypatch.setattr(embedding, "get_embedder", lambda: None)
    monkeypatch.setattr(query_encoder, "get_query_encoder", lambda *_: None)
    folder = tmp_path / "rain"
    folder.mkdir()
    (folder / "rainfall.csv").write_text("city,rain_mm\nLyon,831\nNice,700\n")
    await ingest_folder(store, folder)
    model = register_script("ask-failing-sql", Script(failing_sql_model))
    async with await GraphRuntime.open(store=store) as runtime:
        graph = runtime.compile(build_graph(), name="publicagent")
        outcome = await runtime.run(
            graph,
            start_state("How much rain falls in Lyon?"),
            thread_id="failing-sql",
            context=AgentContext(model=model, deps=PublicAgentDeps(store)),
        )
    answer = PublicAgentAnswer.from_state(outcome.output)
    assert answer.failure == "analyse"
    lines = models_markdown(answer).splitlines()
    assert lines[4] == f"- Analysis: `{model}` ({SCRIPTED})"
    assert lines[5] == "- Report: no answer (the run stopped before this agent answered)"
