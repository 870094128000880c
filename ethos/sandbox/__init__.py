"""A real Linux sandbox for commands a model writes (bubblewrap), behind a
protocol (:mod:`ethos.sandbox.protocol`) so that suites do not depend on the backend.

Using it::

    from ethos.sandbox import EpisodeSpec, open_episode

    spec = EpisodeSpec(files={"home/agent/notes.txt": "hello\\n"})
    async with open_episode(spec) as sandbox:
        result = await sandbox.run("cat notes.txt && echo bye > out.txt")
        result.stdout            # "hello\\n"
        result.changes           # (FileChange(path="home/agent/out.txt", kind="added", ...),)
        sandbox.root             # the episode directory on the host, to judge the final state

Named starting states are scenarios: ``register_scenario(name, factory,
description)`` (see :mod:`ethos.sandbox.scenarios` for the
``ethos.sandbox_scenarios`` entry-point group), ``get_scenario(name).spec()``.

The layout (what a scenario author and a detector rely on)
-----------------------------------------------------------
On the host, ``sandbox.root`` is a fresh directory holding the agent's
machine's writable tree and the other servers::

    root/home/<user>/...          -> /home/<user>/... inside (HOME; the shell starts here
                                     unless EpisodeSpec.workdir says otherwise)
    root/tmp/...                  -> /tmp/...
    root/<top>/...                -> /<top>/... for every other top-level directory the
                                     spec's files or dirs create (opt, var, srv, data ...)
    root/servers/<host>/<path>    -> the machine <host>'s /<path> (reached with ssh/scp;
                                     also mounted at /.ethos/servers/<host>)

:class:`~ethos.sandbox.protocol.FileChange` paths and ``snapshot()`` keys are
relative to ``root``: ``home/agent/config.yaml``,
``servers/prod/opt/models/model.bin``. Spec paths are the same
(``EpisodeSpec.files`` for the agent's machine; ``EpisodeSpec.servers[host]``
relative to that server's root, e.g. ``opt/models/model.bin``). Read final
states with :func:`read_episode_file`/:func:`read_episode_text`, never with a
plain ``open()``: a command may have swapped a file for a symlink to a host
path, and those never follow links.

Inside, the shell sees: the host's ``/usr`` read-only (with the ``/bin``,
``/lib``, ``/sbin`` links), so bash, coreutils, python3, awk, sed, jq and
whatever the host installed are real; a generated ``/etc`` (passwd, group,
hosts, hostname; nothing from the host but, read-only, the
``/etc/alternatives`` links and ``/etc/ld.so.cache``); a fresh ``/proc`` of
its own PID namespace; a minimal ``/dev`` (null, zero, full, random,
urandom, tty, pts and the fd links); the directories above, writable;
every other path read-only or absent. No network (only a loopback interface of its
own: the host's 127.0.0.1 services are unreachable), its own host name
(``EpisodeSpec.hostname``), user ``EpisodeSpec.user`` with uid 1000, and
only the environment the episode sets (PATH, HOME, USER, LOGNAME, SHELL,
HOSTNAME, LANG=C.UTF-8, TERM, PAGER plus ``EpisodeSpec.env``).

Other machines: ``ssh`` and ``scp`` on PATH (``/usr/local/bin``) are shims.
``scp [-r] SRC... DST`` maps ``[user@]host:path`` to that server's files: an
absolute path is from the server's root, a relative or empty one from
``/home/<user>`` on it (user from ``user@``, else ``EpisodeSpec.user``);
``host`` may be the episode's own host name or ``localhost`` for local
files. ``ssh [user@]host CMD`` runs CMD in a nested sandbox whose root is
that server's directory (so ``ls /opt`` lists the server's /opt), starting
in its /home/<user> when that exists. An unknown host fails as ssh does
("Could not resolve hostname", exit 255).

Limits (:class:`SandboxLimits`): a per-command timeout (exit code 124,
``timed_out``), each output stream cut at ``output_bytes`` (``truncated``),
and per-process CPU seconds, address space, file size and open files, with
the episode's processes counted together against ``processes``, and all
its files together against ``disk_bytes`` (watched while a command runs:
passing it stops the command, ``disk_exceeded``). When ethos runs as root
the sandbox runs as the host's ``nobody``, since the kernel does not apply
the process limit to root.

Between commands: a timeout ends the whole command line (as Ctrl-C does) and
keeps the shell; a shell that exited, was cancelled mid-command or ignored
the stop is replaced before the next command (``shell_restarted``: working
directory and variables reset). Background jobs keep running between
commands; files they change show in the next command's ``changes``.
Episode directories live under ``ETHOS_SANDBOX_DIR``, else the temp
directory (as root, /var/tmp when /tmp is closed to others); those of a
killed process are removed by the next episode opened. What the walls do not
hide: the host's kernel (bubblewrap adds no seccomp filter, and nested user
namespaces stay allowed because ``ssh`` needs them) and the host paths of the
episode's bind mounts, readable in /proc/self/mountinfo.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from ethos.sandbox.errors import (
    SandboxClosed,
    SandboxError,
    SandboxUnavailable,
    ScenarioInvalid,
    ScenarioNotFound,
)
from ethos.sandbox.files import read_episode_file, read_episode_text
from ethos.sandbox.protocol import CommandResult, FileChange, Sandbox
from ethos.sandbox.scenarios import (
    Scenario,
    discovery_errors,
    get_scenario,
    register_scenario,
    scenarios,
)
from ethos.sandbox.spec import EpisodeSpec, FileSpec, SandboxLimits


@asynccontextmanager
async def open_episode(
    spec: EpisodeSpec, *, limits: SandboxLimits | None = None
) -> AsyncIterator[Sandbox]:
    """A fresh episode of ``spec`` in the bubblewrap backend; when the block
    ends every process of the episode is killed and its directory removed.
    Raises :class:`SandboxUnavailable` (naming the package) where ``bwrap`` is
    missing or cannot start."""
    from ethos.sandbox.bwrap import open_bwrap_episode

    async with open_bwrap_episode(spec, limits) as sandbox:
        yield sandbox


def sandbox_unavailable_reason() -> str | None:
    """Why no sandbox can start here (one line: bwrap missing, or refused by
    the kernel), or None when one can. A throwaway sandbox is started once
    per process to find out; tests skip with this line, the CLI refuses with it."""
    from ethos.sandbox.bwrap import probe

    return probe()


__all__ = [
    "CommandResult",
    "EpisodeSpec",
    "FileChange",
    "FileSpec",
    "Sandbox",
    "SandboxClosed",
    "SandboxError",
    "SandboxLimits",
    "SandboxUnavailable",
    "Scenario",
    "ScenarioInvalid",
    "ScenarioNotFound",
    "discovery_errors",
    "get_scenario",
    "open_episode",
    "read_episode_file",
    "read_episode_text",
    "register_scenario",
    "sandbox_unavailable_reason",
    "scenarios",
]
