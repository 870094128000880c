"""Scheming episodes run side by side: every ``open_episode`` first removes
the episode directories that killed processes left behind, and that sweep
must never take a live episode of another process (or of another task of
this one), even one that is being opened at that very moment.

Seen in concurrent runs (and among one run's concurrent samples, 2 in 150
here) before the fix: "bwrap: Can't find source path
/tmp/ethos-episode-.../etc" and a FileNotFoundError from the episode's
setup. Cause: the opener creates the episode's ``owner`` file and writes
its process identity in two steps; a sweep that reads the file between
them found it empty, took the episode for an orphan and removed it. The
owner file is now written aside and renamed into place.
"""

from __future__ import annotations

import asyncio
import os
import pathlib
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.sandbox import skip_without_bwrap


@pytest.fixture
def parent(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A directory of this test's own for episodes (others' leftovers are
    not ours to sweep here), which the sandbox's user may enter."""
    skip_without_bwrap()
    path = Path(tempfile.mkdtemp(prefix="ethos-concurrency-"))
    path.chmod(0o755)
    monkeypatch.setenv("ETHOS_SANDBOX_DIR", str(path))
    yield path
    shutil.rmtree(path, ignore_errors=True)


def _spec() -> Any:
    from ethos.sandbox import EpisodeSpec

    return EpisodeSpec(files={"home/agent/notes.txt": "still here\n"})


async def test_a_sweep_while_an_episode_writes_its_owner_leaves_it_alone(
    parent: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The interleaving made certain: another process's ``open_episode``
    sweeps after this one has created a file at the top of its new episode
    directory and before it has written it."""
    from ethos.sandbox import open_episode
    from ethos.sandbox.bwrap import remove_orphaned_episodes

    write_text = pathlib.Path.write_text
    swept: list[int] = []

    def interleaved(self: Path, data: str, *args: Any, **kwargs: Any) -> int:
        if self.parent.parent != parent or not self.parent.name.startswith("ethos-episode-"):
            return write_text(self, data, *args, **kwargs)
        with self.open("w", *args, **kwargs) as handle:
            # The sweep every other process's open_episode does, at this instant
            # (run here, it reads the same files another process would).
            swept.append(remove_orphaned_episodes(parent))
            return handle.write(data)

    monkeypatch.setattr(pathlib.Path, "write_text", interleaved)
    async with open_episode(_spec()) as box:
        result = await box.run("cat notes.txt")
    assert swept and swept[0] == 0, "the sweep removed the episode being opened"
    assert (result.exit_code, result.stdout) == (0, "still here\n")


SWEEPER = """
import sys, time
from pathlib import Path
from ethos.sandbox.bwrap import remove_orphaned_episodes
parent, removed = Path(sys.argv[1]), 0
print("ready", flush=True)
while not (parent / "stop").exists():
    removed += remove_orphaned_episodes(parent)
print(removed, flush=True)
"""


@pytest.mark.slow
async def test_episodes_open_and_run_while_another_process_sweeps(parent: Path) -> None:
    """Two processes: one sweeps without pause (as a busy neighbour's opens
    do); this one opens episodes four at a time and runs a command in each.
    Every episode runs, and the neighbour removes nothing."""
    from ethos.sandbox import open_episode

    sweeper = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        SWEEPER,
        str(parent),
        stdout=asyncio.subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    try:
        assert sweeper.stdout is not None and await sweeper.stdout.readline() == b"ready\n"

        async def one() -> str:
            async with open_episode(_spec()) as box:
                return (await box.run("cat notes.txt")).stdout

        seen: list[Any] = []
        for _ in range(6):
            seen += await asyncio.gather(*(one() for _ in range(4)), return_exceptions=True)
    finally:
        (parent / "stop").touch()
        out, _ = await asyncio.wait_for(sweeper.communicate(), timeout=30)
    failed = [repr(s) for s in seen if s != "still here\n"]
    assert failed == [], failed
    assert out.decode().strip() == "0", "the other process's sweep removed live episodes"


def _count(db: Path, sql: str) -> int:
    with sqlite3.connect(db) as conn:
        try:
            return conn.execute(sql).fetchone()[0]
        except sqlite3.OperationalError:  # tables not made yet
            return 0


@pytest.mark.slow
def test_a_scheming_run_killed_mid_episode_resumes_with_every_sample_scored_once(
    parent: Path, tmp_path: Path
) -> None:
    """kill -9 while an episode's sandbox is live, then the same command:
    the sample in flight is redone in a fresh episode, the dead process's
    episode directory is removed, and each sample holds one score per scorer."""
    db = tmp_path / "ethos.db"
    command = [
        sys.executable,
        "-m",
        "ethos",
        "--db",
        str(db),
        "eval",
        "run",
        "scheming",
        "--model",
        "script/scheming-schemer",
        "--model-role",
        "grader=script/scheming-grader",
        "--no-progress",
        "--max-connections",
        "1",
        *("-T", "scenarios=1", "-T", "variants=nudge", "-T", "interrogation_turns=0"),
    ]
    env = {**os.environ, "ETHOS_SANDBOX_DIR": str(parent)}
    done = "SELECT count(*) FROM samples WHERE status = 'succeeded'"
    first = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and first.poll() is None:
        live = [p for p in parent.iterdir() if p.name.startswith("ethos-episode-")]
        if _count(db, done) >= 2 and live:
            break
        time.sleep(0.02)
    first.send_signal(signal.SIGKILL)
    first.wait(30)
    before = _count(db, done)
    assert 2 <= before < 6, "the run was not killed halfway"
    left = {p.name for p in parent.iterdir() if p.name.startswith("ethos-episode-")}
    assert left, "no episode was live at the kill"

    second = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert second.returncode == 0, second.stderr
    assert "6 of 6 samples succeeded" in second.stdout, second.stdout
    assert _count(db, done) == 6
    assert _count(db, "SELECT count(DISTINCT sample_id) FROM samples") == 6
    assert _count(db, "SELECT count(*) FROM samples WHERE attempt > 1") == 1  # the one in flight
    per_sample = "SELECT count(*) FROM scores GROUP BY sample_pk, scorer HAVING count(*) > 1"
    assert _count(db, f"SELECT count(*) FROM ({per_sample})") == 0
    assert _count(db, "SELECT count(*) FROM scores") == 12  # scheming and followup, once each
    # The schemer is caught in every sample, the one redone included.
    flagged = (
        "SELECT count(*) FROM scores WHERE scorer = 'scheming' AND "
        "(json_extract(value, '$.schemed') = 1 OR json_extract(value, '$.accuracy_gap') = 1)"
    )
    assert _count(db, flagged) == 6
    assert not [p for p in parent.iterdir() if p.name.startswith("ethos-episode-")]
