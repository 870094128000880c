"""Errors a user can act on.

Every error ethos raises on bad input derives from :class:`EthosError` and
carries two parts: what is wrong (naming the thing) and how to fix it. The
command line prints exactly that, one line, no traceback.
"""

from __future__ import annotations


class EthosError(Exception):
    """Base of ethos' own errors: a problem and the fix for it."""

    # The command line's exit status for this error: 2, the input or the
    # configuration is wrong; an error that is the world's fault says 1.
    exit_status: int = 2

    def __init__(self, problem: str, fix: str | None = None) -> None:
        self.problem = problem
        self.fix = fix
        super().__init__(f"{problem}; {fix}" if fix else problem)


class ConfigError(EthosError):
    """The settings (environment, ethos.toml, command line) are invalid."""


class DatabaseURLError(ConfigError):
    """The database URL cannot be parsed or names an unsupported database."""


class DatabaseUnavailableError(EthosError):
    """The database server does not answer or refuses the connection."""


class DatabaseNotFoundError(EthosError):
    """A command that only reads was pointed at a database that does not exist."""


class SchemaTooNewError(EthosError):
    """The database was migrated by a newer ethos than the one running."""


class RunNotFoundError(EthosError, LookupError):
    """No run has the given id (or the id prefix is ambiguous)."""
