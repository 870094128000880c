"""The analysis SQL runs in capped worker processes: hostile queries end in
time with an error, inside the worker's memory cap, and leave the calling
process as it was."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import threading
import time
from collections.abc import Iterator

import duckdb
import pandas as pd
import pytest

from ethos.agents.publicagent.sql import (
    MAX_VALUE_CHARS,
    SQL_TEXT_FUNCTION,
    Sandbox,
    SqlFailedError,
    SqlMemoryError,
    SqlRefusedError,
    SqlTimeoutError,
)
from ethos.agents.publicagent.sql_worker import KILL_GRACE_S, Call, get_pool
from ethos.errors import ConfigError
from ethos.settings import load_settings

TIMEOUT_S = 1.0


def caller_rss() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS in /proc/self/status")


def address_space_limit(pid: int) -> int:
    with open(f"/proc/{pid}/limits", encoding="ascii") as limits:
        for line in limits:
            if line.startswith("Max address space"):
                return int(line.split()[3])
    raise AssertionError("no address-space line in /proc/<pid>/limits")


@pytest.fixture(scope="module")
def box() -> Iterator[Sandbox]:
    frames = {
        "cities": pd.DataFrame({"city": ["Paris", "Lyon", "Nice"], "population": [2.1, 0.5, 0.3]}),
        "big": pd.DataFrame({"x": range(200_000), "s": ["ab" * 50] * 200_000}),
    }
    with pytest.MonkeyPatch.context() as patch:
        # three warm workers, not the default two: the battery kills or
        # retires one worker after another, and on a busy machine a
        # replacement can take a second or two to import DuckDB
        patch.setenv("ETHOS_SQL_WORKERS", "3")
        sandbox = Sandbox(frames, timeout_s=TIMEOUT_S, max_rows=100)
    with sandbox:
        assert sandbox._pool.size == 3
        assert sandbox.run("SELECT count(*) FROM big").rows == [[200_000]]  # warm
        yield sandbox
    sandbox._pool.close()


# Queries that pass the parse-tree checks and build one huge value (or run
# long): the worker must stop them, by its own interrupt, by its memory cap
# (DuckDB's out-of-memory error) or by being killed at timeout + grace.
STOPPED_IN_WORKER = [
    # replace / regexp_replace with a long replacement (10 GB of text)
    "SELECT length(replace(repeat('ab', 100000), 'a', repeat('x', 100000)))",
    "SELECT length(regexp_replace(repeat('ab', 100000), 'a', repeat('x', 100000), 'g'))",
    "SELECT length(regexp_replace(repeat('a', 100000), '', repeat('b', 100000), 'g'))",
    # list_transform over a range, each element a long string or a range
    "SELECT sum(length(x)) FROM (SELECT list_transform(range(100000), x -> repeat('y', 100000)) x)",
    "SELECT len(list_transform(range(100000), x -> lpad('a', 100000, 'b')))",
    "SELECT len(flatten(list_transform(range(100000), x -> range(100000))))",
    "SELECT length(to_json(list_transform(range(100000), x -> repeat('j', 100000))))",
    "SELECT list_sort(list_transform(range(100000), x -> repeat('s', 100000)))[1]",
    "SELECT count(*) FROM (SELECT unnest(list_transform(range(100000), x -> repeat('u', 100000))))",
    # repeat over a subquery or a column
    "SELECT length(repeat((SELECT string_agg(s, '') FROM big), 100000))",
    "SELECT max(length(repeat((SELECT max(s) FROM big), 100000) || x)) FROM range(100000) t(x)",
    "SELECT length(repeat(s, 100000)) AS n FROM big ORDER BY n DESC LIMIT 1",
    # a long string projected over range(100000), then sorted or gathered
    "SELECT repeat('z', 100000) AS s FROM range(100000) ORDER BY s",
    "SELECT length(string_agg(repeat('q', 100000), '')) FROM range(100000)",
    "SELECT len(list(repeat('z', 100000))) FROM range(100000)",
    "SELECT len(array_agg(s || repeat('w', 100000))) FROM big",
    "SELECT concat(repeat('a', 100000), s) AS v FROM big ORDER BY v DESC LIMIT 1",
    # values grown step by step, long aggregates and products
    "WITH RECURSIVE r(s) AS (SELECT 'x' UNION ALL SELECT s || s FROM r "
    "WHERE length(s) < 10000000000) SELECT max(length(s)) FROM r",
    "SELECT length(string_agg(x::VARCHAR, ',')) FROM range(1000000000) t(x)",
    "SELECT count(*) FROM big a, big b",
    # one call that computes for minutes without looking at the interrupt
    "SELECT levenshtein(repeat('a', 100000), repeat('b', 100000))",
    "SELECT damerau_levenshtein(repeat('a', 30000), repeat('b', 30000))",
    "SELECT a.x FROM big a, big b ORDER BY a.x * b.x DESC LIMIT 1",
]

# Queries the first layer (the parse-tree checks, in the worker) refuses.
REFUSED_BY_CHECKS = [
    # files
    "SELECT * FROM read_csv('/etc/passwd')",
    "SELECT * FROM read_text('/etc/hostname')",
    "SELECT * FROM '/etc/passwd'",
    "SELECT * FROM glob('/*')",
    "SELECT * FROM read_blob('/etc/hostname')",
    "COPY cities TO '/tmp/ethos-sql-leak.csv'",
    # network
    "SELECT * FROM read_csv('https://example.com/x.csv')",
    "SELECT * FROM read_parquet('s3://bucket/x.parquet')",
    "SELECT * FROM 'http://127.0.0.1:9/x.csv'",
    "SELECT * FROM read_json('http://169.254.169.254/latest/meta-data')",
    "ATTACH 'http://127.0.0.1:9/x.db' AS remote",
    # extensions
    "INSTALL httpfs",
    "LOAD httpfs",
    "FORCE INSTALL httpfs FROM 'http://127.0.0.1:9'",
    "LOAD '/tmp/evil.duckdb_extension'",
    # more than one statement
    "SELECT 1; DROP TABLE cities",
    "SELECT 1; SET lock_configuration = false",
    "SELECT 1; ATTACH ':memory:' AS m",
    # functions that run SQL text or a serialized statement
    "SELECT * FROM json_execute_serialized_sql(json_serialize_sql('SELECT 42'))",
    "SELECT * FROM json_execute_serialized_sql("
    "(SELECT json_serialize_sql('SELECT * FROM read_text(''/etc/hostname'')')))",
    "SELECT (SELECT count(*) FROM json_execute_serialized_sql(json_serialize_sql('SELECT 1')))",
    "PRAGMA json_execute_serialized_sql('{}')",
    "SELECT * FROM query('SELECT 1')",
    "SELECT * FROM query_table('cities')",
    "SELECT json_serialize_plan('SELECT 1')",
    "SELECT json_deserialize_sql(json_serialize_sql('SELECT 1'))",
]

BATTERY = [(sql, SqlFailedError) for sql in STOPPED_IN_WORKER] + [
    (sql, SqlRefusedError) for sql in REFUSED_BY_CHECKS
]


@pytest.mark.slow
def test_hostile_battery(box: Sandbox) -> None:
    """Each query ends within timeout + 2 s with a typed error, the worker's
    peak address space stays under its cap, and the caller's memory does
    not grow by more than 50 MB over the whole battery.

    The clock starts once the pool is warm again: the bound is on the
    query, and a killed worker's replacement (started at once, in the
    background) can take seconds to import DuckDB on a busy 2-core box."""
    assert len(BATTERY) >= 40
    cap = box._pool.memory_cap_bytes
    rss_before = caller_rss()
    rss_after = []
    replaced_before = box._pool.replacements
    problems = []
    for sql, expected in BATTERY:
        assert box._pool.wait_warm(), "a replacement worker did not start"
        started = time.perf_counter()
        try:
            result = box.run(sql)
        except (SqlRefusedError, SqlFailedError) as error:
            elapsed = time.perf_counter() - started
            if not isinstance(error, expected):
                problems.append(f"{sql[:60]}: {type(error).__name__}, not {expected.__name__}")
            if expected is SqlFailedError and isinstance(error, SqlRefusedError):
                problems.append(f"{sql[:60]}: refused by the checks, not stopped in the worker")
            if not error.problem or "\n" in str(error):
                problems.append(f"{sql[:60]}: error without a one-line problem: {error!r}")
            peak = error.worker_peak_bytes
            if peak is None or peak >= cap:
                problems.append(f"{sql[:60]}: worker peak {peak} not under the cap {cap}")
            if elapsed > TIMEOUT_S + 2:
                problems.append(f"{sql[:60]}: ended after {elapsed:.2f} s")
        else:
            problems.append(f"{sql[:60]}: answered {result.rows[:1]}, expected an error")
        rss_after.append(caller_rss())
    assert not problems, "\n".join(problems)
    grown = max(rss_after) - rss_before
    assert grown <= 50 * 2**20, f"the caller's RSS grew by {grown / 2**20:.0f} MB"
    # workers were killed and replaced along the way, and the sandbox still answers
    assert box._pool.replacements > replaced_before
    assert box.run("SELECT city FROM cities ORDER BY population DESC LIMIT 1").rows == [["Paris"]]


# -- the SQL-text rule -------------------------------------------------------------


def test_sql_text_functions_are_found_by_rule_and_refused(box: Sandbox) -> None:
    """The rule is a word of the function name; every function of the
    installed DuckDB that it matches is refused, and common analysis
    functions are not matched."""
    names = {
        name
        for (name,) in duckdb.connect()
        .execute("SELECT DISTINCT function_name FROM duckdb_functions()")
        .fetchall()
    }
    matched = {name for name in names if SQL_TEXT_FUNCTION.search(name.lower())}
    assert {
        "json_execute_serialized_sql",
        "json_serialize_sql",
        "json_deserialize_sql",
        "json_serialize_plan",
        "query",
        "query_table",
    } <= matched
    common = {"sum", "avg", "count", "string_agg", "regexp_replace", "list_transform", "strftime"}
    assert not (common & matched)
    kinds = dict(
        duckdb.connect()
        .execute(
            "SELECT function_name, first(function_type) FROM duckdb_functions() "
            "GROUP BY function_name"
        )
        .fetchall()
    )
    for name in sorted(matched):
        kind = kinds[name]
        if kind == "table":
            sql = f"SELECT * FROM {name}('SELECT 1')"
        elif kind in ("scalar", "aggregate", "macro"):
            sql = f"SELECT {name}('SELECT 1')"
        else:
            continue  # pragmas: PRAGMA statements are refused as a whole
        with pytest.raises(SqlRefusedError, match=re.escape(name)):
            box.run(sql)


# -- the pool ------------------------------------------------------------------------


def test_workers_are_capped_by_the_setting(box: Sandbox) -> None:
    cap = load_settings().sql_memory_cap_mb * 2**20
    assert cap == 2**30  # the default: 1 GiB
    assert box._pool.memory_cap_bytes == cap
    pids = box._pool.pids()
    assert pids and all(address_space_limit(pid) == cap for pid in pids)
    assert os.getpid() not in pids
    settings = dict(
        box.run(
            "SELECT name, value FROM duckdb_settings() WHERE name IN "
            "('memory_limit', 'enable_external_access', 'lock_configuration')"
        ).rows
    )
    assert settings == {
        "memory_limit": "488.2 MiB",  # half the cap
        "enable_external_access": "false",
        "lock_configuration": "true",
    }


def test_a_smaller_cap_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ETHOS_SQL_MEMORY_CAP_MB", "512")
    monkeypatch.setenv("ETHOS_SQL_WORKERS", "1")
    with Sandbox({"t": pd.DataFrame({"a": [1, 2]})}, timeout_s=TIMEOUT_S) as small:
        try:
            assert small._pool.size == 1
            assert small.run("SELECT count(*) FROM t").rows == [[2]]  # started and ready
            (pid,) = small._pool.pids()
            assert address_space_limit(pid) == 512 * 2**20
            with pytest.raises(SqlFailedError) as caught:
                small.run("SELECT len(list(repeat('z', 100000))) FROM range(100000)")
            assert caught.value.worker_peak_bytes < 512 * 2**20
            assert small.run("SELECT sum(a) FROM t").rows == [[3]]
        finally:
            small._pool.close()
    monkeypatch.setenv("ETHOS_SQL_MEMORY_CAP_MB", "100")
    with pytest.raises(ConfigError, match="sql_memory_cap_mb"):
        Sandbox({"t": pd.DataFrame({"a": [1]})})


@pytest.mark.slow
def test_overrunning_worker_is_killed_and_replaced(box: Sandbox) -> None:
    call = Call()
    seen: list[int] = []
    watcher = threading.Thread(target=lambda: seen.append(_wait_for_pid(call)))
    watcher.start()
    assert box._pool.wait_warm()  # the time is the query's, not a start's
    started = time.perf_counter()
    with pytest.raises(SqlTimeoutError, match="1 s time limit") as caught:
        # minutes of work in one call that never looks at the interrupt flag
        box._submit("SELECT levenshtein(repeat('a', 100000), repeat('b', 100000))", call)
    elapsed = time.perf_counter() - started
    watcher.join()
    assert elapsed <= TIMEOUT_S + KILL_GRACE_S + 1.0
    assert caught.value.worker_peak_bytes < box._pool.memory_cap_bytes
    (pid,) = seen
    _wait_gone(pid)
    assert pid not in box._pool.pids()
    assert box.run("SELECT count(*) FROM cities").rows == [[3]]


def test_worker_killed_mid_query_is_one_error(box: Sandbox) -> None:
    call = Call()
    outcome: list[BaseException] = []

    def submit() -> None:
        try:
            box._submit("SELECT count(*) FROM big a, big b", call)
        except BaseException as error:  # inspected below
            outcome.append(error)

    assert box._pool.wait_warm()  # killed after the query was sent, not while starting
    thread = threading.Thread(target=submit)
    thread.start()
    os.kill(_wait_for_pid(call), signal.SIGKILL)  # as the kernel's OOM killer would
    thread.join()
    (error,) = outcome
    assert isinstance(error, SqlMemoryError)
    assert "stopped the process running it" in error.problem
    assert box.run("SELECT count(*) FROM cities").rows == [[3]]


def test_idle_workers_killed_from_outside_are_replaced(box: Sandbox) -> None:
    pids = box._pool.pids()
    for pid in pids:
        os.kill(pid, signal.SIGKILL)
    for pid in pids:
        _wait_gone(pid, reaped=False)
    assert box.run("SELECT count(*) FROM cities").rows == [[3]]
    assert box.run("SELECT count(*) FROM big").rows == [[200_000]]
    assert not set(pids) & set(box._pool.pids())


def test_wait_warm_finds_a_dead_worker_and_hands_back_started_ones(box: Sandbox) -> None:
    pool = box._pool
    assert pool.wait_warm()
    (dead, *others) = pool.pids()
    os.kill(dead, signal.SIGKILL)
    _wait_gone(dead, reaped=False)
    assert not pool.wait_warm()  # found dead (though it had started) and replaced
    assert pool.wait_warm()
    assert len(pool.pids()) == pool.size and dead not in pool.pids()
    assert set(others) <= set(pool.pids())
    assert all(worker.ready for worker in pool._idle)
    assert box.run("SELECT count(*) FROM cities").rows == [[3]]


async def test_arun_leaves_the_event_loop_free(box: Sandbox) -> None:
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    ticker = asyncio.ensure_future(tick())
    try:
        with pytest.raises(SqlTimeoutError):
            await box.arun("SELECT count(*) FROM big a, big b")
    finally:
        ticker.cancel()
    assert ticks >= 10  # the loop kept running while the worker was busy


def test_long_values_are_cut_and_huge_results_refused(box: Sandbox) -> None:
    result = box.run("SELECT repeat('x', 50000) AS v")
    (value,) = result.rows[0]
    assert value.startswith("x" * MAX_VALUE_CHARS)
    assert value.endswith("[46,000 more characters]")
    assert result.worker_peak_bytes < box._pool.memory_cap_bytes
    columns = ", ".join(f"repeat(s, 40) AS c{i}" for i in range(30))  # 100 rows: 12 MB
    with pytest.raises(SqlFailedError, match="too large to return"):
        box.run(f"SELECT {columns} FROM big LIMIT 100")


def test_closed_sandbox_file_is_deleted(box: Sandbox) -> None:
    other = Sandbox({"t": pd.DataFrame({"a": [1]})}, timeout_s=TIMEOUT_S)
    path = other._path
    assert other.run("SELECT a FROM t").rows == [[1]]
    assert os.path.exists(path)
    other.close()
    assert not os.path.exists(os.path.dirname(path))
    # an idle worker lets go of the deleted file (its disk space and DuckDB's
    # cache of it) within about a second, with no query needed to notice
    for _ in range(500):
        if not _holding(other._pool.pids(), path):
            break
        time.sleep(0.01)
    assert not _holding(other._pool.pids(), path)
    assert box.run("SELECT count(*) FROM cities").rows == [[3]]  # workers moved on


def _holding(pids: list[int], path: str) -> list[int]:
    """The processes among ``pids`` with ``path`` open."""
    found = []
    for pid in pids:
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
        except FileNotFoundError:
            continue
        for fd in fds:
            try:
                if os.readlink(f"/proc/{pid}/fd/{fd}").startswith(path):
                    found.append(pid)
                    break
            except FileNotFoundError:
                pass
    return found


def test_pool_is_shared_and_warm() -> None:
    assert get_pool() is get_pool()
    first = Sandbox({"a": pd.DataFrame({"x": [1]})})
    second = Sandbox({"b": pd.DataFrame({"x": [2]})})
    try:
        assert first._pool is second._pool
        assert [first.run("SELECT x FROM a").rows, second.run("SELECT x FROM b").rows] == [
            [[1]],
            [[2]],
        ]
        with pytest.raises(SqlFailedError, match="Table with name a does not exist"):
            second.run("SELECT x FROM a")  # one sandbox never sees another's tables
    finally:
        first.close()
        second.close()


# -- helpers --------------------------------------------------------------------------


def _wait_for_pid(call: Call) -> int:
    for _ in range(2000):
        if call.pid is not None:
            time.sleep(0.2)  # let the query start
            return call.pid
        time.sleep(0.005)
    raise AssertionError("the query never reached a worker")


def _wait_gone(pid: int, reaped: bool = True, timeout_s: float = 10.0) -> None:
    """Until the process is reaped, or (reaped=False) at least dead."""
    for _ in range(int(timeout_s * 100)):
        if not reaped:
            if _dead(pid):
                return
        else:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return
        time.sleep(0.01)
    raise AssertionError(f"worker {pid} is still there")


def _dead(pid: int) -> bool:
    """Whether every thread of the process has exited. Its main thread can
    be a zombie while the others still exit; until they have, the process
    is not waitable and the pool (rightly) still counts it alive."""
    try:
        return os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None
    except ChildProcessError:
        pass  # not a child of this process (an orphan test's worker), or reaped
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except FileNotFoundError:
        return True
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/stat", encoding="ascii") as stat:
                if stat.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X"):
                    return False
        except FileNotFoundError:
            continue
    return True


async def test_the_analysis_agent_gets_the_error_as_feedback(box: Sandbox) -> None:
    from ethos.graphs.publicagent import _run_experiment

    hostile = "SELECT len(list(repeat('z', 100000))) FROM range(100000)"
    result = await _run_experiment(box, "count long strings", hostile)
    assert result.error and result.rows == []
    assert "memory" in result.error or "time limit" in result.error
    fine = await _run_experiment(box, "largest city", "SELECT max(population) FROM cities")
    assert fine.error is None and fine.rows == [[2.1]]


def test_a_worker_that_cannot_start_is_one_error(
    box: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ethos.agents.publicagent.sql_worker import WorkerPool

    monkeypatch.setattr("sys.executable", "/bin/false")  # every worker exits at once
    broken = WorkerPool(1, 2**30)
    monkeypatch.setattr(box, "_pool", broken)
    try:
        with pytest.raises(SqlFailedError, match="did not start") as caught:
            box.run("SELECT 1")
        assert not isinstance(caught.value, SqlMemoryError)
        assert "import ethos.agents.publicagent.sql" in (caught.value.fix or "")
    finally:
        broken.close()


def test_no_process_to_start_is_one_error_then_started_on_demand(
    box: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    from ethos.agents.publicagent import sql_worker

    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError(errno.EAGAIN, "Resource temporarily unavailable")  # as fork would

    assert box._pool.wait_warm()  # no replacement of the shared pool starts meanwhile
    with monkeypatch.context() as patch:
        patch.setattr(sql_worker, "_Worker", refuse)
        starved = sql_worker.WorkerPool(2, 2**30)  # no worker yet, and no traceback
        patch.setattr(box, "_pool", starved)
        try:
            with pytest.raises(SqlFailedError, match="did not start"):
                box.run("SELECT 1")
        except BaseException:
            starved.close()
            raise
    try:
        assert starved.pids() == []
        monkeypatch.setattr(box, "_pool", starved)
        assert box.run("SELECT count(*) FROM cities").rows == [[3]]  # started on demand
    finally:
        starved.close()


ORPHAN_SCRIPT = """
import os, threading, time
import pandas as pd
from ethos.agents.publicagent.sql import Sandbox
box = Sandbox({"t": pd.DataFrame({"a": [1]})}, timeout_s=600)
box.run("SELECT 1")
print(box._dir, flush=True)
print(" ".join(map(str, box._pool.pids())), flush=True)
slow = "SELECT levenshtein(repeat('a', 100000), repeat('b', 100000))"
threading.Thread(target=box.run, args=(slow,), daemon=True).start()
time.sleep(1.0)
os.kill(os.getpid(), 9)
"""


@pytest.mark.slow
def test_workers_exit_when_the_caller_is_killed() -> None:
    """Even the worker busy with minutes of uninterruptible work; and the
    tables directory it leaves (no finalizer runs at -9) is deleted by the
    next Sandbox, while a live sandbox's is not."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", ORPHAN_SCRIPT], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == -signal.SIGKILL, done.stderr
    directory, workers = done.stdout.splitlines()
    pids = [int(p) for p in workers.split()]
    assert len(pids) == 2
    for pid in pids:
        # exited (a zombie counts: in a container whose init does not reap
        # orphans, an exited worker can stay one)
        _wait_gone(pid, reaped=False, timeout_s=10)
    assert os.path.isdir(directory)
    with Sandbox({"t": pd.DataFrame({"a": [1]})}) as live:
        assert not os.path.exists(directory)
        with Sandbox({"u": pd.DataFrame({"a": [2]})}):
            assert os.path.exists(live._path)  # its owner is alive


def test_time_zoned_values_come_back(box: Sandbox) -> None:
    """DuckDB's binding needs pytz to return a TIMESTAMPTZ: without it (not
    in the data extra) ``SELECT now()`` failed in every worker."""
    import datetime as dt

    before = dt.datetime.now(dt.UTC)
    result = box.run("SELECT now() AS t, TIMESTAMPTZ '2024-01-01 00:00:00+02' AS z")
    (now, fixed), *_ = result.rows
    assert dt.datetime.fromisoformat(fixed) == dt.datetime(2023, 12, 31, 22, tzinfo=dt.UTC)
    assert abs(dt.datetime.fromisoformat(now) - before) < dt.timedelta(minutes=5)


async def test_concurrent_queries_and_a_cancelled_waiter(monkeypatch: pytest.MonkeyPatch) -> None:
    """On a one-worker pool, two queries at once both answer (one waits for
    the other); a query cancelled while it waits for a worker gives up at
    once, without waiting for the busy worker and without killing it."""
    monkeypatch.setenv("ETHOS_SQL_WORKERS", "1")
    with Sandbox({"t": pd.DataFrame({"a": [1, 2, 3]})}, timeout_s=3.0) as one:
        pool = one._pool
        try:
            assert pool.size == 1
            first, second = await asyncio.gather(
                one.arun("SELECT sum(a) FROM t"), one.arun("SELECT max(a) FROM t")
            )
            assert (first.rows, second.rows) == ([[6]], [[3]])
            replaced = pool.replacements
            busy = asyncio.ensure_future(
                one.arun("SELECT levenshtein(repeat('a', 100000), repeat('b', 100000))")
            )
            for _ in range(1000):  # until the slow query holds the worker
                if not pool.pids():
                    break
                await asyncio.sleep(0.01)
            waiting = asyncio.ensure_future(one.arun("SELECT 1"))
            await asyncio.sleep(0.2)
            waiting.cancel()
            with pytest.raises(asyncio.CancelledError):
                await waiting
            assert not busy.done()  # the cancelled waiter did not wait for it
            with pytest.raises(SqlTimeoutError):
                await busy
            assert (await one.arun("SELECT count(*) FROM t")).rows == [[3]]
            assert pool.replacements == replaced + 1  # the overrun only
        finally:
            pool.close()


LAZY_AGENTS_SCRIPT = """
import sys
import ethos.agents.publicagent.sql
import ethos.agents as agents
assert "ethos.agents.agent" not in sys.modules, "the SQL worker's import loaded agent.py"
assert set(agents.__all__) <= set(dir(agents)), sorted(set(agents.__all__) - set(dir(agents)))
from ethos.agents import Agent, Tool
assert Agent.__module__ == Tool.__module__ == "ethos.agents.agent"
"""


def test_agents_package_loads_its_machinery_on_first_use() -> None:
    """Each SQL worker imports a submodule of ethos.agents: the package does
    not load agent.py for it, and still lists and gives its names."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", LAZY_AGENTS_SCRIPT], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize(
    ("name", "sql"),
    [
        (
            "enable_logging",
            "SELECT * FROM enable_logging(storage := 'file', "
            "storage_config := {'path': '/tmp/ethos-sql-log'})",
        ),
        ("enable_logging", "SELECT * FROM enable_logging(level := 'trace')"),
        (
            "enable_profiling",
            "SELECT * FROM main.enable_profiling(save_location := '/tmp/ethos-sql-profile.txt')",
        ),
        ("checkpoint", "SELECT (SELECT count(*) FROM checkpoint())"),
        ("truncate_duckdb_logs", "SELECT * FROM truncate_duckdb_logs()"),
    ],
)
def test_functions_that_change_the_database_are_refused(box: Sandbox, name: str, sql: str) -> None:
    """Logging to a file was accepted, and the worker died at its next
    query (an innocent one, reported as out of memory)."""
    replaced = box._pool.replacements
    with pytest.raises(SqlRefusedError, match=f"the function {name} .* changes the database"):
        box.run(sql)
    assert box.run("SELECT count(*) FROM cities").rows == [[3]]
    assert box._pool.replacements == replaced
