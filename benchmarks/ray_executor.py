"""Scale-out throughput: the Ray executor against the local executor, and
several plain processes on one PostgreSQL run (issue 20).

Every figure is 1,000 one-call samples (the eval_harness benchmark's
``bench-http`` task and its loopback OpenAI-compatible server, 50 ms a
call, imported from benchmarks/eval_harness.py) run as whole ``ethos eval
run`` commands against a PostgreSQL database of the benchmark's own
(``ethos_bench_scale``, dropped and made anew), so the store's counters are
this benchmark's alone:

1. Plain processes: the same command in 1, 2 and 4 processes at once (they
   join one run through the claim protocol). The processes meet at a
   barrier before their first SQL statement, so all of them race for the
   run's lock at the same instant and none arrives after the run ended.
2. Ray: a local Ray cluster (a head and ``--ray-workers`` worker nodes on
   this machine, started and stopped here) works the same command with
   ``--executor ray --address ... --workers W``, interleaved with the
   local executor (local, ray, ray, local, ...). Skipped, with a line
   saying why, where ``ray`` is not installed or ``--executor`` is unknown.

For each point: samples/s by the server's span (first request in to last
answer out) and by the whole command; the store's writes per sample
(SQLAlchemy statements and commits, counted in every worker process by a
``before_cursor_execute``/``commit`` listener that a generated
``sitecustomize`` installs; a Ray worker inherits it from the node it runs
on); the database's growth in bytes per sample (``pg_database_size``) and
WAL bytes per sample (server-wide: others' tests on the same server add to
it); PostgreSQL CPU per sample (user + system time of the backends serving
this database, from /proc, polled every 50 ms); the workers' CPU per
sample; and a check of the stored results (1,000 samples succeeded, 1,000
model calls, 1,000 claims: 0 lost, 0 duplicated).

3. The commits per second this machine's PostgreSQL sustains (pgbench's
   built-in ``simple-update`` script, ``-N``, on a scratch database, at 1,
   4 and 16 clients): the ceiling of docs/scale-out.md's capacity model.

    python benchmarks/ray_executor.py [--samples 1000] [--reps 3]
        [--processes 1,2,4] [--connections 16] [--ray-workers 2]
        [--only processes|ray|pgbench]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))  # eval_harness: the loopback server and its task
sys.path.insert(0, str(ROOT))  # tests.support, for the server process
os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"

from eval_harness import TASK_FILE, ServerProcess  # noqa: E402

BASE = os.environ.get("ETHOS_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
DATABASE = "ethos_bench_scale"
PGBENCH_DATABASE = "ethos_bench_pgbench"
TICK = os.sysconf("SC_CLK_TCK")

# Installed in every worker process through PYTHONPATH: counts the SQL the
# process sends and its CPU time, dumped to a file per process (every 20
# statements and at exit: a Ray worker is killed with its node, so the
# periodic dump is what survives). With ETHOS_BENCH_BARRIER set, the first
# statement waits for the benchmark's "go" file.
SITECUSTOMIZE = """
import os

_counts_dir = os.environ.get("ETHOS_BENCH_SQL_COUNTS")
if _counts_dir:
    import atexit
    import json
    import time

    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    _counts = {"statements": 0, "commits": 0, "rollbacks": 0, "cpu_start_s": 0.0}
    _path = os.path.join(_counts_dir, f"{os.getpid()}.json")
    _barrier = os.environ.get("ETHOS_BENCH_BARRIER")

    def _dump():
        times = os.times()
        data = dict(_counts, cpu_s=times.user + times.system, pid=os.getpid())
        with open(_path + ".tmp", "w") as f:
            json.dump(data, f)
        os.replace(_path + ".tmp", _path)

    @event.listens_for(Engine, "before_cursor_execute")
    def _statement(conn, cursor, statement, parameters, context, executemany):
        global _barrier
        if _barrier:
            open(os.path.join(_barrier, f"ready-{os.getpid()}"), "w").close()
            while not os.path.exists(os.path.join(_barrier, "go")):
                time.sleep(0.005)
            _barrier = None
        if not _counts["statements"]:  # imports and start-up end here
            times = os.times()
            _counts["cpu_start_s"] = times.user + times.system
        _counts["statements"] += 1
        if _counts["statements"] % 20 == 0:
            _dump()

    @event.listens_for(Engine, "commit")
    def _commit(conn):
        _counts["commits"] += 1

    @event.listens_for(Engine, "rollback")
    def _rollback(conn):
        _counts["rollbacks"] += 1

    atexit.register(_dump)
"""


def db_url(database: str) -> str:
    parts = urlsplit(BASE)
    return urlunsplit((parts.scheme, parts.netloc, f"/{database}", parts.query, ""))


def libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def admin(sql: str, database: str = "postgres") -> list[tuple[Any, ...]]:
    import psycopg

    with psycopg.connect(libpq(db_url(database)), autocommit=True) as conn:
        cur = conn.execute(sql)
        return cur.fetchall() if cur.description else []


def fresh_database(name: str) -> None:
    admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin(f'CREATE DATABASE "{name}"')


def figure(name: str, value: float, unit: str, **extra: Any) -> None:
    print(
        json.dumps({"bench": "ray_executor", "figure": name, "value": round(value, 3),
                    "unit": unit, **extra}),
        flush=True,
    )  # fmt: skip


# -- PostgreSQL's side: CPU of this database's backends, size, WAL ------------------


class BackendCPU:
    """User + system seconds of the backends serving DATABASE while it runs
    (polled: a backend's last reading before it exits is what counts, so a
    backend that lives less than one poll is missed)."""

    def __init__(self, interval_s: float = 0.05) -> None:
        self.interval_s = interval_s
        self.seen: dict[int, float] = {}
        self.peak_backends = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)

    def __enter__(self) -> BackendCPU:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def cpu_s(self) -> float:
        return sum(self.seen.values())

    def _poll(self) -> None:
        import psycopg

        with psycopg.connect(libpq(db_url("postgres")), autocommit=True) as conn:
            while not self._stop.is_set():
                pids = [
                    r[0]
                    for r in conn.execute(
                        "SELECT pid FROM pg_stat_activity WHERE datname = %s", (DATABASE,)
                    ).fetchall()
                ]
                self.peak_backends = max(self.peak_backends, len(pids))
                for pid in pids:
                    used = proc_cpu_s(pid)
                    if used is not None:
                        self.seen[pid] = max(self.seen.get(pid, 0.0), used)
                self._stop.wait(self.interval_s)


def proc_cpu_s(pid: int) -> float | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / TICK  # utime, stime


def store_size() -> tuple[int, int]:
    """The database's size and the server's WAL position, in bytes."""
    size, wal = admin(
        f"SELECT pg_database_size('{DATABASE}'), "
        "pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint"
    )[0]
    return int(size), int(wal)


def newest_run() -> dict[str, Any]:
    """The newest run's outcome: samples by status, claims, model calls."""
    rows = admin(
        "SELECT r.id, "
        "(SELECT count(*) FROM samples s WHERE s.run_id = r.id AND s.status = 'succeeded'), "
        "(SELECT count(*) FROM samples s WHERE s.run_id = r.id), "
        "(SELECT coalesce(sum(attempt), 0) FROM samples s WHERE s.run_id = r.id), "
        "(SELECT count(*) FROM model_calls m WHERE m.run_id = r.id), "
        "(SELECT count(DISTINCT claimed_by) FROM samples s WHERE s.run_id = r.id) "
        "FROM runs r ORDER BY r.created_at DESC LIMIT 1",
        DATABASE,
    )
    run, succeeded, total, claims, calls, workers = rows[0]
    return {
        "run": run,
        "succeeded": succeeded,
        "rows": total,
        "claims": int(claims),
        "model_calls": calls,
        "workers_that_finished_samples": workers,
    }


# -- one measured command (or several at once) -----------------------------------------


class Bench:
    def __init__(self, folder: Path, server: ServerProcess, ns: argparse.Namespace) -> None:
        self.folder, self.server, self.ns = folder, server, ns
        self.task_file = folder / "bench_task.py"
        self.task_file.write_text(TASK_FILE)
        self.hook = folder / "hook"
        self.hook.mkdir()
        (self.hook / "sitecustomize.py").write_text(textwrap.dedent(SITECUSTOMIZE))
        self.round = 0

    def env(self, counts: Path, barrier: Path | None = None) -> dict[str, str]:
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(self.hook), os.environ.get("PYTHONPATH", "")) if p
        )
        env["ETHOS_BENCH_SQL_COUNTS"] = str(counts)
        env.pop("ETHOS_BENCH_BARRIER", None)
        if barrier is not None:
            env["ETHOS_BENCH_BARRIER"] = str(barrier)
        return env

    def argv(self, n: int, extra: list[str], connections: int | None = None) -> list[str]:
        connections = connections or self.ns.connections
        return [
            sys.executable, "-m", "ethos", "--db", db_url(DATABASE), "eval", "run",
            f"{self.task_file}@bench_http", "-T", f"n={n}", "--model", "openai/fake",
            "-M", f"api_base={self.server.base_url}",
            "--max-connections", str(connections), "--display", "none", *extra,
        ]  # fmt: skip

    def measure(
        self,
        label: str,
        n: int,
        processes: int,
        extra: list[str] = (),
        ray_counts: Path | None = None,
        connections: int | None = None,
    ) -> dict[str, Any]:
        """Run ``processes`` copies of the command at once; their counts, the
        server's span, PostgreSQL's CPU and growth, and the stored outcome.
        ``ray_counts``: where the Ray nodes' workers dump their counts."""
        self.round += 1
        counts = self.folder / f"counts-{self.round}"
        barrier = self.folder / f"barrier-{self.round}"
        counts.mkdir()
        barrier.mkdir()
        # the nodes' workers live on between commands: their counts are cumulative
        ray_before = per_process(ray_counts) if ray_counts is not None else {}
        self.server.stats(0.0)
        size0, wal0 = store_size()
        server0 = proc_cpu_s(self.server.proc.pid) or 0.0
        procs = [
            subprocess.Popen(
                self.argv(n, list(extra), connections),
                cwd=self.folder,
                env=self.env(counts, barrier),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(processes)
        ]
        started = time.perf_counter()
        with BackendCPU() as pg:
            while len(list(barrier.glob("ready-*"))) < processes:
                if any(p.poll() is not None for p in procs):
                    break
                time.sleep(0.005)
            (barrier / "go").touch()
            go = time.perf_counter()
            outputs = [p.communicate(timeout=900) for p in procs]
            done = time.perf_counter()
        for p, (out, err) in zip(procs, outputs, strict=True):
            if p.returncode != 0:
                raise RuntimeError(f"{label}: exit {p.returncode}: {out[-1500:]}{err[-3000:]}")
        span = self.server.stats(0.0)
        server_cpu = (proc_cpu_s(self.server.proc.pid) or 0.0) - server0
        size1, wal1 = store_size()
        mine = read_counts(counts)
        if ray_counts is not None:
            time.sleep(0.5)  # a Ray worker dumps its counts every 20 statements
            for pid, now in per_process(ray_counts).items():
                before = ray_before.get(pid, {})
                for k in COUNTED:
                    mine[k] += now.get(k, 0) - before.get(k, 0)
                mine["processes"] += now.get("statements", 0) > before.get("statements", 0)
        outcome = newest_run()
        return {
            "label": label,
            "samples": n,
            "processes": processes,
            "server_span_s": span["span_s"],
            "requests": span["requests"],
            "command_s": done - started,
            "after_barrier_s": done - go,
            "statements": mine["statements"],
            "commits": mine["commits"],
            "worker_cpu_s": mine["cpu_s"],
            # from each process's first SQL statement on: without imports and start-up
            "worker_run_cpu_s": mine["cpu_s"] - mine["cpu_start_s"],
            "counted_processes": mine["processes"],
            "db_bytes": size1 - size0,
            "wal_bytes": wal1 - wal0,
            "pg_cpu_s": pg.cpu_s,
            "server_cpu_s": server_cpu,
            "pg_peak_backends": pg.peak_backends,
            **outcome,
        }


COUNTED = ("statements", "commits", "rollbacks", "cpu_s", "cpu_start_s")


def per_process(folder: Path) -> dict[str, dict[str, Any]]:
    return {f.stem: json.loads(f.read_text()) for f in folder.glob("*.json")}


def read_counts(folder: Path) -> dict[str, Any]:
    """The counts of the processes that dumped into ``folder``, summed."""
    total: dict[str, Any] = dict.fromkeys(COUNTED, 0)
    found = per_process(folder)
    for data in found.values():
        for k in COUNTED:
            total[k] += data.get(k, 0)
    total["processes"] = len(found)
    return total


def summary(name: str, points: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    """Medians over repetitions, per sample where it is a count."""
    n = points[0]["samples"]

    def med(key: str) -> float:
        return statistics.median(p[key] for p in points)

    for p in points:
        assert p["succeeded"] == n and p["rows"] == n, p  # 0 lost
        assert p["model_calls"] == n and p["claims"] == n, p  # 0 duplicated, 0 redone
    return {
        "samples_per_s_server_span": n / med("server_span_s"),
        "samples_per_s_whole_command": n / med("command_s"),
        "samples_per_s_after_barrier": n / med("after_barrier_s"),
        "statements_per_sample": med("statements") / n,
        "commits_per_sample": med("commits") / n,
        "db_bytes_per_sample": med("db_bytes") / n,
        "wal_bytes_per_sample": med("wal_bytes") / n,
        "pg_cpu_ms_per_sample": med("pg_cpu_s") / n * 1000,
        "worker_cpu_ms_per_sample": med("worker_cpu_s") / n * 1000,
        "worker_run_cpu_ms_per_sample": med("worker_run_cpu_s") / n * 1000,
        "server_cpu_ms_per_sample": med("server_cpu_s") / n * 1000,
        "pg_peak_backends": max(p["pg_peak_backends"] for p in points),
        "spans_s": [round(p["server_span_s"], 3) for p in points],
        **extra,
    }


def report(name: str, s: dict[str, Any], anchor: str, anchor_value: float, **extra: Any) -> None:
    value = s["samples_per_s_server_span"]
    figure(
        name,
        value,
        "samples/s (server span, median)",
        anchor=anchor,
        anchor_value=round(anchor_value, 3),
        ratio=round(value / anchor_value, 3),
        **{k: (round(v, 3) if isinstance(v, float) else v) for k, v in s.items()},
        **extra,
    )


def processes_figures(bench: Bench, ns: argparse.Namespace) -> None:
    counts = [int(x) for x in ns.processes.split(",")]
    points: dict[int, list[dict[str, Any]]] = {k: [] for k in counts}
    for rep in range(ns.reps):
        for k in counts if rep % 2 == 0 else counts[::-1]:
            points[k].append(bench.measure(f"processes-{k}", ns.samples, k))
    one = summary("1", points[counts[0]])
    for k in counts:
        s = summary(str(k), points[k])
        report(
            f"samples_per_s_{k}_plain_processes_one_run_postgresql",
            s,
            f"{counts[0]} process(es), same run of the benchmark "
            f"(server span, median of {ns.reps})",
            one["samples_per_s_server_span"],
            processes=k,
            connections_per_process=ns.connections,
            latency_bound_samples_per_s=round(k * ns.connections / 0.05, 1),
        )


# -- Ray ----------------------------------------------------------------------------


def ray_skip_reason() -> str | None:
    ray_bin = Path(sys.executable).with_name("ray")
    probe = subprocess.run(
        [sys.executable, "-c", "import ray"], capture_output=True, text=True, cwd=ROOT
    )
    if probe.returncode != 0:
        last = probe.stderr.strip().splitlines()[-1:]
        return f"ray is not importable ({last}): pip install 'ethos[ray]'"
    if not ray_bin.exists():
        return f"no ray command beside {sys.executable}"
    helptext = subprocess.run(
        [sys.executable, "-m", "ethos", "eval", "run", "--help"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "COLUMNS": "200"},
    ).stdout
    if "--executor" not in helptext:
        return "ethos eval run has no --executor option yet"
    return None


class RayCluster:
    """A head and ``workers`` worker nodes on this machine (``ray start
    --block``, each in a session of its own), each worker node with ``cpus``
    CPUs, every Python process of it counting its SQL. Torn down by
    signalling those sessions, never by ``ray stop``, which would stop every
    Ray on the machine (others' tests included)."""

    def __init__(self, bench: Bench, workers: int, cpus: int) -> None:
        self.ray = str(Path(sys.executable).with_name("ray"))
        self.counts = bench.folder / "ray-counts"
        self.counts.mkdir(exist_ok=True)
        self.env = bench.env(self.counts)
        self.env["RAY_USAGE_STATS_ENABLED"] = "0"
        self.temp = Path(tempfile.mkdtemp(prefix="ray-", dir="/tmp"))
        self.port = free_port()
        self.address = f"127.0.0.1:{self.port}"
        self.workers, self.cpus = workers, cpus
        self.nodes: list[subprocess.Popen[str]] = []

    def start(self) -> None:
        self._node(
            "--head", f"--port={self.port}", "--num-cpus=0", "--num-gpus=0",
            "--include-dashboard=false", f"--temp-dir={self.temp}",
        )  # fmt: skip
        for _ in range(self.workers):
            self._node(f"--address={self.address}", f"--num-cpus={self.cpus}", "--num-gpus=0")

    def stop(self) -> None:
        for node in reversed(self.nodes):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(node.pid, signal.SIGTERM)
        for node in reversed(self.nodes):
            try:
                node.wait(10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(node.pid, signal.SIGKILL)
                node.wait(30)
        shutil.rmtree(self.temp, ignore_errors=True)

    def _node(self, *args: str) -> None:
        node = subprocess.Popen(
            [self.ray, "start", "--block", "--node-ip-address=127.0.0.1",
             "--disable-usage-stats", *args],
            env=self.env, start_new_session=True, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        self.nodes.append(node)
        assert node.stdout is not None
        seen = []
        for line in node.stdout:
            seen.append(line)
            if "Ray runtime started" in line:
                # keep reading in the background so the node never blocks on a full pipe
                threading.Thread(target=node.stdout.read, daemon=True).start()
                return
        raise RuntimeError("ray start ended: " + "".join(seen[-20:]))


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ray_figures(bench: Bench, ns: argparse.Namespace) -> None:
    why = ray_skip_reason()
    if why:
        print(json.dumps({"bench": "ray_executor", "skipped": "ray", "why": why}), flush=True)
        return
    cluster = RayCluster(bench, ns.ray_workers, ns.ray_cpus)
    try:
        cluster.start()
        extra = [
            "--executor",
            "ray",
            "--address",
            cluster.address,
            "--workers",
            str(ns.ray_workers),
        ]
        # warm: the nodes' worker processes start and import ethos once
        bench.measure("ray-warm", 20, 1, extra, cluster.counts)
        slots = ns.connections * ns.ray_workers
        kinds = ["local", "ray", "local_same_slots"]
        points: dict[str, list[dict[str, Any]]] = {k: [] for k in kinds}
        for rep in range(ns.reps):
            for kind in kinds if rep % 2 == 0 else kinds[::-1]:
                if kind == "ray":
                    got = bench.measure("ray", ns.samples, 1, extra, cluster.counts)
                elif kind == "local":
                    got = bench.measure("local", ns.samples, 1)
                else:  # one process with as many slots as all the actors together
                    got = bench.measure(kind, ns.samples, 1, connections=slots)
                points[kind].append(got)
    finally:
        cluster.stop()
    local = summary("local", points["local"])
    same = summary("local_same_slots", points["local_same_slots"])
    ray = summary("ray", points["ray"])
    median = f"server span, median of {ns.reps}, interleaved"
    report(
        "samples_per_s_ray_executor_loopback_50ms",
        ray,
        f"the local executor, 1 process at the same --max-connections ({median})",
        local["samples_per_s_server_span"],
        ray_workers=ns.ray_workers,
        ray_cpus_per_node=ns.ray_cpus,
        connections=ns.connections,
        whole_command_ratio=round(
            ray["samples_per_s_whole_command"] / local["samples_per_s_whole_command"], 3
        ),
        local={k: (round(v, 3) if isinstance(v, float) else v) for k, v in local.items()},
    )
    report(
        "samples_per_s_ray_executor_loopback_50ms_vs_same_slots",
        ray,
        f"the local executor, 1 process with --max-connections {slots}, as many samples "
        f"in flight as the {ns.ray_workers} actors together ({median})",
        same["samples_per_s_server_span"],
        whole_command_ratio=round(
            ray["samples_per_s_whole_command"] / same["samples_per_s_whole_command"], 3
        ),
        local_same_slots={k: (round(v, 3) if isinstance(v, float) else v) for k, v in same.items()},
    )


# -- PostgreSQL's ceiling ---------------------------------------------------------------


def pgbench_figures(ns: argparse.Namespace) -> None:
    pgbench = shutil.which("pgbench")
    if pgbench is None:
        print(json.dumps({"bench": "ray_executor", "skipped": "pgbench", "why": "not installed"}))
        return
    fresh_database(PGBENCH_DATABASE)
    parts = urlsplit(libpq(BASE))
    conn = ["-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 5432),
            "-U", parts.username or "postgres"]  # fmt: skip
    try:
        subprocess.run(
            [pgbench, *conn, "-i", "-q", "-s", "1", PGBENCH_DATABASE],
            check=True,
            capture_output=True,
        )
        for clients in (1, 4, 16):
            done = subprocess.run(
                [pgbench, *conn, "-N", "-c", str(clients), "-j", "2", "-T", str(ns.pgbench_s),
                 "-n", PGBENCH_DATABASE],
                capture_output=True, text=True, check=True,
            )  # fmt: skip
            tps = next(
                float(line.split("=")[1].split()[0])
                for line in done.stdout.splitlines()
                if line.startswith("tps")
            )
            figure(
                f"pgbench_simple_update_commits_per_s_{clients}_clients",
                tps,
                "commits/s (each: 3 writes, 1 read)",
                note="this machine's PostgreSQL, synchronous_commit and fsync as configured",
                seconds=ns.pgbench_s,
                load=os.getloadavg(),
            )
    finally:
        admin(f'DROP DATABASE IF EXISTS "{PGBENCH_DATABASE}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=1000)
    parser.add_argument("--reps", type=int, default=3, help="interleaved repetitions")
    parser.add_argument("--processes", default="1,2,4", help="plain processes per point")
    parser.add_argument("--connections", type=int, default=16, help="--max-connections")
    parser.add_argument("--ray-workers", type=int, default=2, help="Ray worker nodes (--workers)")
    parser.add_argument("--ray-cpus", type=int, default=1, help="CPUs each Ray worker node offers")
    parser.add_argument("--pgbench-s", type=int, default=10, help="seconds per pgbench point")
    parser.add_argument("--only", choices=["processes", "ray", "pgbench"])
    ns = parser.parse_args()
    parts = [ns.only] if ns.only else ["processes", "ray", "pgbench"]
    print(json.dumps({"bench": "ray_executor", "load_before": os.getloadavg()}), flush=True)
    if "processes" in parts or "ray" in parts:
        fresh_database(DATABASE)
        server = ServerProcess(latency_s=0.05)
        try:
            with tempfile.TemporaryDirectory() as tmp:
                bench = Bench(Path(tmp), server, ns)
                bench.measure("warm", 20, 1)  # migrations, imports cached
                if "processes" in parts:
                    processes_figures(bench, ns)
                if "ray" in parts:
                    ray_figures(bench, ns)
        finally:
            server.close()
            admin(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
    if "pgbench" in parts:
        pgbench_figures(ns)
    print(json.dumps({"bench": "ray_executor", "load_after": os.getloadavg()}), flush=True)


if __name__ == "__main__":
    main()
