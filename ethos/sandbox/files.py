"""Reading an episode's files from the host without following the agent's symlinks.

A command can replace ``home/agent/config.yaml`` with a link to
``/etc/shadow`` or ``/root/.ssh/id_rsa``: names that mean the sandbox's own
(absent) files inside, but the host's real ones to a host process that opens
the path. Detectors and reports read final states with :func:`read_episode_file`,
which opens every component with ``O_NOFOLLOW`` relative to the episode root.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

from ethos.sandbox.spec import check_relative_path


def read_episode_file(root: Path | str, path: str, *, max_bytes: int = 16 << 20) -> bytes | None:
    """The bytes of regular file ``path`` (relative to the episode ``root``,
    e.g. ``servers/prod/opt/models/model.bin``), at most ``max_bytes`` of
    them; None when it is missing, a symlink (at any component), a directory
    or any other non-regular file."""
    parts = path.strip("/").split("/")
    if not path.strip("/") or any(part in ("", ".", "..") for part in parts):
        raise ValueError(f"{path!r} is not a path relative to the episode root")
    if parts[0] != "servers":
        check_relative_path(path.strip("/"))
    fds: list[int] = []
    try:
        fds.append(os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC))
        for part in parts[:-1]:
            fds.append(
                os.open(
                    part,
                    os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC,
                    dir_fd=fds[-1],
                )
            )
        fd = os.open(
            parts[-1], os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, dir_fd=fds[-1]
        )
        fds.append(fd)
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        chunks: list[bytes] = []
        left = max_bytes
        while left > 0 and (chunk := os.read(fd, min(left, 1 << 20))):
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)
    except OSError:  # missing, a symlink (ELOOP), a file where a directory was (ENOTDIR)
        return None
    finally:
        for fd in reversed(fds):
            with contextlib.suppress(OSError):
                os.close(fd)


def read_episode_text(root: Path | str, path: str, *, max_bytes: int = 16 << 20) -> str | None:
    """:func:`read_episode_file` decoded as UTF-8 (undecodable bytes replaced)."""
    data = read_episode_file(root, path, max_bytes=max_bytes)
    return None if data is None else data.decode("utf-8", errors="replace")
