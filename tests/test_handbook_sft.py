"""The behaviour-conditioned SFT export: for each question, the answer
written with the handbook's behaviours in context (the behaviours kept out
of the stored input) and the plain answer beside it, same ids, same order.
The teacher is ``script/handbook-solver``, a TEST DOUBLE with known rules."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ethos.db.store import Store
from ethos.evals.handbook import scripted
from ethos.evals.handbook.problems import CATEGORIES, check, load_problems
from ethos.handbook.behavior import BehaviorDraft, Provenance
from ethos.handbook.sft import SftError, baseline_path, export_sft, load_questions
from ethos.handbook.store import add_behaviors, ensure_handbook, list_behaviors


def drafts() -> list[BehaviorDraft]:
    return [
        BehaviorDraft(
            name=name,
            instruction=instruction,
            tags=[kind],
            provenance=[Provenance(source="manual")],
        )
        for kind, _, name, instruction in scripted.BEHAVIORS
    ]


def questions(per_category: int = 2) -> list[dict[str, Any]]:
    problems = load_problems(split="test")
    picked = [
        p for c in CATEGORIES for p in [q for q in problems if q.category == c][:per_category]
    ]
    return [{"id": p.id, "question": p.question, "answer": p.answer} for p in picked]


def read(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


async def test_the_export_holds_conditioned_answers_without_behaviours_in_the_input(
    store: Store, tmp_path: Path
) -> None:
    await add_behaviors(store, "math", drafts(), embedder=None)
    model = scripted.register()
    items = questions()
    out = tmp_path / "bc.jsonl"
    report = await export_sft(store, "math", items, out, model=model, embedder=None)

    conditioned, plain = read(out), read(baseline_path(out))
    assert report.baseline == tmp_path / "bc.baseline.jsonl" and report.written == len(items) == 8
    assert [r["id"] for r in conditioned] == [r["id"] for r in plain] == [q["id"] for q in items]
    cited_counts: dict[str, int] = {}
    for q, c, p in zip(items, conditioned, plain, strict=True):
        # the input is the question alone, in both corpora
        assert c["messages"][0] == p["messages"][0] == {"role": "user", "content": q["question"]}
        assert [m["role"] for m in c["messages"]] == ["user", "assistant"]
        answer, base = c["messages"][1]["content"], p["messages"][1]["content"]
        offered = c["meta"]["offered"]
        assert "behavior_" not in base and "offered" not in p["meta"]
        if offered:  # the teacher wrote with behaviours in context and cited one
            assert c["meta"]["cited"] and c["meta"]["cited"][0] in answer
            assert len(answer.split()) < len(base.split())
            for name in c["meta"]["cited"]:
                cited_counts[name] = cited_counts.get(name, 0) + 1
        else:
            assert answer == base
        assert c["meta"]["correct"] is check(answer, q["answer"])
        assert p["meta"]["correct"] is check(base, q["answer"])
        assert c["meta"]["scripted"] is True and c["meta"]["handbook"] == "math"
    assert report.cited == cited_counts and sum(cited_counts.values()) >= 4
    assert report.without_behaviors == sum(1 for c in conditioned if not c["meta"]["offered"])
    assert report.conditioned_tokens < report.plain_tokens
    assert report.conditioned_correct == sum(c["meta"]["correct"] for c in conditioned)
    assert report.plain_correct == sum(p["meta"]["correct"] for p in plain)
    counted = {b.name: b.cited for b in await list_behaviors(store, "math") if b.cited}
    assert counted == cited_counts  # the teacher's citations, counted in the handbook


async def test_an_empty_handbook_gives_two_identical_corpora_and_says_so(
    store: Store, tmp_path: Path
) -> None:
    await ensure_handbook(store, "empty")
    model = scripted.register()
    out = tmp_path / "bc.jsonl"
    report = await export_sft(store, "empty", questions(1), out, model=model, embedder=None)
    assert report.without_behaviors == report.written == 4 and report.cited == {}
    strip = [{**r, "meta": {}} for r in read(out)]
    assert strip == [{**r, "meta": {}} for r in read(baseline_path(out))]


async def test_questions_load_from_text_or_jsonl_and_bad_input_is_one_error(
    store: Store, tmp_path: Path
) -> None:
    text = tmp_path / "q.txt"
    text.write_text("How many metres in 2 km?\n\nWhat is 1/2 + 1/4?\n")
    assert [(q.id, q.question, q.answer) for q in load_questions(text)] == [
        ("q0001", "How many metres in 2 km?", None),
        ("q0002", "What is 1/2 + 1/4?", None),
    ]
    lines = tmp_path / "q.jsonl"
    lines.write_text('{"id": "a", "question": "2+2?", "answer": "4"}\n{"question": "3+3?"}\n')
    assert [(q.id, q.answer) for q in load_questions(lines)] == [("a", "4"), ("q0002", None)]

    model = scripted.register()
    await ensure_handbook(store, "math")
    for bad, says in [
        ([], "no questions"),
        ([{"answer": "4"}], "item 1 has no question"),
        ([{"id": "x", "question": "a"}, {"id": "x", "question": "b"}], "ids repeat"),
    ]:
        with pytest.raises(SftError, match=says):
            await export_sft(store, "math", bad, tmp_path / "o.jsonl", model=model)
    with pytest.raises(SftError, match="is a directory"):
        await export_sft(store, "math", ["2+2?"], tmp_path, model=model)
    with pytest.raises(SftError, match="no directory"):
        await export_sft(store, "math", ["2+2?"], tmp_path / "no" / "o.jsonl", model=model)
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"question": "a"\n')
    with pytest.raises(SftError, match=r"broken\.jsonl:1: not JSON"):
        load_questions(broken)
    assert not (tmp_path / "o.jsonl").exists()  # nothing half-written
