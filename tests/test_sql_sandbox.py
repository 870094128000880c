"""The read-only DuckDB sandbox that runs the analysis agent's SQL."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ethos.agents.publicagent.sql import (
    QueryResult,
    Sandbox,
    SqlFailedError,
    SqlRefusedError,
    SqlTimeoutError,
)
from ethos.errors import EthosError


def make_frames() -> dict[str, pd.DataFrame]:
    cities = pd.DataFrame(
        {
            "city": ["Paris", "Lyon", "Nice", "Lille"],
            "country": ["FR", "FR", "FR", "FR"],
            "population": [2.1, 0.5, np.nan, 0.2],
            "founded": pd.to_datetime(["1950-01-01", "1900-01-01", "1800-06-30", None]),
        }
    )
    visits = pd.DataFrame(
        {
            "city": ["Paris", "Paris", "Lyon", "Nice", "Nice", "Nice"],
            "year": [2020, 2021, 2020, 2020, 2021, 2022],
            "visitors": [10, 12, 3, 5, 6, 7],
        }
    )
    return {"cities": cities, "visits": visits}


@pytest.fixture
def frames() -> dict[str, pd.DataFrame]:
    return make_frames()


@pytest.fixture
def sandbox(frames: dict[str, pd.DataFrame]) -> Iterator[Sandbox]:
    with Sandbox(frames, timeout_s=5.0) as box:
        yield box


def assert_frames_unchanged(frames: dict[str, pd.DataFrame]) -> None:
    for name, original in make_frames().items():
        pd.testing.assert_frame_equal(frames[name], original)


# -- good queries ------------------------------------------------------------


def test_aggregate(sandbox: Sandbox) -> None:
    result = sandbox.run("SELECT count(*) AS n, sum(visitors) AS total FROM visits")
    assert isinstance(result, QueryResult)
    assert result.columns == ["n", "total"]
    assert result.rows == [[6, 43]]
    assert result.row_count == 1 and not result.truncated
    assert result.anomalies == []
    assert result.elapsed_s >= 0


def test_group_by_and_join(sandbox: Sandbox) -> None:
    result = sandbox.run(
        "SELECT c.city, sum(v.visitors) AS total FROM cities c "
        "JOIN visits v ON v.city = c.city GROUP BY c.city ORDER BY total DESC"
    )
    assert result.rows == [["Paris", 22], ["Nice", 18], ["Lyon", 3]]


def test_cte_and_from_first(sandbox: Sandbox) -> None:
    result = sandbox.run(
        "WITH per_year AS (SELECT year, sum(visitors) AS v FROM visits GROUP BY year) "
        "SELECT year, v FROM per_year WHERE v > 10 ORDER BY year"
    )
    assert result.rows == [[2020, 18], [2021, 18]]
    assert sandbox.run("FROM visits SELECT max(year)").rows == [[2022]]
    assert sandbox.run("DESCRIBE visits").row_count == 3


def test_values_are_json_safe(sandbox: Sandbox) -> None:
    result = sandbox.run(
        "SELECT population, founded, 1.25::DECIMAL(5, 2) AS d, 'nan'::DOUBLE AS n, "
        "'inf'::DOUBLE AS i, DATE '2024-02-29' AS day, INTERVAL 1 DAY AS span, "
        "'\\x01'::BLOB AS b, [1.5, 'nan'::DOUBLE] AS l, {'k': DATE '2020-01-01'} AS s "
        "FROM cities ORDER BY city"
    )
    json.dumps(result.rows, allow_nan=False)  # raises on NaN / inf / dates / decimals
    assert [row[0] for row in result.rows] == [0.2, 0.5, None, 2.1]  # NaN became NULL
    first = result.rows[0]
    assert first[2] == 1.25 and first[3] is None and first[4] is None
    assert first[5] == "2024-02-29"
    assert first[8] == [1.5, None] and first[9] == {"k": "2020-01-01"}
    founded = {row[0]: row[1] for row in result.rows}
    assert "1950-01-01T00:00:00" in founded.values()


def test_truncation(frames: dict[str, pd.DataFrame]) -> None:
    with Sandbox(frames, max_rows=4) as box:
        result = box.run("SELECT * FROM range(10)")
        assert result.row_count == 4 and result.truncated
        assert result.rows == [[0], [1], [2], [3]]
        exact = box.run("SELECT * FROM range(4)")
        assert exact.row_count == 4 and not exact.truncated
        assert "truncated at 4 rows" in result.as_markdown()


def test_huge_lazy_result_is_capped_quickly(sandbox: Sandbox) -> None:
    assert sandbox._pool.wait_warm()  # timed: the query, not a worker's start
    started = time.perf_counter()
    result = sandbox.run("SELECT * FROM range(10000000000)")
    assert result.truncated and result.row_count == 1000
    assert time.perf_counter() - started < 3


def test_schema_and_markdown(sandbox: Sandbox) -> None:
    schema = sandbox.schema()
    assert "CREATE TABLE cities (" in schema and "-- 4 rows" in schema
    assert "population DOUBLE" in schema and "founded TIMESTAMP" in schema
    assert "CREATE TABLE visits (" in schema and "-- 6 rows" in schema
    table = sandbox.run("SELECT city, population FROM cities ORDER BY city").as_markdown(limit=2)
    assert table.splitlines()[:3] == ["| city | population |", "| --- | --- |", "| Lille | 0.2 |"]
    assert "(2 more rows not shown)" in table


# -- refusals ----------------------------------------------------------------

REFUSED = [
    ("INSERT INTO cities VALUES ('X', 'FR', 1.0, NULL)", "INSERT"),
    ("UPDATE cities SET population = 0", "UPDATE"),
    ("DELETE FROM visits", "DELETE"),
    ("CREATE TABLE t AS SELECT 1", "CREATE"),
    ("CREATE OR REPLACE MACRO m(a) AS a", "CREATE"),
    ("DROP TABLE cities", "DROP"),
    ("ALTER TABLE cities ADD COLUMN x INT", "ALTER"),
    ("ATTACH 'other.db' AS other", "ATTACH"),
    ("DETACH other", "DETACH"),
    ("COPY cities TO 'out.csv'", "COPY"),
    ("EXPORT DATABASE 'dump'", "EXPORT"),
    ("IMPORT DATABASE 'dump'", "IMPORT"),
    ("INSTALL httpfs", "INSTALL"),
    ("LOAD httpfs", "LOAD"),
    ("SET threads = 4", "SET"),
    ("RESET threads", "RESET"),
    ("PRAGMA version", "PRAGMA"),
    ("PRAGMA threads = 4", "PRAGMA"),
    ("CALL pragma_version()", "CALL"),
    ("CHECKPOINT", "CHECKPOINT"),
    ("EXPLAIN SELECT 1", "EXPLAIN"),
    ("BEGIN TRANSACTION", "BEGIN"),
    ("CREATE SECRET (TYPE s3, KEY_ID 'a', SECRET 'b')", "CREATE"),
    ("SELECT 1; DROP TABLE cities", "DROP"),
    ("SELECT 1; SELECT 2", "2"),
]


@pytest.mark.parametrize(("sql", "named"), REFUSED, ids=[r[1] + "-" + r[0][:20] for r in REFUSED])
def test_refused_statements(
    sandbox: Sandbox, frames: dict[str, pd.DataFrame], sql: str, named: str
) -> None:
    with pytest.raises(SqlRefusedError) as caught:
        sandbox.run(sql)
    assert named in caught.value.problem
    assert caught.value.fix and "SELECT" in caught.value.fix
    assert sandbox.run("SELECT count(*) FROM cities").rows == [[4]]
    assert sandbox.run("SELECT count(*) FROM visits").rows == [[6]]
    assert_frames_unchanged(frames)


@pytest.mark.parametrize("sql", ["", "   ", "-- only a comment", "/* nothing */ ;"])
def test_empty_sql_refused(sandbox: Sandbox, sql: str) -> None:
    with pytest.raises(SqlRefusedError, match="no statement"):
        sandbox.run(sql)


SECRET = "s3cr3t-ethos-sandbox-7f1d"

FILE_QUERIES = [
    "SELECT * FROM read_csv('{p}')",
    "SELECT * FROM read_csv_auto('{p}')",
    "SELECT * FROM read_parquet('{p}')",
    "SELECT * FROM parquet_scan('{p}')",
    "SELECT * FROM read_json('{p}')",
    "SELECT * FROM read_json_auto('{p}')",
    "SELECT * FROM read_ndjson('{p}')",
    "SELECT * FROM read_text('{p}')",
    "SELECT * FROM read_blob('{p}')",
    "SELECT * FROM glob('{d}/*')",
    "SELECT * FROM sniff_csv('{p}')",
    "SELECT * FROM sqlite_scan('{p}', 'x')",
    "SELECT * FROM postgres_scan('host=localhost', 'public', 'x')",
    "SELECT * FROM read_csv('https://example.com/{p}')",
    "SELECT * FROM '{p}'",
    "FROM '{p}'",
    'SELECT * FROM "{p}"',
    "SELECT * FROM cities WHERE city IN (SELECT column0 FROM read_csv('{p}'))",
    "SELECT (SELECT content FROM read_text('{p}')) AS leak",
    "SELECT * FROM query('SELECT * FROM read_text(''{p}'')')",
    "SELECT * FROM query_table('{p}')",
]


@pytest.mark.parametrize("template", FILE_QUERIES)
def test_file_reading_refused_and_secret_never_returned(
    sandbox: Sandbox, tmp_path: Path, template: str
) -> None:
    secret_file = tmp_path / "secret.csv"
    secret_file.write_text(f"column0\n{SECRET}\n")
    sql = template.format(p=secret_file, d=tmp_path)
    with pytest.raises((SqlRefusedError, SqlFailedError)) as caught:
        result = sandbox.run(sql)
        assert SECRET not in json.dumps(result.model_dump())  # pragma: no cover
    message = str(caught.value)
    assert SECRET not in message
    assert caught.value.problem  # a clear, specific message for the model
    assert len(message) < 600


def test_python_variables_are_not_reachable(sandbox: Sandbox) -> None:
    leaked_frame = pd.DataFrame({"v": [SECRET]})  # a replacement scan would find it
    with pytest.raises(SqlFailedError, match="leaked_frame"):
        sandbox.run("SELECT * FROM leaked_frame")
    assert leaked_frame.shape == (1, 1)


def test_configuration_is_locked(sandbox: Sandbox) -> None:
    with pytest.raises(SqlRefusedError, match="SET"):
        sandbox.run("SET enable_external_access = true")
    with pytest.raises(SqlRefusedError):
        sandbox.run("SET lock_configuration = false")
    settings_now = dict(
        sandbox.run(
            "SELECT name, value FROM duckdb_settings() WHERE name IN ("
            "'enable_external_access', 'lock_configuration', 'allow_community_extensions', "
            "'autoload_known_extensions', 'autoinstall_known_extensions', 'threads', "
            "'memory_limit')"
        ).rows
    )
    assert settings_now["enable_external_access"] == "false"
    assert settings_now["lock_configuration"] == "true"
    assert settings_now["allow_community_extensions"] == "false"
    assert settings_now["autoload_known_extensions"] == "false"
    assert settings_now["autoinstall_known_extensions"] == "false"
    assert settings_now["threads"] == "1"
    assert settings_now["memory_limit"].startswith("488")  # 512MB shown in MiB


# -- failures ----------------------------------------------------------------


def test_duckdb_errors_are_short_and_specific(sandbox: Sandbox) -> None:
    with pytest.raises(SqlFailedError) as caught:
        sandbox.run("SELECT nope FROM cities")
    assert not isinstance(caught.value, SqlTimeoutError)
    assert 'column "nope" not found' in caught.value.problem
    assert "\n" not in str(caught.value)
    with pytest.raises(SqlFailedError, match="Parser Error"):
        sandbox.run("SELEC 1")
    with pytest.raises(SqlFailedError, match='Did you mean "cities"'):
        sandbox.run("SELECT * FROM citiez")


def test_runaway_cross_join_is_stopped(frames: dict[str, pd.DataFrame]) -> None:
    big = {"big": pd.DataFrame({"x": range(200_000)}), **frames}
    with Sandbox(big, timeout_s=1.0) as box:
        assert box._pool.wait_warm()  # timed: the query, not a worker's start
        started = time.perf_counter()
        with pytest.raises(SqlTimeoutError) as caught:
            box.run("SELECT count(*) FROM big a, big b, big c")
        elapsed = time.perf_counter() - started
        assert elapsed < 1.0 + 1.0
        assert "1 s time limit" in caught.value.problem
        assert "cross join" in (caught.value.fix or "")
        assert box.run("SELECT count(*) FROM big").rows == [[200_000]]
        with pytest.raises(SqlTimeoutError):  # sorting a huge product is stopped too
            box.run("SELECT a.x FROM big a, big b ORDER BY a.x * b.x DESC LIMIT 1")
        assert box.run("SELECT 1 AS ok").rows == [[1]]
    assert_frames_unchanged(frames)


# -- anomalies ---------------------------------------------------------------


def test_empty_result_with_case_mismatch(sandbox: Sandbox) -> None:
    result = sandbox.run("SELECT * FROM cities WHERE city = 'paris'")
    assert result.rows == [] and result.row_count == 0
    assert result.anomalies[0] == (
        "the query returned no rows although table cities has 4 rows: "
        "check filter values (case, spelling)"
    )
    assert any("'paris'" in a and "'Paris'" in a for a in result.anomalies)


def test_empty_result_without_case_hint(sandbox: Sandbox) -> None:
    result = sandbox.run("SELECT * FROM cities WHERE city = 'Paris' AND country = 'DE'")
    assert len(result.anomalies) == 1 and "no rows" in result.anomalies[0]
    join = sandbox.run(
        "SELECT * FROM cities c JOIN visits v USING (city) WHERE v.year = 1990"
    ).anomalies
    assert "table cities has 4 rows and table visits has 6 rows" in join[0]


def test_all_zero_and_all_null_columns(sandbox: Sandbox) -> None:
    result = sandbox.run(
        "SELECT city, 0 AS zero, count(*) FILTER (WHERE year > 3000) AS later, "
        "NULL AS nothing FROM visits GROUP BY city"
    )
    text = " ".join(result.anomalies)
    assert "'zero' is 0 in every returned row" in text
    assert "'later' is 0 in every returned row" in text
    assert "'nothing' is NULL in every returned row" in text
    assert "'city'" not in text
    assert sandbox.run("SELECT count(*) FROM visits WHERE year = 2020").anomalies == []


# -- async -------------------------------------------------------------------


async def test_arun(sandbox: Sandbox) -> None:
    results = await asyncio.gather(
        sandbox.arun("SELECT count(*) FROM cities"), sandbox.arun("SELECT count(*) FROM visits")
    )
    assert [r.rows for r in results] == [[[4]], [[6]]]
    with pytest.raises(SqlRefusedError):
        await sandbox.arun("DROP TABLE cities")


async def test_arun_cancellation_interrupts_the_query(frames: dict[str, pd.DataFrame]) -> None:
    big = {"big": pd.DataFrame({"x": range(200_000)}), **frames}
    with Sandbox(big, timeout_s=60.0) as box:
        assert box._pool.wait_warm()  # timed below: the queries, not a worker's start
        replaced = box._pool.replacements
        started = time.perf_counter()
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(box.arun("SELECT count(*) FROM big a, big b, big c"), 0.5)
        assert time.perf_counter() - started < 2.0

        task = asyncio.ensure_future(box.arun("SELECT count(*) FROM big a, big b, big c"))
        await asyncio.sleep(0.2)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert time.perf_counter() - started < 3.0
        assert (await box.arun("SELECT count(*) FROM big")).rows == [[200_000]]
        # both cancelled queries' workers were killed (and replaced), not left computing
        assert box._pool.wait_warm()
        assert box._pool.replacements == replaced + 2


# -- construction and lifecycle ------------------------------------------------


@pytest.mark.parametrize("name", ["1abc", "a b", "x;drop", 'q"', "", "tab-le"])
def test_bad_table_names(name: str) -> None:
    with pytest.raises(EthosError) as caught:
        Sandbox({name: pd.DataFrame({"a": [1]})})
    assert isinstance(caught.value, ValueError)


def test_tables_are_copies_and_close(frames: dict[str, pd.DataFrame]) -> None:
    box = Sandbox(frames)
    frames["cities"].loc[0, "city"] = "Changed"  # the sandbox holds its own copy
    assert box.run("SELECT city FROM cities ORDER BY city").rows[-1] == ["Paris"]
    box.close()
    box.close()
    with pytest.raises(EthosError, match="closed"):
        box.run("SELECT 1")


# -- property: arbitrary text --------------------------------------------------

WORDS = [
    "SELECT", "*", "FROM", "cities", "visits", "WHERE", "city", "=", "'Paris'", "DROP",
    "TABLE", "DELETE", "INSERT", "INTO", "VALUES", "(", ")", ",", ";", "COPY", "TO",
    "'x.csv'", "read_csv", "ATTACH", "SET", "PRAGMA", "WITH", "AS", "JOIN", "ON", "GROUP",
    "BY", "count(*)", "1", "NULL", "--", "/*", "*/", "UPDATE", "year", "LIMIT", "'",
]  # fmt: skip


@pytest.fixture(scope="module")
def shared_sandbox() -> Iterator[tuple[Sandbox, dict[str, pd.DataFrame]]]:
    frames = make_frames()
    with Sandbox(frames, timeout_s=2.0, max_rows=50) as box:
        yield box, frames


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    sql=st.one_of(
        st.text(max_size=80),
        st.lists(st.sampled_from(WORDS), max_size=12).map(" ".join),
    )
)
def test_arbitrary_text_is_answered_or_refused(
    shared_sandbox: tuple[Sandbox, dict[str, pd.DataFrame]], sql: str
) -> None:
    box, frames = shared_sandbox
    try:
        result = box.run(sql)
    except (SqlRefusedError, SqlFailedError):
        pass
    else:
        assert isinstance(result, QueryResult)
        json.dumps(result.rows, allow_nan=False)
    assert_frames_unchanged(frames)
    assert box.run("SELECT count(*) FROM cities").rows == [[4]]
    assert box.run("SELECT sum(visitors) FROM visits").rows == [[43]]


# -- values built in one piece ---------------------------------------------------
# DuckDB builds repeat/lpad/range(...) results outside its memory limit and
# without checking for an interrupt: repeat('x', 2e9) took 10-15 s and 4 GB
# past a 2 s limit, len(range(3e8)) 72 s and 18 GB. Such calls are refused.

HUGE_VALUES = [
    "SELECT length(repeat('x', 20000000))",
    "SELECT length(lpad('a', 20000000, 'x'))",
    "SELECT length(rpad(city, 20000000, 'x')) FROM cities",
    "SELECT len(range(5000000))",
    "SELECT len(generate_series(1, 5000000))",
    "SELECT len(range(0, 5000000, 1))",
    "SELECT count(*) FROM unnest(range(5000000))",
    "SELECT len(list_resize([1], 5000000))",
    "SELECT length(format('{:>20000000}', 'x'))",
    "SELECT length(format('{:>{}}', 'x', 20000000))",
    "SELECT length(printf('%20000000d', 1))",
    "SELECT length(repeat(repeat('x', 5000), 5000))",
    "SELECT length(repeat('x', visitors * 10000000)) FROM visits",
    "SELECT len(range(year * 1000)) FROM visits",
]


@pytest.mark.parametrize("sql", HUGE_VALUES)
def test_values_built_in_one_piece_are_refused(sandbox: Sandbox, sql: str) -> None:
    with pytest.raises(SqlRefusedError, match="could exhaust memory") as caught:
        sandbox.run(sql)
    assert "FROM" in (caught.value.fix or "")


def test_modest_built_values_still_run(sandbox: Sandbox) -> None:
    assert sandbox.run("SELECT repeat('-', 3), lpad('7', 3, '0'), rpad('a', 2, '.')").rows == [
        ["---", "007", "a."]
    ]
    assert sandbox.run("SELECT len(range(1, 13)), len(generate_series(2000, 2020))").rows == [
        [12, 21]
    ]
    assert sandbox.run("SELECT lpad(city, 6, '.') AS c FROM cities ORDER BY c").rows[0] == [
        "..Lyon"
    ]
    assert sandbox.run("SELECT count(*) FROM range(5000000)").rows == [[5_000_000]]
    assert sandbox.run("SELECT format('{:.1f}', 2.25), printf('%5.1f', 2.25)").rows == [
        ["2.2", "  2.2"]
    ]
