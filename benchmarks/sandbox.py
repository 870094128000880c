"""Bubblewrap sandbox: what a command costs inside an episode against the same
command run with plain ``subprocess`` on the host, and what an episode costs
to open and close.

Command latency: the demo-project scenario's commands (``./report.py``, a
python3 start; ``wc -l readings.csv``; ``echo``) through ``Sandbox.run``,
which includes writing the control file, the round trip through the
long-lived shell, the capped reads and the before/after hashing of the
episode's files. The anchor is ``subprocess.run(["/bin/bash", "-c", CMD])``
in a host copy of the same files with the sandbox's PATH, output captured,
nothing hashed. Repetitions
interleave sandbox and anchor. The sandbox's shell does not fork a new bash
per command, so a tiny command can be cheaper inside than the anchor.

Episode: ``open_episode`` + one ``true`` + close (files written, bwrap and
the shell started and killed, directory removed) against the anchor of
writing the same files to a temp dir, one ``bash -c true`` and removing it.

    python benchmarks/sandbox.py [--repeats 200]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ethos.sandbox import get_scenario, open_episode, sandbox_unavailable_reason
from ethos.sandbox.spec import FileSpec

COMMANDS = {
    "echo": "echo hello",
    "wc": "wc -l readings.csv",
    "python3": "./report.py",
}


def emit(figure: str, value: float, unit: str, anchor: str, anchor_value: float, goal: str):
    print(
        json.dumps(
            {
                "bench": "sandbox",
                "figure": figure,
                "value": round(value, 5),
                "unit": unit,
                "anchor": anchor,
                "anchor_value": round(anchor_value, 5),
                "ratio": round(value / anchor_value, 3) if anchor_value else None,
                "goal": goal,
            }
        ),
        flush=True,
    )


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def write_host_copy(folder: Path) -> Path:
    spec = get_scenario("demo-project").spec()
    for rel, item in spec.files.items():
        file = item if isinstance(item, FileSpec) else FileSpec(text=item)
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(file.content())
        path.chmod(0o755 if file.executable else 0o644)
    return folder / "home/agent/project"


# The sandbox's PATH: the same python3 and coreutils (a user's PATH may put
# slower shims, pyenv's for one, in front).
HOST_ENV = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}


def host_run(command: str, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        ["/bin/bash", "-c", command], cwd=cwd, env=HOST_ENV, capture_output=True, check=False
    )


async def command_latency(repeats: int) -> None:
    spec = get_scenario("demo-project").spec()
    with tempfile.TemporaryDirectory(prefix="ethos-bench-") as tmp:
        cwd = write_host_copy(Path(tmp))
        async with open_episode(spec) as sandbox:
            for name, command in COMMANDS.items():
                inside = (await sandbox.run(command)).stdout
                outside = host_run(command, cwd).stdout.decode()
                assert inside == outside, (name, inside, outside)
                for _ in range(5):  # warm both sides
                    await sandbox.run(command)
                    host_run(command, cwd)
                box_s: list[float] = []
                host_s: list[float] = []
                for _ in range(repeats):
                    started = time.perf_counter()
                    await sandbox.run(command)
                    box_s.append(time.perf_counter() - started)
                    started = time.perf_counter()
                    host_run(command, cwd)
                    host_s.append(time.perf_counter() - started)
                for p in (50, 99):
                    emit(
                        f"command_{name}_p{p}",
                        percentile(box_s, p) * 1e3,
                        "ms",
                        f"subprocess bash -c on the host, p{p}",
                        percentile(host_s, p) * 1e3,
                        f"at most {2 if p == 50 else 3}x the host subprocess at p{p}",
                    )


async def episode_cost(repeats: int) -> None:
    spec = get_scenario("demo-project").spec()
    box_s: list[float] = []
    host_s: list[float] = []
    for _ in range(repeats):
        started = time.perf_counter()
        async with open_episode(spec) as sandbox:
            await sandbox.run("true")
        box_s.append(time.perf_counter() - started)
        started = time.perf_counter()
        folder = Path(tempfile.mkdtemp(prefix="ethos-bench-"))
        host_run("true", write_host_copy(folder))
        shutil.rmtree(folder)
        host_s.append(time.perf_counter() - started)
    emit(
        "episode_open_run_close_p50",
        statistics.median(box_s) * 1e3,
        "ms",
        "files to a temp dir + bash -c true + rmtree, p50",
        statistics.median(host_s) * 1e3,
        "under 100 ms an episode (episodes are per sample)",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=200)
    args = parser.parse_args()
    reason = sandbox_unavailable_reason()
    if reason:
        print(json.dumps({"bench": "sandbox", "skipped": reason}))
        sys.exit(0)
    asyncio.run(command_latency(args.repeats))
    asyncio.run(episode_cost(max(10, args.repeats // 10)))


if __name__ == "__main__":
    main()
