"""Which embedder the handbook uses: the packaged all-MiniLM-L6-v2 (shared
with the data catalogue through :mod:`ethos.models.embedding`), or none.

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


async def embed(embedder: TextEmbedder, texts: Sequence[str]) -> np.ndarray:
    """Embed off the event loop (a forward pass is CPU work: it must not
    stall the agents sharing the loop)."""
    if not texts:
        return np.zeros((0, embedder.dimension), dtype=np.float32)
    return await asyncio.to_thread(embedder.embed, list(texts))


def to_bytes(vector: np.ndarray) -> bytes:
    """A vector as stored in ``behaviors.embedding``: little-endian float32."""
    return np.asarray(vector, dtype="<f4").tobytes()


def from_bytes(blob: bytes | None, dimension: int) -> np.ndarray | None:
    """The stored vector, or None when none was stored or its width is not
    ``dimension`` (it came from another model)."""
    if not blob:
        return None
    vector = np.frombuffer(blob, dtype="<f4")
    return vector if vector.shape[0] == dimension else None
