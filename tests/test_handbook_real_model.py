"""The behaviour handbook on a real small model, SmolLM2-135M-Instruct.

What the scripted end-to-end test (tests/test_handbook_reuse.py) shows with
a test double, here with a model whose words nobody wrote: SmolLM2 answers
four of the built-in problems in a stored run, curates its own traces in
the plain-line format (it cannot write the typed JSON), the behaviours it
writes are stored with provenance naming that run, sample and model,
retrieval finds them for a related question, and a conditioned SmolLM2
answer has them in its prompt with the retrieval and its citations (any
number, zero included: a 135M model rarely cites) in the transcript.

Every generation is capped short so the test stays near a minute on a busy
two-core machine; what a 135M model writes is not asserted, only that each
line it wrote is accounted for.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest

import ethos.models
from ethos.db.store import Store
from ethos.evals.handbook.problems import CATEGORIES, load_problems
from ethos.evals.run import EvalConfig, run_eval
from ethos.evals.task import Arm
from ethos.handbook import curation, prompts
from ethos.handbook.curation import extract_from_run, parse_behavior_lines
from ethos.handbook.retrieval import retrieve
from ethos.handbook.store import list_behaviors

pytestmark = [pytest.mark.real_model, pytest.mark.slow]

BUDGET = 48  # output tokens of each answer: a trace, not a finished essay


def one_per_category(split: str, skip: int = 0) -> list[Any]:
    problems = load_problems(split=split)
    return [[p for p in problems if p.category == c][skip] for c in CATEGORIES]


def write(path: Path, problems: list[Any]) -> str:
    path.write_text("".join(json.dumps(asdict(p)) + "\n" for p in problems))
    return str(path)


async def test_smollm2_curates_its_own_traces_and_answers_with_them(
    smollm2: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = await Store.open(f"sqlite:///{tmp_path / 'ethos.db'}")
    try:
        await _pipeline(store, smollm2, tmp_path, monkeypatch)
    finally:
        await store.close()


async def _pipeline(
    store: Store, model: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 1. SmolLM2's own traces: four train problems, one of each kind, in a stored run
    train = one_per_category("train")
    first = await run_eval(
        EvalConfig(
            task="handbook/reuse",
            task_args={
                "problems": write(tmp_path / "train.jsonl", train),
                "arms": "none",
                "budget": BUDGET,
            },
            arms=[Arm(name="smollm2", model=model)],
        ),
        store=store,
        progress=False,
    )
    assert (first.status, first.succeeded, first.scripted) == ("succeeded", 4, False)

    # 2. SmolLM2 curates them in plain lines; every line it writes is kept or reported
    written: dict[str, str] = {}  # question -> the curator's plain-line answer to its trace
    real = ethos.models.acomplete

    async def spy(model_: str, messages: Any, **kwargs: Any) -> Any:
        answer = await real(model_, messages, **kwargs)
        if isinstance(messages, list) and any(
            m.get("content") == prompts.LINES_SHOT_ANSWER for m in messages
        ):
            written[messages[-1]["content"].split("\n")[1]] = answer.text
        return answer

    monkeypatch.setattr(ethos.models, "acomplete", spy)
    monkeypatch.setattr(curation, "REVIEW_MAX_TOKENS", 32)
    monkeypatch.setattr(curation, "LINES_MAX_TOKENS", 48)
    report = await extract_from_run(
        store, first.run_id, model=model, handbook="smol", output_format="lines"
    )
    assert (report.traces, report.line_format, report.scripted) == (4, 4, False)
    assert report.used + len(report.skipped) == 4 and len(written) == 4
    # what the report says adds up to what SmolLM2 wrote: each line read as (part of) a
    # behaviour, or dropped with why (a name alone takes the prose line under it)
    parsed = {q: parse_behavior_lines(text) for q, text in written.items()}
    drafts = len(report.added) + len(report.merged) + len(report.rejected)
    assert drafts == sum(len(pairs) for pairs, _ in parsed.values()), (written, report)
    assert len(report.dropped) == sum(len(why) for _, why in parsed.values())
    lines = sum(1 for text in written.values() for line in text.splitlines() if line.strip())
    assert drafts + len(report.dropped) <= lines <= 2 * drafts + len(report.dropped)
    question_of = {f"sample {p.id} epoch 0 arm none": p.question for p in train}
    for skipped in report.skipped:  # a trace that taught nothing says why, and what was dropped
        assert skipped.reason.startswith("the curator wrote no behavior_<name>"), skipped
        key = skipped.trace + ": "
        said = [d.removeprefix(key) for d in report.dropped if d.startswith(key)]
        assert said == parsed[question_of[skipped.trace]][1], (skipped, report.dropped)
    assert report.used >= 1, f"SmolLM2 wrote no usable behaviour: {written}"

    stored = {b.name: b for b in await list_behaviors(store, "smol")}
    assert set(report.added) == set(stored)
    category = {p.id: p.category for p in train}
    for behavior in stored.values():
        assert behavior.instruction.strip()
        for where in behavior.provenance:
            assert (where.source, where.run_id, where.model) == ("run", first.run_id, model)
            assert where.sample_id in category and where.arm == "none"

    # 3. retrieval: a test question of a kind SmolLM2 learned from returns its behaviours
    learned = {category[w.sample_id] for b in stored.values() for w in b.provenance}
    related = [p for p in one_per_category("test") if p.category in learned]
    found: dict[str, list[str]] = {}
    for p in related:
        hits = await retrieve(store, "smol", p.question, k=5, count=False)
        found[p.id] = [h.behavior.name for h in hits]
    assert set().union(*found.values()) <= set(stored)
    question = next((p for p in related if found[p.id]), None)
    assert question is not None, f"no related question retrieved a behaviour: {found}"
    offered = found[question.id]

    # 4. a conditioned SmolLM2 answer: behaviours in its prompt, the retrieval in its transcript
    result = await run_eval(
        EvalConfig(
            task="handbook/reuse",
            task_args={
                "problems": write(tmp_path / "test.jsonl", [question]),
                "arms": "conditioned",
                "handbook": "smol",
                "budget": BUDGET,
            },
            arms=[Arm(name="smollm2", model=model)],
        ),
        store=store,
        progress=False,
    )
    assert (result.status, result.succeeded) == ("succeeded", 2)
    sample = await store.find_sample(result.run_id, question.id, arm="conditioned")
    output = sample.output
    assert output["offered"] == offered
    events = [e async for e in store.transcript(sample.id)]
    handbook = [e.data for e in events if e.kind == "handbook"]
    assert [e["phase"] for e in handbook] == ["retrieved", "cited"]
    assert [b["name"] for b in handbook[0]["behaviors"]] == offered
    assert handbook[1]["offered"] == offered and handbook[1]["cited"] == output["cited"]
    [call] = [e.data for e in events if e.kind == "model_call"]
    system = call["messages"][0]["content"]
    for name in offered:
        assert f"- {name}: {stored[name].instruction.strip()}" in system
    assert set(output["cited"]) <= set(offered)  # what it cited, possibly nothing
    for name in output["cited"]:
        assert name in output["answer"].replace("behaviour_", "behavior_")
    after = {b.name: b for b in await list_behaviors(store, "smol")}
    for name in offered:  # counted once with the answer, cited or not
        assert after[name].retrieved == 1
        assert after[name].cited == (name in output["cited"])
