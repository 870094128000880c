"""Words for the handbook: the tokens of the BM25 ranking used when no
embedding model is installed, and the word overlap that deduplication weighs
beside it.

Behaviours are short (a name and one or two sentences), so a light suffix
stripper and a small stop list are enough. :class:`BM25` itself (re-exported
here) is the one the data catalogue uses too, :mod:`ethos.models.bm25`, with
the handbook's k1 of 1.2.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ethos.models.bm25 import BM25

__all__ = ["BM25", "STOP_WORDS", "jaccard", "stem", "tokenize"]

STOP_WORDS = frozenset(
    """a about after all an and any are as at be before by can do does each for from has
    have how if in into is it its itself of on once one only or other so such than that the
    their them then there these they this those to too use using was when where which while
    with you your behavior behaviour""".split()
)
_WORD = re.compile(r"[a-z0-9]+")


def stem(word: str) -> str:
    """Strip a common English suffix so "fractions"/"fraction" and
    "converting"/"convert" match; digits and short words are kept whole."""
    if len(word) <= 3 or word.isdigit():
        return word
    for suffix in ("ations", "ation", "ings", "ing", "ies", "ied", "ed", "es", "ly", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            if suffix == "s" and word.endswith("ss"):
                return word
            return word[: len(word) - len(suffix)]
    return word


def tokenize(text: str) -> list[str]:
    """Lower-case words without stop words, lightly stemmed; ``_`` splits
    words, so a behaviour's name tokenizes like its words."""
    return [stem(w) for w in _WORD.findall(text.lower()) if w not in STOP_WORDS]


def jaccard(a: Iterable[str], b: Iterable[str]) -> float:
    """Shared words over all words (0 when both are empty)."""
    sa, sb = set(a), set(b)
    union = sa | sb
    return len(sa & sb) / len(union) if union else 0.0
