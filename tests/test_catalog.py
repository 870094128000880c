"""PublicAgent's catalogue and its search, on SQLite and PostgreSQL: what is
stored matches what pandas reads from the same files, ingest is idempotent,
bad files are skipped with a reason, and a plain-words question finds its
data set."""

from __future__ import annotations

import io
import json
import logging
import subprocess
import sys
import tarfile
from pathlib import Path

import pandas as pd
import pytest

from ethos.agents.publicagent import catalog
from ethos.agents.publicagent.catalog import (
    get_entry,
    html_to_text,
    ingest_folder,
    ingest_pydataset,
    list_entries,
    load_frame,
)
from ethos.agents.publicagent.questions import load_questions
from ethos.agents.publicagent.retrieval import BM25, CatalogIndex, open_index, tokenize
from ethos.errors import EthosError

# A few data sets the tests look at closely, besides the first 30 of the index.
ITEMS = ["mtcars", "Titanic", "titanic", "iris", "Ecdat/Cigar", "plm/Cigar", "Cars93"]
LIMIT = 30


def archive_csv(package: str, item: str) -> pd.DataFrame:
    """The data as pydataset itself would give it (index_col=0), read
    independently of the catalogue's code."""
    with tarfile.open(catalog.pydataset_archive()) as tar:
        handle = tar.extractfile(f"resources/rdata/csv/{package}/{item}.csv")
        assert handle is not None
        return pd.read_csv(io.BytesIO(handle.read()), index_col=0)


@pytest.fixture
async def filled(store):
    report = await ingest_pydataset(store, limit=LIMIT, items=ITEMS)
    return store, report


@pytest.mark.slow
async def test_pydataset_entries_match_pandas(filled) -> None:
    store, report = filled
    assert report.added == LIMIT + 6  # Titanic is among the first 30
    assert report.skipped == []
    entries = await list_entries(store)
    assert len(entries) == report.added
    assert len({e.name for e in entries}) == len(entries)

    mtcars = await get_entry(store, "pydataset/datasets/mtcars")
    expected = archive_csv("datasets", "mtcars")
    assert mtcars.title == "Motor Trend Car Road Tests"
    assert mtcars.name == "mtcars"
    assert mtcars.n_rows == len(expected) == 32
    # R's row names (the car models) are kept as a column
    assert mtcars.column_names == ["rownames", *expected.columns]
    types = {c["name"]: c["type"] for c in mtcars.columns}
    assert types["mpg"] == "float" and types["cyl"] == "integer" and types["rownames"] == "string"
    assert mtcars.stats["mpg"]["mean"] == pytest.approx(expected["mpg"].mean())
    assert mtcars.stats["wt"]["min"] == expected["wt"].min()
    assert mtcars.stats["hp"]["max"] == expected["hp"].max()
    assert mtcars.stats["mpg"]["nulls"] == 0
    assert mtcars.sample_rows[0]["rownames"] == "Mazda RX4"
    assert mtcars.sample_rows[0]["mpg"] == 21.0
    assert len(mtcars.sample_rows) == 5
    assert mtcars.url == "https://vincentarelbundock.github.io/Rdatasets/doc/datasets/mtcars.html"
    assert mtcars.location == "pydataset:datasets/mtcars"
    assert "fuel consumption" in mtcars.description
    assert "<" not in mtcars.description and "Usage" not in mtcars.description
    assert mtcars.vector() is not None and mtcars.vector().shape == (384,)

    frame = load_frame(mtcars)
    assert (
        frame.drop(columns="rownames")
        .reset_index(drop=True)
        .equals(expected.reset_index(drop=True))
    )

    # strings: distinct values and the most frequent ones
    iris = await get_entry(store, "pydataset/datasets/iris")
    assert iris.stats["Species"]["unique"] == 3
    assert sorted(v for v, _ in iris.stats["Species"]["top"]) == [
        "setosa",
        "versicolor",
        "virginica",
    ]
    assert iris.column_names == list(archive_csv("datasets", "iris").columns)  # numbering dropped

    # an item two R packages ship gets the package in its id and name
    ecdat = await get_entry(store, "pydataset/Ecdat/Cigar")
    plm = await get_entry(store, "pydataset/plm/Cigar")
    assert (ecdat.name, plm.name) == ("ecdat_cigar", "plm_cigar")
    # Titanic and titanic differ in case only: distinct entries and table names
    big, small = (
        await get_entry(store, "pydataset/datasets/Titanic"),
        await get_entry(store, "pydataset/COUNT/titanic"),
    )
    assert {big.name, small.name} == {"datasets_titanic", "count_titanic"}
    # a table name reaches the entry too
    assert (await get_entry(store, "count_titanic")).id == "pydataset/COUNT/titanic"


@pytest.mark.slow
async def test_reingest_updates_in_place_and_reuses_embeddings(filled) -> None:
    store, first = filled
    before = {e.id: e for e in await list_entries(store)}
    again = await ingest_pydataset(store, limit=LIMIT, items=ITEMS)
    assert (again.added, again.updated, again.embedded) == (0, first.added, 0)
    after = {e.id: e for e in await list_entries(store)}
    assert after.keys() == before.keys()
    mt_before, mt_after = before["pydataset/datasets/mtcars"], after["pydataset/datasets/mtcars"]
    assert mt_after.embedding == mt_before.embedding
    assert mt_after.ingested_at >= mt_before.ingested_at
    assert mt_after.model_dump() == mt_before.model_dump() | {"ingested_at": mt_after.ingested_at}


@pytest.mark.slow
async def test_search_finds_the_data_set_for_a_plain_question(filled) -> None:
    store, _ = filled
    index = await open_index(store)
    hits = await index.asearch("do heavier cars use more fuel?", k=5)
    assert "pydataset/datasets/mtcars" in [h.id for h in hits]
    assert all(h.dense_score is not None for h in hits)
    fused = [h.score for h in hits if not h.guarded]  # the guard places its own
    assert fused == sorted(fused, reverse=True)
    titanic = index.search("did rich passengers on the titanic survive more often", k=3)
    assert {"pydataset/datasets/Titanic", "pydataset/COUNT/titanic"} & {h.id for h in titanic}

    # cached per store, rebuilt once an ingest changes the catalogue
    assert await open_index(store) is index
    await ingest_pydataset(store, items=["chickwts"])
    rebuilt = await open_index(store)
    assert rebuilt is not index and len(rebuilt) == len(index) + 1


@pytest.fixture
def no_model(monkeypatch: pytest.MonkeyPatch) -> None:
    """As where the model package is not installed: BM25 only, fast."""
    from ethos.agents.publicagent import embedding
    from ethos.models import query_encoder

    monkeypatch.setattr(embedding, "get_embedder", lambda: None)
    monkeypatch.setattr(query_encoder, "get_query_encoder", lambda *_: None)


def test_without_the_model_package_search_warns_once_and_uses_bm25(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from ethos.agents.publicagent import embedding

    monkeypatch.setattr(embedding, "_embedder", None)
    monkeypatch.setattr(embedding, "_warned", False)
    monkeypatch.setattr(embedding, "model_dir", lambda: None)
    with caplog.at_level(logging.WARNING, logger="ethos.agents.publicagent.embedding"):
        assert embedding.get_embedder() is None
        assert embedding.get_embedder() is None
    assert caplog.text.count("BM25 only") == 1


@pytest.fixture
def data_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "open-data"
    folder.mkdir()
    pd.DataFrame(
        {"city": ["Lyon", "Paris", "Nice", None], "rain_mm": [831.0, 637.0, None, 700.0]}
    ).to_csv(folder / "rainfall.csv", index=False)
    pd.DataFrame(
        {"year": [2020, 2021, 2022], "riders": [1_200, 1_450, 1_610], "open": [True, True, False]}
    ).to_parquet(folder / "bike_share.parquet")
    pd.DataFrame({"x": [1, 2]}).to_parquet(folder / "rainfall.parquet")  # same stem as the CSV
    (folder / "broken.parquet").write_text("this is not parquet at all")
    (folder / "empty.csv").write_text("")
    (folder / "notes.txt").write_text("not data")
    (folder / "catalog.toml").write_text(
        '["rainfall.csv"]\n'
        'title = "Yearly rainfall in French cities"\n'
        'description = "Millimetres of rain per year, one row per city."\n'
        'url = "https://example.org/rain"\n'
        "[bike_share]\n"
        'title = "Bike share riders per year"\n'
    )
    return folder


async def test_folder_ingest_skips_bad_files_and_keeps_the_rest(
    store, data_folder: Path, caplog: pytest.LogCaptureFixture, no_model: None
) -> None:
    with caplog.at_level(logging.WARNING, logger="ethos.agents.publicagent.catalog"):
        report = await ingest_folder(store, data_folder)
    assert report.added == 3
    skipped = {Path(s.path).name: s.reason for s in report.skipped}
    assert skipped.keys() == {"broken.parquet", "empty.csv"}
    assert all(skipped.values())
    assert "broken.parquet" in caplog.text and "empty.csv" in caplog.text

    rain = await get_entry(store, "folder/rainfall")
    assert rain.source == "folder" and rain.name == "rainfall"
    assert rain.title == "Yearly rainfall in French cities"
    assert rain.description.startswith("Millimetres")
    assert rain.url == "https://example.org/rain"
    assert rain.n_rows == 4
    assert rain.stats["rain_mm"] == {
        "count": 3,
        "nulls": 1,
        "min": 637.0,
        "max": 831.0,
        "mean": pytest.approx((831 + 637 + 700) / 3),
    }
    assert rain.stats["city"]["nulls"] == 1 and rain.stats["city"]["unique"] == 3
    assert rain.sample_rows[2]["rain_mm"] is None  # NaN stored as null
    assert rain.sample_rows[3]["city"] is None
    pd.testing.assert_frame_equal(load_frame(rain), pd.read_csv(data_folder / "rainfall.csv"))

    bikes = await get_entry(store, "folder/bike_share")
    assert bikes.title == "Bike share riders per year"  # metadata keyed by stem
    assert {c["name"]: c["type"] for c in bikes.columns} == {
        "year": "integer",
        "riders": "integer",
        "open": "boolean",
    }
    assert load_frame(bikes).equals(pd.read_parquet(data_folder / "bike_share.parquet"))
    # same stem, another file: its own id and table name
    twin = await get_entry(store, "folder/rainfall_2")
    assert twin.name == "rainfall_2" and twin.location.endswith("rainfall.parquet")
    assert twin.title == "rainfall" and twin.url.startswith("file://")

    assert rain.embedding is None  # no model: BM25 still finds it
    hits = await (await open_index(store)).asearch("rain in French cities", k=1)
    assert hits[0].id == "folder/rainfall" and hits[0].dense_score is None

    # again: same ids, updated in place
    again = await ingest_folder(store, data_folder)
    assert (again.added, again.updated) == (0, 3)
    assert sorted(e.id for e in await list_entries(store)) == [
        "folder/bike_share",
        "folder/rainfall",
        "folder/rainfall_2",
    ]


async def test_a_malformed_metadata_file_is_skipped_not_fatal(
    store, tmp_path: Path, no_model: None
) -> None:
    folder = tmp_path / "d"
    folder.mkdir()
    pd.DataFrame({"a": [1, 2, 3]}).to_csv(folder / "numbers.csv", index=False)
    (folder / "metadata.json").write_text("{not json")
    report = await ingest_folder(store, folder)
    assert report.added == 1
    assert [Path(s.path).name for s in report.skipped] == ["metadata.json"]
    assert (await get_entry(store, "folder/numbers")).title == "numbers"


async def test_bad_inputs_get_one_clear_error(store, tmp_path: Path) -> None:
    with pytest.raises(EthosError, match="does not exist") as missing:
        await ingest_folder(store, tmp_path / "nowhere")
    assert missing.value.fix and ".csv" in missing.value.fix
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "readme.md").write_text("no data here")
    with pytest.raises(EthosError, match=r"holds no \.csv or \.parquet files"):
        await ingest_folder(store, tmp_path / "empty")
    with pytest.raises(EthosError, match="'pydataset/nope'") as unknown:
        await get_entry(store, "pydataset/nope")
    assert "ethos catalog" in (unknown.value.fix or "")
    with pytest.raises(EthosError, match="no data set 'no-such-item'"):
        await ingest_pydataset(store, items=["no-such-item"])
    with pytest.raises(EthosError, match="empty"):
        await open_index(store)


async def test_a_moved_file_is_reported_when_loaded(store, tmp_path: Path, no_model: None) -> None:
    folder = tmp_path / "d"
    folder.mkdir()
    pd.DataFrame({"a": [1]}).to_csv(folder / "one.csv", index=False)
    await ingest_folder(store, folder)
    entry = await get_entry(store, "folder/one")
    (folder / "one.csv").unlink()
    with pytest.raises(EthosError, match="no longer at") as gone:
        load_frame(entry)
    assert "--folder" in (gone.value.fix or "")


def test_bm25_only_index_works_without_the_model() -> None:
    entries = [
        catalog.CatalogEntry(id="a", source="t", name="a", title="Fuel use of cars", location="x"),
        catalog.CatalogEntry(
            id="b", source="t", name="b", title="Rainfall in cities", location="y"
        ),
    ]
    index = CatalogIndex(entries, embedder=None)
    hits = index.search("how much fuel do cars use", k=2)
    assert hits[0].id == "a" and hits[0].dense_score is None and hits[0].bm25_score > 0
    with pytest.raises(EthosError, match="embedding model"):
        index.search("cars", mode="dense")
    with pytest.raises(EthosError, match="k=0"):
        index.search("cars", k=0)


def test_tokenizer_and_bm25() -> None:
    assert tokenize("The cars' Sepal.Length and smoking") == ["car", "sepal", "length", "smok"]
    assert tokenize("smoke") == tokenize("smoking")
    bm = BM25([["car", "fuel"], ["rain"], ["car"] * 5 + ["rain"]])
    scores = bm.scores(["fuel", "car"])
    assert scores[0] > scores[2] > scores[1] == 0


def test_documentation_html_becomes_readable_text() -> None:
    html = (
        "<html><head><title>R: x</title></head><body>"
        '<table summary="page for x"><tr><td>x</td><td>R Documentation</td></tr></table>'
        "<h2>Fuel Data</h2><h3>Description</h3><p>Miles &amp; <em>gallons</em>.</p>"
        "<h3>Usage</h3><pre>x</pre><h3>Format</h3><dl><dt>mpg</dt><dd>miles per gallon</dd></dl>"
        "<h3>Examples</h3><pre>summary(x)</pre></body></html>"
    )
    text = html_to_text(html)
    assert "R Documentation" not in text and "summary(x)" not in text and "Usage" not in text
    assert "Miles & gallons." in text
    assert "mpg: miles per gallon" in text
    assert text.startswith("Fuel Data")


def test_question_set_names_real_pydataset_ids() -> None:
    questions = load_questions()
    assert len(questions) >= 40
    assert len({q.id for q in questions}) == len(questions)
    index = catalog._read_archive(
        catalog.pydataset_archive(), {f"{catalog._ARCHIVE_ROOT}/datasets.csv"}
    )
    known = {it.id for it in catalog._pydataset_items(next(iter(index.values())))}
    for q in questions:
        assert set(q.expected) <= known, q.id
        assert q.answer_hint


@pytest.mark.slow
def test_cli_ingests_a_folder_and_searches_it(tmp_path: Path, data_folder: Path) -> None:
    db = tmp_path / "cli.db"

    def ethos(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "ethos", "--db", str(db), "catalog", *args],
            capture_output=True,
            text=True,
            timeout=300,
            env={**__import__("os").environ, "COLUMNS": "200"},
        )

    out = ethos("ingest", "--folder", str(data_folder))
    assert out.returncode == 0, out.stderr
    assert "folder: 3 added, 0 updated, 2 skipped" in out.stdout
    assert "skipped" in out.stdout and "broken.parquet" in out.stdout
    found = ethos("search", "how much rain falls in French cities", "-k", "2", "--json")
    assert found.returncode == 0, found.stderr
    hits = [json.loads(line) for line in found.stdout.splitlines()]
    assert hits[0]["id"] == "folder/rainfall" and len(hits) == 2
    missing = ethos("ingest", "--folder", str(tmp_path / "nowhere"))
    assert missing.returncode == 2 and "does not exist" in missing.stderr


def test_profiles_store_missing_values_as_null() -> None:
    frame = pd.DataFrame(
        {
            "when": pd.to_datetime(["2020-01-01", None, "2021-05-03"]),
            "count": pd.array([1, None, 3], dtype="Int64"),
            "ratio": [float("inf"), 1.0, float("nan")],
            "flag": [True, False, None],
        }
    )
    columns, rows, stats = catalog.profile_frame(frame)
    assert [c["type"] for c in columns] == ["datetime", "integer", "float", "string"]
    assert rows[1] == {"when": None, "count": None, "ratio": 1.0, "flag": False}
    assert rows[0]["when"] == "2020-01-01T00:00:00" and rows[0]["ratio"] is None
    assert stats["when"] == {
        "count": 2,
        "nulls": 1,
        "min": "2020-01-01T00:00:00",
        "max": "2021-05-03T00:00:00",
    }
    assert stats["count"] == {"count": 2, "nulls": 1, "min": 1, "max": 3, "mean": 2.0}
    json.dumps([columns, rows, stats], allow_nan=False)  # valid JSON, no NaN
