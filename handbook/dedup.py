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

How the thresholds were chosen: on the tuning half of that labelled set
(``SAME``/``DIFFERENT``, 30 + 30 pairs written for this project), with the
packaged all-MiniLM-L6-v2, as the values that maximise the smaller of merge
precision and recall there (a plateau: 0.72 to 0.76 and 0.575 to 0.60 do as
well); the held-out pairs were never used to set them. Another embedding
model needs its own. Embeddings put two directions of one operation (see
:func:`opposite`) and two quantities of one kind (area and perimeter, see
:func:`contrasting`) as close as paraphrases, so those are kept apart by
their words; word overlap folds synonyms of how steps are worded
(``_SYNONYMS``: "check"/"verify", "answer"/"solution") so a paraphrase that
swaps them still counts its shared words.

Measured with MiniLM (``tests/test_handbook_dedup.py``; 95% Wilson
intervals): tuning set precision 0.935 (29/31), recall 0.967 (29/30). Held
out, 80 pairs written after the thresholds (``HELD_OUT_*``, ``UNSEEN_*``):
0.846 and 0.825; 80 more written after the synonym folding was final and
measured once (``FRESH_*``): precision 0.818 (18/22, 0.62 to 0.93), recall
0.450 (18/40, 0.31 to 0.60). The issue's goal of 0.9 for both is not met on
held-out pairs: paraphrases that share few words sit at cosine 0.4 to 0.76
with MiniLM, where distinct behaviours of one topic also sit (speed from
distance and time against time from distance and speed: 0.96), so no
threshold on this cosine separates them. Stored behaviours are therefore
more often kept apart than merged wrongly: a missed merge leaves two
near-copies in the handbook, which retrieval still returns.
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
    their words (synonyms folded); without vectors, when the words of name
    and instruction overlap by ``lexical``. Never when one says the opposite operation of
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


# Words that instructions use for one idea ("check the answer" and "verify
# the solution"), folded to one before word overlap is measured. A general
# thesaurus of how steps are worded, not of any topic: no operation
# (add, divide...) or quantity (area, mean...) is here, since those are what
# tells two behaviours of one topic apart (see _OPPOSITES and _CONTRASTS).
_SYNONYMS = (
    "check verify confirm ensure validate",
    "answer solution result",
    "substitute plug insert",
    "original starting initial",
    "compute calculate evaluate determine",
    "write note list record",
    "begin start first",
    "number value quantity amount figure",
    "simplify reduce",
    "expression formula",
    "cost price",
    "label name",
    "intermediate partial",
    "recompute redo repeat",
    "different another alternative",
    "route way method approach",
    "mistake error slip",
    "estimate approximate",
    "final last end",
    "delete remove erase",
    "overwrite replace",
    "preview inspect examine review",
    "keep retain preserve",
    "whole total entire",
    "same common equal",
    "fit match agree hold",
)
_CANONICAL: dict[str, str] = {}
for _group in _SYNONYMS:
    _stems = [stem(w) for w in _group.split()]
    for _w in _stems:
        _CANONICAL.setdefault(_w, _stems[0])


def canonical(words: frozenset[str]) -> frozenset[str]:
    """``words`` (stemmed tokens) with each synonym folded to its group's first word."""
    return frozenset(_CANONICAL.get(w, w) for w in words)


@dataclass(frozen=True)
class Features:
    """What the decision reads of one behaviour: its words as written (for
    the opposite and contrast rules) and with synonyms folded (for overlap)."""

    name: str
    name_words: frozenset[str]
    words: frozenset[str]  # of the instruction
    all_words: frozenset[str]  # of name and instruction
    folded_name: frozenset[str] = frozenset()
    folded_words: frozenset[str] = frozenset()
    folded_all: frozenset[str] = frozenset()


def features(name: str, instruction: str) -> Features:
    nw = frozenset(tokenize(name_words(name)))
    iw = frozenset(tokenize(instruction))
    fn, fi = canonical(nw), canonical(iw)
    return Features(name, nw, iw, nw | iw, fn, fi, fn | fi)


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
        return jaccard(a.folded_all, b.folded_all) >= rule.lexical
    if cosine >= rule.cosine:
        return True
    overlap = max(jaccard(a.folded_words, b.folded_words), jaccard(a.folded_name, b.folded_name))
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
