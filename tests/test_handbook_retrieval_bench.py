"""benchmarks/handbook_retrieval.py's --text-recall: bad values are refused
in one line with exit code 2 before any handbook is built, and the recall it
reports is the share of the exact top 5 the partitioned search returns."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from ethos.handbook import retrieval

BENCH = Path(__file__).resolve().parents[1] / "benchmarks" / "handbook_retrieval.py"


def _bench():
    spec = importlib.util.spec_from_file_location("handbook_retrieval_bench", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("value", ["-5", "100"])
def test_a_text_recall_under_the_partitioned_size_is_refused_in_one_line(value) -> None:
    done = subprocess.run(
        [sys.executable, str(BENCH), "--text-recall", value],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        f"handbook_retrieval: --text-recall needs at least {retrieval.PARTITION_MIN}"
    ]
    assert done.stdout == ""  # refused before the benchmark's first line


def test_too_few_sentences_installed_is_refused_in_one_line(monkeypatch, capsys) -> None:
    bench = _bench()
    monkeypatch.setattr(bench, "docstring_sentences", lambda n, seed: ["One sentence."] * 30)
    with pytest.raises(SystemExit) as refused:
        bench.recall_sentences(20_000)
    assert refused.value.code == 2
    assert capsys.readouterr().err.strip().splitlines() == [
        "handbook_retrieval: --text-recall 20000 needs 22000 docstring sentences;"
        " the installed packages hold 30"
    ]


class _ClusteredVectors:
    """Test double for the MiniLM: each text's vector is a seeded unit
    vector around one of 40 centres (no model is run)."""

    def __init__(self) -> None:
        self.rng = np.random.default_rng(4)
        self.centres = self.rng.standard_normal((40, 32))

    def embed(self, texts: list[str]) -> np.ndarray:
        v = self.centres[self.rng.integers(0, 40, len(texts))]
        v = v + 1.5 * self.rng.standard_normal((len(texts), 32))
        return (v / np.linalg.norm(v, axis=1, keepdims=True)).astype(np.float32)


def test_text_recall_is_the_share_of_the_exact_top_5_found(monkeypatch) -> None:
    bench = _bench()
    monkeypatch.setattr(retrieval, "PARTITION_MIN", 1000)
    embedder = _ClusteredVectors()
    texts = [f"sentence {i}" for i in range(3000 + bench.TEXT_QUERIES)]
    share, stored_n = bench.text_recall(embedder, texts)
    assert stored_n == 3000
    # the same vectors again, the exact top 5 by a full sort of all queries'
    # scores at once (what the benchmark did before it took 250 at a time)
    embedder.rng = np.random.default_rng(4)
    embedder.centres = embedder.rng.standard_normal((40, 32))
    vectors = embedder.embed(texts)
    stored, asked = vectors[:3000], vectors[3000:]
    exact = np.argsort(-(stored @ asked.T), axis=0)[:5].T
    index = retrieval.HandbookIndex.__new__(retrieval.HandbookIndex)
    index.rows, index.vectors, index.tag_index = [None] * 3000, stored.copy(), {}
    index.build_partitions()
    # partitioned (the approximate search whose recall is measured), one group per
    # LISTS_PER_ROOT * sqrt(n) centres
    assert index.partitions is not None
    assert len(index.partitions[0]) == int(retrieval.LISTS_PER_ROOT * 3000**0.5)
    found = []
    for q, best in zip(asked, exact, strict=True):
        got = {i for i, _ in index.search_vector(q, k=5, threshold=-1.0)}
        found.append(len(set(best.tolist()) & got) / 5)
    assert share == float(np.mean(found))
    assert 0.5 < share < 0.99  # the partitions miss some of the exact top 5 here
