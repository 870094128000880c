"""When are two behaviours one? The near-duplicate decision.

Extraction from many traces proposes the same behaviour again and again in
other words ("convert all quantities to one unit first" and "before adding,
express every measurement in the same unit"). Storing each would flood
retrieval with copies, so a new draft is merged into an existing behaviour
when their embeddings are very close, or close and their names share
words; otherwise it is kept apart. Without an embedding model the decision
falls back to word overlap, which catches rewordings that keep the words
and misses true paraphrases (the labelled set in
``tests/test_handbook_dedup.py`` measures both).

The thresholds were set on that labelled set (written for this project:
paraphrase pairs and distinct pairs of the same domain) with the packaged
all-MiniLM-L6-v2; another embedding model needs its own. Embeddings put two
directions of one operation (see :func:`opposite`) and two quantities of
one kind (area and perimeter, see :func:`contrasting`) as close as
paraphrases, so those are kept apart by their words. Measured with MiniLM:
precision 0.931, recall 0.900 on the tuning set; on 80 held-out pairs
0.846 and 0.825, short of the 0.9 the issue asks for (the paraphrases
missed share few words at cosine 0.55 to 0.74, below what can be merged
without merging distinct behaviours of one topic).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ethos.handbook.behavior import BehaviorDraft, name_words
from ethos.handbook.text import jaccard, stem, tokenize


@dataclass(frozen=True)
class DedupRule:
    """Merge when cosine >= ``cosine``; or when cosine >= ``cosine_with_words``
    and the instructions (or the names) share at least ``word_overlap`` of
    their words; without vectors, when the words of name and instruction
    overlap by ``lexical``. Never when one says the opposite operation of
    the other (see :func:`opposite`) or another quantity of the same kind
    (see :func:`contrasting`)."""

    cosine: float = 0.76
    cosine_with_words: float = 0.60
    word_overlap: float = 0.15
    lexical: float = 0.2


DEFAULT_RULE = DedupRule()

# Operations whose swap makes another behaviour ("multiply kilometres by 1000"
# against "divide metres by 1000"); embeddings put such pairs at cosine ~0.95.
_OPPOSITES = tuple(
    (frozenset(stem(w) for w in a.split()), frozenset(stem(w) for w in b.split()))
    for a, b in (
        ("multiply multiplying multiplied times product", "divide dividing divided quotient"),
        ("add adding added plus sum", "subtract subtracting subtracted minus"),
        ("greatest largest maximum", "least smallest minimum"),
        ("increase increasing", "decrease decreasing"),
    )
)


# Families of co-hyponyms: different quantities of one kind, which
# distributional embeddings put close together because they occur in the
# same contexts ("the area of a rectangle" and "its perimeter": cosine 0.78
# with MiniLM). Each member is a set of synonyms. Two behaviours that each
# name members of one family, and no member in common, measure different
# things. Written for the domains of the shipped problem set and the
# publicagent tasks, as families, not as the failing pairs of a test set.
_CONTRASTS = tuple(
    tuple(frozenset(stem(w) for w in member.split()) for member in family)
    for family in (
        ("area", "perimeter", "circumference", "volume"),
        ("mean average", "median", "mode", "range", "variance deviation"),
        ("divisor factor gcd gcf", "multiple lcm"),
        ("simple", "compound"),
        ("sine sin", "cosine cos", "tangent tan"),
    )
)


@dataclass(frozen=True)
class Features:
    """What the decision reads of one behaviour."""

    name: str
    name_words: frozenset[str]
    words: frozenset[str]  # of the instruction
    all_words: frozenset[str]  # of name and instruction


def features(name: str, instruction: str) -> Features:
    nw = frozenset(tokenize(name_words(name)))
    iw = frozenset(tokenize(instruction))
    return Features(name, nw, iw, nw | iw)


def features_of(draft: BehaviorDraft) -> Features:
    return features(draft.name, draft.instruction)


def opposite(a: Features, b: Features) -> bool:
    """One names an operation and the other its inverse, and neither names
    both: two directions of a step, not one step twice."""
    for x, y in _OPPOSITES:
        wa, wb = a.all_words, b.all_words
        if (wa & x and not wa & y and wb & y and not wb & x) or (
            wa & y and not wa & x and wb & x and not wb & y
        ):
            return True
    return False


def contrasting(a: Features, b: Features) -> bool:
    """Each names a different member of one family of quantities (area
    and perimeter, mean and median, divisor and multiple), in their names
    or in their whole text, and neither names the other's."""

    def members(family: tuple[frozenset[str], ...], words: frozenset[str]) -> set[int]:
        return {i for i, member in enumerate(family) if member & words}

    for family in _CONTRASTS:
        for wa, wb in ((a.name_words, b.name_words), (a.all_words, b.all_words)):
            ma, mb = members(family, wa), members(family, wb)
            if ma and mb and not ma & mb:
                return True
    return False


def is_duplicate(
    a: Features, b: Features, cosine: float | None, rule: DedupRule = DEFAULT_RULE
) -> bool:
    """The decision for one pair. ``cosine`` None means no comparable
    embeddings: the words of name and instruction decide."""
    if a.name == b.name:
        return True
    if opposite(a, b) or contrasting(a, b):
        return False
    if cosine is None:
        return jaccard(a.all_words, b.all_words) >= rule.lexical
    if cosine >= rule.cosine:
        return True
    overlap = max(jaccard(a.words, b.words), jaccard(a.name_words, b.name_words))
    return cosine >= rule.cosine_with_words and overlap >= rule.word_overlap


def pair_decisions(
    drafts_a: list[BehaviorDraft],
    drafts_b: list[BehaviorDraft],
    vectors_a: np.ndarray | None,
    vectors_b: np.ndarray | None,
    rule: DedupRule = DEFAULT_RULE,
) -> list[bool]:
    """``is_duplicate`` for each (a[i], b[i]) pair: what the labelled-set
    test evaluates."""
    out = []
    for i, (a, b) in enumerate(zip(drafts_a, drafts_b, strict=True)):
        cos = None
        if vectors_a is not None and vectors_b is not None:
            cos = float(np.dot(vectors_a[i], vectors_b[i]))
        out.append(is_duplicate(features_of(a), features_of(b), cos, rule))
    return out
