"""``handbook/reuse``: the shipped problem set and its checker, and the
paper's pipeline end to end as one run: the model's train-split traces in,
behaviours extracted and stored, then the four arms (none, conditioned,
self_improve, critique_revise) with accuracy, output tokens, Deltas to
``none`` and citations in the report. The model is
``script/handbook-solver``, a TEST DOUBLE whose rules are known (see
ethos.evals.handbook.scripted), so the figures are checked exactly."""

from __future__ import annotations

import json
import zlib
from collections import Counter, defaultdict
from dataclasses import asdict
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from ethos.db.store import Store
from ethos.db.tables import SampleRow, ScoreRow
from ethos.evals.handbook import scripted
from ethos.evals.handbook.problems import (
    CATEGORIES,
    SHIPPED,
    Problem,
    _text,
    check,
    final_answer,
    generate,
    load_problems,
)
from ethos.evals.handbook.tasks import ARMS, reuse
from ethos.evals.report import build_report
from ethos.evals.report.html import render_html
from ethos.evals.run import EvalConfig, run_eval
from ethos.evals.task import Arm, TaskError
from ethos.handbook.curation import extract_from_run
from ethos.handbook.store import ensure_handbook, list_behaviors
from tests.test_cli import ethos

MODEL = scripted.MODEL


def test_the_shipped_set_is_what_the_seeded_generator_writes() -> None:
    shipped = [json.loads(line) for line in SHIPPED.read_text().splitlines()]
    assert shipped == [asdict(p) for p in generate()]
    test = load_problems(split="test")
    train = load_problems(split="train")
    assert len(test) >= 200 and len(train) >= 40
    assert Counter(p.category for p in test) == {c: 60 for c in CATEGORIES}
    assert not {p.question for p in test} & {p.question for p in train}
    for p in test + train:  # every answer is one the checker reads back
        assert check(f"Working.\nAnswer: {p.answer}", p.answer), p


def test_spot_checked_answers_are_right() -> None:
    by_question = {p.question: p.answer for p in load_problems(split="all")}
    assert by_question["Compute 61 * 16 - 21."] == "955"
    assert (
        by_question["What is 4/3 + 5/7? Give the result as a fraction in lowest terms."] == "43/21"
    )
    celsius = [q for q in by_question if q.startswith("Convert") and "Celsius" in q]
    for q in celsius:
        c = int(q.split()[1])
        assert Fraction(by_question[q]) == Fraction(c * 9, 5) + 32


@given(
    st.fractions(min_value=-10_000, max_value=10_000, max_denominator=50),
    st.sampled_from(["The answer is {}.", "so\nAnswer: {}", "Answer: **{}**", "x = 3, y = {}"]),
)
def test_the_checker_reads_exact_values_in_any_written_form(value: Fraction, form: str) -> None:
    written = _text(value)
    assert check(form.format(written), written)
    assert not check(form.format(_text(value + 1)), written)
    decimal = f"{float(value):.6f}"
    assert check(form.format(decimal), written) == (Fraction(decimal) == value)


def test_final_answer_prefers_the_last_answer_line() -> None:
    assert final_answer("Answer: 3 ... no, wait. Answer: 1,200") == "1,200"
    assert final_answer("first 4 then 7/8") == "7/8"
    assert final_answer("no numbers here") is None
    assert not check("no numbers here", "4")


def test_a_users_jsonl_loads_and_bad_lines_are_one_error_naming_the_line(tmp_path: Path) -> None:
    mine = tmp_path / "mine.jsonl"
    mine.write_text(
        '{"question": "2+2?", "answer": 4}\n\n{"question": "Half of 3?", "answer": "1.5"}\n'
    )
    task = reuse(problems=str(mine), arms="none")
    assert [(s.id, s.input, s.target) for s in task.samples] == [
        ("q0001", "2+2?", "4"),
        ("q0003", "Half of 3?", "1.5"),
    ]
    for text, says in [
        ('{"question": "2+2?"}\n', "answer None is not a number"),
        ('{"question": "", "answer": 1}\n', "no question"),
        ("not json\n", "not JSON"),
        ('{"question": "a", "answer": "b"}\n', "answer 'b' is not a number"),
    ]:
        mine.write_text(text)
        with pytest.raises(TaskError) as caught:
            reuse(problems=str(mine))
        assert f"{mine}:1" in caught.value.problem and says in caught.value.problem
    with pytest.raises(TaskError, match="unknown arm"):
        reuse(arms="none,bogus")
    with pytest.raises(TaskError, match="retrieval must be"):
        reuse(retrieval="faiss")


def test_arms_keep_the_baseline_first() -> None:
    task = reuse(arms="critique_revise", limit=3)
    assert [a["name"] for a in task.metadata["arms"]] == ["none", "critique_revise"]
    assert [a["name"] for a in reuse(limit=1).metadata["arms"]] == list(ARMS)


# -- the pipeline end to end ----------------------------------------------------------


def subset(split: str, per_category: int) -> list[Problem]:
    problems = load_problems(split=split)
    return [p for c in CATEGORIES for p in [q for q in problems if q.category == c][:per_category]]


def write_jsonl(path: Path, problems: list[Problem]) -> Path:
    path.write_text("".join(json.dumps(asdict(p)) + "\n" for p in problems))
    return path


def h(question: str) -> int:
    return zlib.crc32(question.encode())


async def stored(store: Store, run_id: str) -> dict[tuple[str, str], dict[str, Any]]:
    """(arm, sample) -> its output and scores."""
    query = (
        select(
            SampleRow.arm, SampleRow.sample_id, SampleRow.output, ScoreRow.scorer, ScoreRow.value
        )
        .join(ScoreRow, ScoreRow.sample_pk == SampleRow.id)
        .where(SampleRow.run_id == run_id)
    )
    out: dict[tuple[str, str], dict[str, Any]] = {}
    async with store.engine.connect() as conn:
        for arm, sample, output, scorer, value in await conn.execute(query):
            row = out.setdefault((arm, sample), {"output": output})
            row[scorer] = value
    return out


@pytest.mark.slow
async def test_traces_to_behaviours_to_four_arms_with_deltas_and_counted_citations(
    store: Store, tmp_path: Path
) -> None:
    scripted.register()
    train = write_jsonl(tmp_path / "train.jsonl", subset("train", 2))
    test_set = subset("test", 3)
    test = write_jsonl(tmp_path / "test.jsonl", test_set)

    # 1. the model's own traces on the train split, then behaviours from them
    first = await run_eval(
        EvalConfig(
            task="handbook/reuse",
            task_args={"problems": str(train), "arms": "none"},
            arms=[Arm(name="m", model=MODEL)],
        ),
        store=store,
        progress=False,
    )
    assert (first.status, first.succeeded) == ("succeeded", 8)
    extracted = await extract_from_run(
        store, first.run_id, model=MODEL, handbook="math", embedder=None
    )
    assert extracted.used == 8 and extracted.skipped == []
    stored_behaviors = await list_behaviors(store, "math")
    assert {b.name for b in stored_behaviors} >= {
        "behavior_common_denominator_then_reduce",
        "behavior_convert_with_one_factor",
    }
    assert all(b.provenance[0].run_id == first.run_id for b in stored_behaviors)

    # 2. the four arms on the test problems, as one run
    result = await run_eval(
        EvalConfig(
            task="handbook/reuse",
            task_args={"problems": str(test), "handbook": "math", "retrieval": "bm25"},
            arms=[Arm(name="m", model=MODEL)],
        ),
        store=store,
        progress=False,
    )
    assert (result.status, result.succeeded, result.scripted) == ("succeeded", 48, True)
    rows = await stored(store, result.run_id)

    # accuracy exactly as the script's rules make it
    for p in test_set:
        none, cond = rows[("none", p.id)], rows[("conditioned", p.id)]
        assert none["correct"] is (h(p.question) % 4 != 0)
        assert rows[("critique_revise", p.id)]["correct"] is True
        offered = cond["output"]["offered"]
        wrong = h(p.question) % 8 == 0 if offered else h(p.question) % 4 == 0
        assert cond["correct"] is (not wrong)
        # answers with behaviours are shorter; without, the same as none
        assert (cond["output_tokens"] < none["output_tokens"]) == bool(offered)
        si = rows[("self_improve", p.id)]["output"]
        assert si["output_tokens"] == (
            none["output_tokens"] + si["extraction_tokens"] + si["answer_tokens"]
        )
        assert si["behaviors"] and si["cited"]  # behaviours from R1, cited by R2

    report = await build_report(store, result.run_id)
    assert report.run.scripted_label and report.run.baseline == "none"
    figures = {f.arm: f for f in report.section.arms}
    n_right = sum(h(p.question) % 4 != 0 for p in test_set)
    assert figures["none"].accuracy.mean == pytest.approx(n_right / 12)
    assert figures["critique_revise"].accuracy.mean == 1.0
    delta = figures["critique_revise"].accuracy_delta
    assert delta.mean == pytest.approx(1 - n_right / 12) and delta.ci_low <= delta.mean
    assert figures["conditioned"].token_ratio < 1 < figures["self_improve"].token_ratio
    assert figures["conditioned"].tokens_delta.ci_high < 0
    assert all(n.startswith("[SCRIPTED") for n in report.section.notes)
    assert any("Delta accuracy" in n and "conditioned" in n for n in report.section.notes)
    harness = {(d.name, d.arm) for d in report.deltas}  # the harness's own Deltas agree
    assert {("correct", a) for a in ARMS[1:]} <= harness
    page = render_html(report)
    assert "handbook/reuse: accuracy and output tokens by arm" in page and "<img" in page
    assert "handbook/reuse conditioned: accuracy" in page

    # citations: counted with the answer's outcome, exactly once each
    expected_cited: Counter[str] = Counter()
    outcomes: dict[str, list[float]] = defaultdict(list)
    for p in test_set:
        cond = rows[("conditioned", p.id)]
        for name in cond["output"]["cited"]:
            expected_cited[name] += 1
            outcomes[name].append(1.0 if cond["correct"] else 0.0)
    assert sum(expected_cited.values()) >= 3
    after = {b.name: b for b in await list_behaviors(store, "math")}
    for name, behavior in after.items():
        assert behavior.cited == expected_cited[name], name
        if outcomes[name]:
            assert behavior.outcome_mean == pytest.approx(sum(outcomes[name]) / len(outcomes[name]))

    # the transcript of a conditioned answer says what was offered and cited
    cited_one = next(p for p in test_set if rows[("conditioned", p.id)]["output"]["cited"])
    sample = await store.find_sample(result.run_id, cited_one.id, arm="conditioned")
    events = [e.data async for e in store.transcript(sample.id) if e.kind == "handbook"]
    assert [e["phase"] for e in events] == ["retrieved", "cited"]
    assert events[1]["cited"] == rows[("conditioned", cited_one.id)]["output"]["cited"]
    sample = await store.find_sample(result.run_id, cited_one.id, arm="self_improve")
    phases = [e.data["phase"] async for e in store.transcript(sample.id) if e.kind == "handbook"]
    assert phases == ["extracted"]


async def test_an_empty_handbook_runs_the_conditioned_arm_without_behaviours(
    store: Store, tmp_path: Path
) -> None:
    scripted.register()
    await ensure_handbook(store, "empty")
    problems = write_jsonl(tmp_path / "p.jsonl", subset("test", 1))
    result = await run_eval(
        EvalConfig(
            task="handbook/reuse",
            task_args={
                "problems": str(problems),
                "handbook": "empty",
                "arms": "conditioned",
                "retrieval": "bm25",
            },
            arms=[Arm(name="m", model=MODEL)],
        ),
        store=store,
        progress=False,
    )
    assert (result.status, result.succeeded) == ("succeeded", 8)
    rows = await stored(store, result.run_id)
    for (arm, _), row in rows.items():
        if arm == "conditioned":
            assert row["output"]["offered"] == [] and "holds no behaviours" in row["output"]["note"]
            assert row["citations"] == {"offered": 0.0, "cited": 0.0}


def test_a_missing_handbook_is_refused_before_the_run_starts(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'e.db'}"
    out = ethos(
        "--db",
        db,
        "eval",
        "run",
        "handbook/reuse",
        "-m",
        MODEL,
        "-T",
        "handbook=nope",
        "-T",
        "limit=2",
    )
    assert out.returncode == 2, out.stderr
    assert "there is no handbook 'nope' for the conditioned arm" in out.stderr
    assert "Traceback" not in out.stderr
    listed = ethos("--db", db, "runs", "list", "--json")
    assert listed.returncode != 0 or json.loads(listed.stdout or "[]") == []


async def test_the_demo_step_learns_lists_and_reuses_behaviours(store: Store) -> None:
    from rich.console import Console

    from ethos.evals.handbook.demo import HANDBOOK, QUESTION_ID, handbook_demo, print_handbook_demo

    found = await handbook_demo(store)
    assert found.added and found.cited == ["behavior_common_denominator_then_reduce"]
    assert found.correct and found.cited[0] in found.answer
    train = {s.sample_id for s in await store.samples(found.train_run)}
    stored = {b.name: b for b in await list_behaviors(store, HANDBOOK)}
    assert set(found.added) <= set(stored)
    for behavior in stored.values():  # every behaviour traces back to the demo's own run
        assert {p.run_id for p in behavior.provenance} == {found.train_run}
        assert {p.sample_id for p in behavior.provenance} <= train
    cited = stored["behavior_common_denominator_then_reduce"]
    assert (cited.cited, cited.outcome_mean) == (1, 1.0)
    sample = await store.find_sample(found.answer_run, QUESTION_ID)
    phases = [e.data["phase"] async for e in store.transcript(sample.id) if e.kind == "handbook"]
    assert phases == ["retrieved", "cited"]

    console = Console(record=True, width=200)
    assert print_handbook_demo(console, found) is False
    shown = console.export_text()
    assert "behaviour handbook" in shown and "script/handbook-solver (scripted" in shown
    assert "cited: behavior_common_denominator_then_reduce; right" in shown
    assert all(name in shown for name in stored)


async def test_both_second_attempts_get_the_same_budget_and_a_failed_extraction_says_why() -> None:
    from ethos.handbook.self_improve import Attempt, behavior_guided, caller, critique_and_revise
    from ethos.models.script import Script, register_script

    def respond(request: Any) -> str:
        if request.schema is not None:  # the curator's structured replies: never valid
            return "no JSON here"
        return "Checked again.\nAnswer: 7"

    model = register_script("si-broken-curator", Script(respond))
    budgets: list[int | None] = []
    plain = caller(model)

    async def complete(messages: Any, **kwargs: Any) -> Any:
        budgets.append(kwargs.get("max_tokens"))
        return await plain(messages, **kwargs)

    no_answer = Attempt(text="   ", output_tokens=0)
    improved = await behavior_guided(
        "What is 3+4?", no_answer, complete, curator=model, max_tokens=32
    )
    assert improved.skipped == "the trace has no answer" and improved.behaviors == ()
    assert improved.second.offered == () and improved.second.text.endswith("Answer: 7")
    assert improved.extraction_tokens == 0

    wrong = Attempt(text="3 + 4 = 8.\nAnswer: 8", output_tokens=6)
    improved = await behavior_guided("What is 3+4?", wrong, complete, curator=model, max_tokens=32)
    # JSON failed, then the plain-line fallback found no behaviour line: both said
    assert (improved.skipped or "").startswith(
        "the curator wrote no behavior_<name>: <instruction> line (after its JSON failed: "
    )
    assert "text received: 'no JSON here'" in (improved.skipped or "")
    assert improved.behaviors == () and improved.method == "self_improve"

    revised = await critique_and_revise("What is 3+4?", wrong, complete, max_tokens=32)
    assert revised.method == "critique_revise" and revised.second.text.endswith("Answer: 7")
    assert revised.output_tokens == 6 + revised.second.output_tokens  # no extraction
    assert budgets == [32, 32, 32]  # every second attempt at the same budget


async def test_a_plain_line_curator_is_never_asked_for_json() -> None:
    """-T curation=lines: a small model's self-improvement extraction skips
    the typed calls, whose failed JSON (and its repair round) it would
    otherwise write, and be charged for, on every sample."""
    from ethos.handbook.self_improve import Attempt, behavior_guided, caller
    from ethos.models.script import Script, register_script

    typed: list[str] = []

    def respond(request: Any) -> str:
        if request.schema is not None:
            typed.append("no JSON here")
            return "no JSON here"
        if request.messages[-2:-1] and request.messages[-2]["role"] == "assistant":
            return "behavior_add_before_answering: Add the parts, then check the total."
        return "Right, but slow.\nAnswer: 7"

    model = register_script("si-lines-curator", Script(respond))
    wrong = Attempt(text="3 + 4 = 8.\nAnswer: 8", output_tokens=6)
    lines = await behavior_guided(
        "What is 3+4?", wrong, caller(model), curator=model, output_format="lines"
    )
    assert typed == [] and lines.skipped is None
    assert [b.name for b in lines.behaviors] == ["behavior_add_before_answering"]
    auto = await behavior_guided("What is 3+4?", wrong, caller(model), curator=model)
    assert typed and [b.name for b in auto.behaviors] == ["behavior_add_before_answering"]
    assert auto.extraction_tokens > lines.extraction_tokens  # the failed JSON was paid for
    with pytest.raises(TaskError, match="curation must be one of auto, json, lines, not 'xml'"):
        reuse(curation="xml")


async def test_a_redone_conditioned_sample_counts_its_retrievals_and_citations_once(
    store: Store, tmp_path: Path
) -> None:
    """A resumed run redoes a sample whose score was never committed: its
    solver runs again, and the handbook's counters must not move twice."""
    from ethos.evals.handbook.problems import check
    from ethos.evals.task import SolverContext
    from ethos.handbook.behavior import BehaviorDraft
    from ethos.handbook.store import add_behaviors
    from ethos.recording import run_scope

    problem = next(p for p in subset("test", 3) if p.category == "fractions")
    await add_behaviors(
        store,
        "math",
        [
            BehaviorDraft(
                name="common denominator then reduce",
                instruction="Put fractions over their least common denominator before adding "
                "them, then reduce the result.",
            )
        ],
        embedder=None,
    )
    task = reuse(
        problems=str(write_jsonl(tmp_path / "one.jsonl", [problem])),
        handbook="math",
        retrieval="bm25",
    )
    sample = task.samples[0]
    arm = Arm(name="m", model=MODEL, options={"method": "conditioned"})
    run = await store.create_run("handbook-redo")
    row = await store.record_sample(run.id, sample.id, status="running", input=sample.input)
    outputs = []
    for attempt in (1, 2):  # the second: the same sample redone after a kill
        ctx = SolverContext(arm=arm, epoch=0, seed=1, attempt=attempt)
        with run_scope(store, run.id, sample_pk=row.id, attempt=attempt) as scope:
            outputs.append(await task.solver(sample, ctx))
            await scope.written()
    assert outputs[0]["cited"] == outputs[1]["cited"] == ["behavior_common_denominator_then_reduce"]
    (behavior,) = await list_behaviors(store, "math")
    right = 1.0 if check(outputs[0]["answer"], str(sample.target)) else 0.0
    assert (behavior.retrieved, behavior.cited, behavior.outcome_mean) == (1, 1, right)
