"""all-MiniLM-L6-v2 in plain numpy, for embedding search queries in a
process that should not pay for torch.

``ethos catalog search`` embeds one short query per process. Importing torch
and transformers and building the model costs about 4 s of CPU for a
forward pass of a few milliseconds, so the command took ~6-11 s of CPU. This
module runs the same BERT encoder (6 layers, 12 heads, width 384, exact-erf
GELU, mean pooling over the tokens, L2 norm, as sentence-transformers does
for this model) with numpy on the weights read straight from the packaged
``model.safetensors`` and the packaged ``tokenizer.json`` (the ``tokenizers``
library, which transformers itself uses). tests/test_catalog_search.py checks
that its vectors equal the transformers model's. Texts are encoded one at a
time, with no padding, so no attention mask is needed; it is meant for
queries, while ingest keeps the batched torch model.

It lives in ``ethos.models`` because two domains embed queries with it: the
data catalogue (``ethos.agents.publicagent``) and the behaviour handbook,
which sits below agents and may not import them. A query asked again (the
same task in another epoch or arm) is answered from a least-recently-used
cache of ``CACHE_SIZE`` vectors.
"""

from __future__ import annotations

import contextlib
import logging
import math
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ethos.models.embedding import CACHE_SIZE

log = logging.getLogger(__name__)

LAYERS = 6
HEADS = 12
EPS = 1e-12  # config.json's layer_norm_eps
ARCHITECTURE = {
    "model_type": "bert",
    "hidden_act": "gelu",
    "position_embedding_type": "absolute",
    "num_hidden_layers": LAYERS,
    "num_attention_heads": HEADS,
    "layer_norm_eps": EPS,
}
"""What the forward below implements; a packaged config.json that says
otherwise (another model in the package's place) is refused, and search then
uses the torch model."""

# The dense weights are kept as contiguous blocks of whole columns (see
# _tile), each multiplied by blocks of at most TILE_ROWS tokens (see
# _product): every block product stays under TILE_MNK multiply-adds, a
# block of weights (~150 KB) stays in the core's cache while it is used,
# and OpenBLAS's small-matrix kernels (its AVX-512 builds) take it without
# packing it first. For a 20-token query this costs ~0.8 of one product per
# weight (CPU time, A/B in one process); from ~60 tokens on both cost the same.
TILE_ROWS = 24
TILE_MNK = 950_000


def _erf(x: np.ndarray) -> np.ndarray:
    """erf to within 1.5e-7 (Abramowitz and Stegun 1964, formula 7.1.26),
    vectorised: numpy has no erf, and math.erf per element is ~100x slower."""
    sign = np.sign(x)
    a = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * a)
    poly = t * (
        0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))
    )
    return sign * (1.0 - poly * np.exp(-a * a))


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + EPS) * weight + bias


def _gelu(x: np.ndarray) -> np.ndarray:
    """BERT's "gelu": the exact form with erf, not the tanh approximation."""
    return 0.5 * x * (1.0 + _erf(x / math.sqrt(2.0)))


def _tile(weight: np.ndarray) -> list[np.ndarray]:
    """An (in, out) weight as contiguous blocks of its columns, each small
    enough that TILE_ROWS tokens times it stay under TILE_MNK."""
    depth, width = weight.shape
    cols = max(8, TILE_MNK // (TILE_ROWS * depth) // 8 * 8)
    return [np.ascontiguousarray(weight[:, c : c + cols]) for c in range(0, width, cols)]


def _product(x: np.ndarray, tiles: list[np.ndarray]) -> np.ndarray:
    """``x`` times the weight whose column blocks are ``tiles``: the same
    sums as one product, blocked by rows and columns, each block written in
    place into the result (BLAS takes the strided slice as its output:
    no blocks to join, ~0.1-0.25 ms less per forward, the same bits)."""
    out = np.empty((len(x), sum(tile.shape[1] for tile in tiles)), dtype=np.float32)
    for r in range(0, len(x), TILE_ROWS):
        block, col = x[r : r + TILE_ROWS], 0
        for tile in tiles:
            np.matmul(block, tile, out=out[r : r + TILE_ROWS, col : col + tile.shape[1]])
            col += tile.shape[1]
    return out


def _gelu_inplace(x: np.ndarray) -> None:
    """:func:`_gelu` written into ``x`` with two scratch arrays and no
    masks (the query's widest array, tokens x 1536, six times a query; ~3x
    faster than the formula as written). With a = |x| and
    r = poly(t) exp(-a^2/2) = 1 - erf(a/sqrt(2)) (the same Abramowitz and
    Stegun formula as :func:`_erf`), erf(x/sqrt(2)) = sign(x) (1 - r), so
    gelu(x) = (x + |x| - |x| r) / 2: the sign folds into |x|."""
    a = np.abs(x)
    t = a * (0.3275911 / math.sqrt(2.0))
    t += 1.0
    np.reciprocal(t, out=t)
    r = t * 1.061405429
    for c in (-1.453152027, 1.421413741, -0.284496736, 0.254829592):
        r += c
        r *= t
    np.square(a, out=t)
    t *= -0.5
    np.exp(t, out=t)
    r *= t
    r *= a
    x += a
    x -= r
    x *= 0.5


def _layer_norm_inplace(x: np.ndarray, weight: np.ndarray, bias: np.ndarray) -> None:
    """:func:`_layer_norm` written into ``x`` (rows normalised in place)."""
    x -= x.mean(-1, keepdims=True)
    var = np.square(x).mean(-1, keepdims=True)
    var += EPS
    np.sqrt(var, out=var)
    x /= var
    x *= weight
    x += bias


class NumpyMiniLM:
    """Same interface as the torch :class:`Embedder` (``embed(texts)`` gives
    unit-length float32 rows of width 384), loaded in milliseconds."""

    name = "all-MiniLM-L6-v2"
    dimension = 384

    def __init__(self, folder: Path, *, max_tokens: int = 256) -> None:
        import json

        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        differs = {k: config.get(k) for k, v in ARCHITECTURE.items() if config.get(k, v) != v}
        if differs:
            raise ValueError(f"not the BERT encoder this module runs: {differs}")
        self.tokenizer: Any = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.max_tokens = max_tokens
        self.w = {
            k: v if v.dtype == np.float32 else v.astype(np.float32)
            for k, v in load_file(folder / "model.safetensors").items()
        }
        absent = [k for k in _weight_names() if k not in self.w]
        if absent:
            raise ValueError(f"model.safetensors lacks {len(absent)} weights, e.g. {absent[0]}")
        self._prepare()
        self._lock = threading.Lock()
        self._truncation = -1  # the tokenizer's current limit
        self._cache: OrderedDict[tuple[str, int], np.ndarray] = OrderedDict()

    def _prepare(self) -> None:
        """Each layer's dense weights transposed once into row-major
        (in, out) arrays, the query, key and value projections fused into
        one product, then cut into contiguous column blocks (see
        :func:`_tile`); the per-layer originals are then dropped (one copy
        of the weights, ~90 MB)."""
        w = self.w
        self.layers: list[dict[str, Any]] = []
        for i in range(LAYERS):
            p = f"encoder.layer.{i}."
            parts = [f"{p}attention.self.{part}" for part in ("query", "key", "value")]
            layer = {
                "qkv": np.ascontiguousarray(np.concatenate([w[f"{n}.weight"] for n in parts]).T),
                "qkv_b": np.concatenate([w[f"{n}.bias"] for n in parts]),
            }
            # the attention scores' 1/sqrt(head width) folded into the query
            # projection: one multiplication less per head and query
            width = layer["qkv_b"].shape[0] // 3
            scale = np.float32(1.0 / math.sqrt(width // HEADS))
            layer["qkv"][:, :width] *= scale
            layer["qkv_b"][:width] *= scale
            layer["qkv"] = _tile(layer["qkv"])
            for short, name in (
                ("out", "attention.output.dense"),
                ("inter", "intermediate.dense"),
                ("ffn", "output.dense"),
            ):
                layer[short] = _tile(np.ascontiguousarray(w[f"{p}{name}.weight"].T))
                layer[f"{short}_b"] = w[f"{p}{name}.bias"]
            for short, name in (("ln1", "attention.output.LayerNorm"), ("ln2", "output.LayerNorm")):
                layer[short] = w[f"{p}{name}.weight"]
                layer[f"{short}_b"] = w[f"{p}{name}.bias"]
            self.layers.append(layer)
        self.w = {k: v for k, v in w.items() if k.startswith("embeddings.")}

    def _encode(self, text: str, max_tokens: int) -> np.ndarray:
        """One text's vector. Each layer's arrays are written in place where
        the formula allows (bias, residual, layer norm, GELU), so a query
        makes few temporaries beside the four products per layer that do
        the work (most of a query's time)."""
        w = self.w
        if self._truncation != max_tokens:
            self.tokenizer.enable_truncation(max_tokens)
            self._truncation = max_tokens
        ids = np.array(self.tokenizer.encode(text or " ").ids, dtype=np.int64)
        n = len(ids)
        x = w["embeddings.word_embeddings.weight"][ids]
        x += w["embeddings.position_embeddings.weight"][:n]
        x += w["embeddings.token_type_embeddings.weight"][0]
        _layer_norm_inplace(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        width = x.shape[1]
        head = width // HEADS
        with one_blas_thread():
            for layer in self.layers:
                qkv = _product(x, layer["qkv"])
                qkv += layer["qkv_b"]
                # (3, heads, tokens, head width), one copy; queries pre-scaled
                q, k, v = np.ascontiguousarray(qkv.reshape(n, 3, HEADS, head).transpose(1, 2, 0, 3))
                scores = q @ k.transpose(0, 2, 1)
                scores -= scores.max(-1, keepdims=True)
                np.exp(scores, out=scores)
                scores /= scores.sum(-1, keepdims=True)
                context = (scores @ v).transpose(1, 0, 2).reshape(n, width)
                h = _product(context, layer["out"])
                h += layer["out_b"]
                h += x
                _layer_norm_inplace(h, layer["ln1"], layer["ln1_b"])
                x = h
                hidden = _product(x, layer["inter"])
                hidden += layer["inter_b"]
                _gelu_inplace(hidden)
                h = _product(hidden, layer["ffn"])
                h += layer["ffn_b"]
                h += x
                _layer_norm_inplace(h, layer["ln2"], layer["ln2_b"])
                x = h
        pooled = x.mean(0)
        return (pooled / max(float(np.linalg.norm(pooled)), 1e-12)).astype(np.float32)

    def embed(
        self, texts: Sequence[str], *, batch_size: int = 1, max_tokens: int | None = None
    ) -> np.ndarray:
        """Embed ``texts`` one by one (``batch_size`` is accepted for the
        torch embedder's signature and ignored)."""
        limit = max_tokens or self.max_tokens
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        with self._lock:  # the tokenizer's truncation setting is shared state
            for i, text in enumerate(texts):
                key = (text, limit)
                vector = self._cache.get(key)
                if vector is None:
                    while self._cache and len(self._cache) >= CACHE_SIZE:  # least recently used out
                        self._cache.popitem(last=False)
                    vector = self._cache[key] = self._encode(text, limit)
                else:
                    self._cache.move_to_end(key)
                out[i] = vector
        return out

    def clear_cache(self) -> None:
        with self._lock:
            self._cache.clear()


_blas: Any = None  # threadpoolctl's controller, made on first use; False without it


@contextlib.contextmanager
def one_blas_thread() -> Iterator[None]:
    """BLAS on one thread for a query's products: for a few rows a threaded
    BLAS spends more on waking and syncing its threads than on the work (on
    a loaded 2-core box ~2x slower for 25 x 384 @ 384 x 1536; the handbook's
    search of a few thousand vectors, ~0.1 ms on one thread, took ~10 ms
    with two on a loaded box). Needs
    ``threadpoolctl`` (optional: without it BLAS keeps its threads); the
    limit costs ~8 us and holds for the process while a query runs."""
    global _blas
    if _blas is None:
        try:
            from threadpoolctl import ThreadpoolController

            _blas = ThreadpoolController()
        except ImportError:
            _blas = False
    if _blas is False:
        yield
        return
    with _blas.limit(limits=1, user_api="blas"):
        yield


def _weight_names() -> list[str]:
    names = [
        f"embeddings.{part}"
        for part in (
            "word_embeddings.weight",
            "position_embeddings.weight",
            "token_type_embeddings.weight",
            "LayerNorm.weight",
            "LayerNorm.bias",
        )
    ]
    for i in range(LAYERS):
        for dense in (
            "attention.self.query",
            "attention.self.key",
            "attention.self.value",
            "attention.output.dense",
            "attention.output.LayerNorm",
            "intermediate.dense",
            "output.dense",
            "output.LayerNorm",
        ):
            names += [f"encoder.layer.{i}.{dense}.weight", f"encoder.layer.{i}.{dense}.bias"]
    return names


_loaded: NumpyMiniLM | None = None
_load_lock = threading.Lock()


def get_query_encoder(finder: Callable[[], Path | None] | None = None) -> NumpyMiniLM | None:
    """The process's numpy encoder, or None when the model package (or its
    safetensors file) is not installed, or its files are not the model this
    module runs (a file missing or unreadable, another architecture): the
    torch embedder then embeds queries. ``finder`` gives the model folder
    (default :func:`ethos.models.embedding.model_dir`, looked up per call)."""
    global _loaded
    if _loaded is not None:
        return _loaded
    from ethos.models import embedding

    with _load_lock:
        if _loaded is None:
            folder = (finder or embedding.model_dir)()
            needed = ("model.safetensors", "tokenizer.json", "config.json")
            if folder is None or not all((folder / name).is_file() for name in needed):
                return None
            try:
                _loaded = NumpyMiniLM(folder)
            except ImportError:  # tokenizers or safetensors missing: the torch path decides
                return None
            except Exception as exc:  # tokenizers raises a bare Exception on a bad file
                log.warning("the numpy query encoder cannot load %s: %s", folder, exc)
                return None
    return _loaded
