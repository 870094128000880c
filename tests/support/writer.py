"""A separate process that writes to a store: the subject of the concurrency
and crash tests. Run as ``python -m tests.support.writer MODE URL ...``.

Modes:
  runs URL TAG RUNS EVENTS   write RUNS runs of EVENTS events each (half one at
                             a time, half in two batches), then print "done"
  batches URL BATCH          append batches of BATCH events to one run forever,
                             printing "committed N" after each commit
  hold URL BATCH             insert half a batch inside a transaction, print
                             "in-transaction", then wait to be killed
"""

from __future__ import annotations

import asyncio
import sys

from sqlalchemy import insert

from ethos.db.store import Store
from ethos.db.tables import EventRow, utcnow


async def write_runs(url: str, tag: str, runs: int, events: int) -> None:
    store = await Store.open(url)
    try:
        for r in range(runs):
            run = await store.create_run("stress", name=f"{tag}-{r}", metadata={"writer": tag})
            half = events // 2
            for i in range(half):
                await store.append_event(run.id, "single", {"writer": tag, "i": i})
            rest = list(range(half, events))
            for chunk in (rest[: len(rest) // 2], rest[len(rest) // 2 :]):
                await store.append_events(
                    run.id, [("batch", {"writer": tag, "i": i}) for i in chunk]
                )
            await store.finish_run(run.id)
    finally:
        await store.close()
    print("done", flush=True)


async def write_batches(url: str, batch: int) -> None:
    store = await Store.open(url)
    run = await store.create_run("crash", name="batches", config={"batch": batch})
    n = 0
    while True:
        filler = "x" * 200
        await store.append_events(
            run.id, [("batch", {"batch": n, "j": j, "filler": filler}) for j in range(batch)]
        )
        print(f"committed {n}", flush=True)
        n += 1


async def hold_transaction(url: str, batch: int) -> None:
    store = await Store.open(url)
    run = await store.create_run("crash", name="held", config={"batch": batch})
    async with store.engine.begin() as conn:
        rows = [
            {"run_id": run.id, "kind": "held", "payload": {"j": j}, "created_at": utcnow()}
            for j in range(batch // 2)
        ]
        await conn.execute(insert(EventRow), rows)
        print(f"in-transaction {run.id}", flush=True)
        await asyncio.sleep(3600)


def main(argv: list[str]) -> None:
    mode, url, *rest = argv
    if mode == "runs":
        tag, runs, events = rest
        asyncio.run(write_runs(url, tag, int(runs), int(events)))
    elif mode == "batches":
        asyncio.run(write_batches(url, int(rest[0])))
    elif mode == "hold":
        asyncio.run(hold_transaction(url, int(rest[0])))
    else:
        raise SystemExit(f"unknown mode {mode!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
