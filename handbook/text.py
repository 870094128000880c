"""Words and BM25 for the handbook: the ranking used when no embedding model
is installed, and the word overlap that deduplication weighs beside it.

Behaviours are short (a name and one or two sentences), so a light suffix
stripper and a small stop list are enough; postings are numpy arrays so
that a query touches only the behaviours holding its words.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np

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


class BM25:
    """Okapi BM25 over a fixed corpus of token lists."""

    def __init__(self, docs: Sequence[Sequence[str]], *, k1: float = 1.2, b: float = 0.75) -> None:
        self.n = len(docs)
        lengths = np.array([len(d) for d in docs], dtype=np.float64)
        avgdl = float(lengths.mean()) if self.n and lengths.sum() else 1.0
        norm = k1 * (1 - b + b * lengths / avgdl)
        postings: dict[str, tuple[list[int], list[int]]] = {}
        for i, doc in enumerate(docs):
            for term, tf in Counter(doc).items():
                ids, tfs = postings.setdefault(term, ([], []))
                ids.append(i)
                tfs.append(tf)
        self.postings: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for term, (ids, tfs) in postings.items():
            idx = np.array(ids, dtype=np.int64)
            tf = np.array(tfs, dtype=np.float64)
            idf = math.log(1 + (self.n - len(ids) + 0.5) / (len(ids) + 0.5))
            self.postings[term] = (idx, idf * tf * (k1 + 1) / (tf + norm[idx]))

    def scores(self, query_terms: Sequence[str]) -> np.ndarray:
        out = np.zeros(self.n, dtype=np.float64)
        for term in set(query_terms):
            hit = self.postings.get(term)
            if hit is not None:
                out[hit[0]] += hit[1]
        return out
