"""Curation end to end on scripted models (labelled: script/test-curator is
a test double): traces of a stored run (input, transcript, output, scores)
and of a JSONL file in, behaviours stored with provenance, retrieval
returns them; and the bad inputs: a trace with no answer, a failed sample,
a behaviour without an instruction, a malformed file, a curator whose
replies are not JSON."""

from __future__ import annotations

import json

import pytest

from ethos.errors import EthosError
from ethos.handbook.behavior import HandbookNotFoundError, Provenance
from ethos.handbook.curation import behaviors_of_trace, extract_from_jsonl, extract_from_run
from ethos.handbook.retrieval import retrieve
from ethos.handbook.store import get_behavior, list_behaviors
from ethos.models.script import Script, register_script, replies
from tests.support import handbook_curator

WORKING = "2 km is 2000 metres; 2000 + 300 = 2300 metres."


@pytest.fixture
def curator():
    """The scripted curator, with every prompt it was sent kept for the test."""
    seen: list[str] = []

    def respond(request):
        seen.append("\n".join(str(m.get("content")) for m in request.messages))
        return handbook_curator.respond(request)

    model = register_script("test-curator-seen", Script(respond, description="test curator"))
    return model, seen


async def _stored_run(store) -> str:
    run = await store.create_run("eval", name="maths")
    ok = await store.record_sample(
        run.id,
        "rope",
        input="A rope is 2 km and 300 metres long. How many metres?",
        output="2300",
    )
    await store.append_event(
        run.id,
        "model_call",
        {"model": "script/solver", "output": {"text": WORKING}},
        sample_pk=ok.id,
    )
    await store.record_score(run.id, ok.id, "match", 1.0)
    await store.record_sample(
        run.id, "cake", input="What is 1/3 + 1/4 as a fraction?", output={"answer": "7/12"}
    )
    await store.record_sample(run.id, "silent", input="What is 10% of 50?", output=None)
    await store.record_sample(
        run.id, "crashed", input="What is the mean of 2, 4?", status="failed", error="boom\nstack"
    )
    await store.record_sample(
        run.id, "blank", input="A blank page: what is 3/5 of 10 grams?", output="6 grams"
    )
    await store.finish_run(run.id)
    return run.id


async def test_a_run_becomes_behaviours_with_provenance_that_retrieval_returns(
    store, curator
) -> None:
    model, seen = curator
    run_id = await _stored_run(store)
    report = await extract_from_run(store, run_id, model=model, handbook="maths")
    assert report.scripted and report.traces == 5 and report.used == 3
    assert {(s.trace.split()[1], s.reason.split(" (")[0]) for s in report.skipped} == {
        ("silent", "the trace has no answer"),
        ("crashed", "the sample did not succeed"),
    }
    assert report.rejected == [
        "sample blank epoch 0: behaviour 'behavior_blank': instruction: "
        "a behaviour needs an instruction (one or two sentences)"
    ]
    names = {b.name: b for b in await list_behaviors(store, "maths")}
    assert set(names) <= {n for _, (_, ws) in handbook_curator.TOPICS.items() for n, _ in ws}
    assert {t for b in names.values() for t in b.tags} == {"units", "fractions"}
    # provenance: the run, the sample, the curator
    sources = {p.sample_id: p for b in names.values() for p in b.provenance}
    assert set(sources) == {"rope", "cake", "blank"}
    assert sources["rope"] == Provenance(
        source="run", run_id=run_id, sample_id="rope", epoch=0, model=model
    )
    # the curator saw the transcript's working and the grader's score
    rope_prompts = [p for p in seen if "A rope is 2 km" in p]
    assert any(WORKING in p and '"match": 1' in p for p in rope_prompts)
    # retrieval brings the learned behaviour back for a new problem of its kind
    found = await retrieve(store, "maths", "What is 2/9 + 1/6?", k=1)
    assert found[0].behavior.tags == ["fractions"]
    assert found[0].behavior.provenance[0].run_id == run_id
    assert (await get_behavior(store, "maths", found[0].behavior.name)).retrieved == 1


async def test_a_jsonl_file_of_solutions(store, curator, tmp_path) -> None:
    model, _ = curator
    path = tmp_path / "solved.jsonl"
    path.write_text(
        json.dumps({"id": "q1", "question": "What is 25% of 80?", "solution": "0.25*80 = 20"})
        + "\n\n"
        + json.dumps({"question": "What is the average of 3 and 5?", "answer": "4"})
        + "\n"
        + json.dumps({"question": "What is 7 km in metres?"})
        + "\n"
    )
    report = await extract_from_jsonl(store, path, model=model, handbook="maths")
    assert (report.traces, report.used) == (3, 2)
    assert [(s.trace, s.reason) for s in report.skipped] == [
        ("solved.jsonl:4", "the trace has no answer")
    ]
    sources = {p.sample_id: p for b in await list_behaviors(store, "maths") for p in b.provenance}
    assert sources["q1"] == Provenance(source="file", path=str(path), sample_id="q1", model=model)
    assert "line 3" in sources


async def test_a_malformed_file_is_one_error_and_stores_nothing(store, curator, tmp_path) -> None:
    model, seen = curator
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps({"question": "What is 1/2 + 1/3?", "answer": "5/6"}) + "\n{oops\n")
    with pytest.raises(EthosError, match=r"bad\.jsonl:2 is not JSON"):
        await extract_from_jsonl(store, path, model=model, handbook="maths")
    assert seen == []  # checked before any model call
    with pytest.raises(HandbookNotFoundError):
        await list_behaviors(store, "maths")
    path.write_text(json.dumps({"answer": "5/6"}) + "\n")
    with pytest.raises(EthosError, match=r"bad\.jsonl:1 has no question"):
        await extract_from_jsonl(store, path, model=model, handbook="maths")


async def test_a_curator_that_never_answers_json_skips_the_trace() -> None:
    model = register_script("not-json-curator", replies("I would rather chat.", cycle=True))
    found = await behaviors_of_trace("What is 1/2 + 1/3?", "5/6", model=model)
    assert found.behaviors == []
    assert found.skipped.startswith("the curator failed: ")
    # the failed reflection (a call and its repair round) was paid for: its tokens count
    from ethos.models import acomplete

    one = await acomplete(model, [{"role": "user", "content": "hi"}])
    assert one.usage.output_tokens > 0
    assert found.output_tokens == 2 * one.usage.output_tokens
    no_answer = await behaviors_of_trace("What is 1/2 + 1/3?", "   ", model=model)
    assert no_answer.skipped == "the trace has no answer"


async def test_an_unknown_run_is_a_typed_error(store, curator) -> None:
    model, _ = curator
    with pytest.raises(EthosError, match="no run"):
        await extract_from_run(store, "feedfacefeedface", model=model, handbook="maths")
