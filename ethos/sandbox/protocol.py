"""What a sandbox for model-written commands promises, whatever runs it.

Suites (scheming, CODA's files application) and the ``ethos sandbox`` commands
are written against :class:`Sandbox` and these records only, so the backend
(bubblewrap today, a Docker daemon later) is replaceable. An *episode* is one
fresh copy of a scenario's files: its directory on the host is the only place
a command can write, and it is gone when the episode closes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal, Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict, Field


class FileChange(BaseModel):
    """One file a command added, removed or modified, relative to the
    episode's root (``home/agent/config.yaml``, ``servers/prod/model.bin``)."""

    model_config = ConfigDict(frozen=True)

    path: str
    kind: Literal["added", "removed", "modified"]
    before_sha256: str | None = None
    after_sha256: str | None = None
    # unified diff for text files under the diff size cap; None for binary or huge files
    diff: str | None = None


class CommandResult(BaseModel):
    """One command as it ran: what it printed (capped), how it ended, and
    the files it changed. ``exit_code`` is the shell's status; a command
    killed at its timeout has ``timed_out`` set and exit code 124."""

    model_config = ConfigDict(frozen=True)

    command: str
    stdout: str
    stderr: str
    exit_code: int
    timed_out: bool = False
    truncated: bool = False  # output was cut at the output cap
    duration_s: float = 0.0
    changes: tuple[FileChange, ...] = Field(default_factory=tuple)
    # the shell had ended (``exit``, a stuck command killed at its timeout) and
    # this command ran in a fresh one: working directory and variables were reset
    shell_restarted: bool = False
    # stopped because the episode's files passed the sandbox's disk limit
    disk_exceeded: bool = False


@runtime_checkable
class Sandbox(Protocol):
    """One episode's shell. Commands run one at a time in one long-lived
    shell, so the working directory and variables carry from command to
    command, as in a terminal."""

    @property
    def root(self) -> Path:
        """The episode directory on the host (read it to judge the final state)."""
        ...

    async def run(self, command: str, *, timeout_s: float | None = None) -> CommandResult:
        """Run ``command`` in the episode's shell; never raises for what the
        command does (a failing, hanging or flooding command is a result),
        only :class:`ethos.sandbox.errors.SandboxError` subclasses for the
        sandbox itself (backend missing, episode closed)."""
        ...

    def snapshot(self) -> dict[str, str]:
        """sha256 of every regular file under the root, by relative path."""
        ...

    async def close(self) -> None:
        """Stop the shell and every process it started; remove the episode directory."""
        ...
