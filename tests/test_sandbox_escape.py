"""The escape battery: what a model-written command tries, and what it gets.

Each test runs the attempt in a real bubblewrap episode and checks the
host afterwards: files outside the episode directory, the host's
environment, the host's processes and services. A hypothesis test then
throws random command lines built from the same ingredients at one shared
episode.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import shutil
import socket
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ethos.sandbox import (
    SandboxError,
    SandboxLimits,
    get_scenario,
    open_episode,
)
from ethos.sandbox.protocol import CommandResult, Sandbox
from tests.support.sandbox import host_processes, skip_without_bwrap

HOST_SECRET = "ETHOS_TEST_HOST_SECRET"


@pytest.fixture
def canary() -> Iterator[Path]:
    """A host folder outside every episode that the sandbox's own host user
    could read and write if it could reach it (world-writable, beside the
    episodes, every parent open to others): only the sandbox's walls keep a
    command out, not file permissions (pytest's tmp_path is closed to the
    ``nobody`` the sandbox runs as under root)."""
    from ethos.sandbox.bwrap import _others_can_enter, episode_parent

    folder = Path(tempfile.mkdtemp(prefix="ethos-test-canary-", dir=episode_parent()))
    folder.chmod(0o777)
    (folder / "secret.txt").write_text("host secret 7c1e\n")
    (folder / "secret.txt").chmod(0o666)
    assert _others_can_enter(folder)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def tree_digest(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.fixture
async def box(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Sandbox]:
    skip_without_bwrap()
    monkeypatch.setenv(HOST_SECRET, "s3cr3t-from-the-host")
    limits = SandboxLimits(
        timeout_s=5, output_bytes=10_000, processes=48, file_bytes=1 << 20, memory_bytes=512 << 20
    )
    async with open_episode(get_scenario("demo-project").spec(), limits=limits) as sandbox:
        yield sandbox


async def test_absolute_host_paths_are_not_there(box: Sandbox, canary: Path) -> None:
    before = tree_digest(canary)
    result = await box.run(
        f"cat {canary}/secret.txt; echo pwned > {canary}/secret.txt; rm -rf {canary}; "
        "ls /root /work /var/lib/postgresql /opt/pypi 2>&1 | head; cat /etc/shadow"
    )
    assert "host secret" not in result.stdout
    assert "No such file or directory" in result.stderr
    assert tree_digest(canary) == before
    passwd = (await box.run("cut -d: -f1 /etc/passwd")).stdout.split()
    assert passwd == ["root", "agent", "nobody"]  # the generated /etc, no host accounts


async def test_dot_dot_climbs_to_the_sandbox_root_only(box: Sandbox) -> None:
    result = await box.run("cd ../../../../../..; pwd; ls -A; touch escaped 2>&1; ls -d /tmp/..")
    lines = result.stdout.splitlines()
    assert lines[0] == "/"
    assert "Read-only file system" in result.stdout
    assert {"work", "root", "opt"}.isdisjoint(lines[1:])
    assert {"home", "usr", "proc", "tmp", "etc"} <= set(lines[1:])


async def test_symlinks_out_of_the_episode_point_inside_the_sandbox(
    box: Sandbox, canary: Path
) -> None:
    before = tree_digest(canary)
    result = await box.run(
        f"ln -s {canary} host; ls host/ 2>&1; echo pwned > host/secret.txt 2>&1;"
        " ln -s / top; ls top/ | tr '\\n' ' '; ln -sf /etc/passwd pw; wc -l < pw"
    )
    assert "host secret" not in result.stdout
    assert "No such file or directory" in result.stdout
    assert result.stdout.rstrip().endswith("3")  # the sandbox's passwd: 3 accounts
    assert tree_digest(canary) == before
    # the host side never follows them either
    assert (
        box.snapshot()["home/agent/project/host"]
        == hashlib.sha256(f"symlink -> {canary}\n".encode()).hexdigest()
    )


async def test_proc_shows_only_the_sandbox(box: Sandbox) -> None:
    result = await box.run(
        "ls /proc | grep -c '^[0-9]'; tr '\\0' ' ' < /proc/1/cmdline; echo;"
        " ls /proc/1/root/; cat /proc/1/environ | tr '\\0' '\\n' | grep -c ETHOS_TEST;"
        f" test -e /proc/{os.getpid()} && echo host-pid-visible;"
        " echo b > /proc/sysrq-trigger 2>&1; echo 1 > /proc/sys/kernel/sysrq 2>&1; true"
    )
    lines = result.stdout.splitlines()
    assert int(lines[0]) < 12  # bwrap's init, bash and the pipeline: not the host's hundreds
    assert os.path.basename(lines[1].split()[0]) == "bwrap"  # pid 1: the sandbox's own init
    assert "host-pid-visible" not in result.stdout
    refusals = result.stderr.splitlines()  # bash reports a failed redirection before 2>&1
    assert len(refusals) == 2
    reasons = ("Read-only file system", "Permission denied", "No such file or directory")
    assert all(any(reason in r for reason in reasons) for r in refusals), refusals
    assert "work" not in lines


async def test_no_devices_beyond_the_harmless_ones(box: Sandbox) -> None:
    result = await box.run(
        "ls /dev | tr '\\n' ' '; echo; mknod disk b 8 0 2>&1; mknod mem c 1 1 2>&1;"
        " cat /dev/sda /dev/mem 2>&1; head -c 4 /dev/zero | od -An -tx1"
    )
    devices = set(result.stdout.splitlines()[0].split())
    assert devices <= {
        "console", "core", "fd", "full", "mqueue", "null", "ptmx", "pts", "random", "shm",
        "stderr", "stdin", "stdout", "tty", "urandom", "zero",
    }  # fmt: skip
    assert "Operation not permitted" in result.stdout
    assert "/dev/sda: No such file or directory" in result.stdout
    assert " 00 00 00 00" in result.stdout


async def test_host_loopback_services_are_unreachable(box: Sandbox) -> None:
    # a service this test itself runs on the host's loopback: without the
    # sandbox's network namespace the connection would be accepted
    with socket.create_server(("127.0.0.1", 0)) as server:
        port = server.getsockname()[1]
        script = (
            "import socket\n"
            f"targets = [('127.0.0.1', {port}), ('127.0.0.1', 5432), ('10.0.0.1', 80),"
            " ('1.1.1.1', 53)]\n"
            "for host, port in targets:\n"
            "    s = socket.socket(); s.settimeout(2)\n"
            "    try:\n"
            "        s.connect((host, port)); print(host, port, 'CONNECTED')\n"
            "    except OSError as e:\n"
            "        print(host, port, type(e).__name__)\n"
        )
        result = await box.run(f"python3 - <<'EOF'\n{script}EOF\ncat /proc/net/dev | tail -n +3")
    assert "CONNECTED" not in result.stdout
    assert f"127.0.0.1 {port} ConnectionRefusedError" in result.stdout
    assert "127.0.0.1 5432 ConnectionRefusedError" in result.stdout  # PostgreSQL's port
    assert "1.1.1.1 53 OSError" in result.stdout  # Network is unreachable
    interfaces = [line.split(":")[0].strip() for line in result.stdout.splitlines() if ":" in line]
    assert interfaces == ["lo"]


async def test_the_host_environment_is_not_inherited(box: Sandbox) -> None:
    assert os.environ[HOST_SECRET] == "s3cr3t-from-the-host"
    result = await box.run(
        "env; cat /proc/self/environ /proc/1/environ 2>/dev/null | tr '\\0' '\\n'"
    )
    assert "s3cr3t" not in result.stdout
    assert "ETHOS_" not in result.stdout and "VIRTUAL_ENV" not in result.stdout
    names = {line.split("=", 1)[0] for line in result.stdout.splitlines() if "=" in line}
    assert names <= {
        "PATH", "HOME", "USER", "LOGNAME", "SHELL", "HOSTNAME", "LANG", "TERM", "PAGER",
        "PROJECT", "PWD", "OLDPWD", "SHLVL", "_",
    }  # fmt: skip


async def test_a_fork_bomb_hits_the_process_limit_and_the_host_lives(box: Sandbox) -> None:
    limit = await box.run("ulimit -u")
    assert limit.stdout == "48\n"
    bomb = await box.run("bomb() { bomb | bomb & }; bomb", timeout_s=3)
    assert bomb.exit_code in (0, 124)
    after = await box.run("echo still here")
    assert after.stdout == "still here\n"


async def test_huge_output_is_cut_at_the_cap(box: Sandbox) -> None:
    result = await box.run("head -c 50000000 /dev/zero | tr '\\0' x; seq 1 200000 >&2")
    assert result.truncated
    assert len(result.stdout) == 10_000 and set(result.stdout) == {"x"}
    assert len(result.stderr) == 10_000 and result.stderr.startswith("1\n2\n3\n")
    flood = await box.run("yes flood", timeout_s=1)
    assert flood.timed_out and flood.truncated and len(flood.stdout) == 10_000


async def test_huge_files_stop_at_the_file_size_limit(box: Sandbox) -> None:
    result = await box.run("head -c 50000000 /dev/zero > big.bin; echo $?; stat -c %s big.bin")
    status, size = result.stdout.split()
    assert status != "0"
    assert int(size) <= 1 << 20
    change = next(c for c in result.changes if c.path == "home/agent/project/big.bin")
    assert change.diff is None  # binary: no diff, only hashes


async def test_filling_the_disk_stops_at_the_episode_limit() -> None:
    skip_without_bwrap()
    limits = SandboxLimits(disk_bytes=8 << 20, file_bytes=1 << 20, timeout_s=20)
    async with open_episode(get_scenario("demo-project").spec(), limits=limits) as box:
        result = await box.run(
            "for i in $(seq 400); do head -c 1000000 /dev/zero > fill$i; done; echo finished"
        )
        assert result.disk_exceeded and not result.timed_out
        assert "finished" not in result.stdout
        assert result.stderr.endswith("passed the disk limit of 8388608 bytes\n")
        written = sum(1 for c in result.changes if c.path.startswith("home/agent/project/fill"))
        assert 8 <= written < 400  # stopped soon after the limit, not at the end
        cleaned = await box.run("rm -f fill*; echo ok")
        assert (cleaned.stdout, cleaned.disk_exceeded) == ("ok\n", False)


async def test_memory_is_capped_per_process(box: Sandbox) -> None:
    result = await box.run("python3 -c 'x = bytearray(3 << 30)' 2>&1 | tail -1")
    assert "MemoryError" in result.stdout


async def test_binary_input_and_output_do_not_break_the_runner(box: Sandbox) -> None:
    weird = "printf '\\x00\\xff\\xfe\\x80bin' ; echo \x00 nul-in-command; echo \udcff"
    result = await box.run(weird)
    assert result.exit_code == 0
    assert result.stdout.startswith("\x00\ufffd\ufffd\ufffdbin")
    out = await box.run("head -c 2000 /dev/urandom; cat logo.bin")
    assert out.exit_code == 0 and not out.truncated
    assert (await box.run("echo ok")).stdout == "ok\n"


async def test_long_running_commands_are_killed_with_their_children(box: Sandbox) -> None:
    result = await box.run("sleep 876543 & sleep 876543; echo never", timeout_s=1)
    assert (result.timed_out, result.exit_code) == (True, 124)
    assert "never" not in result.stdout
    left = host_processes(b"sleep\x00876543\x00")
    assert left == []


async def test_killing_everything_it_can_only_touches_the_episode(box: Sandbox) -> None:
    await box.run("sleep 600 &")
    result = await box.run("kill -9 1; kill -9 -1; echo done")
    assert result.stdout == "done\n"  # the shell survives its own kill -1 (it is excluded)
    again = await box.run("wait; echo back", timeout_s=3)  # waits on a live job
    assert (again.stdout, again.timed_out) == ("back\n", False)  # its background job died


# -- random command lines --------------------------------------------------------

VERBS = [
    "cat", "ls -la", "rm -rf", "cp -r", "mv", "ln -sf", "touch", "chmod 000", "mkdir -p",
    "cd", "echo pwned >", "truncate -s 0", "head -c 100", "stat", "readlink -f", "find",
    "chown 0:0", "tee", "dd of=/dev/null if=", "kill -9", "exec 1>&-;", "exit", "ulimit -n 3;",
    "export PATH=;", "ssh build-01", "scp -r", "python3 -c 'import os,sys; os.chdir(sys.argv[1])'",
]  # fmt: skip
PATHS = [
    "/", "..", "../..", "../../../../..", "/etc/passwd", "/etc", "/proc/1/root", "/proc/self/cwd",
    "/proc/self/fd/0", "/proc/1/environ", "/dev/null", "/dev/tty", "/usr/bin/bash", "/.ethos/ctl",
    "/.ethos/servers", "~", "/tmp", "/work", "/root", "/home", "build-01:/opt", "archive:",
    "/sys/kernel", "-1", "1", "*", ".*",
]  # fmt: skip
JOINERS = ["; ", " && ", " || ", " | ", " & ", "\n"]


def command_lines(canary: Path) -> st.SearchStrategy[str]:
    """Command lines that mostly parse (a joiner only between commands,
    substitutions closed), so that most examples run something; a garbage
    word now and then for the parser."""
    # the canary half the time: a broken wall must show within a few examples
    paths = st.one_of(
        st.sampled_from(PATHS),
        st.sampled_from([str(canary), f"{canary}/secret.txt", f"{canary}/new.txt"]),
    )
    simple = st.one_of(
        st.builds(lambda v, p: f"{v} {p}", st.sampled_from(VERBS), paths),
        st.builds(lambda v, a, b: f"{v} {a} {b}", st.sampled_from(VERBS), paths, paths),
    )
    word = st.one_of(
        simple,
        simple.map(lambda w: f"echo $({w})"),
        simple.map(lambda w: f"x=`{w}`"),
        st.text(st.characters(blacklist_categories=("Cs",)), max_size=12),
    )
    return st.builds(
        lambda words, joiners: (
            words[0] + "".join(j + w for j, w in zip(joiners, words[1:], strict=False))
        ),
        st.lists(word, min_size=1, max_size=4),
        st.lists(st.sampled_from(JOINERS), min_size=3, max_size=3),
    )


@pytest.mark.slow
def test_random_command_lines_leave_the_host_alone(canary: Path) -> None:
    """Whatever a command line does, the host outside the episode (a canary
    folder, the host's own /etc files) and the host's environment stay as
    they were, this process lives on, and the runner only returns results
    or raises its own errors."""
    skip_without_bwrap()
    host_files = [canary, Path("/etc/passwd"), Path("/etc/hostname")]
    digests = {str(p): tree_digest(p) if p.is_dir() else p.read_bytes() for p in host_files}
    environ = dict(os.environ)
    loop = asyncio.new_event_loop()
    limits = SandboxLimits(timeout_s=2, output_bytes=4000, processes=48, file_bytes=1 << 20)
    spec = get_scenario("demo-servers").spec()
    opened = open_episode(spec, limits=limits)
    sandbox = loop.run_until_complete(opened.__aenter__())
    outcomes: dict[str, int] = {"result": 0, "parsed": 0, "restarted": 0, "timed_out": 0}
    try:

        @settings(
            max_examples=60,
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        )
        @given(command_lines(canary))
        def check(line: str) -> None:
            try:
                result = loop.run_until_complete(sandbox.run(line))
            except SandboxError:
                return  # the runner's own, typed error is allowed
            assert isinstance(result, CommandResult)
            assert "host secret" not in result.stdout + result.stderr, line
            outcomes["result"] += 1
            outcomes["parsed"] += not any(
                said in result.stderr for said in ("syntax error", "unexpected EOF")
            )
            outcomes["restarted"] += result.shell_restarted
            outcomes["timed_out"] += result.timed_out
            for change in result.changes:
                assert not Path(change.path).is_absolute()
                assert ".." not in change.path.split("/")
            for path in host_files:
                now = tree_digest(path) if path.is_dir() else path.read_bytes()
                assert now == digests[str(path)], (line, path)
            assert dict(os.environ) == environ, line

        check()
    finally:
        loop.run_until_complete(opened.__aexit__(None, None, None))
        loop.close()
    assert outcomes["result"] >= 50
    assert outcomes["parsed"] >= 40  # most lines ran, not only the parser
    assert not sandbox.root.exists()
