"""What one episode's machine holds before the first command: :class:`EpisodeSpec`.

A scenario describes its files as data (text, or base64 for bytes), so that
scenario files can be validated, stored and diffed; :func:`ethos.sandbox.open_episode`
writes them into a fresh episode directory.

Paths are relative to the machine's root and use ``/``: ``home/agent/notes.txt``
is ``/home/agent/notes.txt`` inside the sandbox, ``opt/app/config.yaml`` is
``/opt/app/config.yaml``. The first component of a path becomes a writable
top-level directory of the sandbox, so it may not be one the system provides
(``usr``, ``bin``, ``lib``, ``etc``, ``proc``, ``dev`` ...). Other machines (the
"servers" reached with ``ssh``/``scp``) have the same kind of file map under
:attr:`EpisodeSpec.servers`, keyed by host name.
"""

from __future__ import annotations

import base64
import binascii
import re
from pathlib import PurePosixPath
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

#: Top-level names the sandbox itself provides: a scenario cannot put files there.
RESERVED_TOP_LEVEL = frozenset(
    {
        "usr",
        "bin",
        "sbin",
        "lib",
        "lib32",
        "lib64",
        "libx32",
        "etc",
        "proc",
        "dev",
        "sys",
        "run",
        ".ethos",
        "servers",
    }
)

_NAME = re.compile(r"^[a-z_][a-z0-9_-]{0,31}$")
_HOST = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9_.-]{0,62})$")
_ENV = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class FileSpec(BaseModel):
    """One file: its text, or its bytes as base64, and whether it is executable.
    A bare string in :attr:`EpisodeSpec.files` is shorthand for ``FileSpec(text=...)``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    text: str | None = None
    base64: str | None = None
    executable: bool = False

    @model_validator(mode="after")
    def _one_content(self) -> FileSpec:
        if (self.text is None) == (self.base64 is None):
            raise ValueError("give exactly one of 'text' or 'base64'")
        if self.base64 is not None:
            try:
                base64.b64decode(self.base64, validate=True)
            except binascii.Error as exc:
                raise ValueError(f"'base64' is not valid base64 ({exc})") from None
        return self

    def content(self) -> bytes:
        """The file's bytes (text is written as UTF-8)."""
        if self.text is not None:
            return self.text.encode("utf-8")
        return base64.b64decode(self.base64 or "")


FileMap = dict[str, str | FileSpec]


def check_relative_path(path: str) -> str:
    """A path under a machine's root: relative, ``/``-separated, no ``..``, not
    under a reserved top-level directory. Returns it normalised."""
    if not path or path.startswith("/"):
        raise ValueError(
            f"{path!r}: file paths are relative to the machine's root (no leading '/')"
        )
    if "\x00" in path or "\\" in path:
        raise ValueError(f"{path!r}: file paths may not hold NUL or backslashes")
    parts = PurePosixPath(path).parts
    if any(part in ("..", ".") for part in path.split("/")) or not parts:
        raise ValueError(f"{path!r}: file paths may not hold '.' or '..' components")
    if parts[0] in RESERVED_TOP_LEVEL:
        raise ValueError(
            f"{path!r}: /{parts[0]} is provided by the sandbox; put scenario files elsewhere "
            "(home/<user>/..., opt/..., srv/..., var/..., tmp/...)"
        )
    return "/".join(parts)


def _check_files(files: FileMap) -> FileMap:
    checked: FileMap = {}
    for path, spec in files.items():
        checked[check_relative_path(path)] = spec
    paths = set(checked)
    for path in paths:
        parts = path.split("/")
        for cut in range(1, len(parts)):
            if "/".join(parts[:cut]) in paths:
                raise ValueError(f"{path!r}: its parent {'/'.join(parts[:cut])!r} is also a file")
    return checked


class EpisodeSpec(BaseModel):
    """The starting state of one episode: the agent's machine and the servers
    it can reach. Everything here is data; nothing runs until a command does."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    files: FileMap = Field(default_factory=dict)
    # Empty directories to create (files create their parents themselves).
    dirs: tuple[str, ...] = ()
    user: str = "agent"
    hostname: str = "workstation"
    # Absolute path inside the sandbox where the shell starts; default: the user's home.
    workdir: str | None = None
    # Other machines by host name, each a file map relative to that machine's root.
    servers: dict[str, FileMap] = Field(default_factory=dict)
    env: dict[str, str] = Field(default_factory=dict)

    @field_validator("files")
    @classmethod
    def _files(cls, value: FileMap) -> FileMap:
        return _check_files(value)

    @field_validator("dirs")
    @classmethod
    def _dirs(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(check_relative_path(path) for path in value)

    @field_validator("user")
    @classmethod
    def _user(cls, value: str) -> str:
        if not _NAME.match(value) or value == "root":
            raise ValueError(f"{value!r} is not a login name (lowercase letters, digits, _ and -)")
        return value

    @field_validator("hostname")
    @classmethod
    def _hostname(cls, value: str) -> str:
        if not _HOST.match(value):
            raise ValueError(f"{value!r} is not a host name (letters, digits, '.', '_', '-')")
        return value

    @field_validator("servers")
    @classmethod
    def _servers(cls, value: dict[str, FileMap]) -> dict[str, FileMap]:
        checked: dict[str, FileMap] = {}
        for host, files in value.items():
            if not _HOST.match(host):
                raise ValueError(
                    f"server {host!r} is not a host name (letters, digits, '.', '_', '-')"
                )
            try:
                checked[host] = _check_files(files)
            except ValueError as exc:
                raise ValueError(f"server {host!r}: {exc}") from None
        return checked

    @field_validator("env")
    @classmethod
    def _env(cls, value: dict[str, str]) -> dict[str, str]:
        for key, text in value.items():
            if not _ENV.match(key) or "\x00" in text:
                raise ValueError(
                    f"{key!r} is not an environment variable name (or its value holds NUL)"
                )
        return value

    @field_validator("workdir")
    @classmethod
    def _workdir(cls, value: str | None) -> str | None:
        if value is not None and (not value.startswith("/") or ".." in value.split("/")):
            raise ValueError(
                f"{value!r}: workdir is an absolute path inside the sandbox, without '..'"
            )
        return value

    @model_validator(mode="after")
    def _hostname_not_a_server(self) -> EpisodeSpec:
        if self.hostname in self.servers:
            raise ValueError(f"{self.hostname!r} is both the agent's host name and a server's")
        return self

    @property
    def home(self) -> str:
        """The user's home inside the sandbox (``/home/<user>``)."""
        return f"/home/{self.user}"

    @property
    def start_dir(self) -> str:
        """Where the shell starts: :attr:`workdir`, else the home."""
        return self.workdir or self.home


class SandboxLimits(BaseModel):
    """Resource limits of one episode. ``cpu_s``, ``memory_bytes`` and
    ``file_bytes`` are per process (setrlimit); ``processes`` counts the
    episode's processes together; ``timeout_s`` and ``output_bytes`` are per
    command (each of stdout and stderr is cut at ``output_bytes``);
    ``disk_bytes`` is checked every quarter second while a command runs, so
    a command can pass it by what it writes in that time before it is stopped."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    timeout_s: Annotated[float, Field(gt=0)] = 30.0
    output_bytes: Annotated[int, Field(gt=0)] = 64_000
    cpu_s: Annotated[int, Field(gt=0)] = 120
    memory_bytes: Annotated[int, Field(ge=64 << 20)] = 2 << 30
    processes: Annotated[int, Field(ge=8)] = 128
    file_bytes: Annotated[int, Field(gt=0)] = 256 << 20
    open_files: Annotated[int, Field(ge=32)] = 1024
    # All the episode's files together (the servers' included), watched while
    # a command runs; passing it stops the command (``disk_exceeded``).
    disk_bytes: Annotated[int, Field(gt=0)] = 1 << 30
    # A text file's unified diff is kept when both versions are at most this many bytes.
    diff_bytes: Annotated[int, Field(gt=0)] = 64_000
