"""Hybrid search over the catalogue: dense embeddings plus BM25, fused.

People ask in their own words ("do heavier cars use more fuel?") while
catalogue entries speak in titles and column names ("Motor Trend Car Road
Tests", ``wt``, ``mpg``). Dense embeddings (the packaged all-MiniLM-L6-v2)
bridge the vocabulary; BM25 rewards the rare exact words (a place, a
disease, a species) that embeddings blur. Without the model package the
index is BM25 alone, with one warning.

How the two are fused was chosen by measurement (``benchmarks/catalog_search.py``,
all 757 pydataset entries, the packaged questions; figures in the table at
:data:`BM25_WEIGHT`). Reciprocal rank fusion, used before, gave every loosely
matching entry a BM25 vote and none to an entry no query word reaches, which
outweighed the whole range of dense scores: on questions that share no word
with their data set's title, entries dense search ranked first fell to rank 52
and recall@5 dropped from 0.919 (dense) to 0.784. The fusion now is a
weighted score sum, cosine + w * BM25 / (the query's best BM25), which moves an
entry past another only when their cosines are within w, plus a guard: each
retriever's first choice is placed within the first :data:`GUARD` hits (the
candidates discovery's first attempt sees) whatever the other retriever says.

Entry embeddings come from the store (computed at ingest), so building an
index embeds nothing but entries that lack one; a search embeds only the
query, with the numpy encoder of ``ethos.models.query_encoder`` when it can (no torch).
:func:`open_index` keeps one index per store, rebuilds it when an ingest has
changed the catalogue, and with a ``cache_dir`` persists it in a file keyed
by the catalogue's digest, so a fresh process (``ethos catalog search``)
loads it instead of reading and tokenising every entry.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import os
import re
import uuid
import weakref
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict

from ethos.agents.publicagent.catalog import EMBED_TOKENS, CatalogEntry, catalog_version
from ethos.errors import EthosError
from ethos.models.bm25 import BM25

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from ethos.agents.publicagent.embedding import Embedder
    from ethos.db.store import Store

Mode = Literal["hybrid", "bm25", "dense"]
Fusion = Literal["weighted", "rrf", "rrf_floor", "sum"]
"""weighted (the default): cosine + w * BM25 / best BM25, with the guard;
rrf: reciprocal rank fusion, no BM25 vote for an entry no query word reaches
(the fusion before); rrf_floor: RRF where such an entry gets the vote of the
rank after the last match; sum: min-max normalised scores, summed."""
RRF_K = 60  # the constant of Cormack et al. (2009): damps the weight of the top ranks
RRF_BM25_WEIGHT = 0.5  # BM25's vote in the RRF variants (kept for the benchmark)
BM25_K1 = 1.5
"""BM25's term-frequency saturation for catalogue entries: the value the
figures of :data:`BM25_WEIGHT` were measured with (the handbook keeps 1.2)."""

BM25_WEIGHT = 0.03
"""w of the weighted fusion. Measured over all 757 pydataset entries
(``benchmarks/catalog_search.py``; recall@1/@5/@10 and MRR, guard on):
on the 37 hard questions dense alone scores 0.784/0.919/0.946/0.830 and BM25
alone 0.351/0.595/0.730/0.484; w = 0.02-0.05 keeps 0.784/0.919/0.946 with MRR
0.829-0.833, w = 0.1 drops recall@5 to 0.892, w = 0.2 recall@1 to 0.703. On
the 59 easy and medium questions every w up to 0.05 equals dense alone
(0.966/1.000/1.000/0.978). The weights were picked on the same questions they
are reported on (there is no separate held-out set), so 0.03, the middle of
the flat range, not its best point. BM25 here breaks near-ties, guarantees
its first choice a place (:data:`GUARD`) and is the search without the model."""
GUARD = 8
"""Each retriever's first choice is always among the first this many hits.
8 is the number of candidates discovery's first attempt shows (``SEARCH_K``
of the PublicAgent graph)."""

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


class Hit(BaseModel):
    """One search result: the entry, its fused score and the two parts.
    ``guarded`` marks a retriever's first choice that the guard moved up:
    its place comes from the guard, not from its fused score."""

    model_config = ConfigDict(frozen=True)

    id: str
    name: str
    title: str
    score: float
    dense_score: float | None = None
    bm25_score: float = 0.0
    guarded: bool = False


def _ranks(scores: np.ndarray) -> np.ndarray:
    """1-based rank of every document (1 = best), ties broken by position."""
    order = np.argsort(-scores, kind="stable")
    ranks = np.empty(len(scores), dtype=np.float64)
    ranks[order] = np.arange(1, len(scores) + 1)
    return ranks


def _minmax(scores: np.ndarray) -> np.ndarray:
    lo, hi = float(scores.min()), float(scores.max())
    return (scores - lo) / (hi - lo) if hi > lo else np.zeros_like(scores)


def fuse(
    dense: np.ndarray | None,
    bm25: np.ndarray,
    *,
    fusion: Fusion = "weighted",
    bm25_weight: float | None = None,
) -> np.ndarray:
    """One fused score per entry (higher is better) from the two score lists."""
    if dense is None:
        return bm25
    if fusion == "weighted":
        w = BM25_WEIGHT if bm25_weight is None else bm25_weight
        top = float(bm25.max())
        return dense.astype(np.float64) + (w * bm25 / top if top > 0 else 0.0)
    w = RRF_BM25_WEIGHT if bm25_weight is None else bm25_weight
    if fusion == "sum":
        return _minmax(dense) + w * _minmax(bm25)
    ranks = _ranks(bm25)
    if fusion == "rrf_floor":  # an entry no word reaches ranks just after the last match
        lexical = w / (RRF_K + np.where(bm25 > 0, ranks, float((bm25 > 0).sum() + 1)))
    else:  # "rrf": an entry no query word reaches gets no BM25 vote
        lexical = np.where(bm25 > 0, w / (RRF_K + ranks), 0.0)
    return 1.0 / (RRF_K + _ranks(dense)) + lexical


def ranking(
    fused: np.ndarray, firsts: Sequence[int], k: int, guard: int | None = GUARD
) -> tuple[list[int], set[int]]:
    """The best ``k`` positions of ``fused``, best first, where each index in
    ``firsts`` (the retrievers' first choices) that ranks below ``guard``
    takes the place of the lowest non-first entry within the first ``guard``
    (which then comes right after them); also the set of firsts whose place
    is the guard's (each precedes a better-scored entry). Ties go to the lower
    index, so rankings are reproducible."""
    n = len(fused)
    depth = min(n, max(k, guard or 0))
    if depth < n:  # every entry tied with the depth-th best, so ties can go to the lower index
        cut = -np.partition(-fused, depth - 1)[depth - 1]
        top = np.flatnonzero(fused >= cut)
    else:
        top = np.arange(n)
    order = [int(i) for i in top[np.lexsort((top, -fused[top]))][:depth]]
    if not guard:
        return order[:k], set()
    head, tail = order[:guard], order[guard:]
    wanted = list(dict.fromkeys(firsts))
    missing = [f for f in wanted if f not in head]
    if missing:
        evict: list[int] = []
        for j in reversed(range(len(head))):
            if len(evict) == len(missing):
                break
            if head[j] not in wanted:
                evict.append(j)
        evicted = [head[j] for j in sorted(evict)]
        head = [item for j, item in enumerate(head) if j not in evict] + missing
        order = head + evicted + [i for i in tail if i not in missing]
    # Guarded: a first that now precedes a better-scored entry (moved up, or kept
    # its place while an entry above it was evicted), so its rank is the guard's.
    guarded = {
        f
        for f in wanted
        if f in order and any(fused[j] > fused[f] for j in order[order.index(f) + 1 :])
    }
    return order[:k], guarded


class CatalogIndex:
    """Search over a fixed list of entries. Build it with :func:`open_index`
    (cached per store, and on disk with a ``cache_dir``) or directly from
    :func:`list_entries`'s result."""

    def __init__(
        self,
        entries: Sequence[CatalogEntry],
        *,
        embedder: Embedder | Literal["auto"] | None = "auto",
        fusion: Fusion = "weighted",
        bm25_weight: float | None = None,
        guard: int | None = GUARD,
    ) -> None:
        from ethos.agents.publicagent.embedding import DIMENSION

        self.entries = list(entries)
        self.ids = [e.id for e in self.entries]
        self.names = [e.name for e in self.entries]
        self.titles = [e.title for e in self.entries]
        self.fusion: Fusion = fusion
        self.bm25_weight = bm25_weight
        self.guard = guard
        stored = [e.vector() for e in self.entries]
        missing = [i for i, vec in enumerate(stored) if vec is None]
        self.embedder = _default_embedder(bool(missing)) if embedder == "auto" else embedder
        self.bm25 = BM25([tokenize(e.search_text()) for e in self.entries], k1=BM25_K1)
        self.vectors: np.ndarray | None = None
        if self.embedder is not None:
            vectors = np.zeros((len(self.entries), DIMENSION), dtype=np.float32)
            for i, vec in enumerate(stored):
                if vec is not None:
                    vectors[i] = vec
            if missing:  # ingested without the model: embed them once, here
                texts = [self.entries[i].search_text() for i in missing]
                vectors[missing] = self.embedder.embed(texts, max_tokens=EMBED_TOKENS)
            self.vectors = vectors

    def __len__(self) -> int:
        return len(self.ids)

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

    def scores(self, query: str, vector: np.ndarray | None) -> tuple[np.ndarray | None, np.ndarray]:
        """The dense (None without the model) and BM25 score of every entry."""
        bm25 = self.bm25.scores(tokenize(query))
        dense = self.vectors @ vector if vector is not None and self.vectors is not None else None
        return dense, bm25

    def search_with_vector(
        self, query: str, vector: np.ndarray | None, k: int = 5, *, mode: Mode = "hybrid"
    ) -> list[Hit]:
        """Rank with a query embedding computed elsewhere (numpy only, fast)."""
        if k < 1:
            raise EthosError(f"k={k} asks for no results", "pass k of 1 or more")
        if not self.ids:
            return []
        if mode == "dense" and (vector is None or self.vectors is None):
            raise EthosError(
                "dense search needs the packaged embedding model, which is not installed",
                "pip install 'ethos[data]', or search with mode='bm25' or 'hybrid'",
            )
        dense, bm25 = self.scores(query, vector)
        guarded = mode == "hybrid" and dense is not None
        if mode == "bm25" or dense is None:
            fused = bm25
        elif mode == "dense":
            fused = dense.astype(np.float64)
        else:
            fused = fuse(dense, bm25, fusion=self.fusion, bm25_weight=self.bm25_weight)
        firsts = [int(np.argmax(dense))] if guarded else []
        if guarded and float(bm25.max()) > 0:
            firsts.append(int(np.argmax(bm25)))
        order, moved = ranking(
            fused, firsts, min(k, len(self.ids)), self.guard if guarded else None
        )
        return [
            Hit(
                id=self.ids[i],
                name=self.names[i],
                title=self.titles[i],
                score=float(fused[i]),
                dense_score=float(dense[i]) if dense is not None else None,
                bm25_score=float(bm25[i]),
                guarded=i in moved,
            )
            for i in order
        ]

    # -- persistence ----------------------------------------------------------------------

    def save(self, path: Path) -> None:
        """Write what a search needs (ids, names, titles, BM25 postings, the
        vectors) to one ``.npz`` file, atomically (a reader never sees half)."""
        terms = list(self.bm25.postings)
        lengths = [len(self.bm25.postings[t][0]) for t in terms]
        arrays: dict[str, np.ndarray] = {
            "ids": np.array(self.ids, dtype=np.str_),
            "names": np.array(self.names, dtype=np.str_),
            "titles": np.array(self.titles, dtype=np.str_),
            "terms": np.array(terms, dtype=np.str_),
            "offsets": np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64),
            "docs": np.concatenate([self.bm25.postings[t][0] for t in terms] or [np.zeros(0)]),
            "weights": np.concatenate([self.bm25.postings[t][1] for t in terms] or [np.zeros(0)]),
        }
        if self.vectors is not None:
            arrays["vectors"] = self.vectors
        path.parent.mkdir(parents=True, exist_ok=True)
        # A name of its own per writer (two threads of one process, or two
        # processes, may write the same index at once: the last rename wins,
        # each file whole); removed when the write fails (a full disk).
        # (Not tempfile's: its files are private, 0600; this one has the umask's mode.)
        partial = path.with_name(f".{path.name}.{os.getpid()}-{uuid.uuid4().hex[:12]}.part")
        try:
            with open(partial, "xb") as handle:
                np.savez(handle, **arrays)
            os.replace(partial, path)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise

    @classmethod
    def load(
        cls,
        path: Path,
        *,
        embedder: Embedder | Literal["auto"] | None = "auto",
        fusion: Fusion = "weighted",
        guard: int | None = GUARD,
    ) -> CatalogIndex:
        """An index as :meth:`save` wrote it; no entry is read or tokenised.
        Entries (``.entries``) are not kept: hits carry id, name and title."""
        with np.load(path, allow_pickle=False) as data:
            index = cls.__new__(cls)
            index.entries = []
            index.ids = data["ids"].tolist()
            index.names = data["names"].tolist()
            index.titles = data["titles"].tolist()
            offsets, docs, weights = data["offsets"], data["docs"], data["weights"]
            bm25 = BM25.__new__(BM25)
            bm25.n = len(index.ids)
            bm25.postings = {
                term: (docs[offsets[j] : offsets[j + 1]], weights[offsets[j] : offsets[j + 1]])
                for j, term in enumerate(data["terms"].tolist())
            }
            index.bm25 = bm25
            vectors = data["vectors"] if "vectors" in data.files else None
        index.fusion, index.bm25_weight, index.guard = fusion, None, guard
        index.embedder = (
            (_default_embedder(False) if vectors is not None else None)
            if embedder == "auto"
            else embedder
        )
        index.vectors = vectors if index.embedder is not None else None
        return index


def _default_embedder(embed_entries: bool) -> Any:
    """The numpy query encoder when only queries need embedding (no torch),
    else the torch model (batched, for entries ingested without a vector);
    None, with one warning, without the model package."""
    from ethos.agents.publicagent import embedding
    from ethos.models.query_encoder import get_query_encoder

    if not embed_entries:
        encoder = get_query_encoder(embedding.model_dir)
        if encoder is not None:
            return encoder
    return embedding.get_embedder()


INDEX_FORMAT = 1  # bump when the file layout, the tokenizer or BM25 changes
_DAMAGED = (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile)
"""What np.load raises on a cache file that is not a whole index: a foreign
file, a truncated or empty one (a crash before the data reached the disk; an
emptied file after power loss on some file systems) or a bad checksum."""


def index_file(cache_dir: Path, url: str, version: Any) -> Path:
    """Where a store's catalogue as of ``version`` (:func:`catalog_version`)
    is cached: ``catalog-<store>-<digest>.npz``, the store part a hash of its
    URL, the digest one of the file layout, the URL and the version, so a new
    ingest, another store or another layout gives another file."""
    store_key = hashlib.sha256(url.encode()).hexdigest()[:12]
    digest = hashlib.sha256(json.dumps([INDEX_FORMAT, url, version], default=str).encode())
    return cache_dir / f"catalog-{store_key}-{digest.hexdigest()[:32]}.npz"


class _Cached:
    def __init__(self) -> None:
        self.lock = asyncio.Lock()
        self.version: Any = None
        self.index: CatalogIndex | None = None


_indexes: weakref.WeakKeyDictionary[Any, _Cached] = weakref.WeakKeyDictionary()


async def open_index(
    store: Store, *, fusion: Fusion = "weighted", cache_dir: Path | None = None
) -> CatalogIndex:
    """The catalogue's search index, built once per store and rebuilt when an
    ingest has changed the catalogue (one cheap query tells). With
    ``cache_dir`` it is also kept in ``<cache_dir>/catalog-<store>-<digest>.npz``: a
    process that finds the file for the current catalogue loads it instead
    of building. Building runs in a worker thread."""
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
        path = None
        if cache_dir:
            from ethos.agents.publicagent import embedding

            # Whether the model is installed is part of the key: a file written
            # without it has no vectors, and would keep search BM25-only after
            # the model is installed until the catalogue next changed.
            model = embedding.model_dir() is not None
            path = index_file(cache_dir, str(store.url), (*version[0], model))
        index = None
        if path is not None and path.is_file():
            try:
                index = await asyncio.to_thread(CatalogIndex.load, path, fusion=fusion)
            except _DAMAGED:  # damaged or foreign: build it again
                index = None
        if index is None:
            entries = await list_entries(store)
            index = await asyncio.to_thread(CatalogIndex, entries, fusion=fusion)
            if path is not None:
                try:
                    await asyncio.to_thread(index.save, path)
                    stale = path.name.rsplit("-", 1)[0] + "-*.npz"  # this store's older files
                    for old in path.parent.glob(stale):
                        if old != path:
                            old.unlink(missing_ok=True)
                except OSError as exc:  # a read-only cache costs speed, not results
                    log.warning("catalogue: could not write the search cache %s: %s", path, exc)
        old = [i for i in index.ids if i.startswith("pydataset/") and i.count("/") == 1]
        if old:  # get_entry still resolves them; question sets name the new ids
            log.warning(
                "catalogue: %d pydataset entries keep ids from before ids carried the R "
                "package (e.g. %s); `ethos catalog ingest` renames them in place",
                len(old),
                old[0],
            )
        cached.index, cached.version = index, version
        return index
