"""One extraction process for the concurrency test:
``python -m tests.support.handbook_worker DB_URL FILE.jsonl HANDBOOK [words]``
extracts the file's traces with the scripted test curator and prints
``done <added> <merged> <skipped>``. ``words``: no embedding model (word
overlap decides merges), so four workers need not each load torch."""

from __future__ import annotations

import asyncio
import os
import sys

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
os.environ.setdefault("HF_HUB_OFFLINE", "1")


async def main(url: str, path: str, handbook: str, mode: str = "auto") -> None:
    from ethos.db.store import Store
    from ethos.handbook.curation import extract_from_jsonl
    from tests.support import handbook_curator

    model = handbook_curator.register()
    store = await Store.open(url)
    try:
        report = await extract_from_jsonl(
            store,
            path,
            model=model,
            handbook=handbook,
            embedder=None if mode == "words" else "auto",
        )
    finally:
        await store.close()
    print(f"done {len(report.added)} {len(report.merged)} {len(report.skipped)}", flush=True)


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:5]))
