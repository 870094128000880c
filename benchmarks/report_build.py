"""Building an eval report at 100,000 samples: time and memory.

A stored eval run (two arms, two epochs, transcripts of about 1 kB per
sample, three scorers: a bool, an object of two numbers, a category) is
written with bulk SQLAlchemy Core inserts into a SQLite file, at 10,000 and
at 100,000 sample rows. Each report is then built from the database and
rendered three ways (terminal table, JSON, self-contained HTML with the
sample browser), repetitions interleaved between the two sizes.

Figures (one JSON object each):
- seconds for the 100k report, anchored on the 10k one (goal: under 10 s);
- peak traced Python memory (tracemalloc, numpy included) while building
  and rendering, 100k against 10k (goal: ratio near 1, the report is
  streamed and its reservoirs bounded);
- the 100k build against a bare SQLAlchemy Core scan of the same
  samples-by-scores rows with no processing (what reading alone costs).

    python benchmarks/report_build.py [--repeats 3]
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from rich.console import Console
from sqlalchemy import insert, select

from ethos.db.store import Store
from ethos.db.tables import SampleRow, ScoreRow, utcnow
from ethos.evals.report import build_report, print_report, render_html

SIZES = (10_000, 100_000)
ARMS = ("base", "steered")
EPOCHS = 2
CHUNK = 5000
TRANSCRIPT = "The other player defected last round, so this round I will " * 16


def sample_rows(run_id: str, n: int, rng: random.Random) -> list[dict]:
    """n sample rows: n / 4 sample ids x 2 epochs x 2 arms, ids 1..n."""
    rows = []
    now = utcnow()
    for pk in range(1, n + 1):
        index = pk - 1
        failed = rng.random() < 0.02
        rows.append(
            {
                "id": pk,
                "run_id": run_id,
                "sample_id": f"s{index // (EPOCHS * len(ARMS)):06d}",
                "epoch": index // len(ARMS) % EPOCHS,
                "arm": ARMS[index % len(ARMS)],
                "status": "failed" if failed else "succeeded",
                "input": {"prompt": f"round {index}: cooperate or defect?", "history": ["C"] * 8},
                "target": "C",
                "output": None if failed else {"move": "C", "transcript": TRANSCRIPT},
                "error": "provider timed out" if failed else None,
                "metadata": {},
                "started_at": now,
                "finished_at": now,
            }
        )
    return rows


def score_rows(run_id: str, samples: list[dict], rng: random.Random) -> list[dict]:
    rows = []
    now = utcnow()
    for sample in samples:
        if sample["status"] == "failed":
            continue
        lift = 0.1 if sample["arm"] == "steered" else 0.0
        values = {
            "correct": rng.random() < 0.5 + lift,
            "game": {"normalised_score": rng.random() + lift, "cooperation_rate": rng.random()},
            "verdict": rng.choice(["cooperate", "defect", "abstain"]),
        }
        for scorer, value in values.items():
            rows.append(
                {
                    "run_id": run_id,
                    "sample_pk": sample["id"],
                    "scorer": scorer,
                    "value": value,
                    "metadata": {},
                    "created_at": now,
                }
            )
    return rows


async def populate(store: Store, n: int) -> str:
    config = {
        "task": "dilemma",
        "task_args": {},
        "arms": [{"name": arm, "model": f"script/{arm}", "options": {}} for arm in ARMS],
        "baseline": ARMS[0],
        "epochs": EPOCHS,
        "seed": 0,
    }
    run = await store.create_run("eval", "dilemma", config=config, metadata={"scripted": True})
    rng = random.Random(n)
    samples = sample_rows(run.id, n, rng)
    scores = score_rows(run.id, samples, rng)
    async with store.engine.begin() as conn:
        for table, rows in ((SampleRow.__table__, samples), (ScoreRow.__table__, scores)):
            for start in range(0, len(rows), CHUNK):
                await conn.execute(insert(table), rows[start : start + CHUNK])
    await store.finish_run(run.id)
    return run.id


async def all_outputs(store: Store, run_id: str) -> dict[str, float]:
    """Build the report and render it three ways; seconds for each step."""
    start = time.perf_counter()
    report = await build_report(store, run_id)
    built = time.perf_counter()
    print_report(Console(file=io.StringIO(), width=160), report)
    terminal = time.perf_counter()
    report.model_dump_json()
    as_json = time.perf_counter()
    render_html(report)
    html = time.perf_counter()
    return {
        "build_s": built - start,
        "terminal_s": terminal - built,
        "json_s": as_json - terminal,
        "html_s": html - as_json,
        "total_s": html - start,
    }


async def raw_scan(store: Store, run_id: str) -> float:
    """The same rows the report streams, read with Core and thrown away."""
    query = (
        select(
            SampleRow.id,
            SampleRow.sample_id,
            SampleRow.arm,
            SampleRow.status,
            ScoreRow.scorer,
            ScoreRow.value,
        )
        .select_from(SampleRow)
        .outerjoin(ScoreRow, ScoreRow.sample_pk == SampleRow.id)
        .where(SampleRow.run_id == run_id)
        .order_by(SampleRow.sample_id, SampleRow.epoch, SampleRow.arm)
        .execution_options(yield_per=2000)
    )
    start = time.perf_counter()
    async with store.engine.connect() as conn:
        result = await conn.stream(query)
        async for _ in result.partitions():
            pass
    return time.perf_counter() - start


async def peak_memory(store: Store, run_id: str) -> float:
    tracemalloc.start()
    try:
        await all_outputs(store, run_id)
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        stores: dict[int, tuple[Store, str]] = {}
        for n in SIZES:
            store = await Store.open(f"sqlite:///{Path(tmp) / f'report-{n}.db'}")
            stores[n] = (store, await populate(store, n))
        try:
            times: dict[int, list[dict[str, float]]] = {n: [] for n in SIZES}
            scans: dict[int, list[float]] = {n: [] for n in SIZES}
            for _ in range(args.repeats):
                for n, (store, run_id) in stores.items():
                    times[n].append(await all_outputs(store, run_id))
                    scans[n].append(await raw_scan(store, run_id))
            memory = {n: await peak_memory(*stores[n]) for n in SIZES}
        finally:
            for store, _ in stores.values():
                await store.close()

    def median(n: int, key: str) -> float:
        return statistics.median(t[key] for t in times[n])

    small, large = SIZES
    parts = {key: round(median(large, key), 3) for key in times[large][0]}
    figures = [
        {
            "figure": "report_s_100k",
            "value": round(median(large, "total_s"), 3),
            "unit": "s",
            "anchor": "the same report of a 10,000-sample run",
            "anchor_value": round(median(small, "total_s"), 3),
            "ratio": round(median(large, "total_s") / median(small, "total_s"), 2),
            "goal": "< 10 s",
            "parts_100k": parts,
        },
        {
            "figure": "report_peak_traced_mib_100k",
            "value": round(memory[large], 1),
            "unit": "MiB",
            "anchor": "peak for the 10,000-sample run",
            "anchor_value": round(memory[small], 1),
            "ratio": round(memory[large] / memory[small], 2),
            "goal": "ratio near 1",
        },
        {
            "figure": "report_build_vs_raw_scan_100k",
            "value": parts["build_s"],
            "unit": "s",
            "anchor": "SQLAlchemy Core scan of the same rows, no processing",
            "anchor_value": round(statistics.median(scans[large]), 3),
            "ratio": round(parts["build_s"] / statistics.median(scans[large]), 2),
            "goal": "<= 2.5",
        },
    ]
    for figure in figures:
        print(json.dumps({"bench": "report_build", **figure, "repeats": args.repeats}), flush=True)


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
