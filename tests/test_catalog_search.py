"""Catalogue search: the hard questions really share no word with their
data sets' titles, the fusion never buries a retriever's first choice, the
numpy query encoder gives the transformers model's vectors, and the index
persisted on disk searches exactly like the one built in memory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from ethos.agents.publicagent import catalog, retrieval
from ethos.agents.publicagent.catalog import CatalogEntry
from ethos.agents.publicagent.questions import content_words, load_questions, title_overlap
from ethos.agents.publicagent.retrieval import GUARD, CatalogIndex, fuse, open_index, ranking


def pydataset_index() -> dict[str, catalog._PyItem]:
    files = catalog._read_archive(
        catalog.pydataset_archive(), {f"{catalog._ARCHIVE_ROOT}/datasets.csv"}
    )
    return {it.id: it for it in catalog._pydataset_items(next(iter(files.values())))}


def test_hard_questions_share_no_content_word_with_their_titles() -> None:
    items = pydataset_index()
    hard = [q for q in load_questions() if q.difficulty == "hard"]
    assert len(hard) >= 25
    for q in hard:
        for expected in q.expected:
            assert expected in items, (q.id, expected)
            assert title_overlap(q.question, items[expected].title) == set(), (q.id, expected)
    # the check itself catches what it should: a shared word, a stem, a prefix
    assert title_overlap("Do heavier cars use more fuel?", "Motor Trend Car Road Tests") == {"cars"}
    assert title_overlap("Which land is largest?", "Areas of the World's Major Landmasses") == {
        "land"
    }
    assert title_overlap("When did smoking fall?", "Smoking, Alcohol and Cancer") == {"smoking"}
    assert content_words("The Titanic's 1912 passengers") == {"titanic", "s", "1912", "passengers"}


# -- fusion ----------------------------------------------------------------------------

scores = arrays(
    np.float64,
    st.integers(2, 60),
    elements=st.floats(-1, 1, allow_nan=False, allow_subnormal=False),
)


@settings(max_examples=200, deadline=None)
@given(scores, st.data(), st.sampled_from(["weighted", "rrf", "rrf_floor", "sum"]))
def test_a_retrievers_first_choice_is_never_buried(dense, data, fusion) -> None:
    bm25 = np.abs(
        data.draw(arrays(np.float64, len(dense), elements=st.floats(0, 30, allow_nan=False)))
    )
    fused = fuse(dense, bm25, fusion=fusion)
    firsts = [int(np.argmax(dense))] + ([int(np.argmax(bm25))] if bm25.max() > 0 else [])
    order, moved = ranking(fused, firsts, len(dense))
    assert sorted(order) == list(range(len(dense)))  # a permutation: nothing lost or doubled
    for first in firsts:
        assert order.index(first) < GUARD
    # what the guard did not move stays in fused-score order
    rest = [fused[j] for j in order if j not in moved]
    assert rest == sorted(rest, reverse=True)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.sampled_from([0.0, 0.25, 0.5, 1.0]), min_size=1, max_size=80),
    st.integers(1, 20),
)
def test_ties_go_to_the_lower_index(values: list[float], k: int) -> None:
    """BM25 alone ties often (a query no word of which an entry holds scores
    0 everywhere): the ranking is then by position, as documented."""
    fused = np.array(values)
    expected = sorted(range(len(values)), key=lambda i: (-values[i], i))[:k]
    assert ranking(fused, [], k, guard=None)[0] == expected
    assert ranking(fused, [], k)[0] == expected  # no firsts: the guard changes nothing


def test_rrf_buried_the_dense_first_and_the_weighted_fusion_does_not() -> None:
    """The issue's failure, built small: one entry matches the question's
    meaning but none of its words; forty match a common word loosely."""
    n = 41
    dense = np.full(n, 0.30)
    dense[0] = 0.62  # dense search's clear first
    dense[1:] -= np.linspace(0, 0.1, n - 1)
    bm25 = np.zeros(n)
    bm25[1:] = np.linspace(4.0, 1.0, n - 1)  # loose lexical matches, none for entry 0
    old = fuse(dense, bm25, fusion="rrf")
    assert int(np.sum(old > old[0])) >= GUARD  # RRF: out of the first 8
    order, _ = ranking(fuse(dense, bm25), [0, 1], 5)
    assert order[0] == 0
    assert ranking(old, [0, 1], 8)[0].index(0) == GUARD - 1  # the guard still saves it


def test_weighted_fusion_moves_an_entry_only_within_w_of_cosine() -> None:
    dense = np.array([0.50, 0.48, 0.40])
    bm25 = np.array([0.0, 10.0, 10.0])
    fused = fuse(dense, bm25, bm25_weight=0.03)
    assert ranking(fused, [], 3)[0] == [1, 0, 2]  # 0.48 + 0.03 passes 0.50; 0.43 does not


# -- the numpy query encoder -------------------------------------------------------------


@pytest.mark.slow
def test_numpy_encoder_gives_the_transformers_vectors() -> None:
    from ethos.agents.publicagent.embedding import get_embedder
    from ethos.models.query_encoder import get_query_encoder

    torch_model, numpy_model = get_embedder(), get_query_encoder()
    if torch_model is None or numpy_model is None:
        pytest.skip("the packaged embedding model is not installed")
    texts = [
        "do heavier cars use more fuel?",
        "",
        "Sepal.Length by Species: naïve café, 1.5e-3 (mm)",
        "Motor Trend Car Road Tests. mtcars. Columns: mpg, cyl. " * 30,  # past 256 pieces
        *[q.question for q in load_questions()[::24]],
    ]
    for max_tokens in (256, 16):
        ours = numpy_model.embed(texts, max_tokens=max_tokens)
        reference = torch_model.embed(texts, max_tokens=max_tokens)
        assert np.abs(ours - reference).max() < 2e-5
        assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)


# -- persistence -----------------------------------------------------------------------


def toy_entries() -> list[CatalogEntry]:
    rng = np.random.default_rng(7)
    topics = [
        ("rain", "Yearly rainfall in French cities", "millimetres of rain per city"),
        ("cars", "Fuel use of cars", "miles per gallon and weight of cars"),
        ("birds", "Eagles stealing fish", "attempts by one bird to rob another"),
        ("wages", "Hourly pay and schooling", "earnings and years of education"),
        ("quakes", "Seismic events near Fiji", "depth and magnitude of tremors"),
    ]
    entries = []
    for name, title, description in topics:
        vector = rng.standard_normal(384).astype("<f4")
        vector /= np.linalg.norm(vector)
        entries.append(
            CatalogEntry(
                id=f"folder/{name}",
                source="folder",
                name=name,
                title=title,
                description=description,
                columns=[{"name": "value", "type": "float"}],
                location=f"/data/{name}.csv",
                embedding=vector.tobytes(),
            )
        )
    return entries


class FixedEncoder:
    """A test double for the query encoder: a seeded vector per text."""

    name, dimension = "fixed-double", 384

    def embed(self, texts, *, max_tokens: int = 256, batch_size: int = 1) -> np.ndarray:
        out = []
        for text in texts:
            v = np.random.default_rng(len(text)).standard_normal(384).astype(np.float32)
            out.append(v / np.linalg.norm(v))
        return np.stack(out)


def test_a_saved_index_searches_exactly_like_the_built_one(tmp_path: Path) -> None:
    built = CatalogIndex(toy_entries(), embedder=FixedEncoder())
    path = tmp_path / "index.npz"
    built.save(path)
    umask = os.umask(0)
    os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask  # as any file the user writes
    assert [p.name for p in tmp_path.iterdir()] == ["index.npz"]  # no partial file left
    loaded = CatalogIndex.load(path, embedder=FixedEncoder())
    assert len(loaded) == len(built) and loaded.ids == built.ids
    assert np.array_equal(loaded.vectors, built.vectors)
    for query in ["rain in cities", "do birds steal fish", "earnings", "zzz", "depth of tremors"]:
        for mode in ("hybrid", "bm25", "dense"):
            assert loaded.search(query, 5, mode=mode) == built.search(query, 5, mode=mode)
    bm25_only = CatalogIndex.load(path, embedder=None)
    assert not bm25_only.has_dense
    assert bm25_only.search("rain", 1)[0].id == "folder/rain"


async def test_open_index_persists_by_digest_and_a_new_ingest_changes_it(
    store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ethos.agents.publicagent import embedding
    from ethos.models import query_encoder

    monkeypatch.setattr(embedding, "get_embedder", lambda: None)  # BM25 only: fast
    monkeypatch.setattr(query_encoder, "get_query_encoder", lambda *_: None)
    folder = tmp_path / "open-data"
    folder.mkdir()
    (folder / "rainfall.csv").write_text("city,rain_mm\nLyon,831\nNice,700\n")
    await catalog.ingest_folder(store, folder)
    cache = tmp_path / "cache"
    first = await open_index(store, cache_dir=cache)
    files = sorted(cache.iterdir())
    assert len(files) == 1 and files[0].name.startswith("catalog-")

    # a fresh process: no index in memory; the file is used, no entry is read
    retrieval._indexes.clear()
    read = []
    real_list = catalog.list_entries
    monkeypatch.setattr(
        catalog, "list_entries", lambda *a, **k: read.append(1) or real_list(*a, **k)
    )
    again = await open_index(store, cache_dir=cache)
    assert again is not first and read == [] and again.entries == []
    assert again.search("rain", 1) == first.search("rain", 1)

    (folder / "bikes.csv").write_text("year,riders\n2020,1200\n")
    await catalog.ingest_folder(store, folder)
    rebuilt = await open_index(store, cache_dir=cache)
    assert read == [1] and len(rebuilt) == 2
    (current,) = cache.iterdir()  # the file of the old catalogue is gone
    assert current != files[0] and current.name[:20] == files[0].name[:20]  # same store part
    # another store's file in the same folder stays
    (cache / "catalog-000000000000-0.npz").write_bytes(b"another store's index")

    # a damaged file is rebuilt, not trusted
    retrieval._indexes.clear()
    current.write_bytes(b"not an index")
    assert len(await open_index(store, cache_dir=cache)) == 2
    assert sorted(f.name for f in cache.iterdir()) == sorted(
        [current.name, "catalog-000000000000-0.npz"]
    )


@pytest.mark.slow
def test_cli_search_in_fresh_processes_uses_the_cache(tmp_path: Path) -> None:
    data = tmp_path / "open-data"
    data.mkdir()
    (data / "rainfall.csv").write_text("city,rain_mm\nLyon,831\nNice,700\n")
    (data / "bikes.csv").write_text("year,riders\n2020,1200\n")
    env = {**os.environ, "ETHOS_DATA_DIR": str(tmp_path / "home"), "COLUMNS": "200"}

    def ethos(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "ethos", "catalog", *args],
            capture_output=True,
            text=True,
            timeout=300,
            env=env,
        )

    assert ethos("ingest", "--folder", str(data)).returncode == 0
    runs = [ethos("search", "how much rain falls", "--json") for _ in range(2)]
    assert all(r.returncode == 0 for r in runs), runs[0].stderr
    assert runs[0].stdout == runs[1].stdout
    assert json.loads(runs[0].stdout.splitlines()[0])["id"] == "folder/rainfall"
    assert len(list((tmp_path / "home" / "catalog-cache").glob("catalog-*.npz"))) == 1


async def test_a_truncated_or_emptied_cache_file_is_rebuilt(
    store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """np.load raises EOFError on an empty file and BadZipFile on a cut or
    corrupted one (a crash before the data reached the disk): a search then
    rebuilds the index, it does not fail with a traceback."""
    from ethos.agents.publicagent import embedding
    from ethos.models import query_encoder

    monkeypatch.setattr(embedding, "get_embedder", lambda: None)
    monkeypatch.setattr(query_encoder, "get_query_encoder", lambda *_: None)
    folder = tmp_path / "open-data"
    folder.mkdir()
    (folder / "rainfall.csv").write_text("city,rain_mm\nLyon,831\nNice,700\n")
    await catalog.ingest_folder(store, folder)
    cache = tmp_path / "cache"
    expected = (await open_index(store, cache_dir=cache)).search("rain", 1)
    (path,) = cache.iterdir()
    whole = path.read_bytes()
    flipped = bytearray(whole)
    flipped[len(whole) // 3] ^= 0xFF
    for damaged in (b"", whole[: len(whole) // 2], bytes(flipped)):
        path.write_bytes(damaged)
        retrieval._indexes.clear()
        assert (await open_index(store, cache_dir=cache)).search("rain", 1) == expected
        assert len(CatalogIndex.load(path, embedder=None)) == 1  # written again, whole
    assert [p.name for p in cache.iterdir()] == [path.name]  # no partial file left behind


def test_a_failed_save_leaves_no_partial_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    index = CatalogIndex(toy_entries(), embedder=FixedEncoder())

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(np, "savez", full_disk)
    with pytest.raises(OSError, match="No space left"):
        index.save(tmp_path / "index.npz")
    assert list(tmp_path.iterdir()) == []


def packaged_model() -> Path:
    from ethos.agents.publicagent.embedding import model_dir

    folder = model_dir()
    if folder is None:
        pytest.skip("the packaged embedding model is not installed")
    return folder


def test_the_numpy_encoder_falls_back_when_the_package_is_not_what_it_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file missing or unreadable, another architecture or a weight absent:
    no numpy encoder (and no traceback), so the index embeds queries with the
    torch model instead."""
    from safetensors.numpy import save_file

    from ethos.agents.publicagent import embedding
    from ethos.models import query_encoder

    real = packaged_model()
    torch_double = FixedEncoder()
    monkeypatch.setattr(embedding, "get_embedder", lambda: torch_double)

    def folder_with(name: str, **files: bytes | None) -> Path:
        folder = tmp_path / name
        folder.mkdir()
        for file in ("config.json", "tokenizer.json", "model.safetensors"):
            content = files.get(file.replace(".", "_"), b"link")
            if content == b"link":
                (folder / file).symlink_to(real / file)
            elif content is not None:
                (folder / file).write_bytes(content)
        return folder

    config = json.loads((real / "config.json").read_text())
    small = tmp_path / "small.safetensors"
    save_file({"embeddings.word_embeddings.weight": np.zeros((4, 384), np.float32)}, small)
    broken = {
        "no tokenizer": folder_with("a", tokenizer_json=None),
        "garbled tokenizer": folder_with("b", tokenizer_json=b"{not json"),
        "no config": folder_with("c", config_json=None),
        "twelve layers": folder_with(
            "d", config_json=json.dumps({**config, "num_hidden_layers": 12}).encode()
        ),
        "weights missing": folder_with("e", model_safetensors=small.read_bytes()),
    }
    for why, folder in broken.items():
        monkeypatch.setattr(query_encoder, "_loaded", None)
        monkeypatch.setattr(embedding, "model_dir", lambda folder=folder: folder)
        assert query_encoder.get_query_encoder(embedding.model_dir) is None, why
        assert retrieval._default_embedder(False) is torch_double, why
    monkeypatch.setattr(query_encoder, "_loaded", None)
    monkeypatch.setattr(embedding, "model_dir", lambda: folder_with("f"))
    assert isinstance(
        query_encoder.get_query_encoder(embedding.model_dir), query_encoder.NumpyMiniLM
    )


def test_the_numpy_encoders_cache_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    """A long-lived process (an eval's many discoveries) keeps at most
    CACHE_SIZE query vectors, as the torch embedder does."""
    from ethos.models import query_encoder

    packaged_model()
    encoder = query_encoder.get_query_encoder()
    assert isinstance(encoder, query_encoder.NumpyMiniLM)  # the packaged model is read by numpy
    encoder.clear_cache()
    monkeypatch.setattr(query_encoder, "CACHE_SIZE", 3)
    texts = [f"rainfall in city {i}" for i in range(5)]
    first = encoder.embed(texts)
    assert len(encoder._cache) == 3
    assert np.array_equal(encoder.embed(texts), first)  # evicted ones recomputed alike
    encoder.clear_cache()


async def test_installing_the_model_after_a_bm25_only_cache_gives_dense_search(
    store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An index cached while the model package was absent has no vectors; once
    the model is installed, search is hybrid again without waiting for the
    catalogue to change."""
    from ethos.agents.publicagent import embedding
    from ethos.models import query_encoder

    monkeypatch.setattr(embedding, "get_embedder", lambda: None)
    monkeypatch.setattr(embedding, "model_dir", lambda: None)
    monkeypatch.setattr(query_encoder, "get_query_encoder", lambda *_: None)
    folder = tmp_path / "open-data"
    folder.mkdir()
    (folder / "rainfall.csv").write_text("city,rain_mm\nLyon,831\nNice,700\n")
    await catalog.ingest_folder(store, folder)  # stored without embeddings
    cache = tmp_path / "cache"
    assert not (await open_index(store, cache_dir=cache)).has_dense

    double = FixedEncoder()  # the model, now installed
    monkeypatch.setattr(embedding, "get_embedder", lambda: double)
    monkeypatch.setattr(embedding, "model_dir", lambda: tmp_path)
    retrieval._indexes.clear()  # a fresh process
    index = await open_index(store, cache_dir=cache)
    assert index.has_dense and index.search("rain", 1)[0].dense_score is not None
    retrieval._indexes.clear()  # and the next one loads that from the cache
    assert (await open_index(store, cache_dir=cache)).has_dense
