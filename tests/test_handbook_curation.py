"""Curation end to end on scripted models (labelled: script/test-curator is
a test double): traces of a stored run (input, transcript, output, scores)
and of a JSONL file in, behaviours stored with provenance, retrieval
returns them; and the bad inputs: a trace with no answer, a failed sample,
a behaviour without an instruction, a malformed file, a curator whose
replies are not JSON."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from ethos.errors import EthosError
from ethos.handbook.behavior import HandbookNotFoundError, Provenance
from ethos.handbook.curation import (
    behaviors_of_trace,
    extract_from_jsonl,
    extract_from_run,
    parse_behavior_lines,
)
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
    found = await behaviors_of_trace("What is 1/2 + 1/3?", "5/6", model=model, output_format="json")
    assert found.behaviors == []
    assert found.skipped.startswith("the curator failed: ")
    # the failed reflection (a call and its repair round) was paid for: its tokens count
    from ethos.models import acomplete

    one = await acomplete(model, [{"role": "user", "content": "hi"}])
    assert one.usage.output_tokens > 0
    assert found.output_tokens == 2 * one.usage.output_tokens
    no_answer = await behaviors_of_trace("What is 1/2 + 1/3?", "   ", model=model)
    assert no_answer.skipped == "the trace has no answer"
    # by default the plain-line format is tried next: chat there is no behaviour either
    auto = await behaviors_of_trace("What is 1/2 + 1/3?", "5/6", model=model)
    assert auto.behaviors == [] and auto.output_format == "lines"
    assert auto.skipped.startswith("the curator wrote no behavior_<name>: <instruction> line")
    assert "after its JSON failed" in auto.skipped
    assert auto.dropped == ["not a behavior_<name>: <instruction> line: I would rather chat."]
    assert auto.output_tokens == 4 * one.usage.output_tokens  # two typed rounds, review, lines
    with pytest.raises(EthosError, match="unknown curation format 'xml'"):
        await behaviors_of_trace("q", "a", model=model, output_format="xml")  # type: ignore[arg-type]


SMALL_MODEL_LINES = """Here are the behaviors:
1. **behavior_convert_units_first**: Convert every quantity to one unit before adding them.
- Behaviour Check Answer - Put the answer back into the problem to see that it fits.
name: behavior_estimate_first
instruction: Estimate the size of the answer before computing it exactly.
behavior_<short_name_in_snake_case>: <one sentence saying what to do>
behavior_check_the_question_again: Read the question once more before giving the final answer.
behavior_convert_units_first: Convert all units first.

I hope this helps!
"""


def test_plain_lines_are_read_leniently_and_every_dropped_line_says_why() -> None:
    pairs, dropped = parse_behavior_lines(SMALL_MODEL_LINES)
    assert pairs == [
        ("behavior_convert_units_first", "Convert every quantity to one unit before adding them."),
        ("behavior_check_answer", "Put the answer back into the problem to see that it fits."),
        ("behavior_estimate_first", "Estimate the size of the answer before computing it exactly."),
    ]
    assert [d.split(":")[0] for d in dropped] == [
        "not a behavior_<name>",
        "the format's placeholder, not a behaviour",
        "a copy of the format's example",
        "a name given twice",
        "not a behavior_<name>",
    ]
    assert dropped[0].endswith("Here are the behaviors:")
    _, capped = parse_behavior_lines(SMALL_MODEL_LINES, limit=1)
    assert sum(d.startswith("past the 1 behaviours asked for") for d in capped) == 2


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=60).filter(lambda t: "\n" not in t and "\r" not in t)))
@example([">", "---", "**"])  # decoration only: found by a randomised run, once ignored silently
def test_every_plain_line_becomes_a_behaviour_or_is_reported(lines: list[str]) -> None:
    """Whatever a model writes, each non-blank line is either read or listed
    as dropped (here without the two-line name/instruction form)."""
    lines = [x for x in lines if not re.match(r"^\W*(name|instruction)\s*[:=]", x, re.I)]
    lines = [x for x in lines if not re.match(r"^\W*behaviou?r_\w+\W*$", x, re.I)]  # a name alone
    text = "\n".join(lines)
    pairs, dropped = parse_behavior_lines(text, limit=100)
    assert len(pairs) + len(dropped) == sum(bool(x.strip()) for x in text.splitlines())


def test_a_name_alone_takes_the_next_prose_line_as_its_instruction() -> None:
    """SmolLM2-135M wrote this form for 4 of 20 traces of its own run (a
    name line ending in a colon, the sentence under it); both lines were
    dropped before."""
    written = (
        "behavior_divide_the_whole_number_by_the_remainder:\n"
        "To find the remainder, divide the whole number and keep what is left.\n"
        "The remainder is the last digit of the quotient.\n"
        "behavior_write_the_remark_to_the_end:\n"
        "behavior_check_units: Check the units.\n"
        "behavior_round_last:\n"
        "instruction: Round only the final answer.\n"
        "behavior_dangling:"
    )
    pairs, dropped = parse_behavior_lines(written)
    assert pairs == [
        (
            "behavior_divide_the_whole_number_by_the_remainder",
            "To find the remainder, divide the whole number and keep what is left.",
        ),
        ("behavior_check_units", "Check the units."),
        ("behavior_round_last", "Round only the final answer."),
    ]
    assert dropped == [
        "not a behavior_<name>: <instruction> line: "
        "The remainder is the last digit of the quotient.",
        "a name with no instruction: behavior_write_the_remark_to_the_end",
        "a name with no instruction: behavior_dangling",
    ]


def test_the_plain_line_prompt_shows_one_worked_exchange_whose_lines_are_not_learned() -> None:
    """SmolLM2-135M, told the format only in the system prompt, wrote prose
    for all 4 traces of its own run; shown one exchange it writes lines. What
    it copies from that exchange is dropped as a copy, not learned."""
    from ethos.handbook import prompts
    from ethos.handbook.curation import _lines_messages

    messages = _lines_messages("Convert 2 km to metres.", "2000", "Right.", 5)
    assert [m["role"] for m in messages] == ["system", "user", "assistant", "user"]
    assert messages[1]["content"].startswith(f"Problem:\n{prompts.LINES_SHOT_QUESTION}")
    assert messages[2]["content"] == prompts.LINES_SHOT_ANSWER
    assert messages[3]["content"].startswith("Problem:\nConvert 2 km to metres.")
    copied = prompts.LINES_SHOT_ANSWER + "\nbehavior_convert_first: Convert units first."
    pairs, dropped = parse_behavior_lines(copied)
    assert pairs == [("behavior_convert_first", "Convert units first.")]
    assert [d.split(":")[0] for d in dropped] == ["a copy of the format's example"] * 2


def _small_curator(request) -> str:
    """TEST DOUBLE of a small model: no JSON, but plain lines when asked."""
    if request.schema:
        return "Sure! Here is the JSON you asked for: {behaviors: [convert units"
    system = str(request.messages[0].get("content", ""))
    if "one behaviour a line" in system:
        return SMALL_MODEL_LINES
    return "The answer is right. Converting the kilometres first would have been shorter."


async def test_a_curator_that_cannot_write_json_is_read_in_plain_lines(store, tmp_path) -> None:
    model = register_script("small-curator", Script(_small_curator, description="small curator"))
    path = tmp_path / "solved.jsonl"
    path.write_text(
        json.dumps(
            {"id": "rope", "question": "A rope is 2 km and 300 m. Metres?", "answer": "2300"}
        )
        + "\n"
    )
    report = await extract_from_jsonl(store, path, model=model, handbook="small")
    assert (report.used, report.line_format, report.output_format) == (1, 1, "auto")
    assert len(report.dropped) == 5 and report.dropped[0].startswith("solved.jsonl:1: not a")
    stored = {b.name: b for b in await list_behaviors(store, "small")}
    assert set(stored) == {
        "behavior_convert_units_first",
        "behavior_check_answer",
        "behavior_estimate_first",
    }
    assert stored["behavior_check_answer"].provenance == [
        Provenance(source="file", path=str(path), sample_id="rope", model=model)
    ]
    # asked for lines from the start: no typed call is made
    lines_only = await extract_from_jsonl(
        store, path, model=model, handbook="small2", output_format="lines"
    )
    assert lines_only.line_format == 1 and len(lines_only.added) == 3


async def test_an_unknown_run_is_a_typed_error(store, curator) -> None:
    model, _ = curator
    with pytest.raises(EthosError, match="no run"):
        await extract_from_run(store, "feedfacefeedface", model=model, handbook="maths")
