"""A read-only DuckDB sandbox for the analysis agent's SQL.

The model writes DuckDB SQL against the chosen data sets; that SQL is
untrusted. :class:`Sandbox` copies the DataFrames once into a DuckDB file in
a private temporary directory, and each query runs in a warm worker process
(:mod:`.sql_worker`) that opens the file read-only, locks it down (no file,
network or extension access, bounded memory and threads, configuration
locked) and runs only a single read-only ``SELECT``, under a time limit and
a row cap. The worker's address space is capped (the ``sql_memory_cap_mb``
setting, 1 GiB by default) and a worker that overruns its time limit is
killed and replaced, because some DuckDB functions build one huge value
outside DuckDB's memory limit and without checking for an interrupt.

Before anything runs, the parse tree is checked: one statement, read-only,
no function that reads files or the network or runs SQL text (the latter
found by a rule on the name, :data:`SQL_TEXT_FUNCTION`), no value built in
one piece from a large or non-constant size.

Every failure the model can act on is an :class:`~ethos.errors.EthosError`
with a short message meant to be fed back to it: :class:`SqlRefusedError`
(the SQL is not allowed), :class:`SqlFailedError` (DuckDB rejected or failed
it), :class:`SqlTimeoutError` (it ran too long) and :class:`SqlMemoryError`
(it needed more memory than the worker may use). Results carry plain
English ``anomalies`` (no rows, all-zero or all-NULL columns, a filter value
that only matches with another case) for the model to react to.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import decimal
import fcntl
import json
import math
import os
import re
import shutil
import tempfile
import threading
import time
import uuid
import weakref
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

import duckdb
from pydantic import BaseModel, ConfigDict

from ethos.errors import EthosError

if TYPE_CHECKING:
    import pandas

__all__ = [
    "QueryResult",
    "Sandbox",
    "SqlFailedError",
    "SqlMemoryError",
    "SqlRefusedError",
    "SqlTableNameError",
    "SqlTimeoutError",
]


class SqlRefusedError(EthosError):
    """The SQL is not allowed in the sandbox (not a single read-only SELECT,
    or it reaches for files, the network or extensions)."""

    worker_peak_bytes: int | None = None  # the worker's peak address space, when known


class SqlFailedError(EthosError):
    """DuckDB rejected or failed the SQL; the message carries DuckDB's own."""

    worker_peak_bytes: int | None = None  # the worker's peak address space, when known


class SqlTimeoutError(SqlFailedError):
    """The query ran past the sandbox's time limit and was interrupted (or its
    worker process, not answering, was killed)."""


class SqlMemoryError(SqlFailedError):
    """The query needed more memory than its worker process may use (or the
    worker died while running it)."""


class SqlTableNameError(EthosError, ValueError):
    """A table handed to the sandbox has a name that is not a plain identifier."""


class QueryResult(BaseModel):
    """What one query returned, with JSON-safe values."""

    model_config = ConfigDict(frozen=True)

    sql: str
    columns: list[str]
    rows: list[list[Any]]
    row_count: int
    truncated: bool
    elapsed_s: float
    anomalies: list[str]
    worker_peak_bytes: int | None = None
    """The peak address space of the worker process that ran the query."""

    def as_markdown(self, limit: int = 20) -> str:
        """A small Markdown table of the first ``limit`` rows."""
        if not self.columns:
            return "(no columns)"
        header = "| " + " | ".join(_md_cell(c) for c in self.columns) + " |"
        rule = "| " + " | ".join("---" for _ in self.columns) + " |"
        lines = [header, rule]
        shown = self.rows[: max(limit, 0)]
        lines += ["| " + " | ".join(_md_cell(v) for v in row) + " |" for row in shown]
        notes = []
        if not self.rows:
            notes.append("(no rows)")
        elif len(self.rows) > len(shown):
            notes.append(f"({len(self.rows) - len(shown)} more rows not shown)")
        if self.truncated:
            notes.append(f"(result truncated at {self.row_count} rows)")
        return "\n".join(lines + notes)


def _md_cell(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, (list, dict)):
        text = json.dumps(value, ensure_ascii=False)
    else:
        text = str(value)
    text = text.replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ")
    return text if len(text) <= 80 else text[:77] + "..."


_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")

# Leading keywords of statements DuckDB parses as SELECT that are read-only.
_READ_KEYWORDS = frozenset(
    {"SELECT", "WITH", "FROM", "VALUES", "TABLE", "DESCRIBE", "DESC", "SHOW", "SUMMARIZE", "("}
)

# Leading keywords of statements that are refused before DuckDB parses
# them (other words go to the parser, so a typo gets DuckDB's own message).
_WRITE_KEYWORDS = frozenset(
    {
        "ABORT", "ALTER", "ANALYZE", "ATTACH", "BEGIN", "CALL", "CHECKPOINT", "COMMIT",
        "COPY", "CREATE", "DEALLOCATE", "DELETE", "DETACH", "DROP", "EXECUTE", "EXPLAIN",
        "EXPORT", "FORCE", "IMPORT", "INSERT", "INSTALL", "LOAD", "MERGE", "PRAGMA",
        "PREPARE", "RESET", "ROLLBACK", "SET", "TRUNCATE", "UPDATE", "USE", "VACUUM",
    }
)  # fmt: skip

# Functions that read files, the network, other databases or run SQL text.
_DENIED_FUNCTIONS = frozenset(
    {
        "glob",
        "sniff_csv",
        "query",
        "query_table",
        "parquet_metadata",
        "parquet_schema",
        "parquet_file_metadata",
        "parquet_kv_metadata",
        "parquet_bloom_probe",
        "sqlite_attach",
        "postgres_attach",
        "mysql_attach",
        "iceberg_metadata",
        "iceberg_snapshots",
        "load_aws_credentials",
    }
)
# Table functions that change the database for the queries after them
# instead of reading data: logging to a file (refused only when the log is
# written, which kills the worker during the next, innocent query),
# profiling output, checkpoints.
_STATEFUL_FUNCTIONS = frozenset(
    {
        "enable_logging",
        "disable_logging",
        "truncate_duckdb_logs",
        "enable_profiling",
        "disable_profiling",
        "checkpoint",
        "force_checkpoint",
    }
)
_DENIED_PREFIXES = ("read_", "http", "s3", "postgres_", "mysql_", "sqlite_", "iceberg_", "delta_")
_DENIED_SUFFIXES = ("_scan",)

# Functions that take SQL text (or a serialized statement or plan) and parse,
# plan or run it: json_execute_serialized_sql runs a statement past every
# check here, and query()/query_table() likewise. They are found by rule, by
# a word of the name, so one added in a later DuckDB is refused too; a test
# lists every function of the installed DuckDB the rule matches.
SQL_TEXT_FUNCTION = re.compile(
    r"(?:^|_)(?:sql|query|queries|plan|serialized|prepared|execute|exec|eval)(?:_|$)"
)

_SETTINGS_BEFORE_LOCK = (
    "SET temp_directory = ''",  # no spilling to disk: over the memory limit is an error
    "SET allow_persistent_secrets = false",
    "SET python_enable_replacements = false",
    "SET enable_external_access = false",
    "SET allow_community_extensions = false",
    "SET autoload_known_extensions = false",
    "SET autoinstall_known_extensions = false",
)


# Scalar functions whose result size is set by an argument. DuckDB builds
# such a value in one piece, outside its memory limit and without checking
# for an interrupt, so ``repeat('x', 2e9)`` or ``range(3e8)`` runs long past
# the time limit and takes gigabytes. Each call needs a constant size no
# larger than MAX_BUILT_SIZE and may not nest inside another. The size
# argument's position follows the name; range/generate_series are counted.
MAX_BUILT_SIZE = 100_000
_SIZED_FUNCTIONS = {
    "repeat": 1,
    "lpad": 1,
    "rpad": 1,
    "list_resize": 1,
    "array_resize": 1,
    "range": -1,
    "generate_series": -1,
}
_FORMAT_FUNCTIONS = frozenset({"format", "printf", "fmt"})
_WIDE_FORMAT = re.compile(r"\d{6,}|\{[^{}]*\{|%[^a-zA-Z%]*\*")


def _constant_number(node: Any) -> float | None:
    if not isinstance(node, dict):
        return None
    if node.get("type") == "OPERATOR_CAST" or node.get("class") == "CAST":
        return _constant_number(node.get("child"))
    if node.get("type") != "VALUE_CONSTANT":
        return None
    value = node.get("value") or {}
    raw = value.get("value")
    if value.get("is_null") or isinstance(raw, bool):
        return None
    try:
        number = float(raw)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _built_size(name: str, args: list[Any]) -> float | None:
    """The size a sized function call builds, or None when it is not a constant."""
    if _SIZED_FUNCTIONS[name] >= 0:
        index = _SIZED_FUNCTIONS[name]
        return _constant_number(args[index]) if len(args) > index else None
    numbers = [_constant_number(a) for a in args]
    if not 1 <= len(numbers) <= 3 or any(n is None for n in numbers):
        return None
    start, stop, step = (0.0, numbers[0], 1.0) if len(numbers) == 1 else (*numbers[:2], 1.0)
    if len(numbers) == 3:
        step = numbers[2]
    if not step:
        return None
    return max((stop - start) / step, 0.0)


def _size_problem(tree: Any) -> str | None:
    """Why a call in the parse tree could build a huge value, or None."""
    stack: list[tuple[Any, bool]] = [(tree, False)]
    while stack:
        node, inside = stack.pop()
        if isinstance(node, list):
            stack.extend((item, inside) for item in node)
            continue
        if not isinstance(node, dict):
            continue
        children: list[tuple[Any, bool]] = []
        if node.get("type") == "TABLE_FUNCTION" and isinstance(node.get("function"), dict):
            # range(...) in FROM streams its rows: only its arguments are checked
            function = node["function"]
            children.append((function.get("children", []), inside))
            children += [(v, inside) for k, v in node.items() if k != "function"]
            stack.extend(children)
            continue
        name = node.get("function_name")
        name = name.lower() if isinstance(name, str) else ""
        args = node.get("children") if isinstance(node.get("children"), list) else []
        if name in _SIZED_FUNCTIONS:
            if inside:
                return f"{name}() inside another call that builds a value of a given size"
            size = _built_size(name, args)
            if size is None or size > MAX_BUILT_SIZE:
                return (
                    f"{name}() builds a value whose size is not a constant of at most "
                    f"{MAX_BUILT_SIZE:,}"
                )
            inside = True
        if name in _FORMAT_FUNCTIONS and args:
            first = args[0] if isinstance(args[0], dict) else {}
            pattern = (first.get("value") or {}).get("value")
            if not isinstance(pattern, str) or _WIDE_FORMAT.search(pattern):
                return f"{name}() with a format that is not a constant of modest field widths"
        stack.extend((v, inside) for v in node.values())
    return None


def _denied(function_name: str) -> bool:
    name = function_name.lower()
    return (
        name in _DENIED_FUNCTIONS
        or name in _STATEFUL_FUNCTIONS
        or name.startswith(_DENIED_PREFIXES)
        or name.endswith(_DENIED_SUFFIXES)
        or SQL_TEXT_FUNCTION.search(name) is not None
    )


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _shown(name: str, keywords: set[str]) -> str:
    """A column name as a query must write it: bare when it can stand bare."""
    return name if _IDENTIFIER.match(name) and name.lower() not in keywords else _quote(name)


def _leading_keyword(sql: str) -> str:
    """The first keyword of a statement, skipping whitespace and comments."""
    text = sql
    while True:
        text = text.lstrip()
        if text.startswith("--"):
            newline = text.find("\n")
            text = "" if newline < 0 else text[newline + 1 :]
        elif text.startswith("/*"):
            end = text.find("*/")
            text = "" if end < 0 else text[end + 2 :]
        else:
            break
    if text.startswith("("):
        return "("
    match = re.match(r"[A-Za-z_]+", text)
    return match.group(0).upper() if match else text[:10]


def _duckdb_message(error: BaseException) -> str:
    """DuckDB's message, short: its first line and a 'Did you mean' hint."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    if not lines:
        return type(error).__name__
    message = lines[0]
    hint = next((line for line in lines[1:] if line.startswith("Did you mean")), None)
    if hint:
        message = f"{message} {hint}"
    return message if len(message) <= 300 else message[:297] + "..."


# A text value longer than this is cut in a result: a model reads results,
# and the rows travel from the worker to the caller.
MAX_VALUE_CHARS = 4000


def _json_safe(value: Any) -> Any:
    if isinstance(value, str):
        if len(value) > MAX_VALUE_CHARS:
            return (
                value[:MAX_VALUE_CHARS] + f"... [{len(value) - MAX_VALUE_CHARS:,} more characters]"
            )
        return value
    if value is None or isinstance(value, (bool, int)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, decimal.Decimal):
        return float(value) if value.is_finite() else None
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).hex()
    if isinstance(value, Mapping):
        return {str(_json_safe(k)): _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_json_safe(v) for v in value]
    return str(value)


def _walk(node: Any) -> Iterator[dict[str, Any]]:
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            yield item
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _literal(text: str) -> str:
    """A SQL string literal. The worker passes values as literals, not bound
    parameters: DuckDB's Python binding imports pandas and numpy on the first
    bound parameter, which costs a fresh worker over a second and some
    hundreds of MB of its capped address space. DuckDB's plain literals have
    no backslash escapes, so doubling quotes is the whole escape; NUL is
    refused before (by :func:`_check_text`)."""
    return "'" + text.replace("'", "''") + "'"


def _check_text(sql: Any) -> None:
    if not isinstance(sql, str):
        raise SqlRefusedError(
            f"the SQL must be text, not {type(sql).__name__}", "pass one SELECT statement"
        )
    try:
        sql.encode("utf-8")
    except UnicodeEncodeError as error:
        raise SqlRefusedError(
            "the SQL contains characters that are not valid Unicode text",
            "write the query in plain UTF-8 text",
        ) from error
    if "\x00" in sql:
        raise SqlRefusedError(
            "the SQL contains a NUL character", "write the query in plain UTF-8 text"
        )


def _lock_down(conn: duckdb.DuckDBPyConnection, memory_limit: str, threads: int) -> None:
    """No file, network or extension access, bounded memory and threads,
    then the configuration locked so SQL cannot undo any of it."""
    for statement in _SETTINGS_BEFORE_LOCK:
        conn.execute(statement)
    conn.execute(f"SET memory_limit = {_literal(memory_limit)}")
    conn.execute(f"SET threads = {int(threads)}")
    conn.execute("SET lock_configuration = true")


def _find_string_columns(
    conn: duckdb.DuckDBPyConnection, row_counts: Mapping[str, int]
) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {name: [] for name in row_counts}
    rows = conn.execute(
        "SELECT table_name, column_name FROM duckdb_columns() "
        "WHERE database_name = current_database() AND data_type = 'VARCHAR' "
        "ORDER BY table_name, column_index"
    ).fetchall()
    for table, column in rows:
        if table in found:
            found[table].append(column)
    return found


def open_runner(
    path: str, *, memory_limit: str, threads: int, row_counts: dict[str, int]
) -> _Runner:
    """Open a sandbox's table file read-only and locked down (in a worker)."""
    conn = duckdb.connect(path, read_only=True)
    try:
        _lock_down(conn, memory_limit, threads)
        return _Runner(conn, row_counts)
    except BaseException:
        conn.close()
        raise


_MEMORY_FIX = (
    "build smaller values: aggregate instead of listing rows, avoid repeating or "
    "replacing text into long strings, and add LIMIT"
)


def _error_from(
    error: Mapping[str, Any], timeout_s: float, cap_bytes: int, peak: int | None
) -> EthosError:
    """The typed error for a worker's reply (or the pool's, for a worker
    that overran, died or was cancelled)."""
    kind = error.get("kind")
    problem, fix = error.get("problem") or "", error.get("fix")
    made: SqlRefusedError | SqlFailedError
    if kind == "refused":
        made = SqlRefusedError(problem, fix)
    elif kind == "timeout":
        made = SqlTimeoutError(
            problem or f"the query ran past the {timeout_s:g} s time limit and was stopped",
            fix
            or "simplify it: filter early, aggregate instead of listing rows, "
            "avoid cross joins (join on a key) and add LIMIT",
        )
    elif kind == "memory":
        made = SqlMemoryError(
            problem
            or f"the query needed more than the sandbox's {cap_bytes / 2**30:g} GiB of memory",
            fix or _MEMORY_FIX,
        )
    elif kind == "crashed":
        made = SqlMemoryError(
            "the query stopped the process running it (most likely by exhausting "
            f"its {cap_bytes / 2**30:g} GiB memory cap)",
            _MEMORY_FIX,
        )
    elif kind == "start":
        made = SqlFailedError(
            "the process that runs SQL did not start, or died before the query reached it",
            "run the query again; if this repeats, check that "
            "`python -c 'import ethos.agents.publicagent.sql'` works here",
        )
    elif kind == "cancelled":
        made = SqlFailedError("the query was cancelled", "run it again if it is still needed")
    else:
        made = SqlFailedError(problem or "the query failed", fix)
    made.worker_peak_bytes = peak
    return made


class _Control:
    """One query's interruption: by the timer or by a cancelled ``arun``.

    The cursor is registered once the query starts; an interruption that
    comes first is remembered and applied at registration, so none is lost
    and none reaches another query."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._cursor: duckdb.DuckDBPyConnection | None = None
        self.reason: str | None = None

    def attach(self, cursor: duckdb.DuckDBPyConnection) -> None:
        with self._lock:
            self._cursor = cursor
            if self.reason is not None:
                cursor.interrupt()

    def detach(self) -> None:
        with self._lock:
            self._cursor = None

    def interrupt(self, reason: str) -> None:
        with self._lock:
            if self.reason is None:
                self.reason = reason
            if self._cursor is not None:
                self._cursor.interrupt()


_DIR_PREFIX = "ethos-sql-"
_OWNER = "owner.lock"


def _claim(directory: str) -> int:
    """Lock a new sandbox directory for this process. The lock goes with the
    process, so a directory whose lock can be taken belongs to one that is
    gone (killed with -9, say: no finalizer ran). The lock is taken before
    the file gets the name a sweep looks for."""
    temporary = os.path.join(directory, ".owner")
    fd = os.open(temporary, os.O_CREAT | os.O_WRONLY, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)
    os.rename(temporary, os.path.join(directory, _OWNER))
    return fd


def _remove(directory: str, fd: int) -> None:
    shutil.rmtree(directory, ignore_errors=True)
    os.close(fd)  # unlocked once the directory is gone


def _sweep_orphans() -> None:
    """Delete the sandbox directories (copies of the tables) of processes
    that are gone; a live sandbox's lock is held, so it is left alone."""
    root = tempfile.gettempdir()
    try:
        names = [n for n in os.listdir(root) if n.startswith(_DIR_PREFIX)]
    except OSError:
        return
    for name in names:
        directory = os.path.join(root, name)
        try:
            fd = os.open(os.path.join(directory, _OWNER), os.O_RDONLY)
        except OSError:
            continue  # being created, another user's, or not a sandbox's
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)  # its process is alive
            continue
        try:
            shutil.rmtree(directory, ignore_errors=True)
        finally:
            os.close(fd)


class Sandbox:
    """Locked-down DuckDB tables, copied from DataFrames, queried in capped
    worker processes.

    The tables are written once to a DuckDB file in a private temporary
    directory; each query runs in a warm worker process (a shared pool, see
    :mod:`.sql_worker`) that opens the file read-only with the same locks,
    under an address-space cap (``memory_cap_mb``, default the
    ``sql_memory_cap_mb`` setting, 1 GiB) and a time limit after which the
    worker interrupts the query and, if it still does not answer, is killed
    and replaced. DuckDB's own ``memory_limit`` defaults to half the cap.
    The calling process keeps only a read-only connection for the schema.
    """

    def __init__(
        self,
        tables: Mapping[str, pandas.DataFrame],
        *,
        max_rows: int = 1000,
        timeout_s: float = 10.0,
        memory_limit: str | None = None,
        threads: int = 1,
        memory_cap_mb: int | None = None,
    ) -> None:
        if max_rows < 1:
            raise ValueError(f"max_rows must be at least 1, not {max_rows}")
        if timeout_s <= 0:
            raise ValueError(f"timeout_s must be positive, not {timeout_s}")
        if threads < 1:
            raise ValueError(f"threads must be at least 1, not {threads}")
        if memory_cap_mb is not None and memory_cap_mb < 256:
            raise ValueError(f"memory_cap_mb must be at least 256, not {memory_cap_mb}")
        self.max_rows = max_rows
        self.timeout_s = timeout_s
        self._threads = int(threads)
        self._row_counts: dict[str, int] = {}
        seen: dict[str, str] = {}
        for name in tables:
            if not isinstance(name, str) or not _IDENTIFIER.match(name):
                raise SqlTableNameError(
                    f"table name {name!r} is not a plain SQL identifier",
                    "use letters, digits and underscores, not starting with a digit",
                )
            if name.lower() in seen:
                raise SqlTableNameError(
                    f"table names {seen[name.lower()]!r} and {name!r} differ only in case",
                    "SQL identifiers ignore case: give the tables distinct names",
                )
            seen[name.lower()] = name
        from ethos.agents.publicagent.sql_worker import get_pool

        self._pool = get_pool(memory_cap_mb)  # started now: the first query finds it warm
        cap_mb = self._pool.memory_cap_bytes // 2**20
        self._memory_limit = memory_limit or f"{cap_mb // 2}MB"
        self._conn: duckdb.DuckDBPyConnection | None = None
        _sweep_orphans()
        self._dir = tempfile.mkdtemp(prefix=_DIR_PREFIX)  # private: mode 0700
        self._cleanup = weakref.finalize(self, _remove, self._dir, _claim(self._dir))
        self._path = os.path.join(self._dir, "tables.duckdb")
        try:
            build = duckdb.connect(self._path)
            try:
                for name, frame in tables.items():
                    self._load(build, name, frame)
                build.execute("CHECKPOINT")
            finally:
                build.close()
            self._conn = duckdb.connect(self._path, read_only=True)
            _lock_down(self._conn, self._memory_limit, self._threads)
        except duckdb.Error as error:
            self.close()
            raise EthosError(
                f"the SQL sandbox could not be set up: {_duckdb_message(error)}",
                "check memory_limit (e.g. '512MB') and the DataFrames' column types",
            ) from error
        except BaseException:
            self.close()
            raise

    def _load(self, conn: duckdb.DuckDBPyConnection, name: str, frame: pandas.DataFrame) -> None:
        view = f"__ethos_source_{name}"
        try:
            conn.register(view, frame)
            conn.execute(f"CREATE TABLE {_quote(name)} AS SELECT * FROM {_quote(view)}")
        except duckdb.Error as error:
            raise EthosError(
                f"table {name!r} could not be loaded into DuckDB: {_duckdb_message(error)}",
                "give the DataFrame unique column names and plain column types",
            ) from error
        finally:
            conn.unregister(view)
        self._row_counts[name] = len(frame)

    # -- lifecycle -----------------------------------------------------------

    def close(self) -> None:
        """Close the database and delete its file; later queries raise
        :class:`EthosError`. Idle workers drop their connection to it within
        a second. (A process killed before this leaves the directory; the
        next Sandbox created on the machine deletes it.)"""
        if self._conn is not None:
            conn, self._conn = self._conn, None
            conn.close()
        self._cleanup()

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _connection(self) -> duckdb.DuckDBPyConnection:
        if self._conn is None:
            raise EthosError("the SQL sandbox is closed", "open a new Sandbox")
        return self._conn

    # -- prompts -------------------------------------------------------------

    def schema(self) -> str:
        """Each table as ``CREATE TABLE`` text with column types and row count.
        A column name that is not a plain identifier, or is one of DuckDB's
        keywords that cannot stand bare (``case``, ``group``, ``end``,
        ``left``: ``SELECT case FROM t`` does not parse), is shown
        double-quoted, as a query must write it; table names are made safe
        when loaded."""
        conn = self._connection()
        columns = conn.execute(
            "SELECT table_name, column_name, data_type FROM duckdb_columns() "
            "WHERE database_name = current_database() ORDER BY table_name, column_index"
        ).fetchall()
        by_table: dict[str, list[tuple[str, str]]] = {}
        for table, column, data_type in columns:
            by_table.setdefault(table, []).append((column, data_type))
        keywords = {
            k.lower()
            for (k,) in conn.execute(
                "SELECT keyword_name FROM duckdb_keywords() WHERE keyword_category <> 'unreserved'"
            ).fetchall()
        }
        parts = []
        for name, count in self._row_counts.items():
            cols = by_table.get(name, [])
            body = ",\n".join(f"  {_shown(c, keywords)} {t}" for c, t in cols)
            parts.append(f"CREATE TABLE {name} (\n{body}\n);  -- {count} rows")
        return "\n\n".join(parts)

    # -- queries -------------------------------------------------------------

    def run(self, sql: str) -> QueryResult:
        """Run one read-only SELECT in a worker process and return its
        (capped) result; the errors are :class:`SqlRefusedError`,
        :class:`SqlFailedError` and its subclasses :class:`SqlTimeoutError`
        and :class:`SqlMemoryError`."""
        return self._submit(sql, None)

    async def arun(self, sql: str) -> QueryResult:
        """:meth:`run` without blocking the event loop (a thread waits on the
        worker); cancelling the awaiting task (or a timeout around it) kills
        the worker running the query, and the pool replaces it."""
        from ethos.agents.publicagent.sql_worker import Call

        call = Call()
        task = asyncio.ensure_future(asyncio.to_thread(self._submit, sql, call))
        try:
            return await asyncio.shield(task)
        except asyncio.CancelledError:
            call.cancel()
            await asyncio.wait([task])
            if not task.cancelled():
                task.exception()  # retrieved: the cancellation error is expected
            raise

    def _submit(self, sql: str, call: Any) -> QueryResult:
        self._connection()  # raises once closed
        _check_text(sql)
        request = {
            "path": self._path,
            "sql": sql,
            "max_rows": self.max_rows,
            "timeout_s": self.timeout_s,
            "memory_limit": self._memory_limit,
            "threads": self._threads,
            "row_counts": self._row_counts,
        }
        reply = self._pool.run(request, self.timeout_s, call)
        peak = reply.get("peak")
        if "result" in reply:
            return QueryResult(**reply["result"], worker_peak_bytes=peak)
        raise _error_from(reply["error"], self.timeout_s, self._pool.memory_cap_bytes, peak)


class _Runner:
    """One sandbox's tables as a worker process sees them: a read-only,
    locked-down connection to the sandbox's file, the checks that come
    before any SQL runs, the query itself and the anomaly notes.

    It runs in a worker process (see :mod:`.sql_worker`); the benchmark
    also runs it in-process as the anchor."""

    def __init__(
        self,
        conn: duckdb.DuckDBPyConnection,
        row_counts: dict[str, int],
        *,
        max_rows: int = 1000,
        timeout_s: float = 10.0,
    ) -> None:
        self._conn = conn
        self._row_counts = row_counts
        self._string_columns = _find_string_columns(conn, row_counts)
        self.max_rows = max_rows
        self.timeout_s = timeout_s

    def _connection(self) -> duckdb.DuckDBPyConnection:
        return self._conn

    def close(self) -> None:
        self._conn.close()

    def query(self, sql: str) -> dict[str, Any]:
        """Run one read-only SELECT: the fields of a :class:`QueryResult`."""
        return self._run(sql, _Control())

    def _run(self, sql: str, control: _Control) -> dict[str, Any]:
        conn = self._connection()
        _check_text(sql)
        started = time.perf_counter()
        cursor = conn.cursor()
        timer = threading.Timer(self.timeout_s, control.interrupt, args=("timeout",))
        timer.daemon = True
        try:
            control.attach(cursor)
            timer.start()
            try:
                tree = self._check(cursor, sql)
                relation = cursor.execute(sql)
                columns = [d[0] for d in relation.description or []]
                fetched = relation.fetchmany(self.max_rows + 1)
            except duckdb.InterruptException as error:
                if control.reason == "timeout":
                    raise SqlTimeoutError(
                        f"the query ran past the {self.timeout_s:g} s time limit and was stopped",
                        "simplify it: filter early, aggregate instead of listing rows, "
                        "avoid cross joins (join on a key) and add LIMIT",
                    ) from error
                raise SqlFailedError(
                    "the query was cancelled", "run it again if it is still needed"
                ) from error
            except (duckdb.OutOfMemoryException, MemoryError) as error:
                raise SqlMemoryError(
                    "the query needed more memory than the sandbox allows",
                    _MEMORY_FIX,
                ) from error
            except duckdb.Error as error:
                raise SqlFailedError(
                    f"DuckDB could not run the query: {_duckdb_message(error)}",
                    "correct the SQL; the schema lists the tables and columns",
                ) from error
            except (ValueError, OverflowError, TypeError) as error:
                raise SqlFailedError(
                    f"the query's result could not be read: {error}",
                    "cast unusual values to VARCHAR or DOUBLE",
                ) from error
        finally:
            timer.cancel()
            control.detach()
            cursor.close()
        elapsed = time.perf_counter() - started
        truncated = len(fetched) > self.max_rows
        rows = [[_json_safe(v) for v in row] for row in fetched[: self.max_rows]]
        anomalies = self._anomalies(conn, columns, rows, tree)
        return dict(
            sql=sql,
            columns=columns,
            rows=rows,
            row_count=len(rows),
            truncated=truncated,
            elapsed_s=elapsed,
            anomalies=anomalies,
        )

    def _check(self, cursor: duckdb.DuckDBPyConnection, sql: str) -> dict[str, Any] | None:
        """Refuse anything but one read-only SELECT; return its parse tree."""
        keyword = _leading_keyword(sql)
        if keyword in _WRITE_KEYWORDS:
            # refused before DuckDB parses it: parsing already runs some
            # statements' code (PRAGMA expands, IMPORT DATABASE reads files)
            raise SqlRefusedError(
                f"{keyword} statements are not allowed in the read-only sandbox",
                "only a single SELECT query (WITH ... SELECT is fine) can be run",
            )
        try:
            statements = cursor.extract_statements(sql)
        except duckdb.PermissionException as error:
            # IMPORT DATABASE reads its files while being parsed.
            raise SqlRefusedError(
                f"{_leading_keyword(sql)} statements are not allowed in the read-only sandbox "
                f"({_duckdb_message(error)})",
                "only a single SELECT query over the loaded tables can be run",
            ) from error
        if not statements:
            raise SqlRefusedError(
                "the SQL holds no statement", "write one SELECT query (WITH ... SELECT is fine)"
            )
        kinds = [self._kind(s) for s in statements]
        if len(statements) > 1:
            raise SqlRefusedError(
                f"only one statement is allowed, got {len(statements)} ({', '.join(kinds)})",
                "send a single SELECT query; combine steps with WITH (CTEs) or subqueries",
            )
        statement = statements[0]
        # DuckDB rewrites some statements (PRAGMA x becomes SELECT * FROM
        # pragma_x()), so the keyword comes from the text as written.
        keyword = _leading_keyword(sql)
        if statement.type != duckdb.StatementType.SELECT or keyword not in _READ_KEYWORDS:
            kind = keyword if keyword.isalpha() else kinds[0]
            raise SqlRefusedError(
                f"{kind} statements are not allowed in the read-only sandbox",
                "only a single SELECT query (WITH ... SELECT is fine) can be run",
            )
        serialized = cursor.execute(f"SELECT json_serialize_sql({_literal(sql)})").fetchone()
        tree = json.loads(serialized[0]) if serialized else None
        if not isinstance(tree, dict) or tree.get("error"):
            raise SqlRefusedError(  # fail closed: what cannot be inspected is not run
                "the query could not be inspected by the sandbox",
                "write one plain SELECT query over the loaded tables",
            )
        problem = _size_problem(tree)
        if problem:
            raise SqlRefusedError(
                f"the query was refused: {problem}, which could exhaust memory",
                f"use range(...) or generate_series(...) in FROM for long sequences and "
                f"keep repeat/lpad/rpad/list_resize sizes to constants up to {MAX_BUILT_SIZE:,}",
            )
        for node in _walk(tree):
            name = node.get("function_name")
            if isinstance(name, str) and _denied(name):
                raise SqlRefusedError(
                    f"the function {name} reads files or the network, runs SQL text or "
                    "changes the database, which the sandbox does not allow",
                    "query only the loaded tables: " + ", ".join(self._row_counts),
                )
            if node.get("type") == "BASE_TABLE":
                table = str(node.get("table_name", ""))
                if any(ch in table for ch in "./\\:") or node.get("catalog_name"):
                    raise SqlRefusedError(
                        f"{table!r} looks like a file or another database, "
                        "which the sandbox cannot read",
                        "query only the loaded tables: " + ", ".join(self._row_counts),
                    )
        return tree

    @staticmethod
    def _kind(statement: Any) -> str:
        keyword = _leading_keyword(statement.query)
        if keyword and keyword != "(" and keyword.isalpha():
            return keyword
        name = getattr(statement.type, "name", "")
        return name if name.isidentifier() else "unknown"

    # -- anomalies -----------------------------------------------------------

    def _anomalies(
        self,
        conn: duckdb.DuckDBPyConnection,
        columns: list[str],
        rows: list[list[Any]],
        tree: dict[str, Any] | None,
    ) -> list[str]:
        notes: list[str] = []
        nodes = list(_walk(tree)) if tree else []
        lower_names = {name.lower(): name for name in self._row_counts}
        referenced: list[str] = []
        tables = [n for n in nodes if n.get("type") == "BASE_TABLE"]
        for node in sorted(tables, key=lambda n: n.get("query_location") or 0):
            name = lower_names.get(str(node.get("table_name", "")).lower())
            if name and name not in referenced:
                referenced.append(name)
        if not rows:
            filled = [(t, self._row_counts[t]) for t in referenced if self._row_counts[t]]
            if filled:
                tables = " and ".join(f"table {t} has {n} rows" for t, n in filled)
                notes.append(
                    f"the query returned no rows although {tables}: "
                    "check filter values (case, spelling)"
                )
            else:
                notes.append("the query returned no rows")
            notes += self._case_mismatches(conn, nodes, referenced)
            return notes
        for index, column in enumerate(columns):
            values = [row[index] for row in rows]
            if all(v is None for v in values):
                notes.append(
                    f"column {column!r} is NULL in every returned row: "
                    "check the column name, join keys and filters"
                )
            elif all(
                isinstance(v, (int, float)) and not isinstance(v, bool) and v == 0 for v in values
            ):
                notes.append(
                    f"numeric column {column!r} is 0 in every returned row: "
                    "check the filters and what is being counted or summed"
                )
        return notes

    def _case_mismatches(
        self, conn: duckdb.DuckDBPyConnection, nodes: list[dict[str, Any]], referenced: list[str]
    ) -> list[str]:
        literals: list[str] = []
        for node in nodes:
            if node.get("type") != "VALUE_CONSTANT":
                continue
            value = node.get("value")
            if not isinstance(value, dict) or value.get("is_null"):
                continue
            type_id = (value.get("type") or {}).get("id")
            text = value.get("value")
            if type_id == "VARCHAR" and isinstance(text, str) and text and text not in literals:
                literals.append(text)
        notes: list[str] = []
        tables = referenced or list(self._row_counts)
        targets = [(t, c) for t in tables for c in self._string_columns.get(t, [])]
        if not targets:
            return notes
        cursor = conn.cursor()
        try:
            for literal in literals[:10]:
                exact, near = False, None
                for table, column in targets:
                    q_col, q_table = _quote(column), _quote(table)
                    found = cursor.execute(
                        f"SELECT bool_or({q_col} = {_literal(literal)}), "
                        f"min({q_col}) FILTER (WHERE lower({q_col}) = lower({_literal(literal)})) "
                        f"FROM {q_table}"
                    ).fetchone()
                    if found and found[0]:
                        exact = True
                        break
                    if found and found[1] is not None and near is None:
                        near = (table, column, found[1])
                if not exact and near is not None:
                    table, column, actual = near
                    notes.append(
                        f"the value {literal!r} does not occur in any text column, but "
                        f"{table}.{column} has {actual!r} (comparison is case-sensitive): "
                        f"use {actual!r} or compare lower({column})"
                    )
        except duckdb.Error:
            pass  # anomaly hints are best effort; the result stands
        finally:
            cursor.close()
        return notes
