"""Events written per second through the Store API, against raw SQLAlchemy.

The anchor is the same rows inserted with SQLAlchemy Core on an engine
configured identically (same file, same pragmas), measured in the same run
with repetitions interleaved, so the ratio isolates what ethos' API costs.
Prints one JSON object per figure. Goal: ratio >= 0.8.

    python benchmarks/store_write.py [--events 20000] [--batch 100] [--repeats 5]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import event, insert
from sqlalchemy.ext.asyncio import create_async_engine

from ethos.db.engine import _sqlite_on_connect, dumps
from ethos.db.store import Store
from ethos.db.tables import EventRow, utcnow
from ethos.db.url import normalize_url

POSTGRES = os.environ.get("ETHOS_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


def payload(i: int) -> dict:
    return {"role": "assistant", "content": f"move {i}: cooperate", "round": i % 10}


async def api_batched(store: Store, run_id: str, n: int, batch: int) -> float:
    start = time.perf_counter()
    for lo in range(0, n, batch):
        await store.append_events(run_id, [("message", payload(i)) for i in range(lo, lo + batch)])
    return time.perf_counter() - start


async def raw_batched(engine, run_id: str, n: int, batch: int) -> float:
    start = time.perf_counter()
    for lo in range(0, n, batch):
        now = utcnow()
        rows = [
            {"run_id": run_id, "kind": "message", "payload": payload(i), "created_at": now}
            for i in range(lo, lo + batch)
        ]
        async with engine.begin() as conn:
            await conn.execute(insert(EventRow), rows)
    return time.perf_counter() - start


async def api_single(store: Store, run_id: str, n: int, _batch: int) -> float:
    start = time.perf_counter()
    for i in range(n):
        await store.append_event(run_id, "message", payload(i))
    return time.perf_counter() - start


async def raw_single(engine, run_id: str, n: int, _batch: int) -> float:
    start = time.perf_counter()
    for i in range(n):
        row = {"run_id": run_id, "kind": "message", "payload": payload(i), "created_at": utcnow()}
        async with engine.begin() as conn:
            await conn.execute(insert(EventRow).returning(EventRow.id), row)
    return time.perf_counter() - start


def raw_engine(url: str):
    parsed = normalize_url(url)
    if parsed.drivername.startswith("sqlite"):
        engine = create_async_engine(parsed, json_serializer=dumps)
        event.listen(engine.sync_engine, "connect", _sqlite_on_connect)
        return engine
    return create_async_engine(parsed, json_serializer=dumps)


async def measure(url: str, backend: str, args: argparse.Namespace) -> list[dict]:
    store = await Store.open(url)
    engine = raw_engine(url)
    figures = []
    try:
        cases = [
            ("batched", api_batched, raw_batched, args.events, args.batch),
            ("single", api_single, raw_single, args.events // 10, 1),
        ]
        for name, api, raw, n, batch in cases:
            api_times, raw_times = [], []
            for _ in range(args.repeats):
                run = await store.create_run("bench")
                api_times.append(await api(store, run.id, n, batch))
                raw_times.append(await raw(engine, run.id, n, batch))
            value = n / statistics.median(api_times)
            anchor = n / statistics.median(raw_times)
            figures.append(
                {
                    "bench": "store_write",
                    "figure": f"events_per_s_{name}_{backend}",
                    "value": round(value, 1),
                    "unit": "events/s",
                    "anchor": "raw SQLAlchemy Core insert, same engine settings",
                    "anchor_value": round(anchor, 1),
                    "ratio": round(value / anchor, 3),
                    "goal": ">= 0.8",
                    "events": n,
                    "batch": batch,
                    "repeats": args.repeats,
                }
            )
    finally:
        await engine.dispose()
        await store.close()
    return figures


async def postgres_schema_url() -> tuple[str, str] | None:
    try:
        import psycopg

        with psycopg.connect(POSTGRES, connect_timeout=3, autocommit=True) as conn:
            conn.execute("CREATE SCHEMA IF NOT EXISTS ethos_bench")
            conn.execute("DROP SCHEMA ethos_bench CASCADE")
            conn.execute("CREATE SCHEMA ethos_bench")
    except Exception as exc:  # no server: report and measure SQLite only
        print(json.dumps({"bench": "store_write", "skipped": "postgresql", "why": str(exc)[:200]}))
        return None
    return f"{POSTGRES}?options=-csearch_path%3Dethos_bench", "ethos_bench"


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for figure in await measure(f"sqlite:///{Path(tmp) / 'bench.db'}", "sqlite", args):
            print(json.dumps(figure), flush=True)
    pg = await postgres_schema_url()
    if pg:
        url, schema = pg
        try:
            for figure in await measure(url, "postgresql", args):
                print(json.dumps(figure), flush=True)
        finally:
            import psycopg

            with psycopg.connect(POSTGRES, autocommit=True) as conn:
                conn.execute(f"DROP SCHEMA {schema} CASCADE")


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
