"""Okapi BM25 over a fixed corpus of token lists: the lexical ranking that
the data catalogue's search and the behaviour handbook share (beside the
embeddings of :mod:`ethos.models.embedding`, which they share too).

Each caller keeps its own tokenizer (catalogue entries and behaviours want
different stemming and stop words) and its own ``k1``; the scoring is one.
Postings are numpy arrays, so a query touches only the documents that hold
its terms.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

import numpy as np


class BM25:
    """Okapi BM25 with the "+1" idf (never negative, so a word in most
    documents still counts a little)."""

    def __init__(self, docs: Sequence[Sequence[str]], *, k1: float = 1.2, b: float = 0.75) -> None:
        self.k1, self.b, self.n = k1, b, len(docs)
        lengths = np.array([len(d) for d in docs], dtype=np.float64)
        self.avgdl = float(lengths.mean()) if self.n and lengths.sum() else 1.0
        norm = k1 * (1 - b + b * lengths / self.avgdl)
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
            df = len(ids)
            idf = math.log(1 + (self.n - df + 0.5) / (df + 0.5))
            self.postings[term] = (idx, idf * tf * (k1 + 1) / (tf + norm[idx]))

    def scores(self, query_terms: Sequence[str]) -> np.ndarray:
        """One score per document; a term repeated in the query counts once."""
        out = np.zeros(self.n, dtype=np.float64)
        for term in set(query_terms):
            hit = self.postings.get(term)
            if hit is not None:
                out[hit[0]] += hit[1]
        return out
