"""A model judges the near-duplicates the embedding is unsure of
(``add_behaviors(..., judge=MODEL)``, ``ethos handbook extract --judge``).

TEST DOUBLES here: the judge is a scripted model (``script/test-judge``)
that answers what each test tells it to, and the embedder places each
behaviour at a chosen similarity to the first one, so that a pair falls in
the judge's band or outside it by construction. The answers they produce
say nothing about any model's judgement; what is asserted is what the
handbook does with them: which pairs are sent, whose decision stands, and
what the provenance records.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from ethos.handbook import store as handbook_store
from ethos.handbook.behavior import BehaviorDraft, Provenance
from ethos.handbook.dedup import DEFAULT_RULE, DedupRule, judged
from ethos.handbook.judge import parse_verdict
from ethos.handbook.store import add_behaviors, list_behaviors
from ethos.models.script import Script, ScriptRequest, register_script
from tests.test_handbook_cli import handbook, run

KEPT = ("behavior_list_the_givens", "Write down every given quantity before starting.")
# similarity to KEPT, by construction of the placed embedder below
IN_BAND = ("behavior_note_the_data", "Note each known value at the outset.")
ABOVE = ("behavior_record_the_givens", "Record every given quantity before you start.")
BELOW = ("behavior_draw_a_sketch", "Sketch the situation described in the question.")
SIMILARITY = {KEPT[1]: 1.0, IN_BAND[1]: 0.6, ABOVE[1]: 0.9, BELOW[1]: 0.2}


class PlacedEmbedder:
    """TEST DOUBLE: each known instruction (and any text holding it) gets a
    unit vector whose cosine with KEPT's is SIMILARITY[instruction]; the
    others are orthogonal to KEPT's and to each other."""

    name = "test-placed"
    dimension = 8

    def embed(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            found = [(i, s) for i, (t, s) in enumerate(SIMILARITY.items()) if t in text]
            index, sim = found[0]
            out[row, 0] = sim
            out[row, 1 + index] = math.sqrt(1.0 - sim * sim)
        return out


class Judge:
    """TEST DOUBLE: ``script/test-judge`` answers ``reply`` and keeps the
    pairs it was asked about (the names in each prompt)."""

    def __init__(self) -> None:
        self.reply = "same"
        self.asked: list[tuple[str, str]] = []
        self.model = register_script("test-judge", Script(self.respond, description="test judge"))

    def respond(self, request: ScriptRequest) -> str:
        user = str(request.messages[-1]["content"])
        names = [line.split(": ", 1)[1] for line in user.splitlines() if line.startswith("Behav")]
        self.asked.append((names[0], names[1]))
        return self.reply


@pytest.fixture
def judge() -> Judge:
    return Judge()


def draft(name: str, instruction: str, sample: str) -> BehaviorDraft:
    return BehaviorDraft(
        name=name,
        instruction=instruction,
        provenance=[Provenance(source="file", path="t.jsonl", sample_id=sample)],
    )


async def add_pair(store, second: tuple[str, str], judge_model: str | None):
    embedder = PlacedEmbedder()
    await add_behaviors(store, "maths", [draft(*KEPT, "1")], embedder=embedder)
    return await add_behaviors(
        store, "maths", [draft(*second, "2")], embedder=embedder, judge=judge_model
    )


def test_parse_verdict_reads_the_first_telling_word() -> None:
    assert parse_verdict("Same.") == "same"
    assert parse_verdict("They are different steps") == "different"
    assert parse_verdict("No, A is not the same as B") == "different"
    assert parse_verdict("They are not identical.") == "different"
    assert parse_verdict("same or different") == "unparseable"
    assert parse_verdict("I think A is about data") == "unparseable"


def test_the_band_decides_only_between_its_ends() -> None:
    rule = DedupRule(cosine=0.555, judge_low=0.4, judge_high=0.8)
    assert judged(0.5, "same", rule) is True  # in the band: the judge's answer
    assert judged(0.7, "different", rule) is False
    assert judged(0.5, "unparseable", rule) is False  # the threshold: 0.5 < 0.555
    assert judged(0.7, "failed", rule) is True
    assert judged(0.85, "different", rule) is True  # above the band: never asked
    assert judged(0.3, "same", rule) is False  # below it
    with pytest.raises(ValueError, match="must hold the threshold"):
        DedupRule(cosine=0.9, judge_low=0.4, judge_high=0.8)
    assert DEFAULT_RULE.in_band(0.6) and not DEFAULT_RULE.in_band(0.9)


async def test_a_pair_in_the_band_is_decided_by_the_judge(store, judge) -> None:
    report = await add_pair(store, IN_BAND, judge.model)
    assert judge.asked == [(IN_BAND[0], KEPT[0])]
    assert [(m.draft, m.into, m.judge) for m in report.merged] == [
        (IN_BAND[0], KEPT[0], judge.model)
    ]
    assert report.judge_answers == {"same": 1}
    (kept,) = await list_behaviors(store, "maths")
    assert kept.instruction == KEPT[1]
    assert [(p.sample_id, p.judge) for p in kept.provenance] == [("1", None), ("2", judge.model)]


async def test_the_judge_keeps_apart_what_the_threshold_would_merge(store, judge) -> None:
    judge.reply = "Different."
    report = await add_pair(store, IN_BAND, judge.model)  # 0.6 >= 0.555: merged without it
    assert report.added == [IN_BAND[0]] and report.merged == []
    assert report.judge_answers == {"different": 1}


async def test_outside_the_band_the_judge_is_not_asked(store, judge) -> None:
    judge.reply = "different"
    above = await add_pair(store, ABOVE, judge.model)
    below = await add_pair(store, BELOW, judge.model)
    assert judge.asked == []
    assert [m.draft for m in above.merged] == [ABOVE[0]] and above.merged[0].judge is None
    assert below.added == [BELOW[0]]


async def test_an_unparseable_answer_keeps_the_embedding_decision(store, judge) -> None:
    judge.reply = "Behaviour A is about data."
    report = await add_pair(store, IN_BAND, judge.model)
    assert judge.asked == [(IN_BAND[0], KEPT[0])]
    assert [(m.draft, m.judge) for m in report.merged] == [(IN_BAND[0], None)]
    assert report.judge_answers == {"unparseable": 1}
    (kept,) = await list_behaviors(store, "maths")
    assert [p.judge for p in kept.provenance] == [None, None]


async def test_a_failing_judge_keeps_the_embedding_decision(store) -> None:
    report = await add_pair(store, IN_BAND, "script/no-such-judge")
    assert [(m.draft, m.judge) for m in report.merged] == [(IN_BAND[0], None)]
    assert report.judge_answers == {"failed": 1}


async def test_a_pair_met_only_under_the_lock_is_decided_by_the_threshold(
    store, judge, monkeypatch
) -> None:
    """A row another writer stored after the judge was asked (simulated: the
    judge's pass found nothing to ask) is not judged under the lock: the
    threshold decides it and the report lists it."""

    async def nothing_asked(*args, **kwargs) -> dict:
        return {}

    monkeypatch.setattr(handbook_store, "_ask_judge", nothing_asked)
    report = await add_pair(store, IN_BAND, judge.model)
    assert judge.asked == []
    assert [m.draft for m in report.merged] == [IN_BAND[0]]  # 0.6 >= 0.555
    assert report.judge_unasked == [f"{IN_BAND[0]} ~ {KEPT[0]}"]


async def test_drafts_of_one_call_are_judged_against_each_other(store, judge) -> None:
    judge.reply = "different"
    report = await add_behaviors(
        store,
        "maths",
        [draft(*KEPT, "1"), draft(*IN_BAND, "2")],
        embedder=PlacedEmbedder(),
        judge=judge.model,
    )
    assert judge.asked == [(IN_BAND[0], KEPT[0])]
    assert report.added == [KEPT[0], IN_BAND[0]]


# -- the command line ------------------------------------------------------------------


def _curator() -> str:
    """TEST DOUBLE: a curator that extracts KEPT from the first problem and
    IN_BAND from the second."""

    def respond(request: ScriptRequest) -> str:
        title = (request.schema or {}).get("title")
        if title == "Reflection":
            return json.dumps({"correct": True, "mistakes": "", "shortcuts": []})
        second = "second problem" in str(request.messages[-1]["content"])
        name, instruction = IN_BAND if second else KEPT
        return json.dumps({"behaviors": [{"name": name, "instruction": instruction}]})

    return register_script("judge-test-curator", Script(respond, description="test curator"))


def _traces(tmp_path: Path) -> str:
    path = tmp_path / "two.jsonl"
    lines = [{"question": "The first problem.", "answer": "1"}]
    lines.append({"question": "The second problem.", "answer": "2"})
    path.write_text("".join(json.dumps(x) + "\n" for x in lines))
    return str(path)


@pytest.fixture
def placed(monkeypatch) -> None:
    monkeypatch.setattr("ethos.handbook.embedder.default_embedder", PlacedEmbedder)
    handbook_store._candidates.clear()


def test_extract_with_a_judge_names_it_in_the_report_and_provenance(
    capsys, tmp_path, judge, placed
) -> None:
    db, curator = str(tmp_path / "j.db"), _curator()
    traces = _traces(tmp_path)
    code, out, err = handbook(
        capsys, db, "extract", traces, "-m", curator, "--concurrency", "1", "--judge", judge.model
    )
    assert code == 0, err
    assert f"judge {judge.model}: asked about 1 pair(s) (1 same)" in out
    assert f"{IN_BAND[0]} merged into {KEPT[0]} (judged by {judge.model})" in out
    code, out, _ = handbook(capsys, db, "show", KEPT[0], "--json")
    shown = json.loads(out)
    assert [p.get("judge") for p in shown["provenance"]] == [None, judge.model]


def test_an_unknown_judge_is_one_line_exit_2_and_stores_nothing(capsys, tmp_path, placed) -> None:
    db, curator = str(tmp_path / "j.db"), _curator()
    traces = _traces(tmp_path)
    code, _, _ = handbook(capsys, db, "extract", traces, "-m", curator, "--concurrency", "1")
    assert code == 0
    before = handbook(capsys, db, "list", "--json")
    code, _, err = handbook(
        capsys, db, "extract", traces, "-m", curator, "--judge", "nosuchprovider/judge"
    )
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and "--judge" in err
    assert handbook(capsys, db, "list", "--json") == before
    code, _, err = run(
        capsys,
        "--db",
        db,
        "handbook",
        "extract",
        traces,
        "-m",
        curator,
        "--judge",
        "script/no-such-judge",
    )
    assert code == 2 and "no script named 'no-such-judge'" in err


# -- the benchmark ------------------------------------------------------------------------


def _benchmark():
    from tests.test_handbook_dedup import _benchmark

    return _benchmark()


def test_the_benchmark_sends_only_the_band_to_the_judge(judge) -> None:
    """Four made-up pairs (TEST DOUBLE figures: placed similarities, a
    scripted judge that says different): only the two in the band are
    sent, and its answer decides them; an equal name and a pair above the
    band merge without a call."""
    bench = _benchmark()
    judge.reply = "different"
    sims = np.array([0.9, 0.6, 0.5, 0.2])
    p = bench.Pairs(
        x=np.stack([sims, sims, sims, sims, sims], axis=1),
        vectors=np.zeros((4, 1)),
        veto=np.zeros(4, bool),
        equal_name=np.array([False, False, False, True]),
        y=np.array([True, False, True, True]),
        copy=np.zeros(4, bool),
    )
    texts = [((f"behavior_a{i}", "Do a."), (f"behavior_b{i}", "Do b."), True) for i in range(4)]
    pred, answers = bench.judge_decisions(p, texts, DEFAULT_RULE, judge.model)
    assert judge.asked == [("behavior_a1", "behavior_b1"), ("behavior_a2", "behavior_b2")]
    assert answers == {"different": 2}
    assert pred.tolist() == [True, False, False, True]
