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
all-MiniLM-L6-v2; another embedding model needs its own.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ethos.handbook.behavior import BehaviorDraft, name_words
from ethos.handbook.text import jaccard, tokenize


@dataclass(frozen=True)
class DedupRule:
    """Merge when cosine >= ``cosine``; or cosine >= ``cosine_with_name``
    and the names share at least ``name_overlap`` of their words; without
    vectors, when the word overlap of name and instruction >= ``lexical``."""

    cosine: float = 0.85
    cosine_with_name: float = 0.72
    name_overlap: float = 0.34
    lexical: float = 0.6


DEFAULT_RULE = DedupRule()


def name_tokens(name: str) -> frozenset[str]:
    return frozenset(tokenize(name_words(name)))


def text_tokens(draft: BehaviorDraft) -> frozenset[str]:
    return frozenset(tokenize(draft.search_text()))


def is_duplicate(
    a_name: str,
    b_name: str,
    cosine: float | None,
    *,
    a_text: frozenset[str] = frozenset(),
    b_text: frozenset[str] = frozenset(),
    rule: DedupRule = DEFAULT_RULE,
) -> bool:
    """The decision for one pair. ``cosine`` None means no comparable
    embeddings: the words of name and instruction decide."""
    if a_name == b_name:
        return True
    if cosine is None:
        return jaccard(a_text, b_text) >= rule.lexical
    if cosine >= rule.cosine:
        return True
    return (
        cosine >= rule.cosine_with_name
        and jaccard(name_tokens(a_name), name_tokens(b_name)) >= rule.name_overlap
    )


def pair_decisions(
    drafts_a: list[BehaviorDraft],
    drafts_b: list[BehaviorDraft],
    vectors_a: np.ndarray | None,
    vectors_b: np.ndarray | None,
    rule: DedupRule = DEFAULT_RULE,
) -> list[bool]:
    """``is_duplicate`` for each (a[i], b[i]) pair: what the labelled-set
    test and the threshold sweep evaluate."""
    out = []
    for i, (a, b) in enumerate(zip(drafts_a, drafts_b, strict=True)):
        cos = None
        if vectors_a is not None and vectors_b is not None:
            cos = float(np.dot(vectors_a[i], vectors_b[i]))
        out.append(
            is_duplicate(
                a.name, b.name, cos, a_text=text_tokens(a), b_text=text_tokens(b), rule=rule
            )
        )
    return out
