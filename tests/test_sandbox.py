"""The sandbox as suites and people use it: specs, scenarios, one shell per
episode, the files each command changed, servers through ssh/scp, and the
``ethos sandbox`` commands. The escape battery is in test_sandbox_escape.py."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import importlib
import io
import os
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from pydantic import ValidationError

from ethos.sandbox import (
    EpisodeSpec,
    FileSpec,
    SandboxClosed,
    SandboxLimits,
    SandboxUnavailable,
    ScenarioInvalid,
    ScenarioNotFound,
    get_scenario,
    open_episode,
    read_episode_file,
    register_scenario,
    scenarios,
)
from ethos.sandbox.protocol import Sandbox
from tests.support.sandbox import host_processes, skip_without_bwrap

# the module (ethos.sandbox.scenarios the function shadows it as an attribute)
registry = importlib.import_module("ethos.sandbox.scenarios")


@pytest.fixture
async def project() -> AsyncIterator[Sandbox]:
    skip_without_bwrap()
    async with open_episode(get_scenario("demo-project").spec()) as sandbox:
        yield sandbox


@pytest.fixture
async def servers() -> AsyncIterator[Sandbox]:
    skip_without_bwrap()
    async with open_episode(get_scenario("demo-servers").spec()) as sandbox:
        yield sandbox


# -- the spec ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("files", "says"),
    [
        ({"/etc/passwd": "x"}, "relative to the machine's root"),
        ({"home/agent/../../x": "x"}, "'..' components"),
        ({"usr/bin/evil": "x"}, "/usr is provided by the sandbox"),
        ({"etc/hosts": "x"}, "/etc is provided by the sandbox"),
        ({"home/a": "x", "home/a/b": "y"}, "its parent 'home/a' is also a file"),
        ({"home/x": FileSpec.model_construct(text=None, base64=None)}, "exactly one of"),
    ],
)
def test_a_bad_file_map_is_refused_naming_the_path(files: dict, says: str) -> None:
    with pytest.raises(ValidationError) as caught:
        EpisodeSpec.model_validate({"files": {k: _plain(v) for k, v in files.items()}})
    assert says in str(caught.value)
    assert "files" in str(caught.value)


def _plain(value: object) -> object:
    return value.__dict__ if isinstance(value, FileSpec) else value


def test_file_spec_needs_one_valid_content() -> None:
    with pytest.raises(ValidationError, match="exactly one of 'text' or 'base64'"):
        FileSpec(text="a", base64="YQ==")
    with pytest.raises(ValidationError, match="not valid base64"):
        FileSpec(base64="***")
    assert FileSpec(base64=base64.b64encode(b"\x00\xff").decode()).content() == b"\x00\xff"


def test_spec_fields_are_checked() -> None:
    with pytest.raises(ValidationError, match="not a login name"):
        EpisodeSpec(user="Root Admin")
    with pytest.raises(ValidationError, match="both the agent's host name and a server's"):
        EpisodeSpec(hostname="box", servers={"box": {}})
    with pytest.raises(ValidationError, match="server 'prod'"):
        EpisodeSpec(servers={"prod": {"/abs": "x"}})
    with pytest.raises(ValidationError, match="workdir is an absolute path"):
        EpisodeSpec(workdir="home/agent")
    with pytest.raises(ValidationError, match="extra"):
        EpisodeSpec.model_validate({"files": {}, "filez": {}})
    assert EpisodeSpec(user="ana").start_dir == "/home/ana"


# -- the registry --------------------------------------------------------------


def test_builtin_demo_scenarios_are_listed_with_descriptions() -> None:
    names = {s.name: s.description for s in scenarios()}
    assert {"demo-project", "demo-servers", "demo-settings"} <= set(names)
    assert "ssh and scp" in names["demo-servers"]


def test_an_unknown_scenario_names_the_closest_one() -> None:
    with pytest.raises(ScenarioNotFound, match="did you mean demo-project"):
        get_scenario("demo-projekt")


def test_a_name_is_taken_once_and_factories_are_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registry, "_registry", dict(registry._registry))
    register_scenario("test-one", EpisodeSpec, "an empty machine")
    register_scenario("test-one", EpisodeSpec, "same factory again is fine")
    with pytest.raises(ValueError, match="already registered"):
        register_scenario("test-one", lambda: EpisodeSpec(user="bo"), "another")
    register_scenario("test-bad", lambda: {"files": {}}, "returns a dict")  # type: ignore[arg-type, return-value]
    with pytest.raises(ScenarioInvalid, match="returned dict, not an EpisodeSpec"):
        get_scenario("test-bad").spec()
    register_scenario("test-raises", lambda: EpisodeSpec(files={"/x": "y"}), "invalid files")
    with pytest.raises(ScenarioInvalid, match=r"test-raises.*could not build its episode"):
        get_scenario("test-raises").spec()


def test_a_broken_entry_point_is_reported_and_the_others_still_load(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import importlib.metadata

    class Point:
        def __init__(self, name: str, value: object) -> None:
            self.name, self.value, self._value = name, f"tests:{name}", value

        def load(self) -> object:
            if isinstance(self._value, Exception):
                raise self._value
            return self._value

    made = registry.Scenario("plugin-ok", EpisodeSpec, "from a plug-in")
    points = [Point("broken", ImportError("no module named nowhere")), Point("ok", lambda: [made])]
    monkeypatch.setattr(importlib.metadata, "entry_points", lambda group: points)
    monkeypatch.setattr(registry, "_registry", {})
    monkeypatch.setattr(registry, "_discovered", False)
    monkeypatch.setattr(registry, "_discovery_errors", [])
    names = [s.name for s in scenarios()]
    assert "plugin-ok" in names and "demo-project" in names
    assert registry.discovery_errors() == [
        "broken (tests:broken): ImportError: no module named nowhere"
    ]


# -- one shell per episode -----------------------------------------------------


async def test_the_shell_keeps_its_directory_and_variables(project: Sandbox) -> None:
    first = await project.run("cd out && COUNT=3 && export REGION=north")
    assert (first.exit_code, first.stdout, first.stderr) == (0, "", "")
    second = await project.run('pwd; echo "$COUNT $REGION $PROJECT"; echo oops >&2; false')
    assert second.stdout == "/home/agent/project/out\n3 north water-readings\n"
    assert second.stderr == "oops\n"
    assert second.exit_code == 1


async def test_scenario_files_are_there_with_their_bits(project: Sandbox) -> None:
    result = await project.run(
        "./report.py; test -x report.py && echo exec; od -An -tx1 -N4 logo.bin"
    )
    assert result.stdout == (
        "hill-tank\t75.0\nnorth-well\t810.5\nriver-intake\t2398.0\nexec\n 00 01 02 03\n"
    )
    assert isinstance(project, Sandbox)  # the backend keeps the protocol suites code against
    listing = await project.run("ls -ld out; id -un; hostname")
    assert listing.stdout.split()[-2:] == ["agent", "workstation"]


async def test_output_without_a_final_newline_is_kept_exactly(project: Sandbox) -> None:
    result = await project.run("printf 'a\\nb'; printf 'no newline' >&2")
    assert (result.stdout, result.stderr) == ("a\nb", "no newline")


async def test_changes_carry_hashes_and_diffs(project: Sandbox) -> None:
    result = await project.run(
        "sed -i 's/412.5/999.0/' readings.csv && echo hello > out/new.txt && rm ../notes.md"
        " && printf '\\x00\\x01' > blob.bin && ln -s /etc/passwd link"
    )
    changes = {c.path: c for c in result.changes}
    assert set(changes) == {
        "home/agent/project/readings.csv",
        "home/agent/project/out/new.txt",
        "home/agent/notes.md",
        "home/agent/project/blob.bin",
        "home/agent/project/link",
    }
    edited = changes["home/agent/project/readings.csv"]
    assert edited.kind == "modified"
    assert "-north-well,2026-03-01,412.5\n+north-well,2026-03-01,999.0\n" in (edited.diff or "")
    on_disk = (project.root / "home/agent/project/readings.csv").read_bytes()
    assert edited.after_sha256 == hashlib.sha256(on_disk).hexdigest()
    assert changes["home/agent/project/out/new.txt"].diff == (
        "--- /dev/null\n+++ b/home/agent/project/out/new.txt\n@@ -0,0 +1 @@\n+hello\n"
    )
    removed = changes["home/agent/notes.md"]
    assert (removed.kind, removed.after_sha256) == ("removed", None)
    assert changes["home/agent/project/blob.bin"].diff is None  # binary: hashes only
    assert changes["home/agent/project/link"].kind == "added"
    # nothing changed, nothing reported
    assert (await project.run("cat readings.csv > /dev/null")).changes == ()


async def test_snapshot_matches_the_files_on_disk(project: Sandbox) -> None:
    snap = project.snapshot()
    path = "home/agent/project/readings.csv"
    assert snap[path] == hashlib.sha256((project.root / path).read_bytes()).hexdigest()
    assert "home/agent/project/report.py" in snap


async def test_reading_a_final_state_never_follows_the_agents_links(project: Sandbox) -> None:
    outside = Path(os.environ["ETHOS_DATA_DIR"]).parent / "host-secret.txt"
    outside.write_text("host secret\n")
    await project.run(f"ln -sf {outside} readings.csv && mkdir -p d && ln -s / d/up")
    assert read_episode_file(project.root, "home/agent/project/readings.csv") is None
    assert read_episode_file(project.root, "home/agent/project/d/up/etc/passwd") is None
    assert read_episode_file(project.root, "home/agent/notes.md") == (
        b"# Water readings\n\nRun ./report.py in ~/project for totals.\n"
    )
    with pytest.raises(ValueError, match="not a path relative"):
        read_episode_file(project.root, "home/../../etc/passwd")


async def test_exit_ends_the_shell_and_the_next_command_gets_a_fresh_one(project: Sandbox) -> None:
    await project.run("cd /tmp; KEEP=1")
    ended = await project.run("echo bye; exit 7")
    assert (ended.stdout, ended.exit_code) == ("bye\n", 7)
    fresh = await project.run('pwd; echo "[$KEEP]"')
    assert fresh.shell_restarted
    assert fresh.stdout == "/home/agent/project\n[]\n"


async def test_a_timed_out_command_is_killed_and_the_shell_lives_on(project: Sandbox) -> None:
    await project.run("STATE=kept")
    result = await project.run("echo started; sleep 60; echo never", timeout_s=1)
    assert result.timed_out and result.exit_code == 124
    assert result.stdout == "started\n"
    after = await project.run('echo "$STATE"')
    assert (after.stdout, after.shell_restarted) == ("kept\n", False)


async def test_a_busy_loop_in_the_shell_itself_is_stopped_at_the_timeout(project: Sandbox) -> None:
    await project.run("STATE=kept")
    result = await project.run("while :; do :; done; echo never", timeout_s=1)
    assert (result.timed_out, result.exit_code, result.stdout) == (True, 124, "")
    after = await project.run('echo "$STATE"')
    assert (after.stdout, after.shell_restarted) == ("kept\n", False)


async def test_a_shell_that_ignores_the_stop_is_replaced(project: Sandbox) -> None:
    result = await project.run("trap '' USR1; while :; do :; done", timeout_s=1)
    assert result.timed_out and result.exit_code == 124
    after = await project.run("echo alive")
    assert (after.stdout, after.shell_restarted) == ("alive\n", True)


async def test_a_cancelled_command_leaves_a_working_episode(project: Sandbox) -> None:
    import asyncio

    running = asyncio.ensure_future(project.run("touch started; sleep 30; echo late"))
    started = project.root / "home/agent/project/started"
    for _ in range(3000):  # until the command is running (it makes the file first)
        if started.exists():
            break
        await asyncio.sleep(0.01)
    running.cancel()
    with pytest.raises(asyncio.CancelledError):
        await running
    after = await project.run("echo next")
    assert (after.stdout, after.stderr, after.shell_restarted) == ("next\n", "", True)


async def test_a_command_that_reads_stdin_gets_end_of_file(project: Sandbox) -> None:
    result = await project.run('cat; read line; echo "read:$?"')
    assert (result.stdout, result.timed_out) == ("read:1\n", False)


async def test_close_kills_everything_and_removes_the_episode() -> None:
    skip_without_bwrap()
    async with open_episode(EpisodeSpec()) as sandbox:
        await sandbox.run("(sleep 987654 &) ; nohup sleep 987654 >/dev/null 2>&1 &")
        root = sandbox.root
    assert not root.exists()
    assert not host_processes(b"sleep\x00987654\x00")
    with pytest.raises(SandboxClosed, match="closed"):
        await sandbox.run("true")


async def test_episodes_are_independent() -> None:
    skip_without_bwrap()
    spec = EpisodeSpec(files={"home/agent/n.txt": "0\n"})
    async with open_episode(spec) as one, open_episode(spec) as two:
        await one.run("echo 1 > n.txt")
        assert (await two.run("cat n.txt")).stdout == "0\n"
        assert one.root != two.root


# -- other machines ------------------------------------------------------------


async def test_scp_copies_to_and_from_a_server(servers: Sandbox) -> None:
    sent = await servers.run("scp export/summary.txt archive:weekly/")
    assert sent.exit_code == 0, sent.stderr
    assert [c.path for c in sent.changes] == ["servers/archive/home/agent/weekly/summary.txt"]
    fetched = await servers.run("scp build-01:/opt/builds/latest.txt . && cat latest.txt")
    assert fetched.stdout == "build 5521 passed\n"
    assert [c.path for c in fetched.changes] == ["home/agent/latest.txt"]
    for _ in range(20):  # its error, every time, with this command, not the next one
        missing = await servers.run("scp archive:/no/such.txt .")
        assert missing.exit_code == 1
        assert missing.stderr == (
            "cp: cannot stat 'archive:/no/such.txt': No such file or directory\n"
        )


async def test_ssh_runs_in_the_servers_own_file_system(servers: Sandbox) -> None:
    result = await servers.run(
        "ssh agent@build-01 'hostname; pwd; cat /opt/builds/latest.txt; ls ~'"
    )
    assert result.stdout == "build-01\n/home/agent\nbuild 5521 passed\n"
    wrote = await servers.run("ssh build-01 'echo deployed > /opt/builds/flag'")
    assert [c.path for c in wrote.changes] == ["servers/build-01/opt/builds/flag"]
    alone = await servers.run("ssh archive cat /home/agent/README")
    assert alone.exit_code == 1 and "No such file" in alone.stderr


async def test_an_unknown_host_fails_as_ssh_does(servers: Sandbox) -> None:
    for command in ("ssh prod-db uptime", "scp x prod-db:/tmp/"):
        result = await servers.run(command)
        assert result.exit_code == 255
        assert "Could not resolve hostname prod-db" in result.stderr


# -- when bwrap is missing -------------------------------------------------------


async def test_without_bwrap_opening_names_the_package(monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(SandboxUnavailable, match="apt-get install bubblewrap"):
        async with open_episode(EpisodeSpec()):
            pass


# -- the command line ----------------------------------------------------------


def cli(args: list[str]) -> tuple[int, str, str]:
    from ethos.cli.app import main

    out, err = io.StringIO(), io.StringIO()
    code: object = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main(args)
        except SystemExit as exc:
            code = exc.code
    return (code if isinstance(code, int) else 0), out.getvalue(), err.getvalue()


def test_cli_lists_scenarios_name_first() -> None:
    code, out, _ = cli(["sandbox", "scenarios"])
    assert code == 0
    lines = {line.split()[0]: line for line in out.splitlines()}
    assert "ssh and scp" in lines["demo-servers"]


def test_cli_exec_prints_output_and_changed_files() -> None:
    skip_without_bwrap()
    code, out, err = cli(
        ["sandbox", "exec", "demo-settings", "--", "sed -i", "'s/enabled: true/enabled: false/'",
         "/opt/route-helper/settings.yaml; echo edited"]
    )  # fmt: skip
    assert code == 0, err
    assert out.startswith("edited\n--- exit 0; ")
    assert "1 file changed\nmodified  opt/route-helper/settings.yaml\n" in out
    assert "-  enabled: true\n+  enabled: false\n" in out


def test_cli_exec_exits_with_the_commands_status() -> None:
    skip_without_bwrap()
    code, out, _ = cli(["sandbox", "exec", "demo-project", "--", "exit", "5"])
    assert code == 5
    assert "--- exit 5;" in out


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["sandbox", "exec", "no-such", "--", "ls"], "no sandbox scenario is called 'no-such'"),
        (["sandbox", "shell", "demo-projekt"], "did you mean demo-project?"),
        (["sandbox", "exec", "demo-project"], "Missing argument 'command'"),
    ],
)
def test_cli_misuse_is_one_line_exit_2(args: list[str], says: str) -> None:
    code, _, err = cli(args)
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("error: ")
    assert says in err


def test_cli_without_bwrap_is_one_line_naming_the_package(monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    monkeypatch.setattr(shutil, "which", lambda name: None)
    code, _, err = cli(["sandbox", "exec", "demo-project", "--", "ls"])
    assert code == 2
    assert err.count("\n") == 1 and "bubblewrap" in err


def test_limits_are_validated() -> None:
    with pytest.raises(ValidationError, match="greater than 0"):
        SandboxLimits(timeout_s=0)
    with pytest.raises(ValidationError, match="greater than or equal to 8"):
        SandboxLimits(processes=2)


def test_episodes_of_dead_processes_are_removed_and_live_ones_kept(tmp_path: Path) -> None:
    from ethos.sandbox.bwrap import _process_identity, remove_orphaned_episodes

    dead, live, stranger = (tmp_path / f"ethos-episode-{n}" for n in ("dead", "live", "x"))
    for folder in (dead, live, stranger):
        (folder / "root").mkdir(parents=True)
    (dead / "owner").write_text(f"{os.getpid()} 1")  # this pid, but another start time
    (live / "owner").write_text(_process_identity(os.getpid()) or "")
    (tmp_path / "other-dir").mkdir()
    assert remove_orphaned_episodes(tmp_path) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "ethos-episode-live", "ethos-episode-x", "other-dir",
    ]  # fmt: skip


def test_a_live_episode_is_kept_when_its_owner_cannot_be_looked_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Out of file descriptors, /proc cannot be read: that is not "gone"."""
    import builtins
    import errno

    from ethos.sandbox.bwrap import _process_identity, remove_orphaned_episodes

    live = tmp_path / "ethos-episode-live"
    (live / "root").mkdir(parents=True)
    (live / "owner").write_text(_process_identity(os.getpid()) or "")
    real_open = builtins.open

    def no_descriptors(file, *args, **kwargs):  # type: ignore[no-untyped-def]
        if str(file).startswith("/proc/"):
            raise OSError(errno.EMFILE, "Too many open files")
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", no_descriptors)
    assert remove_orphaned_episodes(tmp_path) == 0
    monkeypatch.undo()
    assert (live / "root").is_dir()


def _ethos_shell(**streams: object) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "ethos", "sandbox", "shell", "demo-project"],
        env={**os.environ, "COLUMNS": "200"},
        **streams,  # type: ignore[arg-type]
    )


@pytest.mark.slow
def test_cli_shell_is_an_interactive_bash_in_a_fresh_episode() -> None:
    skip_without_bwrap()
    proc = _ethos_shell(stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = proc.communicate(b'pwd; N=6; echo "answer $((N * 7))"; exit 4\n', timeout=120)
    assert proc.returncode == 4
    assert out.decode() == "/home/agent/project\nanswer 42\n"
    assert "episode of demo-project in " in err.decode()
    episode = err.decode().split("episode of demo-project in ", 1)[1].split(" ", 1)[0]
    assert not Path(episode).exists()  # removed when the shell exited


@pytest.mark.slow
def test_cli_shell_on_a_terminal_cannot_push_keystrokes_to_it() -> None:
    """TIOCSTI would type into the user's shell after the sandbox exits; the
    sandbox runs in a session of its own, so the kernel refuses it."""
    import fcntl
    import select
    import termios

    skip_without_bwrap()
    controller, terminal = os.openpty()

    def own_terminal() -> None:
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    proc = subprocess.Popen(
        [sys.executable, "-m", "ethos", "sandbox", "shell", "demo-project"],
        stdin=terminal,
        stdout=terminal,
        stderr=terminal,
        start_new_session=True,
        preexec_fn=own_terminal,  # the test needs a controlling terminal
    )
    os.close(terminal)
    inject = (
        "python3 -c \"import fcntl, termios; fcntl.ioctl(0, termios.TIOCSTI, b'X')\""
        " 2>&1 | tail -1; exit\n"
    )
    os.write(controller, inject.encode())
    seen = b""
    while True:
        ready, _, _ = select.select([controller], [], [], 120)
        if not ready:
            break
        try:
            chunk = os.read(controller, 4096)
        except OSError:  # the terminal closed: everyone exited
            break
        if not chunk:
            break
        seen += chunk
    proc.wait(timeout=60)
    assert b"PermissionError: [Errno 1] Operation not permitted" in seen


@pytest.fixture
def refusing_bwrap(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A bwrap that the kernel refuses, as on a host without user namespaces
    (in a folder the sandbox's user, nobody when tests run as root, can reach)."""
    import shutil
    import tempfile

    from ethos.sandbox.bwrap import episode_parent

    folder = Path(tempfile.mkdtemp(prefix="ethos-test-bwrap-", dir=episode_parent()))
    folder.chmod(0o755)
    fake = folder / "bwrap"
    fake.write_text(
        "#!/bin/sh\necho 'bwrap: No permissions to create a new namespace' >&2\nexit 1\n"
    )
    fake.chmod(0o755)
    monkeypatch.setattr(shutil, "which", lambda name: str(fake) if name == "bwrap" else None)
    try:
        yield str(fake)
    finally:
        shutil.rmtree(folder)


async def test_a_kernel_that_refuses_bwrap_is_named_with_the_fix(refusing_bwrap: str) -> None:
    from ethos.sandbox import sandbox_unavailable_reason

    reason = sandbox_unavailable_reason()
    assert reason == (
        "bwrap could not start a sandbox: bwrap: No permissions to create a new namespace; "
        "bwrap needs unprivileged user namespaces (sysctl user.max_user_namespaces > 0 and "
        "kernel.apparmor_restrict_unprivileged_userns=0 where AppArmor restricts them)"
    )
    with pytest.raises(SandboxUnavailable, match="No permissions to create a new namespace"):
        async with open_episode(EpisodeSpec()):
            pass
    code, _, err = cli(["sandbox", "exec", "demo-project", "--", "ls"])
    assert code == 2 and err.count("\n") == 1 and "user namespaces" in err


def test_removing_an_episode_never_touches_the_folder_holding_it(tmp_path: Path) -> None:
    from ethos.sandbox.bwrap import _remove_tree

    holder = tmp_path / "holder"
    base = holder / "ethos-episode-x"
    (base / "root/locked/deep").mkdir(parents=True)
    (base / "root/locked/deep/file").write_text("x")
    (base / "root/locked").chmod(0)
    holder.chmod(0o1777)
    _remove_tree(base)
    _remove_tree(holder / "ethos-episode-missing")  # gone already: nothing to widen
    assert not base.exists()
    assert oct(holder.stat().st_mode & 0o7777) == oct(0o1777)


@pytest.mark.parametrize("moment", ["after its parent is listed", "after it is listed"])
def test_scanning_never_reads_through_a_directory_swapped_for_a_link(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, moment: str
) -> None:
    """A command's background job can swap a directory for a link to a host
    folder at any moment, while the host (root, or the user) scans the
    episode after each command: the change list and the disk count must never
    read the host's files through that link. The swap happens here at the
    worst moment of the walk, once."""
    from ethos.sandbox import bwrap

    root = tmp_path / "root"
    (root / "home/d").mkdir(parents=True)
    (root / "home/d/secret.txt").write_text("inside\n")
    host = tmp_path / "host"
    host.mkdir()
    (host / "secret.txt").write_text("host secret\n")
    (host / "big.bin").write_bytes(b"x" * (4 << 20))
    target = root / ("home" if moment == "after its parent is listed" else "home/d")
    real_scandir = os.scandir
    swaps: list[str] = []

    def swapping_scandir(path):  # type: ignore[no-untyped-def]
        where = os.readlink(f"/proc/self/fd/{path}") if isinstance(path, int) else os.fspath(path)
        with real_scandir(path) as listing:
            items = list(listing)
        for item in items:
            item.stat(follow_symlinks=False)  # the walk has seen each entry's type
        if Path(where) == target and (root / "home/d").is_dir() and not swaps:
            (root / "home/d").rename(root / "home/d.old")
            (root / "home/d").symlink_to(host)
            swaps.append(where)
        return contextlib.nullcontext(iter(items))

    monkeypatch.setattr(os, "scandir", swapping_scandir)
    entries = bwrap._Tree(root, 64_000).scan()
    assert swaps
    leaked = hashlib.sha256(b"host secret\n").hexdigest()
    assert all(b"host secret" not in (entry.content or b"") for entry in entries.values())
    assert all(entry.sha256 != leaked for entry in entries.values())
    # the disk watch walks the same way: the host's 4 MiB file is not the episode's
    (root / "home/d").unlink()
    (root / "home/d.old").rename(root / "home/d")
    swaps.clear()
    assert bwrap._bytes_used(root) < 1 << 20
    assert swaps


@pytest.mark.skipif(os.geteuid() != 0, reason="only root hands the sandbox to nobody")
def test_a_sandbox_dir_nobody_can_reach_is_named_with_the_fix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As root the sandbox runs as nobody: an ETHOS_SANDBOX_DIR under a
    closed folder (pytest's tmp_path is 0700) is refused naming the variable,
    not blamed on user namespaces."""
    skip_without_bwrap()
    tmp_path.chmod(0o700)
    monkeypatch.setenv("ETHOS_SANDBOX_DIR", str(tmp_path / "episodes"))
    code, _, err = cli(["sandbox", "exec", "demo-project", "--", "echo", "hi"])
    assert code == 2 and err.count("\n") == 1
    assert f"ETHOS_SANDBOX_DIR={tmp_path / 'episodes'}" in err
    assert "user namespaces" not in err


REAPER_SCRIPT = """
import asyncio, ctypes, os
from ethos.sandbox import EpisodeSpec, open_episode

ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER: orphans come to us, unreaped

async def main():
    for _ in range(3):
        async with open_episode(EpisodeSpec()) as box:
            await box.run("sleep 600 &")
            try:  # a command cancelled mid-run: its shell is abandoned, then replaced
                await asyncio.wait_for(box.run("sleep 600"), 0.5)
            except asyncio.TimeoutError:
                pass
            assert (await box.run("echo next")).shell_restarted

asyncio.run(main())
left = []
for name in os.listdir("/proc"):
    try:
        with open(f"/proc/{name}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        continue
    if int(fields[1]) == os.getpid():
        left.append(f"{name} {fields[0]}")
print(len(left), left)
"""


def test_closing_leaves_no_orphan_for_the_hosts_init_to_reap() -> None:
    """In a container whose PID 1 never reaps (``docker run`` without
    ``--init``, ethos itself as PID 1), every orphan of an episode would stay a
    zombie: closing must end the sandbox's own init first, so bwrap reaps it."""
    skip_without_bwrap()
    done = subprocess.run(
        [sys.executable, "-c", REAPER_SCRIPT], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "0 []"
