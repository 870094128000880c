"""Retrieval: the behaviours that fit a task, fast enough for every agent call.

A handbook is read into an in-memory index once per process (names,
instructions, tags, and the embeddings stored at insertion), and a query
then costs one embedding of the query by the numpy MiniLM of
:mod:`ethos.models.query_encoder` (8.2 to 10.9 ms p50 for a new query
of ~21 tokens on this project's 2-core CPU, by run; a query asked before
comes from its cache) and a scan of the vectors: exact below
``PARTITION_MIN`` behaviours, over the nearest partitions above it.
``benchmarks/handbook_retrieval.py --n 100000`` on an otherwise idle
machine (load 0.7): a new query's ``retrieve`` p50 12.1 ms (p99 17.1),
of which the query's embedding 10.9 and the scan 1.1 ms; a query asked
before 1.8 ms; BM25 0.14 ms; against 576 ms for reading and scoring every
row per query: the issue's goal of 10 ms p50 hangs on the embedding. Two
Python threads splitting the forward's products were slower on this box
than one.
Recall@5 against the exact scan: 1.0 on the benchmark's clustered vectors,
which are easier than text; 0.953 on MiniLM vectors of 40,000 real
sentences (the benchmark's ``--text-recall 40000``: 2,000 other sentences
as queries; 0.90 with the earlier sqrt(n) partitions and 10% read).
With the packaged MiniLM the score
is the cosine between query and behaviour; without it, BM25 ranks and the
score is the share of the query's (idf-weighted) words the behaviour holds.

The index is rebuilt when this process changed the handbook (add, merge,
prune bump a local generation): its own writes reach retrieval at once.
Other processes' writes are found by checking the database on a query:
count and newest id at most every ``RECHECK_S`` (1 s; index-only, ~3 ms at
100,000 rows), so behaviours another process adds or deletes reach
retrieval within 1 s; the newest update every ``FULL_RECHECK_S`` (30 s), so
a change another process makes in place (a merge adding tags and
provenance to an existing behaviour) reaches retrieval within 30 s, and a
query before then still sees the old behaviour
(``tests/test_handbook_store.py`` shows both on a moved clock). Usage
counters do not invalidate it: the counts on a retrieved Behavior are those
of the last rebuild, while the database's are exact.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from sqlalchemy import LargeBinary, func, select, type_coerce

from ethos.db.tables import BehaviorRow
from ethos.handbook.behavior import Behavior, name_words
from ethos.handbook.embedder import (
    TextEmbedder,
    embed,
    from_bytes,
    query_embedder,
    retrieval_embedder,
)
from ethos.handbook.store import (
    BEHAVIOR_COLUMNS,
    DEFAULT_HANDBOOK,
    behavior_from_row,
    count_retrieved,
    handbook_id,
    local_generation,
)
from ethos.handbook.text import BM25, tokenize

if TYPE_CHECKING:
    from ethos.db.store import Store

DEFAULT_K = 5
# Cosine below which a behaviour is not offered. On the dedup labelled set's
# behaviours, MiniLM puts unrelated task/behaviour pairs mostly under 0.2 and
# related ones over 0.3; an agent's prompt should not carry noise.
DENSE_THRESHOLD = 0.3
LEXICAL_THRESHOLD = 0.2  # share of the query's weighted words
# Other processes' writes: new and deleted behaviours are seen within
# RECHECK_S, changes in place (a merge adding tags or provenance) within
# FULL_RECHECK_S; this process's own writes at once.
RECHECK_S = 1.0
FULL_RECHECK_S = 30.0
# Approximate search from this many behaviours on (see build_partitions): below
# it an exact scan is under ~2 ms. LISTS_PER_ROOT * sqrt(n) partitions, of
# which PROBE_SHARE are read per query: on MiniLM vectors of 40,000 real
# sentences (2,000 others as queries) recall@5 against the exact scan is 0.953
# with 3 x sqrt(n) and 12%, 0.899 with sqrt(n) and 10% (build 2.5 s against
# 0.7 s of CPU, a search 0.52 against 0.31 ms); the benchmark's
# ``--text-recall 40000`` measures it.
PARTITION_MIN = 20_000
LISTS_PER_ROOT = 3
PROBE_SHARE = 0.12
KMEANS_ROUNDS = 8

Mode = Literal["dense", "bm25"]


@dataclass(frozen=True)
class Retrieved:
    """One retrieved behaviour and its score (cosine, or word share without
    an embedding model)."""

    behavior: Behavior
    score: float


class HandbookIndex:
    """One handbook in memory. Build it with :func:`open_index` (cached)."""

    def __init__(
        self,
        handbook: str,
        rows: Sequence[Any],
        embedder: TextEmbedder | None,
        stamp: tuple[Any, ...],
        generation: int,
    ) -> None:
        self.handbook = handbook
        self.rows = list(rows)
        self.embedder = embedder
        self.stamp = stamp
        self.generation = generation
        self.checked = self.full_checked = time.monotonic()
        self.names = [r.name for r in self.rows]
        self._tags: dict[str, list[int]] = {}
        for i, r in enumerate(self.rows):
            for tag in r.tags or []:
                self._tags.setdefault(tag, []).append(i)
        self.tag_index = {t: np.asarray(ix, dtype=np.int64) for t, ix in self._tags.items()}
        self.mode: Mode = "dense" if embedder is not None else "bm25"
        self.vectors: np.ndarray | None = None
        self.partitions: tuple[np.ndarray, ...] | None = None
        self.bm25: BM25 | None = None
        if embedder is not None:
            self.vectors = np.zeros((len(self.rows), embedder.dimension), dtype=np.float32)
            self.missing = []
            for i, r in enumerate(self.rows):
                vec = (
                    from_bytes(r.embedding, embedder.dimension)
                    if r.embedding_model == embedder.name
                    else None
                )
                if vec is None:
                    self.missing.append(i)
                else:
                    self.vectors[i] = vec
        else:
            self.bm25 = BM25([tokenize(f"{name_words(r.name)} {r.instruction}") for r in self.rows])

    async def fill_missing(self) -> None:
        """Embed the behaviours stored without a vector of this model (added
        while the model was absent, or by another one)."""
        if self.embedder is None or not self.missing or self.vectors is None:
            return
        texts = [
            f"{name_words(self.rows[i].name)}: {self.rows[i].instruction}" for i in self.missing
        ]
        self.vectors[self.missing] = await embed(self.embedder, texts)
        self.missing = []

    def __len__(self) -> int:
        return len(self.rows)

    def behavior(self, i: int) -> Behavior:
        return behavior_from_row(self.rows[i], self.handbook)

    def _allowed(self, tags: Sequence[str]) -> np.ndarray | None:
        if not tags:
            return None
        parts = [self.tag_index[t] for t in tags if t in self.tag_index]
        return np.unique(np.concatenate(parts)) if parts else np.zeros(0, dtype=np.int64)

    def build_partitions(self, seed: int = 0) -> None:
        """Above ``PARTITION_MIN`` behaviours, group the vectors around
        ``LISTS_PER_ROOT * sqrt(n)`` centres (a few rounds of spherical k-means on a sample,
        seeded) and store each group contiguously, so that a query reads the
        groups whose centres are nearest (``PROBE_SHARE`` of them) instead of
        every vector: an exact scan of 100,000 x 384 floats is bound by
        memory bandwidth (~150 MB a query). Below it, search is exact."""
        self.partitions = None
        if self.vectors is None or len(self.rows) < PARTITION_MIN:
            return
        vectors = self.vectors
        n = len(vectors)
        n_lists = int(LISTS_PER_ROOT * math.sqrt(n))
        rng = np.random.default_rng(seed)
        sample = vectors[rng.choice(n, min(n, n_lists * 40), replace=False)]
        centres = sample[rng.choice(len(sample), n_lists, replace=False)].copy()
        for _ in range(KMEANS_ROUNDS):
            nearest = np.argmax(sample @ centres.T, axis=1)
            sums = np.zeros_like(centres)
            np.add.at(sums, nearest, sample)
            norms = np.linalg.norm(sums, axis=1, keepdims=True)
            filled = norms[:, 0] > 0
            centres[filled] = sums[filled] / norms[filled]
        assigned = np.concatenate(
            [np.argmax(vectors[lo : lo + 8192] @ centres.T, axis=1) for lo in range(0, n, 8192)]
        )
        order = np.argsort(assigned, kind="stable")
        offsets = np.searchsorted(assigned[order], np.arange(n_lists + 1))
        position = np.empty(n, dtype=np.int64)
        position[order] = np.arange(n)
        self.partitions = (centres, np.ascontiguousarray(vectors[order]), order, offsets, position)
        self.vectors = None  # the reordered copy replaces it

    def search_vector(
        self, query: np.ndarray, *, k: int, threshold: float, tags: Sequence[str] = ()
    ) -> list[tuple[int, float]]:
        """Top ``k`` (row index, cosine) at or above ``threshold``: exact
        below ``PARTITION_MIN`` behaviours or when tags leave few, else over
        the nearest partitions. On one BLAS thread: a product of one query
        vector is too small to share (see
        :func:`ethos.models.query_encoder.one_blas_thread`)."""
        from ethos.models.query_encoder import one_blas_thread

        with one_blas_thread():
            return self._search_vector(query, k=k, threshold=threshold, tags=tags)

    def _search_vector(
        self, query: np.ndarray, *, k: int, threshold: float, tags: Sequence[str]
    ) -> list[tuple[int, float]]:
        allowed = self._allowed(tags)
        if self.partitions is None:
            assert self.vectors is not None
            if allowed is not None:
                return _top(_cosines(self.vectors[allowed], query), allowed, k, threshold)
            return _top(_cosines(self.vectors, query), None, k, threshold)
        centres, ordered, order, offsets, position = self.partitions
        if allowed is not None and len(allowed) <= len(order) * PROBE_SHARE:
            return _top(_cosines(ordered[position[allowed]], query), allowed, k, threshold)
        probe = max(1, math.ceil(len(centres) * PROBE_SHARE))
        nearest = np.argpartition(-(centres @ query), probe - 1)[:probe]
        spans = [(int(offsets[c]), int(offsets[c + 1])) for c in nearest]
        scores = np.concatenate([_cosines(ordered[a:b], query) for a, b in spans])
        ids = np.concatenate([order[a:b] for a, b in spans])
        if allowed is not None:
            keep = np.isin(ids, allowed)
            scores, ids = scores[keep], ids[keep]
        return _top(scores, ids, k, threshold)

    def search_words(
        self, query: str, *, k: int, threshold: float, tags: Sequence[str] = ()
    ) -> list[tuple[int, float]]:
        """Top ``k`` by BM25; the score is the idf-weighted share of the
        query's known words that the behaviour holds."""
        assert self.bm25 is not None
        terms = [t for t in dict.fromkeys(tokenize(query)) if t in self.bm25.postings]
        if not terms:
            return []
        idf = {t: math.log(1 + self.bm25.n / len(self.bm25.postings[t][0])) for t in terms}
        total = sum(idf.values())
        share = np.zeros(self.bm25.n, dtype=np.float64)
        for t in terms:
            share[self.bm25.postings[t][0]] += idf[t] / total
        ranking = self.bm25.scores(terms)
        allowed = self._allowed(tags)
        if allowed is not None:
            ranking, share, ids = ranking[allowed], share[allowed], allowed
        else:
            ids = None
        # rank only the behaviours holding a query word at the threshold
        held = np.flatnonzero((share >= threshold) & (share > 0))
        picked = _top(ranking[held], held, k, -math.inf)
        return [(int(ids[i]) if ids is not None else i, float(share[i])) for i, _ in picked]


def _cosines(vectors: np.ndarray, query: np.ndarray) -> np.ndarray:
    """``vectors @ query`` as one dot product per stored vector rather than
    one matrix-vector product: ``np.vecdot`` (numpy 2) calls BLAS's sdot
    for each row, ``einsum`` (before numpy 2) numpy's own loop. A scan of
    stored vectors is bound by memory, and OpenBLAS's one-thread sgemv read
    them at half the speed (10,000 x 384 from memory, CPU p50 in one
    process: sgemv 1.29, vecdot 0.55, einsum 0.63 ms, load ~5). The same
    sums in another order: on unit vectors the scores agree with the
    product's to ~1e-7 (the tests check both paths to 1e-6)."""
    if _vecdot is not None:
        return _vecdot(vectors, query)
    return np.einsum("ij,j->i", vectors, query)


_vecdot = getattr(np, "vecdot", None)


def _top(
    scores: np.ndarray, ids: np.ndarray | None, k: int, threshold: float
) -> list[tuple[int, float]]:
    """The ``k`` best of ``scores`` at or above ``threshold``, best first,
    as (id, score). The threshold is applied first: most of a query's
    scores fall under it, and ranking only the rest took ~10 us instead of
    ~150 us for 10,000 scores."""
    if not len(scores) or k <= 0:
        return []
    keep = np.flatnonzero(scores >= _at_least(threshold, scores.dtype))
    if len(keep) > k:
        # the k best as the k smallest of the negated scores: selecting the
        # len - k'th of many equal scores (BM25's -inf for the rows left out)
        # took ~14 ms for 100,000 against ~1 ms this way
        keep = keep[np.argpartition(-scores[keep], k - 1)[:k]]
    order = keep[np.argsort(-scores[keep], kind="stable")]
    return [(int(ids[i]) if ids is not None else int(i), float(scores[i])) for i in order]


def _at_least(threshold: float, dtype: np.dtype) -> np.generic:
    """The least value of ``dtype`` at or above ``threshold``: numpy compares
    float32 scores with a Python float rounded to float32, down for some
    (0.7 becomes 0.69999999), which let in a score under the threshold."""
    limit = dtype.type(threshold)
    if float(limit) < threshold:
        limit = np.nextafter(limit, dtype.type(np.inf))
    return limit


_indexes: dict[tuple[str, str, str | None], HandbookIndex] = {}
_locks: dict[tuple[str, str, str | None, int], asyncio.Lock] = {}


def _row_columns(embedder: TextEmbedder | None) -> tuple[Any, ...]:
    """The store's columns and the two the dense index reads. Of the
    embedding blob only the full-text vector is read: the instruction-only
    vector after it (for deduplication) would double what the index holds."""
    blob: Any = BehaviorRow.embedding
    if embedder is not None:
        head = func.substr(BehaviorRow.embedding, 1, 4 * embedder.dimension)
        blob = type_coerce(head, LargeBinary).label("embedding")
    return (*BEHAVIOR_COLUMNS, blob, BehaviorRow.embedding_model)


async def _stamp(store: Store, hid: int, *, full: bool) -> tuple[Any, ...]:
    """(handbook id, row count, newest id[, newest update]). Count and newest
    id read the handbook_id index only (~3 ms at 100,000 rows on SQLite);
    the newest update reads every row (~200 ms), so it is asked for only
    every ``FULL_RECHECK_S``."""
    where = BehaviorRow.handbook_id == hid
    columns = [
        select(func.count()).select_from(BehaviorRow).where(where).scalar_subquery(),
        select(func.max(BehaviorRow.id)).where(where).scalar_subquery(),
    ]
    if full:
        columns.append(select(func.max(BehaviorRow.updated_at)).where(where).scalar_subquery())
    async with store.engine.connect() as conn:
        return (hid, *(await conn.execute(select(*columns))).one())


async def open_index(
    store: Store,
    handbook: str = DEFAULT_HANDBOOK,
    *,
    embedder: TextEmbedder | Literal["auto"] | None = "auto",
) -> HandbookIndex:
    """The handbook's index, from this process's cache when still current."""
    if embedder == "auto":
        embedder = retrieval_embedder()
    key = (store.url, handbook, embedder.name if embedder is not None else None)
    index = _indexes.get(key)
    if index is not None:
        fresh = index.generation == local_generation(store, index.stamp[0])
        if fresh and time.monotonic() - index.checked < RECHECK_S:
            return index
    # one lock per event loop (an asyncio.Lock belongs to the loop it first waits in)
    lock = _locks.setdefault((*key, id(asyncio.get_running_loop())), asyncio.Lock())
    async with lock:
        index = _indexes.get(key)
        hid = await handbook_id(store, handbook)
        generation = local_generation(store, hid)
        if index is not None and index.generation == generation:
            now = time.monotonic()
            if now - index.checked < RECHECK_S:  # another caller just checked
                return index
            full = now - index.full_checked >= FULL_RECHECK_S
            stamp = await _stamp(store, hid, full=full)
            if stamp == index.stamp[: len(stamp)]:
                index.checked = now
                if full:
                    index.full_checked = now
                return index
        stamp = await _stamp(store, hid, full=True)
        query = (
            select(*_row_columns(embedder))
            .where(BehaviorRow.handbook_id == hid)
            .order_by(BehaviorRow.id)
        )
        async with store.engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        index = await asyncio.to_thread(HandbookIndex, handbook, rows, embedder, stamp, generation)
        await index.fill_missing()
        await asyncio.to_thread(index.build_partitions)
        _indexes[key] = index
        return index


async def retrieve(
    store: Store,
    handbook: str,
    query: str,
    *,
    k: int = DEFAULT_K,
    threshold: float | None = None,
    tags: Sequence[str] = (),
    count: bool = True,
    embedder: TextEmbedder | Literal["auto"] | None = "auto",
) -> list[Retrieved]:
    """The top ``k`` behaviours of ``handbook`` for ``query`` whose score is
    at least ``threshold`` (default: 0.3 cosine, or 0.2 word share without
    an embedding model), limited to those carrying one of ``tags`` when
    given; an empty query returns the tagged behaviours, most cited first.
    ``count`` adds one to each returned behaviour's ``retrieved``."""
    index = await open_index(store, handbook, embedder=embedder)
    if not len(index):
        return []
    if not query.strip():
        hits = _tagged(index, tags, k)
    elif index.mode == "dense":
        assert index.embedder is not None
        vector = (await embed(query_embedder(index.embedder), [query]))[0]
        limit = DENSE_THRESHOLD if threshold is None else threshold
        hits = index.search_vector(vector, k=k, threshold=limit, tags=tags)
    else:
        limit = LEXICAL_THRESHOLD if threshold is None else threshold
        hits = index.search_words(query, k=k, threshold=limit, tags=tags)
    found = [Retrieved(index.behavior(i), round(score, 6)) for i, score in hits]
    if count and found:
        await count_retrieved(store, handbook, [r.behavior.name for r in found])
    return found


def _tagged(index: HandbookIndex, tags: Sequence[str], k: int) -> list[tuple[int, float]]:
    allowed = index._allowed(tags)
    if allowed is None:
        return []
    order = sorted(allowed.tolist(), key=lambda i: (-int(index.rows[i].cited), i))
    return [(i, 1.0) for i in order[:k]]
