"""The sandbox's own errors: the only exceptions :meth:`Sandbox.run` raises.

What a command does (fail, hang, flood its output, exit the shell) is a
:class:`~ethos.sandbox.protocol.CommandResult`, never an exception; these say
the sandbox itself cannot do its job, and each names the fix.
"""

from __future__ import annotations

from ethos.errors import EthosError


class SandboxError(EthosError):
    """The sandbox could not run a command (not: the command failed)."""


class SandboxUnavailable(SandboxError):
    """No backend can start on this machine (``bwrap`` missing or refused)."""


class SandboxClosed(SandboxError):
    """A command was sent to an episode that has been closed."""


class ScenarioNotFound(SandboxError, LookupError):
    """No registered scenario has the given name."""


class ScenarioInvalid(SandboxError, ValueError):
    """A scenario's factory raised or returned something that is not an EpisodeSpec."""
