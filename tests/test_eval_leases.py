"""Safe resume, run leases and sample claims, and no lost cost.

Several `ethos eval run` processes share one run (each sample worked once);
a killed process's samples are taken over; a changed task is not continued
silently; every model call answered before a crash is in model_calls.
The model is a loopback OpenAI-compatible server that counts requests.
"""

from __future__ import annotations

import asyncio
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select, text, update

from ethos.db import leases
from ethos.db.store import Store
from ethos.db.tables import ModelCallRow, RunWorkerRow, SampleRow, utcnow
from ethos.errors import EthosError
from ethos.evals.fingerprint import config_fingerprint
from ethos.evals.run import EvalConfig, run_eval
from ethos.evals.task import Arm
from ethos.models import acomplete
from ethos.recording import run_scope
from tests.support.openai_server import FakeOpenAI

ROOT = Path(__file__).resolve().parents[1]
TASKS = str(ROOT / "tests" / "support" / "tasks.py")


def ethos(db: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "ethos", "--db", db, "eval", "run", *args, "--no-progress"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )


def echo_args(server: FakeOpenAI, n: int, *more: str) -> list[str]:
    return [
        f"{TASKS}@echo",
        "--model",
        "openai/fake",
        "-M",
        f"api_base={server.base_url}",
        "-T",
        f"n={n}",
        *more,
    ]


def asked(bodies: list[dict]) -> Counter[str]:
    """Requests per sample: the echo task sends the sample's number."""
    return Counter(f"q{int(b['messages'][-1]['content']):03d}" for b in bodies)


async def scalar(store: Store, sql: str) -> int:
    async with store.engine.connect() as conn:
        return (await conn.execute(text(sql))).scalar_one()


async def wait_until(store: Store, sql: str, at_least: int, procs: list) -> None:
    """Poll the database until ``sql`` counts ``at_least``; fail at once if a
    process under test exits early (no wall-clock assertion: a generous cap)."""
    deadline = time.monotonic() + 240
    while await scalar(store, sql) < at_least:
        for proc in procs:
            if proc.poll() is not None:
                out, err = proc.communicate()
                raise AssertionError(f"exited {proc.returncode} early: {out}\n{err}")
        assert time.monotonic() < deadline, f"never reached {at_least}: {sql}"
        await asyncio.sleep(0.02)


async def assert_each_sample_once(store: Store, n: int) -> None:
    """One run; each (sample, epoch, arm) stored once, succeeded, scored once per scorer."""
    assert await scalar(store, "SELECT count(*) FROM runs") == 1
    assert await scalar(store, "SELECT count(*) FROM samples") == n
    assert await scalar(store, "SELECT count(*) FROM samples WHERE status = 'succeeded'") == n
    keys = "SELECT count(*) FROM (SELECT DISTINCT sample_id, epoch, arm FROM samples) k"
    assert await scalar(store, keys) == n
    assert await scalar(store, "SELECT count(*) FROM scores") == 2 * n  # exact, length
    pairs = "SELECT count(*) FROM (SELECT DISTINCT sample_pk, scorer FROM scores) p"
    assert await scalar(store, pairs) == 2 * n


# -- several processes, one run ------------------------------------------------------------


@pytest.mark.slow
async def test_four_identical_commands_answer_every_sample_exactly_once(db_url: str) -> None:
    store = await Store.open(db_url)  # migrated before the processes race
    try:
        with FakeOpenAI(held=True, latency_s=0.01) as server:
            args = echo_args(server, 40, "--max-connections", "4")
            procs = [ethos(db_url, *args) for _ in range(4)]
            # Nothing is answered until all four have joined the run.
            await wait_until(store, "SELECT count(*) FROM run_workers", 4, procs)
            server.release()
            outs = [p.communicate(timeout=300) for p in procs]
        for proc, (out, err) in zip(procs, outs, strict=True):
            assert proc.returncode == 0, err
            assert "40 of 40 samples succeeded" in out, out
        # The server saw each sample once: 40 requests for 40 samples.
        assert asked(server.requests) == {f"q{i:03d}": 1 for i in range(40)}
        await assert_each_sample_once(store, 40)
        assert await scalar(store, "SELECT count(*) FROM model_calls") == 40
        workers = "SELECT count(DISTINCT claimed_by) FROM samples"
        assert await scalar(store, workers) >= 2  # the work was shared, not repeated
        assert await scalar(store, "SELECT max(attempt) FROM samples") == 1
    finally:
        await store.close()


@pytest.mark.slow
async def test_a_killed_worker_is_taken_over_and_no_answered_call_is_lost(db_url: str) -> None:
    n, connections = 200, 2
    store = await Store.open(db_url)
    try:
        # 10 ms a call: a 50 ms batch would hold several answered calls.
        with FakeOpenAI(held=True, latency_s=0.01) as server:
            more = ("--max-connections", str(connections), "--lease", "2")
            victim = ethos(db_url, *echo_args(server, n, *more))
            survivor = ethos(db_url, *echo_args(server, n, *more))
            await wait_until(store, "SELECT count(*) FROM run_workers", 2, [victim, survivor])
            server.release()
            # Killed by what the server has answered, not by what the database
            # shows: at any point of the writer's cycle, not just after a commit.
            while len(server.answered) < 40:
                assert victim.poll() is None and survivor.poll() is None
                await asyncio.sleep(0.001)
            victim.send_signal(signal.SIGKILL)
            victim.wait(30)
            out, err = survivor.communicate(timeout=300)
        assert victim.returncode == -signal.SIGKILL
        assert survivor.returncode == 0, err
        assert f"{n} of {n} samples succeeded" in out, out
        await assert_each_sample_once(store, n)

        # Samples the victim held were asked again (a redo, stored once).
        requests = asked(server.requests)
        assert set(requests) == {f"q{i:03d}" for i in range(n)}
        assert set(requests.values()) <= {1, 2}
        redone = [s for s, k in requests.items() if k == 2]
        attempts = await sample_attempts(store)
        assert all(attempts[s] == 2 for s in redone)

        # Every answered call is in model_calls, except at most those in
        # flight in the victim when it died (answer received, row not yet
        # committed): at most its connections. Before the gateway waited
        # for the commit, the 50 ms batch lost every call answered in it.
        recorded = await calls_per_sample(store)
        answered = asked(server.answered)
        missing = sum(max(0, k - recorded.get(s, 0)) for s, k in answered.items())
        assert missing <= connections, (missing, answered, recorded)
        assert all(recorded[s] <= requests[s] for s in recorded)

        # The bill: every recorded call is paid; those of an earlier attempt
        # than their sample's are the redone part.
        cost = await store.run_cost((await store.list_runs())[0].id)
        assert cost.paid.calls == sum(recorded.values())
        older = (
            "SELECT count(*) FROM model_calls c JOIN samples s ON s.id = c.sample_pk "
            "WHERE c.attempt < s.attempt"
        )
        assert cost.redone.calls == await scalar(store, older)
        assert cost.paid.calls - cost.redone.calls == n  # one kept call per sample
    finally:
        await store.close()


async def sample_attempts(store: Store) -> dict[str, int]:
    async with store.engine.connect() as conn:
        rows = await conn.execute(select(SampleRow.sample_id, SampleRow.attempt))
        return dict(rows.all())


async def calls_per_sample(store: Store) -> Counter[str]:
    async with store.engine.connect() as conn:
        rows = await conn.execute(
            select(SampleRow.sample_id, func.count())
            .join(ModelCallRow, ModelCallRow.sample_pk == SampleRow.id)
            .group_by(SampleRow.sample_id)
        )
        return Counter(dict(rows.all()))


# -- claims and leases, at the store ----------------------------------------------------------


async def test_claims_wait_for_a_live_lease_and_take_over_an_expired_one(store: Store) -> None:
    new = {"name": "t", "config": {}, "metadata": {}}
    run, mine = await leases.join_run(store, kind="eval", fingerprint="f", lease_s=60, new_run=new)
    assert mine.first
    await leases.add_samples(store, run.id, [{"sample_id": f"s{i}"} for i in range(6)])
    # A worker on another machine, live: it holds s0..s2.
    other = leases.Lease(run.id, "elsewhere-worker", 60, first=False)
    async with store.engine.begin() as conn:
        await conn.execute(
            insert(RunWorkerRow),
            {
                "id": other.worker_id,
                "run_id": run.id,
                "host": "another-machine",
                "pid": 1,
                "expires_at": utcnow() + timedelta(seconds=60),
            },
        )
    held = await leases.claim(store, other, 3)
    assert [c.sample_id for c in held] == ["s0", "s1", "s2"]
    assert {c.attempt for c in held} == {1}

    # The same command joining now: not first, and it resets nothing.
    again, joiner = await leases.join_run(
        store, kind="eval", fingerprint="f", lease_s=60, new_run=new
    )
    assert again.id == run.id and not joiner.first
    got = await leases.claim(store, mine, 10)
    assert [c.sample_id for c in got] == ["s3", "s4", "s5"]
    assert await leases.claim(store, joiner, 10) == []
    left = await leases.outstanding(store, joiner)
    assert (left.claimable, left.held_by_others) == (0, 6)

    # The other machine's lease expires: its samples are anyone's, attempt 2.
    async with store.engine.begin() as conn:
        await conn.execute(
            update(RunWorkerRow)
            .where(RunWorkerRow.id == other.worker_id)
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
    taken = await leases.claim(store, joiner, 10)
    assert [(c.sample_id, c.attempt) for c in taken] == [("s0", 2), ("s1", 2), ("s2", 2)]

    # Leaving gives back what was claimed and not started, attempt undone.
    await leases.leave(store, mine, [got[0].pk])
    back = await leases.claim(store, joiner, 10)
    assert [(c.sample_id, c.attempt) for c in back] == [("s3", 1), ("s4", 2), ("s5", 2)]


async def test_a_late_heartbeat_neither_redoes_nor_orphans_what_the_worker_holds(
    store: Store,
) -> None:
    new = {"name": "t", "config": {}, "metadata": {}}
    run, mine = await leases.join_run(store, kind="eval", fingerprint="f", lease_s=60, new_run=new)
    await leases.add_samples(store, run.id, [{"sample_id": f"s{i}"} for i in range(3)])
    (working,) = await leases.claim(store, mine, 1)
    assert working.sample_id == "s0"
    # The process lives, but its heartbeat came late (a blocked event loop):
    # its lease lapsed.
    async with store.engine.begin() as conn:
        await conn.execute(
            update(RunWorkerRow)
            .where(RunWorkerRow.id == mine.worker_id)
            .values(
                started_at=utcnow() - timedelta(seconds=120),
                expires_at=utcnow() - timedelta(seconds=1),
            )
        )
    # Its next claim does not take over the sample it is working itself.
    got = await leases.claim(store, mine, 10)
    assert [(c.sample_id, c.attempt) for c in got] == [("s1", 1), ("s2", 1)]
    # The next beat renews the lease: what it holds is not anyone's.
    assert await leases.renew(store, mine)
    _, other = await leases.join_run(store, kind="eval", fingerprint="f", lease_s=60, new_run=new)
    assert await leases.claim(store, other, 10) == []
    assert (await leases.outstanding(store, other)).held_by_others == 3
    # A lease ended by leaving stays ended.
    await leases.leave(store, mine)
    assert not await leases.renew(store, mine)
    assert [c.sample_id for c in await leases.claim(store, other, 10)] == ["s0", "s1", "s2"]


async def test_a_sample_that_blocks_past_the_lease_is_worked_once(
    store: Store, tmp_path: Path
) -> None:
    log = tmp_path / "solved.txt"
    task_file = tmp_path / "blocking.py"
    task_file.write_text(BLOCKING_TASK.format(log=str(log)))
    arm = Arm(name="a", model="script/echo")
    cfg = EvalConfig(task=f"{task_file}@t", arms=[arm], max_connections=2, lease_s=0.2)
    result = await run_eval(cfg, store=store, progress=False)
    assert (result.status, result.succeeded) == ("succeeded", 3)
    solved = log.read_text().split()
    assert sorted(solved) == ["s0", "s1", "s2"]  # each once, by the one worker
    assert await scalar(store, "SELECT max(attempt) FROM samples") == 1


BLOCKING_TASK = """
import time
from ethos.evals.task import Sample, Score, Task, scorer


@scorer("ok")
def ok(sample, output, ctx):
    return Score(value=1)


async def solver(sample, ctx):
    with open({log!r}, "a") as f:
        f.write(sample.id + "\\n")
    time.sleep(0.5)  # blocks the event loop (and the heartbeat) past the lease
    return (await ctx.complete(sample.input)).text


def t():
    return Task(
        name="t",
        samples=[Sample(id=f"s{{i}}", input=str(i), target=str(i)) for i in range(3)],
        solver=solver,
        scorers=[ok],
    )
"""


async def test_a_lone_worker_asks_the_database_once_per_batch_not_once_per_slot(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Claims are batched by max_connections, and once nothing is left the
    slots stop without each asking again (issue 19: 64 empty claim
    transactions and counts ended every run)."""
    calls: Counter[str] = Counter()
    for name in ("claim", "outstanding"):
        real = getattr(leases, name)

        async def counted(*args: object, _real=real, _name=name, **kwargs: object) -> object:
            calls[_name] += 1
            return await _real(*args, **kwargs)

        monkeypatch.setattr(leases, name, counted)
    arm = Arm(name="a", model="script/echo")
    cfg = EvalConfig(task=f"{TASKS}@echo", task_args={"n": 40}, arms=[arm], max_connections=8)
    result = await run_eval(cfg, store=store, progress=False)
    assert (result.status, result.succeeded) == ("succeeded", 40)
    # 40 samples in batches of 8: five claims that take some, one that finds none.
    assert calls["claim"] == 6
    # One count when that claim came back empty, one when the round of slots ended.
    assert calls["outstanding"] == 2


async def test_commands_started_together_create_one_run(store: Store) -> None:
    new = {"name": "t", "config": {}, "metadata": {}}
    joined = await asyncio.gather(
        *(
            leases.join_run(store, kind="eval", fingerprint="same", lease_s=60, new_run=new)
            for _ in range(8)
        )
    )
    assert len({run.id for run, _ in joined}) == 1
    assert sum(lease.first for _, lease in joined) == 1
    assert await scalar(store, "SELECT count(*) FROM runs") == 1


# -- no lost cost ------------------------------------------------------------------------------


async def test_a_model_call_is_committed_before_its_answer_is_returned(store: Store) -> None:
    run = await store.create_run("eval")
    # A writer that would otherwise commit once an hour.
    async with store.batch(interval=3600) as writer:
        with run_scope(store, run.id, writer=writer, attempt=1, transcripts=False):
            answer = await acomplete("script/echo", "paid for")
            # Read on another connection: committed, not merely queued.
            assert (await store.counts(run.id)).model_calls == 1
    assert answer.text == "paid for"
    cost = await store.run_cost(run.id)
    assert (cost.paid.calls, cost.redone.calls) == (1, 0)


# -- safe resume -------------------------------------------------------------------------------

TASK_FILE = """
from ethos.evals.task import Sample, Score, Task, scorer


@scorer("right")
def right(sample, output, ctx):
    if sample.id == "s1":
        raise RuntimeError("the scorer has a bug")
    return Score(value=output == sample.target)


async def solver(sample, ctx):
    return (await ctx.complete(sample.input)).text


def t():
    samples = [Sample(id=f"s{i}", input=str(i), target=str(i)) for i in range(3)]
    return Task(name="t", samples=samples, solver=solver, scorers=[right])
"""


@pytest.mark.slow
def test_editing_a_scorer_refuses_silent_continuation(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'e.db'}"
    task_file = tmp_path / "mytask.py"
    task_file.write_text(TASK_FILE)
    command = [f"{task_file}@t", "--model", "script/echo"]

    def run(*more: str) -> tuple[int, str, str]:
        proc = ethos(db, *command, *more)
        out, err = proc.communicate(timeout=120)
        return proc.returncode, out, err

    code, out, err = run()
    assert code == 1 and "2 of 3 samples succeeded, 1 failed" in out, (out, err)
    first = run_id_in(out)

    task_file.write_text(TASK_FILE.replace('    if sample.id == "s1":\n', "    if False:\n"))
    code, out, err = run()
    lines = err.strip().splitlines()
    assert code == 2 and len(lines) == 1, (out, err)
    assert f"the unfinished run {first[:12]} of this command was started with other " in lines[0]
    assert "changed: mytask.py" in lines[0]
    assert "--new-run" in lines[0] and f"--resume {first[:12]}" in lines[0]

    code, out, err = run("--new-run")
    assert code == 0 and "3 of 3 samples succeeded" in out, err
    assert run_id_in(out) != first

    code, out, err = run("--resume", first[:12])
    assert code == 0 and f"run {first} succeeded: 3 of 3" in out, (out, err)
    store_check = asyncio.run(_resumed(db, first))
    assert store_check["reason"] == "resumed by id with changed task code (mytask.py)"


def run_id_in(out: str) -> str:
    found = re.search(r"^run ([0-9a-f]{32}) ", out, re.MULTILINE)
    assert found, out
    return found[1]


async def _resumed(db: str, run_id: str) -> dict:
    store = await Store.open(db)
    try:
        run = await store.get_run(run_id)
        assert run.metadata["code"]["fingerprint"] == run.metadata["resumed"][-1]["code"]
        return run.metadata["resumed"][-1]
    finally:
        await store.close()


async def test_a_new_api_base_continues_the_run(store: Store) -> None:
    task = f"{TASKS}@echo"
    with FakeOpenAI(plan=[500]) as first_server:  # one sample fails, the run is unfinished
        arm = Arm(
            name="default",
            model="openai/fake",
            options={"api_base": first_server.base_url, "max_retries": 0},
        )
        cfg = EvalConfig(task=task, task_args={"n": 3}, arms=[arm], max_connections=1)
        first = await run_eval(cfg, store=store, progress=False)
    assert (first.status, first.failed) == ("failed", 1)

    # The server came back on another port, its address given by -M this time.
    with FakeOpenAI() as second_server:
        arm = Arm(name="default", model="openai/fake")
        moved = {"api_base": second_server.base_url, "timeout": 5, "backoff_base": 0.1}
        cfg = EvalConfig(task=task, task_args={"n": 3}, arms=[arm], model_args=moved)
        again = await run_eval(cfg, store=store, progress=False)
    assert again.run_id == first.run_id
    assert (again.status, again.skipped, again.succeeded) == ("succeeded", 2, 3)
    assert len(second_server.requests) == 1  # only the failed sample was asked again


def test_what_a_model_is_asked_is_measured_and_where_it_is_asked_is_not() -> None:
    def fingerprint(**model_args: object) -> str:
        cfg = EvalConfig(task="t", arms=[Arm(name="a", model="m")], model_args=model_args)
        return config_fingerprint(cfg.model_dump(), [])

    base = fingerprint(temperature=0.2)
    assert fingerprint(temperature=0.2, api_base="http://elsewhere/v1", max_retries=9) == base
    assert fingerprint(temperature=0.7) != base
    assert fingerprint(temperature=0.2, max_tokens=5) != base


async def test_resume_and_new_run_together_are_refused(store: Store) -> None:
    cfg = EvalConfig(task=f"{TASKS}@echo", arms=[Arm(name="a", model="script/echo")])
    with pytest.raises(EthosError, match="--resume and --new-run contradict each other"):
        await run_eval(cfg, store=store, resume="abcd", new_run=True, progress=False)
    assert await scalar(store, "SELECT count(*) FROM runs") == 0
