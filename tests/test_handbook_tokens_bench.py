"""benchmarks/handbook_tokens.py end to end on the scripted solver (a TEST
DOUBLE), so the benchmark a real model is measured with cannot rot unseen."""

from __future__ import annotations

import argparse
import importlib.util
from pathlib import Path

BENCH = Path(__file__).parents[1] / "benchmarks" / "handbook_tokens.py"


async def test_a_curator_that_yields_no_behaviour_still_gives_both_figures() -> None:
    """The scripted solver writes no plain behaviour lines: with --format lines
    its handbook stays empty, and the conditioned arm answers without behaviours
    (ratio 1) instead of the run being refused for a missing handbook."""
    spec = importlib.util.spec_from_file_location("handbook_tokens_bench", BENCH)
    assert spec is not None and spec.loader is not None  # the benchmark file is there
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    args = argparse.Namespace(
        model="script/handbook-solver",
        curator=None,
        limit=1,
        k=5,
        budget=1024,
        connections=4,
        db=None,
        format="lines",
    )
    figures = await bench.measure(args)
    assert [f["unit"] for f in figures] == ["tokens", "share correct"]
    tokens = figures[0]
    used = (tokens["curation_format"], tokens["behaviors"], tokens["used_traces"])
    assert used == ("lines", 0, 0)
    assert tokens["skipped_traces"] == tokens["problems"] == 1 and tokens["scripted"] is True
    assert tokens["ratio"] == 1.0 and "[SCRIPTED test double]" in tokens["figure"]
