"""Which embedder the handbook uses: the packaged all-MiniLM-L6-v2 (shared
with the data catalogue through :mod:`ethos.models.embedding`), or none.

Queries (one short text per agent call) are embedded by the numpy copy of
the same model, :mod:`ethos.models.query_encoder`: no torch to import (~4 s
of CPU), the same vectors (``tests/test_catalog_search.py`` compares them),
and a query asked again is answered from its cache
(``benchmarks/handbook_retrieval.py`` measures both against torch); batches
of behaviours at insertion keep the batched torch model.

Without the model package the handbook still works: retrieval ranks by
BM25 and deduplication compares words, and one warning per process says
so. Any object with ``name``, ``dimension`` and ``embed(texts)`` (unit-length
float32 rows) can stand in, e.g. another sentence-transformers model.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import numpy as np

PURPOSE = "handbook retrieval and deduplication"


@runtime_checkable
class TextEmbedder(Protocol):
    """What the handbook needs of an embedding model."""

    name: str
    dimension: int

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...


def default_embedder() -> TextEmbedder | None:
    """The packaged MiniLM (loaded once per process), or None with one
    warning when its package is not installed."""
    from ethos.models import embedding

    return embedding.get_embedder(PURPOSE)


def retrieval_embedder() -> TextEmbedder | None:
    """What retrieval embeds queries with: the numpy MiniLM when the model
    package is installed and its files load, else :func:`default_embedder`
    (the torch model, or None with the BM25 warning)."""
    from ethos.models import embedding, query_encoder

    if embedding.packaged_model_dir() is not None:
        encoder = query_encoder.get_query_encoder()
        if encoder is not None:
            return encoder
    return default_embedder()


def query_embedder(embedder: TextEmbedder) -> TextEmbedder:
    """The embedder for one query against an index built with ``embedder``:
    the numpy MiniLM in place of the packaged torch model (same vectors,
    no forward through torch), else ``embedder`` itself."""
    from ethos.models import embedding, query_encoder

    if isinstance(embedder, embedding.Embedder):
        encoder = query_encoder.get_query_encoder()
        if encoder is not None and encoder.name == embedder.name:
            return encoder
    return embedder


async def embed(embedder: TextEmbedder, texts: Sequence[str]) -> np.ndarray:
    """Embed off the event loop (a forward pass is CPU work: it must not
    stall the agents sharing the loop)."""
    if not texts:
        return np.zeros((0, embedder.dimension), dtype=np.float32)
    return await asyncio.to_thread(embedder.embed, list(texts))


def to_bytes(vector: np.ndarray, instruction: np.ndarray | None = None) -> bytes:
    """A behaviour's vectors as stored in ``behaviors.embedding``:
    little-endian float32, the full text's (name and instruction) then,
    when given, the instruction's alone. Deduplication reads both (see
    :func:`ethos.handbook.dedup.similarity`); one blob of twice the width
    holds the second vector without a new column. Rows written before it
    hold the first only."""
    blob = np.asarray(vector, dtype="<f4").tobytes()
    if instruction is not None:
        blob += np.asarray(instruction, dtype="<f4").tobytes()
    return blob


def _floats(blob: bytes | None, dimension: int) -> np.ndarray | None:
    if not blob:
        return None
    vector = np.frombuffer(blob, dtype="<f4")
    return vector if vector.shape[0] in (dimension, 2 * dimension) else None


def from_bytes(blob: bytes | None, dimension: int) -> np.ndarray | None:
    """The stored full-text vector, or None when none was stored or its
    width is not ``dimension`` (it came from another model)."""
    vector = _floats(blob, dimension)
    return vector[:dimension] if vector is not None else None


def instruction_from_bytes(blob: bytes | None, dimension: int) -> np.ndarray | None:
    """The stored instruction-only vector, or None when the row holds the
    full-text vector alone (written before it was stored) or none."""
    vector = _floats(blob, dimension)
    return vector[dimension:] if vector is not None and vector.shape[0] == 2 * dimension else None
