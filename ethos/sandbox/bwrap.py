"""The bubblewrap backend: one long-lived bash per episode in a Linux sandbox.

How a command runs. ``bwrap`` starts ``prlimit ... bash`` once per episode
with its stdin, stdout and stderr on pipes. For each command the host writes
the command text to a read-only control file and sends the shell one line::

    . /.ethos/ctl/c7 </dev/null; builtin printf '\\n<token>:%d\\n' $?;
    builtin printf '\\n<token>\\n' >&2

Sourcing (not a subshell) keeps ``cd`` and variables for the next command;
the random per-command token ends each stream, so output is read until the
token without guessing. Output beyond the cap is read and dropped (the
command is never blocked on a full pipe). At the timeout the host sends the
shell SIGUSR1 (its trap returns from the sourced command, ending a builtin
loop too) and kills the shell's children; the shell and its state live on.
If the shell ignores that, exited (``exit``) or was abandoned mid-command
(a cancelled ``run``), the next command gets a fresh shell (working
directory and variables reset; ``CommandResult.shell_restarted`` says so).

The host reads the episode's tree (the change list, the disk watch) with
directory fds and ``O_NOFOLLOW`` at every component: the agent's background
jobs can swap a directory for a link to a host path at any moment.

Nothing in ``run``, ``create`` or ``close`` blocks the event loop: the
processes are asyncio subprocesses and file work runs on a worker thread
(:meth:`BwrapSandbox.snapshot` is synchronous, as the protocol says).
"""

from __future__ import annotations

import asyncio
import contextlib
import difflib
import functools
import hashlib
import os
import secrets
import shutil
import signal
import stat
import subprocess
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ethos.sandbox.errors import SandboxClosed, SandboxError, SandboxUnavailable
from ethos.sandbox.protocol import CommandResult, FileChange
from ethos.sandbox.shims import scp_script, ssh_script
from ethos.sandbox.spec import EpisodeSpec, FileMap, FileSpec, SandboxLimits

#: The user id the agent has inside the sandbox (its files show this owner).
SANDBOX_UID = 1000
#: Host user the sandbox runs as when ethos runs as root: the kernel does not
#: enforce the process limit on host root, so root hands the episode to nobody.
NOBODY = 65534
PATH = "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin"
_INSTALL_FIX = (
    "install the Debian package bubblewrap (apt-get install bubblewrap), "
    "or your distribution's bubblewrap package"
)
_RESTART_GRACE_S = 2.0
_KILL_WAIT_S = 2.0  # how long a timed-out command's killed processes may take to end
_DISK_POLL_S = 0.25


_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC


def _open_beneath(root: Path, rel: str) -> int:
    """An fd of directory ``rel`` under ``root``, opened one component at a
    time without following links: a command's background job can swap any
    directory for a link to a host path at any moment, and the host (root,
    or the user) must never walk through it. OSError where a component is
    not a directory any more."""
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        for part in rel.split("/") if rel else ():
            inner = os.open(part, _DIR_FLAGS, dir_fd=fd)
            os.close(fd)
            fd = inner
    except BaseException:
        os.close(fd)
        raise
    return fd


def _walk(root: Path) -> Iterator[tuple[str, int, list[tuple[str, os.stat_result]]]]:
    """Every directory under ``root``, links never followed (even one swapped
    in mid-walk): its path relative to ``root``, an fd open on it while the
    caller looks (open files relative to it, never by path) and its entries'
    names with their lstat. Directories that vanish or turn into something
    else are passed over."""
    pending = [""]
    while pending:
        rel_dir = pending.pop()
        try:
            fd = _open_beneath(root, rel_dir)
        except OSError:
            continue
        try:
            try:
                with os.scandir(fd) as listing:
                    items = list(listing)
            except OSError:
                continue
            found: list[tuple[str, os.stat_result]] = []
            for item in items:
                try:
                    info = item.stat(follow_symlinks=False)  # fstatat on fd: no path walk
                except OSError:
                    continue
                if stat.S_ISDIR(info.st_mode):
                    pending.append(f"{rel_dir}/{item.name}" if rel_dir else item.name)
                found.append((item.name, info))
            yield rel_dir, fd, found
        finally:
            os.close(fd)


def _bytes_used(root: Path) -> int:
    """Disk blocks of everything under ``root`` in bytes (links not followed)."""
    return sum(info.st_blocks * 512 for _, _, items in _walk(root) for _, info in items)


def bwrap_binary() -> str:
    """The path of ``bwrap``, or :class:`SandboxUnavailable` naming the package."""
    found = shutil.which("bwrap")
    if found is None:
        raise SandboxUnavailable("bwrap (bubblewrap) is not installed", _INSTALL_FIX)
    return found


_USERNS_FIX = (
    "bwrap needs unprivileged user namespaces (sysctl user.max_user_namespaces > 0 "
    "and kernel.apparmor_restrict_unprivileged_userns=0 where AppArmor restricts them)"
)


def probe() -> str | None:
    """None when a sandbox can start here, else why not, in one line: bwrap
    missing (looked up each call), or refused by the kernel (a throwaway
    sandbox, started once per process and bwrap path, synchronously: for the
    CLI and test headers, not for an event loop)."""
    try:
        binary = bwrap_binary()
    except SandboxUnavailable as exc:
        return str(exc)
    return _probe_start(binary)


@functools.cache
def _probe_start(binary: str) -> str | None:
    user = {"user": NOBODY, "group": NOBODY, "extra_groups": []} if os.geteuid() == 0 else {}
    try:
        done = subprocess.run(
            [binary, *system_binds(), "--unshare-all", "--die-with-parent", "/usr/bin/true"],
            capture_output=True,
            text=True,
            timeout=30,
            env={"PATH": "/usr/bin:/bin"},
            **user,  # type: ignore[arg-type]
        )
    except (OSError, subprocess.SubprocessError) as exc:
        return f"bwrap could not be run: {exc}; {_USERNS_FIX}"
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines()
        said = lines[-1] if lines else f"exit status {done.returncode}"
        return f"bwrap could not start a sandbox: {said}; {_USERNS_FIX}"
    return None


def system_binds() -> list[str]:
    """bwrap arguments for the host's system, read-only: ``/usr`` and the
    top-level ``bin``/``lib``/``sbin`` entries (symlinks on merged-/usr systems)."""
    args = ["--ro-bind", "/usr", "/usr"]
    for name in ("bin", "sbin", "lib", "lib32", "lib64", "libx32"):
        host = Path("/") / name
        if host.is_symlink():
            args += ["--symlink", os.readlink(host), f"/{name}"]
        elif host.is_dir():
            args += ["--ro-bind", str(host), f"/{name}"]
    return args


def _others_can_enter(path: Path) -> bool:
    """Whether a user other than the owner can traverse every directory to ``path``."""
    path = path.resolve()
    for step in (path, *path.parents):
        try:
            if not os.stat(step).st_mode & stat.S_IXOTH:
                return False
        except OSError:
            return False
    return True


def episode_parent() -> str:
    """Where episode directories go: ``ETHOS_SANDBOX_DIR``, else the temp
    directory. As root the sandbox runs as ``nobody``, which must be able to
    reach the episode, so a temp directory closed to others (mode 0700) is
    passed over for /var/tmp or /dev/shm."""
    chosen = os.environ.get("ETHOS_SANDBOX_DIR")
    if chosen:
        Path(chosen).mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0 and not _others_can_enter(Path(chosen)):
            raise SandboxUnavailable(
                f"ETHOS_SANDBOX_DIR={chosen} is closed to the sandbox's user (nobody, "
                "since ethos runs as root)",
                "choose a directory whose parents others may enter (mode o+x), e.g. /var/tmp",
            )
        return chosen
    default = tempfile.gettempdir()
    if os.geteuid() != 0 or _others_can_enter(Path(default)):
        return default
    for candidate in ("/var/tmp", "/dev/shm"):
        if _others_can_enter(Path(candidate)):
            return candidate
    raise SandboxUnavailable(
        f"no directory the sandbox's user (nobody) can reach: {default} is closed to others",
        "set ETHOS_SANDBOX_DIR to a directory whose parents others may enter (mode o+x)",
    )


_OWNER = "owner"


def _process_identity(pid: int) -> str | None:
    """``pid`` and its start time: a pid reused by another process differs."""
    try:
        return _read_identity(pid)
    except OSError:
        return None


def _read_identity(pid: int) -> str | None:
    """As :func:`_process_identity`, but an OSError other than the process
    being gone (no such /proc entry: None) propagates, so that a caller can
    tell "gone" from "could not look" (out of file descriptors)."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return None
    return f"{pid} {fields[19]}"  # field 22 of stat: start time in clock ticks


def remove_orphaned_episodes(parent: Path) -> int:
    """Remove episode directories whose process is gone (killed before it
    could close them); another live process's episodes are left alone.
    Returns how many were removed."""
    removed = 0
    try:
        candidates = [p for p in parent.iterdir() if p.name.startswith("ethos-episode-")]
    except OSError:
        return 0
    for base in candidates:
        try:
            info = base.lstat()
        except OSError:
            continue
        if info.st_uid != os.geteuid():
            continue
        try:
            owner = (base / _OWNER).read_text()
        except FileNotFoundError:  # no owner: being created, or left half-made long ago
            if time.time() - info.st_mtime > 600:
                _remove_tree(base)
                removed += 1
            continue
        except OSError:
            continue
        pid = owner.split(" ", 1)[0]
        try:
            alive = pid.isdigit() and _read_identity(int(pid)) == owner
        except OSError:  # could not look (out of file descriptors): never guess "gone"
            continue
        if not alive:
            _remove_tree(base)
            removed += 1
    return removed


@dataclass
class _Entry:
    key: tuple[int, int, int, int]  # inode, size, mtime_ns, ctime_ns
    sha256: str
    content: bytes | None  # kept for diffs while small


class _Tree:
    """sha256 of every file under a root, re-hashing only files whose
    inode, size or times moved. Symlinks are never followed: a link is
    hashed by its target text, so a link swapped in for a file shows."""

    def __init__(self, root: Path, keep_bytes: int) -> None:
        self.root = root
        self.keep_bytes = keep_bytes
        self.entries: dict[str, _Entry] = {}

    def scan(self) -> dict[str, _Entry]:
        found: dict[str, _Entry] = {}
        for rel_dir, dir_fd, items in _walk(self.root):
            for name, info in items:
                if not (stat.S_ISREG(info.st_mode) or stat.S_ISLNK(info.st_mode)):
                    continue
                rel = f"{rel_dir}/{name}" if rel_dir else name
                key = (info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)
                old = self.entries.get(rel)
                if old is not None and old.key == key:
                    found[rel] = old
                else:
                    found[rel] = self._hash(dir_fd, name, key, info)
        self.entries = found
        return found

    def _hash(
        self, dir_fd: int, name: str, key: tuple[int, int, int, int], info: os.stat_result
    ) -> _Entry:
        if stat.S_ISLNK(info.st_mode):
            try:
                target = os.readlink(name, dir_fd=dir_fd)
            except OSError:
                target = "?"
            data = f"symlink -> {target}\n".encode(errors="surrogateescape")
            return _Entry(key, hashlib.sha256(data).hexdigest(), data)
        digest = hashlib.sha256()
        kept = bytearray()
        try:
            fd = os.open(
                name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, dir_fd=dir_fd
            )
        except OSError:
            return _Entry(key, "unreadable", None)
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return _Entry(key, "unreadable", None)
            while chunk := os.read(fd, 1 << 20):
                digest.update(chunk)
                if len(kept) <= self.keep_bytes:
                    kept += chunk
        except OSError:
            return _Entry(key, "unreadable", None)
        finally:
            os.close(fd)
        return _Entry(
            key, digest.hexdigest(), bytes(kept) if len(kept) <= self.keep_bytes else None
        )


def _text(data: bytes | None) -> str | None:
    if data is None or b"\x00" in data:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _diff(path: str, before: bytes | None, after: bytes | None, cap: int) -> str | None:
    old = "" if before is None else _text(before)
    new = "" if after is None else _text(after)
    if old is None or new is None:
        return None
    lines = difflib.unified_diff(
        old.splitlines(keepends=True),
        new.splitlines(keepends=True),
        fromfile="/dev/null" if before is None else f"a/{path}",
        tofile="/dev/null" if after is None else f"b/{path}",
    )
    text = "".join(
        line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines
    )
    if len(text) > cap:
        text = text[:cap] + f"\n[diff cut at {cap} characters]\n"
    return text


def compare(
    before: dict[str, _Entry], after: dict[str, _Entry], diff_cap: int
) -> tuple[FileChange, ...]:
    """The files added, removed and modified between two scans, by path."""
    changes: list[FileChange] = []
    for path in sorted(before.keys() | after.keys()):
        old, new = before.get(path), after.get(path)
        if old is not None and new is not None and old.sha256 == new.sha256:
            continue
        kind = "added" if old is None else "removed" if new is None else "modified"
        changes.append(
            FileChange(
                path=path,
                kind=kind,
                before_sha256=old.sha256 if old else None,
                after_sha256=new.sha256 if new else None,
                diff=_diff(
                    path,
                    old.content if old else None,
                    new.content if new else None,
                    diff_cap,
                )
                if (old is None or old.content is not None)
                and (new is None or new.content is not None)
                else None,
            )
        )
    return tuple(changes)


def _write_files(root: Path, files: FileMap) -> None:
    for rel, spec in files.items():
        file = spec if isinstance(spec, FileSpec) else FileSpec(text=spec)
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(file.content())
        path.chmod(0o755 if file.executable else 0o644)


def _passwd(user: str) -> str:
    return (
        "root:x:0:0:root:/root:/usr/sbin/nologin\n"
        f"{user}:x:{SANDBOX_UID}:{SANDBOX_UID}:{user}:/home/{user}:/bin/bash\n"
        "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n"
    )


def _make_etc(etc: Path, spec: EpisodeSpec) -> None:
    """A minimal /etc of the episode's own: accounts and host names. The
    host's /etc/alternatives (symlinks such as ``awk`` -> mawk) and
    ld.so.cache are bound read-only over the two empty mount points here."""
    etc.mkdir()
    (etc / "passwd").write_text(_passwd(spec.user))
    (etc / "group").write_text(f"root:x:0:\n{spec.user}:x:{SANDBOX_UID}:\nnogroup:x:65534:\n")
    (etc / "hostname").write_text(spec.hostname + "\n")
    (etc / "hosts").write_text(f"127.0.0.1\tlocalhost\n127.0.1.1\t{spec.hostname}\n")
    (etc / "resolv.conf").write_text("")
    (etc / "shells").write_text("/bin/sh\n/bin/bash\n")
    for name, is_dir in _HOST_ETC:
        if (Path("/etc") / name).exists():
            if is_dir:
                (etc / name).mkdir()
            else:
                (etc / name).touch()


#: What the sandbox's /etc takes from the host, read-only: (name, is a directory).
_HOST_ETC = (("alternatives", True), ("ld.so.cache", False))


def _chmod_readable(top: Path) -> None:
    for dirpath, _dirnames, filenames in os.walk(top):
        os.chmod(dirpath, 0o755)
        for name in filenames:
            path = os.path.join(dirpath, name)
            if not os.path.islink(path):
                os.chmod(path, 0o755 if os.access(path, os.X_OK) else 0o644)


def _chown_tree(root: Path, uid: int, gid: int) -> None:
    os.chown(root, uid, gid)
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            os.chown(os.path.join(dirpath, name), uid, gid, follow_symlinks=False)


def _remove_tree(path: Path) -> None:
    """Remove an episode directory, including what a command made hard to
    remove (a directory chmod 000, as a non-root host user; a file a dying
    process wrote while the tree was going). Permissions are only ever
    widened *inside* ``path``: never on its parent (the temp directory)."""
    top = os.path.abspath(path)

    def inside(candidate: str) -> bool:
        return os.path.abspath(candidate).startswith(top + os.sep)

    def retry(func, failed, _exc):  # type: ignore[no-untyped-def]
        parent = os.path.dirname(failed)
        with contextlib.suppress(OSError):
            if inside(parent) or parent == top:
                os.chmod(parent, stat.S_IMODE(os.lstat(parent).st_mode) | stat.S_IRWXU)
            if inside(failed) and not os.path.islink(failed):
                os.chmod(failed, stat.S_IMODE(os.lstat(failed).st_mode) | stat.S_IRWXU)
        with contextlib.suppress(OSError):
            if func is os.rmdir and os.path.isdir(failed) and not os.path.islink(failed):
                shutil.rmtree(failed, ignore_errors=True)  # refilled while we removed it
            func(failed)

    for _ in range(2):
        shutil.rmtree(path, onerror=retry)
        if not os.path.lexists(path):
            return


class _Stream:
    """One of the shell's output pipes, read up to a token; what follows the
    token (a background job's late output) waits for the next command."""

    def __init__(self, reader: asyncio.StreamReader) -> None:
        self.reader = reader
        self.pending = b""
        self.eof = False

    async def read_until(self, token: bytes, cap: int, out: bytearray) -> tuple[bytes | None, bool]:
        """Append to ``out`` (at most ``cap`` bytes) until ``token``; returns what
        follows the token up to the next newline (None at end of stream) and
        whether output was dropped at the cap."""
        dropped = False
        buf = self.pending
        self.pending = b""
        while True:
            at = buf.find(token)
            if at >= 0:
                end = buf.find(b"\n", at + len(token))
                if end >= 0:
                    dropped |= _keep(out, buf[:at], cap)
                    self.pending = buf[end + 1 :]
                    return buf[at + len(token) : end], dropped
                keep_from = at  # the token's line is not complete yet
            else:
                keep_from = max(0, len(buf) - len(token) + 1)
            dropped |= _keep(out, buf[:keep_from], cap)
            buf = buf[keep_from:]
            chunk = await self.reader.read(1 << 16)
            if not chunk:
                self.eof = True
                dropped |= _keep(out, buf, cap)
                return None, dropped
            buf += chunk


def _keep(out: bytearray, data: bytes, cap: int) -> bool:
    room = cap - len(out)
    if room >= len(data):
        out += data
        return False
    if room > 0:
        out += data[:room]
    return True


def _children(pid: int) -> list[int]:
    kids: list[int] = []
    with contextlib.suppress(OSError):
        for task in os.listdir(f"/proc/{pid}/task"):
            with contextlib.suppress(OSError), open(f"/proc/{pid}/task/{task}/children") as handle:
                kids += [int(text) for text in handle.read().split()]
    return kids


def _descendants(pid: int) -> list[int]:
    found: list[int] = []
    stack = [pid]
    while stack:
        for kid in _children(stack.pop()):
            found.append(kid)
            stack.append(kid)
    return found


def _running(pid: int) -> bool:
    """Whether ``pid`` still runs: a zombie (ended, not yet reaped) does not."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def _comm(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/comm") as handle:
            return handle.read().strip()
    except OSError:
        return ""


class BwrapSandbox:
    """One episode in bubblewrap; see :mod:`ethos.sandbox` for the layout.
    Make it with :func:`ethos.sandbox.open_episode`."""

    def __init__(self, spec: EpisodeSpec, limits: SandboxLimits, base: Path) -> None:
        self.spec = spec
        self.limits = limits
        self._base = base
        self._root = base / "root"
        self._ctl = base / "ctl"
        self._tree = _Tree(self._root, limits.diff_bytes)
        self._lock = asyncio.Lock()
        self._proc: asyncio.subprocess.Process | None = None
        self._stdout: _Stream | None = None
        self._stderr: _Stream | None = None
        self._count = 0
        self._closed = False
        self._abandoned = False
        self._disk_exceeded = False
        self._bwrap = bwrap_binary()
        self._as_nobody = os.geteuid() == 0

    # -- protocol ----------------------------------------------------------

    @property
    def root(self) -> Path:
        """The episode directory on the host: the machine's writable tree
        (``home/<user>``, ``tmp``, the scenario's top-level dirs) and ``servers/``."""
        return self._root

    def snapshot(self) -> dict[str, str]:
        """sha256 of every file under the root, by relative path (symlinks
        hashed by their target text, never followed)."""
        return {path: entry.sha256 for path, entry in self._tree.scan().items()}

    async def run(self, command: str, *, timeout_s: float | None = None) -> CommandResult:
        """Run ``command`` in the episode's shell (see the module docstring)."""
        if timeout_s is not None and timeout_s <= 0:
            raise ValueError(f"timeout_s must be positive, got {timeout_s}")
        async with self._lock:
            if self._closed:
                raise SandboxClosed("this sandbox episode is closed", "open a new episode")
            try:
                return await self._run(command, timeout_s or self.limits.timeout_s)
            except OSError as exc:  # the host side: the episode directory, the pipes
                self._abandon()
                raise SandboxError(
                    f"the sandbox failed on the host: {exc}",
                    "check the disk holding the episode directories (ETHOS_SANDBOX_DIR)",
                ) from exc
            except asyncio.CancelledError:
                # The caller gave up mid-command: the shell's output streams are
                # mid-command too, so the next command gets a fresh shell.
                self._abandon()
                raise

    def _abandon(self) -> None:
        """Kill the shell now (no await: we may be mid-cancellation); the
        next command reaps it and starts another."""
        if self._proc is not None and self._proc.returncode is None:
            inits = _children(self._proc.pid)  # pid 1 first, as in _stop
            for pid in inits:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(pid, signal.SIGKILL)
            if not inits:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(self._proc.pid, signal.SIGKILL)
        self._abandoned = True

    async def close(self) -> None:
        """Kill every process of the episode and remove its directory."""
        if self._closed:
            return
        self._closed = True
        async with self._lock:
            await self._stop()
            await asyncio.to_thread(_remove_tree, self._base)

    # -- setup -------------------------------------------------------------

    @classmethod
    async def create(cls, spec: EpisodeSpec, limits: SandboxLimits) -> BwrapSandbox:
        """Write the episode's files and start its shell."""
        bwrap_binary()
        parent = await asyncio.to_thread(episode_parent)
        await asyncio.to_thread(remove_orphaned_episodes, Path(parent))
        base = Path(await asyncio.to_thread(tempfile.mkdtemp, prefix="ethos-episode-", dir=parent))
        # Written aside and renamed into place: a sweep by another process's
        # open (remove_orphaned_episodes) must never read it half-written,
        # empty, and take this live episode for an orphan.
        (base / f"{_OWNER}.partial").write_text(_process_identity(os.getpid()) or "")
        os.replace(base / f"{_OWNER}.partial", base / _OWNER)
        sandbox = cls(spec, limits, base)
        try:
            await asyncio.to_thread(sandbox._prepare)
            await sandbox._start()
            await asyncio.to_thread(sandbox._tree.scan)
        except BaseException:
            await sandbox.close()
            raise
        return sandbox

    def _prepare(self) -> None:
        spec = self.spec
        os.chmod(self._base, 0o711)
        self._root.mkdir()
        (self._root / "home" / spec.user).mkdir(parents=True)
        (self._root / "tmp").mkdir()
        for rel in spec.dirs:
            (self._root / rel).mkdir(parents=True, exist_ok=True)
        _write_files(self._root, spec.files)
        for host, files in spec.servers.items():
            server = self._root / "servers" / host
            (server / "home" / spec.user).mkdir(parents=True)
            (server / "tmp").mkdir()
            _write_files(server, files)
        if spec.workdir is not None:
            inside = spec.workdir.strip("/")
            top = inside.split("/", 1)[0]
            if top and top not in ("usr", "bin", "etc") and top != "servers":
                (self._root / inside).mkdir(parents=True, exist_ok=True)
        self._ctl.mkdir(mode=0o755)
        _make_etc(self._base / "etc", spec)
        shims = self._base / "bin"
        shims.mkdir()
        (shims / "scp").write_text(scp_script(self_host=spec.hostname, user=spec.user))
        (shims / "ssh").write_text(
            ssh_script(self_host=spec.hostname, user=spec.user, system_binds=system_binds())
        )
        for shim in ("scp", "ssh"):
            (shims / shim).chmod(0o755)
        # mkdir and write obey the umask (often 077): the sandbox's user must read these.
        for path in (self._base / "etc", self._ctl, shims):
            _chmod_readable(path)
        os.chmod(self._root, 0o755)
        if self._as_nobody:
            _chown_tree(self._root, NOBODY, NOBODY)

    def argv(self, *, interactive: bool = False) -> list[str]:
        """The full bwrap command line for this episode's shell."""
        spec, limits = self.spec, self.limits
        args = [self._bwrap, *system_binds(), "--ro-bind", str(self._base / "etc"), "/etc"]
        for name, _ in _HOST_ETC:
            if (self._base / "etc" / name).exists():
                args += ["--ro-bind", f"/etc/{name}", f"/etc/{name}"]
        args += ["--proc", "/proc", "--dev", "/dev"]
        for item in sorted(os.listdir(self._root)):
            if item == "servers":
                continue
            path = self._root / item
            if path.is_dir() and not path.is_symlink():
                args += ["--bind", str(path), f"/{item}"]
        if (self._root / "servers").is_dir():
            args += ["--bind", str(self._root / "servers"), "/.ethos/servers"]
        args += ["--ro-bind", str(self._ctl), "/.ethos/ctl"]
        args += ["--ro-bind", str(self._base / "bin"), "/usr/local/bin"]
        args += ["--remount-ro", "/"]
        args += ["--unshare-all", "--hostname", spec.hostname]
        args += ["--uid", str(SANDBOX_UID), "--gid", str(SANDBOX_UID)]
        args += ["--die-with-parent", "--cap-drop", "ALL"]
        # Its own session even on the user's terminal: no TIOCSTI keystrokes
        # pushed into the host shell's input (the kernel still allows that
        # where dev.tty.legacy_tiocsti=1). The cost: no job control (Ctrl-Z).
        args.append("--new-session")
        args.append("--clearenv")
        env = {
            "PATH": PATH,
            "HOME": spec.home,
            "USER": spec.user,
            "LOGNAME": spec.user,
            "SHELL": "/bin/bash",
            "HOSTNAME": spec.hostname,
            "LANG": "C.UTF-8",
            "TERM": os.environ.get("TERM", "xterm") if interactive else "dumb",
            "PAGER": "cat",
            **({"PS1": "\\u@\\h:\\w\\$ "} if interactive else {}),
            **spec.env,
        }
        for key, value in env.items():
            args += ["--setenv", key, value]
        args += ["--chdir", spec.start_dir]
        args += [
            "/usr/bin/prlimit",
            f"--cpu={limits.cpu_s}",
            f"--as={limits.memory_bytes}",
            f"--nproc={limits.processes}",
            f"--fsize={limits.file_bytes}",
            f"--nofile={limits.open_files}",
            "--core=0",
            "--",
            "/bin/bash",
            "--noprofile",
            "--norc",
        ]
        if interactive:
            args.append("-i")
        return args

    def _user_kwargs(self) -> dict[str, Any]:
        if self._as_nobody:
            return {"user": NOBODY, "group": NOBODY, "extra_groups": []}
        return {}

    async def _spawn(self, argv: list[str], **kwargs: object) -> asyncio.subprocess.Process:
        """Start bwrap with its options on a pipe (``--args FD``): the
        sandbox's pid 1 shares bwrap's command line, which would otherwise be
        two kilobytes of host paths in every ``ps``. (Not a secret kept: a
        command can still read the bind sources in /proc/self/mountinfo.)"""
        split = argv.index("/usr/bin/prlimit")  # options go on the pipe, the command stays
        read_end, write_end = os.pipe()
        try:
            payload = b"".join(arg.encode() + b"\0" for arg in argv[1:split])
            if len(payload) > 60_000:  # a pipe holds 64 KiB before a writer blocks
                raise SandboxError(f"the sandbox's command line is too long ({len(payload)} bytes)")
            os.write(write_end, payload)
            os.close(write_end)
            write_end = -1
            return await asyncio.create_subprocess_exec(
                argv[0],
                "--args",
                str(read_end),
                *argv[split:],
                pass_fds=(read_end,),
                env={"PATH": "/usr/bin:/bin"},
                **self._user_kwargs(),
                **kwargs,  # type: ignore[arg-type]
            )
        finally:
            os.close(read_end)
            if write_end >= 0:
                os.close(write_end)

    async def _start(self) -> None:
        try:
            self._proc = await self._spawn(
                self.argv(),
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
                start_new_session=True,
            )
        except OSError as exc:  # not executable by the sandbox's user, say
            raise SandboxUnavailable(f"bwrap could not be run: {exc}", _INSTALL_FIX) from exc
        assert self._proc.stdout is not None and self._proc.stderr is not None
        self._stdout = _Stream(self._proc.stdout)
        self._stderr = _Stream(self._proc.stderr)
        # The first exchange proves the sandbox started (bwrap can be refused
        # by the kernel, e.g. without user namespaces).
        token = secrets.token_hex(12)
        # SIGUSR1 at a timeout ends the sourced command line, as Ctrl-C ends a
        # terminal's (see _kill_children).
        await self._send(
            "trap 'builtin return 124 2>/dev/null' USR1; "
            f"builtin printf '\\n{token}:%d\\n' 0; builtin printf '\\n{token}\\n' >&2\n"
        )
        out, err = bytearray(), bytearray()
        try:
            status, _ = await asyncio.wait_for(
                self._stdout.read_until(f"\n{token}:".encode(), 4096, out), timeout=30
            )
        except TimeoutError:
            status = None
        if status is None:
            await self._stderr.read_until(f"\n{token}".encode(), 4096, err)
            await self._stop()
            reason = err.decode(errors="replace").strip().splitlines()
            raise SandboxUnavailable(
                f"bwrap could not start a sandbox: {reason[-1] if reason else 'no message'}",
                _USERNS_FIX,
            )
        await self._stderr.read_until(f"\n{token}".encode(), 4096, err)

    async def _send(self, line: str) -> bool:
        assert self._proc is not None and self._proc.stdin is not None
        try:
            self._proc.stdin.write(line.encode())
            await self._proc.stdin.drain()
        except (BrokenPipeError, ConnectionResetError):
            return False
        return True

    async def _stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        if proc.returncode is None:
            # The sandbox's pid 1 first: its death ends every process in the
            # namespace, and bwrap reaps it and exits. Killing bwrap first
            # would orphan it to the host's init (a zombie per episode where
            # PID 1 never reaps, as in a container without --init).
            for init in _children(proc.pid):
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(init, signal.SIGKILL)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(proc.wait()), 5)
        if proc.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            with contextlib.suppress(ProcessLookupError):
                proc.kill()
        await proc.wait()
        if proc.stdin is not None:
            proc.stdin.close()

    # -- one command ---------------------------------------------------------

    async def _run(self, command: str, timeout_s: float) -> CommandResult:
        restarted = False
        if self._proc is None or self._proc.returncode is not None or self._abandoned:
            self._abandoned = False
            await self._stop()
            await self._start()
            restarted = True
        assert self._stdout is not None and self._stderr is not None
        before = dict(self._tree.entries)
        self._count += 1
        name = f"c{self._count}"
        await asyncio.to_thread(self._write_command, name, command)
        token = secrets.token_hex(12)
        line = (
            f". /.ethos/ctl/{name} </dev/null; builtin printf '\\n{token}:%d\\n' $?; "
            f"builtin printf '\\n{token}\\n' >&2\n"
        )
        started = time.monotonic()
        out, err = bytearray(), bytearray()
        cap = self.limits.output_bytes
        reads = asyncio.gather(
            self._stdout.read_until(f"\n{token}:".encode(), cap, out),
            self._stderr.read_until(f"\n{token}".encode(), cap, err),
        )
        timed_out = False
        self._disk_exceeded = False
        if not await self._send(line):
            reads.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await reads
            results = ((None, False), (None, False))
        else:
            watchdog = asyncio.ensure_future(self._watch_disk())
            try:
                results = await asyncio.wait_for(asyncio.shield(reads), timeout_s)
            except TimeoutError:
                timed_out = True
                await asyncio.to_thread(self._kill_children)
                try:
                    results = await asyncio.wait_for(asyncio.shield(reads), _RESTART_GRACE_S)
                except TimeoutError:
                    # The shell itself is stuck: a fresh one serves the next command.
                    await self._stop()
                    results = await reads
            finally:
                watchdog.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await watchdog
        if self._disk_exceeded:
            note = (
                f"ethos sandbox: command stopped: the episode's files passed the disk "
                f"limit of {self.limits.disk_bytes} bytes\n"
            ).encode()
            err += note
        (status, cut_out), (_, cut_err) = results
        duration = time.monotonic() - started
        if status is None:  # the shell ended (``exit``, a kill, a resource limit)
            proc = self._proc
            code = 124 if timed_out else 0
            if proc is not None:
                with contextlib.suppress(TimeoutError):
                    code = await asyncio.wait_for(proc.wait(), 5)
                if proc.returncode is None:
                    await self._stop()
            code = 124 if timed_out else code
            await self._stop()
        else:
            code = 124 if timed_out else int(status or b"0")
        after = await asyncio.to_thread(self._tree.scan)
        changes = await asyncio.to_thread(compare, before, after, self.limits.diff_bytes)
        return CommandResult(
            command=command,
            stdout=out.decode("utf-8", errors="replace"),
            stderr=err.decode("utf-8", errors="replace"),
            exit_code=code,
            timed_out=timed_out,
            truncated=cut_out or cut_err,
            duration_s=duration,
            changes=changes,
            shell_restarted=restarted,
            disk_exceeded=self._disk_exceeded,
        )

    async def _watch_disk(self) -> None:
        """Stop the running command once the episode's files pass the disk limit."""
        while True:
            await asyncio.sleep(_DISK_POLL_S)
            used = await asyncio.to_thread(_bytes_used, self._root)
            if used > self.limits.disk_bytes:
                self._disk_exceeded = True
                await asyncio.to_thread(self._kill_children)
                return

    def _write_command(self, name: str, command: str) -> None:
        for old in self._ctl.iterdir():
            old.unlink()
        path = self._ctl / name
        path.write_bytes(command.encode("utf-8", errors="surrogateescape") + b"\n")
        path.chmod(0o644)

    def _kill_children(self) -> None:
        """End the running command line: SIGUSR1 to the shell (its trap returns
        from the sourced command once the foreground job is gone, or at once in
        a builtin loop), SIGKILL to everything the shell started."""
        if self._proc is None:
            return
        shell = next(
            (pid for pid in _descendants(self._proc.pid) if _comm(pid) in ("bash", "prlimit")),
            None,
        )
        if shell is None:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(shell, signal.SIGUSR1)
        killed = list(reversed(_descendants(shell)))
        for pid in killed:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
        # A SIGKILL takes effect when the process next runs: on a busy machine
        # it could still be running when the result returns. Wait (bounded)
        # until each has ended (gone, or a zombie without a command line).
        deadline = time.monotonic() + _KILL_WAIT_S
        while time.monotonic() < deadline and any(_running(pid) for pid in killed):
            time.sleep(0.005)

    async def interactive(self) -> int:
        """Run an interactive bash on the caller's terminal in this episode
        (its own shell, beside the one :meth:`run` drives); returns its exit status."""
        proc = await self._spawn(self.argv(interactive=True))
        return await proc.wait()


@contextlib.asynccontextmanager
async def open_bwrap_episode(
    spec: EpisodeSpec, limits: SandboxLimits | None = None
) -> AsyncIterator[BwrapSandbox]:
    """A fresh bubblewrap episode of ``spec``, closed (processes killed,
    directory removed) when the block ends."""
    sandbox = await BwrapSandbox.create(spec, limits or SandboxLimits())
    try:
        yield sandbox
    finally:
        await asyncio.shield(sandbox.close())


__all__ = ["BwrapSandbox", "SandboxError", "bwrap_binary", "open_bwrap_episode"]
