"""Warm worker processes that run the analysis agent's SQL under a memory cap.

Some DuckDB functions build one huge value in a single step, outside
DuckDB's own memory limit and without looking at its interrupt flag
(``replace`` with a long replacement, ``list_transform`` over a range that
repeats a string, a long string projected over many rows): one such query
took 2-6 GB and ran 13-62 s past a 10 s limit when it ran inside the calling
process. So every query runs in a separate process with an address-space
limit (``RLIMIT_AS``, the ``sql_memory_cap_mb`` setting, 1 GiB by default):
an allocation past it fails inside DuckDB, which reports it as an
out-of-memory error, instead of growing the caller. The worker interrupts
its own query at the time limit; a worker that has not answered
:data:`KILL_GRACE_S` later is killed with SIGKILL and replaced, and the
caller gets :class:`~ethos.agents.publicagent.sql.SqlTimeoutError` at once.

A worker is a fresh interpreter (``python -m`` this module) started with
:class:`subprocess.Popen`: nothing is forked from the caller (which may hold
threads or torch), and, unlike multiprocessing's ``spawn`` and
``forkserver`` start methods, the child never re-imports the caller's main
script. Starting one costs about 0.2 s (mostly importing DuckDB), so the
pool starts its workers when it is created and starts a replacement the
moment one is discarded; the query that follows waits only for what is left
of that start. (``forkserver`` forks a replacement in about 10 ms, but runs
the caller's ``__main__`` in every child, which a library cannot impose.)

Requests and replies are length-prefixed JSON over the worker's stdin and
stdout (never pickle: a reply comes from a process that ran untrusted SQL),
and a reply is bounded in size, so a result cannot swell the caller either.
The worker reads the sandbox's tables itself: :class:`Sandbox` writes them
once to a DuckDB file, and a worker opens that file read-only, locks it down
the same way and keeps a few such connections for the next query; a
connection to a closed sandbox's (deleted) file is closed within a second.
"""

from __future__ import annotations

import atexit
import json
import os
import resource
import select
import signal
import struct
import subprocess
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, BinaryIO

__all__ = [
    "KILL_GRACE_S",
    "MAX_REPLY_BYTES",
    "Call",
    "WorkerPool",
    "get_pool",
    "read_peak",
]

# How long past its time limit a worker may take to answer (its own
# interrupt usually stops the query well within this) before it is killed.
KILL_GRACE_S = 0.5

# A reply larger than this is replaced by an error in the worker: a result
# is shown to a model, and a large one would swell the calling process.
MAX_REPLY_BYTES = 8 * 2**20

# How long a new worker may take to import DuckDB and say it is ready.
START_TIMEOUT_S = 60.0

# Connections a worker keeps open for the next query (one per sandbox file).
_KEPT_CONNECTIONS = 4

_HEADER = struct.Struct("!I")
_READY = b'{"ready": true}'


def read_peak(pid: int | str = "self") -> int | None:
    """A process's peak address space in bytes (``VmPeak``), or None if gone.

    The cap is on address space, so this is the figure that shows it held:
    resident memory (``VmHWM``) is never larger."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmPeak:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        return None
    return None


def _write(stream: BinaryIO, data: bytes) -> None:
    stream.write(_HEADER.pack(len(data)) + data)
    stream.flush()


def _read_exactly(fd: int, size: int) -> bytes:
    chunks, left = [], size
    while left:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            raise EOFError("the other side closed the pipe")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _read(fd: int, limit: int) -> bytes:
    (size,) = _HEADER.unpack(_read_exactly(fd, _HEADER.size))
    if size > limit:
        raise OSError(f"a message of {size} bytes is over the {limit}-byte limit")
    return _read_exactly(fd, size)


# -- the worker side ------------------------------------------------------------


def _serve(memory_cap_bytes: int) -> None:
    """A worker's loop: one JSON request in, one JSON reply out, until EOF."""
    # The protocol owns stdout: anything else printed goes to stderr.
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    resource.setrlimit(resource.RLIMIT_AS, (memory_cap_bytes, memory_cap_bytes))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # a crash leaves no 1 GB core file
    # Ctrl-C reaches the whole process group: the caller decides what stops.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    runners: OrderedDict[tuple[str, str, int], Any] = OrderedDict()
    busy = threading.Lock()  # held while a query uses the runners
    threading.Thread(target=_watch, args=(os.getppid(), runners, busy), daemon=True).start()
    from ethos.agents.publicagent import sql  # noqa: F401 - imported before "ready"

    _write(out, _READY)
    stdin = sys.stdin.fileno()
    while True:
        try:
            raw = _read(stdin, 1 << 30)
        except (EOFError, OSError):
            return  # the caller is gone or closed the pool
        with busy:
            reply = _answer(runners, raw)
        try:
            _write(out, _encode(reply))
        except OSError:
            return
        if reply.get("retire"):
            return  # the pool starts a fresh worker in its place


def _watch(parent: int, runners: OrderedDict[tuple[str, str, int], Any], busy: Any) -> None:
    """Each second: exit when the caller is gone (killed with -9, say) even
    mid-query, since the closed pipe is only noticed between queries and one
    query can compute for minutes in a call that ignores the interrupt; and,
    between queries, close the connections to files of closed sandboxes
    (deleted), so an idle worker holds neither their disk space nor DuckDB's
    cache of them."""
    while os.getppid() == parent:
        time.sleep(1.0)
        if busy.acquire(blocking=False):
            try:
                _forget_deleted(runners)
            except Exception:  # best effort: the next query tries again
                pass
            finally:
                busy.release()
    os._exit(0)


def _forget_deleted(runners: OrderedDict[tuple[str, str, int], Any]) -> None:
    for old in [k for k in runners if not os.path.exists(k[0])]:
        runners.pop(old).close()


def _answer(runners: OrderedDict[tuple[str, str, int], Any], raw: bytes) -> dict[str, Any]:
    from ethos.agents.publicagent import sql

    reply: dict[str, Any]
    try:
        request = json.loads(raw)
        runner = _runner(runners, request)
        reply = {"result": runner.query(request["sql"])}
    except sql.SqlTimeoutError as error:
        reply = {"error": _error("timeout", error)}
    except sql.SqlMemoryError as error:
        reply = {"error": _error("memory", error)}
    except sql.SqlRefusedError as error:
        reply = {"error": _error("refused", error)}
    except sql.EthosError as error:
        reply = {"error": _error("failed", error)}
    except MemoryError:
        reply = {"error": {"kind": "memory", "problem": "", "fix": ""}}
    except Exception as error:  # a worker never dies with the reply unsent
        problem = f"the SQL worker failed: {type(error).__name__}: {error}"[:300]
        reply = {"error": {"kind": "failed", "problem": problem, "fix": "run the query again"}}
        reply["retire"] = True
    # After running out of memory the process's address space can stay
    # fragmented close to the cap (so that even a thread cannot start): the
    # worker retires and a fresh one takes its place.
    if reply.get("error", {}).get("kind") == "memory":
        reply["retire"] = True
    reply["peak"] = read_peak()
    return reply


def _error(kind: str, error: Any) -> dict[str, Any]:
    return {"kind": kind, "problem": error.problem, "fix": error.fix}


def _encode(reply: dict[str, Any]) -> bytes:
    try:
        data = json.dumps(reply, ensure_ascii=False, allow_nan=False).encode("utf-8")
    except MemoryError:
        data = b""
    if not data or len(data) > MAX_REPLY_BYTES:
        size = f"{len(data) / 2**20:.0f} MB" if data else "too large to encode"
        data = json.dumps(
            {
                "error": {
                    "kind": "failed",
                    "problem": f"the query's result is too large to return ({size})",
                    "fix": "select fewer or shorter columns, aggregate, or add LIMIT",
                },
                "peak": read_peak(),
            }
        ).encode("utf-8")
    return data


def _runner(runners: OrderedDict[tuple[str, str, int], Any], request: dict[str, Any]) -> Any:
    """The open, locked-down connection for a request's sandbox file."""
    from ethos.agents.publicagent import sql

    key = (request["path"], request["memory_limit"], request["threads"])
    runner = runners.get(key)
    if runner is None:
        _forget_deleted(runners)  # files of closed sandboxes: their connections go first
        while len(runners) >= _KEPT_CONNECTIONS:
            runners.popitem(last=False)[1].close()
        runner = runners[key] = sql.open_runner(
            request["path"],
            memory_limit=request["memory_limit"],
            threads=request["threads"],
            row_counts=request["row_counts"],
        )
    runners.move_to_end(key)
    runner.max_rows = request["max_rows"]
    runner.timeout_s = request["timeout_s"]
    return runner


# -- the caller side ------------------------------------------------------------


class _Worker:
    """One worker process and its pipes, used by one query at a time."""

    def __init__(self, memory_cap_bytes: int) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", __name__, str(memory_cap_bytes)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            close_fds=True,
        )
        assert self.process.stdin is not None and self.process.stdout is not None
        self.pid = self.process.pid
        self._stdin = self.process.stdin
        self._stdout = self.process.stdout.fileno()
        self.ready = False
        self.peak_rss: int | None = None  # from wait4 once reaped
        self.cpu_s: float | None = None  # CPU seconds it used, from wait4 once reaped

    def alive(self) -> bool:
        """Whether it still runs; a dead one is left unreaped for :meth:`kill`."""
        if self.process.returncode is not None:
            return False
        try:
            return os.waitid(os.P_PID, self.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is None
        except ChildProcessError:
            return False

    def wait_ready(self) -> None:
        if not self.ready:
            if not self.poll(START_TIMEOUT_S) or _read(self._stdout, 1024) != _READY:
                raise OSError("the SQL worker did not start")
            self.ready = True

    def send(self, data: bytes) -> None:
        _write(self._stdin, data)

    def poll(self, timeout: float) -> bool:
        readable, _, _ = select.select([self._stdout], [], [], max(timeout, 0))
        return bool(readable)

    def receive(self) -> bytes:
        return _read(self._stdout, MAX_REPLY_BYTES + 65536)

    def signal_kill(self) -> None:
        if self.process.returncode is None:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def kill(self) -> None:
        """Kill it (if alive) and reap it, keeping its peak resident size."""
        self.signal_kill()
        if self.process.returncode is None:
            try:
                _, status, usage = os.wait4(self.pid, 0)
                self.process.returncode = os.waitstatus_to_exitcode(status)
                self.peak_rss = usage.ru_maxrss * 1024
                self.cpu_s = usage.ru_utime + usage.ru_stime
            except ChildProcessError:
                self.process.returncode = -signal.SIGKILL
        for stream in (self.process.stdin, self.process.stdout):
            try:
                stream.close()  # type: ignore[union-attr]
            except OSError:
                pass


class Call:
    """One query in flight, so a cancelled caller can stop it: cancelling
    kills the worker running it (the pool replaces it), or, while the query
    still waits for a worker, ends the wait with no worker touched."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._worker: _Worker | None = None
        self._wake: Callable[[], None] | None = None  # the pool's waiters, set by run
        self.cancelled = False

    def attach(self, worker: _Worker | None) -> None:
        with self._lock:
            self._worker = worker
            if worker is not None and self.cancelled:
                worker.signal_kill()

    @property
    def pid(self) -> int | None:
        """The process id of the worker running the query, while it runs."""
        with self._lock:
            return self._worker.pid if self._worker is not None else None

    def cancel(self) -> None:
        with self._lock:
            self.cancelled = True
            if self._worker is not None:
                self._worker.signal_kill()
            wake = self._wake
        if wake is not None:
            wake()  # outside the lock: the pool's lock is never taken inside it


class WorkerPool:
    """``size`` warm worker processes, each capped at ``memory_cap_bytes``.

    :meth:`run` borrows an idle worker (waiting for one when all are busy),
    sends it a request and waits at most ``timeout_s + KILL_GRACE_S``; a
    worker that overran, died or was cancelled is killed, reaped and a new
    one started in its place at once. ``replacements`` counts those."""

    def __init__(self, size: int, memory_cap_bytes: int) -> None:
        if size < 1:
            raise ValueError(f"size must be at least 1, not {size}")
        self.size = size
        self.memory_cap_bytes = memory_cap_bytes
        self.replacements = 0
        self._pid = os.getpid()
        self._cond = threading.Condition()
        self._idle: list[_Worker] = []
        for _ in range(size):
            try:
                self._idle.append(_Worker(memory_cap_bytes))
            except OSError:  # out of processes or files: a query starts one later
                break
        self._live = len(self._idle)
        self._closed = False

    def pids(self) -> list[int]:
        """The idle workers' process ids (for tests and benchmarks)."""
        with self._cond:
            return [w.pid for w in self._idle]

    def wait_warm(self, timeout_s: float = START_TIMEOUT_S) -> bool:
        """Wait until all ``size`` workers are idle and started, so that a
        test or benchmark times a query, not a replacement's start (seconds
        on a busy machine); False if one had died (it is replaced) or they
        were not all idle within ``timeout_s``."""
        deadline = time.monotonic() + timeout_s
        with self._cond:
            while len(self._idle) < self.size:
                left = deadline - time.monotonic()
                if left <= 0 or self._closed:
                    return False
                self._cond.wait(left)
            idle, self._idle = self._idle, []  # out of reach while they start
        pending, all_ready = list(idle), True
        try:
            while pending:
                worker = pending.pop(0)
                try:
                    worker.wait_ready()
                    if not worker.alive():
                        raise EOFError("the SQL worker died while idle")
                except (EOFError, OSError):
                    all_ready = False
                    self._release(worker, healthy=False)  # replaced
                else:
                    self._release(worker, healthy=True)
        finally:
            for worker in pending:  # interrupted: handed back as they were
                self._release(worker, healthy=True)
        return all_ready

    def _acquire(self, call: Call) -> _Worker | None:
        """An idle worker, or a new one if fewer than ``size`` live; None
        once ``call`` is cancelled while it waits."""
        with self._cond:
            while True:
                if self._closed:
                    from ethos.errors import EthosError

                    raise EthosError("the SQL worker pool is closed", "open a new Sandbox")
                if call.cancelled:
                    return None
                while self._idle:
                    worker = self._idle.pop()
                    if worker.alive():
                        return worker
                    # died while idle (killed from outside): replaced, not used
                    threading.Thread(target=self._replace, args=(worker,), daemon=True).start()
                if self._live < self.size:
                    self._live += 1
                    break
                self._cond.wait()
        try:
            return _Worker(self.memory_cap_bytes)
        except BaseException:
            with self._cond:
                self._live -= 1
                self._cond.notify()
            raise

    def _release(self, worker: _Worker, healthy: bool) -> None:
        if not healthy:
            # SIGKILL now, so the caller's error is not held up; reaping a
            # process that held a gigabyte and starting its replacement can
            # take a moment on a busy machine, so a thread does both.
            worker.signal_kill()
            threading.Thread(target=self._replace, args=(worker,), daemon=True).start()
            return
        with self._cond:
            if self._closed:
                worker.kill()
            else:
                self._idle.append(worker)
            self._cond.notify()

    def _wake_waiters(self) -> None:
        with self._cond:
            self._cond.notify_all()

    def _replace(self, worker: _Worker) -> None:
        replacement = None
        try:  # started first: reaping a process that held a gigabyte takes a while
            replacement = _Worker(self.memory_cap_bytes)
        except OSError:
            pass  # a later query starts one on demand
        worker.kill()
        with self._cond:
            self.replacements += 1
            if replacement is None:
                self._live -= 1
            elif self._closed:
                replacement.kill()
            else:
                self._idle.append(replacement)
            self._cond.notify()

    def run(
        self, request: dict[str, Any], timeout_s: float, call: Call | None = None
    ) -> dict[str, Any]:
        """Send one request and return the worker's reply (a dict with
        ``result`` or ``error``, and ``peak``), or a reply made up here when
        the worker overran (``timeout``), died with the query (``crashed``) or
        before it (``start``), or the call was cancelled (``cancelled``)."""
        call = call or Call()
        data = json.dumps(request).encode("utf-8")
        call._wake = self._wake_waiters
        try:
            worker = self._acquire(call)
        except OSError:  # no process could be started (out of processes or files)
            return {"error": {"kind": "start"}, "peak": None}
        if worker is None:  # cancelled while every worker was busy
            return {"error": {"kind": "cancelled"}, "peak": None}
        healthy = sent = False
        try:
            call.attach(worker)
            try:
                worker.wait_ready()
                deadline = time.monotonic() + timeout_s + KILL_GRACE_S
                worker.send(data)
                sent = True
                while not worker.poll(deadline - time.monotonic()):
                    if time.monotonic() >= deadline:
                        peak = read_peak(worker.pid)  # read before it is killed
                        return {"error": {"kind": "timeout"}, "peak": peak}
                reply = json.loads(worker.receive())
            except (EOFError, OSError, ValueError):  # ValueError: a garbled reply
                kind = "cancelled" if call.cancelled else "crashed" if sent else "start"
                worker.kill()
                return {"error": {"kind": kind}, "peak": worker.peak_rss}
            healthy = not call.cancelled and not reply.get("retire")
            return reply
        finally:
            call.attach(None)
            self._release(worker, healthy)

    def close(self) -> None:
        """Stop every idle worker; busy ones stop when their query ends.
        Later runs raise."""
        with self._cond:
            self._closed = True
            idle, self._idle = self._idle, []
            self._cond.notify_all()
        for worker in idle:
            worker.kill()


_pools: dict[tuple[int, int], WorkerPool] = {}
_pools_lock = threading.Lock()


def get_pool(memory_cap_mb: int | None = None, size: int | None = None) -> WorkerPool:
    """The process-wide pool for a memory cap (MiB) and size, started on
    first use; both default to the settings (``sql_memory_cap_mb``,
    ``sql_workers``)."""
    if memory_cap_mb is None or size is None:
        from ethos.settings import load_settings

        settings = load_settings()
        memory_cap_mb = memory_cap_mb or settings.sql_memory_cap_mb
        size = size or settings.sql_workers
    key = (memory_cap_mb, size)
    with _pools_lock:
        pool = _pools.get(key)
        if pool is not None and pool._pid != os.getpid():
            pool = None  # a forked copy of this process: its workers are not ours
        if pool is None or pool._closed:
            pool = _pools[key] = WorkerPool(size, memory_cap_mb * 2**20)
        return pool


@atexit.register
def _close_pools() -> None:
    for pool in list(_pools.values()):
        if pool._pid == os.getpid():
            pool.close()


if __name__ == "__main__":
    _serve(int(sys.argv[1]))
