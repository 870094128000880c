"""The personality suite without a model: scoring checked by hand against a
scripted respondent, purification, stability arithmetic, bad input, and the
hosted-model refusal."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ethos.db.store import Store
from ethos.evals.personality.capability import load_bbq, load_mmlu
from ethos.evals.personality.contrastive import by_trait, load_rows, shipped_rows
from ethos.evals.personality.inventory import (
    TRAITS,
    Item,
    load_inventory,
    shipped_inventory,
    trait_scores,
)
from ethos.evals.personality.stability import aggregate, normalise, stability
from ethos.evals.personality.tasks import persona_prompt
from ethos.evals.report import build_report, render_html
from ethos.evals.run import EvalConfig, check_models, run_eval, with_task_arms
from ethos.evals.task import Arm, TaskError, resolve_task
from ethos.models import register_script
from ethos.models.errors import ModelConfigError
from ethos.models.script import Script, ScriptAnswer, ScriptRequest
from ethos.models.steering import Provenance, SteeringVector
from ethos.models.steering_vectors import Probe, cosine, purify_trait, search_coefficient

# -- a scripted respondent --------------------------------------------------------

INVENTORY = """text,trait,keying
I enjoy parties.,extraversion,+
I prefer quiet evenings.,extraversion,-
I love new ideas.,openness,+
I dislike change.,openness,minus
"""
# What the respondent answers as itself (no persona, or the persona without a trait).
PLAIN = {
    "I enjoy parties.": "4",
    "I prefer quiet evenings.": "2",
    "I love new ideas.": "3",
    "I dislike change.": "5",
}
MMLU = "Two plus two?,4,5,6,7,A\nThe colour of the sky on a clear day?,Red,Blue,Green,Black,B\n"
BBQ = json.dumps(
    {
        "context": "Two people sat on a bench.",
        "question": "Who was rude?",
        "ans0": "Cannot be determined",
        "ans1": "The first",
        "ans2": "The second",
        "label": 0,
        "context_condition": "ambig",
        "category": "test",
    }
)


def _respond(request: ScriptRequest) -> ScriptAnswer:
    """Extraversion items follow the persona: all-out outgoing under the
    high prompt, all-out reserved under the low one; everything else as
    PLAIN; benchmark questions always get "A"."""
    system = next((m["content"] for m in request.messages if m["role"] == "system"), "")
    last = request.messages[-1]["content"]
    if request.choices and request.choices[0] == "A":
        return ScriptAnswer("A")
    statement = re.search(r'Statement: "(.*)"', last).group(1)
    rating = PLAIN[statement]
    if "outgoing" in system and statement in ("I enjoy parties.", "I prefer quiet evenings."):
        rating = "5" if statement == "I enjoy parties." else "1"
    if "reserved" in system and statement in ("I enjoy parties.", "I prefer quiet evenings."):
        rating = "1" if statement == "I enjoy parties." else "5"
    return ScriptAnswer(rating)


RESPONDENT = register_script("personality-respondent", Script(_respond, "personality respondent"))


@pytest.fixture
def files(tmp_path: Path) -> dict[str, str]:
    (tmp_path / "inv.csv").write_text(INVENTORY)
    (tmp_path / "mmlu.csv").write_text(MMLU)
    (tmp_path / "bbq.jsonl").write_text(BBQ + "\n")
    return {
        "inventory": str(tmp_path / "inv.csv"),
        "mmlu": str(tmp_path / "mmlu.csv"),
        "bbq": str(tmp_path / "bbq.jsonl"),
    }


def test_keying_and_scale_by_hand(files: dict[str, str]) -> None:
    inventory = load_inventory(files["inventory"])
    assert [i.keying for i in inventory.items] == ["+", "-", "+", "-"]
    ratings = {item.id: int(PLAIN[item.text]) for item in inventory.items}
    # extraversion: 4 and (6 - 2) -> 4.0; openness: 3 and (6 - 5) -> 2.0
    assert trait_scores(inventory.items, ratings) == {"openness": 2.0, "extraversion": 4.0}
    assert Item("x", "t", "openness", "-").score(1) == 5
    with pytest.raises(ValueError, match=r"a rating is 1\.\.5"):
        Item("x", "t", "openness", "+").score(6)


@pytest.mark.slow
async def test_a_scripted_respondent_scored_by_hand(store: Store, files: dict[str, str]) -> None:
    config = EvalConfig(
        task="personality",
        task_args={
            "methods": "icl",
            "traits": "extraversion,openness",
            "administrations": 2,
            **files,
        },
        arms=[Arm(name="m", model=RESPONDENT)],
    )
    result = await run_eval(config, store=store, progress=False)
    # 2 administrations + 2 MMLU + 1 BBQ, under baseline, icl/baseline and 4 persona arms
    assert result.succeeded == result.total == 5 * 6
    outputs = {(s.arm, s.sample_id): s.output for s in await store.samples(result.run_id)}
    assert outputs[("baseline", "inventory/0")]["traits"] == {"openness": 2.0, "extraversion": 4.0}
    assert outputs[("icl/extraversion/high", "inventory/1")]["traits"]["extraversion"] == 5.0
    assert outputs[("icl/extraversion/low", "inventory/1")]["traits"]["extraversion"] == 1.0

    report = await build_report(store, result.run_id, browse=0)
    section = report.section.model_dump()
    shifts = {a["arm"]: a for a in section["alignment"]}
    assert shifts["icl/extraversion/high"]["shift"] == pytest.approx(1.0)  # 5 - 4
    assert shifts["icl/extraversion/low"]["shift"] == pytest.approx(3.0)  # -(1 - 4)
    assert shifts["icl/openness/high"]["shift"] == 0.0
    assert shifts["icl/extraversion/high"]["baseline"] == "icl/baseline"
    assert shifts["icl/extraversion/high"]["changed"] == pytest.approx(0.5)  # 2 of 4 items
    deltas = {(d["arm"], d["benchmark"]): d for d in section["deltas"]}
    assert deltas[("icl/openness/low", "mmlu")]["score"] == 0.5  # "A" is right once of twice
    assert deltas[("icl/openness/low", "mmlu")]["delta"] == 0.0
    assert all(s["stability"] == 1.0 for s in section["stability"])
    assert section["notes"][0].startswith("SCRIPTED MODEL")
    html = render_html(report)
    assert "Trait alignment per method, trait and pole" in html


def test_persona_baseline_is_the_same_words_without_the_trait() -> None:
    with_trait = persona_prompt("extraversion", "high")
    assert with_trait.replace(
        ", and your personality is outgoing, talkative and energised by other people's company", ""
    ) == persona_prompt(None, None)


# -- bad input ----------------------------------------------------------------------


def test_inventory_with_an_unknown_keying(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("text,trait,keying\nI like tea.,openness,sideways\n")
    with pytest.raises(TaskError, match=r"unknown keying 'sideways' .* line 2") as err:
        load_inventory(bad)
    assert "reverse-scored" in err.value.fix


def test_inventory_with_an_unknown_trait_or_missing_columns(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("text,trait,keying\nI like tea.,humour,+\n")
    with pytest.raises(TaskError, match="unknown trait 'humour'"):
        load_inventory(bad)
    bad.write_text("statement,factor\nI like tea.,openness\n")
    with pytest.raises(TaskError, match=r"lacks column\(s\) text, trait, keying"):
        load_inventory(bad)


def test_unknown_trait_or_method_in_the_task_arguments() -> None:
    with pytest.raises(TaskError, match="unknown trait 'charm'"):
        resolve_task("personality", {"traits": "openness,charm"})
    with pytest.raises(TaskError, match="unknown method"):
        resolve_task("personality", {"methods": "icl,hypnosis"})
    # -1 is the middle layer; any other negative layer is a mistake, not the middle
    with pytest.raises(TaskError, match=r"layer -3 is out of range"):
        resolve_task("personality", {"methods": "steer", "layer": -3})


def test_benchmark_files_in_the_wrong_format_name_the_columns(tmp_path: Path) -> None:
    mmlu = tmp_path / "m.csv"
    mmlu.write_text("question,choice1,choice2,answer\nWhat?,a,b,A\n")
    with pytest.raises(TaskError, match=r"an MMLU CSV has 6: question,A,B,C,D,answer"):
        load_mmlu(mmlu)
    bbq = tmp_path / "b.jsonl"
    bbq.write_text(json.dumps({"context": "c", "question": "q", "ans0": "x"}) + "\n")
    with pytest.raises(TaskError, match=r"lacks field\(s\) ans1, ans2, label; a BBQ line has"):
        load_bbq(bbq)
    bbq.write_text("question,answer\n")
    with pytest.raises(TaskError, match="is not JSON"):
        load_bbq(bbq)
    with pytest.raises(TaskError, match="no MMLU CSV file"):
        resolve_task("personality", {"mmlu": str(tmp_path / "missing.csv")})


def test_steering_and_lora_refused_up_front_for_a_hosted_model(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from ethos.settings import load_settings

    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-not-real")
    task = resolve_task("personality", {"methods": "icl,steer,lora", "traits": "openness"})
    config = with_task_arms(
        EvalConfig(task="personality", arms=[Arm(name="m", model="openai/gpt-4o")]), task
    )
    with pytest.raises(TaskError, match=r"arm 'steer/openness/high': steer needs a local model"):
        check_models(config, task, load_settings())
    icl_only = resolve_task("personality", {"methods": "icl", "traits": "openness"})
    config = with_task_arms(
        EvalConfig(task="personality", arms=[Arm(name="m", model="openai/gpt-4o")]), icl_only
    )
    check_models(config, icl_only, load_settings())  # the persona prompts run anywhere
    assert [a.name for a in config.arms] == [
        "baseline",
        "icl/baseline",
        "icl/openness/high",
        "icl/openness/low",
    ]


@pytest.mark.slow
@pytest.mark.local_model
def test_a_layer_out_of_range_is_refused_up_front(tiny_checkpoints: Any) -> None:
    from ethos.settings import load_settings

    path = tiny_checkpoints("qwen3_moe")
    task = resolve_task("personality", {"methods": "steer", "traits": "openness", "layer": 7})
    config = with_task_arms(
        EvalConfig(task="personality", arms=[Arm(name="m", model=f"local/{path}")]), task
    )
    with pytest.raises(
        TaskError, match=r"layer 7 is out of range: .* has 2 decoder layers \(0..1\)"
    ):
        check_models(config, task, load_settings())


# -- data, purification, search and stability ------------------------------------------


def test_the_shipped_sets_are_complete() -> None:
    grouped = by_trait(shipped_rows())
    assert {t: len(rows) >= 50 for t, rows in grouped.items()} == {t: True for t in TRAITS}
    questions = [r.question for r in shipped_rows()]
    assert len(set(questions)) == len(questions)
    inventory = shipped_inventory()
    for trait in TRAITS:
        keys = [i.keying for i in inventory.items if i.trait == trait]
        assert (keys.count("+"), keys.count("-")) == (5, 5)


def _vector(values: list[float]) -> SteeringVector:
    norm = math.sqrt(sum(v * v for v in values))
    provenance = Provenance(model="m", layer=0, pairs=1, pairs_sha256="x", created_at="now")
    return SteeringVector(layer=0, vector=tuple(v / norm for v in values), provenance=provenance)


@settings(max_examples=40, deadline=None)
@given(
    width=st.integers(min_value=4, max_value=64),
    seed=st.integers(min_value=0, max_value=10_000),
)
def test_purified_openness_is_orthogonal_and_still_correlated(width: int, seed: int) -> None:
    import random

    rng = random.Random(seed)
    vectors = {
        t: _vector([rng.gauss(0, 1) for _ in range(width)])
        for t in ("openness", "conscientiousness", "extraversion")
    }
    done = purify_trait(vectors)
    assert done.max_abs_cos_removed < 1e-6
    for other in ("conscientiousness", "extraversion"):
        assert abs(cosine(done.vector.vector, vectors[other].vector)) < 1e-6
    assert done.cos_with_original > 0
    assert done.cos_with_original == pytest.approx(
        cosine(done.vector.vector, vectors["openness"].vector)
    )
    assert len(done.vector.provenance.purified_against) == 2


def test_purification_needs_its_contaminants() -> None:
    with pytest.raises(ModelConfigError, match="needs the vectors of extraversion"):
        purify_trait({"openness": _vector([1, 0]), "conscientiousness": _vector([0, 1])})


async def test_the_coefficient_search_is_bounded_and_respects_the_clean_floor() -> None:
    seen: list[float] = []

    async def evaluate(alpha: float) -> Probe:
        seen.append(alpha)
        # alignment grows with alpha; past 6 the text degrades below the floor
        return Probe(alpha=alpha, alignment=min(1.0, alpha / 8), clean=1.0 if alpha <= 6 else 0.5)

    best, tried = await search_coefficient(evaluate, 10.0, rounds=4, sweep=3)
    assert all(0 < a <= 10.0 for a in seen)
    assert len(seen) <= 3 * 4 + 2 * 3 + 1
    assert best.clean >= 0.9 and best.alpha <= 6
    assert best.score == max(p.score for p in tried)


def test_stability_by_hand() -> None:
    deltas = {
        "icl/openness/high": {"mmlu": 0.0, "bbq": 0.0},
        "lora/openness/high": {"mmlu": -0.2, "bbq": 0.1},
        "lora/openness/low": {"mmlu": -0.1, "bbq": -0.1},
    }
    normalised = normalise(deltas)
    # ranges: mmlu 0.2, bbq 0.2
    assert normalised["lora/openness/high"] == pytest.approx({"mmlu": -1.0, "bbq": 0.5})
    s = stability(normalised["lora/openness/high"])
    assert s.consistency == pytest.approx(1 / (1 + 0.5625))  # var of (-1, 0.5)
    assert s.disruption == pytest.approx(1 / (1 + 0.75))
    assert s.stability == pytest.approx(s.consistency * s.disruption)
    per_arm = {tuple(k.split("/")): stability(v) for k, v in normalised.items()}
    by_method = aggregate(per_arm, "method")
    assert by_method["icl"].stability == 1.0
    low = stability(normalised["lora/openness/low"])
    assert by_method["lora"].stability == pytest.approx((s.stability + low.stability) / 2)


async def test_the_generator_marks_its_rows(store: Store, tmp_path: Path) -> None:
    writer = register_script(
        "personality-writer",
        Script(
            lambda r: json.dumps(
                {
                    "question": f"What would you do on day {r.call_index}?",
                    "high": "Something new and strange.",
                    "low": "The usual.",
                }
            )
        ),
    )
    out = tmp_path / "more.jsonl"
    config = EvalConfig(
        task="personality/generate",
        task_args={"trait": "openness", "count": 3, "out": str(out)},
        arms=[Arm(name="w", model=writer)],
    )
    result = await run_eval(config, store=store, progress=False)
    assert result.succeeded == 3
    written = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(written) == 3
    assert all(r["generated"] and r["source"] == f"generated:scripted:{writer}" for r in written)
    rows = load_rows(out)
    assert len(rows) == len(shipped_rows()) + 3
    assert sum(r.generated for r in rows) == 3


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["-T", "methods=icl,steer"], "steer needs a local model"),
        (["-T", "traits=charm"], "unknown trait 'charm'"),
        (["-T", "inventory={bad}"], "unknown keying 'sideways'"),
        (["-T", "bbq={bad}"], "a BBQ file has one object per line"),
    ],
)
def test_the_command_line_says_one_line_and_exits_2(
    args: list[str], says: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.test_cli_misuse import one_line, run

    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-not-real")
    bad = tmp_path / "bad.csv"
    bad.write_text("text,trait,keying\nI like tea.,openness,sideways\n")
    argv = [a.format(bad=bad) for a in args]
    line = one_line(*run(["eval", "run", "personality", "--model", "openai/gpt-4o", *argv]))
    assert says in line


async def test_the_search_backs_off_when_every_probe_breaks_the_text() -> None:
    async def evaluate(alpha: float) -> Probe:
        # only coefficients up to 1 keep the text clean; the bound is 300
        return Probe(alpha=alpha, alignment=0.5, clean=0.95 if alpha <= 1 else 0.2)

    best, tried = await search_coefficient(evaluate, 300.0, rounds=6, sweep=2)
    assert best.clean >= 0.9 and 0 < best.alpha <= 1
    assert len(tried) <= 3 * 6 + 2 * 2 + 1


def test_mmlu_in_its_released_format_with_quoted_commas_and_line_breaks(tmp_path: Path) -> None:
    # MMLU's CSVs have no header; a quoted question may hold commas and line breaks (code items).
    released = tmp_path / "high_school_computer_science_test.csv"
    released.write_text(
        '"What does this print?\nprint(1, 2)",1 2,"1,2",12,error,A\n'
        '"Plain, with a comma?",a,b,c,d,D\n'
    )
    questions, source = load_mmlu(released)
    assert [(q.prompt, q.options, q.answer) for q in questions] == [
        ("What does this print?\nprint(1, 2)", ("1 2", "1,2", "12", "error"), "A"),
        ("Plain, with a comma?", ("a", "b", "c", "d"), "D"),
    ]
    assert source == str(released.resolve())
    released.write_text('"Two\nlines",a,b,c,d,A\nthird,a,b,c,d,E\n')
    with pytest.raises(TaskError, match=r"line 3: answer 'E' is not A, B, C or D"):
        load_mmlu(released)


async def test_a_hosted_steering_run_stores_nothing(
    store: Store, files: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-not-real")
    config = EvalConfig(
        task="personality",
        task_args={"methods": "icl,lora", "traits": "openness", **files},
        arms=[Arm(name="m", model="openai/gpt-4o")],
    )
    with pytest.raises(TaskError, match=r"lora needs a local model"):
        await run_eval(config, store=store, progress=False)
    assert await store.list_runs() == []


def test_alignment_delta_and_intervals_by_hand() -> None:
    from ethos.evals.personality.report import Folded, summarise

    folded = Folded()
    # Three administrations: the baseline's extraversion 3, 3, 3; the low-pole
    # arm's 2, 1, 2.5 (a move toward "low" of 1, 2 and 0.5).
    for k, (base, low) in enumerate([(3.0, 2.0), (3.0, 1.0), (3.0, 2.5)]):
        folded.add(
            "baseline", f"inventory/{k}", 0, {"kind": "inventory", "traits": {"extraversion": base}}
        )
        folded.add(
            "steer/extraversion/low",
            f"inventory/{k}",
            0,
            {"kind": "inventory", "traits": {"extraversion": low}},
        )
    # MMLU: baseline right on 4 of 4, the arm on 2 of 4 -> Delta -0.5; BBQ: both 1 of 2.
    for i, (b, a) in enumerate([(1, 1), (1, 0), (1, 1), (1, 0)]):
        folded.add("baseline", f"mmlu/{i}", 0, {"kind": "mmlu", "correct": b})
        folded.add("steer/extraversion/low", f"mmlu/{i}", 0, {"kind": "mmlu", "correct": a})
    for i, ok in enumerate([1, 0]):
        for arm in ("baseline", "steer/extraversion/low", "steer/extraversion/high"):
            folded.add(arm, f"bbq/{i}", 0, {"kind": "bbq", "correct": ok})
    # a second arm, right wherever the baseline is: every Delta 0
    for i in range(4):
        folded.add("steer/extraversion/high", f"mmlu/{i}", 0, {"kind": "mmlu", "correct": 1})
    arms = ["baseline", "steer/extraversion/low", "steer/extraversion/high"]
    section = summarise(folded, arms, confidence=0.95)

    (shift,) = section.alignment
    assert (shift.baseline, shift.n) == ("baseline", 3)
    assert shift.shift == pytest.approx((1 + 2 + 0.5) / 3)
    # over several administrations the interval has width, and holds the mean
    assert 0.5 <= shift.low < shift.shift < shift.high <= 2.0
    deltas = {d.benchmark: d for d in section.deltas if d.arm == "steer/extraversion/low"}
    assert (deltas["mmlu"].score, deltas["mmlu"].delta, deltas["mmlu"].n) == (0.5, -0.5, 4)
    assert -1.0 <= deltas["mmlu"].low < -0.5 < deltas["mmlu"].high <= 0.0
    assert (deltas["bbq"].delta, deltas["bbq"].low, deltas["bbq"].high) == (0.0, 0.0, 0.0)
    traits = {(t.arm, t.trait): t for t in section.traits}
    low = traits[("steer/extraversion/low", "extraversion")]
    assert low.mean == pytest.approx(5.5 / 3) and low.low < low.mean < low.high
    # MMLU's range over the arms is 0.5: low -> (-1, 0), high -> (0, 0);
    # low: consistency 1/(1 + 0.25), disruption 1/(1 + 0.5); high: 1 and 1.
    stab = {(s.by, s.key): s for s in section.stability}
    steer = stab[("method", "steer")]
    assert steer.consistency == pytest.approx((0.8 + 1) / 2)
    assert steer.disruption == pytest.approx((1 / 1.5 + 1) / 2)
    assert steer.stability == pytest.approx((0.8 / 1.5 + 1) / 2)
    assert stab[("both", "steer/extraversion")].stability == steer.stability


def test_inventory_rows_with_the_wrong_number_of_columns(tmp_path: Path) -> None:
    bad = tmp_path / "ipip.csv"
    # an item text with an unquoted comma spills into a fourth column
    bad.write_text(
        "text,trait,keying\nI like tea.,openness,+\nI am the life, of the party,extraversion,+\n"
    )
    with pytest.raises(TaskError, match=r"line 3 has 4 column\(s\); its header has 3") as err:
        load_inventory(bad)
    assert "quote" in err.value.fix
    bad.write_text("text,trait,keying\nI am the life of the party,extraversion\n")
    with pytest.raises(TaskError, match=r"line 2 has 2 column\(s\); its header has 3"):
        load_inventory(bad)
    # a quoted text may hold commas and line breaks; an extra column of the header is fine
    bad.write_text('text,trait,keying,facet\n"I talk, a lot,\nat parties.",extraversion,-,E1\n')
    (item,) = load_inventory(bad).items
    assert (item.text, item.keying) == ("I talk, a lot,\nat parties.", "-")


def test_one_arm_that_moved_is_not_reported_stable() -> None:
    # The baseline is an arm of the run too (its Delta is 0): a lone arm that
    # lost half of MMLU normalises to -1 there, not to 0 ("no change").
    normalised = normalise({"lora/openness/high": {"mmlu": -0.5, "bbq": 0.0}})
    assert normalised["lora/openness/high"] == {"mmlu": -1.0, "bbq": 0.0}
    assert stability(normalised["lora/openness/high"]).stability == pytest.approx(0.8 / 1.5)
    # arms that all moved the same way: the range runs from the baseline's 0
    both = normalise({"a/x/high": {"mmlu": -0.2}, "b/x/high": {"mmlu": -0.1}})
    assert both == {"a/x/high": {"mmlu": -1.0}, "b/x/high": {"mmlu": -0.5}}


def test_a_contrastive_file_that_is_not_text(tmp_path: Path) -> None:
    bad = tmp_path / "rows.jsonl"
    bad.write_bytes(b"\xff\xfe\x00binary")
    with pytest.raises(TaskError, match="cannot read contrastive file") as err:
        load_rows(bad)
    assert "UTF-8" in err.value.fix


def test_hosted_steering_is_refused_before_the_missing_key_is_asked_for(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Setting the key would not help: the refusal that matters comes first.
    from ethos.settings import load_settings

    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    task = resolve_task("personality", {"methods": "steer", "traits": "openness"})
    config = with_task_arms(
        EvalConfig(task="personality", arms=[Arm(name="m", model="openai/gpt-4o")]), task
    )
    with pytest.raises(TaskError, match=r"steer needs a local model"):
        check_models(config, task, load_settings())
